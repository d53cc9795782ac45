//! Caps that keep evaluation bounded on hostile or broken input. Each cap produces a
//! clear message naming it, never a crash.
//!
//! A limit that stops the evaluation of anything a rule may read makes the file fail
//! (an ACR000 error: a template acrlint could not check must not pass). Those acrlint
//! sets itself are [`Limits`], each with a name that `--limit NAME=VALUE` raises and
//! that its message gives; ARM's own limits (a copy count of at most 800, `range` of
//! at most 10,000 items) are ARM's, and a template beyond them fails to deploy.

use std::cell::RefCell;

/// ARM's cap on `copy` counts.
pub const MAX_COPY_COUNT: i64 = 800;
/// ARM's cap on `range` counts.
pub const MAX_RANGE_COUNT: i64 = 10_000;
/// Deepest expression nesting the parser accepts (the parsers recurse: a stack bound).
pub const MAX_EXPRESSION_DEPTH: usize = 128;
/// Deepest JSON nesting the loader accepts (a stack bound, as above).
pub const MAX_JSON_DEPTH: usize = 256;
/// Most combinations tried when a function is applied to candidate sets (more give an
/// unknown value, which rules report as possible; nothing stops).
pub const MAX_CANDIDATE_COMBINATIONS: usize = 64;
/// Deepest recursion through user functions and variables (a stack bound).
pub const MAX_CALL_DEPTH: usize = 64;
/// Deepest value an expression or variable may produce (dropping, printing and
/// comparing values recurse through them: a stack bound).
pub const MAX_VALUE_DEPTH: usize = 512;

/// The limits a run may raise, per checked file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest file read, in bytes.
    pub file_bytes: u64,
    /// Deepest chain of nested deployments (or Bicep modules) followed. ARM sets no
    /// depth of its own: each nested template may hold its own 800 resources.
    pub deployment_depth: usize,
    /// Evaluation steps per file (expressions, nodes and resources evaluated): the
    /// bound on time.
    pub eval_steps: u64,
    /// Value cells per file (items, members, 16 bytes of string, resources) made
    /// while evaluating: the bound on memory.
    pub value_cells: u64,
    /// Largest value one expression or variable may produce, counted in nodes as
    /// written out (a shared part counts once per use: `createArray(x, x)` doubles).
    pub value_nodes: usize,
    /// Largest string a function may produce (`padLeft`, `format`, `concat`).
    pub string_bytes: usize,
    /// Largest array a function may produce.
    pub array_items: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            file_bytes: 64 * 1024 * 1024,
            deployment_depth: 64,
            eval_steps: 20_000_000,
            value_cells: 5_000_000,
            value_nodes: 1_000_000,
            string_bytes: 4 * 1024 * 1024,
            array_items: 100_000,
        }
    }
}

/// The names `--limit` knows, with what each bounds.
pub const LIMIT_NAMES: [(&str, &str); 7] = [
    ("file-bytes", "largest file read, in bytes"),
    (
        "deployment-depth",
        "deepest chain of nested deployments or modules followed",
    ),
    ("eval-steps", "evaluation steps per file (time)"),
    (
        "value-cells",
        "values made while evaluating one file (memory)",
    ),
    (
        "value-nodes",
        "largest value of one expression or variable, in nodes",
    ),
    (
        "string-bytes",
        "largest string a function may produce, in bytes",
    ),
    ("array-items", "largest array a function may produce"),
];

impl Limits {
    /// Set one limit from `NAME=VALUE` (as `--limit` is given).
    pub fn set(&mut self, assignment: &str) -> Result<(), String> {
        let names = || {
            LIMIT_NAMES
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let (name, value) = assignment
            .split_once('=')
            .ok_or_else(|| format!("`{assignment}` is not NAME=VALUE (names: {})", names()))?;
        let value: u64 = value
            .trim()
            .replace('_', "")
            .parse()
            .map_err(|_| format!("`{value}` is not a whole number"))?;
        let size = usize::try_from(value).map_err(|_| format!("{value} is too large"))?;
        match name.trim() {
            "file-bytes" => self.file_bytes = value,
            "deployment-depth" => self.deployment_depth = size,
            "eval-steps" => self.eval_steps = value,
            "value-cells" => self.value_cells = value,
            "value-nodes" => self.value_nodes = size,
            "string-bytes" => self.string_bytes = size,
            "array-items" => self.array_items = size,
            other => return Err(format!("no limit `{other}` (names: {})", names())),
        }
        Ok(())
    }
}

/// How a limit's message ends: its name, its value and how to raise it.
pub fn raise_with(name: &str, value: impl std::fmt::Display) -> String {
    format!("(limit {name}={value}; raise it with --limit {name}=N)")
}

thread_local! {
    static CURRENT: RefCell<Limits> = RefCell::new(Limits::default());
}

/// The limits of the file being evaluated on this thread (the function library reads
/// its caps from here).
pub fn current() -> Limits {
    CURRENT.with(|c| c.borrow().clone())
}

/// The function library's caps on strings and arrays, as [`current`] holds them.
pub fn string_bytes() -> usize {
    CURRENT.with(|c| c.borrow().string_bytes)
}

pub fn array_items() -> usize {
    CURRENT.with(|c| c.borrow().array_items)
}

/// Run `f` with `limits` as this thread's current limits.
pub fn with<R>(limits: &Limits, f: impl FnOnce() -> R) -> R {
    let saved = CURRENT.with(|c| c.replace(limits.clone()));
    struct Restore(Option<Limits>);
    impl Drop for Restore {
        fn drop(&mut self) {
            if let Some(l) = self.0.take() {
                CURRENT.with(|c| *c.borrow_mut() = l);
            }
        }
    }
    let _restore = Restore(Some(saved));
    f()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arm::eval::call_term;
    use crate::arm::value::Value;

    #[test]
    fn value_size_counts_shared_parts_once_per_use_and_stops_early() {
        let leaf = Value::array(vec![Value::Int(1), Value::Int(2), Value::Int(3)]);
        assert!(leaf.too_large(4, 10).is_none());
        assert!(leaf.too_large(3, 10).is_some());
        // 40 doublings share everything: 2^40 nodes written out, found out at once.
        let mut v = leaf;
        for _ in 0..40 {
            v = Value::array(vec![v.clone(), v]);
        }
        let why = v
            .too_large(Limits::default().value_nodes, MAX_VALUE_DEPTH)
            .unwrap();
        assert!(why.contains("value too large"), "{why}");
        assert!(Value::str("x").too_large(0, 0).is_none());
    }

    #[test]
    fn value_depth_is_capped() {
        let mut v = Value::Null;
        for _ in 0..MAX_VALUE_DEPTH {
            v = Value::array(vec![v]);
        }
        assert!(v
            .too_large(Limits::default().value_nodes, MAX_VALUE_DEPTH)
            .is_none());
        let deeper = Value::array(vec![v]);
        assert!(deeper
            .too_large(Limits::default().value_nodes, MAX_VALUE_DEPTH)
            .is_some());
    }

    #[test]
    fn long_terms_are_digested_and_still_compare() {
        let big = Value::str(&"x".repeat(20_000));
        let a = call_term("concat", &[big.clone(), Value::Int(1)]);
        let b = call_term("CONCAT", &[big.clone(), Value::Int(1)]);
        let c = call_term("concat", &[big, Value::Int(2)]);
        assert!(a.len() < 100, "{a}");
        assert!(a.starts_with("concat(#"));
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(&*call_term("f", &[Value::Int(1)]), "f(1)");
    }
}
