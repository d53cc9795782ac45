//! Fixing a value where a parameter file writes it, both formats
//! (`acrlint fix main.prod.bicepparam`, `acrlint fix azuredeploy.parameters.json`):
//! a finding of the template checked with the file, whose deciding value is a
//! parameter the file sets (a related location in the file, "parameter file
//! value"), is fixed by writing there the value that makes the template's property
//! what the rule wants. That value is followed through the template's expression
//! as the template's own fixes follow it (`not`, `bool`, `if` with a known branch,
//! `equals` with a literal, `coalesce`, variables: see `param_value`).
//! The edit is kept only when the template, checked again with the edited file in
//! memory, no longer has the finding nor anything new, and its evaluated model
//! changed only at the fixed property. A Key Vault reference or an expression is
//! left to the author, with the value to give.

use std::path::Path;
use std::sync::Arc;

use super::driver::{new_problem, syntax_ok};
use super::edit::{self, coerce, excerpt, Edit};
use super::model::{differences, holds, value_at, Model};
use super::param_value::{deciding, literal, render, value_of_parameter};
use super::spec::{Applicability, FixSpec, SetProperty};
use super::{fixable, Finding, FixOptions, Fixed, ManualFix};
use crate::check::check_source;
use crate::check::params::template_bound_to;
use crate::load::discover::{classify, template_stem_of, JsonFileKind, ParameterFileTemplate};
use crate::rules::engine::Engine;
use crate::rules::finding::{Level, Related};
use crate::rules::native::registry::UNREADABLE;
use crate::source::file::Language;
use crate::source::sources::{Overlay, Sources};

/// Whether `text` (in `language`) is a parameter file: a `.bicepparam`, or JSON with
/// the deployment parameters `$schema` or named as a parameter file.
pub(crate) fn is_parameter_file(language: Language, path: &Path, text: &str) -> bool {
    match language {
        Language::BicepParam => true,
        // Named as one (`x.parameters.json`), `check` binds it to its template
        // whatever its `$schema` says, unless it is a template itself.
        Language::Json => {
            crate::source::json::parse(text).is_ok_and(|root| match classify(&root) {
                JsonFileKind::Parameters => true,
                JsonFileKind::Template => false,
                _ => template_stem_of(path).is_some(),
            })
        }
        Language::Bicep => false,
    }
}

/// A check's findings and the evaluated model of the template.
type Checked = (Vec<Finding>, Option<Model>);

/// The evaluated model of the template the parameter file at `path` belongs to,
/// with that file as `sources` has it.
fn model(sources: &dyn Sources, path: &Path, options: &FixOptions) -> Option<Model> {
    if Language::of(path) == Some(Language::BicepParam) {
        return Model::of_sources(sources, path, &options.check, true);
    }
    let ParameterFileTemplate::Template(template) =
        template_bound_to(path, sources, &options.check)
    else {
        return None;
    };
    let mut check = options.check.clone();
    check.expand.parameters = Some(path.to_path_buf());
    Model::of_sources(sources, &template, &check, true)
}

