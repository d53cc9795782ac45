//! What a rule reports.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::source::line_index::LineCol;

/// How serious a finding is (SARIF `level`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Note,
    Warning,
    Error,
}

impl Level {
    /// One level lower (a `possible` result is reported one level below its rule).
    pub fn lower(self) -> Level {
        match self {
            Level::Error => Level::Warning,
            Level::Warning | Level::Note => Level::Note,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Note => "note",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        match s.to_ascii_lowercase().as_str() {
            "note" | "info" => Some(Level::Note),
            "warning" | "warn" => Some(Level::Warning),
            "error" => Some(Level::Error),
            _ => None,
        }
    }
}

/// A rule's verdict on one resource (three-valued, SPEC §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Definitely violates.
    Fail,
    /// Violates for some allowed or unknown value.
    Possible,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Fail => "fail",
            Status::Possible => "possible",
        }
    }
}

/// A place in a file: 1-based line/column range plus the byte range it came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    pub file: PathBuf,
    pub start: LineCol,
    pub end: LineCol,
    #[serde(skip)]
    pub byte_start: u32,
    #[serde(skip)]
    pub byte_end: u32,
}

/// A related place: where a value came from or where it flows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Related {
    pub location: Location,
    pub message: String,
}

/// An inline or configured suppression that applies to a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Suppression {
    /// `inSource` (comment or metadata) or `external` (config/baseline).
    pub kind: String,
    pub justification: Option<String>,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Rule id (`ACR001`) or, for imported Azure Policy definitions, the definition's name.
    pub rule: String,
    pub level: Level,
    pub status: Status,
    pub location: Location,
    /// Resource type and evaluated name, when the finding is about a resource.
    pub resource_type: Option<String>,
    pub resource_name: Option<String>,
    pub message: String,
    pub related: Vec<Related>,
    /// Stable across unrelated edits: rule, file, resource and the offending property
    /// path, not line numbers.
    pub fingerprint: String,
    pub suppression: Option<Suppression>,
    /// A repair the rule computed for this finding itself, in the format of a rule
    /// file's `fix` field, when it differs from resource to resource (an Azure Policy
    /// `Modify` definition's operations, resolved for the resource: see
    /// [`crate::rules::modify`]); `Err` says why no repair can be offered here. `None`:
    /// the rule's own `fix`, if any, applies.
    #[serde(skip)]
    pub repair: Option<Result<serde_json::Value, String>>,
}

impl Finding {
    /// Order for stable output: file, line, column, rule.
    pub fn sort_key(&self) -> (PathBuf, u32, u32, String) {
        (
            self.location.file.clone(),
            self.location.start.line,
            self.location.start.column,
            self.rule.clone(),
        )
    }
}

/// Stable fingerprint: a hex FNV-1a 64 of the parts.
pub fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0u8)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100000001b3);
        }
    }
    format!("{h:016x}")
}
