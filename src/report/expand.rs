//! `acrlint expand` output: the evaluated template as JSON (SPEC §7).

use serde_json::{json, Map as JsonMap, Value as Json};

use crate::arm::expand::Expansion;
use crate::arm::value::Value;
use crate::source::paths::relative_path;

/// Render an expansion as the documented JSON shape.
pub fn to_json(exp: &Expansion) -> Json {
    let mut resources = Vec::with_capacity(exp.resources.len());
    for r in &exp.resources {
        let mut obj = JsonMap::new();
        obj.insert("type".into(), Json::String(r.resource_type.to_string()));
        obj.insert(
            "apiVersion".into(),
            r.api_version
                .as_ref()
                .map_or(Json::Null, |a| Json::String(a.to_string())),
        );
        obj.insert("name".into(), r.name.to_json());
        obj.insert(
            "location".into(),
            r.location.as_ref().map_or(Json::Null, Value::to_json),
        );
        obj.insert(
            "condition".into(),
            match &r.condition {
                Value::Bool(b) => Json::Bool(*b),
                _ => Json::String("unknown".into()),
            },
        );
        if let Some(body) = r.body.as_object() {
            if let Some(p) = body.get("properties") {
                obj.insert("properties".into(), p.to_json());
            }
            for (k, v) in body.iter() {
                let lower = k.to_ascii_lowercase();
                if matches!(lower.as_str(), "apiversion" | "location" | "properties") {
                    continue;
                }
                obj.insert(k.to_string(), v.to_json());
            }
        }
        if r.existing {
            obj.insert("existing".into(), Json::Bool(true));
        }
        if let Some(sym) = &r.symbolic {
            obj.insert("symbolicName".into(), Json::String(sym.to_string()));
        }
        if !r.copy.is_empty() {
            obj.insert(
                "copyIndex".into(),
                Json::Array(
                    r.copy
                        .iter()
                        .map(|(n, i)| {
                            json!({"loop": n.as_deref(), "index": if *i == crate::arm::expand::UNKNOWN_COPY_INDEX { Json::Null } else { Json::from(*i) }})
                        })
                        .collect(),
                ),
            );
        }
        if let Some(kind) = r.nested {
            obj.insert(
                "nestedTemplate".into(),
                Json::String(
                    match kind {
                        crate::arm::expand::NestedKind::Inline => "inline",
                        crate::arm::expand::NestedKind::Linked => "linked (content unknown)",
                    }
                    .into(),
                ),
            );
        }
        let (file, line, column) = match exp.file(r.file) {
            Some(f) => {
                let lc = f.source.line_col(r.span.start);
                (relative_path(&f.source.path), lc.line, lc.column)
            }
            None => (String::new(), 0, 0),
        };
        obj.insert(
            "source".into(),
            json!({"file": file, "line": line, "column": column}),
        );
        obj.insert("deployment".into(), Json::String(r.deployment.clone()));
        resources.push(Json::Object(obj));
    }
    let mut outputs = JsonMap::new();
    for o in &exp.outputs {
        outputs.insert(o.name.to_string(), o.value.to_json());
    }
    let diagnostics: Vec<Json> = exp
        .diagnostics
        .iter()
        .map(|d| {
            let (file, lc) = match exp.file(d.file) {
                Some(f) => (
                    relative_path(&f.source.path),
                    Some(f.source.line_col(d.span.start)),
                ),
                None => (String::new(), None),
            };
            json!({
                "file": file,
                "line": lc.map(|l| l.line),
                "column": lc.map(|l| l.column),
                "kind": format!("{:?}", d.kind).to_ascii_lowercase(),
                "message": d.message,
            })
        })
        .collect();
    let mut root = JsonMap::new();
    root.insert("resources".into(), Json::Array(resources));
    root.insert("outputs".into(), Json::Object(outputs));
    if let Some(p) = &exp.parameter_file {
        root.insert("parameterFile".into(), Json::String(relative_path(p)));
    }
    root.insert("diagnostics".into(), Json::Array(diagnostics));
    Json::Object(root)
}
