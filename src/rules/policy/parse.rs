//! Reading the parts of a definition: parameters, effect, Modify operations.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::{Effect, ModifyKind, ModifyOperation, PolicyError, PolicyParameter};
use crate::rules::alias;

pub(super) fn get<'m>(obj: &'m Map<String, Value>, key: &str) -> Option<&'m Value> {
    obj.get(key).or_else(|| {
        obj.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

pub(super) fn get_obj<'m>(
    obj: &'m Map<String, Value>,
    key: &str,
) -> Option<&'m Map<String, Value>> {
    get(obj, key).and_then(Value::as_object)
}

pub(super) fn json_eq_ci(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x.eq_ignore_ascii_case(y),
        _ => a == b,
    }
}

pub(super) fn parse_parameters(props: &Map<String, Value>) -> Result<Vec<PolicyParameter>, String> {
    let Some(params) = get(props, "parameters") else {
        return Ok(Vec::new());
    };
    let Value::Object(params) = params else {
        return Err("`parameters` must be an object".into());
    };
    let mut out = Vec::new();
    for (name, spec) in params {
        let Value::Object(spec) = spec else {
            return Err(format!("parameter `{name}` must be an object"));
        };
        let kind = get(spec, "type")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("parameter `{name}` has no `type`"))?
            .to_string();
        let allowed_values = match get(spec, "allowedValues") {
            None | Some(Value::Null) => None,
            Some(Value::Array(a)) => Some(a.clone()),
            Some(_) => {
                return Err(format!(
                    "`allowedValues` of parameter `{name}` must be an array"
                ))
            }
        };
        let default_value = get(spec, "defaultValue").cloned();
        if let (Some(d), Some(allowed)) = (&default_value, &allowed_values) {
            // An array parameter's default is a subset of the allowed values.
            let fits = match d {
                Value::Array(items) if kind.eq_ignore_ascii_case("array") => items
                    .iter()
                    .all(|i| allowed.iter().any(|a| json_eq_ci(a, i))),
                _ => allowed.iter().any(|a| json_eq_ci(a, d)),
            };
            if !fits {
                return Err(format!(
                    "the default value {d} of parameter `{name}` is not among its allowedValues"
                ));
            }
        }
        let meta = get_obj(spec, "metadata");
        let meta_text = |key: &str| {
            meta.and_then(|m| get(m, key))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        out.push(PolicyParameter {
            name: name.clone(),
            kind,
            default_value,
            allowed_values,
            display_name: meta_text("displayName"),
            description: meta_text("description"),
        });
    }
    Ok(out)
}

/// `then.effect`: a literal, or `[parameters('x')]` resolved from x's default.
pub(super) fn resolve_effect(
    then: &Map<String, Value>,
    parameters: &[PolicyParameter],
) -> Result<(Option<Effect>, Option<String>), String> {
    let raw = get(then, "effect")
        .and_then(Value::as_str)
        .ok_or("`policyRule.then.effect` is missing or not a string")?;
    let Some(param) = effect_parameter_name(raw) else {
        if raw.trim_start().starts_with('[') && !raw.trim_start().starts_with("[[") {
            return Err(format!(
                "effect `{raw}` is an expression acrlint cannot resolve (only [parameters('name')] is supported)"
            ));
        }
        return Effect::parse(raw)
            .map(|e| (Some(e), None))
            .ok_or_else(|| format!("unknown effect `{raw}`"));
    };
    let p = parameters
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(&param))
        .ok_or_else(|| format!("effect reads parameter `{param}`, which is not declared"))?;
    let effect = match &p.default_value {
        None => None,
        Some(Value::String(s)) => Some(Effect::parse(s).ok_or_else(|| {
            format!("default effect `{s}` of parameter `{param}` is not an effect")
        })?),
        Some(other) => {
            return Err(format!(
                "default value {other} of effect parameter `{param}` is not a string"
            ))
        }
    };
    Ok((effect, Some(p.name.clone())))
}

/// `[parameters('effect')]` → `effect` (spaces and quote style as ARM allows).
fn effect_parameter_name(raw: &str) -> Option<String> {
    use crate::arm::expr::ast::Expr;
    let expr = crate::arm::expr::parser::parse_template_string(raw.trim()).ok()??;
    match expr {
        Expr::Call { name, args, .. } if name.eq_ignore_ascii_case("parameters") => {
            match args.as_slice() {
                [Expr::String(s, _)] => Some(s.to_string()),
                _ => None,
            }
        }
        _ => None,
    }
}

pub(super) fn parse_operations(ops: &Value) -> Result<Vec<ModifyOperation>, String> {
    let Value::Array(items) = ops else {
        return Err("`then.details.operations` must be an array".into());
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Value::Object(op) = item else {
            return Err(format!("operation {i} must be an object"));
        };
        let kind_text = get(op, "operation")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("operation {i} has no `operation`"))?;
        let kind = match kind_text.to_ascii_lowercase().as_str() {
            "add" => ModifyKind::Add,
            "addorreplace" => ModifyKind::AddOrReplace,
            "remove" => ModifyKind::Remove,
            _ => return Err(format!("operation {i}: unknown operation `{kind_text}`")),
        };
        let field = get(op, "field")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("operation {i} has no `field`"))?
            .to_string();
        let value = get(op, "value").cloned();
        if kind != ModifyKind::Remove && value.is_none() {
            return Err(format!(
                "operation {i} (`{kind_text}` on `{field}`) has no `value`"
            ));
        }
        let target = match alias::resolve(&field) {
            Ok(alias::Field::Path { segments, .. }) => Some(alias::path_string(&segments)),
            Ok(alias::Field::Tag(t)) => Some(format!("tags['{t}']")),
            Ok(alias::Field::Location) => Some("location".into()),
            Ok(alias::Field::Kind) => Some("kind".into()),
            _ => None,
        };
        out.push(ModifyOperation {
            kind,
            field,
            value,
            target,
            condition: get(op, "condition").cloned(),
        });
    }
    Ok(out)
}

pub(super) fn collect_json(
    dir: &Path,
    files: &mut Vec<PathBuf>,
    errors: &mut Vec<PolicyError>,
    depth: usize,
) {
    if depth > 32 {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(PolicyError {
                origin: dir.display().to_string(),
                message: format!("cannot read directory: {e}"),
            });
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_json(&path, files, errors, depth + 1);
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            files.push(path);
        }
    }
}
