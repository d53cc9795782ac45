//! Repairs of Bicep files on the syntax tree: `adminUserEnabled: true` → `false`
//! (ACR001, also through a `bool` parameter used only there) and `if (false)` on an
//! unguarded home replica (ACR002), edited at the exact spans of the nodes.
//!
//! Until Bicep files are lowered to the evaluated model, the offending places are
//! found syntactically here: literals, parameter defaults, and replica locations
//! written like their registry's.

use super::edit::{self, Edit};
use super::{wanted, Finding, FixOptions, Fixed, ManualFix, MAX_PASSES};
use crate::rules::finding::{fingerprint, Level, Location, Status};
use crate::rules::native::normalize_location;
use crate::source::bicep::lexer::{lex, TokenKind};
use crate::source::bicep::{
    self, Expr, ExprKind, ObjectItem, ResourceDecl, Span, Statement, StatementKind,
};
use crate::source::line_index::LineIndex;

const REGISTRY: &str = "microsoft.containerregistry/registries";
const REPLICATION: &str = "microsoft.containerregistry/registries/replications";

/// A resource declaration with what the fixer needs to know about it.
struct Resource<'a> {
    decl: &'a ResourceDecl,
    /// Full type, lowercase, without the API version.
    type_name: String,
    /// The object body (inside `if` / `for` when there is one).
    object: Option<&'a Expr>,
    guard: Option<&'a Expr>,
    looped: bool,
    /// Index of the enclosing resource for nested declarations.
    enclosing: Option<usize>,
}

/// One offending place and its repair.
struct Issue {
    rule: &'static str,
    span: Span,
    message: String,
    repair: Result<Vec<Edit>, String>,
}

fn collect<'a>(stmts: Vec<&'a Statement>, enclosing: Option<usize>, out: &mut Vec<Resource<'a>>) {
    for stmt in stmts {
        let StatementKind::Resource(decl) = &stmt.kind else {
            continue;
        };
        let raw = decl.type_string.as_literal().unwrap_or("");
        let bare = raw.split('@').next().unwrap_or("").to_ascii_lowercase();
        let type_name = match enclosing.and_then(|i| out.get(i)) {
            Some(parent) if !bare.contains('/') => {
                format!("{}/{bare}", parent.type_name)
            }
            _ => bare,
        };
        let (mut body, mut guard, mut looped) = (&decl.body, None, false);
        if let ExprKind::For(f) = &body.kind {
            looped = true;
            body = &f.body;
        }
        if let ExprKind::If { condition, body: b } = &body.kind {
            guard = Some(&**condition);
            body = b;
        }
        let object = matches!(body.kind, ExprKind::Object(_)).then_some(body);
        let index = out.len();
        out.push(Resource {
            decl,
            type_name,
            object,
            guard,
            looped,
            enclosing,
        });
        if let Some(ExprKind::Object(items)) = object.map(|o| &o.kind) {
            let nested = items
                .iter()
                .filter_map(|i| match i {
                    ObjectItem::Resource(s) => Some(&**s),
                    _ => None,
                })
                .collect();
            collect(nested, Some(index), out);
        }
    }
}

/// How many times `name` appears as an identifier token.
fn identifier_uses(text: &str, name: &str) -> usize {
    lex(text, 0)
        .tokens
        .iter()
        .filter(|t| t.kind == TokenKind::Ident && t.span.text(text) == name)
        .count()
}

fn admin_user(text: &str, program: &bicep::Program, r: &Resource) -> Option<Issue> {
    let value = &r
        .object?
        .property("properties")?
        .value
        .property("adminUserEnabled")?
        .value;
    let issue = |repair| Issue {
        rule: "ACR001",
        span: value.span,
        message: format!(
            "registry {} enables the admin user (adminUserEnabled is {})",
            r.decl.name.name,
            value.span.text(text)
        ),
        repair,
    };
    match &value.kind {
        ExprKind::Bool(true) => Some(issue(Ok(vec![Edit::replace(
            value.span.start,
            value.span.end,
            "false",
        )]))),
        ExprKind::Var(name) => {
            let default = program.statements.iter().find_map(|s| match &s.kind {
                StatementKind::Param {
                    name: n,
                    default: Some(d),
                    ..
                } if n.name == name.name => Some(d),
                _ => None,
            })?;
            if !matches!(default.kind, ExprKind::Bool(true)) {
                return None;
            }
            let allowed = program.statements.iter().any(|s| {
                matches!(&s.kind, StatementKind::Param { name: n, .. } if n.name == name.name)
                    && s.decorator("allowed").is_some()
            });
            if identifier_uses(text, &name.name) != 2 || allowed {
                return Some(issue(Err(format!(
                    "adminUserEnabled comes from parameter '{}', which is also used elsewhere: give it the value false where the template is deployed",
                    name.name
                ))));
            }
            Some(issue(Ok(vec![Edit::replace(
                default.span.start,
                default.span.end,
                "false",
            )])))
        }
        _ => None,
    }
}

