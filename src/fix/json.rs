//! Repairs of ARM JSON templates: edits planned from a finding's byte span and its
//! rule's [`FixSpec`], touching nothing but the offending values (and the places a
//! missing property must be inserted).

use regex::Regex;

use super::edit::{coerce, excerpt, indent_at, newline_of, starts_line, Edit, Planned};
use super::guard::{Home, NO_HOME};
use super::replace::{self, Definition};
use super::spec::{FixSpec, SetProperty};
use crate::arm::expr::parser::{classify, StringForm};
use crate::rules::finding::Finding;
use crate::source::escape::json_string;
use crate::source::json::{Node, NodeKind};
use origin::{Origin, Resolver};

/// Everything the planner needs to know about the file.
pub struct JsonFile<'a> {
    pub text: &'a str,
    pub root: &'a Node,
    /// Whether the parameter file used for the template sets this parameter.
    pub param_file_sets: &'a dyn Fn(&str) -> bool,
}

/// Plan the repair of one finding.
/// `home`: the registry of a replica to guard.
pub(crate) fn plan(
    file: &JsonFile,
    finding: &Finding,
    spec: &FixSpec,
    home: Option<&Home>,
) -> Planned {
    let span_start = finding.location.byte_start;
    let span_end = finding.location.byte_end.max(span_start);
    let chain = ancestors(file.root, span_start, span_end);
    let Some(resource_index) = resource_in(&chain, finding.resource_type.as_deref()) else {
        return Planned::Manual("the resource could not be located in the file".into());
    };
    let resource = chain[resource_index].1;
    let mut edits = Vec::new();
    if spec.guard {
        if let Err(m) = guard(file, &chain[..=resource_index], home).add_to(&mut edits) {
            return m;
        }
    }
    if !spec.replace.is_empty() {
        let range = (resource.span.start as usize, resource.span.end as usize);
        let definitions = replace::related_ranges(finding)
            .into_iter()
            .filter_map(|(s, e)| definition(file, s, e, range))
            .collect();
        let planned = replace::plan(file.text, finding, range, &spec.replace, definitions);
        if let Err(m) = planned.add_to(&mut edits) {
            return m;
        }
    }
    for set in &spec.set {
        // Members several sets add to one object are merged into one insertion by
        // the caller (`merge`).
        if let Err(m) =
            set_property(file, &chain[..=resource_index], resource, set).add_to(&mut edits)
        {
            return m;
        }
    }
    Planned::of(edits)
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

/// The guard of a home replica (the last node of `chain`): `"condition": false` as
/// its first member, or, in a copy loop or merged with the condition it has, a
/// comparison of its location with its registry's (`home`).
fn guard(file: &JsonFile, chain: &[(Option<&str>, &Node)], home: Option<&Home>) -> Planned {
    let text = file.text;
    let resource = chain[chain.len() - 1].1;
    let condition = resource.get("condition");
    if let Some(NodeKind::Bool(false)) = condition.map(|c| &c.kind) {
        return Planned::Nothing;
    }
    if condition.is_none() && resource.get("copy").is_none() {
        return first_member(text, resource, "\"condition\": false");
    }
    let compare = match per_iteration(file, chain, home) {
        Ok(c) => c,
        Err(why) => return Planned::Manual(why),
    };
    let Some(c) = condition else {
        let member = format!("\"condition\": {}", json_string(&format!("[{compare}]")));
        return first_member(text, resource, &member);
    };
    let merged = match &c.kind {
        NodeKind::Bool(true) => compare,
        NodeKind::String(s) => match classify(s) {
            StringForm::Expression(inner, _) => format!("and({}, {compare})", inner.trim()),
            StringForm::Literal(_) => {
                return Planned::Manual(format!(
                    "the resource's condition is the string {}: make it [{compare}]",
                    excerpt(s)
                ))
            }
        },
        _ => {
            return Planned::Manual(format!(
                "the resource's condition is not a boolean: make it [{compare}]"
            ))
        }
    };
    Planned::Edits(vec![Edit::replace(
        c.span.start,
        c.span.end,
        json_string(&format!("[{merged}]")),
    )])
}

/// `member` inserted as the first member of `resource`, on its own line when the
/// members are.
fn first_member(text: &str, resource: &Node, member: &str) -> Planned {
    let Some(first) = resource.as_object().and_then(|m| m.first()) else {
        return Planned::Manual("the resource object is empty".into());
    };
    let at = first.key_span.start as usize;
    let member = if starts_line(text, at) {
        format!("{member},{}{}", newline_of(text), indent_at(text, at))
    } else {
        format!("{member}, ")
    };
    Planned::Edits(vec![Edit::insert(first.key_span.start, member)])
}

/// The expression (no brackets) that is false for the home iteration of the replica
/// at the end of `chain`: its location compared with its registry's, when the
/// registry is declared in the same template and evaluated once.
fn per_iteration(
    file: &JsonFile,
    chain: &[(Option<&str>, &Node)],
    home: Option<&Home>,
) -> Result<String, String> {
    let resource = chain[chain.len() - 1].1;
    let home = home.ok_or(NO_HOME)?;
    let registry = object_at(file.root, home.span).ok_or(NO_HOME)?;
    let registry_chain = ancestors(file.root, home.span.0, home.span.1);
    let same_scope = match (template_of(chain), template_of(&registry_chain)) {
        (Some(a), Some(b)) => std::ptr::eq(a, b),
        _ => false,
    };
    if !same_scope || registry.get("copy").is_some() {
        return Err(
            "the replica is in a copy loop and its registry is declared in another template or loop: add a condition that compares each replica's location with the registry's".into(),
        );
    }
    let operand = |n: Option<&Node>| match n.map(|n| &n.kind) {
        Some(NodeKind::String(s)) => Some(match classify(s) {
            StringForm::Literal(l) => format!("'{}'", l.replace('\'', "''")),
            StringForm::Expression(inner, _) => inner.trim().to_string(),
        }),
        _ => None,
    };
    let (Some(replica), Some(registry)) = (
        operand(resource.get("location")),
        operand(registry.get("location")),
    ) else {
        return Err("the replica's or the registry's location is not a string: add a condition that compares each replica's location with the registry's".into());
    };
    Ok(home.arm(&replica, &registry))
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
            StringForm::Expression(inner, _) => {
                let resolver = Resolver {
                    text: file.text,
                    template: template_of(chain),
                    param_file_sets: file.param_file_sets,
                };
                let origin = crate::arm::expr::parser::parse(inner, 0)
                    .map_err(|_| "does not parse".to_string())
                    .and_then(|e| resolver.invert(&e, set.value.clone(), 0));
                let advice = |why: &str| {
                    Planned::Manual(format!(
                        "{} is the expression {}, where {why}; make it evaluate to {}",
                        set.path,
                        excerpt(written),
                        set.value
                    ))
                };
                match origin {
                    Ok(Origin::Parameter(name, want)) => {
                        let target = SetProperty {
                            path: set.path.clone(),
                            value: want,
                        };
                        set_parameter_default(file, chain, &name, &target)
                    }
                    Ok(Origin::Variable { name, node, want }) => {
                        match origin::literal(node).and_then(|v| coerce(&v, &want)) {
                            Some(want) if same_value(node, &want) => Planned::Nothing,
                            Some(want) => Planned::Edits(vec![Edit::replace(
                                node.span.start,
                                node.span.end,
                                render(&want, "", "  ", "\n"),
                            )]),
                            None => {
                                advice(&format!("variable '{name}' is of another type than {want}"))
                            }
                        }
                    }
                    Err(why) => advice(&why),
                }
            }
        },
        _ => Planned::Manual(format!(
            "{} is {}; set it to {}",
            set.path,
            excerpt(written),
            set.value
        )),
    }
}

