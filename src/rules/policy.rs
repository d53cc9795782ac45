//! Azure Policy definition files, loaded exactly as published (`--policy FILE|DIR`).
//!
//! Accepts the shape of the `Azure/azure-policy` repository (`{"properties": {…},
//! "name": "<guid>", …}`) and the bare shape exported by the portal (`{"mode": …,
//! "policyRule": …}`). The `then.effect` is usually `[parameters('effect')]`: it is
//! resolved from the parameter's default and can be overridden ([`PolicyDefinition::set_effect`]).
//! A definition whose effect is `Disabled` does not run.
//! See <https://learn.microsoft.com/azure/governance/policy/concepts/definition-structure-basics>.

use std::fmt;
use std::path::Path;

use serde_json::{Map, Value};

use crate::arm::value::{self as arm, Candidates, Str};
use crate::rules::alias;

use crate::rules::condition::{Condition, ExpressionResolver, Outcome};
use parse::{
    collect_json, get, get_obj, json_eq_ci, parse_operations, parse_parameters, resolve_effect,
};

/// A definition that could not be loaded: which file and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyError {
    pub origin: String,
    pub message: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin, self.message)
    }
}

impl std::error::Error for PolicyError {}

/// Azure Policy effects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Effect {
    Append,
    Audit,
    AuditIfNotExists,
    Deny,
    DenyAction,
    DeployIfNotExists,
    Disabled,
    Manual,
    Modify,
    Mutate,
}

impl Effect {
    const ALL: [Effect; 10] = [
        Effect::Append,
        Effect::Audit,
        Effect::AuditIfNotExists,
        Effect::Deny,
        Effect::DenyAction,
        Effect::DeployIfNotExists,
        Effect::Disabled,
        Effect::Manual,
        Effect::Modify,
        Effect::Mutate,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Effect::Append => "Append",
            Effect::Audit => "Audit",
            Effect::AuditIfNotExists => "AuditIfNotExists",
            Effect::Deny => "Deny",
            Effect::DenyAction => "DenyAction",
            Effect::DeployIfNotExists => "DeployIfNotExists",
            Effect::Disabled => "Disabled",
            Effect::Manual => "Manual",
            Effect::Modify => "Modify",
            Effect::Mutate => "Mutate",
        }
    }

    /// Case-insensitive (`audit`, `Audit`, `AUDIT`).
    pub fn parse(s: &str) -> Option<Effect> {
        Effect::ALL
            .into_iter()
            .find(|e| e.name().eq_ignore_ascii_case(s.trim()))
    }
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which resources a definition evaluates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicyMode {
    /// Every resource type.
    All,
    /// Only types that support tags and location.
    Indexed,
    /// A resource provider mode (`Microsoft.Kubernetes.Data`, …): nothing acrlint checks.
    Other(String),
}

/// A definition parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyParameter {
    pub name: String,
    /// `String`, `Array`, `Object`, `Boolean`, `Integer`, `Float`, `DateTime`.
    pub kind: String,
    pub default_value: Option<Value>,
    pub allowed_values: Option<Vec<Value>>,
    pub display_name: Option<String>,
    pub description: Option<String>,
}

/// `add`, `addOrReplace`, `remove` in a Modify effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModifyKind {
    Add,
    AddOrReplace,
    Remove,
}

/// One Modify operation: the change Azure would make.
#[derive(Clone, Debug, PartialEq)]
pub struct ModifyOperation {
    pub kind: ModifyKind,
    /// The field as written (an alias or `tags['x']`).
    pub field: String,
    /// The value to set (absent for `remove`); may be an expression.
    pub value: Option<Value>,
    /// Where the field lives in the resource view, when it is a known alias.
    pub target: Option<String>,
    /// The operation's own `condition` (usually an expression such as
    /// `[greaterOrEquals(requestContext().apiVersion, '2019-05-01')]`): the operation
    /// applies only to the resources it holds for.
    pub condition: Option<Value>,
}

impl ModifyOperation {
    /// `set properties.adminUserEnabled to false`.
    pub fn describe(&self) -> String {
        let place = self.target.as_deref().unwrap_or(&self.field);
        let value = self
            .value
            .as_ref()
            .map(Value::to_string)
            .unwrap_or_default();
        match self.kind {
            ModifyKind::AddOrReplace => format!("set {place} to {value}"),
            ModifyKind::Add => format!("add {place} = {value} (when not set)"),
            ModifyKind::Remove => format!("remove {place}"),
        }
    }
}

