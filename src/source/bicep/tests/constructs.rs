//! Precise syntax-tree assertions, one language construct at a time.

use super::*;
use crate::source::bicep::{parse, FileKind};

#[test]
fn decorators_are_call_expressions_with_spans() {
    let text = "\
@description('The SKU')
@allowed([
  'Basic'
  'Premium'
])
@minLength(3)
@sys.maxLength(10)
@secure()
@metadata({ owner: 'me' })
param sku string = 'Basic'
";
    let parsed = parse_ok(text);
    let s = statement(&parsed, "sku");
    let rendered: Vec<String> = s.decorators.iter().map(|d| sexp(&d.expr)).collect();
    assert_eq!(
        rendered,
        [
            "description('The SKU')",
            "allowed(['Basic' 'Premium'])",
            "minLength(3)",
            "sys.maxLength(10)",
            "secure()",
            "metadata({owner: 'me'})",
        ]
    );
    let names: Vec<_> = s.decorators.iter().map(|d| d.name()).collect();
    assert_eq!(names[3], Some("maxLength"), "sys. prefix is a namespace, not part of the name");
    assert_eq!(s.decorator("minLength").map(|d| sexp(&d.args()[0])), Some("3".into()));
    assert!(s.decorator("maxValue").is_none());
    // The @allowed decorator spans lines 2-5.
    let allowed = &s.decorators[1];
    assert_eq!(line_col(text, allowed.span.start), (2, 1));
    assert_eq!(line_col(text, allowed.span.end), (5, 3));
    // The statement starts at its first decorator; the keyword is on line 10.
    assert_eq!(s.span.start, 0);
    assert_eq!(line_col(text, s.keyword_span.start), (10, 1));
    assert_eq!(s.span.text(text).lines().last(), Some("param sku string = 'Basic'"));
    match &s.kind {
        StatementKind::Param { ty: Some(ty), default: Some(d), name } => {
            assert_eq!(type_sexp(ty), "string");
            assert_eq!(sexp(d), "'Basic'");
            assert_eq!(line_col(text, name.span.start), (10, 7));
            assert_eq!(name.span.text(text), "sku");
        }
        other => panic!("{other:?}"),
    }
}

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
    assert_eq!(string_sexp(&r.type_string), "'Microsoft.Storage/storageAccounts@2023-01-01'");
    assert!(!r.existing);
    assert_eq!(sexp(&r.body), "(for account,i in accounts {name: (str $account.name $i)})");
    let ExprKind::For(f) = &r.body.kind else { panic!() };
    assert_eq!(f.index.as_ref().map(|i| i.span.text(text)), Some("i"));
    assert_eq!(line_col(text, r.body.span.start), (1, 68));
    assert_eq!(line_col(text, r.body.span.end), (3, 3));

    assert_eq!(sexp(var_value(&parsed, "squares")), "(for n in range(0 3) (* n n))");
    let StatementKind::Module { body, path, .. } = &statement(&parsed, "mods").kind else {
        panic!()
    };
    assert_eq!(path.as_literal(), Some("./m.bicep"));
    assert_eq!(sexp(body), "(for x in items (if x.enabled {name: x.name}))");
    assert_eq!(sexp(var_value(&parsed, "multi")), "(for y in ys y)");
}

