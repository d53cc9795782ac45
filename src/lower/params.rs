//! `.bicepparam` files: `using './main.bicep'` names the template, `param x = ...`
//! gives values. Values are evaluated now (they may use variables and functions)
//! and written as a deployment parameters file (`{"parameters": {"x": {"value":
//! ...}}}`) whose nodes keep the Bicep spans. `getSecret(...)` becomes a Key Vault
//! reference; a value that cannot be computed is kept as its source text with a
//! diagnostic.

use crate::source::file::SourceText;
use std::path::Path;
use std::sync::Arc;

use super::env::{span, Env, Lowerer};
use super::loader::Loader;
use super::symbols::Symbols;
use super::text::{member, node, object, str_node};
use super::to_span;
use super::values::Place;
use super::{BicepProject, Input, LoadError, ModuleTarget, Severity};
use crate::arm::eval::{
    DeploymentContext, Evaluator, FileId, Param, Provenance, ProvenanceKind, Scope, ScopeKind,
};
use crate::arm::value::{Str, Value};
use crate::source::bicep::{self, Expr, ExprKind, FileKind, StatementKind, UsingTarget};
use crate::source::file::Language;
use crate::source::json::{Member, Node, NodeKind, Span};
use crate::source::sources::Sources;

pub(super) fn load(input: Input, path: &Path) -> Result<BicepProject, LoadError> {
    let sources = input.sources;
    let mut loader = Loader::new(input);
    let source = loader.read(path)?;
    let text = source.text.clone();
    let parsed = bicep::parse_as(&text, FileKind::BicepParam);
    let using = parsed
        .program
        .statements
        .iter()
        .find_map(|s| match &s.kind {
            StatementKind::Using { target, .. } => Some(target),
            _ => None,
        });
    let template = match using {
        Some(UsingTarget::Path(p)) => match p.as_literal() {
            // A registry module is read from the Bicep module cache.
            Some(t) => match loader.registry_module(path, t) {
                Ok(Some(main)) => main,
                Ok(None) => loader.resolve(path, t).map_err(|why| LoadError {
                    path: path.to_path_buf(),
                    message: format!("the template '{t}': {why}"),
                })?,
                Err(target) => {
                    let why = match target {
                        ModuleTarget::Unresolved { message, .. } => message,
                        _ => format!("the template '{t}' could not be followed"),
                    };
                    return Err(LoadError {
                        path: path.to_path_buf(),
                        message: format!("the template is not available: {why}"),
                    });
                }
            },
            None => {
                return Err(LoadError {
                    path: path.to_path_buf(),
                    message: "the 'using' path must be a literal string".into(),
                })
            }
        },
        Some(UsingTarget::None(_)) => {
            return Err(LoadError {
                path: path.to_path_buf(),
                message: "'using none': there is no template to expand".into(),
            })
        }
        None => {
            return Err(LoadError {
                path: path.to_path_buf(),
                message: "no 'using' declaration names the template".into(),
            })
        }
    };
    if Language::of(&template) == Some(Language::Json) {
        loader.entry_json(&template)?;
    } else {
        loader.entry(&template)?;
    }
    let id = loader.add_file(source, None);
    for d in &parsed.diagnostics {
        loader
            .diagnostics
            .push((id, to_span(d.span), d.message.clone(), Severity::Syntax));
    }
    loader
        .pragmas
        .extend(parsed.pragmas.iter().map(|p| (id, p.clone())));
    let (root, diagnostics) = lower_values(id, path, &text, &parsed, sources);
    loader
        .diagnostics
        .extend(diagnostics.into_iter().map(|(s, m, sev)| (id, s, m, sev)));
    loader.set_root(id, root);
    Ok(loader.finish(Some(id)))
}

type Diags = Vec<(Span, String, Severity)>;

