//! What a resource's apiVersion and SKU allow a fix to write.
//!
//! `first_version`: the REST API versions (Microsoft.ContainerRegistry) from which a
//! property a fix may add exists, stable and preview. From the REST spec history
//! (`specification/containerregistry/resource-manager`); the latest stable
//! (2025-11-01, in the shared reference data) has them all, which the corpus tests
//! check. A fix that would add a property the resource's apiVersion does not have
//! is refused: Azure rejects or silently drops it.

use super::spec::SetProperty;

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
}
