//! ACR003: `listCredentials()` on a registry. Every use is reported; it is an error
//! where the password reaches a non-secure output or a non-secure parameter of a
//! nested deployment, where the registry it reads has the admin user disabled (the
//! call fails at deployment), or where `passwords[i]` uses an index other than 0 or 1.

use std::sync::Arc;

use super::{resource_finding, RuleInput};
use crate::arm::eval::{FileId, Provenance};
use crate::arm::expand::{ExpandedResource, Expansion};
use crate::arm::expr::ast::Expr;
use crate::arm::expr::parser::parse_template_string;
use crate::arm::value::{Name, ResourceRef, Value};
use crate::rules::finding::{Finding, Level, Related, Status};
use crate::rules::locate::{location, path_span, provenance_within, resource_node};
use crate::source::json::{string_offset_to_file, Node, NodeKind, Span};
use super::registry::{NativeRule, Reads};

const REGISTRY: &str = "Microsoft.ContainerRegistry/registries";

/// A `listCredentials(...)` call written in the template.
struct CallSite {
    file: FileId,
    /// The call inside the string, in file bytes.
    span: Span,
    /// The whole JSON string holding it.
    node_span: Span,
    /// Source text of the first argument.
    target_text: String,
    /// `passwords[i]` indexes applied to it.
    password_indexes: Vec<i64>,
    /// Secret flows found for this call.
    flows: Vec<Flow>,
    registry: Option<ResourceRef>,
}

#[derive(Clone, Copy)]
enum FlowKind {
    Output { secure: bool },
    DeploymentParameter { secure: bool },
    Property,
}

#[derive(Clone)]
struct Flow {
    kind: FlowKind,
    name: String,
    file: FileId,
    span: Span,
}

/// Reads registries; follows `listCredentials()` results through every body and nested deployment parameters.
pub(super) const RULE: NativeRule = NativeRule {
    check,
    reads: Reads {
        bodies: &["Microsoft.ContainerRegistry/", "Microsoft.Resources/deployments"],
        every_body_when_called: &["listCredentials"],
        ..Reads::REGISTRIES
    },
};

pub fn check(input: &RuleInput) -> Vec<Finding> {
    let exp = input.expansion;
    let Some(template) = exp.file(0) else {
        return Vec::new();
    };
    // One search of the whole text first: most templates never call it, and looking
    // at every expression string for it cost more than the rest of this check.
    // Expanding searched it already when it decided which bodies to evaluate (this
    // rule reads every body of a template that calls it).
    if exp.names_nowhere("listCredentials") || !names_list_credentials(&template.source.text) {
        return Vec::new();
    }
    let mut sites = Vec::new();
    collect_sites(&template.source.text, &template.root, 0, &mut sites);
    if sites.is_empty() {
        return Vec::new();
    }
    // Where the secrets flow: resource properties, nested-deployment parameters, outputs.
    for r in &exp.resources {
        let mut hits = Vec::new();
        find_secret_paths(&r.body, &mut Vec::new(), &mut hits);
        for (path, registry) in hits {
            let segs: Vec<&str> = path.iter().map(String::as_str).collect();
            let ps = path_span(exp, r, &segs);
            let kind = deployment_parameter(exp, r, &segs)
                .map(|secure| FlowKind::DeploymentParameter { secure })
                .unwrap_or(FlowKind::Property);
            let name = match &kind {
                FlowKind::DeploymentParameter { .. } => {
                    segs.get(2).map_or(String::new(), |s| s.to_string())
                }
                _ => segs.join("."),
            };
            attach(
                &mut sites,
                &r.traces,
                ps.span,
                registry,
                Flow {
                    kind,
                    name,
                    file: r.file,
                    span: ps.span,
                },
            );
        }
    }
    for o in &exp.outputs {
        let mut hits = Vec::new();
        find_secret_paths(&o.value, &mut Vec::new(), &mut hits);
        if let Some((_, registry)) = hits.into_iter().next() {
            let secure = o
                .output_type
                .as_deref()
                .is_some_and(|t| t.to_ascii_lowercase().starts_with("secure"));
            attach(
                &mut sites,
                &o.traces,
                o.span,
                registry,
                Flow {
                    kind: FlowKind::Output { secure },
                    name: o.name.to_string(),
                    file: o.file,
                    span: o.span,
                },
            );
        }
    }
    let mut out = Vec::new();
    for site in &sites {
        let is_registry = site
            .registry
            .as_ref()
            .is_some_and(|r| r.resource_type.eq_ignore_ascii_case(REGISTRY))
            || site
                .target_text
                .to_ascii_lowercase()
                .contains("containerregistry/registries")
            || exp.resources_of_type(REGISTRY).any(|(_, r)| {
                r.symbolic
                    .as_deref()
                    .is_some_and(|s| site.target_text.trim_matches('\'').eq_ignore_ascii_case(s))
            });
        if !is_registry {
            continue;
        }
        out.push(report(input, site));
    }
    out
}

