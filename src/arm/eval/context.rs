//! The deployment context: what `resourceGroup()`, `subscription()` and friends
//! return. Whatever the user did not set stays unknown; no region is ever invented.

use crate::arm::value::{Context, Map, Str, Term, Value};

#[derive(Clone, Debug, Default)]
pub struct DeploymentContext {
    pub location: Option<String>,
    pub resource_group: Option<String>,
    pub subscription_id: Option<String>,
    pub tenant_id: Option<String>,
    pub deployment_name: Option<String>,
    pub management_group: Option<String>,
}

/// The scope a template is deployed at, from its `$schema`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ScopeKind {
    #[default]
    ResourceGroup,
    Subscription,
    ManagementGroup,
    Tenant,
}

impl ScopeKind {
    pub fn from_schema(schema: &str) -> ScopeKind {
        let s = schema.to_ascii_lowercase();
        if s.contains("subscriptiondeploymenttemplate") {
            ScopeKind::Subscription
        } else if s.contains("managementgroupdeploymenttemplate") {
            ScopeKind::ManagementGroup
        } else if s.contains("tenantdeploymenttemplate") {
            ScopeKind::Tenant
        } else {
            ScopeKind::ResourceGroup
        }
    }
}

fn known_or(v: &Option<String>, term: Term, why: &str) -> Value {
    match v {
        Some(s) => Value::str(s),
        None => Value::unknown_term(why, term),
    }
}

impl DeploymentContext {
    pub fn subscription_id_value(&self) -> Value {
        known_or(
            &self.subscription_id,
            Term::context(Context::Subscription, &["subscriptionId"]),
            "subscription id is not set (use --subscription-id)",
        )
    }

    pub fn resource_group_name_value(&self) -> Value {
        known_or(
            &self.resource_group,
            Term::context(Context::ResourceGroup, &["name"]),
            "resource group name is not set (use --resource-group)",
        )
    }

    /// Normalised as Azure returns it: `North Europe` is `northeurope`.
    pub fn location_value(&self) -> Value {
        known_or(
            &self
                .location
                .as_deref()
                .map(super::regions::normalize_location),
            Term::context(Context::ResourceGroup, &["location"]),
            "resource group location is not set (use --location)",
        )
    }

    pub fn resource_group_id(&self) -> Value {
        match (&self.subscription_id, &self.resource_group) {
            (Some(s), Some(g)) => Value::string(format!("/subscriptions/{s}/resourceGroups/{g}")),
            _ => Value::unknown_term(
                "resource group id needs --subscription-id and --resource-group",
                Term::context(Context::ResourceGroup, &["id"]),
            ),
        }
    }

    pub fn resource_group(&self) -> Value {
        let mut m = Map::new();
        m.insert(Str::from("id"), self.resource_group_id());
        m.insert(Str::from("name"), self.resource_group_name_value());
        m.insert(
            Str::from("type"),
            Value::str("Microsoft.Resources/resourceGroups"),
        );
        m.insert(Str::from("location"), self.location_value());
        m.insert(
            Str::from("managedBy"),
            Value::unknown_term(
                "resource group managedBy is known only at deployment",
                Term::context(Context::ResourceGroup, &["managedBy"]),
            ),
        );
        m.insert(
            Str::from("tags"),
            Value::unknown_term(
                "resource group tags are known only at deployment",
                Term::context(Context::ResourceGroup, &["tags"]),
            ),
        );
        let mut props = Map::new();
        props.insert(Str::from("provisioningState"), Value::str("Succeeded"));
        m.insert(Str::from("properties"), Value::object(props));
        Value::object(m)
    }

    pub fn subscription(&self) -> Value {
        let mut m = Map::new();
        m.insert(
            Str::from("id"),
            match &self.subscription_id {
                Some(s) => Value::string(format!("/subscriptions/{s}")),
                None => Value::unknown_term(
                    "subscription id is not set (use --subscription-id)",
                    Term::context(Context::Subscription, &["id"]),
                ),
            },
        );
        m.insert(Str::from("subscriptionId"), self.subscription_id_value());
        m.insert(Str::from("tenantId"), self.tenant_id_value());
        m.insert(
            Str::from("displayName"),
            Value::unknown_term(
                "subscription display name is known only at deployment",
                Term::context(Context::Subscription, &["displayName"]),
            ),
        );
        Value::object(m)
    }

    pub fn tenant_id_value(&self) -> Value {
        known_or(
            &self.tenant_id,
            Term::context(Context::Tenant, &["tenantId"]),
            "tenant id is not set",
        )
    }

    pub fn tenant(&self) -> Value {
        let mut m = Map::new();
        m.insert(Str::from("tenantId"), self.tenant_id_value());
        m.insert(
            Str::from("countryCode"),
            Value::unknown_term(
                "tenant country is known only at deployment",
                Term::context(Context::Tenant, &["countryCode"]),
            ),
        );
        m.insert(
            Str::from("displayName"),
            Value::unknown_term(
                "tenant name is known only at deployment",
                Term::context(Context::Tenant, &["displayName"]),
            ),
        );
        Value::object(m)
    }

    pub fn management_group(&self) -> Value {
        let mut m = Map::new();
        match &self.management_group {
            Some(g) => {
                m.insert(
                    Str::from("id"),
                    Value::string(format!(
                        "/providers/Microsoft.Management/managementGroups/{g}"
                    )),
                );
                m.insert(Str::from("name"), Value::str(g));
            }
            None => {
                m.insert(
                    Str::from("id"),
                    Value::unknown_term(
                        "management group is not set",
                        Term::context(Context::ManagementGroup, &["id"]),
                    ),
                );
                m.insert(
                    Str::from("name"),
                    Value::unknown_term(
                        "management group is not set",
                        Term::context(Context::ManagementGroup, &["name"]),
                    ),
                );
            }
        }
        m.insert(
            Str::from("type"),
            Value::str("Microsoft.Management/managementGroups"),
        );
        m.insert(
            Str::from("properties"),
            Value::unknown_term(
                "management group properties are known only at deployment",
                Term::context(Context::ManagementGroup, &["properties"]),
            ),
        );
        Value::object(m)
    }

    pub fn deployment_name_value(&self) -> Value {
        known_or(
            &self.deployment_name,
            Term::context(Context::Deployment, &["name"]),
            "deployment name is not set",
        )
    }
}
