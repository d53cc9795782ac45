//! `acrlint rules` (the catalogue) and `acrlint explain RULE` (one rule's
//! documentation, ruff style, with its non-compliant and compliant examples).

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{EXIT_ERROR, EXIT_OK};
use crate::fix::{first_stable, Applicability, FixSpec, API_UPGRADE_TARGET};
use crate::rules::catalog::RuleMeta;
use crate::rules::engine::Engine;
use crate::rules::finding::Level;

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Args, Debug)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
    /// Also list the rules in DIR (one JSON file per rule).
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// Rule id, e.g. ACR001 (case-insensitive).
    #[arg(value_parser = super::RuleIdParser)]
    pub rule: String,
    /// Also look up the rules in DIR (one JSON file per rule).
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
}

/// Version of the `rules --format json` document: a string, like the `version` of
/// `check --format json`.
pub const RULES_JSON_VERSION: &str = "1";

/// Width that prose is wrapped to.
const WIDTH: usize = 88;

fn engine(dir: Option<&PathBuf>) -> Result<Engine, String> {
    let mut engine = Engine::builtin()?;
    if let Some(d) = dir {
        engine
            .add_rules_dir(d)
            .map_err(|e| format!("--rules: {e}"))?;
    }
    Ok(engine)
}

fn print(text: &str) -> i32 {
    super::output::print_then_exit(text, EXIT_OK)
}

pub fn run_rules(args: RulesArgs) -> i32 {
    let engine = match engine(args.rules.as_ref()) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let metas = engine.metas();
    let text = match args.format {
        ListFormat::Text => list_text(&metas),
        ListFormat::Json => list_json(&metas),
    };
    print(&text)
}

pub fn run_explain(args: ExplainArgs) -> i32 {
    let engine = match engine(args.rules.as_ref()) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    match engine.meta(args.rule.trim()) {
        Some(meta) => print(&explain(meta)),
        None => {
            let ids: Vec<String> = engine.ids();
            eprintln!(
                "error: unknown rule `{}`; valid rules: {}",
                args.rule,
                ids.join(", ")
            );
            EXIT_ERROR
        }
    }
}

/// How a rule is implemented, for the listing.
fn kind(meta: &RuleMeta) -> &'static str {
    if meta.condition.is_some() {
        "declarative"
    } else if crate::rules::native::registry::native(&meta.id).is_some() {
        "native"
    } else {
        "driver"
    }
}

/// The catalogue as an aligned table; mirrored policies under their rule.
pub fn list_text(metas: &[RuleMeta]) -> String {
    let id_w = metas.iter().map(|m| m.id.len()).max().unwrap_or(6).max(2);
    let eff_w = metas
        .iter()
        .map(|m| m.effect.len())
        .max()
        .unwrap_or(5)
        .max(6);
    let mut out = format!(
        "{:id_w$}  {:8}  {:eff_w$}  TITLE\n",
        "ID", "SEVERITY", "EFFECT"
    );
    for m in metas {
        out.push_str(&format!(
            "{:id_w$}  {:8}  {:eff_w$}  {}\n",
            m.id,
            m.severity.as_str(),
            m.effect,
            m.title
        ));
        for p in &m.policies {
            out.push_str(&format!(
                "{:indent$}mirrors {} ({}): {}\n",
                "",
                p.id,
                p.effect,
                p.display_name,
                indent = id_w + 2
            ));
        }
    }
    out
}

