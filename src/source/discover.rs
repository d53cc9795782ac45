//! What a JSON file is (template or parameter file, by `$schema`) and which parameter
//! file belongs to which template (by naming convention).

use std::path::{Path, PathBuf};

use crate::source::json::Node;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonFileKind {
    /// A deployment template of any scope.
    Template,
    /// A deployment parameters file.
    Parameters,
    /// Anything else (skipped silently).
    Other,
}

/// Classify by `$schema`; templates without one are recognised by their shape
/// (`resources` plus `contentVersion` or `$schema`-less nested template files).
pub fn classify(root: &Node) -> JsonFileKind {
    let schema = root
        .get("$schema")
        .and_then(Node::as_str)
        .unwrap_or("")
        .to_ascii_lowercase();
    if schema.contains("deploymentparameters") || schema.contains("parameters.json") {
        return JsonFileKind::Parameters;
    }
    if schema.contains("deploymenttemplate") {
        return JsonFileKind::Template;
    }
    if schema.is_empty() && root.get("resources").is_some() && root.get("contentVersion").is_some()
    {
        return JsonFileKind::Template;
    }
    JsonFileKind::Other
}

/// Candidate parameter files for a template, in order of preference:
/// `x.parameters.json`, `x.parameters.<anything>.json`, and for `azuredeploy.json`
/// also `azuredeploy.parameters.json` (same rule).
pub fn parameter_file_candidates(template: &Path) -> Vec<PathBuf> {
    let Some(dir) = template.parent() else {
        return Vec::new();
    };
    let Some(stem) = template.file_stem().and_then(|s| s.to_str()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let exact = dir.join(format!("{stem}.parameters.json"));
    if exact.is_file() {
        out.push(exact);
    }
    let prefix = format!("{stem}.parameters.");
    if let Ok(entries) = std::fs::read_dir(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    }) {
        let mut others: Vec<PathBuf> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| {
                p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                    n.starts_with(&prefix)
                        && n.ends_with(".json")
                        && n != format!("{stem}.parameters.json")
                })
            })
            .collect();
        others.sort();
        out.extend(others.into_iter().map(|p| {
            if dir.as_os_str().is_empty() {
                PathBuf::from(p.file_name().unwrap_or_default())
            } else {
                p
            }
        }));
    }
    out
}

/// The parameter file attached to a template by convention, if any.
pub fn parameter_file_for(template: &Path) -> Option<PathBuf> {
    // The exact name wins: when it exists the directory need not be listed (listing
    // it for every template was a tenth of `check`'s time on the quickstarts).
    let exact = template
        .parent()
        .zip(template.file_stem().and_then(|s| s.to_str()));
    if let Some((dir, stem)) = exact {
        let exact = dir.join(format!("{stem}.parameters.json"));
        if exact.is_file() {
            return Some(exact);
        }
    }
    parameter_file_candidates(template).into_iter().next()
}

/// Whether a path is itself named like a parameter file.
pub fn looks_like_parameter_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.contains(".parameters.") || n.ends_with(".parameters.json"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::json::parse;

    #[test]
    fn classifies_by_schema() {
        let t = parse(r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": []}"#).unwrap();
        assert_eq!(classify(&t), JsonFileKind::Template);
        let s = parse(r#"{"$schema": "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#"}"#).unwrap();
        assert_eq!(classify(&s), JsonFileKind::Template);
        let p = parse(r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "parameters": {}}"#).unwrap();
        assert_eq!(classify(&p), JsonFileKind::Parameters);
        let o = parse(r#"{"name": "package"}"#).unwrap();
        assert_eq!(classify(&o), JsonFileKind::Other);
    }
}
