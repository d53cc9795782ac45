//! Edge cases of the native checks ACR011 and ACR016–ACR020: three-valued results
//! (parameters with allowed values, values known only at deployment, conditions),
//! nested deployments and the different ways templates spell the same resource.

use crate::rules::finding::{Finding, Level, Status};
use crate::rules::native::testing::{findings, template};

fn registry(name: &str, sku: &str, props: &str) -> String {
    format!(
        r#"{{ "type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2025-11-01", "name": "{name}", "location": "westeurope", "sku": {{ "name": "{sku}" }}, "properties": {{ {props} }} }}"#
    )
}

fn statuses(fs: &[Finding]) -> Vec<(Status, Level)> {
    fs.iter().map(|f| (f.status, f.level)).collect()
}

fn private_endpoint(target: &str, extra: &str) -> String {
    format!(
        r#"{{ "type": "Microsoft.Network/privateEndpoints", "apiVersion": "2024-05-01", "name": "pe", "location": "westeurope" {extra},
            "properties": {{ "subnet": {{ "id": "x" }}, "privateLinkServiceConnections": [ {{ "name": "c", "properties": {{ "privateLinkServiceId": "{target}", "groupIds": [ "registry" ] }} }} ] }} }}"#
    )
}

#[test]
fn acr011_nested_deployment_endpoint_targets_the_registry() {
    // The registry is declared inside a nested deployment; the endpoint at top level
    // names it with resourceId() and the same parameter.
    let nested = format!(
        r#"{{ "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "registry",
            "properties": {{ "mode": "Incremental", "expressionEvaluationOptions": {{ "scope": "inner" }},
              "parameters": {{ "name": {{ "value": "[parameters('acrName')]" }} }},
              "template": {{ "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0",
                "parameters": {{ "name": {{ "type": "string" }} }},
                "resources": [ {} ] }} }} }}"#,
        registry("[parameters('name')]", "Premium", "")
    );
    let pe = private_endpoint(
        "[resourceId('Microsoft.ContainerRegistry/registries', parameters('acrName'))]",
        "",
    );
    let text = template(
        r#""acrName": { "type": "string" }"#,
        &format!("{nested},{pe}"),
    );
    assert_eq!(findings("ACR011", &text), vec![]);
    // Without the endpoint the registry fails.
    let text = template(r#""acrName": { "type": "string" }"#, &nested);
    let fs = findings("ACR011", &text);
    assert_eq!(statuses(&fs), vec![(Status::Fail, Level::Note)]);
}

#[test]
fn acr011_endpoint_with_unknown_target_or_condition_is_possible() {
    let text = template(
        r#""peTarget": { "type": "string" }, "deployPe": { "type": "bool" }"#,
        &format!(
            "{},{}",
            registry("contosoregistry", "Premium", ""),
            private_endpoint("[parameters('peTarget')]", "")
        ),
    );
    let fs = findings("ACR011", &text);
    assert_eq!(statuses(&fs), vec![(Status::Possible, Level::Note)]);
    assert!(
        fs[0].message.contains("privateLinkServiceId is only known"),
        "{}",
        fs[0].message
    );
    let text = template(
        r#""deployPe": { "type": "bool" }"#,
        &format!(
            "{},{}",
            registry("contosoregistry", "Premium", ""),
            private_endpoint(
                "[resourceId('Microsoft.ContainerRegistry/registries', 'contosoregistry')]",
                r#", "condition": "[parameters('deployPe')]""#
            )
        ),
    );
    let fs = findings("ACR011", &text);
    assert_eq!(statuses(&fs), vec![(Status::Possible, Level::Note)]);
    assert!(
        fs[0].message.contains("condition is only known"),
        "{}",
        fs[0].message
    );
}

