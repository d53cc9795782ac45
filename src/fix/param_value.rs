//! Where a parameter file (`.bicepparam` or JSON) writes the value that decides a
//! template's finding: the parameter a finding's related location names, the
//! parameter the template's property is computed from and the value it must have
//! there ([`Parsed::deciding_parameter`]), whether the value written is a literal a
//! fix may replace, and its text in the file's language. Shared by the template's
//! fixer, whose advice points at the value, and by `param_file`, which fixes it.

use super::bicep;
use super::edit::{coerce, excerpt};
use super::parsed::Parsed;
use super::spec::{FixSpec, SetProperty};
use super::Finding;
use crate::check::params::template_bound_to;
use crate::check::CheckOptions;
use crate::load::discover::ParameterFileTemplate;
use crate::rules::finding::Related;
use crate::source::bicep as bicep_parse;
use crate::source::escape::bicep_string;
use crate::source::file::Language;
use crate::source::paths;
use crate::source::sources::Sources;

/// The text of `value` in the parameter file's language.
pub(super) fn render(language: Language, value: &serde_json::Value) -> String {
    match (language, value) {
        (Language::BicepParam, serde_json::Value::String(s)) => bicep_string(s),
        _ => serde_json::to_string(value).unwrap_or_else(|_| "null".into()),
    }
}

/// The value written at `start..end` of the parameter file `text` when it is a
/// literal a fix may replace (not an expression, an object, an array or a Key
/// Vault reference). In a `.bicepparam` the value is parsed as the Bicep
/// expression it is (`'a' == 'a'` is a comparison, not a string).
pub(super) fn literal(
    language: Language,
    text: &str,
    start: usize,
    end: usize,
) -> Option<serde_json::Value> {
    use serde_json::Value as J;
    if language == Language::BicepParam {
        let parsed = bicep_parse::parse_as(text, bicep_parse::FileKind::BicepParam);
        return parsed
            .program
            .statements
            .iter()
            .find_map(|s| match &s.kind {
                bicep_parse::StatementKind::Param {
                    default: Some(value),
                    ..
                } if value.span.start as usize == start && value.span.end as usize == end => {
                    Some(value)
                }
                _ => None,
            })
            .and_then(bicep::literal);
    }
    match serde_json::from_str::<J>(text.get(start..end)?.trim()).ok()? {
        // ARM passes a parameter file's strings as they are; one that reads as an
        // expression is left to the author.
        J::String(s) if s.starts_with('[') && !s.starts_with("[[") => None,
        v @ (J::Bool(_) | J::Number(_) | J::Null | J::String(_)) => Some(v),
        _ => None,
    }
}

/// The parameter a related location names ("parameter `x`, parameter file value").
pub(super) fn value_of_parameter(r: &Related) -> Option<&str> {
    r.message
        .contains("parameter file value")
        .then(|| r.message.split('`').nth(1))
        .flatten()
        .filter(|n| !n.is_empty())
}

/// The parameter a related location traces to its default ("parameter `x`,
/// default").
fn default_of_parameter(r: &Related) -> Option<&str> {
    r.message
        .contains("`, default")
        .then(|| r.message.split('`').nth(1))
        .flatten()
        .filter(|n| !n.is_empty())
}

/// Whether a parameter file decides the parameter `name` for the finding `f`: its
/// related locations trace the value to a parameter file's value, or `bound` (the
/// parameters of the file `check` binds to the template) has it and they do not
/// trace it to the default.
pub(super) fn sets_for(f: &Finding, bound: &[String], name: &str) -> bool {
    let traced = |of: fn(&Related) -> Option<&str>| {
        f.related
            .iter()
            .filter_map(of)
            .any(|n| n.eq_ignore_ascii_case(name))
    };
    traced(value_of_parameter)
        || (bound.iter().any(|n| n.eq_ignore_ascii_case(name)) && !traced(default_of_parameter))
}

/// The parameter that decides `set` of the finding's resource in its template, and
/// the value it must have; `sets`: whether the parameter file sets a parameter.
pub(super) fn deciding(
    sources: &dyn Sources,
    f: &Finding,
    set: &SetProperty,
    sets: &dyn Fn(&str) -> bool,
) -> Result<(String, serde_json::Value), String> {
    let template = &f.location.file;
    let source = sources
        .read(template)
        .map_err(|_| "the template could not be read".to_string())?;
    let language = Language::of(template).unwrap_or(Language::Json);
    let parsed = Parsed::of(language, template, &source.text)?;
    parsed.deciding_parameter(&source.text, f, set, sets)
}

/// Advice for a finding of a template whose deciding value a parameter file writes
/// (the template's planner has nothing to change): where, and what `acrlint fix`
/// of that file writes there, or what to make it by hand.
pub(super) fn advice_elsewhere(
    sources: &dyn Sources,
    options: &CheckOptions,
    parsed: &Parsed,
    text: &str,
    f: &Finding,
    spec: &FixSpec,
    sets: &dyn Fn(&str) -> bool,
) -> Option<String> {
    let r = f
        .related
        .iter()
        .find(|r| r.location.file != f.location.file && value_of_parameter(r).is_some())?;
    let name = value_of_parameter(r)?;
    // As the user named the template: relative to the working directory unless
    // the template was named by an absolute path.
    let file = if f.location.file.is_absolute() {
        r.location.file.to_string_lossy().replace('\\', "/")
    } else {
        paths::relative_path(&r.location.file)
    };
    let at = format!(
        "{file}:{}:{}",
        r.location.start.line, r.location.start.column
    );
    let want = spec
        .set
        .first()
        .and_then(|set| parsed.deciding_parameter(text, f, set, sets).ok())
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, want)| want);
    let Some(want) = want else {
        return Some(format!(
            "the value comes from the parameter file, at {at}: fix it there"
        ));
    };
    let language = Language::of(&r.location.file).unwrap_or(Language::Json);
    let (s, e) = (r.location.byte_start as usize, r.location.byte_end as usize);
    let file_text = sources
        .read(&r.location.file)
        .map(|s| s.text.to_string())
        .unwrap_or_default();
    let written = file_text.get(s..e).unwrap_or_default();
    // `acrlint fix FILE` fixes it only when that run finds the template.
    let mut alone = options.clone();
    alone.expand.parameters = None;
    let found = match template_bound_to(&r.location.file, sources, &alone) {
        ParameterFileTemplate::Template(t) => {
            sources.canonical(&t) == sources.canonical(&f.location.file)
        }
        _ => false,
    };
    Some(
        match literal(language, &file_text, s, e).and_then(|c| coerce(&c, &want)) {
            Some(v) if !found => format!(
                "the value comes from the parameter file, at {at}: make it {}",
                render(language, &v)
            ),
            Some(v) => format!(
                "the value comes from the parameter file, at {at}: fix it there (acrlint fix {file} writes {})",
                render(language, &v)
            ),
            None => format!(
                "the value comes from the parameter file, at {at}, where it is {}: make it {want}",
                excerpt(written)
            ),
        },
    )
}
