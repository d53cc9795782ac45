//! The apiVersion upgrade, its own unsafe fix: when a fix is refused only because
//! the resource's apiVersion lacks a property it adds, the resource's apiVersion
//! literal is rewritten to the version [`api::upgrade`] chooses (ARM JSON: the
//! resource's `"apiVersion"` string; Bicep: the `@version` of the resource's type
//! string), and the property fix applies in the following pass. An apiVersion that
//! is computed, or shared with a parent, is advice naming the literal to change.

use regex::Regex;

use super::api;
use super::edit::{excerpt, Edit};
use super::model::{value_at, Model, Resource};
use super::parsed::Parsed;
use super::spec::FixSpec;
use super::Finding;
use crate::arm::expr::parser::{classify, StringForm};
use crate::source::bicep::StatementKind;
use crate::source::escape::json_string;
use crate::source::json::NodeKind;

/// A fix's property that the resource's apiVersion does not have.
pub(super) struct Gap<'m> {
    pub resource: &'m Resource,
    /// The resource's apiVersion.
    pub from: String,
    /// The property path the fix writes.
    pub path: String,
    /// The first version that has it.
    pub first: String,
}

impl Gap<'_> {
    /// Why the fix is not applied as the resource stands.
    pub(super) fn reason(&self) -> String {
        format!(
            "{}@{} has no {} (the REST API has it from {})",
            self.resource.resource_type, self.from, self.path, self.first
        )
    }
}

/// The first property of `spec` that the apiVersion of a resource `f` is about lacks
/// (a property it already writes is none).
pub(super) fn gap<'m>(model: &'m Model, f: &Finding, spec: &FixSpec) -> Option<Gap<'m>> {
    let resources = model.at(f.location.byte_start, f.resource_type.as_deref());
    for set in spec.writes() {
        let segments = set.segments();
        for r in &resources {
            if value_at(&r.body, &segments).is_some() {
                continue;
            }
            let from = r.api_version.as_deref().unwrap_or("");
            if let Some(first) = api::first_version(&r.resource_type, &segments, from) {
                return Some(Gap {
                    resource: r,
                    from: from.to_string(),
                    path: set.path.clone(),
                    first,
                });
            }
        }
    }
    None
}

/// The upgrade that closes `gap`: the target version and the edit of the literal;
/// `Err` says why the resource cannot be upgraded by a fix, and what to change.
pub(super) fn plan(parsed: &Parsed, text: &str, gap: &Gap) -> Result<(String, Edit), String> {
    let r = gap.resource;
    let to = api::upgrade(&r.resource_type, &r.body)?;
    let edit = match parsed {
        Parsed::Json(root) => json_literal(root, r.span, to)?,
        Parsed::Bicep(p) => bicep_literal(text, &p.program, r.span, to)?,
    };
    Ok((to.to_string(), edit))
}

/// The edit of the `"apiVersion"` string of the resource object spanning `span`.
fn json_literal(
    root: &crate::source::json::Node,
    span: (u32, u32),
    to: &str,
) -> Result<Edit, String> {
    let resource = super::json::object_at(root, span)
        .ok_or_else(|| "the resource could not be located in the file".to_string())?;
    let Some(node) = resource.get("apiVersion") else {
        return Err("the resource writes no apiVersion".into());
    };
    let NodeKind::String(written) = &node.kind else {
        return Err(format!("its apiVersion is not a string: make it '{to}'"));
    };
    match classify(written) {
        StringForm::Literal(_) => Ok(Edit::replace(
            node.span.start,
            node.span.end,
            json_string(to),
        )),
        StringForm::Expression(inner, _) => Err(computed(inner, to)),
    }
}

/// Advice for an apiVersion computed by the expression `inner` (without brackets).
fn computed(inner: &str, to: &str) -> String {
    let named = Regex::new(r"(?i)^\s*(variables|parameters)\s*\(\s*'([^']*)'\s*\)\s*$")
        .ok()
        .and_then(|re| {
            let c = re.captures(inner)?;
            let name = c.get(2)?.as_str();
            Some(if c[1].eq_ignore_ascii_case("variables") {
                format!("the variable '{name}'")
            } else {
                format!("the default (or the parameter file's value) of the parameter '{name}'")
            })
        });
    let literal = named.unwrap_or_else(|| "the literal it comes from".to_string());
    format!(
        "its apiVersion is computed by [{}]: change {literal} to '{to}' (other resources that read it are upgraded too)",
        excerpt(inner.trim())
    )
}

/// The edit of the `@version` of the type string of the Bicep resource spanning
/// `span`.
fn bicep_literal(
    text: &str,
    program: &crate::source::bicep::Program,
    span: (u32, u32),
    to: &str,
) -> Result<Edit, String> {
    let stmt = super::bicep::resources(program)
        .into_iter()
        .rev()
        .find(|s| s.span.start <= span.0 && span.1 <= s.span.end)
        .ok_or_else(|| "the resource could not be located in the file".to_string())?;
    let StatementKind::Resource(decl) = &stmt.kind else {
        return Err("the resource could not be located in the file".into());
    };
    let lit = &decl.type_string;
    let shown = text
        .get(lit.span.start as usize..lit.span.end as usize)
        .unwrap_or("");
    let Some(written) = lit.as_literal() else {
        return Err(format!(
            "its type string {} is interpolated: make its apiVersion '{to}'",
            excerpt(shown)
        ));
    };
    let Some(at) = written.find('@') else {
        return Err(format!(
            "its apiVersion is its parent resource's: change the @version of the parent's type string to '{to}'"
        ));
    };
    // The source text between the quotes is the value itself (a type string has no
    // escapes); otherwise, advice.
    let (start, end) = (lit.span.start as usize + 1, lit.span.end as usize - 1);
    if lit.multiline || text.get(start..end) != Some(written) {
        return Err(format!(
            "change the @version of its type string {} to '{to}'",
            excerpt(shown)
        ));
    }
    Ok(Edit::replace((start + at + 1) as u32, end as u32, to))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn computed_api_versions_name_the_literal() {
        let v = computed("variables('acrApiVersion')", "2025-11-01");
        assert!(
            v.contains("the variable 'acrApiVersion'") && v.contains("'2025-11-01'"),
            "{v}"
        );
        let p = computed(" parameters( 'api' ) ", "2025-11-01");
        assert!(p.contains("the parameter 'api'"), "{p}");
        let e = computed("if(true, '2019-05-01', '2021-09-01')", "2025-11-01");
        assert!(
            e.contains("the literal it comes from") && e.contains("[if(true"),
            "{e}"
        );
    }
}
