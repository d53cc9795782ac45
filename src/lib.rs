//! acrlint: a policy checker for ARM templates and Bicep files, focused on Azure
//! Container Registry.
//!
//! The pipeline, one folder per floor, each importing only from the floors below
//! (ARCHITECTURE.md): source → arm → lower → load → rules → check → fix, new,
//! registry → report → lsp → cli. The modules are private; what the binary, the tests and the fuzz
//! targets use is re-exported here, so that everything else is checked for dead code.

mod arm;
mod check;
mod cli;
mod fix;
mod load;
mod lower;
mod lsp;
mod new;
mod registry;
mod report;
mod rules;
mod source;

/// Locating the shared corpus for the tests (see the module's note on the convention).
#[cfg(any(test, feature = "corpus"))]
#[doc(hidden)]
pub mod test_support;

// The command line (the binary is `main.rs`).
pub use cli::{run, Cli};

// Loading and expanding templates (`acrlint expand`).
pub use arm::eval::{
    DeploymentContext, DiagnosticKind, Evaluator, ProvenanceKind, Scope, ScopeKind, UnresolvedKind,
    UnresolvedModule,
};
pub use arm::expand::{
    expand_files, Bodies, ExpandOptions, ExpandedResource, Expansion, NestedKind,
};
pub use arm::value::Value;
pub use load::discover::{classify, JsonFileKind};
pub use load::{
    expand, expand_loaded, load_bicep, load_bicepparam, load_json, load_text, Confined, Disk,
    Loader,
};
pub use lower::{BicepProject, Severity, FILE_MARKER, MISSING_LOADED_FILE};
pub use report::expand::to_json as expansion_to_json;
pub use source::file::{LoadedFile, ReadError, SourceFile};
pub use source::line_index::LineCol;
pub use source::sources::{Overlay, Sources};

// Rules and checking (`acrlint check`).
pub use check::config::ConfigResolver;
pub use check::params::NO_TEMPLATE;
pub use check::{
    check, check_file, check_source, diagnostic_findings, CheckOptions, CheckResult, FileOutcome,
    Report, Summary,
};
pub use report::{hygiene, render, Format, RenderOptions};
pub use rules::catalog::RuleMeta;
pub use rules::condition::{NoExpressions, Outcome};
pub use rules::engine::{Engine, EngineInput};
pub use rules::finding::{Finding, Level, Location, Related, Status, Suppression};
pub use rules::native::acr024_replacements;
pub use rules::native::registry::{builtin_rules, is_driver as is_driver_rule};
pub use rules::native::resolve::{deployed, private_links, Deployed};
pub use rules::native::{name_text, DeploymentMode};
pub use rules::policy::{Effect as PolicyEffect, PolicyDefinition};
pub use rules::views::resource_view;

// Authoring (`acrlint fix`, `acrlint new`).
pub use fix::{
    api_upgrade_target_paths, files_to_fix, fix_file, fix_text, registry_property_paths,
    unified_diff, why_not_fixed, Applicability, FileFix, FixOptions, FixSpec, API_UPGRADE_TARGET,
};
pub use new::{
    render_params, render_registry, RegistryRequest, RoleAssignmentMode, Sku, TemplateFormat,
};

/// Registry modules (`acrlint restore`): references, the OCI client, the module cache.
pub mod restore {
    pub use crate::lower::module_cache::reference::{OciReference, Version};
    pub use crate::registry::pull::Client;
    pub use crate::registry::restore::{restore_one, Needed, Outcome};
}

/// The parsers of the three languages, for tests and fuzzing.
pub mod syntax {
    pub use crate::arm::expr::parser as expression;
    pub use crate::source::bicep;
    pub use crate::source::encoding;
    pub use crate::source::json;
}

/// The edit engine's invariants on generated registries, for the property test and
/// the fuzz target.
pub mod fix_invariants {
    pub use crate::fix::invariants::{check_random_edits, Choices, Outcome};
    pub use crate::source::file::Language;
}

/// The caps on reading, parsing and evaluation.
pub mod limits {
    pub use crate::arm::limits::*;
    pub use crate::source::limits::*;
}
