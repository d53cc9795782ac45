//! Walking a template's resources: copy loops, conditions, child resources, nested
//! deployments (inner and outer expression scope), languageVersion 2.0 symbols.

use crate::source::file::SourceText;
use std::collections::HashSet;
use std::sync::Arc;

use super::bodies::{defer_body, Bodies, Needs};
use super::params::{
    bind_parameters, declare_variables_and_functions, parameter_file_binding, Binding,
};
use super::{
    resource_nodes, ExpandOptions, ExpandedOutput, ExpandedResource, Expansion, NestedKind,
};
use crate::arm::eval::{
    is_resource_frame_key, DeclaredResource, DeploymentContext, Diagnostic, DiagnosticKind,
    Evaluator, FileId, PendingBody, Provenance, ProvenanceKind, Scope, ScopeKind,
};
use crate::arm::eval::{Budget, UNKNOWN_COPY_INDEX};
use crate::arm::limits::{raise_with, Limits};
use crate::arm::value::{Map, Name, Str, Term, Value};
use crate::source::json::{Node, NodeKind};
use std::rc::Rc;

mod counts;
mod outputs;

/// Cells a resource costs besides its body (its name, condition, traces, copy stack).
const RESOURCE_CELLS: u64 = 32;

/// Key on a nested `template` object naming the file it was written in (index into
/// the expansion's files), for templates assembled from several files (Bicep modules).
pub const FILE_MARKER: &str = "$acrlintFile";

struct Walker {
    file: FileId,
    text: SourceText,
    /// Text of every file of the expansion, by id.
    texts: Vec<SourceText>,
    resources: Vec<ExpandedResource>,
    diagnostics: Vec<Diagnostic>,
    /// The file's work budget, shared by every scope of the expansion.
    budget: Rc<Budget>,
    limits: Limits,
    bodies: Bodies,
    /// Strings already parsed by evaluation, by file and offset.
    parsed: HashSet<(FileId, u32)>,
}

/// Where a template level sits.
#[derive(Clone)]
struct Level {
    deployment: String,
    condition: Value,
    depth: usize,
}

struct Parent {
    index: usize,
    resource_type: Str,
    name: Value,
    condition: Value,
}

pub(super) fn expand_top(exp: &mut Expansion, param_file: Option<FileId>, options: &ExpandOptions) {
    crate::arm::limits::with(&options.limits, || {
        expand_top_within_limits(exp, param_file, options)
    })
}

fn expand_top_within_limits(
    exp: &mut Expansion,
    param_file: Option<FileId>,
    options: &ExpandOptions,
) {
    let root = exp.files[0].root.clone();
    let text = exp.files[0].source.text.clone();
    let texts = exp.files.iter().map(|f| f.source.text.clone()).collect();
    let pf_root = param_file
        .and_then(|id| exp.files.get(id as usize))
        .map(|f| f.root.clone());
    let ctx = Arc::new(options.context.clone());
    let mut walker = Walker {
        file: 0,
        text,
        texts,
        resources: Vec::new(),
        diagnostics: Vec::new(),
        budget: Rc::new(Budget::new(&options.limits)),
        limits: options.limits.clone(),
        parsed: HashSet::new(),
        bodies: options.bodies.for_template_noting(
            exp.files.iter().map(|f| f.source.text.as_str()),
            &mut exp.absent_words,
        ),
    };
    let scope_kind =
        ScopeKind::from_schema(root.get("$schema").and_then(Node::as_str).unwrap_or(""));
    let level = Level {
        deployment: String::new(),
        condition: Value::Bool(true),
        depth: 0,
    };
    let overrides = &options.parameter_overrides;
    let bind = |name: &str| -> Option<Binding> {
        if let Some((n, v)) = overrides.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
            return Some(Binding {
                value: v.clone(),
                provenance: Arc::new(Provenance {
                    kind: ProvenanceKind::Context,
                    name: Str::from(n.as_str()),
                    file: 0,
                    span: root.span,
                    upstream: Vec::new(),
                }),
            });
        }
        let (id, root) = (param_file?, pf_root.as_ref()?);
        parameter_file_binding(id, root, name)
    };
    // A template no rule reads anything of is not evaluated (but for the counts of
    // its copy loops); its syntax is checked below, as for every template.
    let needs = walker
        .bodies
        .needs(&root, exp.files.iter().map(|f| f.source.text.as_str()));
    let outputs = match needs {
        Needs::Evaluation => walker.template(&root, &bind, ctx, scope_kind, &level),
        Needs::CopyCounts => {
            walker.copy_counts(&root, &bind, ctx, scope_kind);
            Vec::new()
        }
        Needs::Nothing => Vec::new(),
    };
    exp.resources = walker.resources;
    exp.outputs = outputs;
    exp.diagnostics = walker.diagnostics;
    exp.work = walker.budget.spent();
    // Where the budget ran out: what was not evaluated is not checked (an error).
    if let Some(e) = walker.budget.exhaustion() {
        exp.diagnostics.push(Diagnostic {
            file: e.file,
            span: e.span,
            message: e.message,
            kind: DiagnosticKind::Limit,
        });
    }
    super::syntax::check_every_expression(exp, &walker.parsed);
}

