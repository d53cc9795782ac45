//! Checks that need more than one resource, as Rust functions registered under their
//! rule id (the rule's metadata still lives in `rules/<id>.json`), and the table of
//! every built-in rule ([`BUILTIN`]).

pub mod access;
mod emit;
mod name_shape;
#[cfg(test)]
mod native_tests;
pub mod registry;
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
use registry::BuiltinRule;

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

/// Declares the built-in rules: `ID` for a rule whose `rules/ID.json` holds a
/// condition, `ID => module` for a native rule (the module, in this folder, exports
/// `RULE`), `ID driver NAME` for a rule the check driver reports, named `NAME` in
/// the code.
macro_rules! registry {
    ($($id:ident $(=> $module:ident)? $(driver $name:ident)?),* $(,)?) => {
        $($(mod $module;)?)*
        $($(
            #[doc = concat!("The driver's rule ", stringify!($id), ".")]
            pub const $name: &str = stringify!($id);
        )?)*

        /// Every built-in rule, in order: the one list of rules.
        pub const BUILTIN: &[BuiltinRule] = &[$(
            BuiltinRule {
                id: stringify!($id),
                file: include_str!(concat!("../../../rules/", stringify!($id), ".json")),
                native: registry!(@native $($module)?),
                driver: registry!(@driver $($name)?),
            }
        ),*];
    };
    (@native) => { None };
    (@native $module:ident) => { Some(&$module::RULE) };
    (@driver) => { false };
    (@driver $name:ident) => { true };
}

registry! {
    ACR000 driver UNREADABLE,
    ACR001,
    ACR002 => acr002,
    ACR003 => acr003,
    ACR004,
    ACR005,
    ACR006,
    ACR007,
    ACR008,
    ACR009,
    ACR010,
    ACR011 => acr011,
    ACR012,
    ACR013,
    ACR014,
    ACR015,
    ACR016 => acr016,
    ACR017 => acr017,
    ACR018 => acr018,
    ACR019 => acr019,
    ACR020 => acr020,
    ACR021,
    ACR022,
    ACR023,
    ACR024 => acr024,
    ACR100 driver UNRESOLVED_MODULE,
}

/// The evaluated name of a resource as text: a computed one as its key is written
/// ([`key_text`]), one without a term as `<unknown>`.
pub fn name_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        Value::Unknown(u) if u.term.is_some() => key_text(&crate::arm::value::Segment::unknown(v)),
        _ => "<unknown>".to_string(),
    }
}

/// A name key as text for a message, in ARM's syntax: literal text as it is, a key
/// that is one unknown as `[term]`, text and unknowns together as
/// `[concat('cr', term)]` (a parameter's choice set as the parameter it reads).
pub fn key_text(key: &crate::arm::value::Segment) -> String {
    use crate::arm::value::Piece;
    if let Some(text) = key.as_text() {
        return text.to_string();
    }
    if key.single().is_some() {
        return format!("[{}]", key.plain());
    }
    let args: Vec<String> = key
        .pieces()
        .iter()
        .map(|p| match p {
            Piece::Text(t) => format!("'{}'", t.replace('\'', "''")),
            Piece::Unknown(v) => v.plain(),
            Piece::Choice { parameter, .. } => format!("parameters('{parameter}')"),
        })
        .collect();
    format!("[concat({})]", args.join(", "))
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
        repair: None,
    }
}

pub use crate::rules::normalize_location;
pub use acr018::repository_problem;
pub use acr024::replacements as acr024_replacements;
