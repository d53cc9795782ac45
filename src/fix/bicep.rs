//! Repairs of Bicep files, driven by the findings on the lowered file: the lowering
//! keeps the byte spans of the Bicep source, so a finding points at the Bicep value
//! (or resource) to edit. Edits follow the rule's [`FixSpec`] on the syntax tree:
//! a literal is replaced (`adminUserEnabled: true` → `false`), a `bool`/`string`
//! parameter used only there gets a new default, a missing property is inserted in
//! the style of its siblings, and `guard` puts `if (false)` before a resource body.

use super::edit::{self, excerpt, indent_at, newline_of, Edit, Planned};
use super::guard::{Home, NO_HOME};
use super::replace::{self, Definition};
use super::spec::{FixSpec, SetProperty};
use super::Finding;
use crate::source::bicep::lexer::{lex, TokenKind};
use crate::source::bicep::{
    ArrayItem, BinaryOp, Expr, ExprKind, ObjectItem, Program, PropertyKey, ResourceDecl, Statement,
    StatementKind, UnaryOp,
};
use crate::source::escape::{bicep_key, bicep_string};
use std::collections::HashSet;

/// Resource declarations (nested ones too), innermost last among those containing a
/// span.
pub(super) fn resources(program: &Program) -> Vec<&Statement> {
    fn walk<'a>(stmts: Vec<&'a Statement>, out: &mut Vec<&'a Statement>) {
        for s in stmts {
            let StatementKind::Resource(decl) = &s.kind else {
                continue;
            };
            out.push(s);
            if let Some(ExprKind::Object(items)) = body_object(decl).map(|o| &o.kind) {
                let nested = items
                    .iter()
                    .filter_map(|i| match i {
                        ObjectItem::Resource(s) => Some(&**s),
                        _ => None,
                    })
                    .collect();
                walk(nested, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(program.statements.iter().collect(), &mut out);
    out
}

/// The object literal of a resource body (inside `if (...)` and `[for ...]`).
fn body_object(decl: &ResourceDecl) -> Option<&Expr> {
    let mut body = &decl.body;
    if let ExprKind::For(f) = &body.kind {
        body = &f.body;
    }
    if let ExprKind::If { body: b, .. } = &body.kind {
        body = b;
    }
    matches!(body.kind, ExprKind::Object(_)).then_some(body)
}

/// Bicep text of a JSON value; objects and arrays spread over lines under `indent`.
fn render(value: &serde_json::Value, indent: &str, nl: &str) -> String {
    let inner = format!("{indent}  ");
    match value {
        serde_json::Value::Null => "null".into(),
        serde_json::Value::Bool(b) => b.to_string(),
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::String(s) => bicep_string(s),
        serde_json::Value::Array(items) if !items.is_empty() => {
            let lines: Vec<String> = items
                .iter()
                .map(|v| format!("{inner}{}", render(v, &inner, nl)))
                .collect();
            format!("[{nl}{}{nl}{indent}]", lines.join(nl))
        }
        serde_json::Value::Object(map) if !map.is_empty() => {
            let lines: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{inner}{}: {}", bicep_key(k), render(v, &inner, nl)))
                .collect();
            format!("{{{nl}{}{nl}{indent}}}", lines.join(nl))
        }
        serde_json::Value::Array(_) => "[]".into(),
        serde_json::Value::Object(_) => "{}".into(),
    }
}

fn same_value(e: &Expr, want: &serde_json::Value) -> bool {
    match (&e.kind, want) {
        (ExprKind::Bool(a), serde_json::Value::Bool(b)) => a == b,
        (ExprKind::Int(a), serde_json::Value::Number(b)) => b.as_u64() == Some(*a),
        (ExprKind::Null, serde_json::Value::Null) => true,
        (ExprKind::String(_), serde_json::Value::String(b)) => e
            .as_literal_string()
            .is_some_and(|a| a.eq_ignore_ascii_case(b)),
        _ => false,
    }
}

/// The JSON value of a literal expression.
fn literal_value(e: &Expr) -> Option<serde_json::Value> {
    match &e.kind {
        ExprKind::Bool(b) => Some(serde_json::Value::Bool(*b)),
        ExprKind::Int(i) => Some(serde_json::Value::from(*i)),
        ExprKind::Null => Some(serde_json::Value::Null),
        _ => e
            .as_literal_string()
            .map(|s| serde_json::Value::String(s.to_string())),
    }
}

fn is_literal(e: &Expr) -> bool {
    matches!(
        e.kind,
        ExprKind::Bool(_) | ExprKind::Int(_) | ExprKind::Null
    ) || e.as_literal_string().is_some()
}

/// The value of `e` when it is a literal (not an expression, an interpolated
/// string, an object or an array).
pub(super) fn literal(e: &Expr) -> Option<serde_json::Value> {
    is_literal(e).then(|| literal_value(e)).flatten()
}

/// Where the object keys written as bare names start, in every declaration
/// (decorators and nested resources included).
fn key_starts(program: &Program) -> HashSet<u32> {
    fn statement(s: &Statement, out: &mut HashSet<u32>) {
        let mut exprs: Vec<&Expr> = s.decorators.iter().map(|d| &d.expr).collect();
        match &s.kind {
            StatementKind::TargetScope { value }
            | StatementKind::Metadata { value, .. }
            | StatementKind::Var { value, .. }
            | StatementKind::Output { value, .. }
            | StatementKind::Assert { value, .. } => exprs.push(value),
            StatementKind::Param { default, .. } => exprs.extend(default),
            StatementKind::Resource(decl) => exprs.push(&decl.body),
            StatementKind::Module { body, .. }
            | StatementKind::Test { body, .. }
            | StatementKind::Func { body, .. } => exprs.push(body),
            StatementKind::Extension { config, .. } | StatementKind::Using { config, .. } => {
                exprs.extend(config)
            }
            StatementKind::Type { .. }
            | StatementKind::Import { .. }
            | StatementKind::Extends { .. }
            | StatementKind::Pragma(_) => {}
        }
        let mut nested = Vec::new();
        for e in exprs {
            e.walk(&mut |x| {
                let ExprKind::Object(items) = &x.kind else {
                    return;
                };
                for item in items {
                    match item {
                        ObjectItem::Property(p) => {
                            if let PropertyKey::Ident(id) = &p.key {
                                out.insert(id.span.start);
                            }
                        }
                        ObjectItem::Resource(s) => nested.push(&**s),
                        ObjectItem::Spread { .. } => {}
                    }
                }
            });
        }
        for s in nested {
            statement(s, out);
        }
    }
    let mut out = HashSet::new();
    for s in &program.statements {
        statement(s, &mut out);
    }
    out
}

struct BicepFile<'a> {
    text: &'a str,
    program: &'a Program,
    /// Whether the parameter file used for the template sets a parameter.
    param_file_sets: &'a dyn Fn(&str) -> bool,
}

/// How deep variables may refer to variables before the search gives up.
const MAX_DEPTH: usize = 16;

impl<'a> BicepFile<'a> {
    fn identifier_uses(&self, name: &str) -> usize {
        self.identifier_uses_outside(name, (0, 0))
    }

    /// Uses of an identifier (its declaration included) outside the byte range. An
    /// object key of the same name (`status: status`, the keys taken from the parsed
    /// file) and a property read (`x.status`) are not uses.
    fn identifier_uses_outside(&self, name: &str, range: (usize, usize)) -> usize {
        let tokens = lex(self.text, 0).tokens;
        let keys = key_starts(self.program);
        let kind = |i: Option<usize>| i.and_then(|i| tokens.get(i)).map(|t| &t.kind);
        tokens
            .iter()
            .enumerate()
            .filter(|(_, t)| t.kind == TokenKind::Ident && t.span.text(self.text) == name)
            .filter(|(_, t)| {
                !(range.0 <= t.span.start as usize && (t.span.end as usize) <= range.1)
            })
            .filter(|(i, t)| {
                let before = kind(i.checked_sub(1));
                let member = matches!(before, Some(TokenKind::Dot | TokenKind::DoubleColon));
                !member && !keys.contains(&t.span.start)
            })
            .count()
    }

    /// The value of the variable `name`, when the file declares it.
    fn variable(&self, name: &str) -> Option<&'a Expr> {
        self.program.statements.iter().find_map(|s| match &s.kind {
            StatementKind::Var { name: n, value, .. } if n.name.as_ref() == name => Some(value),
            _ => None,
        })
    }

    /// The value of `e` when literals alone decide it: literals, parameter defaults
    /// no parameter file overrides, variables, `!`, comparisons, `&&`, `||`, `?:`,
    /// `??` and `bool(…)`.
    fn known(&self, e: &Expr, depth: usize) -> Option<serde_json::Value> {
        use serde_json::Value as J;
        if depth > MAX_DEPTH {
            return None;
        }
        let known = |e: &Expr| self.known(e, depth + 1);
        let boolean = |e: &Expr| known(e)?.as_bool();
        match &e.kind {
            _ if is_literal(e) => literal_value(e),
            ExprKind::Paren(inner) => known(inner),
            ExprKind::Var(name) => {
                if let Some(v) = self.variable(&name.name) {
                    return known(v);
                }
                let (_, default) = self.parameter(&name.name)?;
                if (self.param_file_sets)(&name.name) {
                    return None;
                }
                known(default?)
            }
            ExprKind::Unary {
                op: UnaryOp::Not,
                operand,
            } => Some(J::Bool(!boolean(operand)?)),
            ExprKind::Binary { op, left, right } => match op {
                BinaryOp::And => Some(J::Bool(boolean(left)? && boolean(right)?)),
                BinaryOp::Or => Some(J::Bool(boolean(left)? || boolean(right)?)),
                BinaryOp::Equals => Some(J::Bool(known(left)? == known(right)?)),
                BinaryOp::NotEquals => Some(J::Bool(known(left)? != known(right)?)),
                BinaryOp::Coalesce => match known(left)? {
                    J::Null => known(right),
                    v => Some(v),
                },
                _ => None,
            },
            ExprKind::Ternary {
                condition,
                then,
                otherwise,
            } => {
                if boolean(condition)? {
                    known(then)
                } else {
                    known(otherwise)
                }
            }
            ExprKind::Call {
                target: None,
                name,
                args,
            } if &*name.name == "bool" && args.len() == 1 => match known(&args[0])? {
                J::Bool(b) => Some(J::Bool(b)),
                J::String(s) if s.eq_ignore_ascii_case("true") => Some(J::Bool(true)),
                J::String(s) if s.eq_ignore_ascii_case("false") => Some(J::Bool(false)),
                _ => None,
            },
            _ => None,
        }
    }

    fn parameter(&self, name: &str) -> Option<(&'a Statement, Option<&'a Expr>)> {
        self.program.statements.iter().find_map(|s| match &s.kind {
            StatementKind::Param {
                name: n, default, ..
            } if n.name.as_ref() == name => Some((s, default.as_ref())),
            _ => None,
        })
    }
}

/// Plan the repair of one finding in a Bicep file.
/// `home`: the registry of a replica to guard.
pub(crate) fn plan(
    text: &str,
    program: &Program,
    finding: &Finding,
    spec: &FixSpec,
    sets: &dyn Fn(&str) -> bool,
    home: Option<&Home>,
) -> Planned {
    let file = BicepFile {
        text,
        program,
        param_file_sets: sets,
    };
    let file = &file;
    let (start, end) = (finding.location.byte_start, finding.location.byte_end);
    let Some(stmt) = resources(file.program)
        .into_iter()
        .rev()
        .find(|s| s.span.start <= start && end <= s.span.end)
    else {
        return Planned::Manual("the resource could not be located in the file".into());
    };
    let StatementKind::Resource(decl) = &stmt.kind else {
        return Planned::Manual("the resource could not be located in the file".into());
    };
    let mut edits = Vec::new();
    if spec.guard {
        if let Err(m) = guard(file, decl, home).add_to(&mut edits) {
            return m;
        }
    }
    if !spec.replace.is_empty() {
        let range = (stmt.span.start as usize, stmt.span.end as usize);
        let definitions = definitions(file, finding, range);
        let planned = replace::plan(text, finding, range, &spec.replace, definitions);
        if let Err(m) = planned.add_to(&mut edits) {
            return m;
        }
    }
    let Some(object) = body_object(decl) else {
        if spec.set.is_empty() && spec.add.is_empty() && spec.remove.is_empty() {
            return Planned::of(edits);
        }
        return Planned::Manual("the resource body is not an object".into());
    };
    for set in &spec.set {
        // Members several sets add to one object are merged into one insertion by
        // the caller (`merge`).
        if let Err(m) = set_property(file, object, set).add_to(&mut edits) {
            return m;
        }
    }
    // `add` leaves a property that is written alone.
    for add in spec
        .add
        .iter()
        .filter(|a| !remove::exists(object, &a.segments()))
    {
        if let Err(m) = set_property(file, object, add).add_to(&mut edits) {
            return m;
        }
    }
    for path in &spec.remove {
        if let Err(m) = remove::remove_property(text, object, path).add_to(&mut edits) {
            return m;
        }
    }
    Planned::of(edits)
}

/// Where a finding's value may be written besides the value itself: the variables and
/// parameter defaults of its related locations, and an `existing` resource whose
/// `.id` or `.name` the value is (a role definition).
fn definitions(file: &BicepFile, finding: &Finding, resource: (usize, usize)) -> Vec<Definition> {
    // Only this resource may read the definition (its name may too).
    let declared = |name: &str, stmt: &Statement, extra: Option<&str>| {
        let uses = file.identifier_uses_outside(name, resource);
        let shared = if uses != 1 {
            Some(format!(
                "the value comes from `{name}`, which is also used elsewhere"
            ))
        } else {
            extra.map(|why| format!("the value comes from `{name}`, which {why}"))
        };
        (stmt.span, shared)
    };
    let mut out = Vec::new();
    for (s, e) in replace::related_ranges(finding) {
        let stmt = file
            .program
            .statements
            .iter()
            .find(|st| st.span.start as usize <= s && e <= st.span.end as usize);
        let Some(stmt) = stmt else { continue };
        let (span, shared) = match &stmt.kind {
            // A value, not a table of them (a map of role names to ids).
            StatementKind::Var { value, .. }
                if matches!(value.kind, ExprKind::Object(_) | ExprKind::Array(_)) =>
            {
                continue
            }
            StatementKind::Var { name, value, .. } => {
                (value.span, declared(&name.name, stmt, None).1)
            }
            StatementKind::Param {
                name,
                default: Some(d),
                ..
            } => {
                let allowed = stmt.decorator("allowed").map(|_| "has @allowed values");
                (d.span, declared(&name.name, stmt, allowed).1)
            }
            _ => continue,
        };
        out.push(Definition {
            start: span.start as usize,
            end: span.end as usize,
            shared,
        });
    }
    let (vs, ve) = (
        finding.location.byte_start as usize,
        finding.location.byte_end as usize,
    );
    let value = file.text.get(vs..ve).unwrap_or("").trim();
    if let Some((symbol, member)) = value.split_once('.') {
        if matches!(member, "id" | "name") {
            let decl = file.program.statements.iter().find(|st| {
                matches!(&st.kind, StatementKind::Resource(d) if d.name.name.as_ref() == symbol)
            });
            if let Some(stmt) = decl {
                let (span, shared) = declared(symbol, stmt, None);
                out.push(Definition {
                    start: span.start as usize,
                    end: span.end as usize,
                    shared,
                });
            }
        }
    }
    out
}

/// The guard of a home replica: `if (false)` before its body, or, in a loop or
/// merged with the condition it has, a comparison of its location with its
/// registry's (`home`).
fn guard(file: &BicepFile, decl: &ResourceDecl, home: Option<&Home>) -> Planned {
    let (condition, body, loop_vars) = match &decl.body.kind {
        ExprKind::For(f) => {
            let vars: Vec<&str> = std::iter::once(&f.item)
                .chain(&f.index)
                .map(|i| i.name.as_ref())
                .collect();
            match &f.body.kind {
                ExprKind::If { condition, body } => (Some(&**condition), &**body, vars),
                _ => (None, &f.body, vars),
            }
        }
        ExprKind::If { condition, body } => (Some(&**condition), &**body, Vec::new()),
        _ => (None, &decl.body, Vec::new()),
    };
    if let Some(ExprKind::Bool(false)) = condition.map(|c| &c.kind) {
        return Planned::Nothing;
    }
    if condition.is_none() && loop_vars.is_empty() {
        return Planned::Edits(vec![Edit::insert(decl.body.span.start, "if (false) ")]);
    }
    let compare = match per_iteration(file, body, home, &loop_vars) {
        Ok(c) => c,
        Err(why) => return Planned::Manual(why),
    };
    match condition {
        None => Planned::Edits(vec![Edit::insert(
            body.span.start,
            format!("if ({compare}) "),
        )]),
        Some(c) => {
            let written = c.span.text(file.text);
            // `&&` binds tighter than `||` and `?:`: those keep their parentheses.
            let operand = match &c.kind {
                ExprKind::Binary {
                    op: BinaryOp::And, ..
                } => written.to_string(),
                ExprKind::Binary { .. } | ExprKind::Ternary { .. } => format!("({written})"),
                _ => written.to_string(),
            };
            Planned::Edits(vec![Edit::replace(
                c.span.start,
                c.span.end,
                format!("{operand} && {compare}"),
            )])
        }
    }
}

/// The expression that is false for the home iteration of a replica whose body is
/// `body`: its location compared with its registry's, when the registry is declared
/// in this file, not in a loop, and its location does not read a loop variable's
/// name (`loop_vars`) that would shadow it.
fn per_iteration(
    file: &BicepFile,
    body: &Expr,
    home: Option<&Home>,
    loop_vars: &[&str],
) -> Result<String, String> {
    let home = home.ok_or(NO_HOME)?;
    let registry = resources(file.program)
        .into_iter()
        .rev()
        .find(|s| s.span.start <= home.span.0 && home.span.1 <= s.span.end)
        .and_then(|s| match &s.kind {
            StatementKind::Resource(d) => Some(d),
            _ => None,
        })
        .ok_or(NO_HOME)?;
    let advice = |why: &str| {
        format!("{why}: add a condition that compares each replica's location with the registry's")
    };
    if matches!(registry.body.kind, ExprKind::For(_)) {
        return Err(advice("the registry is declared in a loop"));
    }
    let location = |e: &Expr| e.property("location").map(|p| p.value.span.text(file.text));
    let (Some(replica), Some(registry)) =
        (location(body), body_object(registry).and_then(location))
    else {
        return Err(advice(
            "the replica's or the registry's location is not written",
        ));
    };
    let shadowed = lex(registry, 0)
        .tokens
        .iter()
        .any(|t| t.kind == TokenKind::Ident && loop_vars.contains(&t.span.text(registry)));
    if shadowed {
        return Err(advice(&format!(
            "the registry's location `{}` reads a name the loop declares",
            excerpt(registry)
        )));
    }
    Ok(home.bicep(replica, registry))
}

fn set_property(file: &BicepFile, resource: &Expr, set: &SetProperty) -> Planned {
    let segments = set.segments();
    let mut node = resource;
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match node.property_ignore_case(seg) {
            Some(p) if last => return set_value(file, &p.value, set),
            Some(p) if matches!(p.value.kind, ExprKind::Object(_)) => node = &p.value,
            Some(p) => {
                let shown = format!("`{}`", excerpt(p.value.span.text(file.text)));
                return Planned::Manual(set.computed_at(i, &shown));
            }
            None => return insert_property(file.text, node, seg, &set.value_at(i)),
        }
    }
    Planned::Nothing
}

