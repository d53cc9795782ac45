//! Building a template level's scope: parameters (bound value, default, allowed
//! values), variables, user-defined functions.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;

use crate::arm::eval::{Evaluator, FileId, Param, Provenance, ProvenanceKind, Scope, UserFunction};
use crate::arm::expr::ast::Expr;
use crate::arm::expr::parser::parse_template_string;
use crate::arm::value::{Candidates, Str, Term, Value};
use crate::source::json::{Member, Node, NodeKind};

/// A value given for a parameter from outside the template.
#[derive(Clone, Debug)]
pub struct Binding {
    pub value: Value,
    pub provenance: Arc<Provenance>,
}

/// Bind one template level's parameters. A default may refer to other parameters,
/// declared before or after it (ARM accepts both): parameters are bound in
/// declaration order, except that one whose default reads a parameter not bound yet
/// waits for it. Defaults that read each other in a cycle are bound in declaration
/// order, and the first to read an unbound one gets an error.
///
/// `nested`: the template is a nested deployment's, whose parameters only its parent
/// binds: a nullable parameter the parent leaves out is null, not a choice among its
/// allowed values (no one deploying the template can choose it).
pub fn bind_parameters<'t>(
    scope: &mut Scope<'t>,
    template: &'t Node,
    nested: bool,
    mut binding: impl FnMut(&str) -> Option<Binding>,
) {
    let Some(members) = template.get("parameters").and_then(Node::as_object) else {
        return;
    };
    // Kahn's algorithm over "default reads parameter" edges, declaration order first.
    let mut index: HashMap<String, usize> = HashMap::new();
    for (i, m) in members.iter().enumerate() {
        index.entry(m.key.to_ascii_lowercase()).or_insert(i);
    }
    let mut waits_for = vec![0usize; members.len()];
    let mut readers: Vec<Vec<usize>> = vec![Vec::new(); members.len()];
    for (i, m) in members.iter().enumerate() {
        let Some(default) = m.value.get("defaultValue") else {
            continue;
        };
        let mut deps: Vec<usize> = parameters_read(default)
            .iter()
            .filter_map(|p| index.get(p).copied())
            .collect();
        deps.sort_unstable();
        deps.dedup();
        waits_for[i] = deps.len();
        for d in deps {
            readers[d].push(i);
        }
    }
    let mut ready: BinaryHeap<Reverse<usize>> = (0..members.len())
        .filter(|&i| waits_for[i] == 0)
        .map(Reverse)
        .collect();
    let mut bound = vec![false; members.len()];
    while let Some(Reverse(i)) = ready.pop() {
        bind_parameter(scope, &members[i], nested, &mut binding);
        bound[i] = true;
        for &r in &readers[i] {
            waits_for[r] -= 1;
            if waits_for[r] == 0 {
                ready.push(Reverse(r));
            }
        }
    }
    // Defaults that read each other in a cycle.
    for (i, m) in members.iter().enumerate() {
        if !bound[i] {
            bind_parameter(scope, m, nested, &mut binding);
        }
    }
}

/// The parameters (lowercase) that the expressions under `node` name literally.
fn parameters_read(node: &Node) -> Vec<String> {
    let mut out = Vec::new();
    collect_parameters_read(node, &mut out);
    out
}

fn collect_parameters_read(node: &Node, out: &mut Vec<String>) {
    match &node.kind {
        NodeKind::String(s)
            if s.starts_with('[')
                && crate::arm::expand::contains_ignore_ascii_case(s.as_bytes(), b"parameters") =>
        {
            if let Ok(Some(expr)) = parse_template_string(s) {
                expr.walk_calls(&mut |name, args, _| {
                    if name.eq_ignore_ascii_case("parameters") {
                        if let Some(Expr::String(p, _)) = args.first() {
                            out.push(p.to_ascii_lowercase());
                        }
                    }
                });
            }
        }
        NodeKind::Array(items) => items.iter().for_each(|n| collect_parameters_read(n, out)),
        NodeKind::Object(members) => members
            .iter()
            .for_each(|m| collect_parameters_read(&m.value, out)),
        _ => {}
    }
}