/// `a && b` over condition values.
fn and_condition(a: &Value, b: &Value) -> Value {
    match (a, b) {
        (Value::Bool(false), _) | (_, Value::Bool(false)) => Value::Bool(false),
        (Value::Bool(true), other) | (other, Value::Bool(true)) => other.clone(),
        (x, _) => x.clone(),
    }
}

fn is_deployment(ty: &str) -> bool {
    ty.eq_ignore_ascii_case("Microsoft.Resources/deployments")
}

impl Walker {
    fn template(
        &mut self,
        template: &Node,
        bind: &dyn Fn(&str) -> Option<Binding>,
        ctx: Arc<DeploymentContext>,
        scope_kind: ScopeKind,
        level: &Level,
    ) -> Vec<ExpandedOutput> {
        let mut scope = Scope::new(self.file, self.text.clone(), ctx, scope_kind);
        scope.budget = self.budget.clone();
        declare_variables_and_functions(&mut scope, template);
        bind_parameters(&mut scope, template, level.depth > 0, bind);
        self.resources_of(&scope, template, level);
        let outputs = if level.depth == 0 && !matches!(self.bodies, Bodies::All) {
            self.deferred_outputs(&scope, template)
        } else {
            self.outputs(&scope, template)
        };
        self.diagnostics
            .extend(scope.diagnostics.borrow().iter().cloned());
        let file = scope.file;
        self.parsed
            .extend(scope.parsed_offsets().into_iter().map(|o| (file, o)));
        outputs
    }

