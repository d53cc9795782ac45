//! Inline suppressions: `// acrlint-disable-next-line ACR001 <reason>` comments and
//! `metadata.acrlint.suppress` on an ARM resource. Suppressed findings stay in the
//! report (SARIF shows them as suppressed) but do not count for the exit code. A
//! suppression without a reason is itself a warning; an unused one is a note.

use std::path::PathBuf;

use crate::arm::expand::Expansion;
use crate::arm::value::Value;
use crate::rules::finding::{fingerprint, Finding, Level, Location, Status, Suppression};
use crate::rules::locate::location;
use crate::rules::native::registry::UNREADABLE;
use crate::source::json::Span;

/// One suppression directive.
#[derive(Clone, Debug)]
pub struct Directive {
    /// Rule ids it names (empty: every rule).
    pub rules: Vec<String>,
    pub reason: Option<String>,
    /// Where the directive is written.
    pub location: Location,
    pub target: Target,
}

#[derive(Clone, Debug)]
pub enum Target {
    /// Findings starting on this 1-based line of this file.
    Line(PathBuf, u32),
    /// Findings inside this byte range of this file (a resource).
    Range(PathBuf, u32, u32),
}

const NEXT_LINE: &str = "acrlint-disable-next-line";

/// Parse the text after `acrlint-disable-next-line`: rule ids, then the reason.
pub fn parse_directive(text: &str) -> Option<(Vec<String>, Option<String>)> {
    let at = text.find(NEXT_LINE)?;
    let rest = text[at + NEXT_LINE.len()..]
        .trim()
        .trim_end_matches("*/")
        .trim();
    let mut rules = Vec::new();
    let mut words = rest.split_whitespace().peekable();
    let mut consumed = 0;
    while let Some(w) = words.peek() {
        let ids: Vec<&str> = w.split(',').filter(|s| !s.is_empty()).collect();
        if !ids.is_empty() && ids.iter().all(|id| is_rule_id(id)) {
            rules.extend(ids.iter().map(|s| s.to_ascii_uppercase()));
            consumed += 1;
            words.next();
        } else {
            break;
        }
    }
    let reason: Vec<&str> = rest.split_whitespace().skip(consumed).collect();
    let reason = reason.join(" ");
    let reason = reason.trim_start_matches(['-', ':']).trim().to_string();
    Some((rules, (!reason.is_empty()).then_some(reason)))
}

