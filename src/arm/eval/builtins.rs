//! Functions that read the deployment context or the template's resources:
//! `deployment`, `environment`, `resourceGroup`, `subscription`, `resourceId` and
//! friends, `reference`, `list*`, `pickZones`, `providers`, `fail`.

use std::sync::Arc;

use super::resources::{compose_id, split_id_args, IdScope};
use super::{call_term, Evaluator, ScopeKind};
use crate::arm::eval::parse_resource_id;
use crate::arm::expr::ast::ExprSpan;
use crate::arm::functions::{invalid, FnError, FnResult};
use crate::arm::value::{Context, Map, Name, ResourceRef, Str, Term, Unknown, Value};

impl Evaluator<'_, '_> {
    /// Scope-reading functions; `None` when `lower` is not one of them.
    pub(super) fn builtin(
        &mut self,
        lower: &str,
        values: &[Value],
        _span: ExprSpan,
    ) -> Option<FnResult> {
        let ctx = self.scope.context.clone();
        Some(match lower {
            "resourcegroup" => Ok(ctx.resource_group()),
            "subscription" => Ok(ctx.subscription()),
            "tenant" => Ok(ctx.tenant()),
            "managementgroup" => Ok(ctx.management_group()),
            "deployment" => Ok(self.deployment_object()),
            "environment" => Ok(Value::unknown_term(
                "environment() depends on the Azure cloud of the deployment",
                Term::context(Context::Environment, &[]),
            )),
            "deployer" => Ok(Value::unknown_term(
                "deployer() is the identity running the deployment",
                Term::context(Context::Deployer, &[]),
            )),
            "resourceid" => self.resource_id(values),
            "subscriptionresourceid" => self.subscription_resource_id(values),
            "tenantresourceid" => compose_id(
                IdScope::Tenant,
                values.first().unwrap_or(&Value::Null),
                values.get(1..).unwrap_or(&[]),
                call_term(lower, values),
            ),
            "managementgroupresourceid" => self.management_group_resource_id(values),
            "extensionresourceid" => match values {
                [base, ty, names @ ..] => compose_id(
                    IdScope::Extension { base: base.clone() },
                    ty,
                    names,
                    call_term(lower, values),
                ),
                _ => Err(invalid(
                    "extensionResourceId: expects (resourceId, type, names...)",
                )),
            },
            "reference" => self.reference(values),
            "references" => Ok(Value::unknown_term(
                "references() returns runtime state of a resource collection",
                call_term(lower, values),
            )),
            "pickzones" => Ok(Value::unknown_term(
                "pickZones() depends on the region's availability zones",
                call_term(lower, values),
            )),
            "providers" => Ok(Value::unknown_term(
                "providers() reads the resource provider registry at deployment",
                call_term(lower, values),
            )),
            "fail" => Err(invalid(format!(
                "fail(): {}",
                values.first().map(|v| v.to_string()).unwrap_or_default()
            ))),
            "utcnow" | "newguid" => return None,
            l if l.starts_with("list") => Ok(self.list_call(l, values)),
            _ => return None,
        })
    }

    fn deployment_object(&self) -> Value {
        let mut m = Map::new();
        m.insert(
            Str::from("name"),
            self.scope.context.deployment_name_value(),
        );
        m.insert(
            Str::from("properties"),
            Value::unknown_term(
                "deployment() properties are known at deployment",
                Term::context(Context::Deployment, &["properties"]),
            ),
        );
        m.insert(
            Str::from("location"),
            match self.scope.scope_kind {
                ScopeKind::ResourceGroup => Value::unknown_term(
                    "resource group deployments have no location",
                    Term::context(Context::Deployment, &["location"]),
                ),
                _ => self.scope.context.location_value(),
            },
        );
        Value::object(m)
    }

    fn resource_id(&mut self, values: &[Value]) -> FnResult {
        let term = call_term("resourceId", values);
        if let Some(u) = values.iter().find_map(|v| match v {
            Value::Unknown(u) if u.resource.is_none() => Some(u.clone()),
            _ => None,
        }) {
            // Unknown type or leading argument: still try to locate the type.
            if split_id_args(values).is_none() {
                return Err(FnError::Unknown(u));
            }
        }
        let Some((t, _)) = split_id_args(values) else {
            return Err(invalid(
                "resourceId: no argument is a resource type (Namespace/type)",
            ));
        };
        let ctx = &self.scope.context;
        let scope = match (t, self.scope.scope_kind) {
            (0, ScopeKind::ResourceGroup) => IdScope::ResourceGroup {
                subscription: ctx.subscription_id_value(),
                group: ctx.resource_group_name_value(),
            },
            (0, ScopeKind::Subscription) => IdScope::Subscription {
                subscription: ctx.subscription_id_value(),
            },
            (0, ScopeKind::ManagementGroup) => IdScope::ManagementGroup {
                group: match &ctx.management_group {
                    Some(g) => Value::str(g),
                    None => Value::unknown_term(
                        "management group is not set",
                        Term::context(Context::ManagementGroup, &["name"]),
                    ),
                },
            },
            (0, ScopeKind::Tenant) => IdScope::Tenant,
            (1, _) => IdScope::ResourceGroup {
                subscription: ctx.subscription_id_value(),
                group: values[0].clone(),
            },
            (2, _) => IdScope::ResourceGroup {
                subscription: values[0].clone(),
                group: values[1].clone(),
            },
            _ => {
                return Err(invalid(
                    "resourceId: too many arguments before the resource type",
                ))
            }
        };
        compose_id(scope, &values[t], &values[t + 1..], term)
    }