#[test]
fn nested_resources_existing_parent_and_scope() {
    let text = "\
resource kv 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: 'kv'
  scope: resourceGroup('other')
}
resource acr 'Microsoft.ContainerRegistry/registries@2023-07-01' = if (deploy) {
  name: 'acr'
  properties: { adminUserEnabled: false }
  @batchSize(1)
  resource replicas 'replications' = [for l in locations: {
    name: l
    resource inner 'x' = { name: 'i' }
  }]
  resource webhook 'webhooks' = {
    name: 'hook'
  }
}
resource child 'Microsoft.ContainerRegistry/registries/tokens@2023-07-01' = {
  parent: acr
  name: 't'
}
output hook string = acr::webhook.id
";
    let parsed = parse_ok(text);
    let StatementKind::Resource(kv) = &statement(&parsed, "kv").kind else { panic!() };
    assert!(kv.existing);
    assert_eq!(sexp(&kv.body), "{name: 'kv', scope: resourceGroup('other')}");

    let StatementKind::Resource(acr) = &statement(&parsed, "acr").kind else { panic!() };
    assert_eq!(
        sexp(&acr.body),
        "(if deploy {name: 'acr', properties: {adminUserEnabled: false}, resource replicas, resource webhook})"
    );
    let ExprKind::If { body, .. } = &acr.body.kind else { panic!() };
    let ExprKind::Object(items) = &body.kind else { panic!() };
    let ObjectItem::Resource(replicas) = &items[2] else { panic!() };
    assert_eq!(replicas.decorators.len(), 1);
    assert_eq!(sexp(&replicas.decorators[0].expr), "batchSize(1)");
    assert_eq!(line_col(text, replicas.span.start), (8, 3), "nested statement starts at its decorator");
    assert_eq!(line_col(text, replicas.keyword_span.start), (9, 3));
    let StatementKind::Resource(rep) = &replicas.kind else { panic!() };
    assert_eq!(sexp(&rep.body), "(for l in locations {name: l, resource inner})");

    let StatementKind::Resource(child) = &statement(&parsed, "child").kind else { panic!() };
    assert_eq!(sexp(&child.body), "{parent: acr, name: 't'}");
    let StatementKind::Output { value, .. } = &statement(&parsed, "hook").kind else { panic!() };
    assert_eq!(sexp(value), "acr::webhook.id");
}

#[test]
fn a_resource_key_named_resource_is_a_property() {
    let parsed = parse_ok("resource r 'T@1' = {\n  resource: 'x'\n  existing: true\n}\n");
    let StatementKind::Resource(r) = &statement(&parsed, "r").kind else { panic!() };
    assert_eq!(sexp(&r.body), "{resource: 'x', existing: true}");
}

#[test]
fn interpolation_segments_and_escapes() {
    let text = "var s = 'a${b}c${d.e}'\nvar e = 'it\\'s \\\\ \\n \\t \\$ \\${x} \\u{41}\\u{1F600}\\u{D801}\\u{DC37}'\nvar n = '${x}${y}'\nvar empty = ''\n";
    let parsed = parse_ok(text);
    let ExprKind::String(s) = &var_value(&parsed, "s").kind else { panic!() };
    assert_eq!(string_sexp(s), "(str 'a' $b 'c' $d.e)");
    assert!(s.as_literal().is_none());
    // Text segment spans point at the raw text.
    let StringSegment::Text { span, .. } = &s.segments[2] else { panic!() };
    assert_eq!(span.text(text), "c");
    let StringSegment::Expr(hole) = &s.segments[3] else { panic!() };
    assert_eq!(hole.span.text(text), "d.e");
    assert_eq!(line_col(text, hole.span.start), (1, 18));

    let ExprKind::String(e) = &var_value(&parsed, "e").kind else { panic!() };
    assert_eq!(e.as_literal(), Some("it's \\ \n \t $ ${x} A\u{1F600}\u{10437}"));
    assert_eq!(string_sexp(match &var_value(&parsed, "n").kind {
        ExprKind::String(s) => s,
        _ => panic!(),
    }), "(str $x $y)");
    let ExprKind::String(empty) = &var_value(&parsed, "empty").kind else { panic!() };
    assert_eq!(empty.as_literal(), Some(""));
    assert_eq!(empty.segments.len(), 1);
}

#[test]
fn nested_interpolation_and_braces_inside_holes() {
    assert_eq!(expr_sexp("'a${'b${c}d'}e'"), "(str 'a' $(str 'b' $c 'd') 'e')");
    assert_eq!(expr_sexp("'${ {k: 1}.k }'"), "(str ${k: 1}.k)");
    assert_eq!(expr_sexp("'${a ? 'x' : 'y'}!'"), "(str $(? a 'x' 'y') '!')");
}

