//! Precise syntax-tree assertions for declarations, types, imports, pragmas and
//! `.bicepparam` files.

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
    assert_eq!(
        names[3],
        Some("maxLength"),
        "sys. prefix is a namespace, not part of the name"
    );
    assert_eq!(
        s.decorator("minLength").map(|d| sexp(&d.args()[0])),
        Some("3".into())
    );
    assert!(s.decorator("maxValue").is_none());
    // The @allowed decorator spans lines 2-5.
    let allowed = &s.decorators[1];
    assert_eq!(line_col(text, allowed.span.start), (2, 1));
    assert_eq!(line_col(text, allowed.span.end), (5, 3));
    // The statement starts at its first decorator; the keyword is on line 10.
    assert_eq!(s.span.start, 0);
    assert_eq!(line_col(text, s.keyword_span.start), (10, 1));
    assert_eq!(
        s.span.text(text).lines().last(),
        Some("param sku string = 'Basic'")
    );
    match &s.kind {
        StatementKind::Param {
            ty: Some(ty),
            default: Some(d),
            name,
        } => {
            assert_eq!(type_sexp(ty), "string");
            assert_eq!(sexp(d), "'Basic'");
            assert_eq!(line_col(text, name.span.start), (10, 7));
            assert_eq!(name.span.text(text), "sku");
        }
        other => panic!("{other:?}"),
    }
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
    let StatementKind::Resource(kv) = &statement(&parsed, "kv").kind else {
        panic!()
    };
    assert!(kv.existing);
    assert_eq!(
        sexp(&kv.body),
        "{name: 'kv', scope: resourceGroup('other')}"
    );

    let StatementKind::Resource(acr) = &statement(&parsed, "acr").kind else {
        panic!()
    };
    assert_eq!(
        sexp(&acr.body),
        "(if deploy {name: 'acr', properties: {adminUserEnabled: false}, resource replicas, resource webhook})"
    );
    let ExprKind::If { body, .. } = &acr.body.kind else {
        panic!()
    };
    let ExprKind::Object(items) = &body.kind else {
        panic!()
    };
    let ObjectItem::Resource(replicas) = &items[2] else {
        panic!()
    };
    assert_eq!(replicas.decorators.len(), 1);
    assert_eq!(sexp(&replicas.decorators[0].expr), "batchSize(1)");
    assert_eq!(
        line_col(text, replicas.span.start),
        (8, 3),
        "nested statement starts at its decorator"
    );
    assert_eq!(line_col(text, replicas.keyword_span.start), (9, 3));
    let StatementKind::Resource(rep) = &replicas.kind else {
        panic!()
    };
    assert_eq!(
        sexp(&rep.body),
        "(for l in locations {name: l, resource inner})"
    );

    let StatementKind::Resource(child) = &statement(&parsed, "child").kind else {
        panic!()
    };
    assert_eq!(sexp(&child.body), "{parent: acr, name: 't'}");
    let StatementKind::Output { value, .. } = &statement(&parsed, "hook").kind else {
        panic!()
    };
    assert_eq!(sexp(value), "acr::webhook.id");
}

#[test]
fn a_resource_key_named_resource_is_a_property() {
    let parsed = parse_ok("resource r 'T@1' = {\n  resource: 'x'\n  existing: true\n}\n");
    let StatementKind::Resource(r) = &statement(&parsed, "r").kind else {
        panic!()
    };
    assert_eq!(sexp(&r.body), "{resource: 'x', existing: true}");
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
        StatementKind::Param { ty: Some(t), .. } | StatementKind::Output { ty: t, .. } => {
            type_sexp(t)
        }
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
    assert_eq!(
        ty("res"),
        "resourceInput<'Microsoft.Storage/storageAccounts@2023-01-01'>.properties"
    );
    assert_eq!(
        ty("nsres"),
        "sys.resourceOutput<'Microsoft.Web/sites@2022-09-01'>.name"
    );
    assert_eq!(
        ty("p"),
        "(resource 'Microsoft.Storage/storageAccounts@2023-01-01')"
    );
    assert_eq!(ty("q"), "mod.fizz");
    assert_eq!(ty("r"), "(resource -)");
    assert_eq!(ty("s"), "string?");
    assert_eq!(ty("typed"), "string");
    assert_eq!(statement(&parsed, "obj").decorators.len(), 1);
}

