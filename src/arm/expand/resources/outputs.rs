//! A template's outputs: evaluated, or deferred at the top level when no rule reads
//! them (see `super::super::bodies`).

use super::Walker;
use crate::arm::eval::{Evaluator, Scope};
use crate::arm::expand::bodies::deferrable;
use crate::arm::expand::ExpandedOutput;
use crate::arm::value::{Str, Value};
use crate::source::json::{Member, Node};

impl Walker {
    /// The top-level outputs when no rule reads them: those that can be deferred
    /// are unknown, the others evaluated.
    pub(super) fn deferred_outputs(
        &mut self,
        scope: &Scope,
        template: &Node,
    ) -> Vec<ExpandedOutput> {
        self.outputs_where(scope, template, &|m| {
            !deferrable(scope, std::iter::once(&m.value))
        })
    }

    pub(super) fn outputs(&mut self, scope: &Scope, template: &Node) -> Vec<ExpandedOutput> {
        self.outputs_where(scope, template, &|_| true)
    }

    /// Outputs, evaluating the values of those `evaluate` accepts (the others are
    /// unknown).
    fn outputs_where(
        &mut self,
        scope: &Scope,
        template: &Node,
        evaluate: &dyn Fn(&Member) -> bool,
    ) -> Vec<ExpandedOutput> {
        let Some(members) = template.get("outputs").and_then(Node::as_object) else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(members.len());
        for m in members {
            let mut ev = Evaluator::new(scope);
            ev.node_traces = Some(Vec::new());
            let output_type = m.value.get("type").and_then(Node::as_str).map(Str::from);
            let value = if !evaluate(m) {
                Value::unknown("not evaluated: no rule reads it")
            } else if let Some(copy) = m.value.get("copy").filter(|c| c.is_object()) {
                match (ev.copy_count(copy.get("count")), copy.get("input")) {
                    (Ok(count), Some(input)) => {
                        let mut items = Vec::with_capacity(count as usize);
                        for i in 0..count {
                            ev.copy.push((None, i));
                            items.push(ev.eval_node(input, true));
                            ev.copy.pop();
                        }
                        Value::array(items)
                    }
                    (Err(u), _) => u,
                    (_, None) => Value::unknown("output copy without input"),
                }
            } else if let Some(v) = m.value.get("value") {
                ev.eval_node(v, true)
            } else {
                Value::Null
            };
            out.push(ExpandedOutput {
                name: m.key.clone(),
                output_type,
                value,
                span: m.value.span,
                file: self.file,
                traces: ev.node_traces.take().unwrap_or_default(),
            });
        }
        out
    }
}