/// Locations written alike: the same string (normalised as Azure does) or the same
/// expression text.
fn same_location(text: &str, a: &Expr, b: &Expr) -> bool {
    match (a.as_literal_string(), b.as_literal_string()) {
        (Some(x), Some(y)) => normalize_location(x) == normalize_location(y),
        (None, None) => {
            let squash = |e: &Expr| e.span.text(text).split_whitespace().collect::<String>();
            squash(a) == squash(b)
        }
        _ => false,
    }
}

fn home_replica(text: &str, resources: &[Resource], r: &Resource) -> Option<Issue> {
    if r.looped {
        return None;
    }
    let object = r.object?;
    let location = &object.property("location")?.value;
    let registry = match r.enclosing {
        Some(i) => resources.get(i)?,
        None => {
            let ExprKind::Var(parent) = &object.property("parent")?.value.kind else {
                return None;
            };
            resources
                .iter()
                .find(|x| x.decl.name.name == parent.name && x.type_name == REGISTRY)?
        }
    };
    let registry_location = &registry.object?.property("location")?.value;
    if !same_location(text, location, registry_location) {
        return None;
    }
    let repair = match r.guard {
        None => Ok(vec![Edit::insert(object.span.start, "if (false) ")]),
        Some(g) if matches!(g.kind, ExprKind::Bool(false)) => return None,
        // Guarded by a condition of its own: what it evaluates to is not known here.
        Some(_) => return None,
    };
    Some(Issue {
        rule: "ACR002",
        span: location.span,
        message: format!(
            "replication {} is in the registry's home region ({})",
            r.decl.name.name,
            location.span.text(text)
        ),
        repair,
    })
}

fn issues(text: &str) -> Result<Vec<Issue>, String> {
    let parsed = bicep::parse(text);
    if let Some(d) = parsed.diagnostics.first() {
        let lc = LineIndex::new(text).line_col(text, d.span.start);
        return Err(format!(
            "{}:{}: {} (fix the syntax error first)",
            lc.line, lc.column, d.message
        ));
    }
    let mut resources = Vec::new();
    collect(
        parsed.program.statements.iter().collect(),
        None,
        &mut resources,
    );
    let mut out = Vec::new();
    for r in &resources {
        if r.type_name == REGISTRY {
            out.extend(admin_user(text, &parsed.program, r));
        }
        if r.type_name == REPLICATION {
            out.extend(home_replica(text, &resources, r));
        }
    }
    Ok(out)
}

fn finding_of(text: &str, lines: &LineIndex, issue: &Issue) -> Finding {
    Finding {
        rule: issue.rule.into(),
        level: Level::Error,
        status: Status::Fail,
        location: Location {
            file: Default::default(),
            start: lines.line_col(text, issue.span.start),
            end: lines.line_col(text, issue.span.end),
            byte_start: issue.span.start,
            byte_end: issue.span.end,
        },
        resource_type: None,
        resource_name: None,
        message: issue.message.clone(),
        related: Vec::new(),
        fingerprint: fingerprint(&[issue.rule, &issue.message]),
        suppression: None,
    }
}

pub(crate) fn fix(text: &str, options: &FixOptions) -> Result<Option<Fixed>, String> {
    let mut current = text.to_string();
    let mut applied = 0;
    for _ in 0..MAX_PASSES {
        let found: Vec<Issue> = issues(&current)?
            .into_iter()
            .filter(|i| wanted(i.rule, options))
            .collect();
        let edits: Vec<Edit> = found
            .iter()
            .filter_map(|i| i.repair.as_ref().ok())
            .flatten()
            .cloned()
            .collect();
        if edits.is_empty() {
            break;
        }
        let (next, rejected) = edit::apply(&current, &edits);
        if !rejected.is_empty() {
            return Err("overlapping fixes; fix one rule at a time with --rule".into());
        }
        let reparsed = bicep::parse(&next);
        if !reparsed.diagnostics.is_empty() {
            return Err("the fixes would break the Bicep syntax; nothing was changed".into());
        }
        applied += found.iter().filter(|i| i.repair.is_ok()).count();
        current = next;
    }
    let lines = LineIndex::new(&current);
    let left = issues(&current)?;
    let manual = left
        .iter()
        .filter(|i| wanted(i.rule, options))
        .filter_map(|i| {
            let lc = lines.line_col(&current, i.span.start);
            i.repair.as_ref().err().map(|advice| ManualFix {
                rule: i.rule.into(),
                line: lc.line,
                column: lc.column,
                advice: advice.clone(),
            })
        })
        .collect();
    let remaining = if options.fail_on.is_some_and(|t| t <= Level::Error) {
        left.iter()
            .map(|i| finding_of(&current, &lines, i))
            .collect()
    } else {
        Vec::new()
    };
    Ok(Some(Fixed {
        text: current,
        applied,
        manual,
        remaining,
    }))
}

#[cfg(test)]
mod tests;
