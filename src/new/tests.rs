use super::*;

const PRINCIPAL: &str = "00000000-0000-0000-0000-0000000000a1";

fn request() -> RegistryRequest {
    RegistryRequest {
        name: Some("contosoregistry".into()),
        location: Some("westeurope".into()),
        ..Default::default()
    }
}

#[test]
fn invalid_options_name_the_option() {
    let cases: Vec<(RegistryRequest, &str)> = vec![
        (
            RegistryRequest {
                name: Some("acr".into()),
                ..Default::default()
            },
            "--name",
        ),
        (
            RegistryRequest {
                name: Some("contoso-registry".into()),
                ..Default::default()
            },
            "--name",
        ),
        (
            RegistryRequest {
                location: Some("west-europe!".into()),
                ..Default::default()
            },
            "--location",
        ),
        (
            RegistryRequest {
                replicas: vec!["9north".into()],
                ..Default::default()
            },
            "--replica",
        ),
        (
            RegistryRequest {
                location: Some("West Europe".into()),
                replicas: vec!["westeurope".into()],
                ..Default::default()
            },
            "--replica",
        ),
        (
            RegistryRequest {
                pull_principals: vec!["not-a-guid".into()],
                ..Default::default()
            },
            "--pull-principal",
        ),
        (
            RegistryRequest {
                push_principals: vec!["0000000-0000-0000-0000-000000000000".into()],
                ..Default::default()
            },
            "--push-principal",
        ),
        (
            RegistryRequest {
                tags: vec!["novalue".into()],
                ..Default::default()
            },
            "--tag",
        ),
        (
            RegistryRequest {
                tags: vec!["a/b=1".into()],
                ..Default::default()
            },
            "--tag",
        ),
        (
            RegistryRequest {
                tags: vec!["Env=1".into(), "env=2".into()],
                ..Default::default()
            },
            "--tag",
        ),
        (
            RegistryRequest {
                diagnostics: Some("/subscriptions/x/workspaces/y".into()),
                ..Default::default()
            },
            "--diagnostics",
        ),
        (
            RegistryRequest {
                sku: Some(Sku::Basic),
                replicas: vec!["westus".into()],
                ..Default::default()
            },
            "--replica",
        ),
        (
            RegistryRequest {
                sku: Some(Sku::Standard),
                private_endpoint: true,
                ..Default::default()
            },
            "--private-endpoint",
        ),
        (
            RegistryRequest {
                content_trust: true,
                ..Default::default()
            },
            "--content-trust",
        ),
        (
            RegistryRequest {
                pull_principals: vec![PRINCIPAL.into()],
                pull_repositories: vec!["team/*".into()],
                role_assignment_mode: Some(RoleAssignmentMode::Rbac),
                ..Default::default()
            },
            "--pull-repository",
        ),
        (
            RegistryRequest {
                push_repositories: vec!["team/*".into()],
                ..Default::default()
            },
            "--push-repository",
        ),
        (
            RegistryRequest {
                pull_principals: vec![PRINCIPAL.into()],
                pull_repositories: vec!["Team/App".into()],
                ..Default::default()
            },
            "--pull-repository",
        ),
        (
            RegistryRequest {
                pull_principals: vec![PRINCIPAL.into()],
                pull_repositories: vec!["*".into()],
                ..Default::default()
            },
            "--pull-repository",
        ),
        (
            RegistryRequest {
                pull_principals: vec![PRINCIPAL.into()],
                pull_repositories: vec!["a'b".into()],
                ..Default::default()
            },
            "--pull-repository",
        ),
        (
            RegistryRequest {
                sku: Some(Sku::Basic),
                cmk: true,
                ..Default::default()
            },
            "--cmk",
        ),
    ];
    for (req, option) in cases {
        match render_registry(&req, TemplateFormat::Bicep) {
            Err(NewError::Option(e)) => {
                assert_eq!(e.option, option, "{req:?}: {e}");
                assert!(e.to_string().starts_with(option));
            }
            other => panic!("{req:?}: expected an error for {option}, got {other:?}"),
        }
    }
}