/// The literal that decides what a computed value evaluates to.
enum Decides<'e> {
    /// The variable `name`, whose value is the literal `var`; it must become `want`.
    Variable {
        name: &'e str,
        var: &'e Expr,
        want: serde_json::Value,
    },
    /// The parameter `name`: its value must be `want`.
    Parameter {
        name: &'e str,
        want: serde_json::Value,
    },
}

/// What decides `value` and the value it must have there for `value` to evaluate to
/// `want`: `!flag`, `flag == literal`, `bool(x)`, a variable, `c ? a : b` whose
/// condition the literals decide and `a ?? b` read the parameter or variable through
/// a mapping that can be inverted. `Err`: why it cannot be followed, for advice.
fn decides<'e>(
    file: &BicepFile<'e>,
    value: &'e Expr,
    mut want: serde_json::Value,
) -> Result<Decides<'e>, String> {
    let mut read = value;
    for _ in 0..MAX_DEPTH {
        match &read.kind {
            ExprKind::Unary {
                op: UnaryOp::Not,
                operand,
            } if want.is_boolean() => {
                want = serde_json::Value::Bool(!want.as_bool().unwrap_or(false));
                read = operand;
            }
            ExprKind::Paren(inner) => read = inner,
            ExprKind::Binary {
                op: BinaryOp::Equals,
                left,
                right,
            } if want == serde_json::Value::Bool(true)
                && (is_literal(right) || is_literal(left)) =>
            {
                let (literal, other) = if is_literal(right) {
                    (right, left)
                } else {
                    (left, right)
                };
                want = literal_value(literal).unwrap_or(serde_json::Value::Null);
                read = other;
            }
            ExprKind::Call {
                target: None,
                name,
                args,
            } if &*name.name == "bool" && args.len() == 1 && want.is_boolean() => {
                read = &args[0];
            }
            ExprKind::Ternary {
                condition,
                then,
                otherwise,
            } => match file.known(condition, 0) {
                Some(serde_json::Value::Bool(true)) => read = then,
                Some(serde_json::Value::Bool(false)) => read = otherwise,
                _ => {
                    return Err(format!(
                        "depends on `{}`, which is not known",
                        excerpt(condition.span.text(file.text))
                    ))
                }
            },
            ExprKind::Binary {
                op: BinaryOp::Coalesce,
                left,
                right,
            } => {
                read = match file.known(left, 0) {
                    Some(serde_json::Value::Null) => right,
                    _ => left,
                }
            }
            ExprKind::Var(name) => {
                let Some(var) = file.variable(&name.name) else {
                    break;
                };
                if file.identifier_uses(&name.name) != 2 {
                    return Err(format!(
                        "reads the variable `{}`, which is also used elsewhere",
                        name.name
                    ));
                }
                if is_literal(var) {
                    return Ok(Decides::Variable {
                        name: &name.name,
                        var,
                        want,
                    });
                }
                read = var;
            }
            _ => break,
        }
    }
    match &read.kind {
        ExprKind::Var(name) => Ok(Decides::Parameter {
            name: &name.name,
            want,
        }),
        _ => Err(format!(
            "is computed by `{}`, which cannot be inverted",
            excerpt(read.span.text(file.text))
        )),
    }
}