#[test]
fn acr016_each_premium_feature_is_reported_where_written() {
    let props = r#""zoneRedundancy": "Enabled", "dataEndpointEnabled": true,
        "networkRuleSet": { "defaultAction": "Deny", "ipRules": [ { "value": "1.2.3.4" } ] },
        "policies": { "exportPolicy": { "status": "disabled" }, "retentionPolicy": { "status": "enabled", "days": 7 } }"#;
    let text = template("", &registry("contosoregistry", "Basic", props));
    let fs = findings("ACR016", &text);
    let mut written: Vec<&str> = fs
        .iter()
        .map(|f| &text[f.location.byte_start as usize..f.location.byte_end as usize])
        .collect();
    written.sort();
    assert_eq!(
        written,
        vec![
            "\"Deny\"",
            "\"disabled\"",
            "\"enabled\"",
            "[ { \"value\": \"1.2.3.4\" } ]",
            "true"
        ]
    );
    assert!(fs
        .iter()
        .all(|f| f.status == Status::Fail && f.level == Level::Error));
    // Zone redundancy is on every tier: never a Premium-only feature.
    assert!(!fs.iter().any(|f| f.message.contains("zone redundancy")));
    assert!(fs
        .iter()
        .any(|f| f.message.contains("a disabled export policy")));
    assert!(fs.iter().all(|f| f
        .related
        .iter()
        .any(|r| r.message.contains("has SKU Basic"))));
    // Premium: nothing.
    let text = template("", &registry("contosoregistry", "Premium", props));
    assert_eq!(findings("ACR016", &text), vec![]);
    // Allow with no rules, export enabled, retention disabled: not Premium features.
    let text = template(
        "",
        &registry(
            "contosoregistry",
            "Standard",
            r#""networkRuleSet": { "defaultAction": "Allow", "ipRules": [] }, "policies": { "exportPolicy": { "status": "enabled" }, "retentionPolicy": { "status": "disabled" } }"#,
        ),
    );
    assert_eq!(findings("ACR016", &text), vec![]);
}

#[test]
fn acr016_sku_parameter_with_allowed_values_is_possible() {
    let params =
        r#""sku": { "type": "string", "allowedValues": [ "Basic", "Standard", "Premium" ] }"#;
    let text = template(
        params,
        &registry(
            "contosoregistry",
            "[parameters('sku')]",
            r#""dataEndpointEnabled": true"#,
        ),
    );
    let fs = findings("ACR016", &text);
    assert_eq!(statuses(&fs), vec![(Status::Possible, Level::Warning)]);
    assert!(
        fs[0]
            .message
            .contains("when parameter `sku` is Basic or Standard"),
        "{}",
        fs[0].message
    );
    // A replication of a Standard registry, guarded off: not deployed, not reported.
    let replica = r#"{ "condition": false, "type": "Microsoft.ContainerRegistry/registries/replications", "apiVersion": "2025-11-01", "name": "contosoregistry/northeurope", "location": "northeurope" }"#;
    let text = template(
        "",
        &format!("{},{replica}", registry("contosoregistry", "Standard", "")),
    );
    assert_eq!(findings("ACR016", &text), vec![]);
}

#[test]
fn acr017_names_known_computed_and_parameters() {
    let one = |name: &str, params: &str| {
        findings("ACR017", &template(params, &registry(name, "Premium", "")))
    };
    assert_eq!(one("contosoregistry", ""), vec![]);
    assert_eq!(
        one("[format('cr{0}', uniqueString(resourceGroup().id))]", ""),
        vec![]
    );
    assert_eq!(
        one(
            "[parameters('acrName')]",
            r#""acrName": { "type": "string" }"#
        ),
        vec![]
    );
    let fs = one(
        "[concat(parameters('prefix'), '-acr')]",
        r#""prefix": { "type": "string" }"#,
    );
    assert_eq!(statuses(&fs), vec![(Status::Fail, Level::Error)]);
    assert!(
        fs[0].message.contains("always contains '-'"),
        "{}",
        fs[0].message
    );
    let fs = one(
        "[parameters('acrName')]",
        r#""acrName": { "type": "string", "allowedValues": [ "contosoregistry", "contoso-dev" ] }"#,
    );
    assert_eq!(statuses(&fs), vec![(Status::Possible, Level::Warning)]);
    assert!(
        fs[0].message.contains("\"contoso-dev\""),
        "{}",
        fs[0].message
    );
    let fs = one("abc", "");
    assert_eq!(statuses(&fs), vec![(Status::Fail, Level::Error)]);
    // An existing registry is not the template's to name.
    let existing = r#"{ "type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2025-11-01", "name": "old-registry", "existing": true }"#;
    let text = format!(
        r#"{{ "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "languageVersion": "2.0", "contentVersion": "1.0.0.0", "resources": {{ "r": {existing} }} }}"#
    );
    assert_eq!(findings("ACR017", &text), vec![]);
}

