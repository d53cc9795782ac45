//! What native checks share: whether a resource is deployed, which resource a name or
//! an id refers to, which registry a child resource or a private endpoint belongs to,
//! and a registry's SKU. Names and ids that are only known at deployment are matched
//! by their deterministic terms (see [`super::term`]).

use super::term;
use crate::arm::expand::{ExpandedResource, Expansion, UNKNOWN_COPY_INDEX};
use crate::arm::value::{split_name, Name, Piece, Segment, Str, Value};

pub const REGISTRY: &str = "Microsoft.ContainerRegistry/registries";
pub const PRIVATE_ENDPOINT: &str = "Microsoft.Network/privateEndpoints";
pub const REGISTRY_PE_CONNECTION: &str =
    "Microsoft.ContainerRegistry/registries/privateEndpointConnections";

/// Whether a template resource is deployed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Deployed {
    Yes,
    /// Declared with `existing`, or guarded by a condition that is false.
    No,
    /// Depends on a value only known at deployment; the reason reads after a
    /// possessive (`its condition is only known at deployment`).
    Maybe(String),
}

pub fn deployed(exp: &Expansion, r: &ExpandedResource) -> Deployed {
    if r.existing {
        return Deployed::No;
    }
    match &r.condition {
        Value::Bool(false) => return Deployed::No,
        Value::Bool(true) => {}
        _ => return Deployed::Maybe("condition is only known at deployment".into()),
    }
    if unknown_copy(&r.copy) {
        return Deployed::Maybe("copy loop count is only known at deployment".into());
    }
    // A nested deployment in a loop of unknown count: its resources may not exist.
    let in_unknown_loop = exp.deployments_in_unknown_loops().iter().any(|&d| {
        let d = &exp.resources[d];
        d.file == r.file
            && d.span.start <= r.span.start
            && r.span.end <= d.span.end
            && d.span != r.span
    });
    if in_unknown_loop {
        return Deployed::Maybe(
            "enclosing deployment's copy loop count is only known at deployment".into(),
        );
    }
    Deployed::Yes
}

fn unknown_copy(copy: &[(Option<crate::arm::value::Str>, i64)]) -> bool {
    copy.iter().any(|(_, i)| *i == UNKNOWN_COPY_INDEX)
}

/// Whether a type is `ty` (case-insensitive, as ARM compares types).
pub fn is_type(r: &ExpandedResource, ty: &str) -> bool {
    r.resource_type.eq_ignore_ascii_case(ty)
}

/// The segments of a (full) resource name as identity keys: `acr/westus` gives
/// `acr`, `westus`; an unknown `format('{0}/{1}', parameters('r'), 'x')` gives the
/// segment holding `parameters('r')`, then `x`; any other unknown with a term is one
/// opaque segment.
pub fn name_segments(v: &Value) -> Option<Vec<Segment>> {
    match v {
        Value::String(s) => Some(Name::text(s).0),
        // A segment that is itself a `format`/`concat` (`format('acr{0}', …)` in a
        // child's `format('{0}/{1}', …)`) is keyed as the resource it names is.
        Value::Unknown(u) => match term::render(u.term.as_ref()?) {
            Some(pieces) => Some(
                split_name(pieces)
                    .into_iter()
                    .flat_map(rendered_segment)
                    .collect(),
            ),
            None => Some(vec![Segment::unknown(v)]),
        },
        // A name chosen among a parameter's allowed values: per segment, the value
        // all candidates share, or a choice naming the parameter and its choices.
        Value::Candidates(c) => {
            let split: Vec<Vec<&str>> = c
                .values
                .iter()
                .map(|v| v.as_str().map(|s| s.split('/').collect()))
                .collect::<Option<_>>()?;
            let n = split.first()?.len();
            if split.iter().any(|s| s.len() != n) {
                return None;
            }
            Some(
                (0..n)
                    .map(|k| {
                        let first = split[0][k];
                        if split.iter().all(|s| s[k].eq_ignore_ascii_case(first)) {
                            Segment::text(first)
                        } else {
                            let mut seg = Segment::default();
                            seg.push(Piece::Choice {
                                parameter: c.parameter.clone(),
                                choices: split.iter().map(|s| Str::from(s[k])).collect(),
                            });
                            seg
                        }
                    })
                    .collect(),
            )
        }
        _ => None,
    }
}

