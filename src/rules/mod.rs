//! Rules: metadata (`rules/*.json`), the Azure Policy condition language (aliases,
//! conditions, definitions), native cross-resource checks, findings.

pub mod alias;
pub mod catalog;
pub mod condition;
pub mod engine;
pub mod finding;
pub mod imported;
pub mod locate;
pub mod modify;
pub mod native;
pub mod policy;
pub mod views;

/// Azure location names compare without case and spaces: `West Europe` = `westeurope`.
pub fn normalize_location(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}
