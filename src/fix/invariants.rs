//! The edit engine's invariants, checked on generated registries: random sets of
//! property writes (overlapping and conflicting ones included) are planned on the
//! syntax tree and merged as `fix` does, then the result must parse, hold each
//! written value at its path and nothing else changed, leave the bytes outside the
//! edited object alone, and plan nothing more when planned again; writes that
//! overlap or disagree must be refused with a message. Driven by the property test
//! (`tests/fix_edits.rs`, seeded) and the fuzz target `fix_edits` (any bytes).

use serde_json::{json, Map, Value};

use super::driver::{apply, Share};
use super::edit::{Edit, Planned};
use super::parsed::Parsed;
use super::spec::{FixSpec, SetProperty};
use crate::rules::finding::{Finding, Level, Location, Status};
use crate::source::bicep::{ExprKind, ObjectItem, StatementKind};
use crate::source::escape::{bicep_key, bicep_string, json_string};
use crate::source::file::Language;
use crate::source::json::NodeKind;

/// Random choices: from a seed (splitmix64) or from fuzzer bytes (zeros once spent).
pub struct Choices<'a> {
    bytes: Option<&'a [u8]>,
    state: u64,
}

impl<'a> Choices<'a> {
    pub fn from_seed(seed: u64) -> Choices<'static> {
        Choices {
            bytes: None,
            state: seed,
        }
    }

    pub fn from_bytes(bytes: &'a [u8]) -> Choices<'a> {
        Choices {
            bytes: Some(bytes),
            state: 0,
        }
    }

    fn next(&mut self) -> u64 {
        match &mut self.bytes {
            Some(b) => {
                let Some((first, rest)) = b.split_first() else {
                    return 0;
                };
                *b = rest;
                u64::from(*first)
            }
            None => {
                self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
                let mut z = self.state;
                z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                z ^ (z >> 31)
            }
        }
    }

    /// A number below `n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

/// Few keys, so that generated writes meet existing members and each other.
const KEYS: [&str; 6] = ["adminUserEnabled", "policies", "status", "zone", "a", "b"];

fn scalar(c: &mut Choices) -> Value {
    match c.below(4) {
        0 => Value::Bool(c.chance(2)),
        1 => json!(c.below(100)),
        2 => json!(["Enabled", "disabled", "two words", "it's"][c.below(4)]),
        _ => Value::Bool(false),
    }
}

fn object(c: &mut Choices, depth: usize) -> Map<String, Value> {
    let mut map = Map::new();
    for _ in 0..c.below(4) {
        let key = KEYS[c.below(KEYS.len())];
        let value = if depth < 2 && c.chance(3) {
            Value::Object(object(c, depth + 1))
        } else {
            scalar(c)
        };
        map.insert(key.to_string(), value);
    }
    map
}

/// How the generated text is laid out.
struct Style {
    crlf: bool,
    indent: &'static str,
    /// Objects written on one line (JSON only).
    inline: bool,
    comments: bool,
}

/// A multi-line object: one member a line (`key` and `value` render them), members
/// separated by `separator`, some followed by a comment.
fn lines_object(
    map: &Map<String, Value>,
    s: &Style,
    depth: usize,
    c: &mut Choices,
    key: fn(&str) -> String,
    value: fn(&Value, &Style, usize, &mut Choices) -> String,
    separator: &str,
) -> String {
    let nl = if s.crlf { "\r\n" } else { "\n" };
    let inner = s.indent.repeat(depth + 1);
    let mut lines = Vec::new();
    for (i, (k, v)) in map.iter().enumerate() {
        let sep = if i + 1 < map.len() { separator } else { "" };
        let comment = if s.comments && c.chance(3) {
            " // kept"
        } else {
            ""
        };
        let v = value(v, s, depth + 1, c);
        lines.push(format!("{inner}{}: {v}{sep}{comment}", key(k)));
    }
    format!("{{{nl}{}{nl}{}}}", lines.join(nl), s.indent.repeat(depth))
}

fn json_text(v: &Value, s: &Style, depth: usize, c: &mut Choices) -> String {
    match v {
        Value::Object(map) if s.inline || map.is_empty() => {
            let members: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", json_string(k), json_text(v, s, depth + 1, c)))
                .collect();
            format!("{{ {} }}", members.join(", "))
        }
        Value::Object(map) => lines_object(map, s, depth, c, json_string, json_text, ","),
        other => other.to_string(),
    }
}

fn bicep_text(v: &Value, s: &Style, depth: usize, c: &mut Choices) -> String {
    match v {
        Value::Object(map) if map.is_empty() => "{}".into(),
        Value::Object(map) => lines_object(map, s, depth, c, bicep_key, bicep_text, ""),
        Value::String(t) => bicep_string(t),
        other => other.to_string(),
    }
}

/// A generated registry: its text, the value of its `properties`, and the byte span
/// of the `properties` object in the text.
struct Generated {
    text: String,
    properties: Map<String, Value>,
    span: (usize, usize),
}

fn generate(language: Language, c: &mut Choices) -> Generated {
    let style = Style {
        crlf: c.chance(4),
        indent: ["  ", "    ", "\t"][c.below(3)],
        inline: language == Language::Json && c.chance(4),
        comments: c.chance(2),
    };
    let properties = object(c, 0);
    let nl = if style.crlf { "\r\n" } else { "\n" };
    let i = style.indent;
    let (head, body, tail) = match language {
        Language::Json => (
            format!(
                "{{{nl}{i}\"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\",{nl}{i}\"contentVersion\": \"1.0.0.0\",{nl}{i}\"resources\": [{nl}{i}{i}{{{nl}{i}{i}{i}\"type\": \"Microsoft.ContainerRegistry/registries\",{nl}{i}{i}{i}\"apiVersion\": \"2025-11-01\",{nl}{i}{i}{i}\"name\": \"contosoregistry\",{nl}{i}{i}{i}\"location\": \"westeurope\",{nl}{i}{i}{i}\"properties\": "
            ),
            json_text(&Value::Object(properties.clone()), &style, 3, c),
            format!("{nl}{i}{i}}}{nl}{i}]{nl}}}{nl}"),
        ),
        _ => (
            format!(
                "resource registry 'Microsoft.ContainerRegistry/registries@2025-11-01' = {{{nl}{i}name: 'contosoregistry'{nl}{i}location: 'westeurope'{nl}{i}properties: "
            ),
            bicep_text(&Value::Object(properties.clone()), &style, 1, c),
            format!("{nl}}}{nl}"),
        ),
    };
    Generated {
        span: (head.len(), head.len() + body.len()),
        text: format!("{head}{body}{tail}"),
        properties,
    }
}

/// The `properties` of the registry in `text`, as a value (`None`: not literals).
fn properties_of(language: Language, text: &str) -> Result<Value, String> {
    match language {
        Language::Json => {
            let root = crate::source::json::parse(text).map_err(|e| e.message)?;
            let props = root
                .get("resources")
                .and_then(|r| r.as_array()?.first())
                .and_then(|r| r.get("properties"))
                .ok_or("no properties")?;
            fn value(n: &crate::source::json::Node) -> Value {
                match &n.kind {
                    NodeKind::Null => Value::Null,
                    NodeKind::Bool(b) => Value::Bool(*b),
                    NodeKind::Int(i) => json!(i),
                    NodeKind::Float(f) => json!(f),
                    NodeKind::String(s) => json!(&**s),
                    NodeKind::Array(items) => items.iter().map(value).collect(),
                    NodeKind::Object(members) => Value::Object(
                        members
                            .iter()
                            .map(|m| (m.key.to_string(), value(&m.value)))
                            .collect(),
                    ),
                }
            }
            Ok(value(props))
        }
        _ => {
            let parsed = crate::source::bicep::parse(text);
            if let Some(d) = parsed.diagnostics.first() {
                return Err(format!("Bicep syntax error: {}", d.message));
            }
            let decl = parsed
                .program
                .statements
                .iter()
                .find_map(|s| match &s.kind {
                    StatementKind::Resource(d) => Some(d),
                    _ => None,
                })
                .ok_or("no resource")?;
            let props = decl.body.property("properties").ok_or("no properties")?;
            fn value(e: &crate::source::bicep::Expr) -> Result<Value, String> {
                Ok(match &e.kind {
                    ExprKind::Null => Value::Null,
                    ExprKind::Bool(b) => Value::Bool(*b),
                    ExprKind::Int(i) => json!(i),
                    ExprKind::Object(items) => {
                        let mut map = Map::new();
                        for item in items {
                            if let ObjectItem::Property(p) = item {
                                let key = p.key.literal().ok_or("a computed key")?;
                                map.insert(key.to_string(), value(&p.value)?);
                            }
                        }
                        Value::Object(map)
                    }
                    _ => json!(e.as_literal_string().ok_or("not a literal")?),
                })
            }
            value(&props.value)
        }
    }
}

/// The value at `path` of `map`.
fn at<'v>(map: &'v Map<String, Value>, path: &[&str]) -> Option<&'v Value> {
    let (first, rest) = path.split_first()?;
    let v = map.get(*first)?;
    if rest.is_empty() {
        return Some(v);
    }
    at(v.as_object()?, rest)
}

