//! JSON with comments, as ARM reads it, into a tree that keeps a byte span on every
//! key and value.
//!
//! Tokens come from `jsonc-parser`'s scanner in strict mode (no single quotes, hex,
//! `+1`, NaN…); on top of strict JSON ARM accepts `//` and `/* */` comments, raw
//! newlines inside strings and trailing commas, and so do we. The tree is built in
//! one pass straight from the tokens.

use std::sync::Arc;

use jsonc_parser::tokens::Token;
use jsonc_parser::{Scanner, ScannerOptions};

use crate::source::limits::MAX_JSON_DEPTH;
use crate::source::Str;

/// Byte range in a file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum NodeKind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(Str),
    Array(Vec<Node>),
    Object(Vec<Member>),
}

#[derive(Clone, Debug)]
pub struct Member {
    pub key: Str,
    pub key_span: Span,
    pub value: Node,
    /// The key equals an earlier member's key but for case (`adminUserEnabled` and
    /// `AdminUserEnabled`): ARM reads keys case-insensitively, so which value it takes
    /// is not defined. Set by [`mark_case_twins`].
    pub case_twin: bool,
}

impl Member {
    pub fn new(key: Str, key_span: Span, value: Node) -> Member {
        Member {
            key,
            key_span,
            value,
            case_twin: false,
        }
    }
}

/// Objects with more members than this find keys through hash tables.
const LINEAR_LOOKUP_MAX: usize = 8;

/// A key compared and hashed ignoring ASCII case (ARM's comparison), without making
/// a lowercase copy of it.
#[derive(Clone, Debug)]
struct NoCase(Str);

impl PartialEq for NoCase {
    fn eq(&self, other: &NoCase) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
    }
}

impl Eq for NoCase {}

impl std::hash::Hash for NoCase {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        for b in self.0.bytes() {
            state.write_u8(b.to_ascii_lowercase());
        }
        state.write_u8(0xff);
    }
}

/// Mark the members whose key equals an earlier member's key but for case, in time
/// linear in the number of members.
pub fn mark_case_twins(members: &mut [Member]) {
    let mut keys = MemberKeys::default();
    for i in 0..members.len() {
        let twin = keys.case_twin(members, i);
        members[i].case_twin = twin;
    }
}

/// Finds members by key as an object's members are added: by a linear search while
/// the object is small, through hash tables once it is not (100,000 keys took 20 s
/// with a linear search).
#[derive(Default)]
struct MemberKeys {
    exact: std::collections::HashMap<Str, usize>,
    any_case: std::collections::HashSet<NoCase>,
}

impl MemberKeys {
    /// Index of the member whose key is exactly `key`, among `members`.
    fn find(&mut self, members: &[Member], key: &Str) -> Option<usize> {
        if members.len() < LINEAR_LOOKUP_MAX {
            return members.iter().position(|m| m.key == *key);
        }
        if self.exact.is_empty() {
            self.exact
                .extend(members.iter().enumerate().map(|(i, m)| (m.key.clone(), i)));
        }
        self.exact.get(key).copied()
    }

    /// Record that `members[index]` was pushed (after [`MemberKeys::find`] missed).
    fn pushed(&mut self, members: &[Member], index: usize) {
        if !self.exact.is_empty() {
            self.exact.insert(members[index].key.clone(), index);
        }
    }

    /// Whether `members[i]`'s key equals an earlier member's key but for case
    /// (members are visited in order).
    fn case_twin(&mut self, members: &[Member], i: usize) -> bool {
        let key = &members[i].key;
        if i < LINEAR_LOOKUP_MAX {
            let twin = members[..i].iter().any(|m| m.key.eq_ignore_ascii_case(key));
            if i + 1 == LINEAR_LOOKUP_MAX {
                self.any_case
                    .extend(members[..=i].iter().map(|m| NoCase(m.key.clone())));
            }
            return twin;
        }
        !self.any_case.insert(NoCase(key.clone()))
    }
}

/// A load error at a byte offset.
#[derive(Clone, Debug, PartialEq)]
pub struct JsonError {
    pub message: String,
    pub span: Span,
}

