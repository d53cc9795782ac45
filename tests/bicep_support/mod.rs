//! Shared by the Bicep differential tests: expand a `.bicep` file through the
//! lowering and a compiled template through the JSON loader, and normalize both
//! expansions to comparable resource lists.

#![allow(dead_code)]

use std::path::Path;

use acrlint::{expand, expand_files, load_bicep, BicepProject, ExpandOptions, Expansion, Severity};
use serde_json::{Map, Value as Json};

pub fn options() -> ExpandOptions {
    ExpandOptions {
        no_parameter_discovery: true,
        ..Default::default()
    }
}

/// Lower and expand a `.bicep` file; also returns the lowering diagnostics.
pub fn expand_bicep(path: &Path) -> (Expansion, Vec<(String, Severity)>) {
    let project: BicepProject =
        load_bicep(path).unwrap_or_else(|e| panic!("{}: {}", path.display(), e.message));
    let diags = project
        .diagnostics
        .iter()
        .map(|(_, _, m, s)| (m.clone(), *s))
        .collect();
    let exp = expand_files(project.files, project.param_file, &options())
        .unwrap_or_else(|e| panic!("{}: {}", path.display(), e.render()));
    (exp, diags)
}

pub fn expand_json(path: &Path) -> Expansion {
    expand(path, &options()).unwrap_or_else(|e| panic!("{}", e.render()))
}

/// How resources are compared.
#[derive(Clone, Copy, Debug)]
pub struct Compare {
    /// Keep `existing` resources (languageVersion 1 templates drop them).
    pub existing: bool,
    /// Only resources of the top-level template (module contents excluded).
    pub top_level_only: bool,
    /// Compare unknown values without their reason (`{"$unknown": "?"}`): the
    /// reason depends on the expression's spelling (`reference('sym')` vs
    /// `reference(resourceId(...))`), not on its value.
    pub unknown_reasons: bool,
}

pub fn forget_reasons(v: &mut Json) {
    match v {
        Json::Object(m) => {
            if m.len() == 1 && m.contains_key("$unknown") {
                m.insert("$unknown".into(), Json::String("?".into()));
                return;
            }
            for x in m.values_mut() {
                forget_reasons(x);
            }
        }
        Json::Array(items) => items.iter_mut().for_each(forget_reasons),
        _ => {}
    }
}

/// The resources of an expansion as sorted JSON, without bookkeeping: source
/// location, symbolic name, `dependsOn`, copy indexes, nested template markers,
/// the inline template / template link of deployments, and the API version of
/// `Microsoft.Resources/deployments` (it is the compiler version's choice).
pub fn resources(exp: &Expansion, how: Compare) -> Vec<Json> {
    let json = acrlint::expansion_to_json(exp);
    let mut out = Vec::new();
    for r in json["resources"].as_array().cloned().unwrap_or_default() {
        let Json::Object(mut obj) = r else { continue };
        let existing = obj.get("existing") == Some(&Json::Bool(true));
        let nested = obj.get("deployment").and_then(Json::as_str) != Some("");
        // languageVersion 1 templates (and modules) leave existing resources out;
        // a compiled file may mix language versions between its modules.
        if existing && (!how.existing || nested) {
            continue;
        }
        if how.top_level_only && obj.get("deployment").and_then(Json::as_str) != Some("") {
            continue;
        }
        for k in [
            "source",
            "symbolicName",
            "dependsOn",
            "copyIndex",
            "nestedTemplate",
        ] {
            obj.remove(k);
        }
        // Resource types are case-insensitive; the compiler writes the casing of
        // its type library.
        if let Some(Json::String(t)) = obj.get_mut("type") {
            *t = t.to_ascii_lowercase();
        }
        let is_deployment = obj
            .get("type")
            .and_then(Json::as_str)
            .is_some_and(|t| t.eq_ignore_ascii_case("Microsoft.Resources/deployments"));
        if is_deployment {
            obj.remove("apiVersion");
            if let Some(Json::Object(p)) = obj.get_mut("properties") {
                p.remove("template");
                p.remove("templateLink");
            }
        }
        let mut r = Json::Object(obj);
        if !how.unknown_reasons {
            forget_reasons(&mut r);
        }
        out.push(r);
    }
    out.sort_by_key(|r| {
        format!(
            "{}|{}|{}",
            r["type"].as_str().unwrap_or("").to_ascii_lowercase(),
            r["name"],
            r
        )
    });
    out
}

/// Top-level outputs as JSON.
pub fn outputs(exp: &Expansion) -> Map<String, Json> {
    let json = acrlint::expansion_to_json(exp);
    json["outputs"].as_object().cloned().unwrap_or_default()
}

/// Every difference between two sorted resource lists: (resource label, detail).
/// Lists of different lengths give one difference naming both sides.
pub fn differences(ours: &[Json], theirs: &[Json]) -> Vec<(String, String)> {
    let label = |r: &Json| format!("{} {}", r["type"].as_str().unwrap_or(""), r["name"]);
    if ours.len() != theirs.len() {
        return vec![(
            "<resource count>".into(),
            format!(
                "{} resources vs {} compiled\n  ours: {:?}\n  compiled: {:?}",
                ours.len(),
                theirs.len(),
                ours.iter().map(label).collect::<Vec<_>>(),
                theirs.iter().map(label).collect::<Vec<_>>()
            ),
        )];
    }
    ours.iter()
        .zip(theirs)
        .filter(|(a, b)| a != b)
        .map(|(a, b)| {
            (
                label(a),
                format!(
                    "ours: {}\n  compiled: {}",
                    diff_path(a, b, ""),
                    diff_path(b, a, "")
                ),
            )
        })
        .collect()
}

/// The first path where `a` differs from `b`, with `a`'s value there.
fn diff_path(a: &Json, b: &Json, at: &str) -> String {
    match (a, b) {
        (Json::Object(x), Json::Object(y)) => {
            for (k, v) in x {
                match y.get(k) {
                    Some(w) if w == v => {}
                    Some(w) => return diff_path(v, w, &format!("{at}.{k}")),
                    None => return format!("{at}.{k} = {v} (missing on the other side)"),
                }
            }
            for k in y.keys() {
                if !x.contains_key(k) {
                    return format!("{at}.{k} missing");
                }
            }
            format!("{at}: {a}")
        }
        (Json::Array(x), Json::Array(y)) if x.len() == y.len() => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                if v != w {
                    return diff_path(v, w, &format!("{at}[{i}]"));
                }
            }
            format!("{at}: {a}")
        }
        _ => format!("{at} = {a}"),
    }
}
