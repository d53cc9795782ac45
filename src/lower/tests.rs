//! Unit tests of the lowering: the ARM text written for each construct (checked
//! against what the Bicep compiler writes), the node shapes, and the spans.

use std::collections::HashMap;
use std::path::Path;

use super::template::{lower_file, FileInput, Lowered};
use crate::source::bicep::{parse_as, FileKind};
use crate::source::json::{Node, NodeKind};
use crate::source::sources::NoFiles;

fn lower(text: &str) -> Lowered {
    let parsed = parse_as(text, FileKind::Bicep);
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let modules = HashMap::new();
    let imports = HashMap::new();
    lower_file(FileInput {
        file: 0,
        path: Path::new("test.bicep"),
        text,
        parsed: &parsed,
        modules: &modules,
        imports: &imports,
        input: &NoFiles,
    })
}

fn at<'n>(root: &'n Node, path: &[&str]) -> &'n Node {
    let mut n = root;
    for key in path {
        n = n
            .get(key)
            .unwrap_or_else(|| panic!("no '{key}' in {:?}", n.kind));
    }
    n
}

fn string_at(root: &Node, path: &[&str]) -> String {
    at(root, path)
        .as_str()
        .unwrap_or("<not a string>")
        .to_string()
}

/// The ARM text of `var x = <expr>` (after `params`).
fn var_text(params: &str, expr: &str) -> String {
    let text = format!("{params}\nvar x = {expr}\n");
    let l = lower(&text);
    string_at(&l.template, &["variables", "x"])
}

const P: &str = "param a int\nparam b int\nparam s string\nparam o object\nparam xs array";

#[test]
fn operators_become_functions() {
    let cases = [
        ("a == b", "[equals(parameters('a'), parameters('b'))]"),
        ("a != b", "[not(equals(parameters('a'), parameters('b')))]"),
        (
            "s =~ 'X'",
            "[equals(toLower(parameters('s')), toLower('X'))]",
        ),
        (
            "s !~ 'X'",
            "[not(equals(toLower(parameters('s')), toLower('X')))]",
        ),
        (
            "a < b && a >= 1",
            "[and(less(parameters('a'), parameters('b')), greaterOrEquals(parameters('a'), 1))]",
        ),
        (
            "a > b || a <= 2",
            "[or(greater(parameters('a'), parameters('b')), lessOrEquals(parameters('a'), 2))]",
        ),
        (
            "a + b * 2 - a / 3 % 4",
            "[sub(add(parameters('a'), mul(parameters('b'), 2)), mod(div(parameters('a'), 3), 4))]",
        ),
        (
            "o.?x ?? 'd'",
            "[coalesce(tryGet(parameters('o'), 'x'), 'd')]",
        ),
        (
            "a == 1 ? 'one' : 'other'",
            "[if(equals(parameters('a'), 1), 'one', 'other')]",
        ),
        ("!(a == 1)", "[not(equals(parameters('a'), 1))]"),
        ("-a", "[sub(0, parameters('a'))]"),
        ("o!.x", "[parameters('o').x]"),
        (
            "true && null == null",
            "[and(true(), equals(null(), null()))]",
        ),
    ];
    for (bicep, arm) in cases {
        assert_eq!(var_text(P, bicep), arm, "{bicep}");
    }
}

#[test]
fn strings_and_interpolation() {
    assert_eq!(
        var_text(P, "'{${s}}-${a}'"),
        "[format('{{{0}}}-{1}', parameters('s'), parameters('a'))]"
    );
    assert_eq!(var_text(P, "'${s}'"), "[format('{0}', parameters('s'))]");
    assert_eq!(var_text(P, "'it\\'s'"), "it's");
    // A literal that ARM would read as an expression is escaped.
    assert_eq!(var_text(P, "'[not an expression]'"), "[[not an expression]");
    assert_eq!(var_text(P, "'[only a prefix'"), "[only a prefix");
    assert_eq!(var_text(P, "'x${'[y]'}'"), "[format('x{0}', '[y]')]");
}