/// A name segment that is one unknown, as [`name_segments`] keys the same unknown
/// name: its term rendered (`acr` then `uniquestring(…)` for `format('acr{0}', …)`),
/// so that a reference through `resourceId()` finds the resource it names.
fn rendered_segment(seg: Segment) -> Vec<Segment> {
    let rendered = match seg.single() {
        Some(Piece::Unknown(Value::Unknown(u))) => u.term.as_ref().and_then(term::render),
        _ => None,
    };
    match rendered {
        Some(pieces) => split_name(pieces),
        None => vec![seg],
    }
}

/// A name key as [`registry_key`] gives it: a segment that is a `format(…)` rendered
/// (`cr` then `uniquestring(…)`), so that a scope or id that names a registry through
/// another computation finds it. A rendering of several segments stays one key, its
/// segments joined by `/`.
pub fn canonical_key(key: Segment) -> Segment {
    let mut segs = rendered_segment(key).into_iter();
    let mut out = segs.next().unwrap_or_default();
    for seg in segs {
        out.push(Piece::Text(Str::from("/")));
        for p in seg.pieces() {
            out.push(p.clone());
        }
    }
    out
}

/// A registry's identity key: its name, as one segment.
pub fn registry_key(r: &ExpandedResource) -> Option<Segment> {
    match name_segments(&r.name)?.as_slice() {
        [one] if !one.is_empty() => Some(one.clone()),
        _ => None,
    }
}

/// Whether two identity keys name the same resource (ARM names ignore case; unknowns
/// compare by their terms).
pub fn same_key(a: &Segment, b: &Segment) -> bool {
    a == b
}

/// A resource that a value (an id, a `scope`) refers to.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub resource_type: String,
    /// Name segments as identity keys (`acr`, `westus`).
    pub names: Vec<Segment>,
}

impl Target {
    pub fn is(&self, ty: &str) -> bool {
        self.resource_type.eq_ignore_ascii_case(ty)
    }
}

/// The resource an id refers to: a full id (`/subscriptions/…/providers/NS/t/n`), a
/// relative one (`NS/t/n`, as `scope` is written), an unknown `resourceId(...)` whose
/// type and name are known, or a `format`/`concat` term that spells an id.
pub fn target_of(v: &Value) -> Option<Target> {
    match v {
        Value::String(s) => parse_id(&Name::text(s).0),
        Value::Unknown(u) => {
            if let Some(r) = &u.resource {
                return Some(Target {
                    resource_type: r.resource_type.to_string(),
                    names: r
                        .name
                        .0
                        .iter()
                        .cloned()
                        .flat_map(rendered_segment)
                        .collect(),
                });
            }
            parse_id(&split_name(term::render(u.term.as_ref()?)?))
        }
        _ => None,
    }
}

/// Type and names from id segments (full or relative). The namespace and the types
/// are literal text.
fn parse_id(segs: &[Segment]) -> Option<Target> {
    let start = match segs.iter().rposition(|s| {
        s.as_text()
            .is_some_and(|t| t.eq_ignore_ascii_case("providers"))
    }) {
        Some(p) => p + 1,
        None => segs.iter().position(|s| !s.is_empty())?,
    };
    let rest: Vec<&Segment> = segs[start..].iter().filter(|s| !s.is_empty()).collect();
    // A namespace, then type/name pairs.
    let (ns, pairs) = rest.split_first()?;
    let ns = ns.as_text()?;
    if !ns.contains('.') || pairs.is_empty() || !pairs.len().is_multiple_of(2) {
        return None;
    }
    let mut ty = ns.to_string();
    let mut names = Vec::new();
    for pair in pairs.chunks(2) {
        ty.push('/');
        ty.push_str(pair[0].as_text()?);
        names.push(pair[1].clone());
    }
    Some(Target {
        resource_type: ty,
        names,
    })
}

/// Registries declared in the template (deployed or not), by index.
pub fn registries(exp: &Expansion) -> impl Iterator<Item = (usize, &ExpandedResource)> {
    exp.resources_of_type(REGISTRY)
}

/// The registry a key names, preferring one declared in `deployment` and one that
/// the template deploys over an `existing` reference.
pub fn find_registry(exp: &Expansion, key: &Segment, deployment: &str) -> Option<usize> {
    let by_key = exp.index.keyed.get_or_init(|| {
        let mut map: std::collections::HashMap<Segment, Vec<usize>> = Default::default();
        for (i, r) in registries(exp) {
            if let Some(k) = registry_key(r) {
                map.entry(k).or_default().push(i);
            }
        }
        map
    });
    by_key
        .get(key)?
        .iter()
        .filter_map(|&i| exp.resources.get(i).map(|r| (i, r)))
        .min_by_key(|(_, r)| (r.deployment != deployment, r.existing))
        .map(|(i, _)| i)
}

