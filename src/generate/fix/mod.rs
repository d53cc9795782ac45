//! `acrlint fix`: apply the safe repairs the rules offer (their `fix` field), editing
//! only the offending byte spans so comments and formatting elsewhere stay
//! byte-identical. ARM JSON is driven by `check` findings; Bicep files by the
//! syntax tree (see [`bicep`]).

pub mod bicep;
pub mod edit;
pub mod json;
pub mod spec;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::arm::expand::{expand_loaded, load_text};
use crate::check::{diagnostic_findings, CheckOptions};
use crate::rules::engine::{Engine, EngineInput};
use crate::rules::finding::{Finding, Level, Status};
use crate::source::discover::{classify, parameter_file_for, JsonFileKind};
use crate::source::file::SourceFile;
use crate::source::json::Node;

use edit::Edit;
pub use spec::FixSpec;

/// Options of a `fix` run.
#[derive(Clone, Debug, Default)]
pub struct FixOptions {
    pub check: CheckOptions,
    /// Only apply the fixes of these rules (empty: every rule).
    pub rules: Vec<String>,
    /// Lowest level that counts as a finding that remains (`None`: never).
    pub fail_on: Option<Level>,
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
    /// The file could not be read, parsed or fixed.
    pub error: Option<String>,
}

impl FileFix {
    pub fn changed(&self) -> bool {
        self.original != self.fixed
    }
}

const BOM: &str = "\u{feff}";
/// Passes over one file: a fix may reveal another finding with a fix, and fixes that
/// edit the same place are applied one pass after the other.
const MAX_PASSES: usize = 16;