    fn resources_of<'t>(&mut self, scope: &Scope<'t>, template: &'t Node, level: &Level) {
        let nodes = resource_nodes(template);
        // Pre-declare symbolic resources so `reference('sym')` works in any order.
        for (sym, node) in &nodes {
            let Some(sym) = sym else { continue };
            if node.get("copy").is_some() {
                continue;
            }
            let mut ev = Evaluator::new(scope);
            let ty = node.get("type").map(|t| ev.eval_node(t, false));
            let name = node.get("name").map(|n| ev.eval_node(n, false));
            if let Some(Value::String(ty)) = ty {
                let name = name.as_ref().and_then(crate::arm::eval::name_key);
                let mut declared = scope.declared.borrow_mut();
                declared.push(DeclaredResource {
                    symbolic: Some(sym.clone()),
                    resource_type: ty,
                    name,
                    body: Value::Null,
                    existing: node
                        .get("existing")
                        .is_some_and(|e| matches!(e.kind, NodeKind::Bool(true))),
                });
                scope
                    .symbols
                    .borrow_mut()
                    .insert(sym.to_ascii_lowercase(), declared.len() - 1);
            }
        }
        for (sym, node) in nodes {
            self.resource(scope, node, sym, None, level, &[]);
        }
    }

    fn resource<'t>(
        &mut self,
        scope: &Scope<'t>,
        node: &'t Node,
        symbolic: Option<Str>,
        parent: Option<&Parent>,
        level: &Level,
        copy_stack: &[(Option<Str>, i64)],
    ) {
        if !node.is_object() {
            return;
        }
        let Some(copy) = node.get("copy").filter(|c| c.is_object()) else {
            self.iteration(scope, node, symbolic, parent, level, copy_stack.to_vec());
            return;
        };
        let mut ev = Evaluator::new(scope);
        ev.copy = copy_stack.to_vec();
        let loop_name = match copy.get("name").map(|n| ev.eval_node(n, false)) {
            Some(Value::String(s)) => Some(s),
            _ => None,
        };
        match ev.copy_count(copy.get("count")) {
            Ok(count) => {
                for i in 0..count {
                    let mut stack = copy_stack.to_vec();
                    stack.push((loop_name.clone(), i));
                    self.iteration(scope, node, symbolic.clone(), parent, level, stack);
                    if self.budget.is_spent() {
                        return;
                    }
                }
            }
            Err(_) => {
                let mut stack = copy_stack.to_vec();
                stack.push((loop_name, UNKNOWN_COPY_INDEX));
                self.iteration(scope, node, symbolic, parent, level, stack);
            }
        }
    }

    fn iteration<'t>(
        &mut self,
        scope: &Scope<'t>,
        node: &'t Node,
        symbolic: Option<Str>,
        parent: Option<&Parent>,
        level: &Level,
        copy: Vec<(Option<Str>, i64)>,
    ) {
        // Each resource counts against the file's budget (what it holds besides its
        // body); once the budget is spent, the walk stops.
        let file = self.file;
        if !self.budget.spend(1, RESOURCE_CELLS, || (file, node.span)) {
            return;
        }
        let mut ev = Evaluator::new(scope);
        ev.copy = copy.clone();
        ev.node_traces = Some(Vec::new());
        let own_condition = node
            .get("condition")
            .map(|c| ev.eval_node(c, false))
            .unwrap_or(Value::Bool(true));
        let inherited = parent.map_or(&level.condition, |p| &p.condition);
        let condition = and_condition(inherited, &own_condition);
        // ARM does not deploy a resource whose condition is false: errors in its
        // properties are not errors of the deployment. When the condition is unknown
        // they may not be either, so only a resource surely deployed reports them.
        ev.quiet = !matches!(condition, Value::Bool(true));
        let ty = match node.get("type").map(|t| ev.eval_node(t, false)) {
            Some(Value::String(s)) => s,
            _ => Str::from("<unknown type>"),
        };
        let resource_type = match parent {
            Some(p)
                if !ty.contains('/')
                    || !ty.starts_with(p.resource_type.split('/').next().unwrap_or("")) =>
            {
                Str::from(format!("{}/{}", p.resource_type, ty))
            }
            _ => ty,
        };
        let own_name = node
            .get("name")
            .map(|n| ev.eval_node(n, false))
            .unwrap_or(Value::Null);
        let name = match (parent, &own_name) {
            (Some(p), Value::String(n)) => match &p.name {
                Value::String(pn) if !n.contains('/') => Value::string(format!("{pn}/{n}")),
                Value::String(_) => own_name.clone(),
                other => other.clone(),
            },
            _ => own_name,
        };
        let deployment = is_deployment(&resource_type);
        let deferred = if deployment || self.bodies.wants(&resource_type) {
            None
        } else {
            defer_body(&mut ev, scope, node)
        };
        let is_deferred = deferred.is_some();
        let body = match deferred {
            Some(kept) => kept,
            None if deployment => {
                let mut body = Map::new();
                for m in node.as_object().unwrap_or(&[]) {
                    if is_resource_frame_key(&m.key) {
                        continue;
                    }
                    let v = if m.key.eq_ignore_ascii_case("properties") {
                        self.deployment_properties(&mut ev, &m.value)
                    } else {
                        ev.eval_node(&m.value, true)
                    };
                    body.insert(m.key.clone(), v);
                }
                body
            }
            None => ev.resource_body(node),
        };
        let body = Value::object(body);
        let api_version = body
            .get("apiVersion")
            .and_then(Value::as_str)
            .map(Str::from);
        let location = body.get("location").cloned();
        let existing = body
            .get("existing")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let traces = ev.node_traces.take().unwrap_or_default();
        // Declare for reference(): full body, names as strings.
        {
            let mut declared = scope.declared.borrow_mut();
            let name_str = crate::arm::eval::name_key(&name);
            let found = symbolic.as_ref().and_then(|s| {
                declared.iter().position(|d| {
                    d.symbolic
                        .as_ref()
                        .is_some_and(|x| x.eq_ignore_ascii_case(s))
                        && copy.is_empty()
                })
            });
            let at = match found {
                Some(i) => {
                    if let Some(d) = declared.get_mut(i) {
                        d.body = body.clone();
                    }
                    Some(i)
                }
                None => {
                    declared.push(DeclaredResource {
                        symbolic: symbolic.clone(),
                        resource_type: resource_type.clone(),
                        name: name_str,
                        body: body.clone(),
                        existing,
                    });
                    Some(declared.len() - 1)
                }
            };
            if let (true, Some(at)) = (is_deferred, at) {
                scope.pending_bodies.borrow_mut().insert(
                    at,
                    PendingBody {
                        node,
                        copy: copy.clone(),
                    },
                );
            }
        }
        let index = self.resources.len();
        self.resources.push(ExpandedResource {
            resource_type: resource_type.clone(),
            api_version,
            name: name.clone(),
            location,
            condition: condition.clone(),
            body: body.clone(),
            file: self.file,
            span: node.span,
            deployment: level.deployment.clone(),
            symbolic,
            existing,
            copy: copy.clone(),
            traces,
            nested: None,
            parent: parent.map(|p| p.index),
        });
        if deployment {
            let kind = self.nested(scope, node, &body, &name, &condition, level, &copy);
            if let Some(r) = self.resources.get_mut(index) {
                r.nested = kind;
            }
        }
        let as_parent = Parent {
            index,
            resource_type,
            name,
            condition,
        };
        if let Some(children) = node.get("resources") {
            let children: Vec<&Node> = match &children.kind {
                NodeKind::Array(items) => items.iter().collect(),
                NodeKind::Object(members) => members.iter().map(|m| &m.value).collect(),
                _ => Vec::new(),
            };
            for child in children {
                self.resource(scope, child, None, Some(&as_parent), level, &copy);
            }
        }
    }

    /// A deployment's `properties`, leaving the inner template unevaluated (its
    /// expressions belong to the inner scope, or are walked as resources).
    fn deployment_properties(&mut self, ev: &mut Evaluator, props: &Node) -> Value {
        let mut out = Map::new();
        if let Some(members) = props.as_object() {
            for m in members {
                if m.key.eq_ignore_ascii_case("template") {
                    continue;
                }
                let v = ev.eval_node(&m.value, true);
                out.insert(m.key.clone(), v);
            }
        }
        Value::object(out)
    }

    #[allow(clippy::too_many_arguments)]
    fn nested<'t>(
        &mut self,
        outer: &Scope<'t>,
        node: &'t Node,
        body: &Value,
        name: &Value,
        condition: &Value,
        level: &Level,
        copy: &[(Option<Str>, i64)],
    ) -> Option<NestedKind> {
        let props = node.get("properties")?;
        if props.get("templateLink").is_some() {
            return Some(NestedKind::Linked);
        }
        let template = props.get("template").filter(|t| t.is_object())?;
        let max = self.limits.deployment_depth;
        if level.depth + 1 > max {
            self.diagnostics.push(Diagnostic {
                file: self.file,
                span: node.span,
                message: format!(
                    "nested deployments deeper than {max} levels are not followed {}: what they deploy is not checked",
                    raise_with("deployment-depth", max)
                ),
                kind: DiagnosticKind::Limit,
            });
            return Some(NestedKind::Inline);
        }
        let label = match name {
            Value::String(s) => s.to_string(),
            _ => "<unknown>".to_string(),
        };
        let inner_level = Level {
            deployment: if level.deployment.is_empty() {
                label
            } else {
                format!("{}/{}", level.deployment, label)
            },
            condition: condition.clone(),
            depth: level.depth + 1,
        };
        let evaluated_props = body.get("properties");
        let inner_scope = evaluated_props
            .and_then(|p| p.get("expressionEvaluationOptions"))
            .and_then(|o| o.get("scope"))
            .and_then(Value::as_str)
            .is_some_and(|s| s.eq_ignore_ascii_case("inner"));
        let scope_kind = match template.get("$schema").and_then(Node::as_str) {
            Some(s) => ScopeKind::from_schema(s),
            None => outer.scope_kind,
        };
        // A deployment into another resource group changes the context.
        let mut ctx = (*outer.context).clone();
        if let Some(rg) = body.get("resourceGroup") {
            match rg.as_str() {
                Some(g)
                    if ctx
                        .resource_group
                        .as_deref()
                        .is_some_and(|c| c.eq_ignore_ascii_case(g)) => {}
                Some(g) => {
                    ctx.resource_group = Some(g.to_string());
                    ctx.location = None;
                }
                None => {
                    ctx.resource_group = None;
                    ctx.location = None;
                }
            }
        }
        if let Some(sub) = body.get("subscriptionId") {
            ctx.subscription_id = sub.as_str().map(String::from);
        }
        let ctx = Arc::new(ctx);
        // A template written in another file (a Bicep module): its spans are that file's.
        let saved_file = (self.file, self.text.clone());
        let template_file = template.get(FILE_MARKER).and_then(|n| match n.kind {
            NodeKind::Int(i) => u32::try_from(i).ok(),
            _ => None,
        });
        let outputs = if inner_scope {
            let params_node = props.get("parameters");
            let evaluated = evaluated_props.and_then(|p| p.get("parameters")).cloned();
            let traces = self
                .resources
                .iter()
                .rev()
                .find(|r| r.span == node.span && r.copy == copy)
                .map(|r| r.traces.clone())
                .unwrap_or_default();
            let file = self.file;
            let bind = move |pname: &str| -> Option<Binding> {
                let entry = evaluated.as_ref()?.get(pname)?;
                let value_node = params_node?.get(pname)?;
                let (value, span) = if let Some(v) = entry.get("value") {
                    (
                        v.clone(),
                        value_node.get("value").map_or(value_node.span, |n| n.span),
                    )
                } else if entry.get("reference").is_some() {
                    (
                        Value::unknown_term(
                            format!("parameter '{pname}' is a Key Vault secret reference"),
                            Term::Parameter(pname.into()),
                        ),
                        value_node.span,
                    )
                } else {
                    return None;
                };
                let upstream: Vec<Arc<Provenance>> = traces
                    .iter()
                    .filter(|(s, _)| s.start >= span.start && s.end <= span.end)
                    .flat_map(|(_, t)| t.iter().cloned())
                    .collect();
                Some(Binding {
                    value,
                    provenance: Arc::new(Provenance {
                        kind: ProvenanceKind::DeploymentParameter,
                        name: Str::from(pname),
                        file,
                        span,
                        upstream,
                    }),
                })
            };
            if let Some(id) = template_file {
                if let Some(t) = self.texts.get(id as usize).cloned() {
                    self.file = id;
                    self.text = t;
                }
            }
            let outputs = self.template(template, &bind, ctx, scope_kind, &inner_level);
            (self.file, self.text) = saved_file;
            outputs
        } else {
            // Outer scope: the inner template's expressions see the outer template's
            // parameters and variables.
            self.resources_of(outer, template, &inner_level);
            self.outputs(outer, template)
        };
        // Outputs are visible through reference(deployment).outputs.
        let mut out_map = Map::new();
        for o in &outputs {
            let mut entry = Map::new();
            entry.insert(
                Str::from("type"),
                o.output_type
                    .as_ref()
                    .map_or(Value::Null, |t| Value::String(t.clone())),
            );
            entry.insert(Str::from("value"), o.value.clone());
            out_map.insert(o.name.clone(), Value::object(entry));
        }
        if let Some(name) = name.as_str() {
            let mut declared = outer.declared.borrow_mut();
            if let Some(d) = declared.iter_mut().rev().find(|d| {
                is_deployment(&d.resource_type)
                    && d.name.as_ref().and_then(Name::as_text).as_deref() == Some(name)
            }) {
                let mut b = d.body.as_object().cloned().unwrap_or_default();
                let mut p = b
                    .get("properties")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default();
                p.insert(Str::from("outputs"), Value::object(out_map));
                b.insert(Str::from("properties"), Value::object(p));
                d.body = Value::object(b);
            }
        }
        Some(NestedKind::Inline)
    }
}
