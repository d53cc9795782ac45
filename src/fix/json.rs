//! Repairs of ARM JSON templates: edits planned from a finding's byte span and its
//! rule's [`FixSpec`], touching nothing but the offending values (and the places a
//! missing property must be inserted).

use regex::Regex;

use super::edit::{indent_at, newline_of, starts_line, Edit};
use super::spec::{FixSpec, SetProperty};
use crate::arm::expr::parser::{classify, StringForm};
use crate::rules::finding::Finding;
use crate::source::escape::json_string;
use crate::source::json::{Node, NodeKind};

/// A place the fixer cannot repair by itself, with what to do instead.
pub type Manual = String;

/// What one finding needs: edits, or advice for the user.
pub enum Planned {
    Edits(Vec<Edit>),
    /// Nothing to change (the value is already what the fix wants).
    Nothing,
    Manual(Manual),
}

/// Everything the planner needs to know about the file.
pub struct JsonFile<'a> {
    pub text: &'a str,
    pub root: &'a Node,
    /// Whether the parameter file used for the template sets this parameter.
    pub param_file_sets: &'a dyn Fn(&str) -> bool,
}

/// Plan the repair of one finding.
pub fn plan(file: &JsonFile, finding: &Finding, spec: &FixSpec) -> Planned {
    let span_start = finding.location.byte_start;
    let span_end = finding.location.byte_end.max(span_start);
    let chain = ancestors(file.root, span_start, span_end);
    let Some(resource_index) = resource_in(&chain, finding.resource_type.as_deref()) else {
        return Planned::Manual("the resource could not be located in the file".into());
    };
    let resource = chain[resource_index].1;
    let mut edits = Vec::new();
    if spec.guard {
        match guard(file.text, resource) {
            Planned::Edits(e) => edits.extend(e),
            Planned::Nothing => {}
            m @ Planned::Manual(_) => return m,
        }
    }
    for set in &spec.set {
        match set_property(file, &chain[..=resource_index], resource, set) {
            // Two properties inserted into one missing object would each write it:
            // the later ones follow in the next pass (the finding is still there).
            Planned::Edits(e) if e.iter().any(|x| edits.iter().any(|y| super::touches(x, y))) => {
                break
            }
            Planned::Edits(e) => edits.extend(e),
            Planned::Nothing => {}
            m @ Planned::Manual(_) => return m,
        }
    }
    if edits.is_empty() {
        Planned::Nothing
    } else {
        Planned::Edits(edits)
    }
}

/// The nodes from the root down to the deepest one containing `start..end`, each with
/// the key it was reached by.
fn ancestors(root: &Node, start: u32, end: u32) -> Vec<(Option<&str>, &Node)> {
    let mut chain = vec![(None, root)];
    let mut node = root;
    loop {
        let inside = |n: &Node| n.span.start <= start && end <= n.span.end;
        let next = match &node.kind {
            NodeKind::Object(members) => members
                .iter()
                .find(|m| inside(&m.value))
                .map(|m| (Some(&*m.key), &m.value)),
            NodeKind::Array(items) => items.iter().find(|n| inside(n)).map(|n| (None, n)),
            _ => None,
        };
        match next {
            Some((key, n)) if !std::ptr::eq(n, node) => {
                chain.push((key, n));
                node = n;
            }
            _ => return chain,
        }
    }
}

fn type_matches(written: &str, full: &str) -> bool {
    let (w, f) = (written.to_ascii_lowercase(), full.to_ascii_lowercase());
    w == f || f.ends_with(&format!("/{w}"))
}

/// Index in `chain` of the innermost resource object of type `resource_type`.
fn resource_in(chain: &[(Option<&str>, &Node)], resource_type: Option<&str>) -> Option<usize> {
    let full = resource_type?;
    chain.iter().rposition(|(_, n)| {
        n.get("type")
            .and_then(Node::as_str)
            .is_some_and(|t| type_matches(t, full))
            && (n.get("apiVersion").is_some() || n.get("name").is_some())
    })
}

/// `"condition": false` as the resource's first member.
fn guard(text: &str, resource: &Node) -> Planned {
    if let Some(c) = resource.get("condition") {
        return match c.kind {
            NodeKind::Bool(false) => Planned::Nothing,
            _ => Planned::Manual(
                "the resource already has a condition: make it false, or compare the replica's location with the registry's".into(),
            ),
        };
    }
    if resource.get("copy").is_some() {
        return Planned::Manual(
            "the resource is a copy loop: guard only the home-region iteration with a condition that compares its location with the registry's".into(),
        );
    }
    let Some(first) = resource.as_object().and_then(|m| m.first()) else {
        return Planned::Manual("the resource object is empty".into());
    };
    let at = first.key_span.start as usize;
    let member = if starts_line(text, at) {
        format!(
            "\"condition\": false,{}{}",
            newline_of(text),
            indent_at(text, at)
        )
    } else {
        "\"condition\": false, ".to_string()
    };
    Planned::Edits(vec![Edit::insert(first.key_span.start, member)])
}