/// Whether two edits overlap or meet (then they are not applied in the same pass).
fn touches(a: &Edit, b: &Edit) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// Fix one file's text (`path` decides the language and finds the parameter file).
pub fn fix_text(path: &Path, original: &str, engine: &Engine, options: &FixOptions) -> FileFix {
    let mut out = FileFix {
        path: path.to_path_buf(),
        original: original.to_string(),
        fixed: original.to_string(),
        ..Default::default()
    };
    let bom = original.starts_with(BOM);
    let body = original.strip_prefix(BOM).unwrap_or(original);
    let is_bicep = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("bicep"));
    let result = if is_bicep {
        bicep::fix(body, options)
    } else {
        fix_json(path, body, engine, options)
    };
    match result {
        Ok(Some(r)) => {
            out.fixed = if bom {
                format!("{BOM}{}", r.text)
            } else {
                r.text
            };
            out.applied = r.applied;
            out.manual = r.manual;
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

/// Fix a file on disk; `write` saves the result.
pub fn fix_file(path: &Path, engine: &Engine, options: &FixOptions, write: bool) -> FileFix {
    let original = match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(_) => {
                return FileFix {
                    path: path.to_path_buf(),
                    error: Some("file is not valid UTF-8".into()),
                    ..Default::default()
                }
            }
        },
        Err(e) => {
            return FileFix {
                path: path.to_path_buf(),
                error: Some(format!("cannot read: {e}")),
                ..Default::default()
            }
        }
    };
    let mut result = fix_text(path, &original, engine, options);
    if write && result.error.is_none() && result.changed() {
        if let Err(e) = std::fs::write(path, &result.fixed) {
            result.error = Some(format!("cannot write: {e}"));
        }
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
fn fixable(f: &Finding, options: &FixOptions) -> bool {
    let level_ok = if options.rules.is_empty() {
        f.level >= Level::Warning
    } else {
        wanted(&f.rule, options)
    };
    f.suppression.is_none() && f.status == Status::Fail && level_ok
}

fn counts(f: &Finding, options: &FixOptions) -> bool {
    f.suppression.is_none() && options.fail_on.is_some_and(|t| f.level >= t)
}

/// A template's findings and its syntax tree.
type Checked = (Vec<Finding>, Arc<Node>);

/// Findings of a template given as text; `None` when the text is not a template.
fn check_text(
    path: &Path,
    text: &str,
    engine: &Engine,
    options: &CheckOptions,
) -> Result<Option<Checked>, String> {
    let source = Arc::new(SourceFile::from_text(path, text));
    let loaded = match load_text(source) {
        Ok(l) => l,
        // Like `check`: broken JSON is only an error when it looks like a template.
        Err(e)
            if text
                .to_ascii_lowercase()
                .contains("deploymenttemplate.json") =>
        {
            return Err(e.render())
        }
        Err(_) => return Ok(None),
    };
    if classify(&loaded.root) != JsonFileKind::Template {
        return Ok(None);
    }
    let root = loaded.root.clone();
    let expansion = expand_loaded(loaded, &options.expand).map_err(|e| e.render())?;
    let mut findings = diagnostic_findings(&expansion);
    if findings.iter().any(|f| f.level == Level::Error) {
        return Err(findings
            .iter()
            .map(|f| {
                format!(
                    "{}:{}:{}: {}",
                    path.display(),
                    f.location.start.line,
                    f.location.start.column,
                    f.message
                )
            })
            .collect::<Vec<_>>()
            .join("\n"));
    }
    let input = EngineInput {
        expansion: &expansion,
        options: &options.expand,
        mode: options.mode,
        template_path: path,
    };
    findings.extend(engine.run(&input));
    crate::check::suppress::apply(&expansion, &mut findings);
    findings.retain(|f| f.location.file == path);
    Ok(Some((findings, root)))
}

/// Parameters the template's parameter file sets (explicit or by convention).
fn parameter_file_names(path: &Path, options: &CheckOptions) -> Vec<String> {
    let file = match &options.expand.parameters {
        Some(p) => Some(p.clone()),
        None if options.expand.no_parameter_discovery => None,
        None => parameter_file_for(path),
    };
    let Some(text) = file.and_then(|f| std::fs::read_to_string(f).ok()) else {
        return Vec::new();
    };
    let text = text.strip_prefix(BOM).unwrap_or(&text);
    crate::source::json::parse(text)
        .ok()
        .and_then(|root| {
            root.get("parameters")
                .and_then(Node::as_object)
                .map(|m| m.iter().map(|m| m.key.to_string()).collect())
        })
        .unwrap_or_default()
}

fn fix_json(
    path: &Path,
    text: &str,
    engine: &Engine,
    options: &FixOptions,
) -> Result<Option<Fixed>, String> {
    let param_names = parameter_file_names(path, &options.check);
    let sets = |name: &str| param_names.iter().any(|n| n.eq_ignore_ascii_case(name));
    let mut current = text.to_string();
    let mut applied = 0;
    let mut manual = Vec::new();
    for _ in 0..MAX_PASSES {
        let Some((findings, root)) = check_text(path, &current, engine, &options.check)? else {
            return Ok(None);
        };
        let file = json::JsonFile {
            text: &current,
            root: &root,
            param_file_sets: &sets,
        };
        manual.clear();
        let mut edits = Vec::new();
        let mut fixed_here = 0;
        for f in findings.iter().filter(|f| fixable(f, options)) {
            let Some(spec) = engine.meta(&f.rule).and_then(|m| m.fix.as_ref()) else {
                continue;
            };
            let spec = FixSpec::parse(spec).map_err(|e| format!("rule {}: {e}", f.rule))?;
            match json::plan(&file, f, &spec) {
                json::Planned::Edits(e) => {
                    let new: Vec<Edit> = e.into_iter().filter(|x| !edits.contains(x)).collect();
                    // Two findings that insert at one place (e.g. both add a missing
                    // `properties` object) would write it twice: the second waits for
                    // the next pass, which sees the first one's result.
                    if new.iter().any(|x| edits.iter().any(|y| touches(x, y))) {
                        continue;
                    }
                    if !new.is_empty() {
                        edits.extend(new);
                        fixed_here += 1;
                    }
                }
                json::Planned::Nothing => {}
                json::Planned::Manual(advice) => manual.push(ManualFix {
                    rule: f.rule.clone(),
                    line: f.location.start.line,
                    column: f.location.start.column,
                    advice,
                }),
            }
        }
        if edits.is_empty() {
            break;
        }
        let (next, rejected) = edit::apply(&current, &edits);
        if !rejected.is_empty() {
            return Err("overlapping fixes; fix one rule at a time with --rule".into());
        }
        if let Err(e) = crate::source::json::parse(&next) {
            return Err(format!(
                "the fixes would make the file invalid JSON ({}); nothing was changed",
                e.message
            ));
        }
        applied += fixed_here;
        current = next;
    }
    let remaining = match check_text(path, &current, engine, &options.check)? {
        Some((findings, _)) => findings
            .into_iter()
            .filter(|f| counts(f, options))
            .collect(),
        None => Vec::new(),
    };
    manual.dedup();
    Ok(Some(Fixed {
        text: current,
        applied,
        manual,
        remaining,
    }))
}

/// Files to fix under `paths`: explicit files, and `.json`/`.jsonc`/`.bicep` files
/// in directories (honouring `.gitignore`).
pub fn collect_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        if p.is_file() {
            files.push(p.clone());
            continue;
        }
        if !p.exists() {
            errors.push(format!("{}: no such file or directory", p.display()));
            continue;
        }
        for entry in ignore::WalkBuilder::new(p).follow_links(false).build() {
            match entry {
                Ok(e) => {
                    let path = e.path();
                    let ext = path
                        .extension()
                        .and_then(|x| x.to_str())
                        .map(str::to_ascii_lowercase);
                    let wanted = matches!(ext.as_deref(), Some("json" | "jsonc" | "bicep"));
                    if e.file_type().is_some_and(|t| t.is_file()) && wanted {
                        files.push(path.to_path_buf());
                    }
                }
                Err(e) => errors.push(e.to_string()),
            }
        }
    }
    files.sort();
    files.dedup();
    (files, errors)
}
