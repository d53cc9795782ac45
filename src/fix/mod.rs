//! `acrlint fix`: apply the repairs the rules offer (their `fix` field; unsafe ones only
//! with `--unsafe-fixes`, see [`spec::Applicability`]), editing
//! only the offending byte spans so comments and formatting elsewhere stay
//! byte-identical. Both languages are driven by `check` findings (Bicep through the
//! lowering, whose spans are the Bicep source's); the edits are planned on the JSON
//! tree ([`json`]) or the Bicep syntax tree ([`bicep`]), and a fix that would cause
//! a new warning or error is left out (see `driver`).

pub mod bicep;
mod driver;
pub mod edit;
mod finding_fix;
mod findings;
pub mod json;
mod replace;
pub mod spec;

use std::path::{Path, PathBuf};

use crate::check::write::{read_for_update, replace_file, write_root};
use crate::check::CheckOptions;
use crate::rules::engine::Engine;
use crate::rules::finding::{Finding, Level, Status};
use crate::source::file::Language;

use edit::Edit;
pub use finding_fix::fix_of_finding;
pub use spec::{Applicability, FixSpec};

use crate::source::sources::Sources;

/// Options of a `fix` run.
#[derive(Clone, Debug, Default)]
pub struct FixOptions {
    pub check: CheckOptions,
    /// Only apply the fixes of these rules (empty: every rule).
    pub rules: Vec<String>,
    /// Lowest level that counts as a finding that remains (`None`: never).
    pub fail_on: Option<Level>,
    /// Also apply fixes marked unsafe (they change what the deployment does).
    pub unsafe_fixes: bool,
}

/// A place that needs a manual fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManualFix {
    pub rule: String,
    pub line: u32,
    pub column: u32,
    pub advice: String,
}

/// The outcome for one file.
#[derive(Clone, Debug, Default)]
pub struct FileFix {
    pub path: PathBuf,
    /// The text as read (byte-order mark included).
    pub original: String,
    /// The text after the fixes (equal to `original` when nothing changed).
    pub fixed: String,
    /// Fixes applied (one per repaired finding).
    pub applied: usize,
    pub manual: Vec<ManualFix>,
    /// Findings at or above the `fail_on` level left after the fixes.
    pub remaining: Vec<Finding>,
    /// The file was skipped (not a template).
    pub skipped: bool,
    /// Fixes were still pending when the passes ran out: run `fix` again.
    pub deferred: bool,
    /// Rules with unsafe fixes for this file that were not applied (no
    /// `--unsafe-fixes`).
    pub unsafe_left: Vec<String>,
    /// The file could not be read, parsed or fixed.
    pub error: Option<String>,
}

impl FileFix {
    pub fn changed(&self) -> bool {
        self.original != self.fixed
    }
}

pub(crate) const BOM: &str = "\u{feff}";
/// Passes over one file: a fix may reveal another finding with a fix, and fixes that
/// edit the same place are applied one pass after the other.
pub(crate) const MAX_PASSES: usize = 16;

/// Whether two edits overlap or meet (then they are not applied in the same pass).
pub(crate) fn touches(a: &Edit, b: &Edit) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// Fix one file's text (`path` decides the language and finds the parameter file).
pub fn fix_text(path: &Path, original: &str, engine: &Engine, options: &FixOptions) -> FileFix {
    fix_text_in(options.check.sources(), path, original, engine, options)
}

