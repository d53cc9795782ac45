//! The one door: a path becomes an expansion. Loading decides the file's language
//! once ([`Language::of`]), reads it, lowers Bicep to the ARM model ([`crate::lower`]),
//! finds and binds its parameter file, and expands it ([`crate::arm::expand`]).
//! Everything above asks the loader; nothing below it chooses a language.

pub mod discover;
mod disk;
pub mod walk;

pub use disk::{read_capped, read_capped_with_metadata, Confined, Disk};

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::arm::eval::{Diagnostic, DiagnosticKind, FileId};
use crate::arm::expand::{expand_files, ExpandError, ExpandOptions, Expansion};
use crate::lower;
use crate::source::file::{Language, LoadedFile, SourceFile};
use crate::source::json::{self, Span};
use crate::source::sources::Sources;
use discover::{bicepparam_for, classify, parameter_file_for, JsonFileKind};

pub fn load_text(source: Arc<SourceFile>) -> Result<LoadedFile, ExpandError> {
    match json::parse_with_directives(&source.text) {
        Ok((root, directives)) => Ok(LoadedFile {
            source,
            root: Arc::new(root),
            directives,
            lowered: false,
            registry_uses: Vec::new(),
        }),
        Err(e) => Err(ExpandError {
            path: source.path.clone(),
            message: e.message,
            span: Some(e.span),
            source: Some(source),
        }),
    }
}

/// The user's home directory (`HOME`, else `USERPROFILE`), read once: the Bicep
/// module cache is `~/.bicep` unless a `bicepconfig.json` names another.
pub fn home_dir() -> Option<&'static Path> {
    static HOME: OnceLock<Option<PathBuf>> = OnceLock::new();
    HOME.get_or_init(|| {
        ["HOME", "USERPROFILE"]
            .iter()
            .filter_map(std::env::var_os)
            .find(|v| !v.is_empty())
            .map(PathBuf::from)
    })
    .as_deref()
}

/// Loading with the files of one [`Sources`] (the disk, or texts overlaid on it).
#[derive(Clone, Copy)]
pub struct Loader<'s> {
    input: lower::Input<'s>,
}

impl<'s> Loader<'s> {
    /// Loading from `sources`, with the Bicep module cache of the user's home.
    pub fn new(sources: &'s dyn Sources) -> Loader<'s> {
        Loader::with_home(sources, home_dir())
    }

    /// Loading from `sources`, with the Bicep module cache under `home` by default.
    pub fn with_home(sources: &'s dyn Sources, home: Option<&'s Path>) -> Loader<'s> {
        Loader {
            input: lower::Input { sources, home },
        }
    }

    /// Read and parse a JSON(C) file.
    pub fn load_json(&self, path: &Path) -> Result<LoadedFile, ExpandError> {
        let source = self.input.sources.read(path).map_err(|e| ExpandError {
            path: path.to_path_buf(),
            message: e.message,
            span: e.offset.map(|o| Span { start: o, end: o }),
            source: e.lossy,
        })?;
        load_text(source)
    }

    /// Expand an ARM template or a Bicep file (`.bicep`, `.bicepparam`), whichever
    /// `path` is; any other name is read as JSON.
    pub fn expand(&self, path: &Path, options: &ExpandOptions) -> Result<Expansion, ExpandError> {
        match Language::of(path) {
            Some(language) if language.is_bicep() => self.expand_bicep(path, language, options),
            _ => self.expand_loaded(self.load_json(path)?, options),
        }
    }

    /// `path`, expanded before as `previous`, expanded again with `options` (a
    /// parameter's value or the location changed): with the parameter file
    /// `previous` used (a `.bicepparam` included) unless `options` names one, and, for
    /// JSON, from the template tree already parsed.
    pub fn expand_again(
        &self,
        path: &Path,
        previous: &Expansion,
        options: &ExpandOptions,
    ) -> Result<Expansion, ExpandError> {
        // Only values change between the two: the files `previous` read, parsed and
        // lowered (a Bicep program, its modules and its `.bicepparam` included) are
        // expanded again as they are, nothing is read or lowered twice. (The lowering's
        // diagnostics stay with `previous`; the callers read resources.)
        if options.parameters.is_none() || options.parameters == previous.parameter_file {
            let param_file = match &previous.parameter_file {
                None => Some(None),
                Some(p) => previous
                    .files
                    .iter()
                    .position(|f| &f.source.path == p)
                    .map(|i| Some(i as FileId)),
            };
            if let (Some(param_file), false) = (param_file, previous.files.is_empty()) {
                let mut options = options.clone();
                options.parameters = None;
                return expand_files(previous.files.clone(), param_file, &options);
            }
        }
        let mut options = options.clone();
        if options.parameters.is_none() {
            options.no_parameter_discovery = true;
            match &previous.parameter_file {
                // A `.bicepparam` is loaded with the template its `using` names.
                Some(p) if Language::of(p) == Some(Language::BicepParam) => {
                    return self.expand(p, &options);
                }
                p => options.parameters = p.clone(),
            }
        }
        let bicep = Language::of(path).is_some_and(|l| l.is_bicep());
        match previous.file(0) {
            Some(template) if !bicep => self.expand_loaded(template.clone(), &options),
            _ => self.expand(path, &options),
        }
    }