/// Why writing `sets` into `properties` must be refused, if it must: two writes of
/// one path disagree, one path lies inside another, a path runs through a value
/// that is not an object, or replaces an object.
fn must_refuse(properties: &Map<String, Value>, sets: &[(Vec<&str>, Value)]) -> bool {
    for (i, (p, v)) in sets.iter().enumerate() {
        for (q, w) in &sets[i + 1..] {
            if (p == q && v != w) || (p != q && (p.starts_with(q) || q.starts_with(p))) {
                return true;
            }
        }
        for depth in 1..=p.len() {
            match at(properties, &p[..depth]) {
                None => break,
                Some(Value::Object(_)) if depth < p.len() => {}
                Some(existing) if depth == p.len() => {
                    if existing.is_object() {
                        return true;
                    }
                }
                Some(_) => return true,
            }
        }
    }
    false
}

/// What one generated case did, for the counts of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The writes were applied and every invariant held.
    Applied,
    /// They overlap or disagree, and were refused with a message.
    Refused,
    /// Nothing to change (every value was already there).
    Unchanged,
}

/// Generate one registry in `language` and a set of writes from `c`, plan and
/// apply them as `fix` does, and check the invariants; `Err` describes the broken
/// one with the case.
pub fn check_random_edits(language: Language, c: &mut Choices) -> Result<Outcome, String> {
    let g = generate(language, c);
    let mut sets: Vec<(Vec<&str>, Value)> = Vec::new();
    for _ in 0..1 + c.below(4) {
        let len = 1 + c.below(3);
        let path: Vec<&str> = (0..len).map(|_| KEYS[c.below(KEYS.len())]).collect();
        sets.push((path, scalar(c)));
    }
    let case = || {
        let written: Vec<String> = sets
            .iter()
            .map(|(p, v)| format!("{}={v}", p.join(".")))
            .collect();
        format!("writes [{}] into\n{}", written.join(", "), g.text)
    };
    let specs: Vec<SetProperty> = sets
        .iter()
        .map(|(p, v)| SetProperty {
            path: format!("properties.{}", p.join(".")),
            value: v.clone(),
        })
        .collect();
    let planned = fix_sets(language, &g.text, g.span.0 as u32, &specs);
    let refuse = must_refuse(&g.properties, &sets);
    let fixed = match planned {
        Err(message) if refuse => {
            if message.trim().is_empty() {
                return Err(format!("refused without a message: {}", case()));
            }
            return Ok(Outcome::Refused);
        }
        Err(message) => return Err(format!("refused ({message}): {}", case())),
        Ok(_) if refuse => return Err(format!("not refused: {}", case())),
        Ok(fixed) => fixed,
    };
    if fixed == g.text {
        return Ok(Outcome::Unchanged);
    }
    // Bytes outside the edited spans are identical.
    let (before, after) = (&g.text[..g.span.0], &fixed[..g.span.0]);
    let tail = g.text.len() - g.span.1;
    if before != after || g.text[g.span.1..] != fixed[fixed.len() - tail..] {
        return Err(format!("bytes outside the object changed: {}", case()));
    }
    // Parses, and holds exactly the original values with the writes applied.
    let got = properties_of(language, &fixed)
        .map_err(|e| format!("the result does not parse ({e}):\n{fixed}\n{}", case()))?;
    let mut want = Value::Object(g.properties.clone());
    for (path, v) in &sets {
        let mut node = &mut want;
        for key in &path[..path.len() - 1] {
            node = node
                .as_object_mut()
                .map(|m| m.entry(key.to_string()).or_insert_with(|| json!({})))
                .ok_or("unreachable")?;
        }
        if let Some(m) = node.as_object_mut() {
            m.insert(path[path.len() - 1].to_string(), v.clone());
        }
    }
    if got != want {
        return Err(format!(
            "the result holds {got} instead of {want}:\n{fixed}\n{}",
            case()
        ));
    }
    // Line breaks stay the file's.
    if g.text.contains("\r\n") && fixed.replace("\r\n", "").contains('\n') {
        return Err(format!("a bare line feed in a CRLF file:\n{fixed}"));
    }
    // Idempotent: fixed again, the result is the same text.
    match fix_sets(language, &fixed, g.span.0 as u32, &specs) {
        Ok(again) if again == fixed => Ok(Outcome::Applied),
        other => Err(format!("fixed again: {other:?}\n{fixed}\n{}", case())),
    }
}

