use super::*;
#[cfg(feature = "corpus")]
use serde_json::Value;

fn path(field: &str) -> (Option<String>, String) {
    match resolve(field) {
        Ok(Field::Path {
            resource_type,
            segments,
            ..
        }) => (resource_type, path_string(&segments)),
        other => panic!("{field}: expected a path, got {other:?}"),
    }
}

#[test]
fn embedded_table_has_no_malformed_lines() {
    let (t, problems) = parse_table(TABLE_TEXT);
    assert_eq!(problems, Vec::<String>::new());
    assert!(t.entries.len() > 500, "only {} aliases", t.entries.len());
}

#[test]
fn table_parser_reports_bad_lines_instead_of_failing() {
    let text = "orphan\tproperties.x\n[T/x]\nno-tab-here\nok\tproperties.ok\nbad\tproperties.[x]\nok\tproperties.dup\n[unterminated\n";
    let (t, problems) = parse_table(text);
    assert_eq!(t.entries.len(), 1);
    assert_eq!(problems.len(), 5, "{problems:?}");
    assert!(problems[0].contains("before any [type] header"));
    assert!(problems[1].contains("alias<TAB>path"));
    assert!(problems[3].contains("duplicate alias `T/x/ok`"));
}

#[test]
fn generic_fields() {
    assert_eq!(resolve("type"), Ok(Field::Type));
    assert_eq!(resolve("Type"), Ok(Field::Type));
    assert_eq!(resolve("name"), Ok(Field::Name));
    assert_eq!(resolve("fullName"), Ok(Field::FullName));
    assert_eq!(resolve("kind"), Ok(Field::Kind));
    assert_eq!(resolve("LOCATION"), Ok(Field::Location));
    assert_eq!(resolve("id"), Ok(Field::Id));
    assert_eq!(resolve("tags"), Ok(Field::Tags));
    assert_eq!(
        resolve("tags['Acct.CostCenter']"),
        Ok(Field::Tag("Acct.CostCenter".into()))
    );
    assert_eq!(
        resolve("tags['''My.Tag''']"),
        Ok(Field::Tag("'My.Tag'".into()))
    );
    assert_eq!(
        resolve("tags[tag.with.dots]"),
        Ok(Field::Tag("tag.with.dots".into()))
    );
    assert_eq!(resolve("tags.env"), Ok(Field::Tag("env".into())));
    assert_eq!(resolve("Tags.env"), Ok(Field::Tag("env".into())));
    assert_eq!(path("identity.type"), (None, "identity.type".into()));
    assert_eq!(
        path("identity.userAssignedIdentities"),
        (None, "identity.userAssignedIdentities".into())
    );
    assert_eq!(path("sku.name"), (None, "sku.name".into()));
    assert_eq!(path("SKU.Tier"), (None, "sku.tier".into()));
}

#[test]
fn registry_aliases_map_into_properties() {
    let reg = Some("Microsoft.ContainerRegistry/registries".to_string());
    assert_eq!(
        path("Microsoft.ContainerRegistry/registries/adminUserEnabled"),
        (reg.clone(), "properties.adminUserEnabled".into())
    );
    // Case-insensitive, as Azure.
    assert_eq!(
        path("microsoft.containerregistry/REGISTRIES/AdminUserEnabled"),
        (reg.clone(), "properties.adminUserEnabled".into())
    );
    assert_eq!(
        path("Microsoft.ContainerRegistry/registries/sku.name"),
        (reg.clone(), "sku.name".into())
    );
    assert_eq!(
        path("Microsoft.ContainerRegistry/registries/networkRuleSet.ipRules[*].action"),
        (
            reg.clone(),
            "properties.networkRuleSet.ipRules[*].action".into()
        )
    );
    assert_eq!(
        path("Microsoft.ContainerRegistry/registries/policies.azureADAuthenticationAsArmPolicy.status"),
        (
            reg.clone(),
            "properties.policies.azureADAuthenticationAsArmPolicy.status".into()
        )
    );
    // The `properties` wrapper of array members is flattened in the alias name.
    assert_eq!(
        path("Microsoft.ContainerRegistry/registries/privateEndpointConnections[*].privateLinkServiceConnectionState.status"),
        (
            reg,
            "properties.privateEndpointConnections[*].properties.privateLinkServiceConnectionState.status".into()
        )
    );
    assert_eq!(
        path("Microsoft.ContainerRegistry/registries/tokens/status"),
        (
            Some("Microsoft.ContainerRegistry/registries/tokens".into()),
            "properties.status".into()
        )
    );
    assert_eq!(
        path("Microsoft.Network/privateEndpoints/privateLinkServiceConnections[*].groupIds[*]"),
        (
            Some("Microsoft.Network/privateEndpoints".into()),
            "properties.privateLinkServiceConnections[*].properties.groupIds[*]".into()
        )
    );
}

