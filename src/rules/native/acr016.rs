//! ACR016: features that only the Premium SKU has, declared on a Basic or Standard
//! registry, make the deployment fail. See
//! <https://learn.microsoft.com/azure/container-registry/container-registry-skus>:
//! geo-replication, network rules (IP and virtual network), private endpoints, content
//! trust, quarantine and retention policies, zone redundancy, dedicated data
//! endpoints, the export policy, customer-managed keys, dedicated agent pools and
//! connected registries.

use super::emit::{at_path, doubts_suffix, related_at};
use super::name_text;
use super::resolve::{
    deployed, private_links, registries, registry_of_child, sku_of, Deployed, Link, Sku,
};
use super::RuleInput;
use super::registry::{NativeRule, Reads};
use crate::arm::expand::ExpandedResource;
use crate::arm::value::Value;
use crate::rules::finding::{Finding, Status};

/// Whether a feature is used.
#[derive(Clone, Debug, PartialEq)]
enum Used {
    Yes,
    No,
    Maybe(String),
}

/// A Premium-only setting of the registry itself.
struct Setting {
    path: &'static [&'static str],
    what: &'static str,
    used: fn(&Value) -> bool,
}

fn eq_ci(v: &Value, s: &str) -> bool {
    v.as_str().is_some_and(|x| x.eq_ignore_ascii_case(s))
}

const SETTINGS: &[Setting] = &[
    Setting {
        path: &["properties", "zoneRedundancy"],
        what: "zone redundancy",
        used: |v| eq_ci(v, "Enabled"),
    },
    Setting {
        path: &["properties", "dataEndpointEnabled"],
        what: "dedicated data endpoints",
        used: |v| matches!(v, Value::Bool(true)),
    },
    Setting {
        path: &["properties", "policies", "trustPolicy", "status"],
        what: "content trust (trustPolicy)",
        used: |v| eq_ci(v, "enabled"),
    },
    Setting {
        path: &["properties", "policies", "quarantinePolicy", "status"],
        what: "the quarantine policy",
        used: |v| eq_ci(v, "enabled"),
    },
    Setting {
        path: &["properties", "policies", "retentionPolicy", "status"],
        what: "the retention policy",
        used: |v| eq_ci(v, "enabled"),
    },
    Setting {
        path: &["properties", "policies", "exportPolicy", "status"],
        what: "a disabled export policy",
        used: |v| eq_ci(v, "disabled"),
    },
    Setting {
        path: &["properties", "encryption", "status"],
        what: "customer-managed key encryption",
        used: |v| eq_ci(v, "enabled"),
    },
    Setting {
        path: &["properties", "networkRuleSet", "defaultAction"],
        what: "network rules (networkRuleSet.defaultAction Deny)",
        used: |v| eq_ci(v, "Deny"),
    },
    Setting {
        path: &["properties", "networkRuleSet", "ipRules"],
        what: "IP network rules",
        used: |v| v.as_array().is_some_and(|a| !a.is_empty()),
    },
    Setting {
        path: &["properties", "networkRuleSet", "virtualNetworkRules"],
        what: "virtual network rules",
        used: |v| v.as_array().is_some_and(|a| !a.is_empty()),
    },
];

/// Child resource types that only a Premium registry can have: type, feature, noun.
const CHILDREN: &[(&str, &str, &str)] = &[
    (
        "Microsoft.ContainerRegistry/registries/replications",
        "geo-replication",
        "replication",
    ),
    (
        "Microsoft.ContainerRegistry/registries/agentPools",
        "a dedicated agent pool",
        "agent pool",
    ),
    (
        "Microsoft.ContainerRegistry/registries/connectedRegistries",
        "a connected registry",
        "connected registry",
    ),
];

fn value_at<'v>(body: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(body, |v, k| v.get(k))
}

/// Whether a setting's value uses the feature; unknown values and parameters whose
/// allowed values include a using one are `Maybe`.
fn setting_used(v: Option<&Value>, used: fn(&Value) -> bool, label: &str) -> Used {
    match v {
        None | Some(Value::Null) => Used::No,
        Some(Value::Unknown(_)) => Used::Maybe(format!("{label} is only known at deployment")),
        Some(Value::Candidates(c)) => {
            let hits: Vec<String> = c
                .values
                .iter()
                .filter(|x| used(x))
                .map(|x| x.to_string())
                .collect();
            if hits.is_empty() {
                Used::No
            } else if hits.len() == c.values.len() {
                Used::Yes
            } else {
                Used::Maybe(format!("when {} is {}", c.origin(), hits.join(" or ")))
            }
        }
        Some(x) if used(x) => Used::Yes,
        Some(Value::Array(items)) if items.iter().any(Value::contains_unknown) => {
            Used::Maybe(format!("{label} is only known at deployment"))
        }
        Some(_) => Used::No,
    }
}