fn report(input: &RuleInput, site: &CallSite) -> Finding {
    let exp = input.expansion;
    let registry_name = site.registry.as_ref().map(|r| match r.name.0.as_slice() {
        [one] => super::key_text(one),
        _ => r.name.plain(),
    });
    let mut reasons: Vec<String> = Vec::new();
    let mut related = Vec::new();
    for f in &site.flows {
        let (msg, error) = match f.kind {
            FlowKind::Output { secure: false } => (format!("the password reaches output `{}`, which is not secure", f.name), true),
            FlowKind::Output { secure: true } => (format!("the password reaches secure output `{}`", f.name), false),
            FlowKind::DeploymentParameter { secure: false } => (
                format!("the password is passed to parameter `{}` of a nested deployment, which is not secure", f.name),
                true,
            ),
            FlowKind::DeploymentParameter { secure: true } => {
                (format!("the password is passed to secure parameter `{}` of a nested deployment", f.name), false)
            }
            FlowKind::Property => (format!("the password is written to `{}`", f.name), false),
        };
        if error {
            reasons.push(msg.clone());
        }
        related.push(Related {
            location: location(exp, f.file, f.span),
            message: msg,
        });
    }
    for i in &site.password_indexes {
        if !(0..=1).contains(i) {
            reasons.push(format!(
                "passwords[{i}] does not exist: a registry has two admin passwords (0 and 1)"
            ));
        }
    }
    if let Some(reg) = site
        .registry
        .as_ref()
        .and_then(|r| declared_registry(exp, &r.name))
    {
        if admin_disabled(reg) {
            reasons.push("the registry is declared with the admin user disabled, so the call fails at deployment".into());
            let ps = path_span(exp, reg, &["properties", "adminUserEnabled"]);
            related.push(Related {
                location: location(exp, reg.file, ps.span),
                message: "admin user disabled here (adminUserEnabled is false or omitted)".into(),
            });
        }
    }
    let who = registry_name.clone().unwrap_or_else(|| "<unknown>".into());
    let mut message = format!("listCredentials() reads the admin credentials of registry {who}");
    let level = if reasons.is_empty() {
        message.push_str("; use a managed identity with the AcrPull role instead");
        input.meta.severity
    } else {
        message.push_str(": ");
        message.push_str(&reasons.join("; "));
        Level::Error
    };
    let mut f = resource_finding(
        input,
        None,
        site.file,
        site.span,
        level,
        Status::Fail,
        message,
        related,
        &format!("{}#{}", who, site.target_text),
    );
    f.resource_type = Some(REGISTRY.to_string());
    f.resource_name = registry_name;
    f
}

fn declared_registry<'e>(exp: &'e Expansion, name: &Name) -> Option<&'e ExpandedResource> {
    exp.resources_of_type(REGISTRY)
        .map(|(_, r)| r)
        .find(|r| !r.existing && r.name.as_str().is_some_and(|n| Name::text(n) == *name))
}

fn admin_disabled(reg: &ExpandedResource) -> bool {
    matches!(
        reg.body
            .get("properties")
            .and_then(|p| p.get("adminUserEnabled")),
        None | Some(Value::Bool(false)) | Some(Value::Null)
    )
}

/// For `properties.parameters.X.value` of a nested deployment: whether the inner
/// template declares X as secure.
fn deployment_parameter(exp: &Expansion, r: &ExpandedResource, path: &[&str]) -> Option<bool> {
    if !r
        .resource_type
        .eq_ignore_ascii_case("Microsoft.Resources/deployments")
    {
        return None;
    }
    if path.len() < 3
        || !path[0].eq_ignore_ascii_case("properties")
        || !path[1].eq_ignore_ascii_case("parameters")
    {
        return None;
    }
    let node = resource_node(exp, r)?;
    let ty = node
        .get("properties")
        .and_then(|p| p.get("template"))
        .and_then(|t| t.get("parameters"))
        .and_then(|p| p.get(path[2]))
        .and_then(|d| d.get("type"))
        .and_then(Node::as_str)
        .unwrap_or("");
    Some(ty.to_ascii_lowercase().starts_with("secure"))
}

