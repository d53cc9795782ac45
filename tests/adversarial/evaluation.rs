//! Templates whose evaluation would not end, or would blow up, without a cap.

use super::*;

#[test]
fn deep_expression_nesting_is_a_syntax_error_at_its_position() {
    let dir = scratch("deep-expr");
    let expr = "concat(".repeat(300) + "'a'" + &")".repeat(300);
    let bad = write(
        &dir,
        "deep.json",
        template(
            "{}",
            &format!(
                "[{{\"type\": \"Microsoft.ContainerRegistry/registries\", \"apiVersion\": \"2023-07-01\",\n\"name\": \"[{expr}]\", \"sku\": {{\"name\": \"Premium\"}}}}]"
            ),
        ),
    );
    let (_, found) = run_with_good_neighbour(&dir, &bad);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].message.contains("nested deeper than 128"),
        "{}",
        found[0].message
    );
    // `"name": "[` ends at column 10; the 129th `concat(` starts 128 × 7 further.
    assert_eq!(at(&found[0]), (6, 11 + 128 * 7));

    // Just under the limit, evaluation is deep but fine (and does not overflow the
    // stack of a test thread).
    let ok = "concat(".repeat(120) + "'a'" + &")".repeat(120);
    let fine = write(
        &dir,
        "fine.json",
        template(&format!("{{\"v\": \"[{ok}]\"}}"), "[]"),
    );
    assert!(acr000(&check_one(&fine)).is_empty());
    let deep_index = "createArray(".repeat(100) + "1" + &")".repeat(100) + &"[0]".repeat(100);
    let fine = write(
        &dir,
        "index.json",
        template(&format!("{{\"v\": \"[{deep_index}]\"}}"), "[]"),
    );
    assert!(acr000(&check_one(&fine)).is_empty());
}

#[test]
fn a_variable_cycle_is_named_and_the_file_still_expands() {
    let dir = scratch("cycle");
    let path = write(
        &dir,
        "cycle.json",
        template(
            r#"{"a": "[variables('b')]", "b": "[concat(variables('a'), 'x')]", "self": "[variables('self')]"}"#,
            r#"[{"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01",
                 "name": "[variables('a')]", "properties": {"p": "[variables('self')]"}}]"#,
        ),
    );
    let exp = expand(&path, &ExpandOptions::default()).unwrap();
    let messages: Vec<&str> = exp.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("variable 'a' refers to itself")
                || m.contains("variable 'b' refers to itself")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("variable 'self' refers to itself")),
        "{messages:?}"
    );
    assert_eq!(exp.resources.len(), 1);
    assert!(exp.resources[0].name.is_unknown());
    assert!(check_one(&path).checked);
}

#[test]
fn user_function_recursion_stops_with_a_message() {
    let dir = scratch("fn-recursion");
    let text = format!(
        r#"{{
  "$schema": "{SCHEMA}",
  "contentVersion": "1.0.0.0",
  "functions": [{{ "namespace": "ns", "members": {{
    "loop": {{ "parameters": [{{"name": "x", "type": "int"}}],
              "output": {{"type": "int", "value": "[ns.loop(add(parameters('x'), 1))]"}} }}
  }} }}],
  "resources": [],
  "outputs": {{ "o": {{ "type": "int", "value": "[ns.loop(0)]" }} }}
}}"#
    );
    let path = write(&dir, "t.json", text);
    let exp = expand(&path, &ExpandOptions::default()).unwrap();
    assert!(
        exp.diagnostics
            .iter()
            .any(|d| d.message.contains("nested deeper than")
                && d.kind == acrlint::DiagnosticKind::Limit),
        "{:?}",
        exp.diagnostics
    );
}

#[test]
fn a_nested_deployment_linking_to_itself_is_not_followed() {
    let dir = scratch("self-link");
    let path = write(
        &dir,
        "azuredeploy.json",
        template(
            "{}",
            r#"[{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "again",
                 "properties": {"mode": "Incremental",
                   "templateLink": {"uri": "[deployment().properties.templateLink.uri]"}}}]"#,
        ),
    );
    let exp = expand(&path, &ExpandOptions::default()).unwrap();
    assert_eq!(exp.resources.len(), 1);
    assert_eq!(exp.resources[0].nested, Some(acrlint::NestedKind::Linked));
}

#[test]
fn a_copy_count_of_a_billion_is_capped_with_its_position() {
    let dir = scratch("copy-billion");
    let bad = write(
        &dir,
        "many.json",
        template(
            "{}",
            r#"[{"type": "Microsoft.ContainerRegistry/registries/webhooks", "apiVersion": "2023-07-01",
                 "name": "[concat('acr/w', copyIndex())]",
                 "copy": {"name": "hooks",
                          "count": "[mul(1000000, 1000)]"}}]"#,
        ),
    );
    let started = Instant::now();
    let (_, found) = run_with_good_neighbour(&dir, &bad);
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0]
            .message
            .contains("copy count 1000000000 is outside 0..=800"),
        "{}",
        found[0].message
    );
    assert_eq!(found[0].level, Level::Error);
    assert_eq!(at(&found[0]), (8, 36));
}

