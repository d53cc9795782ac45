//! Rules: metadata (`rules/*.json`), the condition evaluator, native checks, findings.

pub mod catalog;
pub mod finding;