#[test]
fn accessors_and_safe_navigation() {
    let cases = [
        ("o.a.b", "[parameters('o').a.b]"),
        ("o['a-b']", "[parameters('o')['a-b']]"),
        ("o.?a.b.c", "[tryGet(parameters('o'), 'a', 'b', 'c')]"),
        ("o.?a.?b", "[tryGet(tryGet(parameters('o'), 'a'), 'b')]"),
        ("xs[?0]", "[tryGet(parameters('xs'), 0)]"),
        ("xs[^1]", "[indexFromEnd(parameters('xs'), 1)]"),
        ("xs[?^1]", "[tryIndexFromEnd(parameters('xs'), 1)]"),
        (
            "o.?a[^1]",
            "[tryGet(parameters('o'), 'a', createObject('value', 1, 'fromEnd', true()))]",
        ),
    ];
    for (bicep, arm) in cases {
        assert_eq!(var_text(P, bicep), arm, "{bicep}");
    }
}

#[test]
fn collections_lambdas_and_spreads() {
    let cases = [
        ("map(xs, x => x.n)", "[map(parameters('xs'), lambda('x', lambdaVariables('x').n))]"),
        ("reduce(xs, 0, (c, n) => c + n)", "[reduce(parameters('xs'), 0, lambda('c', 'n', add(lambdaVariables('c'), lambdaVariables('n'))))]"),
        ("{ ...o, k: 1 }", "[shallowMerge(createArray(parameters('o'), createObject('k', 1)))]"),
        ("[1, ...xs]", "[flatten(createArray(createArray(1), parameters('xs')))]"),
        ("any(s)", "[parameters('s')]"),
        ("sys.concat('a', s)", "[concat('a', parameters('s'))]"),
        ("nameof(o.first)", "first"),
        ("length({ a: [1, s] })", "[length(createObject('a', createArray(1, parameters('s'))))]"),
    ];
    for (bicep, arm) in cases {
        assert_eq!(var_text(P, bicep), arm, "{bicep}");
    }
}

#[test]
fn literals_stay_literal_nodes_with_their_spans() {
    let text = "var v = {\n  flag: true\n  n: -3\n  list: [\n    'a'\n    null\n  ]\n}\n";
    let l = lower(text);
    let v = at(&l.template, &["variables", "v"]);
    let flag = v.member("flag").expect("flag");
    assert!(matches!(flag.value.kind, NodeKind::Bool(true)));
    let sl = |s: crate::source::json::Span| &text[s.start as usize..s.end as usize];
    assert_eq!(sl(flag.value.span), "true");
    assert_eq!(sl(flag.key_span), "flag");
    assert!(matches!(at(v, &["n"]).kind, NodeKind::Int(-3)));
    let list = at(v, &["list"]).as_array().expect("array");
    assert!(matches!(list[1].kind, NodeKind::Null));
    assert_eq!(sl(list[0].span), "'a'");
}

#[test]
fn variable_loops_and_nested_loops() {
    let l = lower("param xs array\nvar names = [for (x, i) in xs: '${i}-${x.name}']\nvar nested = {\n  items: [for x in xs: x.id]\n}\n");
    let copy = at(&l.template, &["variables", "copy"])
        .as_array()
        .expect("copy");
    assert_eq!(copy.len(), 1);
    assert_eq!(string_at(&copy[0], &["name"]), "names");
    assert_eq!(
        string_at(&copy[0], &["count"]),
        "[length(parameters('xs'))]"
    );
    assert_eq!(
        string_at(&copy[0], &["input"]),
        "[format('{0}-{1}', copyIndex('names'), parameters('xs')[copyIndex('names')].name)]"
    );
    // Below the top of a variable the engine has no property copy: map() instead.
    assert_eq!(
        string_at(&l.template, &["variables", "nested", "items"]),
        "[map(parameters('xs'), lambda('x', lambdaVariables('x').id))]"
    );
}

