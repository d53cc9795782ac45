//! The fixer's passes, the same for ARM JSON and Bicep: check, plan the fixes of the
//! fixable findings, apply them, check again. A fix must not make things worse:
//! when the fixed text has a warning or error the text before did not have (e.g.
//! disabling public network access on a Standard registry, which only Premium
//! allows), the fixes are tried one at a time and those that cause it are left
//! out, with advice.

use std::path::Path;

use super::edit::Planned;
use super::edit::{self, Edit};
use super::json;
use super::spec::{Applicability, FixSpec};
use super::{bicep, findings, fixable, touches, Finding, FixOptions, Fixed, ManualFix, MAX_PASSES};
use crate::rules::engine::Engine;
use crate::rules::finding::Level;
use crate::source::file::Language;
use crate::source::sources::Sources;

/// A fix planned for one finding.
struct Candidate {
    edits: Vec<Edit>,
    rule: String,
    line: u32,
    column: u32,
}

/// What identifies a problem across edits (messages quote values, spans move).
fn key(f: &Finding) -> (String, Option<String>, Option<String>) {
    (
        f.rule.clone(),
        f.resource_type.clone(),
        f.resource_name.clone(),
    )
}

/// The first warning or error in `after` that `before` did not have.
pub(super) fn new_problem<'a>(before: &[Finding], after: &'a [Finding]) -> Option<&'a Finding> {
    after.iter().find(|a| {
        a.level >= Level::Warning
            && a.suppression.is_none()
            && !before
                .iter()
                .any(|b| b.level >= a.level && key(b) == key(a))
    })
}

pub(super) fn syntax_ok(language: Language, text: &str) -> bool {
    match language {
        Language::Json => crate::source::json::parse(text).is_ok(),
        Language::Bicep | Language::BicepParam => {
            crate::source::bicep::parse(text).diagnostics.is_empty()
        }
    }
}

/// A file's syntax tree, for planning fixes on it.
pub(super) enum Parsed {
    Json(crate::source::json::Node),
    Bicep(crate::source::bicep::ParsedFile),
}

impl Parsed {
    pub(super) fn of(language: Language, path: &Path, text: &str) -> Result<Parsed, String> {
        Ok(match language {
            Language::Json => Parsed::Json(
                crate::source::json::parse(text)
                    .map_err(|e| format!("{}: {}", path.display(), e.message))?,
            ),
            Language::Bicep | Language::BicepParam => {
                Parsed::Bicep(crate::source::bicep::parse(text))
            }
        })
    }

    /// The repair of one finding under its rule's `spec`; `sets` says whether the
    /// template's parameter file sets a parameter.
    pub(super) fn plan(
        &self,
        text: &str,
        f: &Finding,
        spec: &FixSpec,
        sets: &dyn Fn(&str) -> bool,
    ) -> Planned {
        match self {
            Parsed::Json(root) => json::plan(
                &json::JsonFile {
                    text,
                    root,
                    param_file_sets: sets,
                },
                f,
                spec,
            ),
            Parsed::Bicep(p) => bicep::plan(text, &p.program, f, spec),
        }
    }
}

/// The fixes planned for one pass.
struct Plan {
    candidates: Vec<Candidate>,
    manual: Vec<ManualFix>,
    /// Some fixes wait for the next pass.
    deferred: bool,
    /// Rules whose unsafe fixes were left out (no `--unsafe-fixes`), once each.
    unsafe_left: Vec<String>,
}

/// Plan the fixes of `found`; fixes that meet an earlier one's edits wait (deferred).
fn plan(
    language: Language,
    path: &Path,
    text: &str,
    found: &[Finding],
    engine: &Engine,
    options: &FixOptions,
    param_names: &[String],
) -> Result<Plan, String> {
    let sets = |name: &str| param_names.iter().any(|n| n.eq_ignore_ascii_case(name));
    let parsed = Parsed::of(language, path, text)?;
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut manual = Vec::new();
    let mut deferred = false;
    let mut unsafe_left: Vec<String> = Vec::new();
    for f in found.iter().filter(|f| fixable(f, options)) {
        let Some(spec) = engine.meta(&f.rule).and_then(|m| m.fix.as_ref()) else {
            continue;
        };
        let spec = FixSpec::parse(spec).map_err(|e| format!("rule {}: {e}", f.rule))?;
        if spec.applicability == Applicability::Unsafe && !options.unsafe_fixes {
            if !unsafe_left.contains(&f.rule) {
                unsafe_left.push(f.rule.clone());
            }
            continue;
        }
        match parsed.plan(text, f, &spec, &sets) {
            Planned::Edits(e) => {
                let all: Vec<&Edit> = candidates.iter().flat_map(|c| &c.edits).collect();
                let new: Vec<Edit> = e.into_iter().filter(|x| !all.contains(&x)).collect();
                // Two findings that insert at one place (e.g. both add a missing
                // `properties` object) would write it twice: the second waits for the
                // next pass, which sees the first one's result.
                if new.iter().any(|x| all.iter().any(|y| touches(x, y))) {
                    deferred = true;
                    continue;
                }
                if !new.is_empty() {
                    candidates.push(Candidate {
                        edits: new,
                        rule: f.rule.clone(),
                        line: f.location.start.line,
                        column: f.location.start.column,
                    });
                }
            }
            Planned::Nothing => {}
            Planned::Manual(advice) => manual.push(ManualFix {
                rule: f.rule.clone(),
                line: f.location.start.line,
                column: f.location.start.column,
                advice,
            }),
        }
    }
    Ok(Plan {
        candidates,
        manual,
        deferred,
        unsafe_left,
    })
}