#[test]
fn regions_and_guids_are_normalised() {
    assert_eq!(
        options::normalize_region("West Europe").as_deref(),
        Some("westeurope")
    );
    assert_eq!(
        options::normalize_region("eastus2").as_deref(),
        Some("eastus2")
    );
    assert_eq!(options::normalize_region("us"), None);
    assert_eq!(options::normalize_region("east_us"), None);
    assert_eq!(
        options::normalize_guid("7F951DDA-4ED3-4680-A7CA-43FE172D538D").as_deref(),
        Some(roles::ACR_PULL.id)
    );
    assert!(options::valid_workspace_id(
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/logs"
    ));
    assert!(options::valid_registry_name("abcde"));
    assert!(!options::valid_registry_name(&"a".repeat(51)));
}

#[test]
fn resource_ids_need_their_exact_shape() {
    let sub = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/net/providers";
    let subnet = format!("{sub}/Microsoft.Network/virtualNetworks/hub/subnets/pe");
    assert!(options::valid_subnet_id(&subnet));
    assert!(options::valid_subnet_id(&subnet.to_ascii_lowercase()));
    for bad in [
        format!("{sub}/Microsoft.Network/virtualNetworks/hub"),
        format!("{sub}/Microsoft.Network/virtualNetworks/hub/subnets/pe/extra"),
        format!("{sub}/Microsoft.Network/networkSecurityGroups/hub/subnets/pe"),
        format!("{sub}/Microsoft.Compute/virtualNetworks/hub/subnets/pe"),
        format!("{sub}/Microsoft.Network/virtualNetworks/hub/subnets/"),
        subnet.replace("00000000-0000", "not-a-guid"),
    ] {
        assert!(!options::valid_subnet_id(&bad), "{bad}");
    }
    assert!(!options::valid_workspace_id(&subnet));
    assert!(!options::valid_workspace_id(&format!(
        "{sub}/Microsoft.OperationalInsights/workspaces"
    )));
}

#[test]
fn params_need_values_for_parameters_without_default() {
    let mut req = request();
    req.private_endpoint = true;
    let e = render_params(&req, TemplateFormat::Arm, "").unwrap_err();
    assert!(
        matches!(e, NewError::Option(ref o) if o.option == "--subnet-id"),
        "{e}"
    );
    req.subnet_id = Some(
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/hub/subnets/pe"
            .into(),
    );
    let text = render_params(&req, TemplateFormat::Arm, "").unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        v["parameters"]["privateEndpointSubnetId"]["value"],
        serde_json::json!(req.subnet_id.clone().unwrap())
    );
    assert_eq!(v["parameters"]["registryName"]["value"], "contosoregistry");
    assert_eq!(v["parameters"]["location"]["value"], "westeurope");
}