#[test]
fn resource_references() {
    let text = "\
param names array
resource acr 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: 'reg'
  location: 'westus'
}
resource acrs 'Microsoft.ContainerRegistry/registries@2023-07-01' = [for n in names: {
  name: n
}]
resource rep 'Microsoft.ContainerRegistry/registries/replications@2023-07-01' = {
  parent: acr
  name: 'eastus'
}
output id string = acr.id
output name string = acr.name
output server string = acr.properties.loginServer
output loc string = acr.location
output pwd string = acr.listCredentials().passwords[0].value
output other string = acrs[1].id
output otherServer string = acrs[1].properties.loginServer
output repId string = rep.id
output repName string = rep.name
output ty string = rep.type
";
    let l = lower(text);
    let out = |n: &str| string_at(&l.template, &["outputs", n, "value"]);
    assert_eq!(
        out("id"),
        "[resourceId('Microsoft.ContainerRegistry/registries', 'reg')]"
    );
    assert_eq!(out("name"), "reg");
    assert_eq!(out("server"), "[reference('acr').loginServer]");
    assert_eq!(
        out("loc"),
        "[reference('acr', '2023-07-01', 'full').location]"
    );
    assert_eq!(
        out("pwd"),
        "[listCredentials('acr', '2023-07-01').passwords[0].value]"
    );
    assert_eq!(
        out("other"),
        "[resourceId('Microsoft.ContainerRegistry/registries', parameters('names')[1])]"
    );
    assert_eq!(
        out("otherServer"),
        "[reference(resourceId('Microsoft.ContainerRegistry/registries', parameters('names')[1]), '2023-07-01').loginServer]"
    );
    assert_eq!(
        out("repId"),
        "[resourceId('Microsoft.ContainerRegistry/registries/replications', 'reg', 'eastus')]"
    );
    assert_eq!(out("repName"), "eastus");
    assert_eq!(
        out("ty"),
        "Microsoft.ContainerRegistry/registries/replications"
    );
    let rep = at(&l.template, &["resources", "rep"]);
    assert_eq!(
        string_at(rep, &["name"]),
        "[format('{0}/{1}', 'reg', 'eastus')]"
    );
    assert!(rep.get("parent").is_none());
    let acrs = at(&l.template, &["resources", "acrs"]);
    assert_eq!(
        string_at(acrs, &["copy", "count"]),
        "[length(parameters('names'))]"
    );
    assert_eq!(
        string_at(acrs, &["name"]),
        "[parameters('names')[copyIndex()]]"
    );
}

#[test]
fn nested_resources_conditions_and_filtered_loops() {
    let text = "\
param deploy bool
param locs array
resource acr 'Microsoft.ContainerRegistry/registries@2023-07-01' = if (deploy) {
  name: 'reg'
  resource home 'replications' = if (length(locs) > 0) {
    name: 'westus'
  }
  resource always 'replications' = {
    name: 'eastus'
  }
}
resource reps 'Microsoft.ContainerRegistry/registries/replications@2023-07-01' = [for l in locs: if (l != 'westus') {
  parent: acr
  name: l
}]
";
    let l = lower(text);
    let home = at(&l.template, &["resources", "acr::home"]);
    assert_eq!(
        string_at(home, &["type"]),
        "Microsoft.ContainerRegistry/registries/replications"
    );
    assert_eq!(string_at(home, &["apiVersion"]), "2023-07-01");
    assert_eq!(
        string_at(home, &["condition"]),
        "[and(parameters('deploy'), greater(length(parameters('locs')), 0))]"
    );
    assert_eq!(
        string_at(&l.template, &["resources", "acr::always", "condition"]),
        "[parameters('deploy')]"
    );
    let reps = at(&l.template, &["resources", "reps"]);
    assert_eq!(
        string_at(reps, &["condition"]),
        "[not(equals(parameters('locs')[copyIndex()], 'westus'))]"
    );
    assert_eq!(
        string_at(reps, &["name"]),
        "[format('{0}/{1}', 'reg', parameters('locs')[copyIndex()])]"
    );
    // The compiler's order: nested declarations first, then top-level resources.
    let keys: Vec<&str> = at(&l.template, &["resources"])
        .as_object()
        .expect("object")
        .iter()
        .map(|m| &*m.key)
        .collect();
    assert_eq!(keys, ["acr::home", "acr::always", "acr", "reps"]);
}

#[test]
fn property_loops_name_the_enclosing_resource_loop() {
    let text = "\
param vnets array
resource vnet 'Microsoft.Network/virtualNetworks@2023-04-01' = [for (v, i) in vnets: {
  name: v.name
  properties: {
    subnets: [for (s, j) in v.subnets: {
      name: '${i}-${j}'
    }]
  }
}]
";
    let l = lower(text);
    let copy = at(&l.template, &["resources", "vnet", "properties", "copy"])
        .as_array()
        .expect("property copy");
    assert_eq!(string_at(&copy[0], &["name"]), "subnets");
    assert_eq!(
        string_at(&copy[0], &["count"]),
        "[length(parameters('vnets')[copyIndex('vnet')].subnets)]"
    );
    assert_eq!(
        string_at(&copy[0], &["input", "name"]),
        "[format('{0}-{1}', copyIndex('vnet'), copyIndex('subnets'))]"
    );
}

