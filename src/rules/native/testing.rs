//! Test helpers: expand a template given as text and run the built-in rules on it.

use std::path::Path;
use std::sync::Arc;

use crate::arm::expand::{ExpandOptions, Expansion};
use crate::load::{expand_loaded, load_text};
use crate::rules::engine::{Engine, EngineInput};
use crate::rules::finding::Finding;
use crate::rules::native::DeploymentMode;
use crate::source::file::SourceFile;

/// Expand `text` as if read from `template.json`, with no parameter file.
pub fn expand(text: &str) -> Expansion {
    let source = Arc::new(SourceFile::from_text("template.json", text));
    let loaded = load_text(source).expect("test template parses");
    let options = ExpandOptions {
        no_parameter_discovery: true,
        ..Default::default()
    };
    expand_loaded(loaded, &options).expect("test template expands")
}

/// The findings of rule `id` on a template given as text.
pub fn findings(id: &str, text: &str) -> Vec<Finding> {
    let exp = expand(text);
    let engine = Engine::builtin().expect("built-in rules load");
    let options = ExpandOptions {
        no_parameter_discovery: true,
        ..Default::default()
    };
    let input = EngineInput {
        expansion: &exp,
        options: &options,
        mode: DeploymentMode::Incremental,
        template_path: Path::new("template.json"),
        sources: &crate::load::Disk,
    };
    engine
        .run(&input)
        .into_iter()
        .filter(|f| f.rule == id)
        .collect()
}

/// A template with the given resources (JSON array items) and parameters (members).
pub fn template(parameters: &str, resources: &str) -> String {
    format!(
        r#"{{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {{ {parameters} }},
  "resources": [ {resources} ]
}}"#
    )
}

/// Expand a file given as text (a `.bicep` is lowered), read as if it were `path`,
/// with no parameter file and the resource group in `westus`.
pub fn expand_file(path: &str, text: &str) -> Expansion {
    let (files, options) = one_file(path, text);
    crate::load::Loader::new(&files)
        .expand(Path::new(path), &options)
        .expect("test file expands")
}

/// The findings of rule `id` on a file given as text, as [`expand_file`] reads it.
pub fn file_findings(id: &str, path: &str, text: &str) -> Vec<Finding> {
    let (files, options) = one_file(path, text);
    let exp = crate::load::Loader::new(&files)
        .expand(Path::new(path), &options)
        .expect("test file expands");
    let engine = Engine::builtin().expect("built-in rules load");
    let input = EngineInput {
        expansion: &exp,
        options: &options,
        mode: DeploymentMode::Incremental,
        template_path: Path::new(path),
        sources: &files,
    };
    engine
        .run(&input)
        .into_iter()
        .filter(|f| f.rule == id)
        .collect()
}

fn one_file(path: &str, text: &str) -> (crate::source::sources::Memory, ExpandOptions) {
    let mut files = crate::source::sources::Memory::default();
    files.0.insert(path.into(), text.to_string());
    let mut options = ExpandOptions {
        no_parameter_discovery: true,
        ..Default::default()
    };
    options.context.location = Some("westus".into());
    (files, options)
}
