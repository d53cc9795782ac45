//! Resource identifiers and resources declared in the template (`resourceId()`,
//! `reference()`, `list*()`).

use std::sync::Arc;

use crate::arm::functions::{invalid, FnError, FnResult};
use crate::arm::value::{Name, ResourceRef, Segment, Str, Term, Unknown, Value};

/// A resource of the current template, as `reference()` sees it.
#[derive(Clone, Debug)]
pub struct DeclaredResource {
    pub symbolic: Option<Str>,
    pub resource_type: Str,
    /// Full name (`acr/westus` for a child) as an identity key, when it has one.
    pub name: Option<Name>,
    /// The evaluated resource body (`properties`, `sku`, …) as declared.
    pub body: Value,
    pub existing: bool,
}

impl DeclaredResource {
    pub fn reference(&self) -> Option<ResourceRef> {
        self.name.as_ref().map(|n| ResourceRef {
            resource_type: self.resource_type.clone(),
            name: n.clone(),
        })
    }

    pub fn matches(&self, r: &ResourceRef) -> bool {
        self.resource_type.eq_ignore_ascii_case(&r.resource_type)
            && self.name.as_ref().is_some_and(|n| *n == r.name)
    }
}

/// How a resource name identifies it: the string itself (split at `/`), or for a
/// deterministic unknown one segment holding it (compared by its term). `None` when
/// it cannot identify anything.
pub fn name_key(v: &Value) -> Option<Name> {
    match v {
        Value::String(s) => Some(Name::text(s)),
        Value::Unknown(u) if u.term.is_some() => Some(Name(vec![Segment::unknown(v)])),
        _ => None,
    }
}

/// Type and full name from a resource id string (`/subscriptions/…/providers/NS/t/n/t2/n2`).
pub fn parse_resource_id(id: &str) -> Option<ResourceRef> {
    let lower = id.to_ascii_lowercase();
    let at = lower.rfind("/providers/")?;
    let rest = &id[at + "/providers/".len()..];
    let parts: Vec<&str> = rest.split('/').filter(|p| !p.is_empty()).collect();
    if parts.len() < 3 || parts.len().is_multiple_of(2) {
        return None;
    }
    let mut ty = parts[0].to_string();
    let mut names = Vec::new();
    for pair in parts[1..].chunks(2) {
        ty.push('/');
        ty.push_str(pair[0]);
        names.push(pair[1]);
    }
    Some(ResourceRef {
        resource_type: Str::from(ty),
        name: Name(names.into_iter().map(Segment::text).collect()),
    })
}

/// Build `/providers/NS/t1/n1/t2/n2` from a type and names.
fn provider_path(ty: &str, names: &[&str]) -> Result<String, FnError> {
    // ARM tolerates a trailing slash on the type (`Microsoft.Network/virtualNetworks/`).
    let segs: Vec<&str> = ty.trim_matches('/').split('/').collect();
    if segs.len() < 2 {
        return Err(invalid(format!(
            "'{ty}' is not a fully qualified resource type"
        )));
    }
    let expected = segs.len() - 1;
    // A single name may carry the whole path (`acr/westus`).
    let names: Vec<&str> = if names.len() == 1 && expected > 1 {
        names[0].split('/').collect()
    } else {
        names.to_vec()
    };
    if names.len() != expected {
        return Err(invalid(format!(
            "resource type '{ty}' needs {expected} name segment(s), got {}",
            names.len()
        )));
    }
    let mut s = format!("/providers/{}", segs[0]);
    for (t, n) in segs[1..].iter().zip(names.iter()) {
        s.push('/');
        s.push_str(t);
        s.push('/');
        s.push_str(n);
    }
    Ok(s)
}

pub enum IdScope {
    ResourceGroup { subscription: Value, group: Value },
    Subscription { subscription: Value },
    ManagementGroup { group: Value },
    Tenant,
    Extension { base: Value },
}

