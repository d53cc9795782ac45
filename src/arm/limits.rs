//! Caps that keep evaluation bounded on hostile or broken input. Each cap produces a
//! clear message naming it, never a crash.
//!
//! A limit that stops the evaluation of anything a rule may read makes the file fail
//! (an ACR000 error: a template acrlint could not check must not pass). Those acrlint
//! sets itself are [`Limits`] (in `source::limits`, as reading is capped too), each
//! with a name that `--limit NAME=VALUE` raises and that its message gives; ARM's own
//! limits (a copy count of at most 800, `range` of at most 10,000 items) are ARM's,
//! and a template beyond them fails to deploy.

pub use crate::source::limits::{
    array_items, current, raise_with, string_bytes, with, Limits, LIMIT_NAMES,
};

/// ARM's cap on `copy` counts.
pub const MAX_COPY_COUNT: i64 = 800;
/// ARM's cap on `range` counts.
pub const MAX_RANGE_COUNT: i64 = 10_000;
/// Deepest expression nesting the parser accepts (the parsers recurse: a stack bound).
pub const MAX_EXPRESSION_DEPTH: usize = 128;
/// Most combinations tried when a function is applied to candidate sets (more give an
/// unknown value, which rules report as possible; nothing stops).
pub const MAX_CANDIDATE_COMBINATIONS: usize = 64;
/// Deepest recursion through user functions and variables (a stack bound).
pub const MAX_CALL_DEPTH: usize = 64;
/// Deepest value an expression or variable may produce (dropping, printing and
/// comparing values recurse through them: a stack bound).
pub const MAX_VALUE_DEPTH: usize = 512;

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
