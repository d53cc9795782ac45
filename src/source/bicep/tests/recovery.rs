//! A syntax error costs one diagnostic at the right place and never the rest of
//! the file.

use super::*;
use crate::source::bicep::parse;

fn names(parsed: &ParsedFile) -> Vec<String> {
    parsed
        .program
        .statements
        .iter()
        .filter_map(|s| s.name().map(|n| n.name.to_string()))
        .collect()
}

/// Byte offset of the `nth` (0-based) occurrence of `needle`.
fn offset_of(text: &str, needle: &str, nth: usize) -> u32 {
    let mut from = 0;
    for _ in 0..nth {
        from += text[from..].find(needle).map_or(0, |i| i + needle.len());
    }
    (from
        + text[from..]
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} not found"))) as u32
}

#[test]
fn error_inside_a_resource_body_keeps_the_rest_of_the_body_and_file() {
    let text = "\
param a string
resource r 'T@1' = {
  name: 'x'
  properties: {
    foo: )
    bar: 1
  }
  tags: {}
}
output o string = 'x'
";
    let parsed = parse(text);
    assert_eq!(
        parsed.diagnostics.len(),
        1,
        "{}",
        show(text, &parsed.diagnostics)
    );
    let d = &parsed.diagnostics[0];
    assert_eq!(d.span.start, offset_of(text, ")", 0));
    assert_eq!(line_col(text, d.span.start), (5, 10));
    assert!(
        d.message.contains("expected an expression"),
        "{}",
        d.message
    );
    assert_eq!(names(&parsed), ["a", "r", "o"]);
    let StatementKind::Resource(r) = &statement(&parsed, "r").kind else {
        panic!()
    };
    assert_eq!(
        sexp(&r.body),
        "{name: 'x', properties: {foo: <error>, bar: 1}, tags: {}}"
    );
}

#[test]
fn broken_declarations_in_the_middle_do_not_lose_later_ones() {
    let text = "\
param a string
var b = 1 +
var c = )
var d = [1, 2
param e string
resource = {
  name: 'lost'
}
output f string = a
";
    let parsed = parse(text);
    assert_eq!(names(&parsed), ["a", "b", "c", "d", "e", "f"]);
    let got: Vec<(usize, usize)> = parsed
        .diagnostics
        .iter()
        .map(|d| line_col(text, d.span.start))
        .collect();
    // `1 +` at end of line: the operand is missing (the next line is a declaration).
    // `)` is not an expression. `[` is never closed. `resource` lacks its name.
    assert_eq!(
        got,
        [(2, 12), (3, 9), (4, 9), (6, 10)],
        "{}",
        show(text, &parsed.diagnostics)
    );
    assert!(
        parsed.diagnostics[2]
            .message
            .contains("'[' is never closed"),
        "{}",
        parsed.diagnostics[2].message
    );
    assert_eq!(sexp(var_value(&parsed, "b")), "(+ 1 <error>)");
    assert_eq!(sexp(var_value(&parsed, "d")), "[1 2]");
}

#[test]
fn unclosed_object_ends_before_the_next_declaration() {
    let text = "var x = {\n  a: 1\n\n@description('p')\nparam p string\nresource r 'T@1' = {\n  name: 'n'\n}\n";
    let parsed = parse(text);
    assert_eq!(
        parsed.diagnostics.len(),
        1,
        "{}",
        show(text, &parsed.diagnostics)
    );
    assert_eq!(
        parsed.diagnostics[0].span.start,
        offset_of(text, "{", 0),
        "points at the unclosed brace"
    );
    assert_eq!(names(&parsed), ["x", "p", "r"]);
    assert_eq!(statement(&parsed, "p").decorators.len(), 1);
}

#[test]
fn junk_lines_cost_one_diagnostic() {
    let text = "this is not bicep\n  more: junk {\n}\nparam p string\n";
    let parsed = parse(text);
    assert_eq!(
        parsed.diagnostics.len(),
        1,
        "{}",
        show(text, &parsed.diagnostics)
    );
    assert_eq!(parsed.diagnostics[0].span.start, 0);
    assert_eq!(names(&parsed), ["p"]);
}