/// `ACR001`, or an Azure Policy definition name (a GUID).
fn is_rule_id(s: &str) -> bool {
    let s = s.trim_start_matches("acrlint:");
    (s.len() == 6
        && s[..3].eq_ignore_ascii_case("ACR")
        && s[3..].bytes().all(|b| b.is_ascii_digit()))
        || (s.len() == 36
            && s.bytes().filter(|b| *b == b'-').count() == 4
            && s.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-'))
}

/// Every directive of an expansion: comments in its files and resource metadata.
pub fn directives(exp: &Expansion) -> Vec<Directive> {
    let mut out = Vec::new();
    for (id, f) in exp.files.iter().enumerate() {
        for c in &f.directives {
            let Some((rules, reason)) = parse_directive(&c.text) else {
                continue;
            };
            let loc = location(exp, id as u32, c.span);
            let target = Target::Line(f.source.path.clone(), loc.end.line + 1);
            out.push(Directive {
                rules: rules
                    .into_iter()
                    .map(|r| r.trim_start_matches("ACRLINT:").to_string())
                    .collect(),
                reason,
                location: loc,
                target,
            });
        }
    }
    for r in &exp.resources {
        let Some(entries) = r
            .body
            .get("metadata")
            .and_then(|m| m.get("acrlint"))
            .and_then(|a| a.get("suppress"))
        else {
            continue;
        };
        let Some(f) = exp.file(r.file) else { continue };
        let loc = location(
            exp,
            r.file,
            Span {
                start: r.span.start,
                end: r.span.start + 1,
            },
        );
        let target = Target::Range(f.source.path.clone(), r.span.start, r.span.end);
        let mut push = |rule: &str, reason: Option<String>| {
            out.push(Directive {
                rules: vec![rule.to_ascii_uppercase()],
                reason: reason.filter(|r| !r.trim().is_empty()),
                location: loc.clone(),
                target: target.clone(),
            });
        };
        match entries {
            // [{"rule": "ACR001", "reason": "…"}] or ["ACR001"]
            Value::Array(items) => {
                for item in items.iter() {
                    match item {
                        Value::String(s) => push(s, None),
                        other => {
                            if let Some(rule) = other.get("rule").and_then(Value::as_str) {
                                push(
                                    rule,
                                    other
                                        .get("reason")
                                        .and_then(Value::as_str)
                                        .map(String::from),
                                );
                            }
                        }
                    }
                }
            }
            // {"ACR001": "reason"}
            Value::Object(map) => {
                for (k, v) in map.iter() {
                    push(k, v.as_str().map(String::from));
                }
            }
            Value::String(s) => push(s, None),
            _ => {}
        }
    }
    out
}

fn covers(d: &Directive, f: &Finding) -> bool {
    let rule_ok = d.rules.is_empty() || d.rules.iter().any(|r| r.eq_ignore_ascii_case(&f.rule));
    rule_ok
        && match &d.target {
            Target::Line(path, line) => &f.location.file == path && f.location.start.line == *line,
            Target::Range(path, start, end) => {
                &f.location.file == path
                    && f.location.byte_start >= *start
                    && f.location.byte_end <= *end
            }
        }
}

/// Mark suppressed findings and add the findings about the directives themselves.
pub fn apply(exp: &Expansion, findings: &mut Vec<Finding>) {
    let directives = directives(exp);
    if directives.is_empty() {
        return;
    }
    let mut used = vec![false; directives.len()];
    for f in findings.iter_mut() {
        if let Some(i) = directives.iter().position(|d| covers(d, f)) {
            used[i] = true;
            f.suppression = Some(Suppression {
                kind: "inSource".into(),
                justification: directives[i].reason.clone(),
            });
        }
    }
    for (d, used) in directives.iter().zip(used) {
        let rule = d
            .rules
            .first()
            .cloned()
            .unwrap_or_else(|| UNREADABLE.into());
        let names = if d.rules.is_empty() {
            "every rule".to_string()
        } else {
            d.rules.join(", ")
        };
        if d.reason.is_none() {
            findings.push(directive_finding(
                d,
                &rule,
                Level::Warning,
                format!("suppression of {names} has no reason: write why after the rule id"),
            ));
        }
        if !used {
            findings.push(directive_finding(
                d,
                &rule,
                Level::Note,
                format!("unused suppression of {names}: no such finding here; remove it"),
            ));
        }
    }
}

fn directive_finding(d: &Directive, rule: &str, level: Level, message: String) -> Finding {
    let file = d.location.file.to_string_lossy().replace('\\', "/");
    let line = d.location.start.line.to_string();
    Finding {
        rule: rule.to_string(),
        level,
        status: Status::Fail,
        location: d.location.clone(),
        resource_type: None,
        resource_name: None,
        fingerprint: fingerprint(&[rule, &file, &message, &line]),
        message,
        related: Vec::new(),
        suppression: None,
        repair: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rules_and_reason() {
        let (rules, reason) =
            parse_directive(" acrlint-disable-next-line ACR001,ACR004 legacy app needs it")
                .unwrap();
        assert_eq!(rules, vec!["ACR001", "ACR004"]);
        assert_eq!(reason.as_deref(), Some("legacy app needs it"));
        let (rules, reason) = parse_directive(" acrlint-disable-next-line ACR002").unwrap();
        assert_eq!(rules, vec!["ACR002"]);
        assert_eq!(reason, None);
        let (rules, reason) =
            parse_directive(" acrlint-disable-next-line ACR001 ACR002 -- why */").unwrap();
        assert_eq!(rules, vec!["ACR001", "ACR002"]);
        assert_eq!(reason.as_deref(), Some("why"));
        let (rules, _) =
            parse_directive("acrlint-disable-next-line dc921057-6b28-4fbe-9b83-f7bec05db6c2 ok")
                .unwrap();
        assert_eq!(rules, vec!["DC921057-6B28-4FBE-9B83-F7BEC05DB6C2"]);
        assert!(parse_directive("just a comment").is_none());
    }
}
