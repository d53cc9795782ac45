//! Azure Policy `Modify` definitions as repairs: the `then.details.operations` of a
//! definition whose `if` holds for a resource, resolved for that resource into the
//! format of a rule file's `fix` field, which `acrlint fix` applies.
//!
//! Each operation is resolved the way Azure applies it at deployment
//! (<https://learn.microsoft.com/azure/governance/policy/concepts/effect-modify>):
//!
//! - its `condition`, when it has one, is evaluated on the resource (with
//!   `requestContext().apiVersion`, the resource's apiVersion): false skips the
//!   operation, a value not known before deployment refuses the repair;
//! - its `field` becomes a property path under the resource through the alias table
//!   (`Microsoft.ContainerRegistry/registries/adminUserEnabled` →
//!   `properties.adminUserEnabled`, `tags['env']` → `tags.env`); an alias that selects
//!   array members (`[*]`), that is not in the table or that is not a property refuses
//!   the repair;
//! - its `value` is evaluated in the policy's scope (`[parameters('x')]`, `[field('y')]`),
//!   as condition operands are; a value not known offline refuses the repair;
//! - `addOrReplace` becomes `set` (write the value), `add` becomes `add` (write it only
//!   where the property is absent: Azure's `add` leaves a value that is there), and
//!   `remove` becomes `remove` (delete the property).
//!
//! A definition's operations are one change: when one of them cannot be written, none
//! is, and the finding says why.

use serde_json::{json, Map, Value as Json};

use crate::arm::value::{self, Value};
use crate::rules::alias::{self, Field, Segment};
use crate::rules::condition::{Condition, ExpressionResolver};
use crate::rules::policy::{Effect, ModifyKind, ModifyOperation, PolicyDefinition};

/// The repair of a resource for which `definition`'s `if` holds: `None` when the
/// definition is not a `Modify` one (or its effect was set to another); `Err` when
/// the repair cannot be offered, with the reason.
pub fn repair(
    definition: &PolicyDefinition,
    parameters: &value::Map,
    view: &Value,
    resolver: &dyn ExpressionResolver,
) -> Option<Result<Json, String>> {
    if definition.effect != Some(Effect::Modify) || definition.operations.is_empty() {
        return None;
    }
    let resource_type = view.get("type").and_then(Value::as_str).unwrap_or("");
    let mut set = Vec::new();
    let mut add = Vec::new();
    let mut remove = Vec::new();
    for op in &definition.operations {
        match operation(op, resource_type, parameters, view, resolver) {
            Ok(None) => {}
            Ok(Some((path, None))) => remove.push(Json::String(path)),
            Ok(Some((path, Some(value)))) => {
                let entry = json!({ "path": path, "value": value });
                if op.kind == ModifyKind::Add {
                    add.push(entry);
                } else {
                    set.push(entry);
                }
            }
            Err(why) => return Some(Err(why)),
        }
    }
    if set.is_empty() && add.is_empty() && remove.is_empty() {
        return Some(Err(
            "none of the policy's Modify operations applies to this resource (their conditions are false)".into(),
        ));
    }
    let mut spec = Map::new();
    for (key, entries) in [("set", set), ("add", add), ("remove", remove)] {
        if !entries.is_empty() {
            spec.insert(key.into(), Json::Array(entries));
        }
    }
    Some(Ok(Json::Object(spec)))
}

/// One operation on one resource: `None` when its condition is false, else the
/// property path and the value to write (`None` for `remove`).
fn operation(
    op: &ModifyOperation,
    resource_type: &str,
    parameters: &value::Map,
    view: &Value,
    resolver: &dyn ExpressionResolver,
) -> Result<Option<(String, Option<Json>)>, String> {
    let what = op.describe();
    if let Some(condition) = &op.condition {
        match Condition::resolve_in_scope(condition, view, parameters, resolver) {
            Ok(Value::Bool(true)) => {}
            Ok(Value::Bool(false)) => return Ok(None),
            Ok(other) => {
                return Err(format!(
                    "the condition of the Modify operation `{what}` is {}, not a boolean",
                    crate::rules::condition::json_text(&other)
                ))
            }
            Err(why) => {
                return Err(format!(
                    "whether the Modify operation `{what}` applies is not known before deployment ({why})"
                ))
            }
        }
    }
    let path = property_path(&op.field, resource_type)?;
    let value = match (&op.kind, &op.value) {
        (ModifyKind::Remove, _) => None,
        (_, None) => return Err(format!("the Modify operation `{what}` has no value")),
        // Wholly known (`resolve_in_scope` refuses unknowns): written as JSON.
        (_, Some(v)) => Some(
            Condition::resolve_in_scope(v, view, parameters, resolver)
                .map_err(|why| {
                    format!("the value of the Modify operation `{what}` is not known before deployment ({why})")
                })?
                .to_json(),
        ),
    };
    Ok(Some((path, value)))
}

/// The dotted property path under a resource of `resource_type` that a Modify
/// operation's `field` names; `Err` says why it has none a fix can write.
pub fn property_path(field: &str, resource_type: &str) -> Result<String, String> {
    let keys = match alias::resolve(field) {
        Ok(Field::Path {
            segments,
            resource_type: owner,
            ..
        }) => {
            if let Some(owner) = owner.filter(|o| !o.eq_ignore_ascii_case(resource_type)) {
                return Err(format!(
                    "`{field}` is an alias of {owner}, not of {resource_type}"
                ));
            }
            let mut keys = Vec::with_capacity(segments.len());
            for s in segments {
                match s {
                    Segment::Key(k) => keys.push(k),
                    Segment::Wildcard | Segment::Index(_) => {
                        return Err(format!(
                            "`{field}` selects the members of an array ([*]), which a fix does not edit one by one"
                        ))
                    }
                }
            }
            keys
        }
        Ok(Field::Tag(tag)) => vec!["tags".to_string(), tag],
        Ok(_) => {
            return Err(format!(
                "`{field}` is not a property a Modify operation can change"
            ))
        }
        Err(e) => return Err(format!("{e}: which property it changes is not known")),
    };
    if keys.iter().any(|k| k.is_empty() || k.contains('.')) {
        return Err(format!(
            "`{field}` names a property whose name has a dot, which a fix path cannot name"
        ));
    }
    Ok(keys.join("."))
}

#[cfg(test)]
mod tests;
