//! Precise syntax-tree assertions for expressions: literals, strings, loops,
//! access operators, lambdas and precedence.

use super::*;

#[test]
fn loops_item_index_range_and_filter() {
    let text = "\
resource accounts 'Microsoft.Storage/storageAccounts@2023-01-01' = [for (account, i) in accounts: {
  name: '${account.name}${i}'
}]
var squares = [for n in range(0, 3): n * n]
module mods './m.bicep' = [for x in items: if (x.enabled) {
  name: x.name
}]
var multi = [
  for y in ys: y
]
";
    let parsed = parse_ok(text);
    let StatementKind::Resource(r) = &statement(&parsed, "accounts").kind else {
        panic!("not a resource")
    };
    assert_eq!(
        string_sexp(&r.type_string),
        "'Microsoft.Storage/storageAccounts@2023-01-01'"
    );
    assert!(!r.existing);
    assert_eq!(
        sexp(&r.body),
        "(for account,i in accounts {name: (str $account.name $i)})"
    );
    let ExprKind::For(f) = &r.body.kind else {
        panic!()
    };
    assert_eq!(f.index.as_ref().map(|i| i.span.text(text)), Some("i"));
    assert_eq!(line_col(text, r.body.span.start), (1, 68));
    assert_eq!(line_col(text, r.body.span.end), (3, 3));

    assert_eq!(
        sexp(var_value(&parsed, "squares")),
        "(for n in range(0 3) (* n n))"
    );
    let StatementKind::Module { body, path, .. } = &statement(&parsed, "mods").kind else {
        panic!()
    };
    assert_eq!(path.as_literal(), Some("./m.bicep"));
    assert_eq!(sexp(body), "(for x in items (if x.enabled {name: x.name}))");
    assert_eq!(sexp(var_value(&parsed, "multi")), "(for y in ys y)");
}

#[test]
fn interpolation_segments_and_escapes() {
    let text = "var s = 'a${b}c${d.e}'\nvar e = 'it\\'s \\\\ \\n \\t \\$ \\${x} \\u{41}\\u{1F600}\\u{D801}\\u{DC37}'\nvar n = '${x}${y}'\nvar empty = ''\n";
    let parsed = parse_ok(text);
    let ExprKind::String(s) = &var_value(&parsed, "s").kind else {
        panic!()
    };
    assert_eq!(string_sexp(s), "(str 'a' $b 'c' $d.e)");
    assert!(s.as_literal().is_none());
    // Text segment spans point at the raw text.
    let StringSegment::Text { span, .. } = &s.segments[2] else {
        panic!()
    };
    assert_eq!(span.text(text), "c");
    let StringSegment::Expr(hole) = &s.segments[3] else {
        panic!()
    };
    assert_eq!(hole.span.text(text), "d.e");
    assert_eq!(line_col(text, hole.span.start), (1, 18));

    let ExprKind::String(e) = &var_value(&parsed, "e").kind else {
        panic!()
    };
    assert_eq!(
        e.as_literal(),
        Some("it's \\ \n \t $ ${x} A\u{1F600}\u{10437}")
    );
    assert_eq!(
        string_sexp(match &var_value(&parsed, "n").kind {
            ExprKind::String(s) => s,
            _ => panic!(),
        }),
        "(str $x $y)"
    );
    let ExprKind::String(empty) = &var_value(&parsed, "empty").kind else {
        panic!()
    };
    assert_eq!(empty.as_literal(), Some(""));
    assert_eq!(empty.segments.len(), 1);
}

#[test]
fn nested_interpolation_and_braces_inside_holes() {
    assert_eq!(
        expr_sexp("'a${'b${c}d'}e'"),
        "(str 'a' $(str 'b' $c 'd') 'e')"
    );
    assert_eq!(expr_sexp("'${ {k: 1}.k }'"), "(str ${k: 1}.k)");
    assert_eq!(expr_sexp("'${a ? 'x' : 'y'}!'"), "(str $(? a 'x' 'y') '!')");
}

