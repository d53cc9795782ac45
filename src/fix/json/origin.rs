//! Provenance of a computed value in an ARM template: the literal that decides what
//! an expression evaluates to, and the value that literal must have for the
//! expression to evaluate to the value a fix wants. Followed through
//! `parameters('…')`, `variables('…')`, `not`, `bool`, `equals(…, literal)`,
//! `if(…)` whose condition is known from literals, and `coalesce(…)`.

use regex::Regex;

use crate::arm::expr::ast::Expr;
use crate::arm::expr::parser::{classify, parse, StringForm};
use crate::source::json::{Node, NodeKind};

/// How deep variables may refer to variables before the search gives up.
const MAX_DEPTH: usize = 16;

/// Where the value comes from, and the value it must hold there.
#[derive(Debug)]
pub(super) enum Origin<'n> {
    /// A parameter: its default (or its parameter-file value) must be `want`.
    Parameter(String, serde_json::Value),
    /// A variable whose value is the literal `node`, to become `want`.
    Variable {
        name: String,
        node: &'n Node,
        want: serde_json::Value,
    },
}

/// The template a value is computed in.
pub(super) struct Resolver<'a, 'n> {
    /// The file's text.
    pub text: &'a str,
    /// The template whose `parameters` and `variables` the expression reads.
    pub template: Option<&'n Node>,
    /// Whether the parameter file used for the template sets a parameter.
    pub param_file_sets: &'a dyn Fn(&str) -> bool,
}

/// The value of a literal node (a string that is not an expression).
pub(super) fn literal(node: &Node) -> Option<serde_json::Value> {
    Some(match &node.kind {
        NodeKind::Bool(b) => serde_json::Value::Bool(*b),
        NodeKind::Int(i) => serde_json::Value::from(*i),
        NodeKind::Null => serde_json::Value::Null,
        NodeKind::String(s) => match classify(s) {
            StringForm::Literal(l) => serde_json::Value::String(l.into_owned()),
            StringForm::Expression(..) => return None,
        },
        _ => return None,
    })
}

/// The expression of a string node (`"[…]"`), parsed.
fn expression(node: &Node) -> Option<Expr> {
    match &node.kind {
        NodeKind::String(s) => match classify(s) {
            StringForm::Expression(inner, _) => parse(inner, 0).ok(),
            StringForm::Literal(_) => None,
        },
        _ => None,
    }
}

fn text_of(e: &Expr) -> String {
    fn walk(e: &Expr, out: &mut String) {
        match e {
            Expr::String(s, _) => {
                out.push('\'');
                out.push_str(&s.replace('\'', "''"));
                out.push('\'');
            }
            Expr::Int(i, _) => out.push_str(&i.to_string()),
            Expr::Float(f, _) => out.push_str(&f.to_string()),
            Expr::Bool(b, _) => out.push_str(&b.to_string()),
            Expr::Null(_) => out.push_str("null"),
            Expr::Call { name, args, .. } => {
                out.push_str(name);
                out.push('(');
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    walk(a, out);
                }
                out.push(')');
            }
            Expr::Property { target, name, .. } => {
                walk(target, out);
                out.push('.');
                out.push_str(name);
            }
            Expr::Index { target, index, .. } => {
                walk(target, out);
                out.push('[');
                walk(index, out);
                out.push(']');
            }
        }
    }
    let mut out = String::new();
    walk(e, &mut out);
    out
}

