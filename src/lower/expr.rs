//! Bicep expressions to ARM expression text, as the compiler writes them: operators
//! become functions (`equals`, `not`, `and`, `add`, `coalesce`, `if`, ...), object
//! and array literals `createObject`/`createArray` (spreads `shallowMerge`/
//! `flatten`), interpolation `format`, lambdas `lambda('x', ...)` with
//! `lambdaVariables('x')`, symbols `parameters('x')`/`variables('x')`.

use super::env::{Env, Lowerer};
use super::symbols::Symbol;
use super::text::{call, escape_format, quote};
use crate::source::bicep::{
    ArrayItem, BinaryOp, Expr, ExprKind, ForExpr, ObjectItem, PropertyKey, StringLit,
    StringSegment, UnaryOp,
};

/// Deepest translation recursion (the parser already bounds tree depth; inlined
/// variables and resource names add a little).
const MAX_TRANSLATION_DEPTH: usize = 512;

/// Most translations for one file: far above what real programs need (the largest
/// corpus file needs a few ten thousands), low enough to stop in a second.
const MAX_TRANSLATION_WORK: usize = 2_000_000;

impl<'a> Lowerer<'a> {
    /// ARM expression text (without the brackets) of a Bicep expression.
    pub fn tx(&mut self, e: &Expr, env: &Env) -> String {
        self.depth += 1;
        self.work += 1;
        let out = if self.depth > MAX_TRANSLATION_DEPTH {
            self.unknown(e, "expression nested too deeply to lower")
        } else if self.work > MAX_TRANSLATION_WORK {
            if self.work == MAX_TRANSLATION_WORK + 1 {
                self.error(
                    e.span,
                    format!(
                        "more than {MAX_TRANSLATION_WORK} expression translations: the rest of the file is not lowered (names or scopes that refer to each other?)"
                    ),
                );
            }
            call(
                "acrlint.unknown",
                &[quote("not lowered: the file is too complex")],
            )
        } else {
            self.tx_inner(e, env)
        };
        self.depth -= 1;
        out
    }

    fn tx_inner(&mut self, e: &Expr, env: &Env) -> String {
        match &e.kind {
            ExprKind::String(s) => self.tx_string(s, env),
            ExprKind::Int(n) => int_text(*n),
            ExprKind::Bool(true) => "true()".into(),
            ExprKind::Bool(false) => "false()".into(),
            ExprKind::Null => "null()".into(),
            ExprKind::Array(items) => self.tx_array(items, env),
            ExprKind::Object(items) => self.tx_object(items, env),
            ExprKind::Var(id) => self.tx_name(e, &id.name, env),
            ExprKind::Call { .. }
            | ExprKind::Property { .. }
            | ExprKind::Index { .. }
            | ExprKind::ResourceAccess { .. } => self.access(e, env).finish(),
            ExprKind::NonNull(inner) | ExprKind::Paren(inner) => self.tx(inner, env),
            ExprKind::Unary { op, operand } => match (op, &operand.kind) {
                (UnaryOp::Minus, ExprKind::Int(n)) => negative_int_text(*n),
                (UnaryOp::Minus, _) => call("sub", &["0".into(), self.tx(operand, env)]),
                (UnaryOp::Not, _) => call("not", &[self.tx(operand, env)]),
            },
            ExprKind::Binary { op, left, right } => {
                let l = self.tx(left, env);
                let r = self.tx(right, env);
                binary(*op, l, r)
            }
            ExprKind::Ternary {
                condition,
                then,
                otherwise,
            } => {
                let c = self.tx(condition, env);
                let t = self.tx(then, env);
                let o = self.tx(otherwise, env);
                call("if", &[c, t, o])
            }
            ExprKind::Lambda { params, body } => {
                let mut inner = env.clone();
                let mut args: Vec<String> = Vec::with_capacity(params.len() + 1);
                for p in params {
                    args.push(quote(&p.name));
                    inner = inner.with(&p.name, call("lambdaVariables", &[quote(&p.name)]));
                }
                args.push(self.tx(body, &inner));
                call("lambda", &args)
            }
            ExprKind::For(f) => self.tx_for_map(f, env),
            ExprKind::If { .. } => self.unknown(e, "a conditional body is not a value"),
            ExprKind::Error => call("acrlint.unknown", &[quote("syntax error")]),
        }
    }