fn apply(language: Language, text: &str, edits: &[Edit]) -> Result<String, String> {
    let (next, rejected) = edit::apply(text, edits);
    if !rejected.is_empty() {
        return Err("overlapping fixes; fix one rule at a time with --rule".into());
    }
    if !syntax_ok(language, &next) {
        return Err("the fixes would break the file's syntax; nothing was changed".into());
    }
    Ok(next)
}

/// Fix `text` (the content of `path`, BOM removed).
pub(crate) fn run(
    sources: &dyn Sources,
    language: Language,
    path: &Path,
    text: &str,
    engine: &Engine,
    options: &FixOptions,
) -> Result<Option<Fixed>, String> {
    let check = |t: &str| findings::of_text(sources, path, t, engine, &options.check);
    let param_names = findings::parameter_file_names(sources, path, &options.check);
    let Some(mut before) = check(text)? else {
        return Ok(None);
    };
    let mut current = text.to_string();
    let initial: Vec<Finding> = before
        .iter()
        .filter(|f| fixable(f, options))
        .cloned()
        .collect();
    let mut manual: Vec<ManualFix> = Vec::new();
    let mut refused: Vec<ManualFix> = Vec::new();
    let mut deferred = false;
    let mut unsafe_left: Vec<String> = Vec::new();
    // With --diff nothing is written, but later passes only need the text: every pass
    // works on the text in memory.
    for _ in 0..MAX_PASSES {
        let Plan {
            candidates,
            manual: advice,
            deferred: waits,
            unsafe_left: left,
        } = plan(
            language,
            path,
            &current,
            &before,
            engine,
            options,
            &param_names,
        )?;
        manual = advice;
        deferred = waits;
        unsafe_left = left;
        if candidates.is_empty() {
            break;
        }
        let all: Vec<Edit> = candidates.iter().flat_map(|c| c.edits.clone()).collect();
        let next = apply(language, &current, &all)?;
        let after = check(&next)?.unwrap_or_default();
        if new_problem(&before, &after).is_none() {
            current = next;
            before = after;
            continue;
        }
        // Some fix makes things worse: keep the ones that do not.
        let mut progressed = false;
        for c in &candidates {
            let Ok(next) = apply(language, &current, &c.edits) else {
                continue;
            };
            let after = check(&next)?.unwrap_or_default();
            match new_problem(&before, &after) {
                None => {
                    current = next;
                    before = after;
                    progressed = true;
                }
                Some(p) => refused.push(ManualFix {
                    rule: c.rule.clone(),
                    line: c.line,
                    column: c.column,
                    advice: format!(
                        "not fixed automatically: the fix would cause {} ({})",
                        p.rule, p.message
                    ),
                }),
            }
        }
        if !progressed {
            break;
        }
    }
    for r in refused {
        if !manual.contains(&r) {
            manual.push(r);
        }
    }
    // Issues fixed: fixable findings of the original text that are gone now.
    let applied = initial
        .iter()
        .enumerate()
        .filter(|(i, f)| {
            let earlier = initial[..*i].iter().filter(|x| key(x) == key(f)).count();
            before.iter().filter(|x| key(x) == key(f)).count() <= earlier
        })
        .count();
    let remaining = before
        .into_iter()
        .filter(|f| f.suppression.is_none() && options.fail_on.is_some_and(|t| f.level >= t))
        .collect();
    Ok(Some(Fixed {
        text: current,
        applied,
        manual,
        remaining,
        deferred,
        unsafe_left,
    }))
}
