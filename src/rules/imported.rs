//! Azure Policy definition files given with `--policy`, run as rules: the definition's
//! `policyRule.if` is evaluated on every expanded resource with the same condition
//! evaluator as the built-in rules. Results use the definition's name (its GUID) as the
//! rule id. Deny → error; Audit, AuditIfNotExists, Modify, Append, DeployIfNotExists →
//! warning (Modify names the change Azure would make); Disabled → not run.

use std::path::Path;
use std::sync::Arc;

use serde_json::{Map, Value as Json};

use crate::arm::eval::{DeploymentContext, Evaluator, Scope, ScopeKind};
use crate::arm::expand::Expansion;
use crate::arm::value::{self, Value};
use crate::rules::catalog::{RuleDocs, RuleMeta};
use crate::rules::condition::{ExpressionResolver, Outcome, PolicyScope};
use crate::rules::finding::{Finding, Level, Status};
use crate::rules::native::{name_text, resource_finding, DeploymentMode, RuleInput};
use crate::rules::policy::{Effect, PolicyDefinition};
use crate::rules::views::ResourceViews;

/// A definition ready to run.
pub struct ImportedPolicy {
    pub definition: PolicyDefinition,
    pub parameters: value::Map,
    pub meta: RuleMeta,
}

/// Load definitions from a file or directory, with parameter values (`{"effect":
/// "Deny"}` or a parameters-file shape `{"parameters": {"effect": {"value": "Deny"}}}`).
pub fn load(path: &Path, parameters: Option<&Json>) -> Result<Vec<ImportedPolicy>, String> {
    let overrides: Map<String, Json> = match parameters {
        Some(Json::Object(m)) => match m.get("parameters") {
            Some(Json::Object(p)) => p
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.get("value").cloned().unwrap_or_else(|| v.clone()),
                    )
                })
                .collect(),
            _ => m.clone(),
        },
        _ => Map::new(),
    };
    let mut out = Vec::new();
    for loaded in PolicyDefinition::load_path(path) {
        let mut def = loaded.map_err(|e| e.to_string())?;
        // Only the parameters this definition declares apply to it.
        let own: Map<String, Json> = overrides
            .iter()
            .filter(|(k, _)| def.parameter(k).is_some())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if let Some(effect) = def
            .effect_parameter
            .as_ref()
            .and_then(|p| own.iter().find(|(k, _)| k.eq_ignore_ascii_case(p)))
            .and_then(|(_, v)| v.as_str())
            .and_then(Effect::parse)
        {
            def.set_effect(effect).map_err(|e| e.to_string())?;
        }
        let parameters = def.parameter_values(&own).map_err(|e| e.to_string())?;
        let meta = meta_for(&def);
        out.push(ImportedPolicy {
            definition: def,
            parameters,
            meta,
        });
    }
    if out.is_empty() {
        return Err(format!("{}: no policy definitions found", path.display()));
    }
    Ok(out)
}

fn level_of(effect: Option<Effect>) -> Level {
    match effect {
        Some(Effect::Deny) | Some(Effect::DenyAction) => Level::Error,
        _ => Level::Warning,
    }
}

fn meta_for(def: &PolicyDefinition) -> RuleMeta {
    let effect = def
        .effect
        .map(|e| e.name().to_string())
        .unwrap_or_else(|| "Disabled".into());
    RuleMeta {
        id: def.name.clone(),
        title: def.display_name.clone(),
        severity: level_of(def.effect),
        effect: effect.clone(),
        policies: Vec::new(),
        resource_types: Vec::new(),
        condition: None,
        location: None,
        message: def.display_name.clone(),
        when_omitted: None,
        recommendation: def.description.clone(),
        recommendation_bicep: None,
        help_uri: format!(
            "https://portal.azure.com/#view/Microsoft_Azure_Policy/PolicyDetailBlade/definitionId/%2Fproviders%2FMicrosoft.Authorization%2FpolicyDefinitions%2F{}",
            def.name
        ),
        tags: vec!["azure-policy".into()],
        security_severity: "5.0".into(),
        fix: None,
        docs: RuleDocs {
            what_it_does: if def.description.is_empty() { def.display_name.clone() } else { def.description.clone() },
            why_is_this_bad: if def.effect == Some(Effect::Modify) {
                format!(
                    "Azure Policy definition {} ({effect}) loaded with --policy from {}. `acrlint fix --policy` writes its operations into the template: a safe fix, since Azure makes the same change when the template is deployed with the definition assigned (turning public network access off is unsafe).",
                    def.name, def.origin
                )
            } else {
                format!("Azure Policy definition {} ({effect}) loaded with --policy from {}.", def.name, def.origin)
            },
            ..Default::default()
        },
    }
}

