//! Checks that need more than one resource, as Rust functions registered under their
//! rule id (the rule's metadata still lives in `rules/<id>.json`).

mod acr002;
mod acr003;
mod acr011;
mod acr016;
mod acr017;
mod acr018;
mod acr019;
mod acr020;
mod emit;
mod name_shape;
#[cfg(test)]
mod native_tests;
pub mod resolve;
mod term;
#[cfg(test)]
pub(crate) mod testing;

use std::path::Path;

use crate::arm::eval::FileId;
use crate::arm::expand::{ExpandOptions, ExpandedResource, Expansion};
use crate::arm::value::Value;
use crate::rules::catalog::RuleMeta;
use crate::rules::finding::{fingerprint, Finding, Level, Related, Status};
use crate::rules::locate::location;
use crate::source::json::Span;

/// `--mode`: how the deployment treats resources the template does not declare.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DeploymentMode {
    #[default]
    Incremental,
    Complete,
}

/// What a native check gets.
pub struct RuleInput<'a> {
    pub expansion: &'a Expansion,
    pub meta: &'a RuleMeta,
    pub mode: DeploymentMode,
    /// The options the expansion was made with (to evaluate hypotheses).
    pub options: &'a ExpandOptions,
    pub template_path: &'a Path,
    /// Where the template's files are read (to evaluate it again).
    pub sources: &'a dyn crate::source::sources::Sources,
}

pub type NativeCheck = fn(&RuleInput) -> Vec<Finding>;

/// The native check registered for a rule id.
pub fn native(id: &str) -> Option<NativeCheck> {
    match id {
        "ACR002" => Some(acr002::check),
        "ACR003" => Some(acr003::check),
        "ACR011" => Some(acr011::check),
        "ACR016" => Some(acr016::check),
        "ACR017" => Some(acr017::check),
        "ACR018" => Some(acr018::check),
        "ACR019" => Some(acr019::check),
        "ACR020" => Some(acr020::check),
        _ => None,
    }
}

/// Resource types whose bodies the native checks read (an entry ending in `/` is a
/// prefix): registries and their children, private endpoints (ACR011, ACR016) and role
/// assignments (ACR020). A new native check that reads another type's body must add
/// it here, or `check` leaves that body unevaluated. ACR003 reads every body, but only
/// in templates that call `listCredentials` (see [`READS_EVERY_BODY_WHEN_CALLED`]).
pub const BODY_TYPES: &[&str] = &[
    "Microsoft.ContainerRegistry/",
    resolve::PRIVATE_ENDPOINT,
    "Microsoft.Authorization/roleAssignments",
    "Microsoft.Resources/deployments",
];

/// Of [`BODY_TYPES`], those the native checks read only for what they say about a
/// registry (a private endpoint's target, a role assignment's scope). A registry is
/// named by its type, `Microsoft.ContainerRegistry/...`, in the template or in a
/// value of its parameter file; a template none of whose files names it has nothing
/// in them for the checks to find, so they do not make it worth evaluating.
pub const REGISTRY_COMPANION_TYPES: &[&str] = &[
    resolve::PRIVATE_ENDPOINT,
    "Microsoft.Authorization/roleAssignments",
];

/// What names a registry in a template's text (see [`REGISTRY_COMPANION_TYPES`]).
pub const REGISTRY_MARKER: &str = "Microsoft.ContainerRegistry";

/// Functions whose use anywhere in a template makes a native check read every
/// resource body: ACR003 follows `listCredentials()` results wherever they flow.
pub const READS_EVERY_BODY_WHEN_CALLED: &[&str] = &["listCredentials"];

/// The evaluated name of a resource as text (unknown names as `<unknown>`).
pub fn name_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        Value::Unknown(u) => match &u.term {
            Some(t) => format!("[{}]", t.replace(['⟦', '⟧'], "")),
            None => "<unknown>".to_string(),
        },
        _ => "<unknown>".to_string(),
    }
}

/// Build a finding about a resource at a span.
#[allow(clippy::too_many_arguments)]
pub fn resource_finding(
    input: &RuleInput,
    r: Option<&ExpandedResource>,
    file: FileId,
    span: Span,
    level: Level,
    status: Status,
    message: String,
    related: Vec<Related>,
    key: &str,
) -> Finding {
    let loc = location(input.expansion, file, span);
    let rtype = r.map(|r| r.resource_type.to_string());
    let rname = r.map(|r| name_text(&r.name));
    let file_text = loc.file.to_string_lossy().replace('\\', "/");
    let fp = fingerprint(&[
        &input.meta.id,
        &file_text,
        rtype.as_deref().unwrap_or(""),
        rname.as_deref().unwrap_or(""),
        key,
    ]);
    Finding {
        rule: input.meta.id.clone(),
        level,
        status,
        location: loc,
        resource_type: rtype,
        resource_name: rname,
        message,
        related,
        fingerprint: fp,
        suppression: None,
    }
}

pub use crate::rules::normalize_location;