#[test]
fn multiline_strings_are_verbatim_unless_dollar_prefixed() {
    let text = "var m = '''\nline1\n  'quoted' \\n ${x}\n'''\nvar i = $'''\nHi ${name}!\n'''\nvar d = $$'''${a}$${b}'''\nvar q = '''it''''\nvar e = ''''''\n";
    let parsed = parse_ok(text);
    let ExprKind::String(m) = &var_value(&parsed, "m").kind else { panic!() };
    assert!(m.multiline);
    assert_eq!(m.as_literal(), Some("line1\n  'quoted' \\n ${x}\n"));
    assert_eq!(string_sexp(match &var_value(&parsed, "i").kind {
        ExprKind::String(s) => s,
        _ => panic!(),
    }), "(str 'Hi ' $name '!\n')");
    let ExprKind::String(d) = &var_value(&parsed, "d").kind else { panic!() };
    assert_eq!(string_sexp(d), "(str '${a}' $b)");
    let ExprKind::String(q) = &var_value(&parsed, "q").kind else { panic!() };
    assert_eq!(q.as_literal(), Some("it'"));
    let ExprKind::String(e) = &var_value(&parsed, "e").kind else { panic!() };
    assert_eq!(e.as_literal(), Some(""));
}

#[test]
fn literals_arrays_and_objects_with_mixed_separators() {
    assert_eq!(expr_sexp("[1, 'a'\n true, null,\n false,]"), "[1 'a' true null false]");
    assert_eq!(expr_sexp("{ a: 1, 'b-c': 2\n d: [] , e: {}\n}"), "{a: 1, 'b-c': 2, d: [], e: {}}");
    assert_eq!(expr_sexp("[ /* c */ 1 /* multi\n\nline */, 2 // trailing\n]"), "[1 2]");
    assert_eq!(expr_sexp("concat(\n'a',\n  'b'\n)"), "concat('a' 'b')");
    assert_eq!(expr_sexp("like ('abc', 'a*')"), "like('abc' 'a*')");
    assert_eq!(expr_sexp("18446744073709551615"), "18446744073709551615");
}

#[test]
fn spread_in_objects_and_arrays() {
    assert_eq!(expr_sexp("{ ...base, b: 1 }"), "{...base, b: 1}");
    assert_eq!(expr_sexp("[...a, 1, ...concat(b, c)]"), "[...a 1 ...concat(b c)]");
    let text = "var o = {\n  ...defaults\n  tags: t\n}\n";
    let parsed = parse_ok(text);
    let ExprKind::Object(items) = &var_value(&parsed, "o").kind else { panic!() };
    let ObjectItem::Spread { span, expr } = &items[0] else { panic!() };
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
    assert_eq!(expr_sexp("az.resourceGroup().location"), "az.resourceGroup().location");
    assert_eq!(expr_sexp("sys.concat('a', 'b')"), "sys.concat('a' 'b')");
    assert_eq!(expr_sexp("kv.getSecret('s')"), "kv.getSecret('s')");
    assert_eq!(expr_sexp("acr.listCredentials().passwords[0].value"), "acr.listCredentials().passwords[0].value");
    assert_eq!(expr_sexp("f()"), "f()");
}

#[test]
fn lambdas() {
    assert_eq!(expr_sexp("map(xs, x => x.name)"), "map(xs (lambda (x) x.name))");
    assert_eq!(expr_sexp("sort(xs, (a, b) => a < b)"), "sort(xs (lambda (a b) (< a b)))");
    assert_eq!(expr_sexp("() => 1"), "(lambda () 1)");
    assert_eq!(expr_sexp("reduce(xs, 0, (\n  cur,\n  // comment\n  next\n) => cur + next)"), "reduce(xs 0 (lambda (cur next) (+ cur next)))");
    assert_eq!(expr_sexp("toObject(xs, x =>\n\n  x.name)"), "toObject(xs (lambda (x) x.name))");
    assert_eq!(expr_sexp("map(xs, (x => '${x}'))"), "map(xs (paren (lambda (x) (str $x))))");
    assert_eq!(expr_sexp("map(xs, i => {\n  v: i\n})"), "map(xs (lambda (i) {v: i}))");
}

