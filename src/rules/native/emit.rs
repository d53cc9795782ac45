//! Building the findings of native checks: the span of a property path, the level
//! for a status, the provenance of the offending value.

use super::{resource_finding, RuleInput};
use crate::arm::expand::ExpandedResource;
use crate::rules::finding::{Finding, Level, Related, Status};
use crate::rules::locate::{location, path_span, value_sources};

/// The level of a finding: the rule's severity, one lower for `possible`.
pub fn level_for(input: &RuleInput, status: Status) -> Level {
    match status {
        Status::Fail => input.meta.severity,
        Status::Possible => input.meta.severity.lower(),
    }
}

/// A finding about resource `r` at property `path` (or the deepest part of it that is
/// written), with where the value came from as related locations.
pub fn at_path(
    input: &RuleInput,
    r: &ExpandedResource,
    path: &[&str],
    status: Status,
    message: String,
    extra: Vec<Related>,
) -> Finding {
    let exp = input.expansion;
    let ps = path_span(exp, r, path);
    let mut related = value_sources(exp, &r.traces, &ps);
    related.extend(extra);
    let key = format!("{}#{:?}#{}", r.deployment, r.copy, path.join("."));
    resource_finding(
        input,
        Some(r),
        r.file,
        ps.span,
        level_for(input, status),
        status,
        message,
        related,
        &key,
    )
}

/// A related location pointing at property `path` of another resource.
pub fn related_at(
    input: &RuleInput,
    r: &ExpandedResource,
    path: &[&str],
    message: String,
) -> Related {
    let exp = input.expansion;
    let ps = path_span(exp, r, path);
    Related {
        location: location(exp, r.file, ps.span),
        message,
    }
}

/// `possible: a; b` suffix for a message, empty when there is no doubt.
pub fn doubts_suffix(doubts: &[String]) -> String {
    if doubts.is_empty() {
        String::new()
    } else {
        format!(" (possible: {})", doubts.join("; "))
    }
}
