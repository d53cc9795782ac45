//! Expansion: a template plus parameters plus deployment context becomes a flat list
//! of concrete resources (copy loops unrolled, child resources and nested deployments
//! flattened), each tied back to its source span, with its own condition value.

mod bodies;
mod params;
mod resources;
mod syntax;

pub use crate::arm::eval::UNKNOWN_COPY_INDEX;
pub use bodies::{any_ignoring_ascii_case, contains_ignore_ascii_case, Bodies, BodyTypes};
pub use resources::FILE_MARKER;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use crate::arm::eval::{DeploymentContext, Diagnostic, DiagnosticKind, FileId, Provenance};
use crate::arm::limits::Limits;
use crate::arm::value::{Str, Value};
use crate::source::file::{LoadedFile, SourceFile};
use crate::source::json::{self, Node, Span};

/// Options of one expansion.
#[derive(Clone, Debug, Default)]
pub struct ExpandOptions {
    pub context: DeploymentContext,
    /// Explicit parameter file (otherwise found by convention).
    pub parameters: Option<PathBuf>,
    /// Do not look for a parameter file by convention.
    pub no_parameter_discovery: bool,
    /// Values assumed for top-level parameters, ahead of the parameter file and
    /// defaults (used to evaluate a template under a hypothesis).
    pub parameter_overrides: Vec<(String, Value)>,
    /// Which resource bodies are evaluated in full (`check` defers those no rule reads).
    pub bodies: Bodies,
    /// The limits of the run (`--limit`).
    pub limits: Limits,
}

/// One concrete resource after expansion.
#[derive(Clone, Debug)]
pub struct ExpandedResource {
    pub resource_type: Str,
    pub api_version: Option<Str>,
    /// Full name (`acr/westus` for children); may be unknown.
    pub name: Value,
    pub location: Option<Value>,
    /// `true`, `false`, or unknown / candidates. Includes the conditions of enclosing
    /// parents and nested deployments.
    pub condition: Value,
    /// The whole evaluated resource object (`properties`, `sku`, `identity`, …).
    pub body: Value,
    pub file: FileId,
    /// Span of the resource object in its file.
    pub span: Span,
    /// Path of nested deployment names, empty at top level.
    pub deployment: String,
    /// languageVersion 2.0 symbolic name.
    pub symbolic: Option<Str>,
    pub existing: bool,
    /// Copy loop iterations this resource belongs to, outermost first.
    pub copy: Vec<(Option<Str>, i64)>,
    /// Provenance of expression strings in the body, by span.
    pub traces: Vec<(Span, Vec<Arc<Provenance>>)>,
    /// For nested deployments: whether the inner template was followed.
    pub nested: Option<NestedKind>,
    /// Index of the enclosing resource when declared as a child under `resources`.
    pub parent: Option<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NestedKind {
    Inline,
    /// `templateLink`: the inner content is unknown.
    Linked,
}

/// An output of the top-level template.
#[derive(Clone, Debug)]
pub struct ExpandedOutput {
    pub name: Str,
    pub output_type: Option<Str>,
    pub value: Value,
    pub span: Span,
    pub file: FileId,
    pub traces: Vec<(Span, Vec<Arc<Provenance>>)>,
}

/// Result of expanding one template.
#[derive(Debug, Default)]
pub struct Expansion {
    pub files: Vec<LoadedFile>,
    pub resources: Vec<ExpandedResource>,
    pub outputs: Vec<ExpandedOutput>,
    pub diagnostics: Vec<Diagnostic>,
    pub parameter_file: Option<PathBuf>,
    /// Evaluation steps and value cells spent (see [`crate::arm::eval::Budget`]).
    pub work: (u64, u64),
    /// Lookups over `resources`, built on first use.
    pub index: ResourceIndex,
    /// Names (lowercase) that expanding searched every file text for, ASCII case
    /// ignored, and found in none (the functions that make every body read): a rule
    /// need not search again ([`Expansion::names_nowhere`]).
    pub absent_words: Vec<String>,
}

/// Lookups over an expansion's resources, each built once, on first use, after the
/// expansion is complete: rules find resources by type and name instead of scanning
/// every resource (a scan inside a loop over registries, itself inside a loop over
/// resources, made 4,000 registries take minutes).
#[derive(Debug, Default)]
pub struct ResourceIndex {
    by_type: OnceLock<HashMap<String, Vec<usize>>>,
    in_unknown_loops: OnceLock<Vec<usize>>,
    /// Resources by a key the caller computes (the rules' registry keys).
    pub keyed: OnceLock<HashMap<crate::arm::value::Segment, Vec<usize>>>,
}

/// Why a file could not be expanded at all.
#[derive(Clone, Debug)]
pub struct ExpandError {
    pub path: PathBuf,
    pub message: String,
    pub span: Option<Span>,
    /// The file's text, when it could be read (to turn the span into line:col).
    pub source: Option<Arc<SourceFile>>,
}

impl ExpandError {
    /// `path:line:col: message`.
    pub fn render(&self) -> String {
        match (&self.source, self.span) {
            (Some(src), Some(span)) => {
                let lc = src.line_col(span.start);
                format!(
                    "{}:{}:{}: {}",
                    self.path.display(),
                    lc.line,
                    lc.column,
                    self.message
                )
            }
            _ => format!("{}: {}", self.path.display(), self.message),
        }
    }
}

/// Expand a template assembled from several files: `files[0]` is the root template;
/// nested inline templates written in another file carry `"$acrlintFile": <index>`.
/// `param_file` is the index of a file shaped like a deployment parameters file
/// (`{"parameters": {"x": {"value": …}}}`, e.g. lowered from a `.bicepparam`).
pub fn expand_files(
    files: Vec<LoadedFile>,
    param_file: Option<FileId>,
    options: &ExpandOptions,
) -> Result<Expansion, ExpandError> {
    let mut expansion = Expansion {
        files,
        ..Default::default()
    };
    if let Some(id) = param_file {
        expansion.parameter_file = expansion.file(id).map(|f| f.source.path.clone());
    }
    resources::expand_top(&mut expansion, param_file, options);
    Ok(expansion)
}

impl Expansion {
    pub fn file(&self, id: FileId) -> Option<&LoadedFile> {
        self.files.get(id as usize)
    }

