//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning, Azure DevOps and SARIF
//! viewers (<https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html>).
//!
//! One run; `tool.driver.rules[]` describes every rule that ran; each result points at
//! the offending value with a full region, relative to `%SRCROOT%` (the working
//! directory), carries related locations (where the value came from), a partial
//! fingerprint that does not depend on line numbers, the `fail`/`possible` status and
//! the resource in its properties, and its suppressions.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{json, Value as Json};
use serde_sarif::sarif::{
    Artifact, ArtifactContent, ArtifactLocation, Invocation, Location as SarifLocation, Message,
    MultiformatMessageString, PhysicalLocation, PropertyBag, Region, ReportingConfiguration,
    ReportingDescriptor, Result as SarifResult, ResultLevel, Run, Sarif, Suppression, Tool,
    ToolComponent,
};

use crate::report::{
    absolute_in, byte_offset, hygiene, relative_to, suppression_kind, working_dir, Report,
};
use crate::rules::catalog::RuleMeta;
use crate::rules::finding::{Finding, Level, Location};
use crate::source::line_index::LineIndex;

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The `uriBaseId` result locations are relative to: the working directory.
pub const SRCROOT: &str = "%SRCROOT%";
/// The key of acrlint's fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "acrlint/v1";

/// Characters left as they are in a URI path segment: RFC 3986 unreserved characters
/// and the sub-delimiters that are safe in a path. `:` is encoded so that a relative
/// reference never looks like a scheme.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b'@');

/// Render the report as a SARIF log (pretty-printed, with a trailing newline).
pub fn render(report: &Report) -> Result<String, String> {
    render_in(report, &working_dir())
}

/// [`render`] with `base` as the working directory.
pub fn render_in(report: &Report, base: &Path) -> Result<String, String> {
    let log = to_sarif(report, base);
    serde_json::to_string_pretty(&log)
        .map(|s| s + "\n")
        .map_err(|e| format!("could not write SARIF: {e}"))
}

/// The report as a SARIF log.
pub fn to_sarif(report: &Report, base: &Path) -> Sarif {
    let base = absolute_in(base, Path::new("/"));
    let rules = descriptors(report);
    let rule_index: HashMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let files = report.all_files();
    let artifacts: Vec<Artifact> = files
        .iter()
        .map(|f| {
            Artifact::builder()
                .location(artifact_location(f, &base, None))
                .roles(vec![json!("analysisTarget")])
                .build()
        })
        .collect();
    let mut file_index: HashMap<&Path, usize> = HashMap::new();
    for (i, f) in files.iter().enumerate() {
        file_index.insert(f, i);
    }
    let mut line_indexes: HashMap<&Path, LineIndex> = HashMap::new();
    for f in &report.findings {
        let file = f.location.file.as_path();
        if let (false, Some(text)) = (line_indexes.contains_key(file), report.sources.get(file)) {
            line_indexes.insert(file, LineIndex::new(text));
        }
    }
    let cx = Context {
        base: &base,
        report,
        rule_index,
        file_index,
        line_indexes,
    };
    let results: Vec<SarifResult> = report.findings.iter().map(|f| result(f, &cx)).collect();

    let driver = ToolComponent::builder()
        .name(env!("CARGO_PKG_NAME"))
        .full_name(concat!(
            env!("CARGO_PKG_NAME"),
            " ",
            env!("CARGO_PKG_VERSION")
        ))
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri(env!("CARGO_PKG_REPOSITORY"))
        .rules(rules)
        .build();
    let mut base_ids = BTreeMap::new();
    base_ids.insert(
        SRCROOT.to_string(),
        ArtifactLocation::builder()
            .uri(directory_uri(&base))
            .build(),
    );
    // Which configuration files were applied: an in-tree acrlint.json can turn rules
    // off, so a reviewer of the results needs to see it.
    let mut invocation_props = BTreeMap::new();
    invocation_props.insert(
        "configurationFiles".to_string(),
        json!(report
            .configurations
            .iter()
            .map(|f| relative_to(f, &base))
            .collect::<Vec<_>>()),
    );
    let invocation = Invocation::builder()
        .execution_successful(true)
        .properties(
            PropertyBag::builder()
                .additional_properties(invocation_props)
                .build(),
        )
        .build();
    let run = Run::builder()
        .tool(Tool::from(driver))
        .invocations(vec![invocation])
        .original_uri_base_ids(base_ids)
        .artifacts(artifacts)
        .results(results)
        .column_kind(json!("unicodeCodePoints"))
        .build();
    Sarif::builder()
        .schema(SCHEMA_URI)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build()
}