    /// Expand a JSON template already read (with its parameter file, explicit or by
    /// convention).
    pub fn expand_loaded(
        &self,
        template: LoadedFile,
        options: &ExpandOptions,
    ) -> Result<Expansion, ExpandError> {
        let path = template.source.path.clone();
        if classify(&template.root) != JsonFileKind::Template {
            return Err(ExpandError {
                path,
                message: "not an ARM deployment template (no deploymentTemplate $schema)".into(),
                span: None,
                source: Some(template.source),
            });
        }
        let param_path = match &options.parameters {
            Some(p) => Some(p.clone()),
            None if options.no_parameter_discovery => None,
            None => parameter_file_for(self.input.sources, &path),
        };
        let mut files = vec![template];
        let mut param_file: Option<FileId> = None;
        if let Some(pp) = &param_path {
            match self.load_json(pp) {
                Ok(f) => {
                    if classify(&f.root) == JsonFileKind::Parameters
                        || f.root.get("parameters").is_some()
                    {
                        files.push(f);
                        param_file = Some(1);
                    } else {
                        return Err(ExpandError {
                            path: pp.clone(),
                            message: "not a deployment parameters file".into(),
                            span: None,
                            source: Some(f.source),
                        });
                    }
                }
                Err(e) if options.parameters.is_some() => return Err(e),
                // Found by its name but refused (a link out of the root): the values it
                // sets are unknown, so the template is not checked without them.
                Err(e) if refused_read(&e.message) => return Err(e),
                Err(_) => {}
            }
        }
        expand_files(files, param_file, options)
    }

    /// Expand a `.bicep` or `.bicepparam` file: lower it (with its local modules), then
    /// expand the result. A `.bicep` file takes the `.bicepparam` beside it whose `using`
    /// names it, unless `options.parameters` (a JSON parameter file) is given or discovery
    /// is off. Lowering diagnostics join the expansion's (syntax errors as syntax).
    fn expand_bicep(
        &self,
        path: &Path,
        language: Language,
        options: &ExpandOptions,
    ) -> Result<Expansion, ExpandError> {
        let entry = if language == Language::Bicep
            && options.parameters.is_none()
            && !options.no_parameter_discovery
        {
            bicepparam_for(self.input.sources, path).unwrap_or_else(|| path.to_path_buf())
        } else {
            path.to_path_buf()
        };
        let project = lower::load(self.input, &entry).map_err(|e| ExpandError {
            path: e.path,
            message: e.message,
            span: None,
            source: None,
        })?;
        let mut param_file = project.param_file;
        let mut files = project.files;
        if let Some(p) = &options.parameters {
            let loaded = self.load_json(p)?;
            files.push(loaded);
            param_file = Some((files.len() - 1) as FileId);
        }
        let mut exp = expand_files(files, param_file, options)?;
        let lowering = project
            .diagnostics
            .into_iter()
            .map(|(file, span, message, severity)| Diagnostic {
                file,
                span,
                kind: match severity {
                    // A path refused (absolute, or leaving the checked root): what it
                    // names is not checked, so the file fails where it is named.
                    _ if refused_path(&message) => DiagnosticKind::Limit,
                    lower::Severity::Syntax => DiagnosticKind::Syntax,
                    lower::Severity::Limit => DiagnosticKind::Limit,
                    lower::Severity::MissingFile => DiagnosticKind::MissingFile,
                    lower::Severity::Unresolved(u) => DiagnosticKind::UnresolvedModule(u),
                    lower::Severity::Error | lower::Severity::Warning | lower::Severity::Info => {
                        DiagnosticKind::Evaluation
                    }
                },
                message,
            });
        let mut all: Vec<Diagnostic> = lowering.collect();
        all.append(&mut exp.diagnostics);
        exp.diagnostics = all;
        Ok(exp)
    }
}

/// Whether a lowering message reports a path [`Confined`] or [`Disk`] refused.
fn refused_path(message: &str) -> bool {
    message.contains(disk::LEAVES_ROOT) || message.contains(disk::ABSOLUTE)
}

/// Whether a read failed because [`Confined`] refused the file (it lies outside the
/// roots, itself or through a symbolic link).
pub(crate) fn refused_read(message: &str) -> bool {
    message.contains(disk::OUTSIDE_ROOT)
}

