//! What a resource's apiVersion and SKU allow a fix to write.
//!
//! `first_version`: the REST API versions (Microsoft.ContainerRegistry) from which a
//! property a fix may add exists, stable and preview. From the REST spec history
//! (`specification/containerregistry/resource-manager`); the latest stable
//! (2025-11-01, in the shared reference data) has them all, which the corpus tests
//! check. A fix that would add a property the resource's apiVersion does not have
//! is refused: Azure rejects or silently drops it.
//!
//! `upgrade`: the apiVersion upgrade that lets such a fix apply, its own unsafe fix.
//! The target is the newest stable apiVersion of the type in the reference data (the
//! REST spec and the Bicep types), 2025-11-01 for registries: the one version whose
//! whole schema acrlint carries (`api/registries-2025-11-01.txt`, every property
//! path of the type), so that it can check that every property the resource
//! already writes still exists there. A resource that writes a property the target
//! lacks (the classic `storageAccount`, `networkRuleSet.virtualNetworkRules`, both
//! removed) is not upgraded, and the reason names the property. The target is newer
//! than the first version with the property, never older, so one upgrade serves
//! every fix of the resource.

use super::spec::SetProperty;
use crate::arm::value::Value;

/// Property path (lowercase, under the resource) → (first stable, first preview).
const REGISTRY_PROPERTIES: &[(&str, &str, &str)] = &[
    ("properties.policies", "2019-05-01", "2019-05-01-preview"),
    (
        "properties.policies.quarantinepolicy",
        "2019-05-01",
        "2019-05-01-preview",
    ),
    (
        "properties.policies.trustpolicy",
        "2019-05-01",
        "2019-05-01-preview",
    ),
    (
        "properties.policies.retentionpolicy",
        "2019-05-01",
        "2019-05-01-preview",
    ),
    (
        "properties.policies.exportpolicy",
        "2021-09-01",
        "2019-12-01-preview",
    ),
    (
        "properties.publicnetworkaccess",
        "2021-09-01",
        "2019-12-01-preview",
    ),
    (
        "properties.zoneredundancy",
        "2021-09-01",
        "2020-11-01-preview",
    ),
    (
        "properties.policies.azureadauthenticationasarmpolicy",
        "2022-12-01",
        "2021-08-01-preview",
    ),
    (
        "properties.anonymouspullenabled",
        "2022-12-01",
        "2020-11-01-preview",
    ),
];

const REGISTRIES: &str = "microsoft.containerregistry/registries";

/// Every property path the table knows, for the tests that hold it to the REST spec.
pub fn registry_property_paths() -> impl Iterator<Item = &'static str> {
    REGISTRY_PROPERTIES.iter().map(|(p, _, _)| *p)
}

/// The first stable version of a registry that has the property at `path` (or the
/// objects it is inserted in), for the rule docs; `None` when every version has it.
pub fn first_stable(path: &str) -> Option<&'static str> {
    let full = path.to_ascii_lowercase();
    REGISTRY_PROPERTIES
        .iter()
        .filter(|(p, _, _)| full == *p || full.starts_with(&format!("{p}.")))
        .map(|(_, stable, _)| *stable)
        .max()
}

/// The first version that has the property at `path` (or one of the objects it is
/// inserted in), when `api_version` of a `resource_type` resource is older than it;
/// `None` when the version has it or is not a dated version the table can compare.
pub fn first_version(resource_type: &str, path: &[&str], api_version: &str) -> Option<String> {
    if !resource_type.eq_ignore_ascii_case(REGISTRIES) {
        return None;
    }
    let date = api_version.get(..10)?;
    if !date.bytes().enumerate().all(|(i, b)| {
        if i == 4 || i == 7 {
            b == b'-'
        } else {
            b.is_ascii_digit()
        }
    }) {
        return None;
    }
    let preview = api_version.len() > 10;
    let full = path.join(".").to_ascii_lowercase();
    let mut missing: Option<&str> = None;
    for (p, stable, first_preview) in REGISTRY_PROPERTIES {
        let on_path = full == *p || full.starts_with(&format!("{p}."));
        if !on_path {
            continue;
        }
        let first = if preview { first_preview } else { stable };
        if date < &first[..10] && missing.is_none_or(|m| m < *first) {
            missing = Some(first);
        }
    }
    missing.map(str::to_string)
}

/// The apiVersion a registry is upgraded to (see the module docs).
pub const API_UPGRADE_TARGET: &str = "2025-11-01";

/// Every property path of `registries@API_UPGRADE_TARGET`, one a line (`#` comments).
const API_UPGRADE_TARGET_PATHS: &str = include_str!("api/registries-2025-11-01.txt");

/// The property paths of `registries@API_UPGRADE_TARGET` (`*`: any key of a
/// dictionary, `[]`: an array's items), as the Bicep types spell them.
pub fn api_upgrade_target_paths() -> impl Iterator<Item = &'static str> {
    API_UPGRADE_TARGET_PATHS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Members of a template's resource object that are the template's syntax, not
