//! A limit that stops the evaluation of anything a rule may read fails the file: an
//! ACR000 error (exit 1 at the default `--fail-on`) naming the limit, its value and the
//! option that raises it. The limits are at least ARM's: each nested template may hold
//! its own 800 resources.

use super::*;
use acrlint::limits::Limits;

/// `inner` (a JSON array of resources) wrapped in `depth` nested inline deployments.
fn nested(inner: &str, depth: usize) -> String {
    let mut t = template("{}", inner);
    for i in 0..depth {
        t = template(
            "{}",
            &format!(
                r#"[{{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "d{i}",
                     "properties": {{"mode": "Incremental", "expressionEvaluationOptions": {{"scope": "inner"}},
                                     "template": {t}}}}}]"#
            ),
        );
    }
    t
}

const ADMIN_REGISTRY: &str = r#"[{"type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2023-07-01",
    "name": "deepacr", "location": "westus", "sku": {"name": "Premium"},
    "properties": {"adminUserEnabled": true}}]"#;

fn options_with(limits: Limits) -> CheckOptions {
    let mut o = CheckOptions::default();
    o.expand.limits = limits;
    o
}

#[test]
fn a_registry_twenty_deployments_deep_is_checked() {
    let dir = scratch("deep-20");
    let path = write(&dir, "t.json", nested(ADMIN_REGISTRY, 20));
    let o = check_one(&path);
    assert!(acr000(&o).is_empty(), "{:#?}", o.findings);
    assert!(
        o.findings
            .iter()
            .any(|f| f.rule == "ACR001" && f.level == Level::Error),
        "{:#?}",
        o.findings
    );
}

#[test]
fn deployments_nested_past_the_limit_fail_naming_the_limit() {
    // The default (64) is deeper than JSON nesting lets one file go (each level is
    // four objects deep, and JSON stops at 256): a smaller limit shows the message.
    let dir = scratch("deep-past");
    let path = write(&dir, "t.json", nested(ADMIN_REGISTRY, 12));
    let at = |max: usize| {
        check_file(
            &path,
            true,
            &engine(),
            &options_with(Limits {
                deployment_depth: max,
                ..Limits::default()
            }),
        )
    };
    let o = at(10);
    let f = acr000(&o);
    assert_eq!(f.len(), 1, "{:#?}", o.findings);
    assert_eq!(f[0].level, Level::Error);
    assert!(
        f[0].message.contains(
            "nested deployments deeper than 10 levels are not followed (limit deployment-depth=10; raise it with --limit deployment-depth=N)"
        ),
        "{}",
        f[0].message
    );
    assert!(f[0].location.start.line > 1);
    assert!(o.findings.iter().all(|f| f.rule != "ACR001"));
    // Raised, the registry is reached and checked.
    let o = at(12);
    assert!(acr000(&o).is_empty(), "{:#?}", o.findings);
    assert!(o.findings.iter().any(|f| f.rule == "ACR001"));
}

#[test]
fn fifty_one_thousand_resources_over_nested_deployments_are_all_checked() {
    // 64 nested deployments of 799 storage accounts each (each template within ARM's
    // 800), then a registry with the admin user on: 51,200 resources before it.
    let storage = r#"[{"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01",
        "name": "[concat('st', copyIndex())]", "location": "westus", "kind": "StorageV2",
        "sku": {"name": "Standard_LRS"}, "copy": {"name": "s", "count": 799}}]"#;
    let inner = template("{}", storage);
    let resources = format!(
        r#"[{{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01",
              "name": "[concat('d', copyIndex())]", "copy": {{"name": "d", "count": 64}},
              "properties": {{"mode": "Incremental", "expressionEvaluationOptions": {{"scope": "inner"}},
                             "template": {inner}}}}},
            {{"type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2023-07-01",
              "name": "lastacr", "location": "westus", "sku": {{"name": "Premium"}},
              "properties": {{"adminUserEnabled": true}}}}]"#
    );
    let dir = scratch("many-51000");
    let path = write(&dir, "t.json", template("{}", &resources));
    let exp = expand(&path, &ExpandOptions::default()).unwrap();
    assert_eq!(exp.resources.len(), 64 * 800 + 1);
    assert!(
        exp.diagnostics
            .iter()
            .all(|d| d.kind != acrlint::DiagnosticKind::Limit),
        "{:?}",
        exp.diagnostics
    );
    let o = check_one(&path);
    assert!(acr000(&o).is_empty(), "{:#?}", o.findings);
    assert!(o
        .findings
        .iter()
        .any(|f| f.rule == "ACR001" && f.resource_name.as_deref() == Some("lastacr")));
}

#[test]
fn a_spent_budget_fails_the_file_where_it_ran_out_and_the_run_goes_on() {
    let dir = scratch("budget");
    // Line 6 holds the expression that runs out: 10,000 × 10,000 lambda calls.
    let bad = write(
        &dir,
        "bad.json",
        template(
            "{}",
            r#"[{"type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2023-07-01",
  "name": "acr", "location": "westus", "sku": {"name": "Premium"},
  "properties": {"adminUserEnabled": false,
    "x": "[map(range(0, 10000), lambda('a', length(map(range(0, 10000), lambda('b', lambdaVariables('b'))))))]"}}]"#,
        ),
    );
    let started = Instant::now();
    let (result, found) = run_with_good_neighbour(&dir, &bad);
    assert!(started.elapsed() < Duration::from_secs(60));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].level, Level::Error);
    assert!(
        found[0].message.contains("evaluation stopped")
            && found[0].message.contains("--limit value-cells=N")
            || found[0].message.contains("--limit eval-steps=N"),
        "{}",
        found[0].message
    );
    assert_eq!(found[0].location.start.line, 8);
    // An error: the run fails at the default --fail-on.
    assert!(result.report.active().any(|f| f.level == Level::Error));
    // Raised far enough, the same file has no limit error (smaller work).
    let small = write(
        &dir,
        "small.json",
        std::fs::read_to_string(&bad)
            .unwrap()
            .replace("10000", "300"),
    );
    let o = check_one(&small);
    assert!(acr000(&o).is_empty(), "{:#?}", o.findings);
}

#[test]
fn limits_are_set_by_name_and_refuse_unknown_names() {
    let mut l = Limits::default();
    l.set("eval-steps=1_000").unwrap();
    l.set("deployment-depth = 3").unwrap();
    assert_eq!((l.eval_steps, l.deployment_depth), (1000, 3));
    let err = l.set("nope=1").unwrap_err();
    assert!(
        err.contains("no limit `nope`") && err.contains("value-cells"),
        "{err}"
    );
    assert!(l.set("eval-steps").is_err());
    assert!(l.set("eval-steps=lots").is_err());
}
