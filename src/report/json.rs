//! `--format json`: a versioned schema, documented in `docs/json-output.md` and
//! described by `docs/json-output.schema.json`. Bump [`SCHEMA_VERSION`] on any change
//! that is not a pure addition.

use std::path::Path;

use serde_json::{json, Value as Json};

use crate::report::{relative_to, suppression_kind, working_dir, Report};
use crate::rules::finding::{Finding, Location, Related};

/// The version of the JSON output schema.
pub const SCHEMA_VERSION: &str = "1";

/// Render the report as pretty-printed JSON (with a trailing newline).
pub fn render(report: &Report) -> String {
    render_in(report, &working_dir())
}

/// [`render`] with paths relative to `base`.
pub fn render_in(report: &Report, base: &Path) -> String {
    format!("{:#}\n", to_json(report, base))
}

/// The report as a JSON value.
pub fn to_json(report: &Report, base: &Path) -> Json {
    let summary = report.summary();
    json!({
        "version": SCHEMA_VERSION,
        "tool": {
            "name": env!("CARGO_PKG_NAME"),
            "version": env!("CARGO_PKG_VERSION"),
        },
        "summary": {
            "files": summary.files,
            "errors": summary.errors,
            "warnings": summary.warnings,
            "notes": summary.notes,
            "suppressed": summary.suppressed,
        },
        "files": report
            .all_files()
            .into_iter()
            .map(|f| relative_to(f, base))
            .collect::<Vec<_>>(),
        "configurations": report
            .configurations
            .iter()
            .map(|f| relative_to(f, base))
            .collect::<Vec<_>>(),
        "findings": report
            .findings
            .iter()
            .map(|f| finding(f, base))
            .collect::<Vec<_>>(),
    })
}

fn finding(f: &Finding, base: &Path) -> Json {
    let resource = match (&f.resource_type, &f.resource_name) {
        (None, None) => Json::Null,
        (rtype, name) => json!({ "type": rtype, "name": name }),
    };
    let suppressed = f.suppression.as_ref().map_or(Json::Null, |s| {
        json!({
            "kind": suppression_kind(&s.kind),
            "justification": s.justification,
        })
    });
    let mut obj = json!({
        "rule": f.rule,
        "level": f.level.as_str(),
        "status": f.status.as_str(),
    });
    extend(&mut obj, location(&f.location, base));
    extend(
        &mut obj,
        json!({
            "resource": resource,
            "message": f.message,
            "related": f.related.iter().map(|r| related(r, base)).collect::<Vec<_>>(),
            "fingerprint": f.fingerprint,
            "suppressed": suppressed,
        }),
    );
    obj
}

fn related(r: &Related, base: &Path) -> Json {
    let mut obj = location(&r.location, base);
    extend(&mut obj, json!({ "message": r.message }));
    obj
}

fn location(l: &Location, base: &Path) -> Json {
    json!({
        "file": relative_to(&l.file, base),
        "startLine": l.start.line,
        "startColumn": l.start.column,
        "endLine": l.end.line,
        "endColumn": l.end.column,
    })
}

/// Append the members of `more` to `obj` (both objects), keeping their order.
fn extend(obj: &mut Json, more: Json) {
    if let (Json::Object(obj), Json::Object(more)) = (obj, more) {
        obj.extend(more);
    }
}

#[cfg(test)]
#[path = "json_tests.rs"]
mod tests;