fn set_value(file: &BicepFile, value: &Expr, set: &SetProperty) -> Planned {
    if same_value(value, &set.value) {
        return Planned::Nothing;
    }
    let nl = newline_of(file.text);
    if is_literal(value) {
        let indent = indent_at(file.text, value.span.start as usize);
        return Planned::Edits(vec![Edit::replace(
            value.span.start,
            value.span.end,
            render(&set.value, indent, nl),
        )]);
    }
    let advice = |why: &str| {
        Planned::Manual(format!(
            "{} is `{}`, which {why}; make it {}",
            set.path,
            excerpt(value.span.text(file.text)),
            set.value
        ))
    };
    let (name, want) = match decides(file, value, set.value.clone()) {
        Err(why) => return advice(&why),
        Ok(Decides::Variable { name, var, want }) => {
            let Some(want) = literal_value(var).and_then(|v| edit::coerce(&v, &want)) else {
                return advice(&format!(
                    "reads the variable `{name}`, of another type than {want}"
                ));
            };
            if same_value(var, &want) {
                return Planned::Nothing;
            }
            let indent = indent_at(file.text, var.span.start as usize);
            return Planned::Edits(vec![Edit::replace(
                var.span.start,
                var.span.end,
                render(&want, indent, nl),
            )]);
        }
        Ok(Decides::Parameter { name, want }) => (name, want),
    };
    let Some((param, default)) = file.parameter(name) else {
        return advice("is not a parameter of this file");
    };
    // The parameter file's value decides, not the default: it is fixed there (the
    // caller points at it).
    if (file.param_file_sets)(name) {
        return Planned::Nothing;
    }
    if file.identifier_uses(name) != 2 {
        return advice("is a parameter also used elsewhere");
    }
    let Some(d) = default.filter(|d| is_literal(d)) else {
        return advice("is a parameter without a literal default");
    };
    let Some(want) = literal_value(d).and_then(|v| edit::coerce(&v, &want)) else {
        return advice("is a parameter whose default is of another type");
    };
    // `@allowed` values must include the parameter's new value (a literal list, as
    // ARM's `allowedValues`).
    if let Some(allowed) = param.decorator("allowed") {
        let admits = match &allowed.expr.kind {
            ExprKind::Call { args, .. } => match args.first().map(|a| &a.kind) {
                Some(ExprKind::Array(items)) => items
                    .iter()
                    .any(|i| matches!(i, ArrayItem::Value(v) if same_value(v, &want))),
                _ => false,
            },
            _ => false,
        };
        if !admits {
            return advice(&format!(
                "is a parameter whose @allowed values do not include {want}"
            ));
        }
    }
    if same_value(d, &want) {
        return Planned::Nothing;
    }
    Planned::Edits(vec![Edit::replace(
        d.span.start,
        d.span.end,
        render(&want, "", nl),
    )])
}

