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
//! (their `main.json`). Registry modules not in the cache and template specs become
//! `templateLink` deployments, reported as unresolved.
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
//! that are not restored, template specs, a registry `using` target,
//! `loadYamlContent`, `loadJsonContent` with a JSON path, `extends` in `.bicepparam`,
//! non-literal module `params`, spreads in resource bodies. Imported declarations get synthetic spans past the end of the importing
//! file. Resource types keep the casing written (the compiler uses its type
//! library's casing; types compare case-insensitively).

mod access;
mod calls;
mod env;
mod expr;
mod imports;
mod loader;
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

use crate::arm::eval::FileId;
use crate::arm::expand::LoadedFile;
use crate::source::json::Span;

pub use crate::arm::expand::FILE_MARKER;

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
    /// Worth knowing (e.g. a registry module whose content is not fetched).
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

/// Read, parse and lower a `.bicep` file and its local modules.
pub fn load_bicep(path: &Path) -> Result<BicepProject, LoadError> {
    let mut loader = loader::Loader::default();
    loader.entry(path)?;
    Ok(loader.finish(None))
}

/// Read a `.bicepparam` file, load the template its `using` names, and lower the
/// parameter values into a deployment parameters file shape.
pub fn load_bicepparam(path: &Path) -> Result<BicepProject, LoadError> {
    params::load(path)
}

/// Load a `.bicep` or `.bicepparam` file by its extension.
pub fn load(path: &Path) -> Result<BicepProject, LoadError> {
    let is_param = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("bicepparam"));
    if is_param {
        load_bicepparam(path)
    } else {
        load_bicep(path)
    }
}

/// Whether `path` names a Bicep source (`.bicep` or `.bicepparam`).
pub fn is_bicep_path(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("bicep") || e.eq_ignore_ascii_case("bicepparam"))
}

/// The `.bicepparam` file next to a `.bicep` file whose `using` names it.
pub fn bicepparam_for(template: &Path) -> Option<PathBuf> {
    let dir = template.parent()?;
    let wanted = std::fs::canonicalize(template).ok()?;
    let entries = std::fs::read_dir(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    })
    .ok()?;
    let mut candidates: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("bicepparam"))
        })
        .collect();
    candidates.sort();
    candidates.into_iter().find(|p| {
        let Ok(text) = std::fs::read_to_string(p) else {
            return false;
        };
        text.lines()
            .map(str::trim)
            .find(|l| l.starts_with("using "))
            .and_then(|l| l.split('\'').nth(1))
            .and_then(|target| {
                std::fs::canonicalize(p.parent().unwrap_or(Path::new(".")).join(target)).ok()
            })
            .is_some_and(|t| t == wanted)
    })
}

/// Expand a `.bicep` or `.bicepparam` file: lower it (with its local modules), then
/// expand the result. A `.bicep` file takes the `.bicepparam` beside it whose `using`
/// names it, unless `options.parameters` (a JSON parameter file) is given or discovery
/// is off. Lowering diagnostics join the expansion's (syntax errors as syntax).
pub fn expand(
    path: &Path,
    options: &crate::arm::expand::ExpandOptions,
) -> Result<crate::arm::expand::Expansion, crate::arm::expand::ExpandError> {
    use crate::arm::eval::{Diagnostic, DiagnosticKind};
    let is_param = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("bicepparam"));
    let entry = if !is_param && options.parameters.is_none() && !options.no_parameter_discovery {
        bicepparam_for(path).unwrap_or_else(|| path.to_path_buf())
    } else {
        path.to_path_buf()
    };
    let project = load(&entry).map_err(|e| crate::arm::expand::ExpandError {
        path: e.path,
        message: e.message,
        span: None,
        source: None,
    })?;
    let mut param_file = project.param_file;
    let mut files = project.files;
    if let Some(p) = &options.parameters {
        let loaded = crate::arm::expand::load_json(p)?;
        files.push(loaded);
        param_file = Some((files.len() - 1) as FileId);
    }
    let mut exp = crate::arm::expand::expand_files(files, param_file, options)?;
    let lowering = project
        .diagnostics
        .into_iter()
        .map(|(file, span, message, severity)| Diagnostic {
            file,
            span,
            message,
            kind: match severity {
                Severity::Syntax => DiagnosticKind::Syntax,
                Severity::Limit => DiagnosticKind::Limit,
                Severity::Unresolved(u) => DiagnosticKind::UnresolvedModule(u),
                Severity::Error | Severity::Warning | Severity::Info => DiagnosticKind::Evaluation,
            },
        });
    let mut all: Vec<Diagnostic> = lowering.collect();
    all.append(&mut exp.diagnostics);
    exp.diagnostics = all;
    Ok(exp)
}
