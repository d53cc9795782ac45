//! Parameter and output types, as far as evaluation needs them: the ARM `type`
//! (`securestring` for `@secure()`), `allowedValues` from literal unions and
//! `@allowed`, `nullable`, and `$ref` for named types (like the compiler, which
//! leaves their values unconstrained for the engine).

use super::env::{span, Env, Lowerer};
use super::text::{member, node, object, str_node};
use super::values::Place;
use crate::source::bicep::{Statement, TypeExpr, TypeKind, UnaryOp};
use crate::source::json::{Member, Node, NodeKind, Span};

/// What a type lowers to.
pub(super) struct ArmType {
    /// `string`, `int`, `bool`, `object`, `array`; `None` for a `$ref`.
    pub ty: Option<&'static str>,
    pub reference: Option<String>,
    /// Literal members of a union type.
    pub allowed: Vec<Node>,
    pub nullable: bool,
}

impl ArmType {
    fn named(ty: &'static str) -> ArmType {
        ArmType {
            ty: Some(ty),
            reference: None,
            allowed: Vec::new(),
            nullable: false,
        }
    }
}

impl<'a> Lowerer<'a> {
    pub fn arm_type(&mut self, t: &TypeExpr) -> ArmType {
        let at = span(t.span);
        match &t.kind {
            TypeKind::Named(id) => match &*id.name {
                "string" => ArmType::named("string"),
                "int" => ArmType::named("int"),
                "bool" => ArmType::named("bool"),
                "object" => ArmType::named("object"),
                "array" => ArmType::named("array"),
                "any" => ArmType::named("object"),
                other => ArmType {
                    ty: None,
                    reference: Some(format!("#/definitions/{other}")),
                    allowed: Vec::new(),
                    nullable: false,
                },
            },
            TypeKind::Property { target, .. } => match &target.kind {
                TypeKind::Named(ns) if matches!(&*ns.name, "sys" | "az") => {
                    let mut inner = t.clone();
                    if let TypeKind::Property { name, .. } = &t.kind {
                        inner.kind = TypeKind::Named(name.clone());
                    }
                    self.arm_type(&inner)
                }
                _ => ArmType {
                    ty: None,
                    reference: Some("#/definitions/imported".into()),
                    allowed: Vec::new(),
                    nullable: false,
                },
            },
            TypeKind::Nullable(inner) => {
                let mut a = self.arm_type(inner);
                a.nullable = true;
                a
            }
            TypeKind::NonNull(inner) | TypeKind::Paren(inner) => self.arm_type(inner),
            TypeKind::Array(_) | TypeKind::Tuple(_) => ArmType::named("array"),
            TypeKind::Object(_)
            | TypeKind::Parameterized { .. }
            | TypeKind::Resource(_)
            | TypeKind::AdditionalProperties(_)
            | TypeKind::Items(_)
            | TypeKind::Index { .. } => ArmType::named("object"),
            TypeKind::String(s) => {
                let mut a = ArmType::named("string");
                if let Some(v) = s.as_literal() {
                    a.allowed.push(str_node(v, at));
                }
                a
            }
            TypeKind::Int(n) => {
                let mut a = ArmType::named("int");
                a.allowed.push(node(
                    NodeKind::Int(i64::try_from(*n).unwrap_or(i64::MAX)),
                    at,
                ));
                a
            }
            TypeKind::Unary {
                op: UnaryOp::Minus,
                operand,
            } => match operand.kind {
                TypeKind::Int(n) => {
                    let mut a = ArmType::named("int");
                    let v = i64::try_from(n).map_or(i64::MIN, |v| -v);
                    a.allowed.push(node(NodeKind::Int(v), at));
                    a
                }
                _ => ArmType::named("int"),
            },
            TypeKind::Unary { .. } | TypeKind::Bool(_) => {
                let mut a = ArmType::named("bool");
                if let TypeKind::Bool(b) = t.kind {
                    a.allowed.push(node(NodeKind::Bool(b), at));
                }
                a
            }
            TypeKind::Null => {
                let mut a = ArmType::named("object");
                a.nullable = true;
                a
            }
            TypeKind::Union(items) => {
                let mut out = ArmType::named("string");
                let mut kinds: Vec<&'static str> = Vec::new();
                let mut literal = true;
                for item in items {
                    let a = self.arm_type(item);
                    out.nullable |= a.nullable;
                    if matches!(item.kind, TypeKind::Null) {
                        continue;
                    }
                    if a.allowed.is_empty() {
                        literal = false;
                    }
                    if let Some(ty) = a.ty {
                        if !kinds.contains(&ty) {
                            kinds.push(ty);
                        }
                    }
                    out.allowed.extend(a.allowed);
                }
                if !literal {
                    out.allowed.clear();
                }
                out.ty = Some(match kinds.as_slice() {
                    [one] => one,
                    _ => "object",
                });
                out
            }
            TypeKind::Error => ArmType::named("object"),
        }
    }

    /// The `parameters` entry of a `param` declaration.
    pub fn parameter_entry(&mut self, stmt: &Statement) -> Option<(String, Span, Node)> {
        let crate::source::bicep::StatementKind::Param { name, ty, default } = &stmt.kind else {
            return None;
        };
        let at = span(stmt.span);
        let mut members: Vec<Member> = Vec::new();
        let arm = match ty {
            Some(t) => self.arm_type(t),
            None => ArmType::named("object"),
        };
        let secure = stmt.decorator("secure").is_some();
        match (arm.ty, &arm.reference) {
            (_, Some(r)) => members.push(member("$ref", at, str_node(r, at))),
            (Some(t), None) => {
                let t = match (secure, t) {
                    (true, "string") => "securestring",
                    (true, "object") => "secureObject",
                    (_, t) => t,
                };
                let ts = ty.as_ref().map_or(at, |t| span(t.span));
                members.push(member("type", ts, str_node(t, ts)));
            }
            (None, None) => {}
        }
        if let Some(d) = stmt.decorator("allowed") {
            if let Some(arg) = d.args().first() {
                let v = self.value(arg, &Env::default(), Place::Plain);
                members.push(member("allowedValues", span(d.span), v));
            }
        } else if !arm.allowed.is_empty() {
            let ts = ty.as_ref().map_or(at, |t| span(t.span));
            members.push(member(
                "allowedValues",
                ts,
                node(NodeKind::Array(arm.allowed), ts),
            ));
        }
        if arm.nullable {
            members.push(member("nullable", at, node(NodeKind::Bool(true), at)));
        }
        if let Some(d) = default {
            let v = self.value(d, &Env::default(), Place::Plain);
            members.push(member("defaultValue", span(d.span), v));
        }
        Some((name.name.to_string(), span(name.span), object(members, at)))
    }
}