/// Paths of values that carry a `listCredentials()` result.
fn find_secret_paths(
    v: &Value,
    path: &mut Vec<String>,
    out: &mut Vec<(Vec<String>, Option<ResourceRef>)>,
) {
    match v {
        Value::Unknown(u)
            if u.term.as_ref().is_some_and(|t| t.calls("listcredentials")) =>
        {
            out.push((path.clone(), u.resource.as_deref().cloned()));
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(i.to_string());
                find_secret_paths(item, path, out);
                path.pop();
            }
        }
        Value::Object(map) => {
            for (k, item) in map.iter() {
                path.push(k.to_string());
                find_secret_paths(item, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Attach a flow to the call sites it comes from: calls written inside the sink's own
/// expression, or inside a variable or parameter the sink's value went through.
fn attach(
    sites: &mut [CallSite],
    traces: &[(Span, Vec<Arc<Provenance>>)],
    sink: Span,
    registry: Option<ResourceRef>,
    flow: Flow,
) {
    let mut places: Vec<Span> = vec![sink];
    places.extend(
        provenance_within(traces, sink)
            .iter()
            .filter(|p| p.file == flow.file)
            .map(|p| p.span),
    );
    for site in sites.iter_mut() {
        if places
            .iter()
            .any(|p| site.node_span.start >= p.start && site.node_span.end <= p.end)
        {
            if site.registry.is_none() {
                site.registry = registry.clone();
            }
            site.flows.push(flow.clone());
        }
    }
}

/// Whether `text` contains `listCredentials`, ignoring ASCII case.
fn names_list_credentials(text: &str) -> bool {
    static FINDER: std::sync::LazyLock<Option<regex::bytes::Regex>> =
        std::sync::LazyLock::new(|| {
            crate::arm::expand::any_ignoring_ascii_case(&["listCredentials"])
        });
    FINDER.as_ref().is_none_or(|f| f.is_match(text.as_bytes()))
}

/// Every `listCredentials(...)` call in the file's expression strings.
fn collect_sites(text: &str, node: &Node, file: FileId, out: &mut Vec<CallSite>) {
    match &node.kind {
        NodeKind::String(s)
            if s.starts_with('[')
                && crate::arm::expand::contains_ignore_ascii_case(
                    s.as_bytes(),
                    b"listcredentials",
                ) =>
        {
            let Ok(Some(expr)) = parse_template_string(s) else {
                return;
            };
            let raw = text
                .get(node.span.start as usize..node.span.end as usize)
                .unwrap_or("");
            let mut calls = Vec::new();
            find_calls(&expr, &mut calls, s);
            for (call_span, target, indexes) in calls {
                let start = string_offset_to_file(raw, node.span.start, call_span.0);
                let end = string_offset_to_file(raw, node.span.start, call_span.1);
                out.push(CallSite {
                    file,
                    span: Span { start, end },
                    node_span: node.span,
                    target_text: target,
                    password_indexes: indexes,
                    flows: Vec::new(),
                    registry: None,
                });
            }
        }
        NodeKind::Array(items) => items.iter().for_each(|n| collect_sites(text, n, file, out)),
        NodeKind::Object(members) => members
            .iter()
            .for_each(|m| collect_sites(text, &m.value, file, out)),
        _ => {}
    }
}

type FoundCall = ((u32, u32), String, Vec<i64>);

/// Calls to listCredentials with their `.passwords[i]` indexes.
fn find_calls(e: &Expr, out: &mut Vec<FoundCall>, source: &str) {
    match e {
        Expr::Call {
            name, args, span, ..
        } => {
            if name.eq_ignore_ascii_case("listCredentials") {
                let target = args
                    .first()
                    .map(|a| {
                        let s = a.span();
                        source
                            .get(s.start as usize..s.end as usize)
                            .unwrap_or("")
                            .to_string()
                    })
                    .unwrap_or_default();
                out.push(((span.start, span.end), target, Vec::new()));
            }
            for a in args {
                find_calls(a, out, source);
            }
        }
        Expr::Index { target, index, .. } => {
            // listCredentials(...).passwords[i]
            if let (
                Expr::Property {
                    target: inner,
                    name,
                    ..
                },
                Expr::Int(i, _),
            ) = (&**target, &**index)
            {
                if name.eq_ignore_ascii_case("passwords") {
                    let before = out.len();
                    find_calls(inner, out, source);
                    if let Some(last) = out.get_mut(before) {
                        last.2.push(*i);
                    }
                    find_calls(index, out, source);
                    return;
                }
            }
            find_calls(target, out, source);
            find_calls(index, out, source);
        }
        Expr::Property { target, .. } => find_calls(target, out, source),
        _ => {}
    }
}
