//! Lowering: a Bicep program becomes a spanned ARM JSON [`Node`] tree shaped like
//! the Bicep compiler's languageVersion 2.0 output (`$schema`, `parameters`,
//! `variables`, `functions`, `resources` keyed by symbolic name, `outputs`), so the
//! ARM engine ([`crate::arm::expand::expand_files`]) evaluates it unchanged.
//!
//! Every node's span is the byte range of the Bicep source it came from: a literal
//! stays a literal node with the literal's span, an expression becomes one ARM
//! expression string (`"[...]"`) with the span of the whole Bicep expression, and
//! object keys keep the span of the Bicep key. Findings therefore point into the
//! `.bicep` file.
//!
//! Local modules are lowered recursively into `Microsoft.Resources/deployments`
//! resources whose inline template carries [`FILE_MARKER`] (the module file's index
//! in [`BicepProject::files`]); so are registry modules found in the Bicep module cache
//! (their `main.json`, see [`module_cache`]). Registry modules not in the cache and
//! template specs become `templateLink` deployments, reported as unresolved.
//!
//! The evaluator caches parsed expressions by the start offset of their node, so a
//! lowered file never holds two different expression strings starting at the same
//! offset (synthesized nodes reuse a span only with identical text).
//!
//! Where the lowering deliberately differs from the compiler's text (the values
//! are checked against the compiled baselines in `tests/bicep_baselines.rs`):
//! - inside a property loop, enclosing resource/module loop variables use
//!   `copyIndex('<loop>')` (ARM resolves the compiler's unnamed `copyIndex()` to the
//!   resource loop; the engine would resolve it to the innermost loop);
//! - elements of resource and module collections are referenced through their id
//!   (`reference(resourceId(...), '<api>')`), which the engine resolves to the
//!   declared body, rather than `reference(format('sym[{0}]', i))`;
//! - a module parameter given by a ternary is `{"value": if(c, a, b)}` (the compiler
//!   chooses the whole entry; the engine cannot bind that form when `c` is unknown),
//!   except when a branch is a Key Vault secret;
//! - parameters are written after the parameters their defaults read.
//!
//! Not supported (a diagnostic says so and the value is unknown): registry modules
//! that are not restored, template specs, `loadYamlContent`, `loadJsonContent` with a
//! JSON path, `extends` in `.bicepparam`, non-literal module `params`, spreads in
//! resource bodies. Imported declarations get synthetic spans past the end of the
//! importing file. Resource types keep the casing written (the compiler uses its type
//! library's casing; types compare case-insensitively).

mod access;
mod calls;
mod env;
mod expr;
mod imports;
mod loader;
pub mod module_cache;
mod modules;
mod params;
mod resources;
mod symbols;
mod template;
mod text;
mod types;
mod values;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::arm::eval::{FileId, UnresolvedKind};
use crate::source::bicep::{self, ParsedFile};
use crate::source::file::{Language, LoadedFile, SourceText};
use crate::source::json::{Node, Span};
use crate::source::sources::Sources;

pub use crate::arm::expand::FILE_MARKER;

/// What a `module` (or `using`) path designates, once loaded.
#[derive(Clone, Debug)]
enum ModuleTarget {
    /// A lowered template (Bicep or JSON) whose root carries [`FILE_MARKER`].
    Template {
        template: Arc<Node>,
        /// The module file's `targetScope` (for JSON: from its `$schema`).
        scope: symbols::TargetScope,
    },
    /// Not followed: a local file that cannot be read, a registry module that is not
    /// in the Bicep module cache, a template spec, a malformed reference. `link` is the
    /// reference of a registry module or template spec.
    Unresolved {
        kind: UnresolvedKind,
        message: String,
        link: Option<String>,
    },
    /// Could not be loaded (not valid JSON, not lowered): the message says why.
    Failed(String),
    /// Not followed because of a cap (a cycle, modules nested too deep).
    Capped(String),
}

/// A parsed Bicep file kept for `import` resolution.
#[derive(Clone)]
struct ImportedFile {
    pub path: PathBuf,
    pub text: SourceText,
    pub parsed: Arc<ParsedFile>,
}

fn to_span(s: bicep::Span) -> Span {
    Span {
        start: s.start,
        end: s.end,
    }
}

/// Whether a module path is a registry or template spec reference.
fn is_registry_path(p: &str) -> bool {
    module_cache::reference::is_external(p)
}

/// The key under which an import's file is found: the path written, joined to the
/// importing file's (the same on both sides of a lookup, no file read).
fn import_key(from: &Path, written: &str) -> String {
    from.parent()
        .unwrap_or(Path::new(""))
        .join(written.replace('\\', "/"))
        .to_string_lossy()
        .into_owned()
}

/// How serious a lowering diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// The Bicep (or JSON module) text does not parse.
    Syntax,
    /// The program refers to something that does not exist or cannot be followed
    /// (an undeclared name, a missing module file, a module cycle): the affected
    /// value is unknown.
    Error,
    /// Lowered, but part of the result is unknown or approximated.
    Warning,
    /// Worth knowing.
    Info,
    /// A cap was reached (a module cycle, modules nested too deep): what lies past it
    /// is not followed. Reported by `check` like the ARM engine's caps.
    Limit,
    /// A module that was not followed (missing file, registry module not restored,
    /// template spec): reported by `check` at the `module` statement.
    Unresolved(crate::arm::eval::UnresolvedModule),
}

/// A Bicep entry file lowered with everything it pulls in, ready for
/// `expand_files(project.files, project.param_file, &options)`.
#[derive(Debug)]
pub struct BicepProject {
    /// `files[0]` is the entry template; module files (Bicep or JSON) and the
    /// `.bicepparam` file follow.
    pub files: Vec<LoadedFile>,
    /// The lowered `.bicepparam` file (a deployment parameters file shape).
    pub param_file: Option<FileId>,
    /// Syntax errors and lowering notes, by file.
    pub diagnostics: Vec<(FileId, Span, String, Severity)>,
    /// `#disable-next-line` / `#disable-diagnostics` / `#restore-diagnostics`
    /// pragmas of every Bicep file, for inline suppressions.
    pub pragmas: Vec<(FileId, crate::source::bicep::Pragma)>,
}

/// Why a file could not be loaded at all.
#[derive(Clone, Debug)]
pub struct LoadError {
    pub path: PathBuf,
    pub message: String,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

/// Where a Bicep project's files come from: `sources` for every file, and `home`, the
/// user's home directory, whose `.bicep` folder is the default registry module cache
/// (a `bicepconfig.json` may name another).
#[derive(Clone, Copy)]
pub struct Input<'s> {
    pub sources: &'s dyn Sources,
    pub home: Option<&'s Path>,
}

/// Read (from `input.sources`), parse and lower a `.bicep` file and its modules.
pub fn load_bicep(input: Input, path: &Path) -> Result<BicepProject, LoadError> {
    let mut loader = loader::Loader::new(input);
    loader.entry(path)?;
    Ok(loader.finish(None))
}

/// Read a `.bicepparam` file, load the template its `using` names, and lower the
/// parameter values into a deployment parameters file shape.
pub fn load_bicepparam(input: Input, path: &Path) -> Result<BicepProject, LoadError> {
    params::load(input, path)
}

/// Load a `.bicep` or `.bicepparam` file by its language.
pub fn load(input: Input, path: &Path) -> Result<BicepProject, LoadError> {
    if Language::of(path) == Some(Language::BicepParam) {
        load_bicepparam(input, path)
    } else {
        load_bicep(input, path)
    }
}