#[test]
fn operator_precedence_and_associativity() {
    assert_eq!(expr_sexp("a || b && c == d + e * f"), "(|| a (&& b (== c (+ d (* e f)))))");
    assert_eq!(expr_sexp("a * b + c * d"), "(+ (* a b) (* c d))");
    assert_eq!(expr_sexp("1 - 2 - 3"), "(- (- 1 2) 3)");
    assert_eq!(expr_sexp("8 / 4 % 3"), "(% (/ 8 4) 3)");
    assert_eq!(expr_sexp("a ?? b || c"), "(?? a (|| b c))");
    assert_eq!(expr_sexp("a ?? b ?? c"), "(?? (?? a b) c)");
    assert_eq!(expr_sexp("a < b == c >= d"), "(== (< a b) (>= c d))");
    assert_eq!(expr_sexp("a =~ 'x' && b !~ 'y'"), "(&& (=~ a 'x') (!~ b 'y'))");
    assert_eq!(expr_sexp("a <= b != c > d"), "(!= (<= a b) (> c d))");
    assert_eq!(expr_sexp("-a.b + -1"), "(+ (- a.b) (- 1))");
    assert_eq!(expr_sexp("!a && b"), "(&& (! a) b)");
    assert_eq!(expr_sexp("!(a && b)"), "(! (paren (&& a b)))");
    assert_eq!(expr_sexp("(a + b) * c"), "(* (paren (+ a b)) c)");
    assert_eq!(expr_sexp("a ? b : c ? d : e"), "(? a b (? c d e))");
    assert_eq!(expr_sexp("a || b ? c + 1 : d"), "(? (|| a b) (+ c 1) d)");
    assert_eq!(expr_sexp("x\n  ? 'a'\n  : 'b'"), "(? x 'a' 'b')");
    assert_eq!(expr_sexp("x // why\n  ? 'a' // because\n  : 'b'"), "(? x 'a' 'b')");
}

#[test]
fn type_declarations() {
    let text = "\
@sealed()
type obj = {
  @minLength(3)
  name: string
  'quoted-key': int?
  *: bool
  nested: { a: 'x' | 'y' }
}
type u = 'a' | 'b'
  | 'c'
type lead = | 'alone'
type arr = int[][]?
type tup = [
  @description('first')
  string
  int
]
type items = arr[*]
type addl = obj.*
type idx = tup[1]
type lit = (-10 | !true | null | 5)[]
type res = resourceInput<'Microsoft.Storage/storageAccounts@2023-01-01'>.properties
type nsres = sys.resourceOutput<
  'Microsoft.Web/sites@2022-09-01'
>.name
param p resource 'Microsoft.Storage/storageAccounts@2023-01-01'
param q mod.fizz
output r resource = acr
output s string? = null
var typed string = 'x'
";
    let parsed = parse_ok(text);
    let ty = |name: &str| match &statement(&parsed, name).kind {
        StatementKind::Type { value, .. } => type_sexp(value),
        StatementKind::Param { ty: Some(t), .. } | StatementKind::Output { ty: t, .. } => type_sexp(t),
        StatementKind::Var { ty: Some(t), .. } => type_sexp(t),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        ty("obj"),
        "{@minLength(3) name: string, 'quoted-key': int?, *: bool, nested: {a: (| 'x' 'y')}}"
    );
    assert_eq!(ty("u"), "(| 'a' 'b' 'c')");
    assert_eq!(ty("lead"), "(| 'alone')");
    assert_eq!(ty("arr"), "int[][]?");
    assert_eq!(ty("tup"), "[@description('first') string int]");
    assert_eq!(ty("items"), "arr[*]");
    assert_eq!(ty("addl"), "obj.*");
    assert_eq!(ty("idx"), "tup[1]");
    assert_eq!(ty("lit"), "(paren (| (- 10) (! true) null 5))[]");
    assert_eq!(ty("res"), "resourceInput<'Microsoft.Storage/storageAccounts@2023-01-01'>.properties");
    assert_eq!(ty("nsres"), "sys.resourceOutput<'Microsoft.Web/sites@2022-09-01'>.name");
    assert_eq!(ty("p"), "(resource 'Microsoft.Storage/storageAccounts@2023-01-01')");
    assert_eq!(ty("q"), "mod.fizz");
    assert_eq!(ty("r"), "(resource -)");
    assert_eq!(ty("s"), "string?");
    assert_eq!(ty("typed"), "string");
    assert_eq!(statement(&parsed, "obj").decorators.len(), 1);
}