#[test]
fn multiline_strings_are_verbatim_unless_dollar_prefixed() {
    let text = "var m = '''\nline1\n  'quoted' \\n ${x}\n'''\nvar i = $'''\nHi ${name}!\n'''\nvar d = $$'''${a}$${b}'''\nvar q = '''it''''\nvar e = ''''''\n";
    let parsed = parse_ok(text);
    let ExprKind::String(m) = &var_value(&parsed, "m").kind else {
        panic!()
    };
    assert!(m.multiline);
    assert_eq!(m.as_literal(), Some("line1\n  'quoted' \\n ${x}\n"));
    assert_eq!(
        string_sexp(match &var_value(&parsed, "i").kind {
            ExprKind::String(s) => s,
            _ => panic!(),
        }),
        "(str 'Hi ' $name '!\n')"
    );
    let ExprKind::String(d) = &var_value(&parsed, "d").kind else {
        panic!()
    };
    assert_eq!(string_sexp(d), "(str '${a}' $b)");
    let ExprKind::String(q) = &var_value(&parsed, "q").kind else {
        panic!()
    };
    assert_eq!(q.as_literal(), Some("it'"));
    let ExprKind::String(e) = &var_value(&parsed, "e").kind else {
        panic!()
    };
    assert_eq!(e.as_literal(), Some(""));
}

#[test]
fn literals_arrays_and_objects_with_mixed_separators() {
    assert_eq!(
        expr_sexp("[1, 'a'\n true, null,\n false,]"),
        "[1 'a' true null false]"
    );
    assert_eq!(
        expr_sexp("{ a: 1, 'b-c': 2\n d: [] , e: {}\n}"),
        "{a: 1, 'b-c': 2, d: [], e: {}}"
    );
    assert_eq!(
        expr_sexp("[ /* c */ 1 /* multi\n\nline */, 2 // trailing\n]"),
        "[1 2]"
    );
    assert_eq!(expr_sexp("concat(\n'a',\n  'b'\n)"), "concat('a' 'b')");
    assert_eq!(expr_sexp("like ('abc', 'a*')"), "like('abc' 'a*')");
    assert_eq!(expr_sexp("18446744073709551615"), "18446744073709551615");
}

#[test]
fn spread_in_objects_and_arrays() {
    assert_eq!(expr_sexp("{ ...base, b: 1 }"), "{...base, b: 1}");
    assert_eq!(
        expr_sexp("[...a, 1, ...concat(b, c)]"),
        "[...a 1 ...concat(b c)]"
    );
    let text = "var o = {\n  ...defaults\n  tags: t\n}\n";
    let parsed = parse_ok(text);
    let ExprKind::Object(items) = &var_value(&parsed, "o").kind else {
        panic!()
    };
    let ObjectItem::Spread { span, expr } = &items[0] else {
        panic!()
    };
    assert_eq!(span.text(text), "...defaults");
    assert_eq!(expr.span.text(text), "defaults");
}

#[test]
fn safe_access_non_null_and_coalesce() {
    assert_eq!(expr_sexp("a.?b.c"), "a.?b.c");
    assert_eq!(expr_sexp("a[?0].b"), "a[?0].b");
    assert_eq!(expr_sexp("a.b[^1]"), "a.b[^1]");
    assert_eq!(expr_sexp("a[0]!.key"), "a[0]!.key");
    assert_eq!(expr_sexp("a.?b ?? 'default'"), "(?? a.?b 'default')");
    assert_eq!(expr_sexp("!a!"), "(! a!)");
    assert_eq!(expr_sexp("a!= b"), "(!= a b)");
}

#[test]
fn calls_namespaces_and_instance_functions() {
    assert_eq!(
        expr_sexp("az.resourceGroup().location"),
        "az.resourceGroup().location"
    );
    assert_eq!(expr_sexp("sys.concat('a', 'b')"), "sys.concat('a' 'b')");
    assert_eq!(expr_sexp("kv.getSecret('s')"), "kv.getSecret('s')");
    assert_eq!(
        expr_sexp("acr.listCredentials().passwords[0].value"),
        "acr.listCredentials().passwords[0].value"
    );
    assert_eq!(expr_sexp("f()"), "f()");
}