#[test]
fn hostile_tag_values_stay_literal_in_both_formats() {
    let mut req = request();
    req.tags = vec![
        r#"owner=x", "adminUserEnabled": true"#.into(),
        "note='${x}'".into(),
        "expr=[parameters('x')]".into(),
    ];
    let arm = render_registry(&req, TemplateFormat::Arm).unwrap();
    let v: serde_json::Value = serde_json::from_str(&arm).unwrap();
    let tags = &v["parameters"]["tags"]["defaultValue"];
    assert_eq!(tags["owner"], r#"x", "adminUserEnabled": true"#);
    assert_eq!(tags["note"], "'${x}'");
    // ARM reads `[[` as an escaped `[`.
    assert_eq!(tags["expr"], "[[parameters('x')]");
    let bicep = render_registry(&req, TemplateFormat::Bicep).unwrap();
    assert!(
        bicep.contains(r#"owner: 'x", "adminUserEnabled": true'"#),
        "{bicep}"
    );
    assert!(bicep.contains(r"note: '\'\${x}\''"), "{bicep}");
}

#[test]
fn premium_features_are_absent_on_basic() {
    let mut req = request();
    req.sku = Some(Sku::Basic);
    let arm = render_registry(&req, TemplateFormat::Arm).unwrap();
    let v: serde_json::Value = serde_json::from_str(&arm).unwrap();
    let props = &v["resources"][0]["properties"];
    assert_eq!(v["resources"][0]["sku"]["name"], "Basic");
    assert_eq!(props["publicNetworkAccess"], "Enabled");
    assert!(props.get("networkRuleSet").is_none());
    assert!(props["policies"].get("exportPolicy").is_none());
    assert!(props["policies"].get("retentionPolicy").is_none());
    assert_eq!(props["adminUserEnabled"], false);
}

#[test]
fn the_abac_mode_is_the_default_and_grants_the_repository_roles() {
    let mut req = request();
    req.pull_principals = vec![PRINCIPAL.into()];
    req.push_principals = vec![PRINCIPAL.into()];
    let arm = render_registry(&req, TemplateFormat::Arm).unwrap();
    let v: serde_json::Value = serde_json::from_str(&arm).unwrap();
    assert_eq!(
        v["resources"][0]["properties"]["roleAssignmentMode"],
        "AbacRepositoryPermissions"
    );
    assert!(arm.contains(roles::REPOSITORY_READER.id) && arm.contains(roles::REPOSITORY_WRITER.id));
    assert!(!arm.contains(roles::ACR_PULL.id) && !arm.contains(roles::ACR_PUSH.id));
    req.role_assignment_mode = Some(RoleAssignmentMode::Rbac);
    let arm = render_registry(&req, TemplateFormat::Arm).unwrap();
    let v: serde_json::Value = serde_json::from_str(&arm).unwrap();
    assert_eq!(
        v["resources"][0]["properties"]["roleAssignmentMode"],
        "LegacyRegistryPermissions"
    );
    assert!(arm.contains(roles::ACR_PULL.id) && arm.contains(roles::ACR_PUSH.id));
    assert!(!arm.contains(roles::REPOSITORY_READER.id));
}

#[test]
fn repository_patterns_become_one_abac_condition() {
    let patterns = vec!["backend/*".to_string(), "nginx".into(), "nginx".into()];
    let c = options::tests_repository_condition(&patterns).unwrap();
    assert_eq!(
        c,
        "((!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/read'}) AND !(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/metadata/read'})) OR (@Request[Microsoft.ContainerRegistry/registries/repositories:name] StringStartsWithIgnoreCase 'backend/' OR @Request[Microsoft.ContainerRegistry/registries/repositories:name] StringEqualsIgnoreCase 'nginx'))"
    );
    let mut req = request();
    req.pull_principals = vec![PRINCIPAL.into()];
    req.pull_repositories = patterns;
    for format in [TemplateFormat::Arm, TemplateFormat::Bicep] {
        let text = render_registry(&req, format).unwrap();
        assert!(text.contains("conditionVersion"), "{text}");
        assert!(text.contains("StringStartsWithIgnoreCase"), "{text}");
    }
}

#[test]
fn the_suppression_table_parses_and_names_known_choices_and_lines() {
    let table: super::SuppressionTable =
        serde_json::from_str(include_str!("../../templates/registry.suppressions.json")).unwrap();
    assert!(table.suppressions.len() >= 10);
    for e in &table.suppressions {
        assert!(
            [
                "no-private-endpoint",
                "public-premium",
                "not-premium",
                "no-cmk",
                "premium-no-quarantine"
            ]
            .contains(&e.when.as_str()),
            "{}",
            e.when
        );
        assert!(
            ["name", "sku", "properties", "public_access", "policies"].contains(&e.bicep.as_str()),
            "{}",
            e.bicep
        );
        assert!(e.rule.starts_with("ACR") && e.reason.len() > 10);
    }
}