    /// Whether it is known that no file text of the expansion names `word` (ASCII
    /// case ignored); `false` when it does, or when that was not searched.
    pub fn names_nowhere(&self, word: &str) -> bool {
        self.absent_words
            .iter()
            .any(|w| w.eq_ignore_ascii_case(word))
    }

    /// Indexes of the resources of a type (case-insensitive), in order.
    pub fn of_type(&self, resource_type: &str) -> &[usize] {
        let by_type = self.index.by_type.get_or_init(|| {
            let mut map: HashMap<String, Vec<usize>> = HashMap::new();
            for (i, r) in self.resources.iter().enumerate() {
                map.entry(r.resource_type.to_ascii_lowercase())
                    .or_default()
                    .push(i);
            }
            map
        });
        by_type
            .get(&resource_type.to_ascii_lowercase())
            .map_or(&[], Vec::as_slice)
    }

    /// The resources of a type, with their indexes.
    pub fn resources_of_type<'e>(
        &'e self,
        resource_type: &str,
    ) -> impl Iterator<Item = (usize, &'e ExpandedResource)> + 'e {
        self.of_type(resource_type)
            .iter()
            .filter_map(|&i| self.resources.get(i).map(|r| (i, r)))
    }

    /// Nested deployments (inline) in a copy loop whose count is unknown: what they
    /// declare may not exist.
    pub fn deployments_in_unknown_loops(&self) -> &[usize] {
        self.index.in_unknown_loops.get_or_init(|| {
            self.resources
                .iter()
                .enumerate()
                .filter(|(_, d)| {
                    d.nested.is_some() && d.copy.iter().any(|(_, i)| *i == UNKNOWN_COPY_INDEX)
                })
                .map(|(i, _)| i)
                .collect()
        })
    }

    /// Problems that make (part of) the template unusable: syntax errors.
    pub fn syntax_errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.kind == DiagnosticKind::Syntax)
    }
}

/// The resources of a template: an array, or an object of symbolic names
/// (languageVersion 2.0; also tolerated as `{}` in languageVersion 1).
fn resource_nodes(template: &Node) -> Vec<(Option<Str>, &Node)> {
    match template.get("resources").map(|r| &r.kind) {
        Some(json::NodeKind::Array(items)) => items.iter().map(|n| (None, n)).collect(),
        Some(json::NodeKind::Object(members)) => members
            .iter()
            .map(|m| (Some(m.key.clone()), &m.value))
            .collect(),
        _ => Vec::new(),
    }
}

/// Descend from `root` to the node whose span is exactly `span`. Trees lowered from
/// Bicep do not always nest spans (a synthetic node has the span of the construct it
/// stands for), so when descending by containment fails the whole tree is searched.
pub fn find_node(root: &Node, span: Span) -> Option<&Node> {
    descend(root, span).or_else(|| search(root, span))
}

fn descend(root: &Node, span: Span) -> Option<&Node> {
    let mut node = root;
    loop {
        if node.span == span {
            return Some(node);
        }
        let next = match &node.kind {
            json::NodeKind::Object(members) => members
                .iter()
                .map(|m| &m.value)
                .find(|v| v.span.start <= span.start && span.end <= v.span.end),
            json::NodeKind::Array(items) => items
                .iter()
                .find(|v| v.span.start <= span.start && span.end <= v.span.end),
            _ => None,
        };
        node = next?;
    }
}

fn search(node: &Node, span: Span) -> Option<&Node> {
    if node.span == span && node.is_object() {
        return Some(node);
    }
    match &node.kind {
        json::NodeKind::Object(members) => members.iter().find_map(|m| search(&m.value, span)),
        json::NodeKind::Array(items) => items.iter().find_map(|v| search(v, span)),
        _ => None,
    }
}
