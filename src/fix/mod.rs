//! `acrlint fix`: apply the repairs the rules offer (their `fix` field; unsafe ones only
//! with `--unsafe-fixes`, see [`spec::Applicability`]), editing
//! only the offending byte spans so comments and formatting elsewhere stay
//! byte-identical. Both languages are driven by `check` findings (Bicep through the
//! lowering, whose spans are the Bicep source's); the edits are planned on the JSON
//! tree ([`json`]) or the Bicep syntax tree ([`bicep`]), and a fix that would cause
//! a new warning or error is left out (see `driver`).

mod api;
pub mod bicep;
mod driver;
pub mod edit;
mod finding_fix;
mod findings;
mod guard;
#[doc(hidden)]
pub mod invariants;
pub mod json;
mod merge;
mod model;
mod param_file;
mod param_value;
mod parsed;
mod replace;
pub mod spec;
mod upgrade;

use std::path::{Path, PathBuf};

use crate::check::write::{read_for_update, replace_file, write_root};
use crate::check::CheckOptions;
use crate::rules::engine::Engine;
use crate::rules::finding::{Finding, Level, Status};
use crate::source::file::Language;

pub use api::{
    api_upgrade_target_paths, first_stable, registry_property_paths, API_UPGRADE_TARGET,
};
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
    /// Other findings left of the rules named with `--rule` (listed, not counted).
    pub unfixed: Vec<Finding>,
    /// The file was skipped (not a template).
    pub skipped: bool,
    /// Fixes were still planned when the passes ran out: another run would change
    /// the file again.
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

/// Why a JSON parameter file named to `fix` is not fixed when `check` binds it to
/// no template (by its name or the configuration); `None` when it is bound, or not
/// a parameter file. Walked, such a file is passed over, as `check` does.
pub fn parameter_file_without_template(path: &Path, options: &FixOptions) -> Option<String> {
    use crate::load::discover::{classify, template_stem_of, JsonFileKind, ParameterFileTemplate};
    if Language::of(path).is_some_and(|l| l != Language::Json) || template_stem_of(path).is_some() {
        return None;
    }
    let sources = options.check.sources();
    let is_one = sources.read(path).is_ok_and(|f| {
        crate::source::json::parse(&f.text)
            .is_ok_and(|root| classify(&root) == JsonFileKind::Parameters)
    });
    let unbound = matches!(
        crate::check::params::template_bound_to(path, sources, &options.check),
        ParameterFileTemplate::NotOne
    );
    (is_one && unbound).then(|| {
        "a deployment parameters file whose template neither its name tells (x.parameters.json and x.parameters.<name>.json belong to x.json or x.bicep) nor acrlint.json `parameters` maps to it: nothing was fixed with it".to_string()
    })
}