impl Node {
    /// Member lookup, exact first then case-insensitive (ARM reads template keys
    /// case-insensitively).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.member(key).map(|m| &m.value)
    }

    pub fn member(&self, key: &str) -> Option<&Member> {
        match &self.kind {
            NodeKind::Object(members) => members
                .iter()
                .find(|m| &*m.key == key)
                .or_else(|| members.iter().find(|m| m.key.eq_ignore_ascii_case(key))),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.kind {
            NodeKind::Object(members) => Some(members),
            _ => None,
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self.kind, NodeKind::Object(_))
    }
}

/// A comment that mentions acrlint (a suppression directive), with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct DirectiveComment {
    pub span: Span,
    pub text: String,
}

/// A settings file (JSON with comments, a byte order mark allowed) as a plain JSON
/// value; a syntax error is `path:line:col: message`.
pub fn parse_settings(path: &std::path::Path, text: &str) -> Result<serde_json::Value, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let node = parse(text).map_err(|e| {
        let lc = crate::source::line_index::LineIndex::new(text).line_col(text, e.span.start);
        format!(
            "{}:{}:{}: {}",
            path.display(),
            lc.line,
            lc.column,
            e.message
        )
    })?;
    Ok(plain(&node))
}

/// A tree as a plain JSON value (spans dropped; of repeated keys, the last wins).
fn plain(node: &Node) -> serde_json::Value {
    use serde_json::Value as J;
    match &node.kind {
        NodeKind::Null => J::Null,
        NodeKind::Bool(b) => J::Bool(*b),
        NodeKind::Int(i) => J::from(*i),
        NodeKind::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        NodeKind::String(s) => J::String(s.to_string()),
        NodeKind::Array(items) => J::Array(items.iter().map(plain).collect()),
        NodeKind::Object(members) => J::Object(
            members
                .iter()
                .map(|m| (m.key.to_string(), plain(&m.value)))
                .collect(),
        ),
    }
}

/// Parse JSONC text (BOM already stripped) into a spanned tree.
pub fn parse(text: &str) -> Result<Node, JsonError> {
    parse_with_directives(text).map(|(node, _)| node)
}

/// Parse, also returning comments that mention `acrlint-` (suppressions).
pub fn parse_with_directives(text: &str) -> Result<(Node, Vec<DirectiveComment>), JsonError> {
    let options = ScannerOptions {
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let mut p = TreeBuilder {
        scanner: Scanner::new(text, &options),
        text,
        depth: 0,
        directives: Vec::new(),
    };
    let first = p.next()?;
    let root = match first {
        Some(tok) => p.value(tok)?,
        None => {
            return Err(JsonError {
                message: "the file is empty".into(),
                span: Span::new(0, 0),
            })
        }
    };
    if let Some(tok) = p.next()? {
        return Err(p.error_at_token(format!(
            "unexpected '{}' after the end of the JSON value",
            tok.as_str()
        )));
    }
    Ok((root, p.directives))
}

struct TreeBuilder<'a> {
    scanner: Scanner<'a>,
    text: &'a str,
    depth: usize,
    directives: Vec<DirectiveComment>,
}