#[test]
fn acr018_task_images_cache_rules_and_candidates() {
    let task = r#"{ "type": "Microsoft.ContainerRegistry/registries/tasks", "apiVersion": "2019-04-01", "name": "contosoregistry/build", "location": "westeurope",
        "properties": { "platform": { "os": "Linux" }, "step": { "type": "Docker", "dockerFilePath": "Dockerfile", "imageNames": [ "{{.Run.Registry}}/Team/App:{{.Run.ID}}", "ok/app:1", "{{.Values.image}}:1" ] } } }"#;
    let fs = findings("ACR018", &template("", task));
    assert_eq!(fs.len(), 1, "{fs:#?}");
    assert!(
        fs[0].message.contains("\"Team/App\" has uppercase letters"),
        "{}",
        fs[0].message
    );
    let rule = r#"{ "type": "Microsoft.ContainerRegistry/registries/cacheRules", "apiVersion": "2025-11-01", "name": "contosoregistry/rule", "properties": { "sourceRepository": "docker.io/library/ubuntu", "targetRepository": "[parameters('target')]" } }"#;
    let params = r#""target": { "type": "string", "allowedValues": [ "ubuntu", "Ubuntu_" ] }"#;
    let fs = findings("ACR018", &template(params, rule));
    assert_eq!(statuses(&fs), vec![(Status::Possible, Level::Warning)]);
    let params = r#""target": { "type": "string" }"#;
    assert_eq!(findings("ACR018", &template(params, rule)), vec![]);
}

#[test]
fn acr019_trigger_types_and_hosts() {
    let task = |kind: &str, url: &str| {
        format!(
            r#"{{ "type": "Microsoft.ContainerRegistry/registries/tasks", "apiVersion": "2019-04-01", "name": "contosoregistry/build", "location": "westeurope",
              "properties": {{ "platform": {{ "os": "Linux" }}, "step": {{ "type": "Docker", "dockerFilePath": "Dockerfile" }},
                "trigger": {{ "sourceTriggers": [ {{ "name": "t", "sourceTriggerEvents": [ "commit" ], "sourceRepository": {{ "sourceControlType": "{kind}", "repositoryUrl": "{url}" }} }} ] }} }} }}"#
        )
    };
    assert_eq!(
        findings(
            "ACR019",
            &template("", &task("Github", "https://github.com/a/b"))
        ),
        vec![]
    );
    assert_eq!(
        findings(
            "ACR019",
            &template(
                "",
                &task(
                    "VisualStudioTeamService",
                    "https://dev.azure.com/o/p/_git/r"
                )
            )
        ),
        vec![]
    );
    let fs = findings(
        "ACR019",
        &template("", &task("Bitbucket", "https://bitbucket.org/a/b")),
    );
    assert_eq!(statuses(&fs), vec![(Status::Fail, Level::Error)]);
    let fs = findings(
        "ACR019",
        &template("", &task("Github", "https://gitlab.com/a/b")),
    );
    assert!(
        fs[0]
            .message
            .contains("a GitLab repository declared as \"Github\""),
        "{}",
        fs[0].message
    );
    let params = r#""scm": { "type": "string", "allowedValues": [ "Github", "GitLab" ] }"#;
    let fs = findings(
        "ACR019",
        &template(
            params,
            &task("[parameters('scm')]", "https://example.com/r"),
        ),
    );
    assert_eq!(statuses(&fs), vec![(Status::Possible, Level::Warning)]);
}

/// A scope that names a registry by a literal name spelling a term is that literal
/// registry, not the declared one the term would compute, and the message names it
/// as written; a name computed in part is written as the ARM expression that computes it.
#[test]
fn acr020_names_a_literal_registry_as_written() {
    let ra = |scope: &str| {
        format!(
            r#"{{ "type": "Microsoft.Authorization/roleAssignments", "apiVersion": "2022-04-01", "name": "[guid('a')]", "scope": "{scope}",
                "properties": {{ "roleDefinitionId": "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635')]", "principalId": "p" }} }}"#
        )
    };
    let registry = r#"{ "type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2025-11-01", "name": "[parameters('acrName')]", "location": "westeurope", "sku": { "name": "Premium" }, "properties": { "roleAssignmentMode": "AbacRepositoryPermissions" } }"#;
    let params = r#""acrName": { "type": "string" }"#;
    let message = |scope: &str| {
        let fs = findings(
            "ACR020",
            &template(params, &[registry.to_string(), ra(scope)].join(",")),
        );
        assert_eq!(fs.len(), 1, "{fs:?}");
        fs[0].message.clone()
    };
    let computed =
        message("[format('Microsoft.ContainerRegistry/registries/{0}', parameters('acrName'))]");
    assert!(
        computed.contains(
            "on registry [parameters('acrName')] (roleAssignmentMode AbacRepositoryPermissions"
        ),
        "{computed}"
    );
    let literal = message("Microsoft.ContainerRegistry/registries/⟦parameters('acrName')⟧");
    assert!(
        literal.contains("on registry ⟦parameters('acrName')⟧:"),
        "{literal}"
    );
    assert!(!literal.contains("AbacRepositoryPermissions"), "{literal}");
    let partly =
        message("[format('Microsoft.ContainerRegistry/registries/cr{0}', parameters('acrName'))]");
    assert!(
        partly.contains("on registry [concat('cr', parameters('acrName'))]:"),
        "{partly}"
    );
}

