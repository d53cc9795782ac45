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