/// Whether the configuration's `parameters` maps `path` to a template as its
/// parameter file (its name does not tell the template).
pub fn mapped_parameter_file(path: &Path, options: &FixOptions) -> bool {
    use crate::load::discover::{template_stem_of, ParameterFileTemplate};
    Language::of(path) == Some(Language::Json)
        && template_stem_of(path).is_none()
        && matches!(
            crate::check::params::template_bound_to(path, options.check.sources(), &options.check),
            ParameterFileTemplate::Template(_)
        )
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
    let result = if param_file::is_parameter_file(language, path, body) {
        param_file::run(sources, language, path, body, engine, options)
    } else {
        driver::run(sources, language, path, body, engine, options)
    };
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
            out.unfixed = r.unfixed;
            for f in out.remaining.iter_mut().chain(&mut out.unfixed) {
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
    pub unfixed: Vec<Finding>,
    /// Some fixes wait for another pass (they edit the same place as others).
    pub deferred: bool,
    pub unsafe_left: Vec<String>,
}

/// The findings left after fixing: those at or above `fail_on`, and the others of
/// the rules named with `--rule`.
pub(crate) fn split_remaining(
    findings: Vec<Finding>,
    options: &FixOptions,
) -> (Vec<Finding>, Vec<Finding>) {
    let (remaining, rest): (Vec<Finding>, Vec<Finding>) = findings
        .into_iter()
        .filter(|f| f.suppression.is_none())
        .partition(|f| options.fail_on.is_some_and(|t| f.level >= t));
    let unfixed = rest
        .into_iter()
        .filter(|f| !options.rules.is_empty() && wanted(&f.rule, options))
        .collect();
    (remaining, unfixed)
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

/// The repair of one finding.
pub(crate) enum Repair {
    Spec(FixSpec),
    /// A repair the rule computed for this finding cannot be offered: why.
    Refused(String),
}

/// The repair of a finding: the one its rule computed for it (an Azure Policy
/// `Modify` definition's operations, resolved for its resource), else its rule's
/// `fix`. `Ok(None)`: none; `Err`: the rule's `fix` does not parse.
pub(crate) fn repair_of(engine: &Engine, f: &Finding) -> Result<Option<Repair>, String> {
    match &f.repair {
        Some(Err(why)) => Ok(Some(Repair::Refused(why.clone()))),
        Some(Ok(fix)) => Ok(Some(match FixSpec::parse(fix) {
            Ok(spec) => Repair::Spec(modify_applicability(spec)),
            Err(e) => Repair::Refused(e),
        })),
        None => match engine.meta(&f.rule).and_then(|m| m.fix.as_ref()) {
            None => Ok(None),
            Some(fix) => FixSpec::parse(fix)
                .map(|s| Some(Repair::Spec(s)))
                .map_err(|e| format!("rule {}: {e}", f.rule)),
        },
    }
}

/// How safe the repair from an Azure Policy `Modify` definition is: safe, since
/// with the definition assigned Azure makes the same change when the template is
/// deployed (writing it keeps what deploys, and the template says so); unsafe when
/// it can cut access (public network access off, as ACR005's fix), which on a SKU
/// without private endpoints is refused outright.
fn modify_applicability(mut spec: FixSpec) -> FixSpec {
    if spec.writes().any(api::cuts_access) {
        spec.applicability = Applicability::Unsafe;
    }
    spec
}

/// Why a finding that remains after `fix` was not fixed, for the user: the advice
/// of a refused or manual fix at its place, or what keeps the fixer from it.
/// The advice of `result` about the finding `f`: of its rule, at the finding or at
/// a related location in the fixed file (a parameter file's value the template's
/// finding is traced to).
pub fn manual_for<'a>(f: &Finding, result: &'a FileFix) -> Option<&'a ManualFix> {
    let fixed = crate::source::paths::clean(&result.path);
    result.manual.iter().find(|m| {
        m.rule == f.rule
            && (m.line == f.location.start.line
                || f.related.iter().any(|r| {
                    r.location.start.line == m.line
                        && r.location.start.column == m.column
                        && crate::source::paths::clean(&r.location.file) == fixed
                }))
    })
}

pub fn why_not_fixed(
    f: &Finding,
    result: &FileFix,
    engine: &Engine,
    options: &FixOptions,
) -> String {
    if let Some(m) = manual_for(f, result) {
        return m.advice.clone();
    }
    let spec = match repair_of(engine, f) {
        Ok(Some(Repair::Spec(spec))) => spec,
        Ok(Some(Repair::Refused(why))) if f.status == Status::Fail => return why,
        Ok(Some(Repair::Refused(_))) => {
            return "it holds only for some parameter values or locations: fix it by hand".into()
        }
        Ok(None) | Err(_) => {
            return format!(
                "{} has no automatic fix (see acrlint explain {})",
                f.rule, f.rule
            )
        }
    };
    if f.status != Status::Fail {
        return "it holds only for some parameter values or locations: fix it by hand".into();
    }
    if !options.rules.is_empty() && !wanted(&f.rule, options) {
        return "its rule was not selected with --rule".into();
    }
    if options.rules.is_empty() && f.level < Level::Warning {
        return format!(
            "a recommendation with a trade-off: its fix applies only with --rule {}",
            f.rule
        );
    }
    if spec.applicability == Applicability::Unsafe && !options.unsafe_fixes {
        return "its fix is unsafe (it changes what the deployment does): review it with --diff --unsafe-fixes, apply it with --unsafe-fixes".into();
    }
    "the fix did not apply here".into()
}

/// Files to fix under `paths`: the files `check` walks, parameter files first
/// (`.bicepparam`, `x.parameters.json`, `x.parameters.<name>.json`: a value written
/// there is fixed there, and the templates that read it are then checked with the
/// fixed value). A JSON parameter file met in a walk without its template has
/// nothing to be fixed with (`check` notes it) and is left out; named, it is fixed
/// or its run says why not.
pub fn files_to_fix(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    use crate::load::discover::{template_of_parameter_file, template_stem_of};
    let (files, errors) = crate::load::discover::collect_files(paths);
    type Named = Vec<(PathBuf, bool)>;
    let (mut files, templates): (Named, Named) = files.into_iter().partition(|(p, _)| {
        Language::of(p) == Some(Language::BicepParam) || template_stem_of(p).is_some()
    });
    files.retain(|(p, explicit)| {
        *explicit
            || Language::of(p) == Some(Language::BicepParam)
            || !matches!(
                template_of_parameter_file(&crate::load::Disk, p),
                crate::load::discover::ParameterFileTemplate::Missing { .. }
            )
    });
    files.extend(templates);
    (files.into_iter().map(|(p, _)| p).collect(), errors)
}