/// The parameter that decides `set.path` of the resource `finding` is about, and
/// the value it must have for the property to be `set.value`.
/// `sets`: whether the parameter file sets a parameter (its default then decides
/// nothing).
pub(crate) fn deciding_parameter(
    text: &str,
    program: &Program,
    finding: &Finding,
    set: &SetProperty,
    sets: &dyn Fn(&str) -> bool,
) -> Result<(String, serde_json::Value), String> {
    let file = BicepFile {
        text,
        program,
        param_file_sets: sets,
    };
    let (start, end) = (finding.location.byte_start, finding.location.byte_end);
    let object = resources(program)
        .into_iter()
        .rev()
        .find(|s| s.span.start <= start && end <= s.span.end)
        .and_then(|s| match &s.kind {
            StatementKind::Resource(decl) => body_object(decl),
            _ => None,
        })
        .ok_or("the resource could not be located in the template")?;
    let mut node = object;
    for seg in set.segments() {
        node = match node.property_ignore_case(seg) {
            Some(p) => &p.value,
            None => return Err(format!("the template does not set {}", set.path)),
        };
    }
    let shown = || format!("{} is `{}`", set.path, excerpt(node.span.text(text)));
    match decides(&file, node, set.value.clone()) {
        Ok(Decides::Parameter { name, want }) if file.parameter(name).is_some() => {
            Ok((name.to_string(), want))
        }
        Ok(Decides::Parameter { .. }) => Err(format!("{}, not a parameter", shown())),
        Ok(Decides::Variable { name, .. }) => {
            Err(format!("{}, which the variable `{name}` decides", shown()))
        }
        Err(why) => Err(format!("{}, which {why}", shown())),
    }
}