#[test]
fn parameterized_type_followed_by_assignment_without_space() {
    let parsed =
        parse_ok("param p resourceInput<'T@1'>.name= 'x'\nparam q resourceInput<'T@1'>= {}\n");
    let StatementKind::Param {
        default: Some(d),
        ty: Some(t),
        ..
    } = &statement(&parsed, "q").kind
    else {
        panic!()
    };
    assert_eq!(type_sexp(t), "resourceInput<'T@1'>");
    assert_eq!(sexp(d), "{}");
}

#[test]
fn user_functions() {
    let text = "func buildUrl(https bool, host string,\n  path string) string => '${https ? 'https' : 'http'}://${host}/${path}'\n@export()\nfunc none() object => {\n  a: 1\n}\n";
    let parsed = parse_ok(text);
    let StatementKind::Func {
        params,
        return_type,
        body,
        ..
    } = &statement(&parsed, "buildUrl").kind
    else {
        panic!()
    };
    let ps: Vec<String> = params
        .iter()
        .map(|p| format!("{} {}", p.name.name, type_sexp(&p.ty)))
        .collect();
    assert_eq!(ps, ["https bool", "host string", "path string"]);
    assert_eq!(params[2].span.text(text), "path string");
    assert_eq!(type_sexp(return_type), "string");
    assert_eq!(
        sexp(body),
        "(str $(? https 'https' 'http') '://' $host '/' $path)"
    );
    let f = statement(&parsed, "none");
    assert_eq!(f.decorators[0].name(), Some("export"));
    let StatementKind::Func { params, body, .. } = &f.kind else {
        panic!()
    };
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
    let StatementKind::Import {
        items: ImportItems::Symbols(syms),
        from,
    } = &ss[0].kind
    else {
        panic!()
    };
    let rendered: Vec<String> = syms
        .iter()
        .map(|s| {
            format!(
                "{}{}",
                s.name.literal().unwrap_or("?"),
                s.alias
                    .as_ref()
                    .map_or(String::new(), |a| format!(" as {}", a.name))
            )
        })
        .collect();
    assert_eq!(rendered, ["a", "b as c"]);
    assert_eq!(from.as_literal(), Some("./x.bicep"));
    let StatementKind::Import {
        items: ImportItems::Symbols(syms),
        ..
    } = &ss[1].kind
    else {
        panic!()
    };
    assert_eq!(syms[0].name.literal(), Some("not-an-identifier"));
    assert_eq!(syms[0].alias.as_ref().map(|a| &*a.name), Some("d"));
    let StatementKind::Import {
        items: ImportItems::Wildcard { alias },
        from,
    } = &ss[2].kind
    else {
        panic!()
    };
    assert_eq!(
        (&*alias.name, from.as_literal()),
        ("ns", Some("ts:sub/rg/spec:v1"))
    );
    let StatementKind::Extension {
        keyword,
        spec: ExtensionSpec::Name(n),
        config: None,
        alias: None,
    } = &ss[3].kind
    else {
        panic!()
    };
    assert_eq!((*keyword, &*n.name), (ExtensionKeyword::Extension, "az"));
    let StatementKind::Extension {
        config: Some(cfg),
        alias: Some(alias),
        ..
    } = &ss[4].kind
    else {
        panic!()
    };
    assert_eq!(
        (sexp(cfg), &*alias.name),
        ("{namespace: 'default'}".to_string(), "k8s")
    );
    let StatementKind::Extension {
        spec: ExtensionSpec::Path(p),
        ..
    } = &ss[5].kind
    else {
        panic!()
    };
    assert!(p.as_literal().is_some_and(|s| s.starts_with("br:")));
    assert!(matches!(
        ss[6].kind,
        StatementKind::Extension {
            keyword: ExtensionKeyword::Provider,
            ..
        }
    ));
    assert!(matches!(
        ss[7].kind,
        StatementKind::Extension {
            keyword: ExtensionKeyword::Import,
            ..
        }
    ));
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
    assert!(
        matches!(&ss[0].kind, StatementKind::TargetScope { value } if sexp(value) == "'subscription'")
    );
    assert!(
        matches!(&ss[1].kind, StatementKind::Metadata { name, value } if &*name.name == "description" && sexp(value) == "'A template'")
    );
    let StatementKind::Module { path, body, .. } = &statement(&parsed, "reg").kind else {
        panic!()
    };
    assert_eq!(
        path.as_literal(),
        Some("br:myregistry.azurecr.io/bicep/modules/acr:v1")
    );
    assert_eq!(
        sexp(body),
        "{name: 'reg', scope: resourceGroup('rg'), params: {adminUserEnabled: false}}"
    );
    let StatementKind::Module { body, .. } = &statement(&parsed, "cond").kind else {
        panic!()
    };
    assert_eq!(sexp(body), "(if deploy {name: 'c'})");
    let StatementKind::Assert { value, .. } = &statement(&parsed, "nameIsShort").kind else {
        panic!()
    };
    assert_eq!(sexp(value), "(< length(name) 10)");
    assert!(
        matches!(&statement(&parsed, "t").kind, StatementKind::Test { path, .. } if path.as_literal() == Some("main.bicep"))
    );
    assert_eq!(parsed.kind, FileKind::Bicep);
}