#[test]
fn string_blowups_are_capped() {
    let dir = scratch("blowups");
    let mut vars = String::from(r#"{"v0": "[padLeft('', 1000, 'x')]""#);
    // Each variable doubles the previous: 1000 × 2^40 characters if nothing stopped it.
    for i in 1..=40 {
        vars.push_str(&format!(
            r#", "v{i}": "[concat(variables('v{p}'), variables('v{p}'))]""#,
            p = i - 1
        ));
    }
    for i in 1..=40 {
        vars.push_str(&format!(
            r#", "a{i}": "[createArray(variables('a{p}'), variables('a{p}'))]""#,
            p = if i == 1 {
                "0".to_string()
            } else {
                (i - 1).to_string()
            }
        ));
    }
    vars.push_str(r#", "a0": [1, 2, 3]"#);
    vars.push_str(r#", "pad": "[padLeft('x', 1000000000, 'y')]""#);
    vars.push_str(r#", "rep": "[replace(variables('v12'), 'x', variables('v12'))]""#);
    vars.push_str(r#", "fmt": "[format('{0}{0}{0}{0}{0}{0}{0}{0}', variables('v12'))]""#);
    vars.push_str(r#", "str": "[string(variables('a40'))]""#);
    vars.push_str(r#", "rng": "[range(0, 1000000000)]""#);
    vars.push('}');
    let props = r#"{"v": "[variables('v40')]", "a": "[variables('a40')]", "pad": "[variables('pad')]",
                    "rep": "[variables('rep')]", "fmt": "[variables('fmt')]", "str": "[variables('str')]",
                    "rng": "[variables('rng')]"}"#;
    let path = write(
        &dir,
        "t.json",
        template(
            &vars,
            &format!(
                r#"[{{"type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2023-07-01",
                      "name": "acr", "sku": {{"name": "Basic"}}, "properties": {props}}}]"#
            ),
        ),
    );
    let started = Instant::now();
    let exp = expand(&path, &ExpandOptions::default()).unwrap();
    let json = serde_json::to_string(&acrlint::expansion_to_json(&exp)).unwrap();
    assert!(started.elapsed() < Duration::from_secs(30));
    assert!(
        json.len() < 64 * 1024 * 1024,
        "{} bytes of output",
        json.len()
    );
    let messages: Vec<&str> = exp.diagnostics.iter().map(|d| d.message.as_str()).collect();
    for want in ["concat", "padLeft", "replace", "format", "range"] {
        assert!(
            messages
                .iter()
                .any(|m| m.contains(want) && m.contains("limit")),
            "no limit message for {want}: {messages:#?}"
        );
    }
    assert!(
        messages.iter().any(|m| m.contains("too large")),
        "no size message for the doubled arrays: {messages:#?}"
    );
    let o = check_one(&path);
    assert!(o.checked && !o.fatal);
}

#[test]
fn a_long_chain_of_parameter_defaults_declared_in_reverse_binds_in_one_pass() {
    // p0 reads p1, which reads p2, … : each default reads one declared after it.
    // Bound in dependency order in one pass over the edges, not one pass per link.
    const N: usize = 20_000;
    let mut params: Vec<String> = (0..N - 1)
        .map(|i| {
            format!(
                "\"p{i}\": {{\"type\": \"string\", \"defaultValue\": \"[parameters('p{}')]\"}}",
                i + 1
            )
        })
        .collect();
    params.push(format!(
        "\"p{}\": {{\"type\": \"string\", \"defaultValue\": \"acr\"}}",
        N - 1
    ));
    let text = format!(
        r#"{{
  "$schema": "{SCHEMA}",
  "contentVersion": "1.0.0.0",
  "parameters": {{ {} }},
  "resources": [{{"type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2023-07-01",
    "name": "[parameters('p0')]", "location": "westus", "sku": {{"name": "Premium"}},
    "properties": {{"adminUserEnabled": true}}}}]
}}"#,
        params.join(",\n")
    );
    let dir = scratch("param-chain");
    let path = write(&dir, "chain.json", text);
    let exp = acrlint::expand(&path, &Default::default()).unwrap();
    assert_eq!(exp.resources.len(), 1);
    assert!(
        matches!(&exp.resources[0].name, acrlint::Value::String(s) if &**s == "acr"),
        "{:?}",
        exp.resources[0].name
    );
    let _ = std::fs::remove_dir_all(&dir);
}
