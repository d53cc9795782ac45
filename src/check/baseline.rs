//! Baselines: `--write-baseline FILE` records today's findings; `--baseline FILE` keeps
//! findings already recorded (matched by rule and fingerprint, which does not depend on
//! line numbers) from failing the run.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::rules::finding::{Finding, Suppression};

#[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BaselineFile {
    pub version: u32,
    pub findings: Vec<BaselineEntry>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq, Clone)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BaselineEntry {
    pub rule: String,
    pub fingerprint: String,
    pub file: String,
    pub message: String,
}

/// A loaded baseline.
#[derive(Debug, Default, Clone)]
pub struct Baseline {
    keys: HashSet<(String, String)>,
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let file: BaselineFile =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        if file.version != 1 {
            return Err(format!(
                "{}: unsupported baseline version {}",
                path.display(),
                file.version
            ));
        }
        Ok(Baseline {
            keys: file
                .findings
                .into_iter()
                .map(|e| (e.rule, e.fingerprint))
                .collect(),
        })
    }

    /// Mark findings in the baseline as suppressed (external).
    pub fn apply(&self, findings: &mut [Finding]) {
        for f in findings.iter_mut().filter(|f| f.suppression.is_none()) {
            if self.keys.contains(&(f.rule.clone(), f.fingerprint.clone())) {
                f.suppression = Some(Suppression {
                    kind: "external".into(),
                    justification: Some("in the baseline".into()),
                });
            }
        }
    }
}

/// The baseline file for a set of findings (unsuppressed ones only).
pub fn write(path: &Path, findings: &[Finding]) -> Result<(), String> {
    let file = BaselineFile {
        version: 1,
        findings: findings
            .iter()
            .filter(|f| f.suppression.is_none())
            .map(|f| BaselineEntry {
                rule: f.rule.clone(),
                fingerprint: f.fingerprint.clone(),
                file: crate::source::paths::relative_path(&f.location.file),
                message: f.message.clone(),
            })
            .collect(),
    };
    let text = serde_json::to_string_pretty(&file).map_err(|e| e.to_string())?;
    crate::check::write::write_output(path, (text + "\n").as_bytes())
}