    pub fn tx_string(&mut self, s: &StringLit, env: &Env) -> String {
        if let Some(v) = s.as_literal() {
            return quote(v);
        }
        let mut format = String::new();
        let mut args = vec![String::new()];
        for seg in &s.segments {
            match seg {
                StringSegment::Text { value, .. } => format.push_str(&escape_format(value)),
                StringSegment::Expr(hole) => {
                    format.push_str(&format!("{{{}}}", args.len() - 1));
                    args.push(self.tx(hole, env));
                }
            }
        }
        args[0] = quote(&format);
        call("format", &args)
    }

    fn tx_array(&mut self, items: &[ArrayItem], env: &Env) -> String {
        if !items.iter().any(|i| matches!(i, ArrayItem::Spread { .. })) {
            let parts: Vec<String> = items
                .iter()
                .filter_map(|i| match i {
                    ArrayItem::Value(v) => Some(self.tx(v, env)),
                    ArrayItem::Spread { .. } => None,
                })
                .collect();
            return call("createArray", &parts);
        }
        let mut groups: Vec<String> = Vec::new();
        let mut pending: Vec<String> = Vec::new();
        for item in items {
            match item {
                ArrayItem::Value(v) => pending.push(self.tx(v, env)),
                ArrayItem::Spread { expr, .. } => {
                    if !pending.is_empty() {
                        groups.push(call("createArray", &std::mem::take(&mut pending)));
                    }
                    groups.push(self.tx(expr, env));
                }
            }
        }
        if !pending.is_empty() {
            groups.push(call("createArray", &pending));
        }
        call("flatten", &[call("createArray", &groups)])
    }

    pub fn tx_key(&mut self, key: &PropertyKey, env: &Env) -> String {
        match key {
            PropertyKey::Ident(i) => quote(&i.name),
            PropertyKey::String(s) => self.tx_string(s, env),
        }
    }

    fn tx_object(&mut self, items: &[ObjectItem], env: &Env) -> String {
        let mut groups: Vec<String> = Vec::new();
        let mut pending: Vec<String> = Vec::new();
        let mut spread = false;
        for item in items {
            match item {
                ObjectItem::Property(p) => {
                    pending.push(self.tx_key(&p.key, env));
                    pending.push(self.tx(&p.value, env));
                }
                ObjectItem::Spread { expr, .. } => {
                    spread = true;
                    if !pending.is_empty() {
                        groups.push(call("createObject", &std::mem::take(&mut pending)));
                    }
                    groups.push(self.tx(expr, env));
                }
                ObjectItem::Resource(_) => {}
            }
        }
        if !spread {
            return call("createObject", &pending);
        }
        if !pending.is_empty() {
            groups.push(call("createObject", &pending));
        }
        call("shallowMerge", &[call("createArray", &groups)])
    }

    /// A name in expression position.
    fn tx_name(&mut self, e: &Expr, name: &str, env: &Env) -> String {
        if let Some(t) = env.lookup(name) {
            return t.to_string();
        }
        if let Some(r) = self.sym.resource_ref(e, env.resource) {
            return self.reference(r, None, true);
        }
        match self.sym.names.get(name).cloned() {
            Some(Symbol::Param) => call("parameters", &[quote(name)]),
            Some(Symbol::Var(value)) => self.variable_use(name, value),
            Some(Symbol::Module(m)) => format!("{}.outputs", self.module_reference(m, None)),
            Some(Symbol::Import {
                key,
                name: original,
            }) => match self.import_variable(&key, &original) {
                Some(arm) => call("variables", &[quote(&arm)]),
                None => self.unknown(e, format!("'{name}' is not an imported variable")),
            },
            Some(Symbol::Resource(r)) => self.reference(r, None, true),
            Some(Symbol::Func) => {
                self.unknown(e, format!("function '{name}' is used without a call"))
            }
            Some(Symbol::Extension) => call("extensions", &[quote(name)]),
            Some(Symbol::Namespace(_)) | Some(Symbol::Type) => {
                self.unknown(e, format!("'{name}' is not a value"))
            }
            None => {
                self.error(e.span, format!("'{name}' is not declared"));
                call(
                    "acrlint.unknown",
                    &[quote(&format!("'{name}' is not declared"))],
                )
            }
        }
    }

