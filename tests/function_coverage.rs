//! Every function ARM documents is implemented: none evaluates to
//! "unsupported function", and each gives the documented result on a small example.

use acrlint::{DeploymentContext, Evaluator, Scope, ScopeKind, Value};
use std::sync::Arc;

fn eval(expr: &str) -> Value {
    let ctx = DeploymentContext {
        location: Some("westeurope".into()),
        resource_group: Some("rg".into()),
        subscription_id: Some("00000000-0000-0000-0000-000000000001".into()),
        ..Default::default()
    };
    let scope = Scope::new(
        0,
        Default::default(),
        Arc::new(ctx),
        ScopeKind::ResourceGroup,
    );
    let mut ev = Evaluator::new(&scope);
    ev.eval_text(expr)
}

/// (expression, expected JSON, or None when the result is only known at deployment).
const CASES: &[(&str, Option<&str>)] = &[
    // string
    ("[concat('a', 'b', 1)]", Some(r#""ab1""#)),
    ("[format('{0}-{1:D3}', 'x', 7)]", Some(r#""x-007""#)),
    ("[replace('a-b-c', '-', '')]", Some(r#""abc""#)),
    ("[split('a,b', ',')]", Some(r#"["a","b"]"#)),
    ("[substring('hello', 1, 3)]", Some(r#""ell""#)),
    ("[toLower('AbC')]", Some(r#""abc""#)),
    ("[toUpper('AbC')]", Some(r#""ABC""#)),
    ("[trim('  x ')]", Some(r#""x""#)),
    ("[padLeft('7', 3, '0')]", Some(r#""007""#)),
    ("[startsWith('abc', 'AB')]", Some("true")),
    ("[endsWith('abc', 'BC')]", Some("true")),
    ("[indexOf('abcb', 'b')]", Some("1")),
    ("[lastIndexOf('abcb', 'b')]", Some("3")),
    ("[string(1)]", Some(r#""1""#)),
    ("[base64('one')]", Some(r#""b25l""#)),
    ("[base64ToString('b25l')]", Some(r#""one""#)),
    ("[base64ToJson('eyJhIjoxfQ==')]", Some(r#"{"a":1}"#)),
    ("[dataUri('Hello')]", Some(r#""data:text/plain;charset=utf8;base64,SGVsbG8=""#)),
    ("[dataUriToString('data:;base64,SGVsbG8=')]", Some(r#""Hello""#)),
    ("[uri('http://contoso.com/a/', 'b')]", Some(r#""http://contoso.com/a/b""#)),
    ("[uriComponent('a b')]", Some(r#""a%20b""#)),
    ("[uriComponentToString('a%20b')]", Some(r#""a b""#)),
    ("[guid('asdf')]", Some(r#""228d27cc-6fdb-5934-b7ac-1efccebade04""#)),
    ("[uniqueString('asd', 'asdf', 'asdf')]", Some(r#""iizpqit7ih3cc""#)),
    ("[newGuid()]", None),
    ("[utcNow()]", None),
    ("[last('abc')]", Some(r#""c""#)),
    ("[first(createArray(1, 2))]", Some("1")),
    ("[empty('')]", Some("true")),
    ("[contains('abc', 'b')]", Some("true")),
    ("[length(createArray(1, 2, 3))]", Some("3")),
    ("[skip('abc', 1)]", Some(r#""bc""#)),
    ("[take(createArray(1, 2, 3), 2)]", Some("[1,2]")),
    ("[join(createArray('a', 'b'), '-')]", Some(r#""a-b""#)),
    // array and object
    ("[array(1)]", Some("[1]")),
    ("[createObject('a', 1)]", Some(r#"{"a":1}"#)),
    ("[union(createArray(1, 2), createArray(2, 3))]", Some("[1,2,3]")),
    ("[intersection(createArray(1, 2), createArray(2, 3))]", Some("[2]")),
    ("[range(1, 3)]", Some("[1,2,3]")),
    ("[flatten(createArray(createArray(1), createArray(2)))]", Some("[1,2]")),
    ("[items(createObject('b', 2, 'a', 1))]", Some(r#"[{"key":"a","value":1},{"key":"b","value":2}]"#)),
    ("[objectKeys(createObject('a', 1))]", Some(r#"["a"]"#)),
    ("[shallowMerge(createArray(createObject('a', 1), createObject('b', 2)))]", Some(r#"{"a":1,"b":2}"#)),
    ("[tryGet(createObject('a', 1), 'b')]", Some("null")),
    ("[tryIndexFromEnd(createArray(1, 2), 3)]", Some("null")),
    ("[indexFromEnd(createArray(1, 2), 1)]", Some("2")),
    ("[min(3, 1, 2)]", Some("1")),
    ("[max(createArray(3, 1, 2))]", Some("3")),
    ("[json('{\"a\": [1]}')]", Some(r#"{"a":[1]}"#)),
    ("[null()]", Some("null")),
    // comparison and logical
    ("[equals(1, 1)]", Some("true")),
    ("[less(1, 2)]", Some("true")),
    ("[lessOrEquals(2, 2)]", Some("true")),
    ("[greater(3, 2)]", Some("true")),
    ("[greaterOrEquals(2, 2)]", Some("true")),
    ("[coalesce(null(), 'x')]", Some(r#""x""#)),
    ("[and(true, false)]", Some("false")),
    ("[or(true, false)]", Some("true")),
    ("[not(true)]", Some("false")),
    ("[if(true, 'a', 'b')]", Some(r#""a""#)),
    ("[bool('true')]", Some("true")),
    ("[true()]", Some("true")),
    ("[false()]", Some("false")),
    // numeric
    ("[add(1, 2)]", Some("3")),
    ("[sub(5, 2)]", Some("3")),
    ("[mul(2, 3)]", Some("6")),
    ("[div(7, 2)]", Some("3")),
    ("[mod(7, 2)]", Some("1")),
    ("[int('4')]", Some("4")),
    ("[float('1.5')]", Some("1.5")),
    // date
    ("[dateTimeAdd('2020-01-01T00:00:00Z', 'P1D')]", Some(r#""2020-01-02T00:00:00Z""#)),
    ("[dateTimeFromEpoch(0)]", Some(r#""1970-01-01T00:00:00Z""#)),
    ("[dateTimeToEpoch('1970-01-01T00:01:00Z')]", Some("60")),
    // deployment and scope
    ("[deployment().name]", None),
    ("[environment()]", None),
    ("[deployer()]", None),
    ("[resourceGroup().location]", Some(r#""westeurope""#)),
    ("[subscription().subscriptionId]", Some(r#""00000000-0000-0000-0000-000000000001""#)),
    ("[tenant().tenantId]", None),
    ("[managementGroup().name]", None),
    // resource
    (
        "[resourceId('Microsoft.ContainerRegistry/registries', 'acr')]",
        Some(r#""/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acr""#),
    ),
    (
        "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'x')]",
        Some(r#""/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/roleDefinitions/x""#),
    ),
    ("[tenantResourceId('Microsoft.Management/managementGroups', 'mg')]", Some(r#""/providers/Microsoft.Management/managementGroups/mg""#)),
    ("[managementGroupResourceId('mg', 'Microsoft.Authorization/policyDefinitions', 'p')]", Some(r#""/providers/Microsoft.Management/managementGroups/mg/providers/Microsoft.Authorization/policyDefinitions/p""#)),
    ("[extensionResourceId('/subscriptions/s', 'Microsoft.Authorization/locks', 'l')]", Some(r#""/subscriptions/s/providers/Microsoft.Authorization/locks/l""#)),
    ("[reference('x')]", None),
    ("[references('x')]", None),
    ("[listKeys('x', '2020-01-01')]", None),
    ("[listCredentials('x', '2020-01-01')]", None),
    ("[pickZones('Microsoft.Compute', 'virtualMachines', 'westus2')]", None),
    ("[providers('Microsoft.Web')]", None),
    // lambdas
    ("[filter(createArray(1, 2, 3), lambda('x', greater(lambdaVariables('x'), 1)))]", Some("[2,3]")),
    ("[map(createArray(1, 2), lambda('x', mul(lambdaVariables('x'), 10)))]", Some("[10,20]")),
    ("[reduce(createArray(1, 2, 3), 0, lambda('a', 'b', add(lambdaVariables('a'), lambdaVariables('b'))))]", Some("6")),
    ("[sort(createArray(3, 1, 2), lambda('a', 'b', less(lambdaVariables('a'), lambdaVariables('b'))))]", Some("[1,2,3]")),
    ("[toObject(createArray('a', 'b'), lambda('x', lambdaVariables('x')))]", Some(r#"{"a":"a","b":"b"}"#)),
    ("[mapValues(createObject('a', 1), lambda('v', add(lambdaVariables('v'), 1)))]", Some(r#"{"a":2}"#)),
    ("[groupBy(createArray('ab', 'ac', 'b'), lambda('x', substring(lambdaVariables('x'), 0, 1)))]", Some(r#"{"a":["ab","ac"],"b":["b"]}"#)),
    // CIDR
    ("[parseCidr('10.144.0.0/20').broadcast]", Some(r#""10.144.15.255""#)),
    ("[cidrSubnet('10.144.0.0/20', 24, 1)]", Some(r#""10.144.1.0/24""#)),
    ("[cidrHost('10.144.3.0/24', 2)]", Some(r#""10.144.3.3""#)),
];

#[test]
fn every_documented_function_is_implemented() {
    let mut failures = Vec::new();
    for (expr, expected) in CASES {
        let v = eval(expr);
        let json = v.to_json();
        let text = json.to_string();
        if text.contains("unsupported function") {
            failures.push(format!("{expr}: {text}"));
            continue;
        }
        match expected {
            Some(e) => {
                let want: serde_json::Value = serde_json::from_str(e).unwrap();
                if json != want {
                    failures.push(format!("{expr}: got {text}, want {e}"));
                }
            }
            None => {
                if !v.contains_unknown() {
                    failures.push(format!(
                        "{expr}: expected a runtime-only unknown, got {text}"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn runtime_only_values_remember_what_they_were() {
    let Value::Unknown(u) = eval("[listCredentials(resourceId('Microsoft.ContainerRegistry/registries', 'acr'), '2025-11-01').passwords[0].value]") else {
        panic!()
    };
    assert!(u.why.contains("listCredentials"));
    assert!(u
        .term
        .as_ref()
        .unwrap()
        .to_string()
        .contains("listcredentials("));
    assert_eq!(
        u.resource.as_ref().unwrap().name.as_text().as_deref(),
        Some("acr")
    );
}