#[test]
fn lambdas() {
    assert_eq!(
        expr_sexp("map(xs, x => x.name)"),
        "map(xs (lambda (x) x.name))"
    );
    assert_eq!(
        expr_sexp("sort(xs, (a, b) => a < b)"),
        "sort(xs (lambda (a b) (< a b)))"
    );
    assert_eq!(expr_sexp("() => 1"), "(lambda () 1)");
    assert_eq!(
        expr_sexp("reduce(xs, 0, (\n  cur,\n  // comment\n  next\n) => cur + next)"),
        "reduce(xs 0 (lambda (cur next) (+ cur next)))"
    );
    assert_eq!(
        expr_sexp("toObject(xs, x =>\n\n  x.name)"),
        "toObject(xs (lambda (x) x.name))"
    );
    assert_eq!(
        expr_sexp("map(xs, (x => '${x}'))"),
        "map(xs (paren (lambda (x) (str $x))))"
    );
    assert_eq!(
        expr_sexp("map(xs, i => {\n  v: i\n})"),
        "map(xs (lambda (i) {v: i}))"
    );
}

#[test]
fn operator_precedence_and_associativity() {
    assert_eq!(
        expr_sexp("a || b && c == d + e * f"),
        "(|| a (&& b (== c (+ d (* e f)))))"
    );
    assert_eq!(expr_sexp("a * b + c * d"), "(+ (* a b) (* c d))");
    assert_eq!(expr_sexp("1 - 2 - 3"), "(- (- 1 2) 3)");
    assert_eq!(expr_sexp("8 / 4 % 3"), "(% (/ 8 4) 3)");
    assert_eq!(expr_sexp("a ?? b || c"), "(?? a (|| b c))");
    assert_eq!(expr_sexp("a ?? b ?? c"), "(?? (?? a b) c)");
    assert_eq!(expr_sexp("a < b == c >= d"), "(== (< a b) (>= c d))");
    assert_eq!(
        expr_sexp("a =~ 'x' && b !~ 'y'"),
        "(&& (=~ a 'x') (!~ b 'y'))"
    );
    assert_eq!(expr_sexp("a <= b != c > d"), "(!= (<= a b) (> c d))");
    assert_eq!(expr_sexp("-a.b + -1"), "(+ (- a.b) (- 1))");
    assert_eq!(expr_sexp("!a && b"), "(&& (! a) b)");
    assert_eq!(expr_sexp("!(a && b)"), "(! (paren (&& a b)))");
    assert_eq!(expr_sexp("(a + b) * c"), "(* (paren (+ a b)) c)");
    assert_eq!(expr_sexp("a ? b : c ? d : e"), "(? a b (? c d e))");
    assert_eq!(expr_sexp("a || b ? c + 1 : d"), "(? (|| a b) (+ c 1) d)");
    assert_eq!(expr_sexp("x\n  ? 'a'\n  : 'b'"), "(? x 'a' 'b')");
    assert_eq!(
        expr_sexp("x // why\n  ? 'a' // because\n  : 'b'"),
        "(? x 'a' 'b')"
    );
}

#[test]
fn unicode_text_in_strings_and_comments() {
    let text = "// Π π 😎\nvar x = { 'ążź': '二头肌${y}α' }\n";
    let parsed = parse_ok(text);
    assert_eq!(
        sexp(var_value(&parsed, "x")),
        "{'ążź': (str '二头肌' $y 'α')}"
    );
    let ExprKind::Object(items) = &var_value(&parsed, "x").kind else {
        panic!()
    };
    let ObjectItem::Property(p) = &items[0] else {
        panic!()
    };
    assert_eq!(line_col(text, p.value.span.start), (2, 18));
}

#[test]
fn object_property_lookup() {
    let text = "var o = {\n  name: 'a'\n  'quoted': 1\n  name: 'b'\n  '${x}': 2\n}\n";
    let parsed = parse_ok(text);
    let o = var_value(&parsed, "o");
    let name = o.property("name").map(|p| &p.value);
    assert_eq!(
        name.and_then(|v| v.as_literal_string()),
        Some("b"),
        "the last duplicate wins"
    );
    assert_eq!(
        o.property("quoted").map(|p| sexp(&p.value)),
        Some("1".into())
    );
    assert!(o.property("missing").is_none());
    assert!(
        o.property("x").is_none(),
        "an interpolated key is not known statically"
    );
    assert!(var_value(&parsed, "o")
        .property("name")
        .is_some_and(|p| p.span.text(text) == "name: 'b'"));
    assert!(parse_ok("var s = 'x'\n").program.statements[0]
        .name()
        .is_some());
}