/// Compose a resource id. Unknown scope parts give an unknown that still names the
/// resource (type and name), so `reference()`/`listCredentials()` can find it.
pub fn compose_id(scope: IdScope, ty: &Value, names: &[Value], term: Term) -> FnResult {
    let ty_s = match ty {
        Value::String(s) => s.clone(),
        Value::Unknown(u) => return Err(FnError::Unknown(u.clone())),
        other => {
            return Err(invalid(format!(
                "resource type must be a string, got {}",
                other.type_name()
            )))
        }
    };
    let mut name_strs: Vec<&str> = Vec::with_capacity(names.len());
    for n in names {
        match n {
            Value::String(s) => name_strs.push(s),
            Value::Unknown(u) => {
                // The name is unknown but computed deterministically: the resource is
                // still identified by the name's term, which matches the declared
                // resource whose name has the same term.
                let resource = names
                    .iter()
                    .map(name_key)
                    .collect::<Option<Vec<Name>>>()
                    .map(|parts| {
                        Arc::new(ResourceRef {
                            resource_type: Str::from(ty_s.trim_matches('/')),
                            name: Name(parts.into_iter().flat_map(|n| n.0).collect()),
                        })
                    });
                return Ok(Value::Unknown(Arc::new(Unknown {
                    why: u.why.clone(),
                    term: Some(term),
                    resource,
                    partial: None,
                })));
            }
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => {
                return Err(invalid(format!(
                    "resource name must be a string, got {}",
                    n.type_name()
                )))
            }
            other => {
                return Err(invalid(format!(
                    "resource name must be a string, got {}",
                    other.type_name()
                )))
            }
        }
    }
    let path = provider_path(&ty_s, &name_strs)?;
    let resource = Some(Arc::new(ResourceRef {
        resource_type: Str::from(ty_s.trim_matches('/')),
        name: Name::text(&name_strs.join("/")),
    }));
    let prefix = match &scope {
        IdScope::ResourceGroup {
            subscription,
            group,
        } => match (subscription, group) {
            (Value::String(s), Value::String(g)) => {
                Ok(format!("/subscriptions/{s}/resourceGroups/{g}"))
            }
            (Value::Unknown(u), _) | (_, Value::Unknown(u)) => Err(u.why.clone()),
            _ => Err("resource id scope is not a string".to_string()),
        },
        IdScope::Subscription { subscription } => match subscription {
            Value::String(s) => Ok(format!("/subscriptions/{s}")),
            Value::Unknown(u) => Err(u.why.clone()),
            _ => Err("subscription id is not a string".to_string()),
        },
        IdScope::ManagementGroup { group } => match group {
            Value::String(g) => Ok(format!(
                "/providers/Microsoft.Management/managementGroups/{g}"
            )),
            Value::Unknown(u) => Err(u.why.clone()),
            _ => Err("management group is not a string".to_string()),
        },
        IdScope::Tenant => Ok(String::new()),
        IdScope::Extension { base } => match base {
            Value::String(b) => Ok(b.trim_end_matches('/').to_string()),
            Value::Unknown(u) => Err(u.why.clone()),
            _ => Err("extension base id is not a string".to_string()),
        },
    };
    match prefix {
        Ok(p) => Ok(Value::string(format!("{p}{path}"))),
        Err(why) => Ok(Value::Unknown(Arc::new(Unknown {
            why,
            term: Some(term),
            resource,
            partial: None,
        }))),
    }
}

/// Split `resourceId()`-style arguments into optional leading scope arguments, the
/// type (first argument containing '/') and the names.
pub fn split_id_args(values: &[Value]) -> Option<(usize, usize)> {
    values
        .iter()
        .position(|v| matches!(v, Value::String(s) if s.contains('/')))
        .map(|t| (t, values.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ids() {
        let r = parse_resource_id(
            "/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerRegistry/registries/acr/replications/westus",
        )
        .unwrap();
        assert_eq!(
            &*r.resource_type,
            "Microsoft.ContainerRegistry/registries/replications"
        );
        assert_eq!(r.name, Name::text("acr/westus"));
        assert_eq!(r.name.0.len(), 2);
        assert!(parse_resource_id("/subscriptions/s").is_none());
    }

    #[test]
    fn composes_ids() {
        let id = compose_id(
            IdScope::ResourceGroup {
                subscription: Value::str("s"),
                group: Value::str("g"),
            },
            &Value::str("Microsoft.ContainerRegistry/registries/replications"),
            &[Value::str("acr"), Value::str("westus")],
            Term::call("t", &[]),
        )
        .unwrap();
        assert_eq!(
            id.as_str(),
            Some("/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerRegistry/registries/acr/replications/westus")
        );
        let unknown = compose_id(
            IdScope::ResourceGroup {
                subscription: Value::unknown("no sub"),
                group: Value::str("g"),
            },
            &Value::str("Microsoft.ContainerRegistry/registries"),
            &[Value::str("acr")],
            Term::call("t", &[]),
        )
        .unwrap();
        let Value::Unknown(u) = unknown else { panic!() };
        assert_eq!(u.resource.as_ref().unwrap().name, Name::text("acr"));
        let bad = compose_id(
            IdScope::Tenant,
            &Value::str("Microsoft.X/y/z"),
            &[Value::str("a")],
            Term::call("t", &[]),
        );
        assert!(bad.is_err());
    }
}