/// All findings when the parameter file at `path` holds `text` (`None`: not a
/// parameter file `check` can check with a template).
fn findings(
    sources: &dyn Sources,
    path: &Path,
    text: &str,
    engine: &Engine,
    options: &FixOptions,
) -> Result<Option<Checked>, String> {
    let mut overlay = Overlay::new(sources);
    overlay.set(path, Arc::new(text.to_string()));
    // A JSON parameter file is checked with the template `check` binds it to (by
    // its name, whatever its `$schema`, or the configuration); with none, `check`
    // of the file alone says why nothing is checked with it.
    let json = Language::of(path) != Some(Language::BicepParam);
    let configured = match template_bound_to(path, sources, &options.check) {
        ParameterFileTemplate::Template(t) if json => Some(t),
        // Nothing to fix it with (named, the command line says so).
        ParameterFileTemplate::NotOne if json => return Ok(None),
        _ => None,
    };
    let outcome = match configured {
        Some(template) => {
            let mut check = options.check.clone();
            check.expand.parameters = Some(path.to_path_buf());
            check_source(&template, &overlay, true, engine, &check)
        }
        None => check_source(path, &overlay, true, engine, &options.check),
    };
    // Why nothing was checked with it (no template, a syntax error), as `check`
    // says it on the file.
    let own = sources.canonical(path);
    if let Some(f) = outcome.findings.iter().find(|f| {
        f.rule == UNREADABLE
            && f.level >= Level::Warning
            && sources.canonical(&f.location.file) == own
    }) {
        return Err(format!(
            "{}:{}: {}",
            f.location.start.line, f.location.start.column, f.message
        ));
    }
    if outcome.fatal {
        return Err(
            "the parameter file or its template could not be checked (fix it first)".into(),
        );
    }
    if !outcome.checked {
        return Ok(None);
    }
    let model = model(&overlay, path, options);
    Ok(Some((outcome.findings, model)))
}

/// What a second evaluation changed besides `fixed` (a path of the resources'
/// bodies): the first change found, for the user.
fn other_change(before: &Model, after: &Model, fixed: &str) -> Option<String> {
    if before.resources.len() != after.resources.len() {
        return Some(format!(
            "the template deploys {} resources instead of {}",
            after.resources.len(),
            before.resources.len()
        ));
    }
    let fixed = fixed.to_ascii_lowercase();
    for (a, b) in before.resources.iter().zip(&after.resources) {
        if a.name != b.name || !a.condition.identical(&b.condition) {
            return Some(format!("the name or condition of {}", a.shown()));
        }
        let mut changed = Vec::new();
        differences(&a.body, &b.body, "", &mut changed);
        if let Some(c) = changed.iter().find(|c| c.to_ascii_lowercase() != fixed) {
            return Some(format!("{c} of {}", a.shown()));
        }
    }
    None
}

