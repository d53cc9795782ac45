//! Azure Policy field names → paths in the expanded resource view.
//!
//! A policy condition names what it tests with a *field*: one of the generic top-level
//! fields (`type`, `name`, `location`, `tags['x']`, `identity.type`, `sku.name`, …), a
//! provider *alias* (`Microsoft.ContainerRegistry/registries/adminUserEnabled`), or, in
//! acrlint's own rules, a JSONPath (`$.properties.adminUserEnabled`).
//! [`resolve`] turns that name into a [`Field`]; a name that is none of these is an
//! [`AliasError::Unknown`], which callers report (once per file) instead of treating the
//! property as omitted.
//!
//! The alias table lives in `aliases.txt` next to this file (its header says how it was
//! derived). See <https://learn.microsoft.com/azure/governance/policy/concepts/definition-structure-alias>.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::OnceLock;

use jsonpath_rust::parser::model::{Segment as JpSegment, Selector};
use jsonpath_rust::parser::parse_json_path;

/// One step of a path into the resource view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    /// An object member (looked up case-insensitively, as ARM does).
    Key(String),
    /// `[*]`: every member of an array (every value of an object, for JSONPath `*`).
    Wildcard,
    /// `[n]` (JSONPath only; aliases have no indexes).
    Index(usize),
}

/// What a condition's `field` refers to.
#[derive(Clone, Debug, PartialEq)]
pub enum Field {
    /// `type`
    Type,
    /// `name`: the resource's own name (last segment of `parent/child`).
    Name,
    /// `fullName`: the name with its parents' names (`registry/token`).
    FullName,
    /// `kind`
    Kind,
    /// `location` (compared normalised: `East US 2` equals `eastus2`).
    Location,
    /// `id`
    Id,
    /// `tags` (the whole object).
    Tags,
    /// `tags['name']`, `tags.name`, `tags[name]`.
    Tag(String),
    /// A provider alias, a generic path (`identity.type`, `sku.name`) or a simple JSONPath.
    /// `resource_type` is the type the alias belongs to: on a resource of another type
    /// the field is omitted, as in Azure.
    Path {
        name: String,
        resource_type: Option<String>,
        segments: Vec<Segment>,
    },
    /// A JSONPath that needs the full engine (filters, slices, unions, `..`).
    JsonPath(String),
}

impl Field {
    /// True when the field selects a collection (`[*]` alias or multi-valued JSONPath).
    pub fn is_collection(&self) -> bool {
        match self {
            Field::Path { segments, .. } => segments.contains(&Segment::Wildcard),
            Field::JsonPath(_) => true,
            _ => false,
        }
    }
}

/// Why a field name could not be resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AliasError {
    /// Not a generic field, not a known alias, not a JSONPath.
    Unknown { alias: String },
    /// Starts with `$` but is not valid JSONPath.
    InvalidJsonPath { query: String, message: String },
}

impl fmt::Display for AliasError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AliasError::Unknown { alias } => write!(f, "unknown Azure Policy alias `{alias}`"),
            AliasError::InvalidJsonPath { query, message } => {
                write!(f, "invalid JSONPath `{query}`: {message}")
            }
        }
    }
}

impl std::error::Error for AliasError {}

/// One row of the alias table.
#[derive(Clone, Debug, PartialEq)]
pub struct AliasEntry {
    /// The full alias as Azure spells it.
    pub alias: String,
    /// The resource type it belongs to.
    pub resource_type: String,
    /// Where it points in the resource view.
    pub segments: Vec<Segment>,
}

/// Generic top-level fields that are paths (valid on every resource type).
const GENERIC_PATHS: &[&str] = &[
    "identity",
    "identity.type",
    "identity.userAssignedIdentities",
    "identity.principalId",
    "identity.tenantId",
    "sku",
    "sku.name",
    "sku.tier",
    "sku.capacity",
    "sku.family",
    "sku.size",
];

/// Resolve a condition's `field` value.
pub fn resolve(field: &str) -> Result<Field, AliasError> {
    let trimmed = field.trim();
    if trimmed.starts_with('$') {
        return resolve_json_path(trimmed);
    }
    let lower = trimmed.to_ascii_lowercase();
    let generic = match lower.as_str() {
        "type" => Some(Field::Type),
        "name" => Some(Field::Name),
        "fullname" => Some(Field::FullName),
        "kind" => Some(Field::Kind),
        "location" => Some(Field::Location),
        "id" => Some(Field::Id),
        "tags" => Some(Field::Tags),
        _ => None,
    };
    if let Some(g) = generic {
        return Ok(g);
    }
    if let Some(tag) = tag_name(trimmed) {
        return Ok(Field::Tag(tag));
    }
    if let Some(path) = GENERIC_PATHS
        .iter()
        .find(|p| p.eq_ignore_ascii_case(trimmed))
    {
        return Ok(Field::Path {
            name: (*path).to_string(),
            resource_type: None,
            segments: path
                .split('.')
                .map(|k| Segment::Key(k.to_string()))
                .collect(),
        });
    }
    match lookup(trimmed) {
        Some(entry) => Ok(Field::Path {
            name: entry.alias.clone(),
            resource_type: Some(entry.resource_type.clone()),
            segments: entry.segments.clone(),
        }),
        None => Err(AliasError::Unknown {
            alias: trimmed.to_string(),
        }),
    }
}

/// The table row for a provider alias (case-insensitive).
pub fn lookup(alias: &str) -> Option<&'static AliasEntry> {
    table().entries.get(&alias.trim().to_ascii_lowercase())
}

