//! Running rules over an expansion: declarative rules (Azure Policy condition grammar
//! over each resource) and native checks, with three-valued verdicts.

use std::path::Path;
use std::sync::Arc;

use crate::arm::expand::{Bodies, BodyTypes, ExpandOptions, ExpandedResource, Expansion};
use crate::arm::value::Value;
use crate::rules::catalog::{parse_rule, RuleMeta};
use crate::rules::condition::{Condition, NoExpressions, Outcome};
use crate::rules::finding::{Finding, Status};
use crate::rules::locate::{path_span, value_sources};
use crate::rules::native::registry::{self, builtin_rules, NativeRule, REGISTRY_MARKER};
use crate::rules::native::{name_text, resource_finding, DeploymentMode, RuleInput};
use crate::rules::views::ResourceViews;
use crate::source::sources::Sources;

enum RuleKind {
    Declarative(Condition),
    Native(&'static NativeRule),
    /// Reported by the driver (see [`registry::is_driver`]).
    Driver,
}

struct CompiledRule {
    meta: RuleMeta,
    kind: RuleKind,
}

/// The rules of a run, compiled once.
pub struct Engine {
    rules: Vec<CompiledRule>,
    /// Azure Policy definitions loaded with `--policy`.
    policies: Vec<crate::rules::imported::ImportedPolicy>,
    /// Resource types whose bodies some rule reads; `None` when a rule may read any.
    body_types: Option<Arc<BodyTypes>>,
}

/// What the engine needs to know about the expansion it checks.
pub struct EngineInput<'a> {
    pub expansion: &'a Expansion,
    pub options: &'a ExpandOptions,
    pub mode: DeploymentMode,
    pub template_path: &'a Path,
    /// Where the expansion's files were read: a rule that evaluates the template
    /// again reads them there too.
    pub sources: &'a dyn Sources,
}

impl Engine {
    /// The built-in rules.
    pub fn builtin() -> Result<Engine, String> {
        Engine::from_metas(builtin_rules()?)
    }

    /// Compile rule metadata: a condition makes a declarative rule, otherwise a native
    /// check must be registered under the id.
    pub fn from_metas(metas: Vec<RuleMeta>) -> Result<Engine, String> {
        let mut rules = Vec::with_capacity(metas.len());
        for meta in metas {
            let kind = match (&meta.condition, registry::native(&meta.id)) {
                (_, Some(native)) => RuleKind::Native(native),
                (Some(c), None) => RuleKind::Declarative(
                    Condition::parse(c, "condition")
                        .map_err(|e| format!("rule {}: {e}", meta.id))?,
                ),
                (None, None) if registry::is_driver(&meta.id) => RuleKind::Driver,
                (None, None) => {
                    return Err(format!(
                        "rule {} has neither a condition nor a native check",
                        meta.id
                    ))
                }
            };
            rules.push(CompiledRule { meta, kind });
        }
        let mut engine = Engine {
            rules,
            policies: Vec::new(),
            body_types: None,
        };
        engine.update_body_types();
        Ok(engine)
    }

    /// Which resource bodies checking needs evaluated: only those of the types the
    /// rules read, unless a rule reads every body (in every template, or in those
    /// that call a function a native rule names in
    /// [`registry::Reads::every_body_when_called`]).
    pub fn bodies(&self) -> Bodies {
        match &self.body_types {
            Some(types) => Bodies::Only(types.clone()),
            None => Bodies::All,
        }
    }

    fn update_body_types(&mut self) {
        let any_type = !self.policies.is_empty()
            || self.rules.iter().any(|r| {
                matches!(r.kind, RuleKind::Declarative(_)) && r.meta.resource_types.is_empty()
            });
        self.body_types = (!any_type).then(|| {
            let declared = self
                .rules
                .iter()
                .flat_map(|r| r.meta.resource_types.iter().map(String::as_str));
            // A type a declarative rule is about matters in every template.
            let subjects: Vec<&str> = self
                .rules
                .iter()
                .filter(|r| matches!(r.kind, RuleKind::Declarative(_)))
                .flat_map(|r| r.meta.resource_types.iter().map(String::as_str))
                .collect();
            // What the native rules read, each type once.
            let mut bodies: Vec<&str> = Vec::new();
            let mut companions: Vec<&str> = Vec::new();
            let mut every_body: Vec<&str> = Vec::new();
            for r in &self.rules {
                if let RuleKind::Native(n) = r.kind {
                    let reads = n.reads;
                    for (all, some) in [
                        (&mut bodies, reads.bodies),
                        (&mut companions, reads.registry_companions),
                        (&mut every_body, reads.every_body_when_called),
                    ] {
                        for t in some {
                            if !all.contains(t) {
                                all.push(t);
                            }
                        }
                    }
                }
            }
            // A companion's body is read too.
            for c in &companions {
                if !bodies.contains(c) {
                    bodies.push(c);
                }
            }
            let companions = companions
                .into_iter()
                .filter(|c| !subjects.iter().any(|s| s.eq_ignore_ascii_case(c)));
            Arc::new(
                BodyTypes::new(bodies.into_iter().chain(declared), &every_body)
                    .with_companions(companions, REGISTRY_MARKER),
            )
        });
    }

    /// Add Azure Policy definitions (`--policy FILE|DIR`, `--policy-parameters`).
    pub fn add_policies(
        &mut self,
        path: &Path,
        parameters: Option<&serde_json::Value>,
    ) -> Result<(), String> {
        self.policies
            .extend(crate::rules::imported::load(path, parameters)?);
        self.update_body_types();
        Ok(())
    }