/// properties of the type.
const TEMPLATE_KEYS: &[&str] = &[
    "type",
    "apiVersion",
    "name",
    "dependsOn",
    "condition",
    "copy",
    "comments",
    "scope",
    "resources",
    "metadata",
    "existing",
    "import",
];

/// The paths of [`api_upgrade_target_paths`], lowercase.
fn target_paths() -> Vec<String> {
    api_upgrade_target_paths()
        .map(str::to_ascii_lowercase)
        .collect()
}

/// The apiVersion a `resource_type` resource whose evaluated body is `body` can be
/// upgraded to, so that it has the properties fixes add; `Err` says why it cannot:
/// no newer schema is known for the type, or the resource writes a property the
/// target version does not have (or writes a computed object there whose members
/// cannot be checked).
pub fn upgrade(resource_type: &str, body: &Value) -> Result<&'static str, String> {
    if !resource_type.eq_ignore_ascii_case(REGISTRIES) {
        return Err(format!(
            "no newer apiVersion of {resource_type} is known to acrlint"
        ));
    }
    let known = target_paths();
    let mut missing = Vec::new();
    if let Some(members) = body.as_object() {
        for (key, value) in members {
            if TEMPLATE_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key)) {
                continue;
            }
            written_paths(value, key, &known, &mut missing);
        }
    }
    match missing.first() {
        None => Ok(API_UPGRADE_TARGET),
        Some((path, None)) => Err(format!(
            "the resource writes {path}, which {resource_type}@{API_UPGRADE_TARGET} does not have"
        )),
        Some((path, Some(why))) => Err(format!(
            "{path} is computed ({why}), so whether {resource_type}@{API_UPGRADE_TARGET} has every property it writes cannot be checked"
        )),
    }
}

