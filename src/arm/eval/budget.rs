//! The work budget of one file's evaluation: evaluation steps (time) and value cells
//! (memory), counted as the evaluator goes. Every evaluator of the file's expansion
//! (the template, its nested deployments and modules) draws from one budget; once it
//! is spent, every further evaluation gives an unknown at once, the resource walk
//! stops, and the file gets one error where the budget ran out (fail closed: what was
//! not evaluated is not checked). A few hundred bytes of template can ask for 10^12
//! steps (nested lambdas over `range(0, 10000)`) or 10^8 values (copy loops around
//! `range`); real templates use a small fraction of the budget.

use std::cell::{Cell, RefCell};
use std::sync::Arc;

use super::FileId;
use crate::arm::limits::{raise_with, Limits};
use crate::arm::value::{Unknown, Value};
use crate::source::json::Span;

/// Where the budget ran out, and which part of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exhaustion {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

#[derive(Debug)]
pub struct Budget {
    steps: Cell<u64>,
    cells: Cell<u64>,
    max_steps: u64,
    max_cells: u64,
    exhausted: RefCell<Option<Exhaustion>>,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget::new(&Limits::default())
    }
}

impl Budget {
    pub fn new(limits: &Limits) -> Budget {
        Budget {
            steps: Cell::new(0),
            cells: Cell::new(0),
            max_steps: limits.eval_steps,
            max_cells: limits.value_cells,
            exhausted: RefCell::new(None),
        }
    }

    /// Count `steps` and `cells` of work done at `at`; false when the budget is spent
    /// (the place where it ran out is kept, the first time).
    #[inline]
    pub fn spend(&self, steps: u64, cells: u64, at: impl FnOnce() -> (FileId, Span)) -> bool {
        let s = self.steps.get().saturating_add(steps);
        let c = self.cells.get().saturating_add(cells);
        self.steps.set(s);
        self.cells.set(c);
        if s <= self.max_steps && c <= self.max_cells {
            return true;
        }
        if self.exhausted.borrow().is_none() {
            let (file, span) = at();
            let message = if s > self.max_steps {
                format!(
                    "evaluation stopped after {} steps {}: the rest of the file is not checked",
                    self.max_steps,
                    raise_with("eval-steps", self.max_steps)
                )
            } else {
                format!(
                    "evaluation stopped after making {} values {}: the rest of the file is not checked",
                    self.max_cells,
                    raise_with("value-cells", self.max_cells)
                )
            };
            *self.exhausted.borrow_mut() = Some(Exhaustion {
                file,
                span,
                message,
            });
        }
        false
    }

    /// Whether the budget is spent.
    #[inline]
    pub fn is_spent(&self) -> bool {
        self.steps.get() > self.max_steps || self.cells.get() > self.max_cells
    }

    /// Steps and cells counted so far.
    pub fn spent(&self) -> (u64, u64) {
        (self.steps.get(), self.cells.get())
    }

    /// Where the budget ran out, if it did.
    pub fn exhaustion(&self) -> Option<Exhaustion> {
        self.exhausted.borrow().clone()
    }

    /// The unknown every evaluation gives once the budget is spent.
    pub fn spent_value() -> Arc<Unknown> {
        Arc::new(Unknown {
            why: "evaluation stopped: the work budget of the file is spent".into(),
            ..Default::default()
        })
    }
}

/// Cells of the part of a value that was just made: nodes reached through containers
/// no other value holds (reference count 1), and 16 bytes of a new string per cell. A
/// value read from a variable shares its containers and costs nothing; a fresh
/// `json()` tree costs every node.
pub fn fresh_cells(v: &Value) -> u64 {
    match v {
        Value::String(s) if Arc::strong_count(s) == 1 => 1 + s.len() as u64 / 16,
        Value::Array(items) if Arc::strong_count(items) == 1 => {
            1 + items.iter().map(fresh_cells).sum::<u64>()
        }
        Value::Object(map) if Arc::strong_count(map) == 1 => {
            1 + map
                .iter()
                .map(|(k, v)| 1 + k.len() as u64 / 16 + fresh_cells(v))
                .sum::<u64>()
        }
        Value::Candidates(c) if Arc::strong_count(c) == 1 => {
            1 + c.values.iter().map(fresh_cells).sum::<u64>()
        }
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spending_past_a_limit_records_the_first_place_once() {
        let limits = Limits {
            eval_steps: 10,
            value_cells: 100,
            ..Limits::default()
        };
        let b = Budget::new(&limits);
        let at = |n: u32| {
            move || {
                (
                    0,
                    Span {
                        start: n,
                        end: n + 1,
                    },
                )
            }
        };
        assert!(b.spend(10, 100, at(1)));
        assert!(!b.is_spent());
        assert!(!b.spend(1, 0, at(2)));
        assert!(!b.spend(1, 0, at(3)));
        let e = b.exhaustion().unwrap();
        assert_eq!(e.span.start, 2);
        assert!(e.message.contains("after 10 steps"), "{}", e.message);
        assert!(e.message.contains("--limit eval-steps=N"), "{}", e.message);

        let b = Budget::new(&limits);
        assert!(!b.spend(0, 101, at(7)));
        assert!(b.exhaustion().unwrap().message.contains("value-cells"));
    }

    #[test]
    fn fresh_cells_count_what_is_new_only() {
        let shared = Value::array((0..100).map(Value::Int).collect());
        let keep = shared.clone();
        // Shared: nothing new.
        assert_eq!(fresh_cells(&shared), 1);
        // A new array around shared items: its own cell and one per item.
        let outer = Value::array(vec![shared.clone(), shared]);
        assert_eq!(fresh_cells(&outer), 3);
        drop(keep);
        let fresh = Value::array((0..100).map(Value::Int).collect());
        assert_eq!(fresh_cells(&fresh), 101);
        assert_eq!(fresh_cells(&Value::string("x".repeat(160))), 11);
    }
}