/// Whether policy mode `Indexed` evaluates this resource type (it has location and
/// tags). `None` when the type is not in the alias table.
pub fn is_tracked_type(resource_type: &str) -> Option<bool> {
    let t = table();
    let lower = resource_type.to_ascii_lowercase();
    if t.tracked.contains(&lower) {
        Some(true)
    } else if t.types.contains(&lower) {
        Some(false)
    } else {
        None
    }
}

/// The type prefix of an alias-shaped name (`Microsoft.X/a/b/prop` → `Microsoft.X/a/b`),
/// used to tell that an unknown alias belongs to another resource type.
pub fn alias_resource_type(alias: &str) -> Option<&str> {
    let (prefix, _) = alias.rsplit_once('/')?;
    prefix.contains('.').then_some(prefix)
}

/// Render a path as `properties.networkRuleSet.ipRules[*].action`.
pub fn path_string(segments: &[Segment]) -> String {
    let mut out = String::new();
    for s in segments {
        match s {
            Segment::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Segment::Wildcard => out.push_str("[*]"),
            Segment::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
    out
}

/// Parse a dotted path with `[*]` (the table's right-hand side).
pub fn parse_path(path: &str) -> Result<Vec<Segment>, String> {
    let mut segments = Vec::new();
    for part in path.split('.') {
        let mut rest = part;
        let key_end = rest.find('[').unwrap_or(rest.len());
        let key = &rest[..key_end];
        if key.is_empty() {
            return Err(format!("empty property name in `{path}`"));
        }
        segments.push(Segment::Key(key.to_string()));
        rest = &rest[key_end..];
        while !rest.is_empty() {
            match rest.strip_prefix("[*]") {
                Some(r) => {
                    segments.push(Segment::Wildcard);
                    rest = r;
                }
                None => return Err(format!("unexpected `{rest}` in `{path}`")),
            }
        }
    }
    Ok(segments)
}

/// `tags['a.b']`, `tags['''quoted''']`, `tags[a.b]`, `tags.a` → the tag name.
fn tag_name(field: &str) -> Option<String> {
    let head = field.get(..4)?;
    if !head.eq_ignore_ascii_case("tags") {
        return None;
    }
    let rest = &field[4..];
    if let Some(name) = rest.strip_prefix('.') {
        return (!name.is_empty()).then(|| name.to_string());
    }
    let inner = rest.strip_prefix('[')?.strip_suffix(']')?;
    if let Some(quoted) = inner.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
        return Some(quoted.replace("''", "'"));
    }
    (!inner.is_empty()).then(|| inner.to_string())
}

fn resolve_json_path(query: &str) -> Result<Field, AliasError> {
    let parsed = parse_json_path(query).map_err(|e| AliasError::InvalidJsonPath {
        query: query.to_string(),
        message: e.to_string(),
    })?;
    let mut segments = Vec::new();
    for seg in &parsed.segments {
        let simple = match seg {
            JpSegment::Selector(Selector::Name(n)) => Some(Segment::Key(n.clone())),
            JpSegment::Selector(Selector::Wildcard) => Some(Segment::Wildcard),
            JpSegment::Selector(Selector::Index(i)) => usize::try_from(*i).ok().map(Segment::Index),
            _ => None,
        };
        match simple {
            Some(s) => segments.push(s),
            None => return Ok(Field::JsonPath(query.to_string())),
        }
    }
    Ok(Field::Path {
        name: query.to_string(),
        resource_type: None,
        segments,
    })
}

struct Table {
    entries: HashMap<String, AliasEntry>,
    types: HashSet<String>,
    tracked: HashSet<String>,
}

const TABLE_TEXT: &str = include_str!("aliases.txt");

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| parse_table(TABLE_TEXT).0)
}

/// Parse the table text; malformed lines are returned as messages (a unit test asserts
/// there are none) and skipped, so a bad line can never abort a run.
fn parse_table(text: &str) -> (Table, Vec<String>) {
    let mut t = Table {
        entries: HashMap::new(),
        types: HashSet::new(),
        tracked: HashSet::new(),
    };
    let mut problems = Vec::new();
    let mut current: Option<String> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end();
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(header) = line.strip_prefix('[') {
            let Some((ty, flags)) = header.split_once(']') else {
                problems.push(format!("line {}: unterminated type header", i + 1));
                continue;
            };
            let lower = ty.to_ascii_lowercase();
            t.types.insert(lower.clone());
            if flags.trim() == "tracked" {
                t.tracked.insert(lower);
            }
            current = Some(ty.to_string());
            continue;
        }
        let Some(ty) = &current else {
            problems.push(format!("line {}: alias before any [type] header", i + 1));
            continue;
        };
        let Some((alias_path, view_path)) = line.split_once('\t') else {
            problems.push(format!("line {}: expected `alias<TAB>path`", i + 1));
            continue;
        };
        let segments = match parse_path(view_path.trim()) {
            Ok(s) => s,
            Err(e) => {
                problems.push(format!("line {}: {e}", i + 1));
                continue;
            }
        };
        let alias = format!("{ty}/{}", alias_path.trim());
        let key = alias.to_ascii_lowercase();
        if t.entries.contains_key(&key) {
            problems.push(format!("line {}: duplicate alias `{alias}`", i + 1));
            continue;
        }
        t.entries.insert(
            key,
            AliasEntry {
                alias,
                resource_type: ty.clone(),
                segments,
            },
        );
    }
    (t, problems)
}

#[cfg(test)]
#[path = "alias_tests.rs"]
mod tests;