#[test]
fn child_resource_aliases_exist() {
    for alias in [
        "Microsoft.ContainerRegistry/registries/replications/regionEndpointEnabled",
        "Microsoft.ContainerRegistry/registries/replications/zoneRedundancy",
        "Microsoft.ContainerRegistry/registries/webhooks/serviceUri",
        "Microsoft.ContainerRegistry/registries/webhooks/actions[*]",
        "Microsoft.ContainerRegistry/registries/webhooks/customHeaders",
        "Microsoft.ContainerRegistry/registries/scopeMaps/actions[*]",
        "Microsoft.ContainerRegistry/registries/tokens/scopeMapId",
        "Microsoft.ContainerRegistry/registries/tokens/credentials.passwords[*].expiry",
        "Microsoft.ContainerRegistry/registries/cacheRules/sourceRepository",
        "Microsoft.ContainerRegistry/registries/cacheRules/credentialSetResourceId",
        "Microsoft.ContainerRegistry/registries/credentialSets/authCredentials[*].passwordSecretIdentifier",
        "Microsoft.ContainerRegistry/registries/credentialSets/identity.type",
        "Microsoft.ContainerRegistry/registries/connectedRegistries/mode",
        "Microsoft.ContainerRegistry/registries/connectedRegistries/parent.syncProperties.tokenId",
        "Microsoft.ContainerRegistry/registries/tasks/trigger.sourceTriggers[*].sourceRepository.sourceControlType",
        "Microsoft.ContainerRegistry/registries/tasks/step.imageNames[*]",
        "Microsoft.ContainerRegistry/registries/taskRuns/runRequest.type",
        "Microsoft.ContainerRegistry/registries/agentPools/count",
        "Microsoft.ContainerRegistry/registries/policies.retentionPolicy.days",
        "Microsoft.ContainerRegistry/registries/policies.trustPolicy.status",
        "Microsoft.ContainerRegistry/registries/policies.quarantinePolicy.status",
        "Microsoft.ContainerRegistry/registries/dataEndpointEnabled",
        "Microsoft.ContainerRegistry/registries/encryption.keyVaultProperties.keyIdentifier",
        "Microsoft.ContainerRegistry/registries/identity.userAssignedIdentities",
    ] {
        assert!(lookup(alias).is_some(), "missing alias {alias}");
    }
}

/// Every property of the ACR resources in the REST spec (followed through `$ref`,
/// `allOf` and arrays, `x-ms-client-flatten` wrappers flattened) has an alias.
#[cfg(feature = "corpus")]
#[test]
fn every_rest_spec_property_has_an_alias() {
    let text = std::fs::read_to_string(crate::test_support::shared(
        "reference/azure-rest-api-specs/specification/containerregistry/resource-manager/Microsoft.ContainerRegistry/Registry/stable/2025-11-01/containerregistry.json",
    ))
    .expect("REST spec readable");
    let spec: Value = serde_json::from_str(&text).expect("REST spec is JSON");
    let defs = spec["definitions"].as_object().expect("definitions");
    let roots = [
        ("RegistryProperties", "registries"),
        ("ReplicationProperties", "registries/replications"),
        ("WebhookPropertiesCreateParameters", "registries/webhooks"),
        ("ScopeMapProperties", "registries/scopeMaps"),
        ("TokenProperties", "registries/tokens"),
        ("CacheRuleProperties", "registries/cacheRules"),
        ("CredentialSetProperties", "registries/credentialSets"),
        (
            "ConnectedRegistryProperties",
            "registries/connectedRegistries",
        ),
        (
            "PrivateEndpointConnectionProperties",
            "registries/privateEndpointConnections",
        ),
    ];
    let mut checked = 0;
    let mut missing = Vec::new();
    for (def, ty) in roots {
        let mut found = Vec::new();
        spec_paths(defs, &defs[def], "", 0, &mut found);
        assert!(!found.is_empty(), "{def} has no properties");
        for p in found {
            checked += 1;
            let alias = format!("Microsoft.ContainerRegistry/{ty}/{p}");
            if lookup(&alias).is_none() {
                missing.push(alias);
            }
        }
    }
    assert!(checked > 150, "only {checked} properties walked");
    assert_eq!(missing, Vec::<String>::new());
}