#[test]
fn runtime_variables_are_inlined() {
    let text = "\
resource acr 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: 'reg'
}
var server = acr.properties.loginServer
var url = 'https://${server}'
var id = acr.id
output u string = url
";
    let l = lower(text);
    let vars = at(&l.template, &["variables"]);
    assert!(vars.get("server").is_none() && vars.get("url").is_none());
    assert!(vars.get("id").is_some(), "an id is not runtime state");
    assert_eq!(
        string_at(&l.template, &["outputs", "u", "value"]),
        "[format('https://{0}', reference('acr').loginServer)]"
    );
}

#[test]
fn modules_without_files() {
    let text = "\
module m './missing.bicep' = {
  params: {
    p: 1
  }
}
output x string = m.outputs.x
output y string = m.outputs.?y
";
    let l = lower(text);
    let m = at(&l.template, &["resources", "m"]);
    assert_eq!(string_at(m, &["type"]), "Microsoft.Resources/deployments");
    assert_eq!(
        string_at(m, &["name"]),
        "[format('m-{0}', uniqueString('m', deployment().name))]"
    );
    assert_eq!(string_at(m, &["properties", "mode"]), "Incremental");
    assert_eq!(
        string_at(m, &["properties", "expressionEvaluationOptions", "scope"]),
        "inner"
    );
    assert!(matches!(
        at(m, &["properties", "parameters", "p", "value"]).kind,
        NodeKind::Int(1)
    ));
    assert_eq!(
        string_at(&l.template, &["outputs", "x", "value"]),
        "[reference('m').outputs.x.value]"
    );
    assert_eq!(
        string_at(&l.template, &["outputs", "y", "value"]),
        "[tryGet(tryGet(reference('m').outputs, 'y'), 'value')]"
    );
}

#[test]
fn parameters_types_and_functions() {
    let text = "\
targetScope = 'subscription'
@secure()
param pw string
param mode 'a' | 'b'
param flag bool?
@allowed([1, 2])
param n int = 1
type t = { x: string }
param custom t
func double(v int) int => v * 2
var d = double(n)
";
    let l = lower(text);
    let t = &l.template;
    assert!(string_at(t, &["$schema"]).contains("subscriptionDeploymentTemplate"));
    assert_eq!(string_at(t, &["parameters", "pw", "type"]), "securestring");
    assert_eq!(string_at(t, &["parameters", "mode", "type"]), "string");
    assert_eq!(
        at(t, &["parameters", "mode", "allowedValues"])
            .as_array()
            .map(<[Node]>::len),
        Some(2)
    );
    assert!(matches!(
        at(t, &["parameters", "flag", "nullable"]).kind,
        NodeKind::Bool(true)
    ));
    assert_eq!(
        at(t, &["parameters", "n", "allowedValues"])
            .as_array()
            .map(<[Node]>::len),
        Some(2)
    );
    assert_eq!(
        string_at(t, &["parameters", "custom", "$ref"]),
        "#/definitions/t"
    );
    assert_eq!(
        string_at(t, &["variables", "d"]),
        "[__bicep.double(parameters('n'))]"
    );
    let f = &at(t, &["functions"]).as_array().expect("functions")[0];
    assert_eq!(string_at(f, &["namespace"]), "__bicep");
    assert_eq!(
        string_at(f, &["members", "double", "output", "value"]),
        "[mul(parameters('v'), 2)]"
    );
}

#[test]
fn scopes_of_resources() {
    let text = "\
resource kv 'Microsoft.KeyVault/vaults@2023-02-01' existing = {
  name: 'vault'
  scope: resourceGroup('other')
}
resource lock 'Microsoft.Authorization/locks@2020-05-01' = {
  name: 'lock'
  scope: kv
}
output kvId string = kv.id
output lockId string = lock.id
";
    let l = lower(text);
    let kv = at(&l.template, &["resources", "kv"]);
    assert!(matches!(at(kv, &["existing"]).kind, NodeKind::Bool(true)));
    assert_eq!(string_at(kv, &["resourceGroup"]), "other");
    let lock = at(&l.template, &["resources", "lock"]);
    assert_eq!(
        string_at(lock, &["scope"]),
        "[resourceId('other', 'Microsoft.KeyVault/vaults', 'vault')]"
    );
    assert_eq!(
        string_at(&l.template, &["outputs", "lockId", "value"]),
        "[extensionResourceId(resourceId('other', 'Microsoft.KeyVault/vaults', 'vault'), 'Microsoft.Authorization/locks', 'lock')]"
    );
}