/// Fix one file's text, reading the files it pulls in (modules, parameter file) from
/// `sources` (an editor's unsaved buffers laid over the disk).
pub fn fix_text_in(
    sources: &dyn Sources,
    path: &Path,
    original: &str,
    engine: &Engine,
    options: &FixOptions,
) -> FileFix {
    let mut out = FileFix {
        path: path.to_path_buf(),
        original: original.to_string(),
        fixed: original.to_string(),
        ..Default::default()
    };
    let bom = original.starts_with(BOM);
    let body = original.strip_prefix(BOM).unwrap_or(original);
    // Any other name is read as JSON, as `check` does with a file named explicitly.
    let language = Language::of(path).unwrap_or(Language::Json);
    let result = driver::run(sources, language, path, body, engine, options);
    match result {
        Ok(Some(r)) => {
            out.fixed = if bom {
                format!("{BOM}{}", r.text)
            } else {
                r.text
            };
            out.applied = r.applied;
            out.deferred = r.deferred;
            out.manual = r.manual;
            out.unsafe_left = r.unsafe_left;
            out.remaining = r.remaining;
            for f in &mut out.remaining {
                if f.location.file.as_os_str().is_empty() {
                    f.location.file = path.to_path_buf();
                }
            }
        }
        Ok(None) => out.skipped = true,
        Err(e) => out.error = Some(e),
    }
    out
}

/// Fix a file on disk; `write` saves the result: through a temporary file renamed
/// over it, with its permissions, only if it did not change while the fixes were
/// computed, never through a symbolic link, and never out of its repository (see
/// [`crate::check::write`]).
pub fn fix_file(path: &Path, engine: &Engine, options: &FixOptions, write: bool) -> FileFix {
    let failed = |error: String| FileFix {
        path: path.to_path_buf(),
        error: Some(error),
        ..Default::default()
    };
    let cap = options.check.expand.limits.file_bytes;
    let (bytes, snapshot) = match read_for_update(path, cap) {
        Ok(read) => read,
        Err(e) => return failed(crate::source::limits::with_size_limit(e, cap)),
    };
    let original = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            // Fixes are edits of UTF-8 text; say what the file is instead.
            let found = crate::source::encoding::decode(e.into_bytes())
                .map(|(_, enc)| format!("file is {}; fix edits UTF-8 files only", enc.name()))
                .unwrap_or_else(|e| e.message);
            return failed(found);
        }
    };
    let mut result = fix_text(path, &original, engine, options);
    if !write || result.error.is_some() || !result.changed() {
        return result;
    }
    if let Err(e) = replace_file(path, result.fixed.as_bytes(), &snapshot, &write_root(path)) {
        result.error = Some(e.to_string());
        result.fixed = result.original.clone();
        result.applied = 0;
    }
    result
}

/// A unified diff of a file's fixes (`--diff`).
pub fn unified_diff(path: &Path, old: &str, new: &str) -> String {
    let name = path.to_string_lossy().replace('\\', "/");
    let name = name.trim_start_matches('/');
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

/// What one language's fixer returns.
pub(crate) struct Fixed {
    pub text: String,
    pub applied: usize,
    pub manual: Vec<ManualFix>,
    pub remaining: Vec<Finding>,
    /// Some fixes wait for another pass (they edit the same place as others).
    pub deferred: bool,
    pub unsafe_left: Vec<String>,
}

fn wanted(rule: &str, options: &FixOptions) -> bool {
    options.rules.is_empty() || options.rules.iter().any(|r| r.eq_ignore_ascii_case(rule))
}

/// Whether a finding's fix is applied: only definite violations (a `possible` one
/// holds for some parameter value or location only, e.g. a replica that is the home
/// replica only if the resource group is in its region), of the rules asked for, or
/// by default of rules at warning or error level. Notes recommend trade-offs (the
/// Premium SKU's cost, quarantine blocking pulls until a scanner releases images):
/// their fixes apply only when the rule is named with `--rule`.
pub(crate) fn fixable(f: &Finding, options: &FixOptions) -> bool {
    let level_ok = if options.rules.is_empty() {
        f.level >= Level::Warning
    } else {
        wanted(&f.rule, options)
    };
    f.suppression.is_none() && f.status == Status::Fail && level_ok
}

/// Files to fix under `paths`: the files `check` walks, less the `.bicepparam` files
/// found in directories (they hold values, not resources to repair).
pub fn files_to_fix(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    let (files, errors) = crate::load::discover::collect_files(paths);
    let files = files
        .into_iter()
        .filter(|(p, explicit)| *explicit || Language::of(p) != Some(Language::BicepParam))
        .map(|(p, _)| p)
        .collect();
    (files, errors)
}