#[test]
fn unterminated_strings_and_interpolations_stop_at_the_line_end() {
    let text = "var s = 'abc\nvar t = 'a${b\nvar u = 'a${b c}d'\nparam p string\n";
    let parsed = parse(text);
    assert_eq!(names(&parsed), ["s", "t", "u", "p"]);
    let got: Vec<(usize, usize)> = parsed
        .diagnostics
        .iter()
        .map(|d| line_col(text, d.span.start))
        .collect();
    assert_eq!(
        got,
        [(1, 9), (2, 14), (3, 15)],
        "{}",
        show(text, &parsed.diagnostics)
    );
    assert_eq!(sexp(var_value(&parsed, "u")), "(str 'a' $b 'd')");
}

#[test]
fn bad_escape_points_at_the_escape() {
    let text = "var s = 'ok \\q and \\u{110000}'\n";
    let parsed = parse(text);
    let spans: Vec<&str> = parsed
        .diagnostics
        .iter()
        .map(|d| d.span.text(text))
        .collect();
    assert_eq!(spans, ["\\q", "\\u"]);
    assert_eq!(line_col(text, parsed.diagnostics[0].span.start), (1, 13));
    // The text is kept as written.
    let ExprKind::String(s) = &var_value(&parsed, "s").kind else {
        panic!()
    };
    assert_eq!(s.as_literal(), Some("ok \\q and \\u{110000}"));
}

#[test]
fn trailing_tokens_after_a_declaration() {
    let text = "var a = 1 2\nvar b = 2\n";
    let parsed = parse(text);
    assert_eq!(parsed.diagnostics.len(), 1);
    assert_eq!(parsed.diagnostics[0].span.start, 10);
    assert!(
        parsed.diagnostics[0].message.contains("new line"),
        "{}",
        parsed.diagnostics[0].message
    );
    assert_eq!(names(&parsed), ["a", "b"]);
}

#[test]
fn decorator_without_declaration() {
    let text = "@description('x')\n\n";
    let parsed = parse(text);
    assert_eq!(parsed.diagnostics.len(), 1);
    assert!(parsed.diagnostics[0]
        .message
        .contains("declaration after the decorators"));
    assert_eq!(parsed.diagnostics[0].span.start, text.len() as u32);
}

#[test]
fn missing_separator_between_properties() {
    let text = "var o = { a: 1 b: 2 }\nvar n = 1\n";
    let parsed = parse(text);
    assert_eq!(
        parsed.diagnostics.len(),
        1,
        "{}",
        show(text, &parsed.diagnostics)
    );
    assert_eq!(parsed.diagnostics[0].span.start, offset_of(text, "b", 0));
    assert_eq!(sexp(var_value(&parsed, "o")), "{a: 1}");
    assert_eq!(names(&parsed), ["o", "n"]);
}

#[test]
fn errors_in_loops_and_conditions() {
    let text = "\
resource r 'T@1' = [for x of xs: {
  name: x
}]
resource s 'T@1' = if (a b) {
  name: 'n'
}
resource t 'T@1' = [for x in xs: 'not an object']
output o int = 1
";
    let parsed = parse(text);
    let got: Vec<(usize, usize)> = parsed
        .diagnostics
        .iter()
        .map(|d| line_col(text, d.span.start))
        .collect();
    assert_eq!(
        got,
        [(1, 27), (4, 26), (7, 34)],
        "{}",
        show(text, &parsed.diagnostics)
    );
    assert_eq!(names(&parsed), ["r", "s", "t", "o"]);
}

#[test]
fn unknown_characters_and_double_quotes() {
    let text = "var a = \"x\"\nvar b = 1 ; 2\nvar c = 3\n";
    let parsed = parse(text);
    assert!(
        parsed.diagnostics[0].message.contains("single quotes"),
        "{}",
        parsed.diagnostics[0].message
    );
    assert_eq!(parsed.diagnostics[0].span.start, 8);
    assert_eq!(names(&parsed), ["a", "b", "c"]);
}