/// The parameter that decides `set.path` of the resource `finding` is about, and
/// the value it must have for the property to be `set.value` (followed as
/// [`origin`] follows it).
pub(crate) fn deciding_parameter(
    file: &JsonFile,
    finding: &Finding,
    set: &SetProperty,
) -> Result<(String, serde_json::Value), String> {
    let start = finding.location.byte_start;
    let chain = ancestors(file.root, start, finding.location.byte_end.max(start));
    let at = resource_in(&chain, finding.resource_type.as_deref())
        .ok_or("the resource could not be located in the template")?;
    let mut node = chain[at].1;
    for seg in set.segments() {
        node = match node.member(seg) {
            Some(m) => &m.value,
            None => return Err(format!("the template does not set {}", set.path)),
        };
    }
    let written = excerpt(
        file.text
            .get(node.span.start as usize..node.span.end as usize)
            .unwrap_or(""),
    );
    let inner = match &node.kind {
        NodeKind::String(s) => match classify(s) {
            StringForm::Expression(inner, _) => inner.to_string(),
            StringForm::Literal(_) => return Err(format!("{} is {written}", set.path)),
        },
        _ => return Err(format!("{} is {written}", set.path)),
    };
    let resolver = Resolver {
        text: file.text,
        template: template_of(&chain[..=at]),
        param_file_sets: file.param_file_sets,
    };
    let origin = crate::arm::expr::parser::parse(&inner, 0)
        .map_err(|_| "it does not parse".to_string())
        .and_then(|e| resolver.invert(&e, set.value.clone(), 0));
    match origin {
        Ok(Origin::Parameter(name, want)) => Ok((name, want)),
        Ok(Origin::Variable { name, .. }) => Err(format!(
            "{} is the expression {written}, which the variable '{name}' decides",
            set.path
        )),
        Err(why) => Err(format!(
            "{} is the expression {written}, where {why}",
            set.path
        )),
    }
}