    /// `variables('x')`, or the variable's own expression when it reads runtime
    /// state (the compiler inlines those; ARM forbids `reference()` in variables).
    fn variable_use(&mut self, name: &str, value: &'a Expr) -> String {
        if !self.inline_vars.contains(name) {
            self.note_own_variable(name);
            return call("variables", &[quote(&self.var_name(name))]);
        }
        if self.inlining.iter().any(|n| &**n == name) {
            return self.unknown(value, format!("variable '{name}' refers to itself"));
        }
        self.inlining.push(name.into());
        let text = self.tx(value, &Env::default());
        self.inlining.pop();
        text
    }

    /// A value-position for-expression: `map(xs, lambda('x', body))`, or over
    /// `range(0, length(xs))` when the index is used.
    pub fn tx_for_map(&mut self, f: &ForExpr, env: &Env) -> String {
        let iterable = self.tx(&f.iterable, env);
        if matches!(f.body.kind, ExprKind::If { .. }) {
            return self.unknown(
                &f.body,
                "a filtered loop is only allowed for resources and modules",
            );
        }
        match &f.index {
            None => {
                let inner = env.with(
                    &f.item.name,
                    call("lambdaVariables", &[quote(&f.item.name)]),
                );
                let body = self.tx(&f.body, &inner);
                call(
                    "map",
                    &[iterable, call("lambda", &[quote(&f.item.name), body])],
                )
            }
            Some(index) => {
                let i = call("lambdaVariables", &[quote(&index.name)]);
                let inner = env
                    .with(&f.item.name, format!("{iterable}[{i}]"))
                    .with(&index.name, i);
                let body = self.tx(&f.body, &inner);
                call(
                    "map",
                    &[
                        call("range", &["0".into(), call("length", &[iterable])]),
                        call("lambda", &[quote(&index.name), body]),
                    ],
                )
            }
        }
    }

    /// Bindings of a loop's variables for iteration `index` (ARM text).
    pub fn loop_env(&mut self, f: &ForExpr, env: &Env, index: &str) -> Env {
        let iterable = self.tx(&f.iterable, env);
        let mut inner = env.with(&f.item.name, format!("{iterable}[{index}]"));
        if let Some(i) = &f.index {
            inner = inner.with(&i.name, index.to_string());
        }
        inner
    }
}

fn int_text(n: u64) -> String {
    if n > i64::MAX as u64 {
        call("json", &[quote(&n.to_string())])
    } else {
        n.to_string()
    }
}

fn negative_int_text(n: u64) -> String {
    if n > i64::MAX as u64 + 1 {
        call("json", &[quote(&format!("-{n}"))])
    } else {
        format!("-{n}")
    }
}

fn binary(op: BinaryOp, l: String, r: String) -> String {
    let lower = |x: String| call("toLower", &[x]);
    match op {
        BinaryOp::Or => call("or", &[l, r]),
        BinaryOp::And => call("and", &[l, r]),
        BinaryOp::Equals => call("equals", &[l, r]),
        BinaryOp::NotEquals => call("not", &[call("equals", &[l, r])]),
        BinaryOp::EqualsInsensitive => call("equals", &[lower(l), lower(r)]),
        BinaryOp::NotEqualsInsensitive => call("not", &[call("equals", &[lower(l), lower(r)])]),
        BinaryOp::Less => call("less", &[l, r]),
        BinaryOp::LessOrEqual => call("lessOrEquals", &[l, r]),
        BinaryOp::Greater => call("greater", &[l, r]),
        BinaryOp::GreaterOrEqual => call("greaterOrEquals", &[l, r]),
        BinaryOp::Add => call("add", &[l, r]),
        BinaryOp::Subtract => call("sub", &[l, r]),
        BinaryOp::Multiply => call("mul", &[l, r]),
        BinaryOp::Divide => call("div", &[l, r]),
        BinaryOp::Modulo => call("mod", &[l, r]),
        BinaryOp::Coalesce => call("coalesce", &[l, r]),
    }
}