/// A descriptor for every rule that ran, then a minimal one for any other rule a
/// finding names (an imported policy definition), so that every result has one.
fn descriptors(report: &Report) -> Vec<ReportingDescriptor> {
    let mut out: Vec<ReportingDescriptor> = report
        .rules
        .iter()
        .map(|r| descriptor(r, recommendation(report, r)))
        .collect();
    for f in &report.findings {
        if !out.iter().any(|d| d.id == f.rule) {
            out.push(
                ReportingDescriptor::builder()
                    .id(f.rule.clone())
                    .name(pascal_case(&f.rule))
                    .short_description(text(&f.rule))
                    .default_configuration(
                        ReportingConfiguration::builder()
                            .level(json!(f.level.as_str()))
                            .build(),
                    )
                    .build(),
            );
        }
    }
    out
}

/// A rule's recommendation in the syntax of the files it reports on: Bicep when all
/// its findings are in Bicep files, both when the run mixes Bicep and JSON.
fn recommendation(report: &Report, rule: &RuleMeta) -> String {
    let mut files = report.findings.iter().filter(|f| f.rule == rule.id);
    let Some(first) = files.next() else {
        return rule.recommendation.clone();
    };
    let syntax = |f: &crate::rules::finding::Finding| rule.recommendation_for(&f.location.file);
    let one = syntax(first);
    if files.all(|f| syntax(f) == one) {
        one.to_string()
    } else {
        format!(
            "{} In Bicep: {}",
            rule.recommendation,
            rule.recommendation_bicep.as_deref().unwrap_or_default()
        )
    }
}

fn descriptor(rule: &RuleMeta, recommendation: String) -> ReportingDescriptor {
    let docs = &rule.docs;
    let help_text = format!(
        "{}\n\nWhy is this bad? {}\n\nRecommendation: {}\n\nExample (non-compliant):\n{}\n\nUse instead:\n{}",
        docs.what_it_does,
        docs.why_is_this_bad,
        recommendation,
        docs.example.trim_end(),
        docs.use_instead.trim_end()
    );
    // Examples are ARM templates, or Bicep files for rules about Bicep modules.
    let language = |t: &str| {
        if t.trim_start().starts_with('{') {
            "json"
        } else {
            "bicep"
        }
    };
    let mut help_markdown = format!(
        "{}\n\n## Why is this bad?\n\n{}\n\n## Recommendation\n\n{}\n\n\
         ## Example\n\n```{}\n{}\n```\n\n## Use instead\n\n```{}\n{}\n```\n",
        docs.what_it_does,
        docs.why_is_this_bad,
        recommendation,
        language(&docs.example),
        docs.example.trim_end(),
        language(&docs.use_instead),
        docs.use_instead.trim_end()
    );
    if !rule.policies.is_empty() {
        help_markdown.push_str("\n## Azure Policy\n\n");
        for p in &rule.policies {
            help_markdown.push_str(&format!(
                "- {} (`{}`, effect {})\n",
                p.display_name, p.id, p.effect
            ));
        }
    }
    if !docs.references.is_empty() {
        help_markdown.push_str("\n## References\n\n");
        for r in &docs.references {
            help_markdown.push_str(&format!("- <{r}>\n"));
        }
    }
    let problem_severity = match rule.severity {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Note => "recommendation",
    };
    let mut props = BTreeMap::new();
    props.insert(
        "security-severity".to_string(),
        json!(rule.security_severity),
    );
    props.insert("precision".to_string(), json!("high"));
    props.insert("problem.severity".to_string(), json!(problem_severity));
    props.insert("effect".to_string(), json!(rule.effect));
    if !rule.policies.is_empty() {
        let policies: Vec<Json> = rule
            .policies
            .iter()
            .map(|p| json!({"id": p.id, "displayName": p.display_name, "effect": p.effect}))
            .collect();
        props.insert("azurePolicies".to_string(), Json::Array(policies));
    }
    ReportingDescriptor::builder()
        .id(rule.id.clone())
        .name(pascal_case(&rule.title))
        .short_description(text(&rule.title))
        .full_description(text(&docs.what_it_does))
        .help(
            MultiformatMessageString::builder()
                .text(help_text)
                .markdown(help_markdown)
                .build(),
        )
        .help_uri(rule.help_uri.clone())
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!(rule.severity.as_str()))
                .build(),
        )
        .properties(
            PropertyBag::builder()
                .tags(rule.tags.clone())
                .additional_properties(props)
                .build(),
        )
        .build()
}

/// What rendering a result needs to know about the whole report.
struct Context<'a> {
    base: &'a Path,
    report: &'a Report,
    rule_index: HashMap<&'a str, usize>,
    file_index: HashMap<&'a Path, usize>,
    /// Line indexes of the files findings are in, for snippets.
    line_indexes: HashMap<&'a Path, LineIndex>,
}