#[test]
fn pragmas_are_kept_with_spans_at_top_level_and_inside() {
    let text = "\
#disable-next-line no-unused-params BCP081
param p string
resource r 'T@1' = {
  #disable-next-line BCP037 acrlint:ACR001 a reason/with slashes
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
            StatementKind::Pragma(p) => format!(
                "{:?} {:?}",
                p.kind,
                p.codes
                    .iter()
                    .map(|c| c.name.to_string())
                    .collect::<Vec<_>>()
            ),
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
    assert_eq!(
        inner.span.text(text),
        "#disable-next-line BCP037 acrlint:ACR001 a reason/with slashes"
    );
    assert_eq!(inner.codes[1].name.to_string(), "acrlint:ACR001");
    assert_eq!(line_col(text, inner.span.start), (4, 3));
    assert_eq!(line_col(text, inner.codes[0].span.start), (4, 22));
    assert_eq!(
        parsed.pragmas[2].span.text(text),
        "#disable-diagnostics   no-unused-vars"
    );
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
    let StatementKind::Using {
        target: UsingTarget::Path(p),
        config: None,
    } = &parsed.program.statements[0].kind
    else {
        panic!()
    };
    assert_eq!(p.as_literal(), Some("./main.bicep"));
    let StatementKind::Param {
        ty: None,
        default: Some(v),
        ..
    } = &statement(&parsed, "registryName").kind
    else {
        panic!()
    };
    assert_eq!(sexp(v), "(str $prefix $uniqueString('x'))");

    let none = parse_ok("using none\nparam x = 1\n");
    assert!(matches!(
        none.program.statements[0].kind,
        StatementKind::Using {
            target: UsingTarget::None(_),
            ..
        }
    ));
    // The same untyped parameter in a template is an error.
    let template = parse("param x = 1\n");
    assert_eq!(template.kind, FileKind::Bicep);
    assert_eq!(template.diagnostics.len(), 1);
    assert_eq!(template.diagnostics[0].span.text("param x = 1\n"), "x");
    assert!(
        crate::source::bicep::parse_as("param x = 1\n", FileKind::BicepParam)
            .diagnostics
            .is_empty()
    );
}

#[test]
fn bom_and_crlf_keep_file_offsets() {
    let text = "\u{feff}param a string\r\nvar b = {\r\n  c: a\r\n}\r\n";
    let parsed = parse_ok(text);
    let a = statement(&parsed, "a");
    assert_eq!(a.span.start, 3, "offsets count the BOM bytes");
    assert_eq!(a.span.text(text), "param a string");
    let ExprKind::Object(items) = &var_value(&parsed, "b").kind else {
        panic!()
    };
    let ObjectItem::Property(c) = &items[0] else {
        panic!()
    };
    assert_eq!(c.span.text(text), "c: a");
    assert_eq!(line_col(text, c.span.start), (3, 3));
}