/// The catalogue as a versioned JSON document.
pub fn list_json(metas: &[RuleMeta]) -> String {
    let rules: Vec<serde_json::Value> = metas
        .iter()
        .map(|m| {
            serde_json::json!({
                "id": m.id,
                "title": m.title,
                "severity": m.severity.as_str(),
                "effect": m.effect,
                "kind": kind(m),
                "resourceTypes": m.resource_types,
                "policies": m.policies.iter().map(|p| serde_json::json!({
                    "id": p.id,
                    "displayName": p.display_name,
                    "effect": p.effect,
                })).collect::<Vec<_>>(),
                "helpUri": m.help_uri,
                "fix": fix_applicability(m).map(Applicability::as_str),
                "tags": m.tags,
            })
        })
        .collect();
    let doc = serde_json::json!({ "version": RULES_JSON_VERSION, "rules": rules });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// Greedy word wrap of one paragraph, each line prefixed with `indent`.
fn wrap(text: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent.len() + line.len() + 1 + word.len() > WIDTH {
            out.push_str(indent);
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(indent);
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn indented(block: &str, indent: &str) -> String {
    let mut out = String::new();
    for l in block.trim_end().lines() {
        if l.is_empty() {
            out.push('\n');
        } else {
            out.push_str(indent);
            out.push_str(l);
            out.push('\n');
        }
    }
    out
}

/// One rule's documentation for the terminal.
pub fn explain(m: &RuleMeta) -> String {
    let mut out = format!("{}: {}\n\n", m.id, m.title);
    out.push_str(&format!(
        "  Severity: {} (a possible violation is reported as {})\n",
        m.severity.as_str(),
        m.severity.lower().as_str()
    ));
    out.push_str(&format!("  Effect:   {}\n", m.effect));
    if !m.resource_types.is_empty() {
        out.push_str(&format!("  Applies to: {}\n", m.resource_types.join(", ")));
    }
    for (i, p) in m.policies.iter().enumerate() {
        let label = if i == 0 {
            "  Mirrors:  "
        } else {
            "            "
        };
        out.push_str(&format!(
            "{label}Azure Policy {} ({}): {}\n",
            p.id, p.effect, p.display_name
        ));
    }
    out.push_str(&format!("  Help:     {}\n", m.help_uri));
    let sections = [
        ("What it does", &m.docs.what_it_does),
        ("Why is this bad?", &m.docs.why_is_this_bad),
    ];
    for (title, text) in sections {
        out.push_str(&format!("\n## {title}\n\n"));
        out.push_str(&wrap(text, ""));
    }
    if let Some(w) = &m.when_omitted {
        out.push_str("\n## When the property is omitted\n\n");
        out.push_str(&wrap(w, ""));
    }
    out.push_str("\n## Example (non-compliant)\n\n");
    out.push_str(&indented(&m.docs.example, "    "));
    out.push_str("\n## Use instead (compliant)\n\n");
    out.push_str(&indented(&m.docs.use_instead, "    "));
    out.push_str("\n## Recommendation\n\n");
    out.push_str(&wrap(&m.recommendation, ""));
    if let Some(source) = &m.docs.source {
        out.push_str("\n## Source\n\n");
        out.push_str(&wrap(
            &format!(
                "{} ({}), checked {}.",
                source.name, source.url, source.checked
            ),
            "",
        ));
    }
    if let Some(applicability) = fix_applicability(m) {
        out.push_str("\n## Fix\n\n");
        let text = match applicability {
            Applicability::Safe => format!(
                "Safe: `acrlint fix` applies it{}.",
                if m.severity == Level::Note {
                    " when the rule is named with `--rule` (a note's fix is a trade-off)"
                } else {
                    ""
                }
            ),
            Applicability::Unsafe => "Unsafe: it changes what the deployment does, so `acrlint fix` applies it only with `--unsafe-fixes`; review it first with `acrlint fix --diff --unsafe-fixes`.".to_string(),
        };
        out.push_str(&wrap(&text, ""));
        if let Some(upgrade) = upgrade_note(m) {
            out.push('\n');
            out.push_str(&wrap(&upgrade, ""));
        }
    }
    if !m.docs.references.is_empty() {
        out.push_str("\n## References\n\n");
        for r in &m.docs.references {
            out.push_str(&format!("- {r}\n"));
        }
    }
    out
}

/// What the rule's fix needs of an older apiVersion: the property it adds exists from
/// a version on, and an upgrade to it is a fix of its own, an unsafe one.
fn upgrade_note(m: &RuleMeta) -> Option<String> {
    let spec = FixSpec::parse(m.fix.as_ref()?).ok()?;
    let (path, first) = spec
        .set
        .iter()
        .filter_map(|s| Some((s.path.as_str(), first_stable(&s.path)?)))
        .max_by_key(|(_, first)| *first)?;
    Some(format!(
        "A registry on an apiVersion older than {first} has no `{path}`: the fix then needs the apiVersion upgraded to {API_UPGRADE_TARGET} first, itself an unsafe fix. `acrlint fix --unsafe-fixes` applies the upgrade and then this fix (unless the registry writes a property {API_UPGRADE_TARGET} no longer has); `acrlint fix` names the upgrade it needs."
    ))
}

/// Whether the rule offers a fix, and how safe it is (`None`: no fix, or one that
/// does not parse, which the fixer reports).
pub fn fix_applicability(m: &RuleMeta) -> Option<Applicability> {
    m.fix
        .as_ref()
        .and_then(|f| FixSpec::parse(f).ok())
        .map(|s| s.applicability)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::native::registry::builtin_rules;

    #[test]
    fn wrap_keeps_words_and_width() {
        let text = "word ".repeat(60);
        let wrapped = wrap(&text, "  ");
        assert!(wrapped
            .lines()
            .all(|l| l.len() <= WIDTH && l.starts_with("  word")));
        assert_eq!(wrapped.split_whitespace().count(), 60);
        let long = "x".repeat(120);
        assert_eq!(wrap(&long, ""), format!("{long}\n"));
        assert_eq!(wrap("", ""), "");
    }

    #[test]
    fn explain_has_every_section_and_both_examples() {
        for m in builtin_rules().unwrap() {
            let text = explain(&m);
            for section in [
                "## What it does",
                "## Why is this bad?",
                "## Example (non-compliant)",
                "## Use instead (compliant)",
                "## Source",
                "## References",
            ] {
                assert!(text.contains(section), "{}: {section}", m.id);
            }
            let first_example_line = m.docs.example.lines().nth(1).unwrap_or("").trim();
            assert!(text.contains(first_example_line), "{}", m.id);
        }
    }

    #[test]
    fn kinds() {
        let metas = builtin_rules().unwrap();
        let kind_of = |id: &str| kind(metas.iter().find(|m| m.id == id).unwrap());
        assert_eq!(kind_of("ACR000"), "driver");
        assert_eq!(kind_of("ACR001"), "declarative");
        assert_eq!(kind_of("ACR011"), "native");
    }
}