impl<'n> Resolver<'_, 'n> {
    fn section(&self, section: &str, name: &str) -> Option<&'n Node> {
        self.template?.get(section)?.get(name)
    }

    /// Uses of `variables('name')` in the template.
    fn variable_uses(&self, name: &str) -> usize {
        let Some(t) = self.template else {
            return usize::MAX;
        };
        let pattern = format!(r"(?i)variables\s*\(\s*'{}'\s*\)", regex::escape(name));
        let text = self
            .text
            .get(t.span.start as usize..t.span.end as usize)
            .unwrap_or("");
        Regex::new(&pattern).map_or(usize::MAX, |re| re.find_iter(text).count())
    }

    /// The value of `e` when literals alone decide it (parameter defaults the
    /// parameter file does not override included).
    pub(super) fn known(&self, e: &Expr, depth: usize) -> Option<serde_json::Value> {
        use serde_json::Value as J;
        if depth > MAX_DEPTH {
            return None;
        }
        let Expr::Call { name, args, .. } = e else {
            return match e {
                Expr::String(s, _) => Some(J::String(s.to_string())),
                Expr::Int(i, _) => Some(J::from(*i)),
                Expr::Bool(b, _) => Some(J::Bool(*b)),
                Expr::Null(_) => Some(J::Null),
                _ => None,
            };
        };
        let node_value =
            |node: &Node| literal(node).or_else(|| self.known(&expression(node)?, depth + 1));
        match (name.to_ascii_lowercase().as_str(), args.as_slice()) {
            ("true", []) => Some(J::Bool(true)),
            ("false", []) => Some(J::Bool(false)),
            ("null", []) => Some(J::Null),
            ("parameters", [Expr::String(p, _)]) if !(self.param_file_sets)(p) => {
                node_value(self.section("parameters", p)?.get("defaultValue")?)
            }
            ("variables", [Expr::String(v, _)]) => node_value(self.section("variables", v)?),
            ("not", [x]) => Some(J::Bool(!self.known(x, depth + 1)?.as_bool()?)),
            ("bool", [x]) => match self.known(x, depth + 1)? {
                J::Bool(b) => Some(J::Bool(b)),
                J::String(s) if s.eq_ignore_ascii_case("true") => Some(J::Bool(true)),
                J::String(s) if s.eq_ignore_ascii_case("false") => Some(J::Bool(false)),
                _ => None,
            },
            ("equals", [a, b]) => Some(J::Bool(
                self.known(a, depth + 1)? == self.known(b, depth + 1)?,
            )),
            ("if", [c, a, b]) => match self.known(c, depth + 1)? {
                J::Bool(true) => self.known(a, depth + 1),
                J::Bool(false) => self.known(b, depth + 1),
                _ => None,
            },
            ("coalesce", items) => {
                for item in items {
                    match self.known(item, depth + 1)? {
                        J::Null => continue,
                        v => return Some(v),
                    }
                }
                Some(J::Null)
            }
            _ => None,
        }
    }

    /// Where the value of `e` comes from and what it must be there for `e` to
    /// evaluate to `want`; `Err`: the part of the expression that decides and
    /// cannot be inverted, with why.
    pub(super) fn invert(
        &self,
        e: &Expr,
        want: serde_json::Value,
        depth: usize,
    ) -> Result<Origin<'n>, String> {
        use serde_json::Value as J;
        let stuck = |why: &str| Err(format!("`{}` {why}", text_of(e)));
        if depth > MAX_DEPTH {
            return stuck("refers to too many variables");
        }
        let Expr::Call { name, args, .. } = e else {
            return stuck("is a constant");
        };
        match (name.to_ascii_lowercase().as_str(), args.as_slice()) {
            ("parameters", [Expr::String(p, _)]) => Ok(Origin::Parameter(p.to_string(), want)),
            ("variables", [Expr::String(v, _)]) => {
                let Some(node) = self.section("variables", v) else {
                    return stuck("reads a variable this template does not declare");
                };
                if self.variable_uses(v) != 1 {
                    return stuck("reads a variable that is also used elsewhere");
                }
                if literal(node).is_some() {
                    return Ok(Origin::Variable {
                        name: v.to_string(),
                        node,
                        want,
                    });
                }
                match expression(node) {
                    Some(inner) => self.invert(&inner, want, depth + 1),
                    None => stuck("reads a variable that is an object or an array"),
                }
            }
            ("not", [x]) => match want {
                J::Bool(b) => self.invert(x, J::Bool(!b), depth + 1),
                _ => stuck("is a boolean"),
            },
            ("bool", [x]) if want.is_boolean() => self.invert(x, want, depth + 1),
            ("equals", [a, b]) if want == J::Bool(true) => {
                match (self.known(b, depth + 1), self.known(a, depth + 1)) {
                    (Some(l), _) if !matches!(b, Expr::Call { .. }) => self.invert(a, l, depth + 1),
                    (_, Some(l)) if !matches!(a, Expr::Call { .. }) => self.invert(b, l, depth + 1),
                    _ => stuck("compares two computed values"),
                }
            }
            ("equals", _) => stuck("is a comparison that can be false in many ways"),
            ("if", [c, a, b]) => match self.known(c, depth + 1) {
                Some(J::Bool(true)) => self.invert(a, want, depth + 1),
                Some(J::Bool(false)) => self.invert(b, want, depth + 1),
                _ => stuck("depends on a condition that is not known"),
            },
            ("coalesce", items) => {
                // The first argument that is not null decides.
                for item in items {
                    match self.known(item, depth + 1) {
                        Some(J::Null) => continue,
                        _ => return self.invert(item, want, depth + 1),
                    }
                }
                stuck("has only null arguments")
            }
            _ => stuck("cannot be inverted"),
        }
    }
}