/// A loaded definition.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyDefinition {
    /// The file (or label) it was loaded from.
    pub origin: String,
    /// The definition name: a GUID for built-ins.
    pub name: String,
    pub id: Option<String>,
    pub display_name: String,
    pub description: String,
    pub mode: PolicyMode,
    pub version: Option<String>,
    pub category: Option<String>,
    pub parameters: Vec<PolicyParameter>,
    /// `policyRule.if`.
    pub condition: Condition,
    /// The effect: from the literal, the effect parameter's default, or an override.
    /// `None` when the effect parameter has no default and none was set.
    pub effect: Option<Effect>,
    /// The parameter `then.effect` reads, when it is `[parameters('…')]`.
    pub effect_parameter: Option<String>,
    /// Modify operations (empty for other effects).
    pub operations: Vec<ModifyOperation>,
    /// `then.details.type` of AuditIfNotExists/DeployIfNotExists: the related resource.
    pub related_type: Option<String>,
    /// `then.details.existenceCondition`, parsed (evaluating it needs the related resource).
    pub existence_condition: Option<Condition>,
    /// Fields of `if` and `existenceCondition` that are not in the alias table.
    pub unknown_aliases: Vec<String>,
}

impl PolicyDefinition {
    /// Read and parse one definition file.
    pub fn load_file(path: &Path) -> Result<PolicyDefinition, PolicyError> {
        let origin = path.display().to_string();
        let fail = |message: String| PolicyError {
            origin: origin.clone(),
            message,
        };
        use crate::source::sources::Sources;
        let source = crate::load::Disk.read(path).map_err(|e| fail(e.message))?;
        PolicyDefinition::from_json_str(&source.text, &origin)
    }

    /// Every `*.json` definition under `path` (a file or a directory, recursively, in
    /// sorted order), each loaded or failed on its own.
    pub fn load_path(path: &Path) -> Vec<Result<PolicyDefinition, PolicyError>> {
        if path.is_dir() {
            let mut files = Vec::new();
            let mut errors = Vec::new();
            collect_json(path, &mut files, &mut errors, 0);
            files.sort();
            errors
                .into_iter()
                .map(Err)
                .chain(files.iter().map(|f| PolicyDefinition::load_file(f)))
                .collect()
        } else {
            vec![PolicyDefinition::load_file(path)]
        }
    }