/// `text` with `sets` written under the registry whose declaration contains byte
/// `at`, each write planned as its own rule's fix and the fixes applied together
/// by the driver's own `apply` (agreement, merging, overlap and syntax checks);
/// `Err` with the reason when they overlap or disagree, or a value cannot be written.
fn fix_sets(
    language: Language,
    text: &str,
    at: u32,
    sets: &[SetProperty],
) -> Result<String, String> {
    let parsed = Parsed::of(language, std::path::Path::new("generated"), text)?;
    let finding = Finding {
        rule: "TEST".into(),
        level: Level::Warning,
        status: Status::Fail,
        location: Location {
            file: "generated".into(),
            start: Default::default(),
            end: Default::default(),
            byte_start: at,
            byte_end: at,
        },
        resource_type: Some("Microsoft.ContainerRegistry/registries".into()),
        resource_name: Some("contosoregistry".into()),
        message: String::new(),
        related: Vec::new(),
        fingerprint: String::new(),
        suppression: None,
    };
    // Each write is its own fix, as several rules' are.
    let mut planned: Vec<(&SetProperty, Vec<Edit>)> = Vec::new();
    for set in sets {
        let spec = FixSpec {
            set: vec![set.clone()],
            ..Default::default()
        };
        match parsed.plan(text, &finding, &spec, &|_| false, None) {
            Planned::Edits(e) => planned.push((set, e)),
            Planned::Nothing => planned.push((set, Vec::new())),
            Planned::Manual(m) => return Err(m),
        }
    }
    let resource = (
        finding.resource_type.as_deref(),
        finding.resource_name.as_deref(),
    );
    let shares: Vec<Share> = planned
        .iter()
        .map(|(set, edits)| Share {
            resource,
            sets: std::slice::from_ref(*set),
            edits,
        })
        .collect();
    apply(&parsed, language, text, &shares)
}