#[test]
fn undeclared_names_and_broken_text_do_not_panic() {
    let l = lower("var x = nope.y\n");
    assert!(l
        .diagnostics
        .iter()
        .any(|(_, m, _)| m.contains("'nope' is not declared")));
    for text in [
        "resource r 'T@1' = {",
        "module m = ",
        "var = [for",
        "output o string = a.?b[^",
        "param p\n@",
    ] {
        let parsed = parse_as(text, FileKind::Bicep);
        let modules = HashMap::new();
        let imports = HashMap::new();
        let _ = lower_file(FileInput {
            file: 0,
            path: Path::new("x.bicep"),
            text,
            parsed: &parsed,
            modules: &modules,
            imports: &imports,
            input: &NoFiles,
        });
    }
}

/// Lower any text without panicking (the parser already recovered from errors).
fn lower_any(text: &str) -> Lowered {
    let parsed = parse_as(text, FileKind::Bicep);
    let modules = HashMap::new();
    let imports = HashMap::new();
    lower_file(FileInput {
        file: 0,
        path: Path::new("x.bicep"),
        text,
        parsed: &parsed,
        modules: &modules,
        imports: &imports,
        input: &NoFiles,
    })
}

/// Every 60th prefix of `text`, and `text` with one character dropped there, lower
/// without a panic.
fn truncated_and_damaged_texts_lower(text: &str) {
    let bytes = text.len();
    let mut cuts = 0;
    for i in (0..bytes).step_by(bytes / 60 + 1) {
        if !text.is_char_boundary(i) {
            continue;
        }
        lower_any(&text[..i]);
        // Drop one character in the middle of the file.
        let mut damaged = text.to_string();
        if let Some((j, c)) = damaged[i..].char_indices().next() {
            damaged.replace_range(i + j..i + j + c.len_utf8(), "");
        }
        lower_any(&damaged);
        cuts += 1;
    }
    assert!(cuts > 50);
}

#[test]
fn truncated_and_damaged_fixture_files_do_not_panic() {
    for name in [
        "syntax/main.bicep",
        "replicas.bicep",
        "module_admin/main.bicep",
    ] {
        let path = Path::new("tests/fixtures/bicep").join(name);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        truncated_and_damaged_texts_lower(&text);
    }
}

#[cfg(feature = "corpus")]
#[test]
fn truncated_and_damaged_corpus_files_do_not_panic() {
    let path = crate::test_support::shared(
        "corpus/acr/Azure__bicep-registry-modules/avm/res/container-registry/registry/main.bicep",
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    truncated_and_damaged_texts_lower(&text);
}

#[test]
fn deep_nesting_stays_within_the_stack() {
    // As deep as the parser accepts, in every position that recurses.
    let depth = crate::source::bicep::MAX_NESTING_DEPTH - 8;
    let nested_parens = format!("var x = {}1{}\n", "(".repeat(depth), ")".repeat(depth));
    let nested_objects = format!("var x = {}1{}\n", "{a: ".repeat(depth), "}".repeat(depth));
    let nested_calls = format!(
        "var x = {}1{}\n",
        "string(".repeat(depth),
        ")".repeat(depth)
    );
    let nested_access = format!("param o object\nvar x = o{}\n", ".?a".repeat(depth));
    let ternaries = format!(
        "param c bool\nvar x = {}1{}\n",
        "c ? 0 : (".repeat(depth),
        ")".repeat(depth)
    );
    for text in [
        nested_parens,
        nested_objects,
        nested_calls,
        nested_access,
        ternaries,
    ] {
        let handle = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || {
                let l = lower_any(&text);
                l.template
                    .get("variables")
                    .and_then(|v| v.get("x"))
                    .is_some()
            })
            .expect("thread");
        assert!(handle.join().expect("no stack overflow"));
    }
}

#[test]
fn parameters_are_bound_after_the_parameters_their_defaults_read() {
    let l = lower(
        "param a string = '${b}-${c}'\nparam b string = c\nparam c string = 'x'\nparam d int\n",
    );
    let keys: Vec<&str> = at(&l.template, &["parameters"])
        .as_object()
        .expect("object")
        .iter()
        .map(|m| &*m.key)
        .collect();
    assert_eq!(keys, ["c", "b", "a", "d"]);
    // A cycle does not hang: declaration order.
    let l = lower("param a string = b\nparam b string = a\n");
    assert_eq!(
        at(&l.template, &["parameters"]).as_object().map(<[_]>::len),
        Some(2)
    );
}