/// Expand a file as it is on disk (see [`Loader::expand`]).
pub fn expand(path: &Path, options: &ExpandOptions) -> Result<Expansion, ExpandError> {
    Loader::new(&Disk).expand(path, options)
}

/// Read and parse a JSON(C) file on disk.
pub fn load_json(path: &Path) -> Result<LoadedFile, ExpandError> {
    Loader::new(&Disk).load_json(path)
}

/// Expand a JSON template already read, its parameter file read from disk.
pub fn expand_loaded(
    template: LoadedFile,
    options: &ExpandOptions,
) -> Result<Expansion, ExpandError> {
    Loader::new(&Disk).expand_loaded(template, options)
}

/// Lower a `.bicep` file on disk with its local modules (see [`lower::load_bicep`]).
pub fn load_bicep(path: &Path) -> Result<lower::BicepProject, lower::LoadError> {
    lower::load_bicep(Loader::new(&Disk).input, path)
}

/// Lower a `.bicepparam` file on disk and the template it uses.
pub fn load_bicepparam(path: &Path) -> Result<lower::BicepProject, lower::LoadError> {
    lower::load_bicepparam(Loader::new(&Disk).input, path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arm::value::Value;
    use crate::source::sources::{Memory, NoFiles};

    fn memory(files: &[(&str, &str)]) -> Memory {
        Memory(
            files
                .iter()
                .map(|(p, t)| (PathBuf::from(p), t.to_string()))
                .collect(),
        )
    }

    /// The conditions of the registries, by name, in order.
    fn deployed(exp: &Expansion) -> Vec<(String, Option<bool>)> {
        exp.resources
            .iter()
            .filter(|r| r.resource_type.ends_with("registries"))
            .map(|r| {
                let on = match r.condition {
                    Value::Bool(b) => Some(b),
                    _ => None,
                };
                (r.name.to_string(), on)
            })
            .collect()
    }

    const MODULE: &str = "param on bool\nparam name string\nresource r 'Microsoft.ContainerRegistry/registries@2023-07-01' = if (on) {\n  name: name\n  location: 'westeurope'\n  sku: { name: 'Premium' }\n}\n";
    const MAIN: &str = "param on bool = false\nparam name string = 'fromdefault'\nmodule m './registry.bicep' = {\n  name: 'm'\n  params: { on: on, name: name }\n}\n";

    /// Expanding again reads nothing: the files read, parsed and lowered the first
    /// time (Bicep modules and the `.bicepparam` included) are expanded with the new
    /// values, so that a trial sees the text the check saw.
    #[test]
    fn expanding_again_reuses_the_files_read_and_lowered() {
        let sources = memory(&[
            ("d/main.bicep", MAIN),
            ("d/registry.bicep", MODULE),
            (
                "d/main.bicepparam",
                "using './main.bicep'\nparam name = 'fromparam'\n",
            ),
        ]);
        let options = ExpandOptions::default();
        let first = Loader::new(&sources)
            .expand(Path::new("d/main.bicep"), &options)
            .unwrap();
        assert_eq!(
            deployed(&first),
            [("fromparam".to_string(), Some(false))],
            "{:?}",
            first.diagnostics
        );
        let mut on = options.clone();
        on.parameter_overrides
            .push(("on".into(), Value::Bool(true)));
        // Nothing can be read any more.
        let again = Loader::new(&NoFiles)
            .expand_again(Path::new("d/main.bicep"), &first, &on)
            .unwrap();
        assert_eq!(
            deployed(&again),
            [("fromparam".to_string(), Some(true))],
            "{:?}",
            again.diagnostics
        );
        assert_eq!(again.parameter_file, first.parameter_file);
    }

    #[test]
    fn expanding_a_json_template_again_keeps_its_parameter_file() {
        let template = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": { "on": { "type": "bool", "defaultValue": false }, "name": { "type": "string", "defaultValue": "fromdefault" } },
  "resources": [ { "condition": "[parameters('on')]", "type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2023-07-01",
    "name": "[parameters('name')]", "location": "westeurope", "sku": { "name": "Premium" } } ]
}"#;
        let params = r#"{ "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "contentVersion": "1.0.0.0", "parameters": { "name": { "value": "fromparam" } } }"#;
        let sources = memory(&[("d/t.json", template), ("d/t.parameters.json", params)]);
        let options = ExpandOptions::default();
        let first = Loader::new(&sources)
            .expand(Path::new("d/t.json"), &options)
            .unwrap();
        assert_eq!(
            first.parameter_file.as_deref(),
            Some(Path::new("d/t.parameters.json"))
        );
        let mut on = options.clone();
        on.parameter_overrides
            .push(("on".into(), Value::Bool(true)));
        let again = Loader::new(&NoFiles)
            .expand_again(Path::new("d/t.json"), &first, &on)
            .unwrap();
        assert_eq!(deployed(&again), [("fromparam".to_string(), Some(true))]);
    }
}