/// Evaluates template-language expressions inside policy conditions, with `field()`,
/// `current()` and `parameters()` answered by the policy scope, and
/// `requestContext().apiVersion` by the apiVersion the resource is deployed with.
pub(crate) struct TemplateResolver {
    pub api_version: Option<String>,
}

impl ExpressionResolver for TemplateResolver {
    fn resolve(&self, expression: &str, scope: &dyn PolicyScope) -> Option<Value> {
        let scope_obj = Scope::new(
            0,
            Default::default(),
            Arc::new(DeploymentContext::default()),
            ScopeKind::ResourceGroup,
        );
        let host = |name: &str, args: &[Value]| -> Option<Value> {
            let arg = args.first().and_then(Value::as_str);
            match name {
                "field" => Some(scope.field(arg?)),
                "current" => scope.current(arg),
                "policyparameter" | "policyparameters" => scope.parameter(arg?),
                "requestcontext" => self
                    .api_version
                    .as_ref()
                    .map(|v| Value::from_json(&serde_json::json!({ "apiVersion": v }))),
                _ => None,
            }
        };
        // `parameters('x')` in a policy reads the definition's parameters: rename it so
        // the template evaluator does not look for template parameters.
        let text = expression.replace("parameters(", "policyParameter(");
        let mut ev = Evaluator::new(&scope_obj);
        ev.host_functions = Some(&host);
        let v = ev.eval_text(&text);
        (!v.contains_unknown()).then_some(v)
    }
}

/// Run the imported definitions on one expansion.
pub fn run(
    policies: &[ImportedPolicy],
    views: &ResourceViews,
    exp: &Expansion,
    input_options: &crate::arm::expand::ExpandOptions,
    path: &Path,
    sources: &dyn crate::source::sources::Sources,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for p in policies {
        if !p.definition.runs() {
            continue;
        }
        let input = RuleInput {
            expansion: exp,
            meta: &p.meta,
            mode: DeploymentMode::Incremental,
            options: input_options,
            template_path: path,
            sources,
        };
        let mut applied = false;
        for (i, r) in exp.resources.iter().enumerate() {
            if r.existing || matches!(r.condition, Value::Bool(false)) {
                continue;
            }
            let view = views.get(i);
            let resolver = TemplateResolver {
                api_version: r.api_version.as_ref().map(|v| v.to_string()),
            };
            let Some(outcome) = p
                .definition
                .evaluate_if_applicable(view, &p.parameters, &resolver)
            else {
                continue;
            };
            applied = true;
            let (status, reasons) = match outcome {
                Outcome::False => continue,
                Outcome::True => (Status::Fail, Vec::new()),
                // Unknown aliases are reported once per file below.
                Outcome::Possible { reasons }
                    if reasons.iter().all(|r| {
                        matches!(r, crate::rules::condition::Reason::UnknownAlias { .. })
                    }) =>
                {
                    continue
                }
                Outcome::Possible { reasons } => (Status::Possible, reasons),
            };
            let level = match status {
                Status::Fail => p.meta.severity,
                Status::Possible => p.meta.severity.lower(),
            };
            let mut message = format!(
                "{} ({}): {}",
                p.definition.display_name,
                p.meta.effect,
                name_text(&r.name)
            );
            if !p.definition.operations.is_empty() {
                let ops: Vec<String> = p
                    .definition
                    .operations
                    .iter()
                    .map(|o| o.describe())
                    .collect();
                message.push_str(&format!("; Azure would {}", ops.join(", ")));
            }
            if matches!(
                p.definition.effect,
                Some(Effect::AuditIfNotExists) | Some(Effect::DeployIfNotExists)
            ) {
                if let Some(t) = &p.definition.related_type {
                    message.push_str(&format!(
                        "; needs a related {t} (its existence is not checked offline)"
                    ));
                }
            }
            if !reasons.is_empty() {
                let rs: Vec<String> = reasons.iter().map(ToString::to_string).collect();
                message.push_str(&format!(" (possible: {})", rs.join("; ")));
            }
            let span = crate::rules::locate::path_span(exp, r, &["type"]).span;
            let mut finding = resource_finding(
                &input,
                Some(r),
                r.file,
                span,
                level,
                status,
                message,
                Vec::new(),
                &format!("{}#{:?}", r.deployment, r.copy),
            );
            finding.repair =
                crate::rules::modify::repair(&p.definition, &p.parameters, view, &resolver);
            out.push(finding);
        }
        if applied && !p.definition.unknown_aliases.is_empty() {
            let f = resource_finding(
                &input,
                None,
                0,
                crate::source::json::Span { start: 0, end: 0 },
                Level::Note,
                Status::Possible,
                format!(
                    "policy {} uses aliases acrlint does not know ({}); conditions on them are reported as possible",
                    p.definition.name,
                    p.definition.unknown_aliases.join(", ")
                ),
                Vec::new(),
                "unknown-aliases",
            );
            out.push(f);
        }
    }
    out
}