/// Add `key: value` to an object literal, on its own line like the other properties.
fn insert_property(text: &str, object: &Expr, key: &str, value: &serde_json::Value) -> Planned {
    let added = [(key.to_string(), value.clone())];
    insert_properties(text, object, &added).adding((object.span.start, object.span.end), key, value)
}

/// Add properties to an object literal in one insertion, each on its own line like
/// the other properties.
pub(super) fn insert_properties(
    text: &str,
    object: &Expr,
    added: &[(String, serde_json::Value)],
) -> Planned {
    let ExprKind::Object(items) = &object.kind else {
        return Planned::Manual("not an object".into());
    };
    let nl = newline_of(text);
    let object_indent = indent_at(text, object.span.start as usize);
    let lines = |indent: &str| -> String {
        added
            .iter()
            .map(|(k, v)| format!("{nl}{indent}{}: {}", bicep_key(k), render(v, indent, nl)))
            .collect()
    };
    let advice = || {
        let shown: Vec<String> = added
            .iter()
            .map(|(k, v)| format!("`{}: {}`", bicep_key(k), render(v, "", nl)))
            .collect();
        Planned::Manual(format!("add {}", shown.join(", ")))
    };
    let last_property = items.iter().rev().find_map(|i| match i {
        ObjectItem::Property(p) => Some(p),
        _ => None,
    });
    match last_property {
        Some(p) if edit::starts_line(text, p.span.start as usize) => {
            let indent = indent_at(text, p.span.start as usize);
            // After the property's line (a trailing comment stays with it).
            let after = &text[p.span.end as usize..];
            let line_end = p.span.end as usize + after.find(['\r', '\n']).unwrap_or(after.len());
            Planned::Edits(vec![Edit::insert(line_end as u32, lines(indent))])
        }
        Some(_) => advice(),
        None => {
            let inside = text
                .get(object.span.start as usize + 1..(object.span.end as usize).saturating_sub(1))
                .unwrap_or("x");
            if !items.is_empty() || !inside.trim().is_empty() {
                return advice();
            }
            let inner = format!("{object_indent}  ");
            Planned::Edits(vec![Edit::replace(
                object.span.start,
                object.span.end,
                format!("{{{}{nl}{object_indent}}}", lines(&inner)),
            )])
        }
    }
}

/// The object literal whose span is `span`, in a resource body (nested resources
/// included).
pub(super) fn object_at(program: &Program, span: (u32, u32)) -> Option<&Expr> {
    fn find(e: &Expr, span: (u32, u32)) -> Option<&Expr> {
        if (e.span.start, e.span.end) == span && matches!(e.kind, ExprKind::Object(_)) {
            return Some(e);
        }
        let ExprKind::Object(items) = &e.kind else {
            return None;
        };
        items.iter().find_map(|i| match i {
            ObjectItem::Property(p) if p.span.start <= span.0 && span.1 <= p.span.end => {
                find(&p.value, span)
            }
            _ => None,
        })
    }
    resources(program)
        .into_iter()
        .filter_map(|s| match &s.kind {
            StatementKind::Resource(decl) => body_object(decl),
            _ => None,
        })
        .find_map(|body| find(body, span))
}

mod remove;
#[cfg(test)]
mod tests;
