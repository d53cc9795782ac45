//! Rules: the Azure Policy condition language (aliases, conditions, definitions).

pub mod alias;
pub mod condition;
pub mod policy;
