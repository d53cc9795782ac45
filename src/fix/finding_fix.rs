//! The repair of one finding, for an editor's quick fix: the edits the fix engine
//! plans for it, and whether `acrlint fix` would apply it on its own (a safe fix) or
//! why not.

use std::path::Path;

use super::driver::{new_problem, syntax_ok};
use super::edit::{self, Edit, Planned};
use super::guard::Home;
use super::merge::merge;
use super::model::Model;
use super::parsed::Parsed;
use super::spec::Applicability;
use super::{findings, fixable, FixOptions, Repair};
use crate::rules::engine::Engine;
use crate::rules::finding::{Finding, Status};
use crate::source::file::Language;
use crate::source::sources::Sources;

/// The repair of one finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindingFix {
    /// Byte edits of the text, not overlapping, in order.
    pub edits: Vec<Edit>,
    /// Why `acrlint fix` would not apply it by default; `None` for a safe fix.
    pub unsafe_because: Option<String>,
}

/// The fix of `finding` in `text` (the content of `path`, BOM removed), whose
/// findings are `before` (as `check` reports them on this text); `None` when the
/// rule offers no fix here or its edits would break the file. Other files are read
/// from `sources`.
pub fn fix_of_finding(
    sources: &dyn Sources,
    path: &Path,
    text: &str,
    finding: &Finding,
    before: &[Finding],
    engine: &Engine,
    options: &FixOptions,
) -> Option<FindingFix> {
    if finding.suppression.is_some() {
        return None;
    }
    let Ok(Some(Repair::Spec(spec))) = super::repair_of(engine, finding) else {
        return None;
    };
    let language = Language::of(path).unwrap_or(Language::Json);
    let parsed = Parsed::of(language, path, text).ok()?;
    let param_names = findings::parameter_file_names(sources, path, &options.check);
    let sets = |name: &str| param_names.iter().any(|n| n.eq_ignore_ascii_case(name));
    let home = if spec.guard {
        Model::of(sources, path, text, &options.check).and_then(|m| Home::of(&m, finding))
    } else {
        None
    };
    let Planned::Edits(planned) = parsed.plan(text, finding, &spec, &sets, home.as_ref()) else {
        return None;
    };
    // One insertion per object, sorted, not overlapping.
    let edits: Vec<Edit> = merge(&parsed, text, planned).ok()?;
    let (next, rejected) = edit::apply(text, &edits);
    if edits.is_empty() || !rejected.is_empty() || !syntax_ok(language, &next) {
        return None;
    }
    let after = findings::of_text(sources, path, &next, engine, &options.check)
        .ok()
        .flatten()
        .unwrap_or_default();
    let by_default = FixOptions {
        rules: Vec::new(),
        ..options.clone()
    };
    let unsafe_because = if spec.applicability == Applicability::Unsafe {
        Some("it changes what the deployment does".to_string())
    } else if let Some(p) = new_problem(before, &after) {
        Some(format!("it would cause {} ({})", p.rule, p.message))
    } else if finding.status == Status::Possible {
        Some("the finding holds only for some values".to_string())
    } else if !fixable(finding, &by_default) {
        Some("a recommendation with a trade-off".to_string())
    } else {
        None
    };
    Some(FindingFix {
        edits,
        unsafe_because,
    })
}