#[test]
fn parameterized_type_followed_by_assignment_without_space() {
    let parsed = parse_ok("param p resourceInput<'T@1'>.name= 'x'\nparam q resourceInput<'T@1'>= {}\n");
    let StatementKind::Param { default: Some(d), ty: Some(t), .. } = &statement(&parsed, "q").kind else {
        panic!()
    };
    assert_eq!(type_sexp(t), "resourceInput<'T@1'>");
    assert_eq!(sexp(d), "{}");
}

#[test]
fn user_functions() {
    let text = "func buildUrl(https bool, host string,\n  path string) string => '${https ? 'https' : 'http'}://${host}/${path}'\n@export()\nfunc none() object => {\n  a: 1\n}\n";
    let parsed = parse_ok(text);
    let StatementKind::Func { params, return_type, body, .. } = &statement(&parsed, "buildUrl").kind else {
        panic!()
    };
    let ps: Vec<String> = params.iter().map(|p| format!("{} {}", p.name.name, type_sexp(&p.ty))).collect();
    assert_eq!(ps, ["https bool", "host string", "path string"]);
    assert_eq!(params[2].span.text(text), "path string");
    assert_eq!(type_sexp(return_type), "string");
    assert_eq!(sexp(body), "(str $(? https 'https' 'http') '://' $host '/' $path)");
    let f = statement(&parsed, "none");
    assert_eq!(f.decorators[0].name(), Some("export"));
    let StatementKind::Func { params, body, .. } = &f.kind else { panic!() };
    assert!(params.is_empty());
    assert_eq!(sexp(body), "{a: 1}");
}