#[cfg(feature = "corpus")]
fn spec_paths(
    defs: &serde_json::Map<String, Value>,
    schema: &Value,
    prefix: &str,
    depth: usize,
    out: &mut Vec<String>,
) {
    if depth > 8 {
        return;
    }
    let resolve_ref = |s: &Value| -> Value {
        match s.get("$ref").and_then(Value::as_str) {
            Some(r) => defs
                .get(r.trim_start_matches("#/definitions/"))
                .cloned()
                .unwrap_or(Value::Null),
            None => s.clone(),
        }
    };
    let schema = resolve_ref(schema);
    if let Some(parents) = schema.get("allOf").and_then(Value::as_array) {
        for p in parents {
            spec_paths(defs, p, prefix, depth + 1, out);
        }
    }
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    for (name, sub) in props {
        let flatten = sub.get("x-ms-client-flatten").and_then(Value::as_bool) == Some(true);
        if flatten && name == "properties" {
            spec_paths(defs, sub, prefix, depth + 1, out);
            continue;
        }
        let here = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        out.push(here.clone());
        let sub = resolve_ref(sub);
        if sub.get("type").and_then(Value::as_str) == Some("array") {
            let item_path = format!("{here}[*]");
            out.push(item_path.clone());
            spec_paths(defs, &sub["items"], &item_path, depth + 1, out);
        } else if sub.get("additionalProperties").is_none() {
            spec_paths(defs, &sub, &here, depth + 1, out);
        }
    }
}

#[test]
fn unknown_alias_is_an_error_not_a_missing_property() {
    assert_eq!(
        resolve("Microsoft.ContainerRegistry/registries/adminUserEnable"),
        Err(AliasError::Unknown {
            alias: "Microsoft.ContainerRegistry/registries/adminUserEnable".into()
        })
    );
    assert!(matches!(
        resolve("properties.adminUserEnabled"),
        Err(AliasError::Unknown { .. })
    ));
    assert!(matches!(
        resolve("Microsoft.Storage/storageAccounts/minimumTlsVersion"),
        Err(AliasError::Unknown { .. })
    ));
    let msg = resolve("Microsoft.X/y/z")
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert_eq!(msg, "unknown Azure Policy alias `Microsoft.X/y/z`");
    assert_eq!(
        alias_resource_type("Microsoft.Storage/storageAccounts/minimumTlsVersion"),
        Some("Microsoft.Storage/storageAccounts")
    );
    assert_eq!(alias_resource_type("properties.x"), None);
}

#[test]
fn json_paths() {
    assert_eq!(
        path("$.properties.adminUserEnabled"),
        (None, "properties.adminUserEnabled".into())
    );
    assert_eq!(
        path("$.properties.networkRuleSet.ipRules[*].action"),
        (None, "properties.networkRuleSet.ipRules[*].action".into())
    );
    assert_eq!(path("$['sku']['name']"), (None, "sku.name".into()));
    assert_eq!(
        path("$.properties.ipRules[0].value"),
        (None, "properties.ipRules[0].value".into())
    );
    assert!(resolve("$.properties.ipRules[*]").is_ok_and(|f| f.is_collection()));
    assert!(!resolve("$.properties.adminUserEnabled").is_ok_and(|f| f.is_collection()));
    assert_eq!(
        resolve("$..action"),
        Ok(Field::JsonPath("$..action".into()))
    );
    assert_eq!(
        resolve("$.properties.ipRules[?@.action == 'Deny']"),
        Ok(Field::JsonPath(
            "$.properties.ipRules[?@.action == 'Deny']".into()
        ))
    );
    assert_eq!(resolve("$.a[-1]"), Ok(Field::JsonPath("$.a[-1]".into())));
    assert!(matches!(
        resolve("$.properties.["),
        Err(AliasError::InvalidJsonPath { .. })
    ));
}

#[test]
fn tracked_types_for_indexed_mode() {
    assert_eq!(
        is_tracked_type("Microsoft.ContainerRegistry/registries"),
        Some(true)
    );
    assert_eq!(
        is_tracked_type("microsoft.containerregistry/registries/replications"),
        Some(true)
    );
    assert_eq!(
        is_tracked_type("Microsoft.ContainerRegistry/registries/webhooks"),
        Some(true)
    );
    assert_eq!(
        is_tracked_type("Microsoft.ContainerRegistry/registries/tokens"),
        Some(false)
    );
    assert_eq!(
        is_tracked_type("Microsoft.ContainerRegistry/registries/cacheRules"),
        Some(false)
    );
    assert_eq!(
        is_tracked_type("Microsoft.ContainerRegistry/registries/scopeMaps"),
        Some(false)
    );
    assert_eq!(is_tracked_type("Microsoft.Web/sites"), None);
}

#[test]
fn path_parsing() {
    assert_eq!(
        parse_path("properties.a[*].b"),
        Ok(vec![
            Segment::Key("properties".into()),
            Segment::Key("a".into()),
            Segment::Wildcard,
            Segment::Key("b".into())
        ])
    );
    assert!(parse_path("properties..a").is_err());
    assert!(parse_path("a[0]").is_err());
}