fn result(f: &Finding, cx: &Context<'_>) -> SarifResult {
    let level = match f.level {
        Level::Error => ResultLevel::Error,
        Level::Warning => ResultLevel::Warning,
        Level::Note => ResultLevel::Note,
    };
    let related: Vec<SarifLocation> = f
        .related
        .iter()
        .enumerate()
        .map(|(i, r)| {
            SarifLocation::builder()
                .id(i as i64 + 1)
                .physical_location(physical(&r.location, cx))
                .message(Message::builder().text(sentence(&r.message)).build())
                .build()
        })
        .collect();
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert(FINGERPRINT_KEY.to_string(), f.fingerprint.clone());
    let mut props = BTreeMap::new();
    props.insert("status".to_string(), json!(f.status.as_str()));
    if let Some(t) = &f.resource_type {
        props.insert("resourceType".to_string(), json!(t));
    }
    if let Some(n) = &f.resource_name {
        props.insert("resourceName".to_string(), json!(n));
    }
    let mut primary = physical(&f.location, cx);
    add_snippets(&mut primary, &f.location, cx);
    let location = SarifLocation::builder().physical_location(primary).build();
    let mut result = SarifResult::builder()
        .rule_id(f.rule.clone())
        .level(level)
        .message(Message::builder().text(message_text(f)).build())
        .locations(vec![location])
        .partial_fingerprints(fingerprints)
        .properties(PropertyBag::builder().additional_properties(props).build())
        .build();
    if let Some(i) = cx.rule_index.get(f.rule.as_str()) {
        result.rule_index = Some(*i as i64);
    }
    if !related.is_empty() {
        result.related_locations = Some(related);
    }
    if let Some(s) = &f.suppression {
        let mut suppression = Suppression::builder()
            .kind(json!(suppression_kind(&s.kind)))
            .status(json!("accepted"))
            .build();
        suppression.justification = s.justification.clone();
        result.suppressions = Some(vec![suppression]);
    }
    result
}

/// The finding's message as a sentence, followed by links to its related locations
/// (viewers such as GitHub code scanning only show related locations linked from the
/// message): `… (see [value comes from parameter 'x'](1)).`
fn message_text(f: &Finding) -> String {
    let message = f.message.trim_end_matches('.').replace("](", "\\]("); // not a link
    if f.related.is_empty() {
        return sentence(&message);
    }
    let links: Vec<String> = f
        .related
        .iter()
        .enumerate()
        .map(|(i, r)| {
            format!(
                "[{}]({})",
                escape_link_text(r.message.trim_end_matches('.')),
                i + 1
            )
        })
        .collect();
    format!("{message} (see {}).", links.join("; "))
}

fn escape_link_text(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('[', "\\[")
        .replace(']', "\\]")
}

/// Text ending with a full stop, as the SARIF specification asks of messages (§3.11.4).
fn sentence(s: &str) -> String {
    let s = s.trim_end();
    if s.ends_with(['.', '!', '?']) {
        s.to_string()
    } else {
        format!("{s}.")
    }
}

fn text(s: &str) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(s).build()
}

fn physical(location: &Location, cx: &Context<'_>) -> PhysicalLocation {
    let index = cx.file_index.get(location.file.as_path()).copied();
    PhysicalLocation::builder()
        .artifact_location(artifact_location(&location.file, cx.base, index))
        .region(
            Region::builder()
                .start_line(i64::from(location.start.line.max(1)))
                .start_column(i64::from(location.start.column.max(1)))
                .end_line(i64::from(location.end.line.max(location.start.line).max(1)))
                .end_column(i64::from(end_column(location)))
                .build(),
        )
        .build()
}