#[test]
fn imports_extensions_and_providers() {
    let text = "\
import {a, b as c} from './x.bicep'
import {
  'not-an-identifier' as d
  e
} from 'br/public:avm/x:1.0.0'
import * as ns from 'ts:sub/rg/spec:v1'
extension az
extension kubernetes with { namespace: 'default' } as k8s
extension 'br:mcr.microsoft.com/bicep/extensions/x/v1:1.2.3' as ext
provider 'microsoftGraph@1.0.0'
import 'az@1.0.0'
";
    let parsed = parse_ok(text);
    let ss = &parsed.program.statements;
    assert_eq!(ss.len(), 8);
    let StatementKind::Import { items: ImportItems::Symbols(syms), from } = &ss[0].kind else { panic!() };
    let rendered: Vec<String> = syms
        .iter()
        .map(|s| format!("{}{}", s.name.literal().unwrap_or("?"), s.alias.as_ref().map_or(String::new(), |a| format!(" as {}", a.name))))
        .collect();
    assert_eq!(rendered, ["a", "b as c"]);
    assert_eq!(from.as_literal(), Some("./x.bicep"));
    let StatementKind::Import { items: ImportItems::Symbols(syms), .. } = &ss[1].kind else { panic!() };
    assert_eq!(syms[0].name.literal(), Some("not-an-identifier"));
    assert_eq!(syms[0].alias.as_ref().map(|a| &*a.name), Some("d"));
    let StatementKind::Import { items: ImportItems::Wildcard { alias }, from } = &ss[2].kind else { panic!() };
    assert_eq!((&*alias.name, from.as_literal()), ("ns", Some("ts:sub/rg/spec:v1")));
    let StatementKind::Extension { keyword, spec: ExtensionSpec::Name(n), config: None, alias: None } = &ss[3].kind else {
        panic!()
    };
    assert_eq!((*keyword, &*n.name), (ExtensionKeyword::Extension, "az"));
    let StatementKind::Extension { config: Some(cfg), alias: Some(alias), .. } = &ss[4].kind else { panic!() };
    assert_eq!((sexp(cfg), &*alias.name), ("{namespace: 'default'}".to_string(), "k8s"));
    let StatementKind::Extension { spec: ExtensionSpec::Path(p), .. } = &ss[5].kind else { panic!() };
    assert!(p.as_literal().is_some_and(|s| s.starts_with("br:")));
    assert!(matches!(ss[6].kind, StatementKind::Extension { keyword: ExtensionKeyword::Provider, .. }));
    assert!(matches!(ss[7].kind, StatementKind::Extension { keyword: ExtensionKeyword::Import, .. }));
}

#[test]
fn scope_metadata_assert_test_and_modules() {
    let text = "\
targetScope = 'subscription'
metadata description = 'A template'
module reg 'br:myregistry.azurecr.io/bicep/modules/acr:v1' = {
  name: 'reg'
  scope: resourceGroup('rg')
  params: { adminUserEnabled: false }
}
module cond './local.bicep' =
  if (deploy) {
    name: 'c'
  }
assert nameIsShort = length(name) < 10
test t 'main.bicep' = {
  params: {}
}
";
    let parsed = parse_ok(text);
    let ss = &parsed.program.statements;
    assert!(matches!(&ss[0].kind, StatementKind::TargetScope { value } if sexp(value) == "'subscription'"));
    assert!(matches!(&ss[1].kind, StatementKind::Metadata { name, value } if &*name.name == "description" && sexp(value) == "'A template'"));
    let StatementKind::Module { path, body, .. } = &statement(&parsed, "reg").kind else { panic!() };
    assert_eq!(path.as_literal(), Some("br:myregistry.azurecr.io/bicep/modules/acr:v1"));
    assert_eq!(sexp(body), "{name: 'reg', scope: resourceGroup('rg'), params: {adminUserEnabled: false}}");
    let StatementKind::Module { body, .. } = &statement(&parsed, "cond").kind else { panic!() };
    assert_eq!(sexp(body), "(if deploy {name: 'c'})");
    let StatementKind::Assert { value, .. } = &statement(&parsed, "nameIsShort").kind else { panic!() };
    assert_eq!(sexp(value), "(< length(name) 10)");
    assert!(matches!(&statement(&parsed, "t").kind, StatementKind::Test { path, .. } if path.as_literal() == Some("main.bicep")));
    assert_eq!(parsed.kind, FileKind::Bicep);
}