/// Whether the registry's SKU lacks Premium features: `None` when it is Premium (or
/// anything but Basic/Standard), else the SKU text and the doubts.
fn non_premium(reg: &ExpandedResource) -> Option<(String, Option<String>)> {
    let basic_or_standard =
        |s: &str| s.eq_ignore_ascii_case("Basic") || s.eq_ignore_ascii_case("Standard");
    match sku_of(reg) {
        Sku::Known(s) if basic_or_standard(&s) => Some((s, None)),
        Sku::Known(_) | Sku::Omitted => None,
        Sku::Candidates { values, parameter } => {
            let low: Vec<&String> = values.iter().filter(|v| basic_or_standard(v)).collect();
            if low.is_empty() {
                return None;
            }
            let list = low
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" or ");
            if low.len() == values.len() {
                Some((list, None))
            } else {
                Some((
                    list.clone(),
                    Some(format!("when parameter `{parameter}` is {list}")),
                ))
            }
        }
        Sku::Unknown(_) => Some((
            "of a SKU known only at deployment".to_string(),
            Some("the SKU is only known at deployment".into()),
        )),
    }
}

/// Reads registries, their children and the private endpoints that target them.
pub(super) const RULE: NativeRule = NativeRule {
    check,
    reads: Reads {
        registry_companions: &[super::resolve::PRIVATE_ENDPOINT],
        ..Reads::REGISTRIES
    },
};

pub fn check(input: &RuleInput) -> Vec<Finding> {
    let exp = input.expansion;
    let mut out = Vec::new();
    // Each child's registry, found once (not once per registry).
    let mut children: std::collections::HashMap<usize, Vec<(usize, &str, &str)>> =
        Default::default();
    for (t, what, noun) in CHILDREN {
        for (j, _) in exp.resources_of_type(t) {
            if let Some(reg) = registry_of_child(exp, j) {
                children.entry(reg).or_default().push((j, what, noun));
            }
        }
    }
    for list in children.values_mut() {
        list.sort_unstable_by_key(|(j, _, _)| *j);
    }
    for (i, reg) in registries(exp) {
        let mut base_doubts = Vec::new();
        match deployed(exp, reg) {
            Deployed::No => continue,
            Deployed::Maybe(why) => base_doubts.push(format!("the registry's {why}")),
            Deployed::Yes => {}
        }
        let Some((sku, sku_doubt)) = non_premium(reg) else {
            continue;
        };
        base_doubts.extend(sku_doubt);
        let reg_name = name_text(&reg.name);
        let sku_related = || {
            related_at(
                input,
                reg,
                &["sku", "name"],
                format!("registry {reg_name} has SKU {sku}"),
            )
        };
        let emit = |r: &ExpandedResource,
                    path: &[&str],
                    what: &str,
                    mut doubts: Vec<String>,
                    out: &mut Vec<Finding>| {
            doubts.splice(0..0, base_doubts.iter().cloned());
            let status = if doubts.is_empty() {
                Status::Fail
            } else {
                Status::Possible
            };
            let message = format!(
                "registry {reg_name} is {sku} but uses {what}, which only the Premium SKU has: the deployment fails{}",
                doubts_suffix(&doubts)
            );
            out.push(at_path(
                input,
                r,
                path,
                status,
                message,
                vec![sku_related()],
            ));
        };
        for s in SETTINGS {
            let label = s.path[1..].join(".");
            match setting_used(value_at(&reg.body, s.path), s.used, &label) {
                Used::No => {}
                Used::Yes => emit(reg, s.path, s.what, Vec::new(), &mut out),
                Used::Maybe(why) => emit(reg, s.path, s.what, vec![why], &mut out),
            }
        }
        for &(j, what, noun) in children.get(&i).map_or(&[][..], Vec::as_slice) {
            let child = &exp.resources[j];
            let doubts = match deployed(exp, child) {
                Deployed::No => continue,
                Deployed::Maybe(why) => vec![format!("the {noun}'s {why}")],
                Deployed::Yes => Vec::new(),
            };
            emit(child, &["type"], what, doubts, &mut out);
        }
        for link in private_links(exp, i) {
            let Some(pe) = exp.resources.get(link.resource) else {
                continue;
            };
            let doubts = match link.link {
                Link::Certain => Vec::new(),
                Link::Maybe(why) => vec![why],
            };
            emit(pe, &["type"], "a private endpoint", doubts, &mut out);
        }
    }
    out
}