impl<'a> TreeBuilder<'a> {
    /// Next token that is not a comment.
    fn next(&mut self) -> Result<Option<Token<'a>>, JsonError> {
        loop {
            match self.scanner.scan() {
                Ok(Some(Token::CommentLine(c))) | Ok(Some(Token::CommentBlock(c))) => {
                    if c.contains("acrlint-") {
                        self.directives.push(DirectiveComment {
                            span: self.token_span(),
                            text: c.to_string(),
                        });
                    }
                    continue;
                }
                Ok(tok) => return Ok(tok),
                Err(e) => {
                    let r = e.range();
                    return Err(JsonError {
                        message: e.kind().to_string(),
                        span: Span::new(r.start, r.end),
                    });
                }
            }
        }
    }

    fn token_span(&self) -> Span {
        Span::new(self.scanner.token_start(), self.scanner.token_end())
    }

    fn error_at_token(&self, message: String) -> JsonError {
        JsonError {
            message,
            span: self.token_span(),
        }
    }

    fn eof_error(&self, what: &str) -> JsonError {
        let end = self.text.len();
        JsonError {
            message: format!("unexpected end of file: {what}"),
            span: Span::new(end, end),
        }
    }

    fn value(&mut self, tok: Token<'a>) -> Result<Node, JsonError> {
        let span = self.token_span();
        let kind = match tok {
            Token::Null => NodeKind::Null,
            Token::Boolean(b) => NodeKind::Bool(b),
            Token::Number(n) => match n.parse::<i64>() {
                Ok(i) => NodeKind::Int(i),
                Err(_) => match n.parse::<f64>() {
                    Ok(f) if f.is_finite() => NodeKind::Float(f),
                    _ => return Err(self.error_at_token(format!("invalid number '{n}'"))),
                },
            },
            Token::String(s) => NodeKind::String(Str::from(s.as_ref())),
            Token::OpenBracket => return self.array(span.start),
            Token::OpenBrace => return self.object(span.start),
            other => {
                return Err(self
                    .error_at_token(format!("expected a JSON value, found '{}'", other.as_str())))
            }
        };
        Ok(Node { kind, span })
    }

    fn enter(&mut self) -> Result<(), JsonError> {
        self.depth += 1;
        if self.depth > MAX_JSON_DEPTH {
            return Err(
                self.error_at_token(format!("JSON nested deeper than {MAX_JSON_DEPTH} levels"))
            );
        }
        Ok(())
    }

    fn array(&mut self, start: u32) -> Result<Node, JsonError> {
        self.enter()?;
        let mut items = Vec::new();
        loop {
            let Some(tok) = self.next()? else {
                return Err(self.eof_error("the array is not closed with ']'"));
            };
            if matches!(tok, Token::CloseBracket) {
                break;
            }
            items.push(self.value(tok)?);
            match self.next()? {
                Some(Token::Comma) => continue,
                Some(Token::CloseBracket) => break,
                Some(other) => {
                    return Err(self.error_at_token(format!(
                        "expected ',' or ']' in the array, found '{}'",
                        other.as_str()
                    )))
                }
                None => return Err(self.eof_error("the array is not closed with ']'")),
            }
        }
        self.depth -= 1;
        Ok(Node {
            kind: NodeKind::Array(items),
            span: Span {
                start,
                end: self.scanner.token_end() as u32,
            },
        })
    }

    fn object(&mut self, start: u32) -> Result<Node, JsonError> {
        self.enter()?;
        let mut members: Vec<Member> = Vec::new();
        let mut keys = MemberKeys::default();
        loop {
            let Some(tok) = self.next()? else {
                return Err(self.eof_error("the object is not closed with '}'"));
            };
            let key = match tok {
                Token::CloseBrace => break,
                Token::String(s) => Str::from(s.as_ref()),
                other => {
                    return Err(self.error_at_token(format!(
                        "expected a property name in double quotes, found '{}'",
                        other.as_str()
                    )))
                }
            };
            let key_span = self.token_span();
            match self.next()? {
                Some(Token::Colon) => {}
                Some(other) => {
                    return Err(self.error_at_token(format!(
                        "expected ':' after the property name \"{key}\", found '{}'",
                        other.as_str()
                    )))
                }
                None => return Err(self.eof_error("expected ':'")),
            }
            let Some(tok) = self.next()? else {
                return Err(self.eof_error("expected a value"));
            };
            let value = self.value(tok)?;
            // Duplicate keys: the last one wins, as in ARM. Large objects find them
            // through a hash table (a linear search made 100,000 keys take 20 s).
            match keys.find(&members, &key).and_then(|i| members.get_mut(i)) {
                Some(m) => {
                    m.value = value;
                    m.key_span = key_span;
                }
                None => {
                    members.push(Member::new(key, key_span, value));
                    keys.pushed(&members, members.len() - 1);
                }
            }
            match self.next()? {
                Some(Token::Comma) => continue,
                Some(Token::CloseBrace) => break,
                Some(other) => {
                    return Err(self.error_at_token(format!(
                        "expected ',' or '}}' in the object, found '{}'",
                        other.as_str()
                    )))
                }
                None => return Err(self.eof_error("the object is not closed with '}'")),
            }
        }
        self.depth -= 1;
        mark_case_twins(&mut members);
        Ok(Node {
            kind: NodeKind::Object(members),
            span: Span {
                start,
                end: self.scanner.token_end() as u32,
            },
        })
    }
}