/// The first path of `value` (written at `path`) that `known` lacks, into
/// `missing`, with the reason when the value there is computed.
fn written_paths(
    value: &Value,
    path: &str,
    known: &[String],
    missing: &mut Vec<(String, Option<String>)>,
) {
    if !missing.is_empty() {
        return;
    }
    let lower = path.to_ascii_lowercase();
    if !known.contains(&lower) {
        missing.push((path.to_string(), None));
        return;
    }
    match value {
        Value::Unknown(u) => {
            // A computed value: fine where the type is a scalar, a dictionary or an
            // array; an object with named members may write one the target lacks.
            let named = known.iter().any(|k| {
                k.strip_prefix(lower.as_str())
                    .and_then(|rest| rest.strip_prefix('.'))
                    .is_some_and(|rest| !rest.starts_with('*'))
            });
            if named {
                missing.push((path.to_string(), Some(u.why.clone())));
            }
        }
        Value::Candidates(c) => {
            for candidate in &c.values {
                written_paths(candidate, path, known, missing);
            }
        }
        Value::Object(m) => {
            let any = format!("{lower}.*");
            for (key, v) in m.iter() {
                let named = format!("{path}.{key}");
                if known.contains(&named.to_ascii_lowercase()) {
                    written_paths(v, &named, known, missing);
                } else if known.contains(&any) {
                    written_paths(v, &format!("{path}.*"), known, missing);
                } else {
                    missing.push((named, None));
                }
            }
        }
        Value::Array(items) => {
            let item = format!("{path}[]");
            // An array of scalars has no item paths.
            if known.iter().any(|k| k.starts_with(&format!("{lower}[]"))) {
                for v in items.iter() {
                    if let Value::Object(m) = v {
                        for (key, v) in m.iter() {
                            written_paths(v, &format!("{item}.{key}"), known, missing);
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

/// Whether writing `set` can cut a registry off: public network access off, which
/// leaves only private endpoints (Premium) and trusted services.
pub(super) fn cuts_access(set: &SetProperty) -> bool {
    set.path
        .eq_ignore_ascii_case("properties.publicNetworkAccess")
        && set
            .value
            .as_str()
            .is_some_and(|v| v.eq_ignore_ascii_case("disabled"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const REG: &str = "Microsoft.ContainerRegistry/registries";

    #[test]
    fn old_versions_lack_newer_properties() {
        let aad = [
            "properties",
            "policies",
            "azureADAuthenticationAsArmPolicy",
            "status",
        ];
        assert_eq!(
            first_version(REG, &aad, "2021-09-01").as_deref(),
            Some("2022-12-01")
        );
        assert_eq!(first_version(REG, &aad, "2022-12-01"), None);
        assert_eq!(first_version(REG, &aad, "2025-11-01"), None);
        let export = ["properties", "policies", "exportPolicy", "status"];
        assert_eq!(
            first_version(REG, &export, "2019-05-01").as_deref(),
            Some("2021-09-01")
        );
        assert_eq!(
            first_version(REG, &export, "2019-12-01-preview"),
            None,
            "previews have it earlier"
        );
        assert_eq!(
            first_version(REG, &["properties", "adminUserEnabled"], "2017-10-01"),
            None
        );
        assert_eq!(
            first_version("Microsoft.Other/things", &export, "2015-01-01"),
            None
        );
        assert_eq!(first_version(REG, &export, "latest"), None);
    }

    #[test]
    fn first_stable_versions_for_the_docs() {
        assert_eq!(
            first_stable("properties.policies.azureADAuthenticationAsArmPolicy.status"),
            Some("2022-12-01")
        );
        assert_eq!(
            first_stable("properties.policies.exportPolicy.status"),
            Some("2021-09-01")
        );
        assert_eq!(first_stable("properties.adminUserEnabled"), None);
        assert_eq!(first_stable("properties.policiesX"), None);
    }

    #[test]
    fn the_upgrade_target_has_every_property_a_fix_adds() {
        let known = target_paths();
        assert!(known.len() > 50, "{}", known.len());
        for path in registry_property_paths() {
            assert!(known.contains(&path.to_string()), "{path}");
            // And no property is newer than the target.
            assert_eq!(
                first_version(REG, &[path], API_UPGRADE_TARGET),
                None,
                "{path}"
            );
        }
    }

    #[test]
    fn upgrade_checks_every_written_property_against_the_target() {
        use crate::rules::condition::testing::typed;
        // Bodies in JSON, with `{"$unknown": …}`/`{"$candidates": …}` read as typed
        // values (test only).
        let upgrade = |t: &str, body: &serde_json::Value| super::upgrade(t, &typed(body));
        use serde_json::json;
        // A 2019-05-01 registry as the quickstarts write it: upgradable.
        let body = json!({
            "type": "Microsoft.ContainerRegistry/registries",
            "apiVersion": "2019-05-01",
            "name": "acr",
            "location": "westeurope",
            "tags": {"env": "prod", "owner": "me"},
            "sku": {"name": "Premium"},
            "identity": {"type": "UserAssigned", "userAssignedIdentities": {"/subscriptions/x/id": {}}},
            "dependsOn": ["x"],
            "properties": {
                "adminUserEnabled": false,
                "networkRuleSet": {"defaultAction": "Deny", "ipRules": [{"action": "Allow", "value": "1.2.3.4"}]},
                "policies": {"retentionPolicy": {"days": 7, "status": "enabled"}},
                "dataEndpointEnabled": {"$unknown": "parameter"}
            }
        });
        assert_eq!(upgrade(REG, &body), Ok(API_UPGRADE_TARGET));
        // Keys compared as ARM does, without case.
        let upper = json!({"Properties": {"AdminUserEnabled": true}, "SKU": {"Name": "Basic"}});
        assert_eq!(upgrade(REG, &upper), Ok(API_UPGRADE_TARGET));
        // Properties removed since: the classic storage account, virtual network rules.
        let classic =
            json!({"properties": {"adminUserEnabled": true, "storageAccount": {"id": "x"}}});
        let why = upgrade(REG, &classic).unwrap_err();
        assert!(
            why.contains("properties.storageAccount") && why.contains("2025-11-01"),
            "{why}"
        );
        let vnet = json!({"properties": {"networkRuleSet": {"defaultAction": "Deny",
            "virtualNetworkRules": [{"action": "Allow", "id": "subnet"}]}}});
        let why = upgrade(REG, &vnet).unwrap_err();
        assert!(
            why.contains("properties.networkRuleSet.virtualNetworkRules"),
            "{why}"
        );
        // Inside an array's items, and in one of a parameter's candidate values.
        let item = json!({"properties": {"networkRuleSet": {"ipRules": [{"action": "Allow", "value": "1.2.3.4", "ignored": true}]}}});
        let why = upgrade(REG, &item).unwrap_err();
        assert!(why.contains("ipRules[].ignored"), "{why}");
        let candidates = json!({"properties": {"policies": {"$candidates": [
            {"exportPolicy": {"status": "enabled"}}, {"quarantine": {"status": "enabled"}}
        ], "parameter": "p"}}});
        let why = upgrade(REG, &candidates).unwrap_err();
        assert!(why.contains("properties.policies.quarantine"), "{why}");
        // A computed object with named members cannot be checked; a computed
        // dictionary can.
        let computed = json!({"properties": {"networkRuleSet": {"$unknown": "parameter rules"}}});
        let why = upgrade(REG, &computed).unwrap_err();
        assert!(
            why.contains("computed") && why.contains("networkRuleSet"),
            "{why}"
        );
        let tags = json!({"tags": {"$unknown": "parameter tags"}, "properties": {}});
        assert_eq!(upgrade(REG, &tags), Ok(API_UPGRADE_TARGET));
        // Only registries have a known target.
        assert!(upgrade(
            "Microsoft.ContainerRegistry/registries/replications",
            &json!({})
        )
        .unwrap_err()
        .contains("no newer apiVersion"));
    }
}
