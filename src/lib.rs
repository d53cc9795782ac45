//! acrlint: a policy checker for ARM templates and Bicep files, focused on Azure
//! Container Registry.
//!
//! The pipeline: source → template model → expansion → rules → findings → report.

pub mod arm;
pub mod check;
pub mod cli;
pub mod generate;
pub mod report;
pub mod rules;
pub mod source;

/// Locating the shared corpus for the tests (see the module's note on the convention).
#[cfg(any(test, feature = "corpus"))]
#[doc(hidden)]
pub mod test_support;