fn set_property(
    file: &JsonFile,
    chain: &[(Option<&str>, &Node)],
    resource: &Node,
    set: &SetProperty,
) -> Planned {
    let segments = set.segments();
    let mut node = resource;
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match node.member(seg) {
            Some(m) if last => return set_value(file, chain, &m.value, set),
            Some(m) if m.value.is_object() => node = &m.value,
            Some(m) => {
                let source = file
                    .text
                    .get(m.value.span.start as usize..m.value.span.end as usize)
                    .unwrap_or("an expression");
                return Planned::Manual(set.computed_at(i, &excerpt(source)));
            }
            None => return insert_member(file.text, node, seg, &set.value_at(i)),
        }
    }
    Planned::Nothing
}

fn same_value(node: &Node, want: &serde_json::Value) -> bool {
    match (&node.kind, want) {
        (NodeKind::Bool(a), serde_json::Value::Bool(b)) => a == b,
        (NodeKind::String(a), serde_json::Value::String(b)) => a.eq_ignore_ascii_case(b),
        (NodeKind::Int(a), serde_json::Value::Number(b)) => b.as_i64() == Some(*a),
        (NodeKind::Null, serde_json::Value::Null) => true,
        _ => false,
    }
}

fn set_value(
    file: &JsonFile,
    chain: &[(Option<&str>, &Node)],
    value: &Node,
    set: &SetProperty,
) -> Planned {
    if same_value(value, &set.value) {
        return Planned::Nothing;
    }
    let written = file
        .text
        .get(value.span.start as usize..value.span.end as usize)
        .unwrap_or("");
    match &value.kind {
        NodeKind::Bool(_) | NodeKind::Int(_) | NodeKind::Float(_) | NodeKind::Null => {
            Planned::Edits(vec![Edit::replace(
                value.span.start,
                value.span.end,
                render(&set.value, "", "  ", "\n"),
            )])
        }
        NodeKind::String(s) => match classify(s) {
            StringForm::Literal(_) => Planned::Edits(vec![Edit::replace(
                value.span.start,
                value.span.end,
                render(&set.value, "", "  ", "\n"),
            )]),
            StringForm::Expression(inner, _) => match parameter_reference(inner) {
                Some(name) => set_parameter_default(file, chain, &name, set),
                None => Planned::Manual(format!(
                    "{} is the expression {}; make it evaluate to {}",
                    set.path,
                    excerpt(written),
                    set.value
                )),
            },
        },
        _ => Planned::Manual(format!(
            "{} is {}; set it to {}",
            set.path,
            excerpt(written),
            set.value
        )),
    }
}

/// `parameters('x')` (the whole expression) → `x`.
fn parameter_reference(expr: &str) -> Option<String> {
    let re = Regex::new(r"(?i)^\s*parameters\s*\(\s*'([^']*)'\s*\)\s*$").ok()?;
    re.captures(expr)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_string())
}

/// The template whose `parameters('…')` the resource at the end of `chain` reads:
/// the innermost enclosing template, skipping nested templates evaluated in the
/// outer scope (the default).
fn template_of<'n>(chain: &[(Option<&str>, &'n Node)]) -> Option<&'n Node> {
    let mut candidate: Option<&Node> = None;
    for (i, (key, node)) in chain.iter().enumerate() {
        if i == 0 {
            candidate = Some(node);
            continue;
        }
        let nested = key.is_some_and(|k| k.eq_ignore_ascii_case("template"))
            && node.get("resources").is_some()
            && i >= 2;
        if nested {
            let deployment_props = chain[i - 1].1;
            let inner = deployment_props
                .get("expressionEvaluationOptions")
                .and_then(|o| o.get("scope"))
                .and_then(Node::as_str)
                .is_some_and(|s| s.eq_ignore_ascii_case("inner"));
            if inner {
                candidate = Some(node);
            }
        }
    }
    candidate
}