/// Whether the evaluated model holds the value `set` wants at its path of the
/// finding's resource (every iteration of it): `None` if so, else what it holds.
fn not_held(after: &Model, f: &Finding, set: &SetProperty) -> Option<String> {
    let resources = after.at(f.location.byte_start, f.resource_type.as_deref());
    if resources.is_empty() {
        return Some(format!(
            "{} of a resource the fix could not find again",
            set.path
        ));
    }
    resources.iter().find_map(|r| {
        let got = value_at(&r.body, &set.segments());
        (!holds(got, &set.value)).then(|| {
            format!(
                "{} of {} {} instead of {}",
                set.path,
                r.shown(),
                got.map_or_else(|| "unset".to_string(), |g| format!("at {}", g.to_json())),
                set.value
            )
        })
    })
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
    let own = sources.canonical(path);
    let here = |r: &Related| r.location.file == path || sources.canonical(&r.location.file) == own;
    let mut current = text.to_string();
    let mut applied = 0;
    let mut manual: Vec<ManualFix> = Vec::new();
    let mut unsafe_left: Vec<String> = Vec::new();
    let mut done: Vec<String> = Vec::new();
    loop {
        let mut progressed = false;
        // The parameters this file sets, as it is now (their defaults decide nothing).
        let names: Vec<String> = before
            .iter()
            .flat_map(|f| &f.related)
            .filter(|r| here(r))
            .filter_map(value_of_parameter)
            .map(str::to_string)
            .collect();
        let sets = |n: &str| names.iter().any(|m| m.eq_ignore_ascii_case(n));
        for f in before.clone().iter().filter(|f| fixable(f, options)) {
            let Some(spec) = engine
                .meta(&f.rule)
                .and_then(|m| m.fix.as_ref())
                .and_then(|s| FixSpec::parse(s).ok())
            else {
                continue;
            };
            let [set] = spec.set.as_slice() else { continue };
            // The values this file writes for the finding, and the parameter that
            // decides the property in the template.
            let values: Vec<&Related> = f
                .related
                .iter()
                .filter(|r| here(r) && value_of_parameter(r).is_some())
                .collect();
            let Some(first) = values.first() else {
                continue;
            };
            let advice = |r: &Related, why: String| ManualFix {
                rule: f.rule.clone(),
                line: r.location.start.line,
                column: r.location.start.column,
                advice: why,
            };
            let (r, want) = match deciding(sources, f, set, &sets) {
                Ok((name, want)) => {
                    match values.iter().find(|r| {
                        value_of_parameter(r).is_some_and(|n| n.eq_ignore_ascii_case(&name))
                    }) {
                        Some(r) => (*r, want),
                        // Another value decides the property.
                        None => continue,
                    }
                }
                Err(why) => {
                    let id = format!("{}:{}", f.rule, first.location.byte_start);
                    // Advice where the value is, when the template's expression
                    // that cannot be followed reads it.
                    let named = values
                        .iter()
                        .filter_map(|r| value_of_parameter(r))
                        .any(|n| why.contains(n));
                    if named && !done.contains(&id) {
                        done.push(id);
                        manual.push(advice(
                            first,
                            format!("the template computes {} from this value: {why}; change the template", set.path),
                        ));
                    }
                    continue;
                }
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
            let written = current.get(s..e).unwrap_or("");
            let Some(now) = literal(language, &current, s, e) else {
                let what = if language == Language::Json && written.trim_start().starts_with('{') {
                    "a Key Vault reference"
                } else {
                    "not a literal"
                };
                manual.push(advice(
                    r,
                    format!(
                        "the value here is {what} ({}): make it {want}",
                        excerpt(written)
                    ),
                ));
                continue;
            };
            let Some(value) = coerce(&now, &want) else {
                manual.push(advice(
                    r,
                    format!("the template needs {want} here, and the value is of another type: set it by hand"),
                ));
                continue;
            };
            let edit = Edit::replace(s as u32, e as u32, render(language, &value));
            let (next, rejected) = edit::apply(&current, &[edit]);
            if !rejected.is_empty() || !syntax_ok(language, &next) {
                manual.push(advice(
                    r,
                    format!("set it to {} by hand", render(language, &value)),
                ));
                continue;
            }
            let Some((after, next_model)) = findings(sources, path, &next, engine, options)? else {
                continue;
            };
            let still = after
                .iter()
                .any(|a| a.rule == f.rule && a.resource_name == f.resource_name);
            if still {
                manual.push(advice(r, format!(
                    "writing {} here does not fix {}: the template computes {} from it; change the template",
                    render(language, &value), f.rule, set.path
                )));
                continue;
            }
            if let Some(p) = new_problem(&before, &after) {
                manual.push(advice(
                    r,
                    format!("the fix would cause {} ({})", p.rule, p.message),
                ));
                continue;
            }
            // The template's evaluated model changes only at the fixed property.
            let (Some(m0), Some(m1)) = (&model, &next_model) else {
                manual.push(advice(
                    r,
                    format!("the template could not be evaluated to verify the fix: set it to {} by hand", render(language, &value)),
                ));
                continue;
            };
            if let Some(other) = other_change(m0, m1, &set.path) {
                manual.push(advice(
                    r,
                    format!(
                        "writing {} here also changes {other}: the template reads this parameter elsewhere too; change it by hand",
                        render(language, &value)
                    ),
                ));
                continue;
            }
            if let Some(why) = not_held(m1, f, set) {
                manual.push(advice(
                    r,
                    format!(
                        "writing {} here leaves {why}: set it by hand",
                        render(language, &value)
                    ),
                ));
                continue;
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
    // What remains for this file to fix: findings with a fix that hold because of a
    // value it writes. The template's other findings are the template's to fix and
    // to report (`fix DIR` fixes both: each is listed once).
    before.retain(|f| {
        sources.canonical(&f.location.file) == own
            || (f.related.iter().any(here) && engine.meta(&f.rule).is_some_and(|m| m.fix.is_some()))
    });
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
