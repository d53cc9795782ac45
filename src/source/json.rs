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

/// Objects with more members than this find keys through a hash table; below it one
/// linear scan finds both an exact duplicate and a key that differs only in case
/// (cheaper than hashing for the small objects templates are made of).
const LINEAR_LOOKUP_MAX: usize = 16;

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
        // Lowercased a chunk at a time: one hasher call per 32 bytes, not per byte.
        let mut chunk = [0u8; 32];
        for part in self.0.as_bytes().chunks(chunk.len()) {
            let lower = &mut chunk[..part.len()];
            lower.copy_from_slice(part);
            lower.make_ascii_lowercase();
            state.write(lower);
        }
        state.write_u8(0xff);
    }
}

/// Mark the members whose key equals an earlier member's key but for case, in time
/// linear in the number of members.
pub fn mark_case_twins(members: &mut [Member]) {
    let mut keys = MemberKeys::default();
    for i in 0..members.len() {
        let key = members[i].key.clone();
        let twin = match keys.find(&members[..i], &key) {
            Found::New { case_twin } => case_twin,
            Found::Duplicate(_) => true,
        };
        keys.pushed(&members[..=i], i, twin);
        members[i].case_twin = twin;
    }
}

/// What [`MemberKeys::find`] found for a key.
enum Found {
    /// A member with exactly this key, at this index.
    Duplicate(usize),
    /// No such member; `case_twin` when one has the key but for case.
    New { case_twin: bool },
}

/// Finds members by key as an object's members are added, in time linear in the
/// number of members: a linear scan while the object is small, then one hash table by
/// key ignoring case, and a second by exact key only for keys that differ in case
/// alone (100,000 keys took 20 s with a linear search).
#[derive(Default)]
struct MemberKeys {
    /// One bit per [`key_class`] of the keys added: a key whose bit is clear has no
    /// member with the same key, even but for case, so most keys are found new
    /// without a scan or a hash (their lengths and first and last letters differ).
    classes: u128,
    /// Made when the object grows past [`LINEAR_LOOKUP_MAX`] (most never do, and
    /// making a hash table costs more than scanning a few keys).
    tables: Option<Box<KeyTables>>,
}

#[derive(Default)]
struct KeyTables {
    /// The first member of each key ignoring case.
    any_case: std::collections::HashMap<NoCase, usize>,
    /// Every member whose key another member has but for case, by exact key.
    twins: std::collections::HashMap<Str, usize>,
}

impl KeyTables {
    /// Record that `members[index]` was added, with whether it is a case twin.
    fn pushed(&mut self, members: &[Member], index: usize, case_twin: bool) {
        let key = &members[index].key;
        if !case_twin {
            self.any_case.entry(NoCase(key.clone())).or_insert(index);
            return;
        }
        self.twins.insert(key.clone(), index);
        // The first member of the key is a twin's twin: found by exact key too.
        if let Some(&first) = self.any_case.get(&NoCase(key.clone())) {
            self.twins
                .entry(members[first].key.clone())
                .or_insert(first);
        }
    }
}

impl MemberKeys {
    /// Look `key` up among `members` (those added so far).
    fn find(&mut self, members: &[Member], key: &Str) -> Found {
        if self.classes & key_class(key) == 0 {
            return Found::New { case_twin: false };
        }
        if members.len() < LINEAR_LOOKUP_MAX {
            let mut case_twin = false;
            for (i, m) in members.iter().enumerate() {
                if m.key == *key {
                    return Found::Duplicate(i);
                }
                case_twin |= m.key.eq_ignore_ascii_case(key);
            }
            return Found::New { case_twin };
        }
        let tables = self.tables.get_or_insert_with(|| {
            let mut t = Box::<KeyTables>::default();
            for (i, m) in members.iter().enumerate() {
                let twin = t.any_case.contains_key(&NoCase(m.key.clone()));
                t.pushed(members, i, twin);
            }
            t
        });
        let Some(&first) = tables.any_case.get(&NoCase(key.clone())) else {
            return Found::New { case_twin: false };
        };
        if members[first].key == *key {
            return Found::Duplicate(first);
        }
        match tables.twins.get(key) {
            Some(&i) => Found::Duplicate(i),
            None => Found::New { case_twin: true },
        }
    }

