//! Assembling the template of one file: `$schema` from `targetScope`,
//! `parameters`, `variables` (loops as `variables.copy`), `functions` (namespace
//! `__bicep`), `resources` (resources and modules by symbolic name), `outputs`.

use std::collections::HashMap;
use std::path::Path;

use super::env::{span, Env, Lowerer};
use super::symbols::{Symbols, TargetScope};
use super::text::{call, expression_node, member, node, object, quote, str_node};
use super::values::Place;
use super::Severity;
use super::{ImportedFile, ModuleTarget};
use crate::source::bicep::{ExprKind, ParsedFile, Statement, StatementKind, TypeKind};
use crate::source::json::{Member, Node, NodeKind, Span};

pub(super) struct FileInput<'a> {
    pub file: crate::arm::eval::FileId,
    pub path: &'a Path,
    pub text: &'a str,
    pub parsed: &'a ParsedFile,
    pub modules: &'a HashMap<String, ModuleTarget>,
    pub imports: &'a HashMap<String, ImportedFile>,
    pub input: &'a dyn crate::source::sources::Sources,
}

pub(super) struct Lowered {
    pub template: Node,
    pub scope: TargetScope,
    pub diagnostics: Vec<(Span, String, Severity)>,
}

pub(super) fn lower_file(input: FileInput) -> Lowered {
    let _ = input.file;
    let sym = Symbols::build(&input.parsed.program, input.path);
    let mut l = Lowerer::new(
        input.text,
        input.path,
        sym,
        input.modules,
        input.imports,
        input.input,
    );
    let template = l.template(&input.parsed.program.statements);
    Lowered {
        template,
        scope: l.sym.scope,
        diagnostics: std::mem::take(&mut l.diags),
    }
}

/// Parameters in declaration order, except that a parameter comes after the
/// parameters its default reads: Bicep (like ARM) allows forward references, the
/// engine binds parameters in the order they are written.
fn parameter_order(statements: &[Statement]) -> Vec<&Statement> {
    let params: Vec<(&str, &Statement, Vec<&str>)> = statements
        .iter()
        .filter_map(|s| match &s.kind {
            StatementKind::Param { name, default, .. } => {
                let mut uses = Vec::new();
                if let Some(d) = default {
                    super::symbols::walk(d, &mut |x| {
                        if let ExprKind::Var(id) = &x.kind {
                            uses.push(&*id.name);
                        }
                    });
                }
                Some((&*name.name, s, uses))
            }
            _ => None,
        })
        .collect();
    let mut done: Vec<&str> = Vec::with_capacity(params.len());
    let mut out = Vec::with_capacity(params.len());
    while out.len() < params.len() {
        let ready = params.iter().find(|(n, _, uses)| {
            !done.contains(n)
                && uses
                    .iter()
                    .all(|u| u == n || done.contains(u) || !params.iter().any(|(p, ..)| p == u))
        });
        // A cycle: keep the declaration order for the rest.
        let next = ready.or_else(|| params.iter().find(|(n, ..)| !done.contains(n)));
        let Some((n, s, _)) = next else { break };
        done.push(n);
        out.push(*s);
    }
    out
}

impl<'a> Lowerer<'a> {
    fn template(&mut self, statements: &'a [Statement]) -> Node {
        let whole = Span {
            start: 0,
            end: u32::try_from(self.text.len()).unwrap_or(u32::MAX),
        };
        let mut parameters = Vec::new();
        let mut variables = Vec::new();
        let mut var_copies = Vec::new();
        let mut functions = Vec::new();
        let mut outputs = Vec::new();
        for stmt in parameter_order(statements) {
            if let Some((name, key_span, entry)) = self.parameter_entry(stmt) {
                parameters.push(member(&name, key_span, entry));
            }
        }
        for stmt in statements {
            match &stmt.kind {
                StatementKind::Var { name, value, .. } => {
                    if self.inline_vars.contains(&*name.name) {
                        continue;
                    }
                    if let Some(m) = self.variable_member(&name.name, span(name.span), value) {
                        if &*m.key == "copy" {
                            var_copies.push(m.value);
                        } else {
                            variables.push(m);
                        }
                    }
                }
                StatementKind::Func { name, .. } => {
                    if let Some(f) = self.function_member(stmt) {
                        functions.push(member(&self.func_name(&name.name), span(name.span), f));
                    }
                }
                StatementKind::Output { name, ty, value } => {
                    let entry = self.output_entry(ty, value);
                    outputs.push(member(&name.name, span(name.span), entry));
                }
                _ => {}
            }
        }
        let mut resources = self.resource_entries();
        resources.extend(self.module_entries());
        // Declarations copied from imported files.
        for (k, v) in std::mem::take(&mut self.extra_vars) {
            if k == "copy" {
                var_copies.push(v);
            } else {
                variables.push(member(&k, v.span, v));
            }
        }
        functions.extend(
            std::mem::take(&mut self.extra_funcs)
                .into_iter()
                .map(|(k, v)| member(&k, v.span, v)),
        );
        if !var_copies.is_empty() {
            variables.push(member(
                "copy",
                whole,
                node(NodeKind::Array(var_copies), whole),
            ));
        }
        let mut members = vec![
            member("$schema", whole, str_node(self.sym.scope.schema(), whole)),
            member("languageVersion", whole, str_node("2.0", whole)),
            member("contentVersion", whole, str_node("1.0.0.0", whole)),
            member("parameters", whole, object(parameters, whole)),
            member("variables", whole, object(variables, whole)),
        ];
        if !functions.is_empty() {
            let ns = object(
                vec![
                    member("namespace", whole, str_node("__bicep", whole)),
                    member("members", whole, object(functions, whole)),
                ],
                whole,
            );
            members.push(member(
                "functions",
                whole,
                node(NodeKind::Array(vec![ns]), whole),
            ));
        }
        members.push(member("resources", whole, object(resources, whole)));
        members.push(member("outputs", whole, object(outputs, whole)));
        object(members, whole)
    }