#[test]
fn acr020_scopes_and_roles() {
    let ra = |scope: &str, role: &str| {
        format!(
            r#"{{ "type": "Microsoft.Authorization/roleAssignments", "apiVersion": "2022-04-01", "name": "[guid('a')]", "scope": "{scope}",
                "properties": {{ "roleDefinitionId": "{role}", "principalId": "p" }} }}"#
        )
    };
    let owner = "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635')]";
    let pull = "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '7f951dda-4ed3-4680-a7ca-43fe172d538d')]";
    let params = r#""acrName": { "type": "string" }, "role": { "type": "string" }"#;
    let scope = "[format('Microsoft.ContainerRegistry/registries/{0}', parameters('acrName'))]";
    let fs = findings("ACR020", &template(params, &ra(scope, owner)));
    assert_eq!(statuses(&fs), vec![(Status::Fail, Level::Warning)]);
    assert!(
        fs[0]
            .message
            .contains("grants Owner on registry [parameters('acrName')]"),
        "{}",
        fs[0].message
    );
    assert_eq!(
        findings("ACR020", &template(params, &ra(scope, pull))),
        vec![]
    );
    // A role known only at deployment: possible.
    let fs = findings(
        "ACR020",
        &template(params, &ra(scope, "[parameters('role')]")),
    );
    assert_eq!(statuses(&fs), vec![(Status::Possible, Level::Note)]);
    // Owner on a storage account, or on a registry's child: not this rule.
    let other = "[format('Microsoft.Storage/storageAccounts/{0}', 'st')]";
    assert_eq!(
        findings("ACR020", &template(params, &ra(other, owner))),
        vec![]
    );
    let full = "[resourceId('Microsoft.ContainerRegistry/registries', 'contosoregistry')]";
    assert_eq!(
        findings("ACR020", &template(params, &ra(full, owner))).len(),
        1
    );
    // The older nested form.
    let nested = format!(
        r#"{{ "type": "Microsoft.ContainerRegistry/registries/providers/roleAssignments", "apiVersion": "2022-04-01", "name": "contosoregistry/Microsoft.Authorization/00000000-0000-0000-0000-000000000001",
            "properties": {{ "roleDefinitionId": "{}", "principalId": "p" }} }}"#,
        "[resourceId('Microsoft.Authorization/roleDefinitions', 'b24988ac-6180-42a0-ab88-20f7382dd24c')]"
    );
    let fs = findings("ACR020", &template(params, &nested));
    assert_eq!(fs.len(), 1);
    assert!(
        fs[0]
            .message
            .contains("Contributor on registry contosoregistry"),
        "{}",
        fs[0].message
    );
}

/// ACR002 sees a home replica declared as a Bicep child (`parent:` or nested) of a
/// registry whose name is unknown, as it does in the equivalent JSON.
#[test]
fn acr002_bicep_child_replica_of_a_registry_with_an_unknown_name() {
    use crate::rules::native::testing::file_findings;
    let names = [
        ("param registryName string", "registryName"),
        ("", "'acr${uniqueString(resourceGroup().id)}'"),
        (
            "@allowed(['acrone', 'acrtwo'])\nparam registryName string",
            "registryName",
        ),
    ];
    for (params, name) in names {
        let head = format!(
            "{params}\nparam location string = resourceGroup().location\nresource registry 'Microsoft.ContainerRegistry/registries@2025-04-01' = {{\n  name: {name}\n  location: location\n  sku: {{ name: 'Premium' }}\n"
        );
        let parent = format!(
            "{head}}}\nresource replica 'Microsoft.ContainerRegistry/registries/replications@2025-04-01' = {{\n  parent: registry\n  name: location\n  location: location\n}}\n"
        );
        let nested = format!(
            "{head}  resource replica 'replications' = {{\n    name: location\n    location: location\n  }}\n}}\n"
        );
        let guarded = parent.replace(
            "= {\n  parent: registry",
            "= if (false) {\n  parent: registry",
        );
        for (form, text, expected) in [
            ("parent", &parent, 1),
            ("nested", &nested, 1),
            ("guarded", &guarded, 0),
        ] {
            let fs = file_findings("ACR002", "main.bicep", text);
            assert_eq!(
                fs.len(),
                expected,
                "{form}, registry named {name}: {:?}",
                fs.iter().map(|f| &f.message).collect::<Vec<_>>()
            );
            if expected == 1 {
                assert_eq!(
                    (fs[0].status, fs[0].level),
                    (Status::Fail, Level::Error),
                    "{form} {name}"
                );
            }
        }
    }
}