    /// Add user rules from a directory of rule files (`--rules DIR`).
    pub fn add_rules_dir(&mut self, dir: &Path) -> Result<(), String> {
        let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut paths: Vec<_> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        paths.sort();
        let mut metas = Vec::new();
        for p in paths {
            let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            metas.push(parse_rule(&text).map_err(|e| format!("{}: {e}", p.display()))?);
        }
        let extra = Engine::from_metas(metas)?;
        for r in extra.rules {
            if self.rules.iter().any(|x| x.meta.id == r.meta.id) {
                return Err(format!("rule {} is defined twice", r.meta.id));
            }
            self.rules.push(r);
        }
        self.update_body_types();
        Ok(())
    }

    pub fn metas(&self) -> Vec<RuleMeta> {
        self.rules
            .iter()
            .map(|r| r.meta.clone())
            .chain(
                self.policies
                    .iter()
                    .filter(|p| p.definition.runs())
                    .map(|p| p.meta.clone()),
            )
            .collect()
    }

    /// The ids of every rule it runs.
    pub fn ids(&self) -> Vec<String> {
        self.metas().into_iter().map(|m| m.id).collect()
    }

    /// The metadata of a rule or of a `--policy` definition that runs, by id.
    pub fn meta(&self, id: &str) -> Option<&RuleMeta> {
        self.rules
            .iter()
            .map(|r| &r.meta)
            .chain(
                self.policies
                    .iter()
                    .filter(|p| p.definition.runs())
                    .map(|p| &p.meta),
            )
            .find(|m| m.id.eq_ignore_ascii_case(id))
    }

    /// Run every rule on one expansion.
    pub fn run(&self, input: &EngineInput) -> Vec<Finding> {
        let mut out = Vec::new();
        // Each resource's view is built once and shared by every declarative rule and
        // imported policy.
        let views = ResourceViews::new(input.expansion);
        for rule in &self.rules {
            if rule.meta.effect.eq_ignore_ascii_case("disabled") {
                continue;
            }
            let rin = RuleInput {
                expansion: input.expansion,
                meta: &rule.meta,
                mode: input.mode,
                options: input.options,
                template_path: input.template_path,
                sources: input.sources,
            };
            match &rule.kind {
                RuleKind::Declarative(cond) => declarative(&rin, cond, &views, &mut out),
                RuleKind::Native(native) => out.extend((native.check)(&rin)),
                RuleKind::Driver => {}
            }
        }
        if !self.policies.is_empty() {
            out.extend(crate::rules::imported::run(
                &self.policies,
                &views,
                input.expansion,
                input.options,
                input.template_path,
                input.sources,
            ));
        }
        out
    }
}

fn applies(meta: &RuleMeta, r: &ExpandedResource) -> bool {
    meta.resource_types.is_empty()
        || meta
            .resource_types
            .iter()
            .any(|t| t.eq_ignore_ascii_case(&r.resource_type))
}

/// How a value reads in a message.
pub fn describe_value(v: Option<&Value>) -> String {
    match v {
        None => "omitted".to_string(),
        Some(Value::Candidates(c)) => format!(
            "one of {} ({})",
            c.values
                .iter()
                .map(|v| v.to_json().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            c.origin()
        ),
        Some(Value::Unknown(u)) => format!("unknown: {}", u.why),
        Some(v) => v.to_json().to_string(),
    }
}

fn value_at<'v>(body: &'v Value, path: &[&str]) -> Option<&'v Value> {
    let mut v = body;
    for p in path {
        v = match v {
            Value::Array(items) => items.get(p.parse::<usize>().ok()?)?,
            other => other.get(p)?,
        };
    }
    Some(v)
}

fn declarative(input: &RuleInput, cond: &Condition, views: &ResourceViews, out: &mut Vec<Finding>) {
    let exp = input.expansion;
    for (i, r) in exp.resources.iter().enumerate() {
        if r.existing || !applies(input.meta, r) {
            continue;
        }
        // Not deployed: its ordinary rules do not fail.
        if matches!(r.condition, Value::Bool(false)) {
            continue;
        }
        let outcome = cond.evaluate(views.get(i), &Default::default(), &NoExpressions);
        let (mut status, mut reasons) = match outcome {
            Outcome::False => continue,
            Outcome::True => (Status::Fail, Vec::new()),
            Outcome::Possible { reasons } => (Status::Possible, reasons),
        };
        // A resource that may not be deployed only possibly violates.
        if !matches!(r.condition, Value::Bool(true)) {
            status = Status::Possible;
            reasons.push(crate::rules::condition::Reason::Unknown {
                why: "the resource is deployed only if its condition holds, which is not known"
                    .into(),
            });
        }
        let path: Vec<&str> = input
            .meta
            .location
            .as_deref()
            .map(|l| l.split('.').collect())
            .unwrap_or_default();
        let ps = path_span(exp, r, &path);
        let value = value_at(&r.body, &path);
        let mut message = input
            .meta
            .message
            .replace("{name}", &name_text(&r.name))
            .replace("{value}", &describe_value(value));
        if value.is_none() {
            if let Some(w) = &input.meta.when_omitted {
                message.push_str(". ");
                message.push_str(w);
            }
        }
        if !reasons.is_empty() {
            let rs: Vec<String> = reasons.iter().map(ToString::to_string).collect();
            message.push_str(&format!(" (possible: {})", rs.join("; ")));
        }
        let level = match status {
            Status::Fail => input.meta.severity,
            Status::Possible => input.meta.severity.lower(),
        };
        let related = value_sources(exp, &r.traces, &ps);
        let key = format!(
            "{}#{:?}#{}",
            r.deployment,
            r.copy,
            input.meta.location.as_deref().unwrap_or("")
        );
        out.push(resource_finding(
            input,
            Some(r),
            r.file,
            ps.span,
            level,
            status,
            message,
            related,
            &key,
        ));
    }
}