    /// Parse a definition from its JSON text. `origin` names it in errors.
    pub fn from_json_str(text: &str, origin: &str) -> Result<PolicyDefinition, PolicyError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let json: Value = serde_json::from_str(text).map_err(|e| PolicyError {
            origin: origin.to_string(),
            message: format!(
                "not valid JSON (line {}, column {}): {e}",
                e.line(),
                e.column()
            ),
        })?;
        PolicyDefinition::from_json(&json, origin)
    }

    /// Parse a definition from JSON.
    pub fn from_json(json: &Value, origin: &str) -> Result<PolicyDefinition, PolicyError> {
        let fail = |message: String| PolicyError {
            origin: origin.to_string(),
            message,
        };
        let Value::Object(top) = json else {
            return Err(fail("a policy definition must be a JSON object".into()));
        };
        let props = match get(top, "properties") {
            Some(Value::Object(p)) if get(p, "policyRule").is_some() => p,
            _ if get(top, "policyRule").is_some() => top,
            _ if get(top, "policyDefinitions").is_some()
                || get_obj(top, "properties").and_then(|p| get(p, "policyDefinitions")).is_some() =>
            {
                return Err(fail(
                    "this is a policy set definition (initiative); give its member policy definitions instead"
                        .into(),
                ))
            }
            _ => {
                return Err(fail(
                    "no `properties.policyRule`: this is not an Azure Policy definition".into(),
                ))
            }
        };
        let rule = match get(props, "policyRule") {
            Some(Value::Object(r)) => r,
            _ => return Err(fail("`policyRule` must be an object".into())),
        };
        let if_json = get(rule, "if").ok_or_else(|| fail("`policyRule.if` is missing".into()))?;
        let condition =
            Condition::parse(if_json, "policyRule.if").map_err(|e| fail(e.to_string()))?;
        let then = match get(rule, "then") {
            Some(Value::Object(t)) => t,
            _ => return Err(fail("`policyRule.then` is missing or not an object".into())),
        };

        let parameters = parse_parameters(props).map_err(fail)?;
        let (effect, effect_parameter) = resolve_effect(then, &parameters).map_err(fail)?;

        let details = get_obj(then, "details");
        let existence_condition = match details.and_then(|d| get(d, "existenceCondition")) {
            Some(c) => Some(
                Condition::parse(c, "policyRule.then.details.existenceCondition")
                    .map_err(|e| fail(e.to_string()))?,
            ),
            None => None,
        };
        let operations = match details.and_then(|d| get(d, "operations")) {
            Some(ops) => parse_operations(ops).map_err(fail)?,
            None => Vec::new(),
        };
        if effect == Some(Effect::Modify) && operations.is_empty() {
            return Err(fail(
                "Modify effect without `then.details.operations`".into(),
            ));
        }
        let related_type = details
            .and_then(|d| get(d, "type"))
            .and_then(Value::as_str)
            .map(str::to_string);

        let mut unknown_aliases = condition.unknown_aliases();
        if let Some(ec) = &existence_condition {
            for a in ec.unknown_aliases() {
                if !unknown_aliases.iter().any(|u| u.eq_ignore_ascii_case(&a)) {
                    unknown_aliases.push(a);
                }
            }
        }

        let text = |obj: &Map<String, Value>, key: &str| {
            get(obj, key).and_then(Value::as_str).map(str::to_string)
        };
        let id = text(top, "id");
        let name = text(top, "name")
            .or_else(|| text(props, "name"))
            .or_else(|| {
                id.as_deref()
                    .and_then(|i| i.rsplit('/').next())
                    .map(str::to_string)
            })
            .or_else(|| {
                Path::new(origin)
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
            })
            .unwrap_or_else(|| origin.to_string());
        let mode = match text(props, "mode") {
            None => PolicyMode::Indexed,
            Some(m) if m.eq_ignore_ascii_case("all") => PolicyMode::All,
            Some(m) if m.eq_ignore_ascii_case("indexed") => PolicyMode::Indexed,
            Some(m) => PolicyMode::Other(m),
        };
        let metadata = get_obj(props, "metadata");
        Ok(PolicyDefinition {
            origin: origin.to_string(),
            display_name: text(props, "displayName").unwrap_or_else(|| name.clone()),
            name,
            id,
            description: text(props, "description").unwrap_or_default(),
            mode,
            version: text(props, "version").or_else(|| metadata.and_then(|m| text(m, "version"))),
            category: metadata.and_then(|m| text(m, "category")),
            parameters,
            condition,
            effect,
            effect_parameter,
            operations,
            related_type,
            existence_condition,
            unknown_aliases,
        })
    }

    /// Whether the definition runs: it has an effect and the effect is not `Disabled`.
    pub fn runs(&self) -> bool {
        self.not_run_reason().is_none()
    }

    /// Why the definition does not run, if it does not.
    pub fn not_run_reason(&self) -> Option<String> {
        match (self.effect, &self.effect_parameter) {
            (Some(Effect::Disabled), _) => Some("its effect is Disabled".to_string()),
            (Some(_), _) => None,
            (None, Some(p)) => Some(format!(
                "its effect parameter `{p}` has no default value; set an effect"
            )),
            (None, None) => Some("its effect could not be determined".to_string()),
        }
    }

    /// Override the effect (from configuration). `Disabled` is always accepted; other
    /// effects must be among the effect parameter's `allowedValues` when it has any.
    pub fn set_effect(&mut self, effect: Effect) -> Result<(), PolicyError> {
        if effect != Effect::Disabled {
            if let Some(allowed) = self
                .effect_parameter
                .as_ref()
                .and_then(|p| self.parameter(p))
                .and_then(|p| p.allowed_values.as_ref())
            {
                let ok = allowed.iter().any(|v| {
                    v.as_str()
                        .is_some_and(|s| s.eq_ignore_ascii_case(effect.name()))
                });
                if !ok {
                    let list: Vec<String> = allowed.iter().map(Value::to_string).collect();
                    return Err(PolicyError {
                        origin: self.origin.clone(),
                        message: format!(
                            "effect {effect} is not allowed by this definition (allowed: {})",
                            list.join(", ")
                        ),
                    });
                }
            }
        }
        self.effect = Some(effect);
        Ok(())
    }

    /// A parameter by name (case-insensitive).
    pub fn parameter(&self, name: &str) -> Option<&PolicyParameter> {
        self.parameters
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
    }

    /// Parameter values for evaluation: `overrides`, else the default, else the allowed
    /// values as a candidate set, else unknown. Overrides must name declared parameters
    /// and respect `allowedValues`.
    pub fn parameter_values(
        &self,
        overrides: &Map<String, Value>,
    ) -> Result<arm::Map, PolicyError> {
        let fail = |message: String| PolicyError {
            origin: self.origin.clone(),
            message,
        };
        for (k, v) in overrides {
            let Some(p) = self.parameter(k) else {
                return Err(fail(format!("the definition has no parameter `{k}`")));
            };
            if let Some(allowed) = &p.allowed_values {
                if !allowed.iter().any(|a| json_eq_ci(a, v)) {
                    return Err(fail(format!(
                        "value {v} is not allowed for parameter `{k}`"
                    )));
                }
            }
        }
        let mut out = arm::Map::new();
        for p in &self.parameters {
            let given = overrides
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(&p.name))
                .map(|(_, v)| v);
            let value = match (given.or(p.default_value.as_ref()), &p.allowed_values) {
                (Some(v), _) => arm::Value::from_json(v),
                (None, Some(values)) => arm::Value::Candidates(std::sync::Arc::new(Candidates {
                    values: values.iter().map(arm::Value::from_json).collect(),
                    parameter: Str::from(p.name.as_str()),
                })),
                (None, None) => arm::Value::unknown(format!(
                    "policy parameter `{}` has no default value and none was given",
                    p.name
                )),
            };
            out.insert(Str::from(p.name.as_str()), value);
        }
        Ok(out)
    }

    /// Whether the definition's mode evaluates this resource at all: `All` evaluates
    /// every resource, `Indexed` only types with tags and location (child resources such
    /// as tokens and cache rules are skipped).
    pub fn applies_to(&self, resource: &arm::Value) -> bool {
        match &self.mode {
            PolicyMode::All => true,
            PolicyMode::Other(_) => false,
            PolicyMode::Indexed => {
                let ty = resource
                    .get("type")
                    .and_then(arm::Value::as_str)
                    .unwrap_or("");
                alias::is_tracked_type(ty).unwrap_or_else(|| {
                    resource
                        .get("location")
                        .is_some_and(|l| !matches!(l, arm::Value::Null))
                })
            }
        }
    }

    /// Evaluate `if` on a resource with the given parameter values (see
    /// [`PolicyDefinition::parameter_values`]). `True` means the effect applies
    /// (the resource is non-compliant for Audit/Deny, would be changed for Modify).
    pub fn evaluate(
        &self,
        resource: &arm::Value,
        parameters: &arm::Map,
        resolver: &dyn ExpressionResolver,
    ) -> Outcome {
        self.condition.evaluate(resource, parameters, resolver)
    }

    /// [`PolicyDefinition::evaluate`], or `None` when the definition does not run
    /// (effect `Disabled` or unset) or its mode skips the resource (not applicable).
    pub fn evaluate_if_applicable(
        &self,
        resource: &arm::Value,
        parameters: &arm::Map,
        resolver: &dyn ExpressionResolver,
    ) -> Option<Outcome> {
        (self.runs() && self.applies_to(resource))
            .then(|| self.evaluate(resource, parameters, resolver))
    }
}

mod parse;

#[cfg(test)]
impl PolicyDefinition {
    /// [`PolicyDefinition::evaluate`] on a test view (see `condition::testing`).
    pub(crate) fn evaluate_json(
        &self,
        resource: &impl crate::rules::condition::testing::TestView,
        parameters: &impl crate::rules::condition::testing::TestParams,
        resolver: &dyn ExpressionResolver,
    ) -> Outcome {
        self.evaluate(&resource.view(), &parameters.params(), resolver)
    }

    /// [`PolicyDefinition::evaluate_if_applicable`] on a test view.
    pub(crate) fn evaluate_if_applicable_json(
        &self,
        resource: &impl crate::rules::condition::testing::TestView,
        parameters: &impl crate::rules::condition::testing::TestParams,
        resolver: &dyn ExpressionResolver,
    ) -> Option<Outcome> {
        self.evaluate_if_applicable(&resource.view(), &parameters.params(), resolver)
    }
}

#[cfg(test)]
mod tests;