fn set_parameter_default(
    file: &JsonFile,
    chain: &[(Option<&str>, &Node)],
    name: &str,
    set: &SetProperty,
) -> Planned {
    let advice = |why: &str| {
        Planned::Manual(format!(
            "{} comes from parameter '{name}', which {why}; give '{name}' the value {} where the template is deployed",
            set.path, set.value
        ))
    };
    let Some(param) = template_of(chain)
        .and_then(|t| t.get("parameters"))
        .and_then(|p| p.get(name))
    else {
        return advice("is not declared in this template");
    };
    if (file.param_file_sets)(name) {
        return advice("is set in the parameter file");
    }
    let pattern = format!(r"(?i)parameters\s*\(\s*'{}'\s*\)", regex::escape(name));
    let uses = Regex::new(&pattern).map_or(usize::MAX, |re| re.find_iter(file.text).count());
    if uses != 1 {
        return advice("is also used elsewhere");
    }
    if let Some(allowed) = param.get("allowedValues").and_then(Node::as_array) {
        if !allowed.iter().any(|a| same_value(a, &set.value)) {
            return advice("does not allow that value");
        }
    }
    let Some(default) = param.get("defaultValue") else {
        return advice("has no default");
    };
    if same_value(default, &set.value) {
        return Planned::Nothing;
    }
    match &default.kind {
        NodeKind::Bool(_) | NodeKind::Int(_) | NodeKind::Float(_) | NodeKind::Null => {}
        NodeKind::String(s) if matches!(classify(s), StringForm::Literal(_)) => {}
        _ => return advice("has a computed default"),
    }
    Planned::Edits(vec![Edit::replace(
        default.span.start,
        default.span.end,
        render(&set.value, "", "  ", "\n"),
    )])
}

/// Add `"key": value` to an object, in the style of its other members.
fn insert_member(text: &str, object: &Node, key: &str, value: &serde_json::Value) -> Planned {
    let Some(members) = object.as_object() else {
        return Planned::Manual("not an object".into());
    };
    let nl = newline_of(text);
    let object_indent = indent_at(text, object.span.start as usize);
    let Some(last) = members.last() else {
        let inside = text
            .get(object.span.start as usize + 1..(object.span.end as usize).saturating_sub(1))
            .unwrap_or("x");
        if !inside.trim().is_empty() {
            return Planned::Manual(format!("add \"{key}\": {value}"));
        }
        let inner = format!("{object_indent}  ");
        let replacement = format!(
            "{{{nl}{inner}{}: {}{nl}{object_indent}}}",
            json_string(key),
            render(value, &inner, "  ", nl)
        );
        return Planned::Edits(vec![Edit::replace(
            object.span.start,
            object.span.end,
            replacement,
        )]);
    };
    let key_at = last.key_span.start as usize;
    let end = last.value.span.end as usize;
    if !starts_line(text, key_at) {
        let member = format!(", {}: {}", json_string(key), compact(value));
        return Planned::Edits(vec![Edit::insert(last.value.span.end, member)]);
    }
    let indent = indent_at(text, key_at);
    let unit = indent
        .strip_prefix(object_indent)
        .filter(|u| !u.is_empty())
        .unwrap_or("  ");
    let member = format!("{}: {}", json_string(key), render(value, indent, unit, nl));
    let after = &text[end..];
    let gap = after.len() - after.trim_start_matches([' ', '\t']).len();
    let rest = &after[gap..];
    if rest.starts_with(',') {
        // A trailing comma (ARM accepts them): the new member goes after it.
        let at = (end + gap + 1) as u32;
        return Planned::Edits(vec![Edit::insert(at, format!("{nl}{indent}{member}"))]);
    }
    if rest.starts_with("//") || rest.starts_with("/*") {
        // Keep a comment on the last member's line with that member.
        let line_end = after.find(['\r', '\n']).map_or(text.len(), |i| end + i);
        return Planned::Edits(vec![
            Edit::insert(end as u32, ","),
            Edit::insert(line_end as u32, format!("{nl}{indent}{member}")),
        ]);
    }
    Planned::Edits(vec![Edit::insert(
        end as u32,
        format!(",{nl}{indent}{member}"),
    )])
}

/// A short quote of source text for advice: its first line, at most 80 characters.
pub(crate) fn excerpt(text: &str) -> String {
    let first = text.lines().next().unwrap_or("");
    let short: String = first.chars().take(80).collect();
    if short.len() < text.len() {
        format!("{short}…")
    } else {
        short
    }
}

/// JSON text of a value, objects spread over lines indented by `unit` under `indent`.
fn render(value: &serde_json::Value, indent: &str, unit: &str, nl: &str) -> String {
    match value {
        serde_json::Value::Object(map) if !map.is_empty() => {
            let inner = format!("{indent}{unit}");
            let members: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{inner}{}: {}", json_string(k), render(v, &inner, unit, nl)))
                .collect();
            format!("{{{nl}{}{nl}{indent}}}", members.join(&format!(",{nl}")))
        }
        other => compact(other),
    }
}

fn compact(value: &serde_json::Value) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

#[cfg(test)]
mod tests;