/// The parameters-file node of a parsed `.bicepparam`.
fn lower_values(
    id: FileId,
    path: &Path,
    text: &SourceText,
    parsed: &bicep::ParsedFile,
    sources: &dyn Sources,
) -> (Node, Diags) {
    let modules = Default::default();
    let imports = Default::default();
    let sym = Symbols::build(&parsed.program, path);
    let mut l = Lowerer::new(text, path, sym, &modules, &imports, sources);
    let whole = Span {
        start: 0,
        end: u32::try_from(text.len()).unwrap_or(u32::MAX),
    };
    // Variables, as a template would hold them, for the evaluator.
    let mut var_nodes: Vec<(Str, Node)> = Vec::new();
    for s in &parsed.program.statements {
        match &s.kind {
            StatementKind::Var { name, value, .. } => {
                let n = l.value(value, &Env::default(), Place::Plain);
                var_nodes.push((name.name.clone(), n));
            }
            StatementKind::Extends { path: p } => {
                l.warn(
                    p.span,
                    "'extends' is not followed: values of the base file are not used",
                );
            }
            _ => {}
        }
    }
    let mut scope = Scope::new(
        id,
        text.clone(),
        Arc::new(DeploymentContext::default()),
        ScopeKind::ResourceGroup,
    );
    for (n, v) in &var_nodes {
        scope.variables.insert(n.to_ascii_lowercase(), v);
    }
    let mut members: Vec<Member> = Vec::new();
    for s in &parsed.program.statements {
        let StatementKind::Param {
            name,
            default: Some(value),
            ..
        } = &s.kind
        else {
            continue;
        };
        let at = span(s.span);
        if let Some(reference) = secret_reference(&mut l, value) {
            let entry = object(vec![member("reference", span(value.span), reference)], at);
            members.push(member(&name.name, span(name.span), entry));
            continue;
        }
        let lowered = l.value(value, &Env::default(), Place::Plain);
        let evaluated = {
            let mut ev = Evaluator::new(&scope);
            ev.eval_node(&lowered, false)
        };
        let value_node = match to_node(&evaluated, Some(&lowered), span(value.span)) {
            Some(n) => n,
            None => {
                l.warn(
                    value.span,
                    format!(
                        "the value of '{}' cannot be computed before deployment; it is kept as its source text",
                        name.name
                    ),
                );
                str_node(value_text(text, value), span(value.span))
            }
        };
        scope.params.insert(
            name.name.to_ascii_lowercase(),
            Param {
                name: name.name.clone(),
                value: evaluated,
                provenance: Arc::new(Provenance {
                    kind: ProvenanceKind::ParameterFile,
                    name: name.name.clone(),
                    file: id,
                    span: span(value.span),
                    upstream: Vec::new(),
                }),
                secure: false,
            },
        );
        let entry = object(vec![member("value", value_node.span, value_node)], at);
        members.retain(|m| m.key != name.name);
        members.push(member(&name.name, span(name.span), entry));
    }
    let mut diags = std::mem::take(&mut l.diags);
    for d in scope.diagnostics.borrow().iter() {
        diags.push((d.span, d.message.clone(), Severity::Warning));
    }
    let root = object(
        vec![
            member(
                "$schema",
                whole,
                str_node(
                    "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
                    whole,
                ),
            ),
            member("parameters", whole, object(members, whole)),
        ],
        whole,
    );
    (root, diags)
}

fn value_text<'t>(text: &'t str, e: &Expr) -> &'t str {
    text.get(e.span.start as usize..e.span.end as usize)
        .unwrap_or("")
}

/// `getSecret(subscriptionId, resourceGroup, vault, secret[, version])` as a Key
/// Vault reference entry.
fn secret_reference(l: &mut Lowerer, e: &Expr) -> Option<Node> {
    let ExprKind::Call { name, args, .. } = &e.kind else {
        return None;
    };
    if &*name.name != "getSecret" || args.len() < 4 {
        return None;
    }
    let at = span(e.span);
    let env = Env::default();
    let sub = l.tx(&args[0], &env);
    let rg = l.tx(&args[1], &env);
    let vault = l.tx(&args[2], &env);
    let id = format!("resourceId({sub}, {rg}, 'Microsoft.KeyVault/vaults', {vault})");
    let mut members = vec![member(
        "keyVault",
        at,
        object(
            vec![member("id", at, super::text::expression_node(&id, at))],
            at,
        ),
    )];
    members.push(member(
        "secretName",
        at,
        l.value(&args[3], &env, Place::Plain),
    ));
    Some(object(members, at))
}

/// A fully known value as a literal node; spans follow `shape` (the lowered
/// expression) where it has the same structure, else `at`.
fn to_node(v: &Value, shape: Option<&Node>, at: Span) -> Option<Node> {
    let sp = shape.map_or(at, |s| s.span);
    Some(match v {
        Value::Null => node(NodeKind::Null, sp),
        Value::Bool(b) => node(NodeKind::Bool(*b), sp),
        Value::Int(i) => node(NodeKind::Int(*i), sp),
        Value::Float(f) => node(NodeKind::Float(*f), sp),
        Value::String(s) => node(NodeKind::String(s.clone()), sp),
        Value::Array(items) => {
            let shapes = shape.and_then(Node::as_array);
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let s = shapes
                    .filter(|s| s.len() == items.len())
                    .and_then(|s| s.get(i));
                out.push(to_node(item, s, sp)?);
            }
            node(NodeKind::Array(out), sp)
        }
        Value::Object(map) => {
            let mut out = Vec::with_capacity(map.len());
            for (k, item) in map.iter() {
                let m = shape.and_then(|s| s.member(k));
                let key_span = m.map_or(sp, |m| m.key_span);
                out.push(member(k, key_span, to_node(item, m.map(|m| &m.value), sp)?));
            }
            object(out, sp)
        }
        Value::Lambda(_) | Value::Unknown(_) | Value::Candidates(_) => return None,
    })
}
