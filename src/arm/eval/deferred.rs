//! Resource bodies evaluated on demand (`check` defers the bodies no rule reads, see
//! `arm::expand::bodies`) and the size guard on values kept from an expression.

use super::{DiagnosticKind, Evaluator, Scope};
use crate::arm::limits::MAX_VALUE_DEPTH;
use crate::arm::value::{Map, Str, Value};
use crate::source::json::{Node, Span};

/// A resource body left unevaluated: the resource node and its copy-loop position.
#[derive(Clone, Debug)]
pub struct PendingBody<'t> {
    pub node: &'t Node,
    pub copy: Vec<(Option<Str>, i64)>,
}

/// Members of a resource object that are not part of its evaluated body.
pub fn is_resource_frame_key(key: &str) -> bool {
    ["resources", "copy", "condition", "type", "name"]
        .iter()
        .any(|k| key.eq_ignore_ascii_case(k))
}

impl Scope<'_> {
    /// The body of declared resource `index`, evaluating it first if it was deferred.
    pub fn declared_body(&self, index: usize) -> Value {
        let pending = self.pending_bodies.borrow_mut().remove(&index);
        if let Some(p) = pending {
            let mut ev = Evaluator::new(self);
            ev.copy = p.copy;
            ev.quiet = true;
            let body = Value::object(ev.resource_body(p.node));
            if let Some(d) = self.declared.borrow_mut().get_mut(index) {
                d.body = body;
            }
        }
        self.declared
            .borrow()
            .get(index)
            .map_or(Value::Null, |d| d.body.clone())
    }
}

impl Evaluator<'_, '_> {
    /// A resource's evaluated body: every member but the frame (`type`, `name`,
    /// `condition`, `copy`, child `resources`), property loops expanded.
    pub fn resource_body(&mut self, node: &Node) -> Map {
        let mut body = Map::new();
        for m in node.as_object().unwrap_or(&[]) {
            if !is_resource_frame_key(&m.key) {
                let v = self.eval_node(&m.value, true);
                body.insert(m.key.clone(), v);
            }
        }
        body
    }

    /// `v`, or an unknown (with a diagnostic at `span`) when it is too large to keep:
    /// values that share parts can double at every step (`createArray(x, x)`).
    /// Walking it is work: it counts against the budget.
    pub(super) fn bounded(&mut self, v: Value, span: Span) -> Value {
        match v.size_within(crate::arm::limits::current().value_nodes, MAX_VALUE_DEPTH) {
            Ok(nodes) => {
                let file = self.scope.file;
                if self.scope.budget.spend(nodes as u64, 0, || (file, span)) {
                    v
                } else {
                    Value::Unknown(super::Budget::spent_value())
                }
            }
            Err(why) => {
                self.scope
                    .diagnose(span, DiagnosticKind::Limit, why.clone());
                Value::unknown(why)
            }
        }
    }
}