    /// A variable entry; a loop value gives a `copy` member
    /// (`{"name": var, "count": ..., "input": ...}`).
    pub fn variable_member(
        &mut self,
        name: &str,
        key_span: Span,
        value: &crate::source::bicep::Expr,
    ) -> Option<Member> {
        let arm_name = self.var_name(name);
        if let ExprKind::For(f) = &value.kind {
            if !matches!(f.body.kind, ExprKind::If { .. }) {
                let iterable = self.tx(&f.iterable, &Env::default());
                let index = call("copyIndex", &[quote(&arm_name)]);
                let env = self.loop_env(f, &Env::default(), &index);
                let input = self.value(&f.body, &env, Place::Plain);
                let vs = span(value.span);
                let entry = object(
                    vec![
                        member("name", key_span, str_node(&arm_name, key_span)),
                        member(
                            "count",
                            vs,
                            expression_node(&call("length", &[iterable]), span(f.iterable.span)),
                        ),
                        member("input", span(f.body.span), input),
                    ],
                    vs,
                );
                return Some(member("copy", key_span, entry));
            }
        }
        let v = self.value(value, &Env::default(), Place::Plain);
        Some(member(&arm_name, key_span, v))
    }

    /// A `func` as a `__bicep` namespace member.
    pub fn function_member(&mut self, stmt: &Statement) -> Option<Node> {
        let StatementKind::Func {
            params,
            return_type,
            body,
            ..
        } = &stmt.kind
        else {
            return None;
        };
        let at = span(stmt.span);
        let mut env = Env::default();
        let mut list = Vec::with_capacity(params.len());
        for p in params {
            let ty = self.arm_type(&p.ty).ty.unwrap_or("object");
            let ps = span(p.span);
            list.push(object(
                vec![
                    member("type", ps, str_node(ty, ps)),
                    member("name", ps, str_node(&p.name.name, ps)),
                ],
                ps,
            ));
            env = env.with(&p.name.name, call("parameters", &[quote(&p.name.name)]));
        }
        let output_ty = self.arm_type(return_type).ty.unwrap_or("object");
        let value = self.value(body, &env, Place::Plain);
        Some(object(
            vec![
                member("parameters", at, node(NodeKind::Array(list), at)),
                member(
                    "output",
                    at,
                    object(
                        vec![
                            member("type", at, str_node(output_ty, at)),
                            member("value", value.span, value),
                        ],
                        at,
                    ),
                ),
            ],
            at,
        ))
    }

    fn output_entry(
        &mut self,
        ty: &crate::source::bicep::TypeExpr,
        value: &crate::source::bicep::Expr,
    ) -> Node {
        let at = span(value.span);
        let arm = self.arm_type(ty);
        let mut members = Vec::new();
        let ty_name = match (&ty.kind, arm.ty) {
            (TypeKind::Resource(_), _) => "string",
            (_, Some(t)) => t,
            (_, None) => "object",
        };
        let ts = span(ty.span);
        members.push(member("type", ts, str_node(ty_name, ts)));
        if arm.nullable {
            members.push(member("nullable", ts, node(NodeKind::Bool(true), ts)));
        }
        if let ExprKind::For(f) = &value.kind {
            if !matches!(f.body.kind, ExprKind::If { .. }) {
                let iterable = self.tx(&f.iterable, &Env::default());
                let env = self.loop_env(f, &Env::default(), "copyIndex()");
                let input = self.value(&f.body, &env, Place::PropertyCopy);
                members.push(member(
                    "copy",
                    at,
                    object(
                        vec![
                            member(
                                "count",
                                at,
                                expression_node(
                                    &call("length", &[iterable]),
                                    span(f.iterable.span),
                                ),
                            ),
                            member("input", span(f.body.span), input),
                        ],
                        at,
                    ),
                ));
                return object(members, at);
            }
        }
        let v = if matches!(ty.kind, TypeKind::Resource(_)) {
            match self.sym.resource_ref(value, None) {
                Some(r) => expression_node(&self.resource_id(r, None), at),
                None => self.value(value, &Env::default(), Place::PropertyCopy),
            }
        } else {
            self.value(value, &Env::default(), Place::PropertyCopy)
        };
        members.push(member("value", v.span, v));
        object(members, at)
    }
}
