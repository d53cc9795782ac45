//! Where a value came from.

use std::sync::Arc;

use crate::arm::eval::FileId;
use crate::arm::value::Str;
use crate::source::json::Span;

/// A parameter or variable a value went through, with where it was written and what
/// it came from in turn (a nested deployment's parameter comes from the outer
/// template's expression, which read the outer parameters…).
#[derive(Clone, Debug)]
pub struct Provenance {
    pub kind: ProvenanceKind,
    pub name: Str,
    pub file: FileId,
    pub span: Span,
    pub upstream: Vec<Arc<Provenance>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProvenanceKind {
    /// The parameter's `defaultValue`.
    ParameterDefault,
    /// A value from a parameter file.
    ParameterFile,
    /// A value passed by an enclosing nested deployment.
    DeploymentParameter,
    /// A parameter with no value at all.
    ParameterUnbound,
    /// A variable.
    Variable,
    /// The deployment context given on the command line.
    Context,
}

impl Provenance {
    /// "parameter `x` (default)"-style label.
    pub fn describe(&self) -> String {
        match self.kind {
            ProvenanceKind::ParameterDefault => format!("parameter `{}`, default", self.name),
            ProvenanceKind::ParameterFile => {
                format!("parameter `{}`, parameter file value", self.name)
            }
            ProvenanceKind::DeploymentParameter => {
                format!(
                    "parameter `{}`, passed by the enclosing deployment",
                    self.name
                )
            }
            ProvenanceKind::ParameterUnbound => {
                format!("parameter `{}` (no value bound)", self.name)
            }
            ProvenanceKind::Variable => format!("variable `{}`", self.name),
            ProvenanceKind::Context => format!("deployment context `{}`", self.name),
        }
    }

    /// This provenance and everything upstream, depth first, without repeats.
    pub fn flatten(self: &Arc<Self>, out: &mut Vec<Arc<Provenance>>) {
        if out.iter().any(|p| Arc::ptr_eq(p, self)) || out.len() > 64 {
            return;
        }
        out.push(self.clone());
        for u in &self.upstream {
            u.flatten(out);
        }
    }
}