fn bind_parameter<'t>(
    scope: &mut Scope<'t>,
    m: &'t Member,
    nested: bool,
    binding: &mut impl FnMut(&str) -> Option<Binding>,
) {
    {
        let decl = &m.value;
        let name = m.key.clone();
        let ty = decl
            .get("type")
            .and_then(Node::as_str)
            .unwrap_or("")
            .to_ascii_lowercase();
        let secure = ty.starts_with("secure");
        // A null passed for a parameter that has a default takes the default, as ARM
        // does (Bicep passes optional module parameters this way).
        let bound = binding(&name)
            .filter(|b| !(matches!(b.value, Value::Null) && decl.get("defaultValue").is_some()));
        let param = if let Some(b) = bound {
            Param {
                name: name.clone(),
                value: b.value,
                provenance: b.provenance,
                secure,
            }
        } else if let Some(default) = decl.get("defaultValue") {
            let mut ev = Evaluator::new(scope);
            let value = ev.eval_node(default, false);
            let upstream = ev.take_trace();
            Param {
                name: name.clone(),
                value,
                provenance: Arc::new(Provenance {
                    kind: ProvenanceKind::ParameterDefault,
                    name: name.clone(),
                    file: scope.file,
                    span: default.span,
                    upstream,
                }),
                secure,
            }
        } else {
            let allowed = decl.get("allowedValues").and_then(Node::as_array);
            let nullable = decl
                .get("nullable")
                .is_some_and(|n| matches!(n.kind, crate::source::json::NodeKind::Bool(true)));
            let value = match allowed {
                _ if nullable && nested => Value::Null,
                Some(items) if !items.is_empty() => {
                    let values: Vec<Value> = items.iter().map(Value::from_node).collect();
                    if values.len() == 1 {
                        values.into_iter().next().unwrap_or(Value::Null)
                    } else {
                        Value::Candidates(Arc::new(Candidates {
                            values,
                            parameter: name.clone(),
                        }))
                    }
                }
                _ if nullable => Value::Null,
                _ if ty == "bool" => Value::Candidates(Arc::new(Candidates {
                    values: vec![Value::Bool(true), Value::Bool(false)],
                    parameter: name.clone(),
                })),
                _ => Value::unknown_term(
                    format!(
                        "parameter '{name}' has no value (no default and no parameter file value)"
                    ),
                    Term::Parameter(name.clone()),
                ),
            };
            Param {
                name: name.clone(),
                value,
                provenance: Arc::new(Provenance {
                    kind: ProvenanceKind::ParameterUnbound,
                    name: name.clone(),
                    file: scope.file,
                    span: m.key_span,
                    upstream: Vec::new(),
                }),
                secure,
            }
        };
        scope.params.insert(name.to_ascii_lowercase(), param);
    }
}

/// Values from a parameter file (`{"parameters": {"x": {"value": …}}}`); literal JSON,
/// not evaluated, as ARM reads them. Key Vault references are unknown.
pub fn parameter_file_binding(file: FileId, root: &Node, name: &str) -> Option<Binding> {
    let entry = root.get("parameters")?.get(name)?;
    let (value, span) = if let Some(v) = entry.get("value") {
        (Value::from_node(v), v.span)
    } else if let Some(r) = entry.get("reference") {
        (
            Value::unknown_term(
                format!("parameter '{name}' is a Key Vault secret reference"),
                Term::Parameter(name.into()),
            ),
            r.span,
        )
    } else {
        return None;
    };
    Some(Binding {
        value,
        provenance: Arc::new(Provenance {
            kind: ProvenanceKind::ParameterFile,
            name: Str::from(name),
            file,
            span,
            upstream: Vec::new(),
        }),
    })
}

/// Register variables (and `variables.copy`) and user functions.
pub fn declare_variables_and_functions<'t>(scope: &mut Scope<'t>, template: &'t Node) {
    if let Some(members) = template.get("variables").and_then(Node::as_object) {
        for m in members {
            if m.key.eq_ignore_ascii_case("copy") {
                if let Some(loops) = m.value.as_array() {
                    for l in loops {
                        if let Some(n) = l.get("name").and_then(Node::as_str) {
                            scope.variable_copies.insert(n.to_ascii_lowercase(), l);
                        }
                    }
                    continue;
                }
            }
            scope.variables.insert(m.key.to_ascii_lowercase(), &m.value);
        }
    }
    if let Some(namespaces) = template.get("functions").and_then(Node::as_array) {
        for ns in namespaces {
            let Some(ns_name) = ns.get("namespace").and_then(Node::as_str) else {
                continue;
            };
            let Some(members) = ns.get("members").and_then(Node::as_object) else {
                continue;
            };
            for m in members {
                let Some(output) = m.value.get("output").and_then(|o| o.get("value")) else {
                    continue;
                };
                let params = m
                    .value
                    .get("parameters")
                    .and_then(Node::as_array)
                    .map(|ps| {
                        ps.iter()
                            .filter_map(|p| p.get("name").and_then(Node::as_str))
                            .map(Str::from)
                            .collect()
                    })
                    .unwrap_or_default();
                scope.functions.insert(
                    format!("{}.{}", ns_name, m.key).to_ascii_lowercase(),
                    UserFunction { params, output },
                );
            }
        }
    }
}