/// The region's text as its snippet, and the whole lines it spans as the context
/// region, when the file's text is at hand and the location fits it. Where those lines
/// are longer than [`hygiene::MAX_EXCERPT_BYTES`] (a minified template), the context is
/// a window of [`hygiene::EXCERPT_RADIUS`] characters on either side of the region on
/// its first line, and a region longer than the window has no snippets at all (a
/// context region must contain its region).
fn add_snippets(physical: &mut PhysicalLocation, location: &Location, cx: &Context<'_>) {
    let file = location.file.as_path();
    let (Some(text), Some(index)) = (cx.report.sources.get(file), cx.line_indexes.get(file)) else {
        return;
    };
    let (start_line, end_line) = (
        location.start.line,
        location.end.line.max(location.start.line),
    );
    if start_line == 0 || end_line as usize > index.line_count() {
        return;
    }
    let start = byte_offset(text, index, start_line, location.start.column);
    let end = byte_offset(text, index, end_line, end_column(location));
    let (line_start, first_line_end) = index.line_range(text, start_line);
    let (_, line_end) = index.line_range(text, end_line);
    let (Some(start), Some(end)) = (start, end) else {
        return;
    };
    let end = end.max(start);
    let context = if line_end - line_start <= hygiene::MAX_EXCERPT_BYTES {
        text.get(line_start..line_end).map(|t| {
            Region::builder()
                .start_line(i64::from(start_line))
                .end_line(i64::from(end_line))
                .snippet(ArtifactContent::builder().text(t).build())
                .build()
        })
    } else {
        let (from, to, clipped_end) = hygiene::window(
            text,
            (line_start, first_line_end),
            (start, end),
            hygiene::EXCERPT_RADIUS,
        );
        if clipped_end < end {
            return;
        }
        let column = |at: usize| i64::from(index.line_col(text, at as u32).column);
        text.get(from..to).map(|t| {
            Region::builder()
                .start_line(i64::from(start_line))
                .start_column(column(from))
                .end_line(i64::from(start_line))
                .end_column(column(to))
                .snippet(ArtifactContent::builder().text(t).build())
                .build()
        })
    };
    let (Some(snippet), Some(context)) = (text.get(start..end), context) else {
        return;
    };
    if let Some(region) = physical.region.as_mut() {
        region.snippet = Some(ArtifactContent::builder().text(snippet).build());
    }
    physical.context_region = Some(context);
}

/// The end column, never before the start on a single-line region.
fn end_column(location: &Location) -> u32 {
    if location.end.line > location.start.line {
        location.end.column.max(1)
    } else {
        location.end.column.max(location.start.column).max(1)
    }
}

/// A file inside `base` as a relative URI against `%SRCROOT%`; any other file as an
/// absolute `file:` URI.
fn artifact_location(file: &Path, base: &Path, index: Option<usize>) -> ArtifactLocation {
    let absolute = absolute_in(file, base);
    let mut location = match absolute.strip_prefix(base) {
        Ok(rel) => ArtifactLocation::builder()
            .uri(encode_path(&relative_to(rel, Path::new(""))))
            .uri_base_id(SRCROOT)
            .build(),
        Err(_) => ArtifactLocation::builder().uri(file_uri(&absolute)).build(),
    };
    location.index = index.map(|i| i as i64);
    location
}

/// `file:` URI of an absolute path.
fn file_uri(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    let encoded = encode_path(&s);
    if encoded.starts_with('/') {
        format!("file://{encoded}")
    } else {
        // A Windows drive path (`C:/x`): keep the drive's colon.
        format!("file:///{}", encoded.replacen("%3A", ":", 1))
    }
}

/// `file:` URI of a directory, ending with `/` as `originalUriBaseIds` requires.
fn directory_uri(path: &Path) -> String {
    let uri = file_uri(path);
    if uri.ends_with('/') {
        uri
    } else {
        uri + "/"
    }
}

fn encode_path(path: &str) -> String {
    path.split('/')
        .map(|segment| utf8_percent_encode(segment, SEGMENT).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// A rule's friendly name: its title as a Pascal identifier, as SARIF validators expect
/// (`^(\p{Lu}[\p{Ll}\p{Nd}]+)*$`): `Container registry admin user must be disabled` →
/// `ContainerRegistryAdminUserMustBeDisabled`. One-letter words are dropped and
/// numbers join the word before them, since neither can stand alone in that shape.
pub fn pascal_case(title: &str) -> String {
    let mut out = String::new();
    for word in title.split(|c: char| !c.is_alphanumeric()) {
        for segment in camel_segments(word) {
            let lower = segment.to_lowercase();
            let mut chars = lower.chars();
            match chars.next() {
                // A number joins the word before it; a leading one is dropped.
                Some(c) if c.is_numeric() && !out.is_empty() => out.push_str(&lower),
                Some(c) if c.is_numeric() => {}
                Some(c) if !chars.as_str().is_empty() => {
                    out.extend(c.to_uppercase());
                    out.push_str(chars.as_str());
                }
                _ => {}
            }
        }
    }
    out
}

/// `listCredentials` → `list`, `Credentials`: split before an upper-case letter that
/// follows a lower-case one.
fn camel_segments(word: &str) -> Vec<&str> {
    let mut segments = Vec::new();
    let mut start = 0;
    let mut previous_lower = false;
    for (i, c) in word.char_indices() {
        if c.is_uppercase() && previous_lower {
            segments.push(&word[start..i]);
            start = i;
        }
        previous_lower = c.is_lowercase();
    }
    segments.push(&word[start..]);
    segments
}

#[cfg(test)]
#[path = "sarif_tests.rs"]
mod tests;
