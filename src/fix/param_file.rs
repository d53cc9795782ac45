//! Fixing from a parameter file (`acrlint fix main.prod.bicepparam`): a finding
//! whose offending value is a parameter the file sets (its related location is the
//! file's value, "parameter file value") is fixed by writing the value the rule
//! wants there. The edit is kept only when the template, checked again with the
//! edited values, no longer has the finding nor anything new, and its evaluated
//! model changed only at the fixed property.

use std::path::Path;
use std::sync::Arc;

use super::driver::{new_problem, syntax_ok};
use super::edit::{self, excerpt, Edit};
use super::model::{differences, Model};
use super::spec::{Applicability, FixSpec};
use super::{fixable, Finding, FixOptions, Fixed, ManualFix};
use crate::check::check_source;
use crate::rules::engine::Engine;
use crate::source::escape::bicep_string;
use crate::source::file::Language;
use crate::source::sources::{Overlay, Sources};

/// The text of `value` in the parameter file's language.
fn render(language: Language, value: &serde_json::Value) -> String {
    match (language, value) {
        (Language::BicepParam, serde_json::Value::String(s)) => bicep_string(s),
        _ => serde_json::to_string(value).unwrap_or_else(|_| "null".into()),
    }
}

/// Whether `text` is a literal a fix may replace (not an expression).
fn is_literal(text: &str) -> bool {
    let t = text.trim();
    matches!(t, "true" | "false" | "null")
        || t.parse::<f64>().is_ok()
        || (t.len() >= 2 && t.starts_with('\'') && t.ends_with('\'') && !t.contains("${"))
        || serde_json::from_str::<String>(t).is_ok_and(|s| !s.starts_with('['))
}

/// A check's findings and the evaluated model of the template.
type Checked = (Vec<Finding>, Option<Model>);

/// All findings when the parameter file at `path` holds `text` (`None`: not a
/// parameter file `check` can check).
fn findings(
    sources: &dyn Sources,
    path: &Path,
    text: &str,
    engine: &Engine,
    options: &FixOptions,
) -> Result<Option<Checked>, String> {
    let mut overlay = Overlay::new(sources);
    overlay.set(path, Arc::new(text.to_string()));
    let outcome = check_source(path, &overlay, true, engine, &options.check);
    if outcome.fatal {
        return Err(
            "the parameter file or its template could not be checked (fix it first)".into(),
        );
    }
    if !outcome.checked {
        return Ok(None);
    }
    let model = Model::of_sources(&overlay, path, &options.check, true);
    Ok(Some((outcome.findings, model)))
}

pub(crate) fn run(
    sources: &dyn Sources,
    language: Language,
    path: &Path,
    text: &str,
    engine: &Engine,
    options: &FixOptions,
) -> Result<Option<Fixed>, String> {
    let Some((mut before, mut model)) = findings(sources, path, text, engine, options)? else {
        return Ok(None);
    };
    let mut current = text.to_string();
    let mut applied = 0;
    let mut manual: Vec<ManualFix> = Vec::new();
    let mut unsafe_left: Vec<String> = Vec::new();
    let mut done: Vec<String> = Vec::new();
    loop {
        let mut progressed = false;
        for f in before.clone().iter().filter(|f| fixable(f, options)) {
            let Some(spec) = engine
                .meta(&f.rule)
                .and_then(|m| m.fix.as_ref())
                .and_then(|s| FixSpec::parse(s).ok())
            else {
                continue;
            };
            let [set] = spec.set.as_slice() else { continue };
            // The parameter file's value of the parameter the offending value is.
            let offending = sources
                .read(&f.location.file)
                .ok()
                .and_then(|t| {
                    t.text
                        .get(f.location.byte_start as usize..f.location.byte_end as usize)
                        .map(str::to_string)
                })
                .unwrap_or_default();
            let Some(r) = f.related.iter().find(|r| {
                let name = r.message.split('`').nth(1).unwrap_or("");
                r.location.file == path
                    && r.message.contains("parameter file value")
                    && !name.is_empty()
                    && offending.contains(name)
                    && !offending.trim_start().starts_with(['{', '['])
            }) else {
                continue;
            };
            let id = format!("{}:{}", f.rule, r.location.byte_start);
            if done.contains(&id) {
                continue;
            }
            done.push(id);
            if spec.applicability == Applicability::Unsafe && !options.unsafe_fixes {
                if !unsafe_left.contains(&f.rule) {
                    unsafe_left.push(f.rule.clone());
                }
                continue;
            }
            let (s, e) = (r.location.byte_start as usize, r.location.byte_end as usize);
            let advice = |why: String| ManualFix {
                rule: f.rule.clone(),
                line: r.location.start.line,
                column: r.location.start.column,
                advice: why,
            };
            let written = current.get(s..e).unwrap_or("");
            if !is_literal(written) {
                manual.push(advice(format!(
                    "{} comes from {}; make it {}",
                    set.path,
                    excerpt(written),
                    set.value
                )));
                continue;
            }
            let edit = Edit::replace(s as u32, e as u32, render(language, &set.value));
            let (next, rejected) = edit::apply(&current, &[edit]);
            if !rejected.is_empty() || !syntax_ok(language, &next) {
                manual.push(advice(format!("set it to {} by hand", set.value)));
                continue;
            }
            let Some((after, next_model)) = findings(sources, path, &next, engine, options)? else {
                continue;
            };
            let still = after
                .iter()
                .any(|a| a.rule == f.rule && a.resource_name == f.resource_name);
            if still {
                manual.push(advice(format!(
                    "writing {} here does not fix {}: the template computes {} from it; change the template",
                    set.value, f.rule, set.path
                )));
                continue;
            }
            if let Some(p) = new_problem(&before, &after) {
                manual.push(advice(format!(
                    "the fix would cause {} ({})",
                    p.rule, p.message
                )));
                continue;
            }
            // The template's evaluated model changes only at the fixed property.
            if let (Some(m0), Some(m1)) = (&model, &next_model) {
                let mut changed = Vec::new();
                for (a, b) in m0.resources.iter().zip(&m1.resources) {
                    differences(&a.body, &b.body, "", &mut changed);
                }
                let path_l = set.path.to_ascii_lowercase();
                if m0.resources.len() != m1.resources.len()
                    || changed.iter().any(|c| c.to_ascii_lowercase() != path_l)
                {
                    return Err(format!(
                        "internal error in the fix of {}: the parameter value changes more than {}; nothing was written for this file",
                        f.rule, set.path
                    ));
                }
            }
            current = next;
            before = after;
            model = next_model;
            applied += 1;
            progressed = true;
            break;
        }
        if !progressed {
            break;
        }
    }
    let (remaining, unfixed) = super::split_remaining(before, options);
    Ok(Some(Fixed {
        text: current,
        applied,
        manual,
        remaining,
        unfixed,
        deferred: false,
        unsafe_left,
    }))
}