/// Map an offset inside a decoded JSON string to a byte offset in the file. `raw` is
/// the source text of the string token including its quotes, starting at `token_start`.
/// File offset of an offset inside the decoded value of the token at `span` of
/// `text`: through the escapes of a string token, or the token's start otherwise.
pub fn token_offset_to_file(text: &str, span: Span, offset_in_string: u32) -> u32 {
    let raw = text
        .get(span.start as usize..span.end as usize)
        .unwrap_or("");
    if raw.starts_with('"') {
        string_offset_to_file(raw, span.start, offset_in_string)
    } else {
        span.start
    }
}

pub fn string_offset_to_file(raw: &str, token_start: u32, decoded_offset: u32) -> u32 {
    let bytes = raw.as_bytes();
    let mut i = 1; // skip the opening quote
    let mut decoded = 0u32;
    while i < bytes.len().saturating_sub(1) && decoded < decoded_offset {
        if bytes[i] == b'\\' {
            let len_raw = if bytes.get(i + 1) == Some(&b'u') {
                6
            } else {
                2
            };
            let ch_len = if len_raw == 6 {
                std::str::from_utf8(&bytes[(i + 2).min(bytes.len())..(i + 6).min(bytes.len())])
                    .ok()
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .and_then(char::from_u32)
                    .map_or(3, |c| c.len_utf8() as u32)
            } else {
                1
            };
            i += len_raw;
            decoded += ch_len;
        } else {
            i += 1;
            decoded += 1;
        }
    }
    token_start + i.min(bytes.len()) as u32
}

/// Shared source text.
pub type Text = Arc<str>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_trailing_commas_and_multiline_strings() {
        let text = "// c\n{ /* b */ \"a\": [1, 2,], \"s\": \"line1\nline2\", }";
        let root = parse(text).unwrap();
        let a = root.get("A").unwrap();
        assert_eq!(a.as_array().unwrap().len(), 2);
        assert_eq!(root.get("s").unwrap().as_str(), Some("line1\nline2"));
        let m = root.member("a").unwrap();
        assert_eq!(
            &text[m.key_span.start as usize..m.key_span.end as usize],
            "\"a\""
        );
        assert_eq!(&text[a.span.start as usize..a.span.end as usize], "[1, 2,]");
    }

    #[test]
    fn errors_have_positions() {
        let err = parse("{\"a\": 1 \"b\": 2}").unwrap_err();
        assert_eq!(err.span.start, 8);
        assert!(err.message.contains("expected ','"), "{}", err.message);
        let err = parse("{\"a\": 'x'}").unwrap_err();
        assert_eq!(err.span.start, 6);
        let err = parse("{\"a\": [1, 2").unwrap_err();
        assert!(err.message.contains("not closed"));
        assert!(parse("").is_err());
        assert!(parse("{} {}").is_err());
    }

    #[test]
    fn numbers() {
        let root = parse("[1, -2, 1.5, 12345678901234567890]").unwrap();
        let items = root.as_array().unwrap();
        assert!(matches!(items[0].kind, NodeKind::Int(1)));
        assert!(matches!(items[1].kind, NodeKind::Int(-2)));
        assert!(matches!(items[2].kind, NodeKind::Float(f) if f == 1.5));
        assert!(matches!(items[3].kind, NodeKind::Float(_)));
    }

    #[test]
    fn depth_is_capped() {
        let deep = "[".repeat(MAX_JSON_DEPTH + 5) + &"]".repeat(MAX_JSON_DEPTH + 5);
        let err = parse(&deep).unwrap_err();
        assert!(err.message.contains("nested deeper"));
    }

    #[test]
    fn offsets_inside_escaped_strings() {
        // "a\"b[x" : decoded offset 3 ('b' is at 2, '[' at 3) → raw offset 5 ('\"' is 2 bytes).
        let raw = r#""a\"b[x""#;
        assert_eq!(string_offset_to_file(raw, 100, 3), 105);
        assert_eq!(string_offset_to_file("\"abc\"", 10, 2), 13);
    }
}