/// The registry a child resource (`registries/x` type) belongs to: its enclosing
/// resource, the first segment of its name, or a registry its `dependsOn` names.
pub fn registry_of_child(exp: &Expansion, idx: usize) -> Option<usize> {
    let r = exp.resources.get(idx)?;
    if let Some(p) = r.parent {
        if exp.resources.get(p).is_some_and(|p| is_type(p, REGISTRY)) {
            return Some(p);
        }
    }
    if let Some(segs) = name_segments(&r.name) {
        if segs.len() >= 2 {
            if let Some(i) = find_registry(exp, &segs[0], &r.deployment) {
                return Some(i);
            }
        }
    }
    let depends = r
        .body
        .get("dependsOn")
        .and_then(Value::as_array)
        .unwrap_or(&[]);
    for d in depends {
        let found = match d {
            Value::String(s) if !s.contains('/') => registry_by_symbol(exp, s, r),
            other => target_of(other)
                .filter(|t| t.is(REGISTRY) && t.names.len() == 1)
                .and_then(|t| find_registry(exp, &t.names[0], &r.deployment)),
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

/// The registry a languageVersion 2.0 `dependsOn` entry names, seen from `from`:
/// `acr`, or `acrs[2]` for one element of a collection; declared in the same
/// deployment (symbolic names are per template).
fn registry_by_symbol(exp: &Expansion, entry: &str, from: &ExpandedResource) -> Option<usize> {
    let (symbol, index) = match entry.strip_suffix(']').and_then(|e| e.split_once('[')) {
        Some((symbol, i)) => (symbol, Some(i.trim().parse::<i64>().ok()?)),
        None => (entry, None),
    };
    registries(exp)
        .filter(|(_, x)| {
            x.deployment == from.deployment
                && x.file == from.file
                && x.symbolic
                    .as_deref()
                    .is_some_and(|sym| sym.eq_ignore_ascii_case(symbol))
                && index.is_none_or(|i| x.copy.last().is_some_and(|(_, c)| *c == i))
        })
        .map(|(i, _)| i)
        .next()
}

/// What is known of a registry's `sku.name`.
#[derive(Clone, Debug, PartialEq)]
pub enum Sku {
    Known(String),
    /// One of these, depending on a parameter.
    Candidates {
        values: Vec<String>,
        parameter: String,
    },
    Unknown(String),
    Omitted,
}

pub fn sku_of(r: &ExpandedResource) -> Sku {
    match r.body.get("sku").and_then(|s| s.get("name")) {
        None | Some(Value::Null) => Sku::Omitted,
        Some(Value::String(s)) => Sku::Known(s.to_string()),
        Some(Value::Candidates(c)) => Sku::Candidates {
            values: c
                .values
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                .collect(),
            parameter: c.parameter.to_string(),
        },
        Some(Value::Unknown(u)) => Sku::Unknown(u.why.clone()),
        Some(other) => Sku::Known(other.to_string()),
    }
}

/// How sure a link between two resources is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Link {
    Certain,
    /// Possible; the reason says what is not known.
    Maybe(String),
}

/// A private endpoint connection to a registry.
#[derive(Clone, Debug, PartialEq)]
pub struct EndpointLink {
    /// Index of the private endpoint (or `registries/privateEndpointConnections`).
    pub resource: usize,
    pub link: Link,
}

/// Private endpoints (`groupIds` containing `registry`) and approved
/// `registries/privateEndpointConnections` that connect to registry `reg`.
/// Endpoints that are not deployed, or certainly connect elsewhere, are left out.
pub fn private_links(exp: &Expansion, reg: usize) -> Vec<EndpointLink> {
    let Some(registry) = exp.resources.get(reg) else {
        return Vec::new();
    };
    let key = registry_key(registry);
    let mut out = Vec::new();
    let mut candidates: Vec<usize> = [PRIVATE_ENDPOINT, REGISTRY_PE_CONNECTION]
        .iter()
        .flat_map(|t| exp.of_type(t).iter().copied())
        .collect();
    candidates.sort_unstable();
    for i in candidates {
        let r = &exp.resources[i];
        let mut doubts: Vec<String> = Vec::new();
        match deployed(exp, r) {
            Deployed::No => continue,
            Deployed::Maybe(why) => doubts.push(format!("the endpoint's {why}")),
            Deployed::Yes => {}
        }
        if is_type(r, REGISTRY_PE_CONNECTION) {
            if registry_of_child(exp, i) != Some(reg) {
                continue;
            }
            let status = r
                .body
                .get("properties")
                .and_then(|p| p.get("privateLinkServiceConnectionState"))
                .and_then(|s| s.get("status"));
            match status {
                Some(Value::String(s)) if s.eq_ignore_ascii_case("Approved") => {}
                Some(Value::String(_)) | None | Some(Value::Null) => continue,
                Some(_) => doubts
                    .push("the connection's approval status is only known at deployment".into()),
            }
            out.push(EndpointLink {
                resource: i,
                link: link_of(doubts),
            });
            continue;
        }
        if !is_type(r, PRIVATE_ENDPOINT) {
            continue;
        }
        let props = r.body.get("properties");
        let mut best: Option<Link> = None;
        let mut consider = |link: Link| {
            best = Some(match (best.take(), link) {
                (Some(Link::Certain), _) | (_, Link::Certain) => Link::Certain,
                (_, maybe) => maybe,
            });
        };
        let fields = [
            "privateLinkServiceConnections",
            "manualPrivateLinkServiceConnections",
        ]
        .map(|f| props.and_then(|p| p.get(f)));
        if fields
            .iter()
            .any(|f| matches!(f, Some(Value::Unknown(_)) | Some(Value::Candidates(_))))
        {
            let mut all = doubts.clone();
            all.push("the endpoint's connections are only known at deployment".into());
            consider(link_of(all));
        }
        for (conns, manual) in fields.iter().zip([false, true]) {
            let Some(Value::Array(items)) = conns else {
                continue;
            };
            for c in items.iter() {
                let Some(mut conn_doubts) = connection_doubts(c, key.as_ref()) else {
                    continue;
                };
                if manual {
                    conn_doubts.push(
                        "the manual connection waits for approval by the registry owner".into(),
                    );
                }
                let mut all = doubts.clone();
                all.extend(conn_doubts);
                consider(link_of(all));
            }
        }
        if let Some(link) = best {
            out.push(EndpointLink { resource: i, link });
        }
    }
    out
}

fn link_of(doubts: Vec<String>) -> Link {
    if doubts.is_empty() {
        Link::Certain
    } else {
        Link::Maybe(doubts.join("; "))
    }
}

/// Doubts about one private link service connection reaching the registry with key
/// `key`; `None` when it certainly does not (another group, another resource).
fn connection_doubts(conn: &Value, key: Option<&Segment>) -> Option<Vec<String>> {
    if let Value::Unknown(_) | Value::Candidates(_) = conn {
        return Some(vec![
            "the endpoint's connections are only known at deployment".into(),
        ]);
    }
    let props = conn.get("properties").unwrap_or(conn);
    let mut doubts = Vec::new();
    match props.get("groupIds") {
        Some(Value::Array(groups)) => {
            let mut any_unknown = false;
            let mut registry = false;
            for g in groups.iter() {
                match g {
                    Value::String(s) if s.eq_ignore_ascii_case("registry") => registry = true,
                    Value::String(_) => {}
                    Value::Candidates(c)
                        if c.values.iter().any(|v| {
                            v.as_str()
                                .is_some_and(|s| s.eq_ignore_ascii_case("registry"))
                        }) =>
                    {
                        any_unknown = true
                    }
                    Value::Candidates(_) => {}
                    _ => any_unknown = true,
                }
            }
            if !registry {
                if !any_unknown {
                    return None;
                }
                doubts.push("its groupIds are only known at deployment".into());
            }
        }
        Some(Value::Unknown(_)) | Some(Value::Candidates(_)) => {
            doubts.push("its groupIds are only known at deployment".into())
        }
        _ => return None,
    }
    let id = props.get("privateLinkServiceId");
    match id.and_then(target_of) {
        Some(t) if t.is(REGISTRY) && t.names.len() == 1 => match key {
            Some(k) if same_key(k, &t.names[0]) => {}
            Some(_) => return None,
            None => doubts.push("the registry's name is only known at deployment".into()),
        },
        Some(_) => return None,
        None => match id {
            None | Some(Value::Null) => return None,
            Some(Value::String(_)) => return None,
            Some(_) => doubts.push("its privateLinkServiceId is only known at deployment".into()),
        },
    }
    Some(doubts)
}

#[cfg(test)]
mod tests;