    fn subscription_resource_id(&mut self, values: &[Value]) -> FnResult {
        let term = call_term("subscriptionResourceId", values);
        let Some((t, _)) = split_id_args(values) else {
            return Err(invalid(
                "subscriptionResourceId: no argument is a resource type",
            ));
        };
        let subscription = match t {
            0 => self.scope.context.subscription_id_value(),
            1 => values[0].clone(),
            _ => {
                return Err(invalid(
                    "subscriptionResourceId: too many arguments before the type",
                ))
            }
        };
        compose_id(
            IdScope::Subscription { subscription },
            &values[t],
            &values[t + 1..],
            term,
        )
    }

    fn management_group_resource_id(&mut self, values: &[Value]) -> FnResult {
        let term = call_term("managementGroupResourceId", values);
        let Some((t, _)) = split_id_args(values) else {
            return Err(invalid(
                "managementGroupResourceId: no argument is a resource type",
            ));
        };
        let group = match t {
            0 => match &self.scope.context.management_group {
                Some(g) => Value::str(g),
                None => Value::unknown_term(
                    "management group is not set",
                    Term::context(Context::ManagementGroup, &["name"]),
                ),
            },
            1 => values[0].clone(),
            _ => {
                return Err(invalid(
                    "managementGroupResourceId: too many arguments before the type",
                ))
            }
        };
        compose_id(
            IdScope::ManagementGroup { group },
            &values[t],
            &values[t + 1..],
            term,
        )
    }

    /// Which resource a `reference()`/`list*()` argument designates.
    pub fn resolve_resource(&self, target: &Value) -> Option<ResourceRef> {
        match target {
            Value::String(s) => {
                if let Some(i) = self.scope.symbols.borrow().get(&s.to_ascii_lowercase()) {
                    return self
                        .scope
                        .declared
                        .borrow()
                        .get(*i)
                        .and_then(|d| d.reference());
                }
                if s.contains('/') {
                    return parse_resource_id(s);
                }
                // Legacy form: a resource of this template by name alone.
                self.scope
                    .declared
                    .borrow()
                    .iter()
                    .find(|d| d.name.as_ref().is_some_and(|n| *n == Name::text(s)))
                    .and_then(|d| d.reference())
            }
            Value::Unknown(u) => u.resource.as_deref().cloned(),
            _ => None,
        }
    }

    fn reference(&mut self, values: &[Value]) -> FnResult {
        let Some(target) = values.first() else {
            return Err(invalid("reference: expects a resource name or id"));
        };
        let full = values
            .get(2)
            .and_then(Value::as_str)
            .is_some_and(|s| s.eq_ignore_ascii_case("full"));
        let term = call_term("reference", values);
        let resource = self.resolve_resource(target);
        let index = resource.as_ref().and_then(|r| {
            self.scope
                .declared
                .borrow()
                .iter()
                .position(|d| d.matches(r) && !d.existing)
        });
        let declared = index.map(|i| self.scope.declared_body(i));
        let (why, partial) = match (&resource, declared) {
            (Some(r), Some(body)) => (
                format!("runtime state of {} '{}'", r.resource_type, r.name.plain()),
                if full {
                    Some(body)
                } else {
                    body.get("properties").cloned()
                },
            ),
            (Some(r), None) => (
                format!(
                    "reference() to {} '{}', which this template does not declare",
                    r.resource_type,
                    r.name.plain()
                ),
                None,
            ),
            (None, _) => (
                "reference() to a resource known only at deployment".to_string(),
                None,
            ),
        };
        Ok(Value::Unknown(Arc::new(Unknown {
            why,
            term: Some(term),
            resource: resource.map(Arc::new),
            partial,
        })))
    }

    fn list_call(&mut self, lower: &str, values: &[Value]) -> Value {
        let resource = values.first().and_then(|t| self.resolve_resource(t));
        let fname = match lower {
            "listcredentials" => "listCredentials",
            "listkeys" => "listKeys",
            "listsecrets" => "listSecrets",
            _ => lower,
        };
        Value::Unknown(Arc::new(Unknown {
            why: format!("{fname}() returns values known only at deployment (secrets)"),
            term: Some(call_term(lower, values)),
            resource: resource.map(Arc::new),
            partial: None,
        }))
    }
}