/// The variable or parameter default of a template that contains `start..end` (a
/// finding's related location), and whether anything but the `resource` range reads
/// it.
fn definition(
    file: &JsonFile,
    start: usize,
    end: usize,
    resource: (usize, usize),
) -> Option<Definition> {
    let chain = ancestors(file.root, start as u32, end as u32);
    let at = chain.iter().rposition(|(key, _)| {
        key.is_some_and(|k| {
            k.eq_ignore_ascii_case("variables") || k.eq_ignore_ascii_case("parameters")
        })
    })?;
    let section = chain[at].0?.to_ascii_lowercase();
    let (name, member) = match chain.get(at + 1) {
        Some((Some(name), node)) => (name.to_string(), *node),
        _ => return None,
    };
    let (node, function) = if section == "variables" {
        (member, "variables")
    } else {
        (member.get("defaultValue")?, "parameters")
    };
    // A value, not a table of them (a map of role names to ids is not the role of
    // one assignment).
    if !matches!(node.kind, NodeKind::String(_)) {
        return None;
    }
    let pattern = format!(r"(?i){function}\s*\(\s*'{}'\s*\)", regex::escape(&name));
    // Uses in the template that declares it (a nested template may declare its own
    // of the same name), outside the resource.
    let template = chain.get(at.checked_sub(1)?)?.1.span;
    let (t0, t1) = (template.start as usize, template.end as usize);
    let uses = Regex::new(&pattern).map_or(usize::MAX, |re| {
        re.find_iter(file.text.get(t0..t1).unwrap_or(""))
            .map(|m| (t0 + m.start(), t0 + m.end()))
            .filter(|(s, e)| !(resource.0 <= *s && *e <= resource.1))
            .count()
    });
    let what = format!(
        "the value comes from {} '{name}'",
        &function[..function.len() - 1]
    );
    let shared = if function == "parameters" && (file.param_file_sets)(&name) {
        Some(format!("{what}, which the parameter file sets"))
    } else if uses != 0 {
        Some(format!("{what}, which is also used elsewhere"))
    } else {
        None
    };
    Some(Definition {
        start: node.span.start as usize,
        end: node.span.end as usize,
        shared,
    })
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
    // The parameter file's value decides, not the default: it is fixed there (the
    // caller points at it).
    if (file.param_file_sets)(name) {
        return Planned::Nothing;
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
    let Some(current) = origin::literal(default) else {
        return advice("has a computed default");
    };
    let Some(want) = coerce(&current, &set.value) else {
        return advice("has a default of another type");
    };
    if same_value(default, &want) {
        return Planned::Nothing;
    }
    Planned::Edits(vec![Edit::replace(
        default.span.start,
        default.span.end,
        render(&want, "", "  ", "\n"),
    )])
}

/// Add `"key": value` to an object, in the style of its other members.
fn insert_member(text: &str, object: &Node, key: &str, value: &serde_json::Value) -> Planned {
    let members = [(key.to_string(), value.clone())];
    insert_members(text, object, &members).adding((object.span.start, object.span.end), key, value)
}

/// Add members to an object in one insertion, in the style of its other members.
pub(super) fn insert_members(
    text: &str,
    object: &Node,
    added: &[(String, serde_json::Value)],
) -> Planned {
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
            return Planned::Manual(format!("add {}", listed(added, compact)));
        }
        let inner = format!("{object_indent}  ");
        let lines: Vec<String> = added
            .iter()
            .map(|(k, v)| format!("{inner}{}: {}", json_string(k), render(v, &inner, "  ", nl)))
            .collect();
        let replacement = format!(
            "{{{nl}{}{nl}{object_indent}}}",
            lines.join(&format!(",{nl}"))
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
        let inline: Vec<String> = added
            .iter()
            .map(|(k, v)| format!(", {}: {}", json_string(k), compact(v)))
            .collect();
        return Planned::Edits(vec![Edit::insert(last.value.span.end, inline.concat())]);
    }
    let indent = indent_at(text, key_at);
    let unit = indent
        .strip_prefix(object_indent)
        .filter(|u| !u.is_empty())
        .unwrap_or("  ");
    let lines: Vec<String> = added
        .iter()
        .map(|(k, v)| {
            format!(
                "{indent}{}: {}",
                json_string(k),
                render(v, indent, unit, nl)
            )
        })
        .collect();
    let block = lines.join(&format!(",{nl}"));
    let after = &text[end..];
    let gap = after.len() - after.trim_start_matches([' ', '\t']).len();
    let rest = &after[gap..];
    if rest.starts_with(',') {
        // A trailing comma (ARM accepts them): the new members go after it.
        let at = (end + gap + 1) as u32;
        return Planned::Edits(vec![Edit::insert(at, format!("{nl}{block}"))]);
    }
    if rest.starts_with("//") || rest.starts_with("/*") {
        // Keep a comment on the last member's line with that member.
        let line_end = after.find(['\r', '\n']).map_or(text.len(), |i| end + i);
        return Planned::Edits(vec![
            Edit::insert(end as u32, ","),
            Edit::insert(line_end as u32, format!("{nl}{block}")),
        ]);
    }
    Planned::Edits(vec![Edit::insert(end as u32, format!(",{nl}{block}"))])
}

/// `"a": 1, "b": 2` for advice.
fn listed(added: &[(String, serde_json::Value)], show: fn(&serde_json::Value) -> String) -> String {
    added
        .iter()
        .map(|(k, v)| format!("{}: {}", json_string(k), show(v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The object node whose span is `span`.
pub(super) fn object_at(root: &Node, span: (u32, u32)) -> Option<&Node> {
    if (root.span.start, root.span.end) == span && root.is_object() {
        return Some(root);
    }
    let inside = |n: &Node| n.span.start <= span.0 && span.1 <= n.span.end;
    match &root.kind {
        NodeKind::Object(members) => members
            .iter()
            .filter(|m| inside(&m.value))
            .find_map(|m| object_at(&m.value, span)),
        NodeKind::Array(items) => items
            .iter()
            .filter(|n| inside(n))
            .find_map(|n| object_at(n, span)),
        _ => None,
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

mod origin;
#[cfg(test)]
mod tests;