    /// Record that `members[index]` was added (after [`MemberKeys::find`] found it
    /// new), with whether it is a case twin.
    #[inline]
    fn pushed(&mut self, members: &[Member], index: usize, case_twin: bool) {
        self.classes |= key_class(&members[index].key);
        if let Some(t) = &mut self.tables {
            t.pushed(members, index, case_twin);
        }
    }
}

/// The bit of `key`'s class among 128: keys equal but for ASCII case have the same
/// length and the same first and last letters ignoring case, so the same class.
fn key_class(key: &str) -> u128 {
    let b = key.as_bytes();
    let first = b.first().map_or(0, u8::to_ascii_lowercase) as u32;
    let last = b.last().map_or(0, u8::to_ascii_lowercase) as u32;
    let h = (b.len() as u32).wrapping_mul(0x9E37_79B1)
        ^ first.wrapping_mul(0x85EB_CA6B)
        ^ last.wrapping_mul(0xC2B2_AE35);
    1u128 << (h.wrapping_mul(0x2545_F491) >> 25)
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
            match keys.find(&members, &key) {
                Found::Duplicate(i) => {
                    members[i].value = value;
                    members[i].key_span = key_span;
                }
                Found::New { case_twin } => {
                    let mut m = Member::new(key, key_span, value);
                    m.case_twin = case_twin;
                    members.push(m);
                    keys.pushed(&members, members.len() - 1, case_twin);
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

    /// Keys of every object size, with exact duplicates and keys that differ only in
    /// case, against the definition: the last value of a key wins, in the place of its
    /// first occurrence, and a key is a twin when an earlier one equals it but for case.
    #[test]
    fn duplicates_and_case_twins_agree_with_the_definition_at_every_size() {
        let words = [
            "ab", "AB", "aB", "cd", "Cd", "ef", "gh", "ij", "kl", "mn", "op",
        ];
        let mut seed = 7u64;
        for size in [0, 1, 5, 15, 16, 17, 40, 300] {
            for round in 0..20 {
                let keys: Vec<String> = (0..size)
                    .map(|i| {
                        seed = seed
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        let w = words[(seed >> 33) as usize % words.len()];
                        format!("{w}{}", (seed >> 40) % (1 + round % 4 + i % 3))
                    })
                    .collect();
                let text = format!(
                    "{{{}}}",
                    keys.iter()
                        .enumerate()
                        .map(|(i, k)| format!("\"{k}\": {i}"))
                        .collect::<Vec<_>>()
                        .join(",")
                );
                let mut expected: Vec<(String, i64, bool)> = Vec::new();
                for (i, k) in keys.iter().enumerate() {
                    match expected.iter_mut().find(|e| e.0 == *k) {
                        Some(e) => e.1 = i as i64,
                        None => {
                            let twin = expected.iter().any(|e| e.0.eq_ignore_ascii_case(k));
                            expected.push((k.clone(), i as i64, twin));
                        }
                    }
                }
                let node = parse(&text).unwrap();
                let got: Vec<(String, i64, bool)> = node
                    .as_object()
                    .unwrap()
                    .iter()
                    .map(|m| {
                        let NodeKind::Int(v) = m.value.kind else {
                            panic!("{text}")
                        };
                        (m.key.to_string(), v, m.case_twin)
                    })
                    .collect();
                assert_eq!(got, expected, "{text}");
                let mut members = node.as_object().unwrap().to_vec();
                for m in &mut members {
                    m.case_twin = false;
                }
                mark_case_twins(&mut members);
                let twins: Vec<bool> = members.iter().map(|m| m.case_twin).collect();
                let want: Vec<bool> = expected.iter().map(|e| e.2).collect();
                assert_eq!(twins, want, "{text}");
            }
        }
    }

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