#[test]
fn pragmas_are_kept_with_spans_at_top_level_and_inside() {
    let text = "\
#disable-next-line no-unused-params BCP081
param p string
resource r 'T@1' = {
  #disable-next-line BCP037
  properties: {}
}
#disable-diagnostics   no-unused-vars // why
var v = 1
#restore-diagnostics no-unused-vars
";
    let parsed = parse_ok(text);
    let kinds: Vec<String> = parsed
        .program
        .statements
        .iter()
        .map(|s| match &s.kind {
            StatementKind::Pragma(p) => format!("{:?} {:?}", p.kind, p.codes.iter().map(|c| c.name.to_string()).collect::<Vec<_>>()),
            _ => s.name().map_or("?".into(), |n| n.name.to_string()),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "DisableNextLine [\"no-unused-params\", \"BCP081\"]",
            "p",
            "r",
            "DisableDiagnostics [\"no-unused-vars\"]",
            "v",
            "RestoreDiagnostics [\"no-unused-vars\"]",
        ]
    );
    // All four pragmas, including the one inside the resource body.
    assert_eq!(parsed.pragmas.len(), 4);
    let inner = &parsed.pragmas[1];
    assert_eq!(inner.span.text(text), "#disable-next-line BCP037");
    assert_eq!(line_col(text, inner.span.start), (4, 3));
    assert_eq!(line_col(text, inner.codes[0].span.start), (4, 22));
    assert_eq!(parsed.pragmas[2].span.text(text), "#disable-diagnostics   no-unused-vars");
    assert_eq!(parsed.comments.len(), 1);
    assert_eq!(parsed.comments[0].span.text(text), "// why");
}

#[test]
fn pragma_without_codes_is_reported() {
    let parsed = parse("#disable-next-line\nparam p string\n");
    assert_eq!(parsed.diagnostics.len(), 1);
    assert_eq!(parsed.diagnostics[0].span.start, 0);
    assert_eq!(parsed.program.statements.len(), 2);
}

#[test]
fn bicepparam_files() {
    let text = "\
using './main.bicep'

import { shared } from './shared.bicep'
var prefix = 'acr'
param registryName = '${prefix}${uniqueString('x')}'
param adminUserEnabled = false
param tags = {
  env: 'prod'
}
";
    let parsed = parse_ok(text);
    assert_eq!(parsed.kind, FileKind::BicepParam);
    let StatementKind::Using { target: UsingTarget::Path(p), config: None } = &parsed.program.statements[0].kind else {
        panic!()
    };
    assert_eq!(p.as_literal(), Some("./main.bicep"));
    let StatementKind::Param { ty: None, default: Some(v), .. } = &statement(&parsed, "registryName").kind else {
        panic!()
    };
    assert_eq!(sexp(v), "(str $prefix $uniqueString('x'))");

    let none = parse_ok("using none\nparam x = 1\n");
    assert!(matches!(none.program.statements[0].kind, StatementKind::Using { target: UsingTarget::None(_), .. }));
    // The same untyped parameter in a template is an error.
    let template = parse("param x = 1\n");
    assert_eq!(template.kind, FileKind::Bicep);
    assert_eq!(template.diagnostics.len(), 1);
    assert_eq!(template.diagnostics[0].span.text("param x = 1\n"), "x");
    assert!(crate::source::bicep::parse_as("param x = 1\n", FileKind::BicepParam).diagnostics.is_empty());
}

#[test]
fn bom_and_crlf_keep_file_offsets() {
    let text = "\u{feff}param a string\r\nvar b = {\r\n  c: a\r\n}\r\n";
    let parsed = parse_ok(text);
    let a = statement(&parsed, "a");
    assert_eq!(a.span.start, 3, "offsets count the BOM bytes");
    assert_eq!(a.span.text(text), "param a string");
    let ExprKind::Object(items) = &var_value(&parsed, "b").kind else { panic!() };
    let ObjectItem::Property(c) = &items[0] else { panic!() };
    assert_eq!(c.span.text(text), "c: a");
    assert_eq!(line_col(text, c.span.start), (3, 3));
}

#[test]
fn unicode_text_in_strings_and_comments() {
    let text = "// Π π 😎\nvar x = { 'ążź': '二头肌${y}α' }\n";
    let parsed = parse_ok(text);
    assert_eq!(sexp(var_value(&parsed, "x")), "{'ążź': (str '二头肌' $y 'α')}");
    let ExprKind::Object(items) = &var_value(&parsed, "x").kind else { panic!() };
    let ObjectItem::Property(p) = &items[0] else { panic!() };
    assert_eq!(line_col(text, p.value.span.start), (2, 18));
}
