//! A template no rule reads but with `copy` loops: only their counts are evaluated,
//! as that is all evaluating it could report (a count outside ARM's 0..=800).
//!
//! Every loop's count is evaluated once: variable loops, resource loops (and those of
//! child resources and of nested templates evaluated in this scope), property loops
//! (at the first iteration of their resource's loop, should the count read its index),
//! output loops. Nested templates with `"scope": "inner"` get their parameters from
//! this template's evaluation, which is not done, so their loops are not evaluated.

use std::sync::Arc;

use super::Walker;
use crate::arm::eval::{DeploymentContext, Evaluator, Scope, ScopeKind};
use crate::arm::expand::params::{bind_parameters, declare_variables_and_functions, Binding};
use crate::arm::expand::resource_nodes;
use crate::arm::value::Value;
use crate::source::json::{Node, NodeKind};

impl Walker {
    pub(super) fn copy_counts(
        &mut self,
        template: &Node,
        bind: &dyn Fn(&str) -> Option<Binding>,
        ctx: Arc<DeploymentContext>,
        scope_kind: ScopeKind,
    ) {
        let mut scope = Scope::new(self.file, self.text.clone(), ctx, scope_kind);
        scope.budget = self.budget.clone();
        declare_variables_and_functions(&mut scope, template);
        bind_parameters(&mut scope, template, false, bind);
        {
            let mut ev = Evaluator::new(&scope);
            ev.quiet = true;
            let mut loops: Vec<&Node> = scope.variable_copies.values().copied().collect();
            loops.sort_by_key(|l| l.span.start);
            for l in loops {
                let _ = ev.copy_count(l.get("count"));
            }
            template_counts(&mut ev, template);
        }
        self.diagnostics
            .extend(scope.diagnostics.borrow().iter().cloned());
        let file = scope.file;
        self.parsed
            .extend(scope.parsed_offsets().into_iter().map(|o| (file, o)));
    }
}

/// The loops of a template's resources and outputs.
fn template_counts(ev: &mut Evaluator, template: &Node) {
    for (_, node) in resource_nodes(template) {
        resource_counts(ev, node);
    }
    if let Some(outputs) = template.get("outputs").and_then(Node::as_object) {
        for m in outputs {
            if let Some(copy) = m.value.get("copy").filter(|c| c.is_object()) {
                let _ = ev.copy_count(copy.get("count"));
            }
        }
    }
}

fn resource_counts(ev: &mut Evaluator, node: &Node) {
    if !node.is_object() {
        return;
    }
    let mut in_loop = false;
    if let Some(copy) = node.get("copy").filter(|c| c.is_object()) {
        let _ = ev.copy_count(copy.get("count"));
        let name = match copy.get("name").map(|n| ev.eval_node(n, false)) {
            Some(Value::String(s)) => Some(s),
            _ => None,
        };
        ev.copy.push((name, 0));
        in_loop = true;
    }
    let deployment = node
        .get("type")
        .and_then(Node::as_str)
        .is_some_and(|t| t.eq_ignore_ascii_case("Microsoft.Resources/deployments"));
    if let Some(props) = node.get("properties") {
        property_counts(ev, props, deployment);
        if deployment {
            let inner = props
                .get("expressionEvaluationOptions")
                .and_then(|o| o.get("scope"))
                .and_then(Node::as_str)
                .is_some_and(|s| s.eq_ignore_ascii_case("inner"));
            if let Some(template) = props.get("template").filter(|t| t.is_object() && !inner) {
                template_counts(ev, template);
            }
        }
    }
    for (_, child) in resource_nodes(node) {
        resource_counts(ev, child);
    }
    if in_loop {
        ev.copy.pop();
    }
}

/// Property loops (`"copy": [{"name", "count", "input"}]`) anywhere in a resource's
/// properties; a deployment's inner template is not properties.
fn property_counts(ev: &mut Evaluator, node: &Node, deployment: bool) {
    let NodeKind::Object(members) = &node.kind else {
        if let NodeKind::Array(items) = &node.kind {
            for n in items {
                property_counts(ev, n, false);
            }
        }
        return;
    };
    for m in members {
        if deployment && m.key.eq_ignore_ascii_case("template") {
            continue;
        }
        if m.key.eq_ignore_ascii_case("copy") {
            if let Some(loops) = m.value.as_array() {
                for l in loops {
                    let _ = ev.copy_count(l.get("count"));
                    if let Some(input) = l.get("input") {
                        property_counts(ev, input, false);
                    }
                }
                continue;
            }
        }
        property_counts(ev, &m.value, false);
    }
}
