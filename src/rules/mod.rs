//! Rules: metadata (`rules/*.json`), the Azure Policy condition language (aliases,
//! conditions, definitions), native cross-resource checks, findings.

pub mod alias;
pub mod catalog;
pub mod condition;
pub mod engine;
pub mod finding;
pub mod imported;
pub mod locate;
pub mod native;
pub mod policy;
