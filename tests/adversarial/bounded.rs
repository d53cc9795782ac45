//! Bounded work: inputs of a few hundred bytes that asked for minutes of time or all
//! the memory answer within seconds under a 4 GB address-space cap, with a finding
//! (the inputs of the hostile-input issue's table, generated here).

use std::process::{Command, Output};

use super::*;

/// `acrlint check ARGS` under `ulimit -v` 4 GB; its output and how long it took.
fn check_capped(args: &[&Path]) -> (Output, Duration) {
    let started = Instant::now();
    let out = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 4194304 && exec \"$0\" check \"$@\"")
        .arg(env!("CARGO_BIN_EXE_acrlint"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (out, started.elapsed())
}

/// Runs `check` on `path` and returns its text output; the run must end within a
/// minute (a hang or an abort would not), with exit code 1.
fn answers(path: &Path) -> String {
    let (out, took) = check_capped(&[path]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}: {stderr}\n{}",
        path.display(),
        stdout.get(..2000).unwrap_or(&stdout)
    );
    assert!(
        took < Duration::from_secs(60),
        "{}: {took:?}",
        path.display()
    );
    stdout
}

fn registry(name: &str) -> String {
    format!(
        r#"{{"type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2023-07-01", "name": "{name}",
            "location": "westus", "sku": {{"name": "Premium"}}, "properties": {{"adminUserEnabled": true}}}}"#
    )
}

#[test]
fn a_resource_copy_around_a_property_copy_of_range_stops_at_the_budget() {
    // 800 registries × 800 property items × range(0, 800): 512 million values.
    let dir = scratch("copy-range");
    let path = write(
        &dir,
        "t.json",
        format!(
            r#"{{"$schema":"{SCHEMA}","contentVersion":"1.0.0.0","resources":[{{"type":"Microsoft.ContainerRegistry/registries","apiVersion":"2023-07-01","name":"[concat('acr',copyIndex())]","copy":{{"name":"r","count":800}},"properties":{{"adminUserEnabled":true,"copy":[{{"name":"x","count":800,"input":"[range(0,800)]"}}]}}}}]}}"#
        ),
    );
    let out = answers(&path);
    assert!(
        out.contains("ACR000 error evaluation stopped after making"),
        "{}",
        &out[..out.len().min(3000)]
    );
    assert!(out.contains("--limit value-cells=N"));
    assert!(out.contains("ACR001 error registry acr0 enables the admin user"));
}

#[test]
fn nested_lambdas_over_ten_thousand_items_stop_at_the_budget() {
    let expr = "[map(range(0,10000),lambda('a',map(range(0,10000),lambda('b',reduce(range(0,10000),0,lambda('c','d',add(lambdaVariables('c'),1)))))))]";
    // The expression of the report (142 characters there, with spaces).
    assert!(expr.len() < 150);
    let dir = scratch("lambdas");
    let path = write(
        &dir,
        "t.json",
        template(
            &format!(r#"{{"v": "{expr}"}}"#),
            &format!(
                "[{}]",
                registry("acr").replace(
                    r#""adminUserEnabled": true"#,
                    r#""adminUserEnabled": "[greater(length(variables('v')), 0)]""#
                )
            ),
        ),
    );
    let out = answers(&path);
    assert!(out.contains("ACR000 error evaluation stopped"), "{out}");
}

#[test]
fn user_functions_calling_the_next_twice_forty_deep_are_remembered() {
    let mut members = Vec::new();
    for i in 0..40 {
        members.push(format!(
            r#""f{i}": {{"parameters": [{{"name": "x", "type": "int"}}],
                "output": {{"type": "int", "value": "[add(ns.f{n}(parameters('x')), ns.f{n}(parameters('x')))]"}}}}"#,
            n = i + 1
        ));
    }
    members.push(
        r#""f40": {"parameters": [{"name": "x", "type": "int"}], "output": {"type": "int", "value": "[parameters('x')]"}}"#
            .into(),
    );
    let text = format!(
        r#"{{"$schema": "{SCHEMA}", "contentVersion": "1.0.0.0",
  "functions": [{{"namespace": "ns", "members": {{ {} }}}}],
  "resources": [{}]}}"#,
        members.join(",\n"),
        registry("acr").replace(
            r#""adminUserEnabled": true"#,
            r#""adminUserEnabled": "[equals(ns.f0(1), 1099511627776)]""#
        )
    );
    let dir = scratch("user-fns");
    let path = write(&dir, "t.json", text);
    let out = answers(&path);
    // 2^40 evaluated exactly: the admin user is on.
    assert!(
        out.contains("ACR001 error registry acr enables the admin user"),
        "{out}"
    );
    assert!(!out.contains("ACR000"), "{out}");
}

#[test]
fn four_thousand_registries_are_checked_in_near_linear_time() {
    let mut resources = Vec::new();
    for i in 0..4000 {
        resources.push(registry(&format!("acr{i}")));
        resources.push(format!(
            r#"{{"type": "Microsoft.ContainerRegistry/registries/replications", "apiVersion": "2023-07-01",
                "name": "acr{i}/eastus", "location": "eastus", "dependsOn": ["acr{i}"], "properties": {{}}}}"#
        ));
    }
    let dir = scratch("registries-4000");
    let path = write(
        &dir,
        "t.json",
        template("{}", &format!("[{}]", resources.join(","))),
    );
    let out = answers(&path);
    assert_eq!(
        out.matches("ACR001 error registry acr").count(),
        4000,
        "{}",
        &out[out.len().saturating_sub(500)..]
    );
}

#[test]
fn objects_of_a_hundred_thousand_and_a_million_keys_are_read_in_linear_time() {
    let dir = scratch("keys");
    let keys = |n: usize| {
        (0..n)
            .map(|i| format!("\"k{i}\": {i}"))
            .collect::<Vec<_>>()
            .join(",")
    };
    let template_path = write(
        &dir,
        "t.json",
        template(
            &format!("{{{}}}", keys(100_000)),
            &format!("[{}]", registry("acr")),
        ),
    );
    let out = answers(&template_path);
    assert!(out.contains("ACR001 error registry acr enables"), "{out}");
    // A walked JSON file that is not a template, beside a template.
    let walked = scratch("keys-walked");
    write(
        &walked,
        "package.json",
        format!("{{\"name\": \"x\", \"things\": {{{}}}}}", keys(1_000_000)),
    );
    write(&walked, "good.json", good_template());
    let out = answers(&walked);
    assert!(out.contains("good.json"), "{out}");
}

#[test]
fn a_long_minified_line_is_not_copied_into_every_result() {
    // 300 registries on one line: every finding's snippet is a window of the line.
    let resources: Vec<String> = (0..300).map(|i| registry(&format!("acr{i}"))).collect();
    let text = template("{}", &format!("[{}]", resources.join(","))).replace('\n', " ");
    let dir = scratch("minified");
    let path = write(&dir, "t.json", &text);
    for format in ["sarif", "text"] {
        let out = Command::new(env!("CARGO_BIN_EXE_acrlint"))
            .args(["check", "--format", format])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.matches("ACR001").count() >= 300, "{format}");
        // Every finding (of every rule) names its rule at least once.
        let findings = stdout.matches("ACR0").count();
        // Without clipping every result would hold the whole line (~70 KB).
        let per_finding = out.stdout.len() / findings;
        assert!(
            per_finding < 8 * 1024,
            "{format}: {} bytes for {findings} findings",
            out.stdout.len()
        );
    }
}
