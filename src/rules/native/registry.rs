//! The built-in rules, one table ([`BUILTIN`], written with the `registry!` macro in
//! `rules/native/mod.rs`): each line names a rule's
//! `rules/<id>.json` and, for a native rule, its module, whose `RULE` says what the
//! check reads and which function runs it. Adding a rule touches its JSON, its
//! fixtures, one line of the table and, for a native rule, its own file.

use super::{RuleInput, BUILTIN};
pub use super::{UNREADABLE, UNRESOLVED_MODULE};
use crate::rules::catalog::{parse_rule, RuleMeta};
use crate::rules::finding::Finding;

/// The function that runs a native rule on one expansion.
pub type NativeCheck = fn(&RuleInput) -> Vec<Finding>;

/// What a native check reads of an expansion: `check` evaluates only the resource
/// bodies some rule reads, so a check that reads a type's body must say so here.
#[derive(Clone, Copy, Debug, Default)]
pub struct Reads {
    /// Resource types whose bodies it reads (an entry ending in `/` is a prefix:
    /// `Microsoft.ContainerRegistry/` is the registry and all its children).
    pub bodies: &'static [&'static str],
    /// Types whose bodies it reads only for what they say about a registry (a private
    /// endpoint's target, a role assignment's scope): in a template that names no
    /// registry they do not make it worth evaluating.
    pub registry_companions: &'static [&'static str],
    /// Functions whose use anywhere in a template makes it read every body.
    pub every_body_when_called: &'static [&'static str],
}

impl Reads {
    /// Registries and their children.
    pub const REGISTRIES: Reads = Reads {
        bodies: &["Microsoft.ContainerRegistry/"],
        registry_companions: &[],
        every_body_when_called: &[],
    };
}

/// A rule implemented in Rust.
#[derive(Clone, Copy, Debug)]
pub struct NativeRule {
    pub check: NativeCheck,
    pub reads: Reads,
}

/// One line of the table.
#[derive(Clone, Copy, Debug)]
pub struct BuiltinRule {
    pub id: &'static str,
    /// The text of `rules/<id>.json`, embedded.
    pub file: &'static str,
    pub native: Option<&'static NativeRule>,
    /// Reported by the check driver, not over resources: a file that could not be
    /// read, parsed or evaluated ([`UNREADABLE`]), a module that was not followed
    /// ([`UNRESOLVED_MODULE`]).
    pub driver: bool,
}

/// The built-in rules, parsed. Embedded files are tested, so a failure here is a
/// build defect; it is reported, not panicked on.
pub fn builtin_rules() -> Result<Vec<RuleMeta>, String> {
    BUILTIN
        .iter()
        .map(|r| parse_rule(r.file).map_err(|e| format!("rules/{}.json: {e}", r.id)))
        .collect()
}

/// The native rule registered under an id.
pub fn native(id: &str) -> Option<&'static NativeRule> {
    BUILTIN
        .iter()
        .find(|r| r.id.eq_ignore_ascii_case(id))
        .and_then(|r| r.native)
}

/// Whether the check driver reports a rule (it has neither a condition nor a native
/// check).
pub fn is_driver(id: &str) -> bool {
    BUILTIN
        .iter()
        .any(|r| r.driver && r.id.eq_ignore_ascii_case(id))
}

/// What names a registry in a template's text (see [`Reads::registry_companions`]).
pub const REGISTRY_MARKER: &str = "Microsoft.ContainerRegistry";

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn repository() -> &'static Path {
        Path::new(env!("CARGO_MANIFEST_DIR"))
    }

    #[test]
    fn the_table_lists_every_rule_file_once_in_order() {
        let mut files: Vec<String> = std::fs::read_dir(repository().join("rules"))
            .unwrap()
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .filter_map(|n| n.strip_suffix(".json").map(String::from))
            .collect();
        files.sort();
        let ids: Vec<&str> = BUILTIN.iter().map(|r| r.id).collect();
        assert_eq!(ids, files, "rules/*.json and the registry table differ");
        for r in BUILTIN {
            let meta = parse_rule(r.file).unwrap_or_else(|e| panic!("{}: {e}", r.id));
            assert_eq!(meta.id, r.id, "rules/{}.json names another id", r.id);
        }
        assert_eq!(builtin_rules().unwrap().len(), BUILTIN.len());
        assert_eq!(BUILTIN[0].id, UNREADABLE);
    }

    #[test]
    fn a_rule_is_native_exactly_when_its_file_has_no_condition() {
        for r in BUILTIN {
            let meta = parse_rule(r.file).unwrap();
            assert!(!(r.driver && r.native.is_some()), "{}", r.id);
            assert_eq!(
                r.native.is_some(),
                meta.condition.is_none() && !r.driver,
                "{}: a rule has a condition or a native check, not both",
                r.id
            );
            if let Some(n) = r.native {
                assert!(!n.reads.bodies.is_empty(), "{}: reads no body", r.id);
            }
        }
        assert!(native("ACR002").is_some() && native("acr011").is_some());
        assert!(native("ACR001").is_none() && native("ACR999").is_none());
        assert!(is_driver(UNREADABLE) && is_driver(UNRESOLVED_MODULE));
        assert!(!is_driver("ACR001") && !is_driver("ACR002"));
    }

    #[test]
    fn builtin_rules_parse_and_ids_match_file_names() {
        let rules = builtin_rules().unwrap();
        for (rule, r) in rules.iter().zip(BUILTIN) {
            let id = r.id;
            assert_eq!(rule.id, id);
            assert!(!rule.docs.what_it_does.is_empty(), "{id} lacks docs");
            let sev: f64 = rule.security_severity.parse().unwrap();
            assert!((0.0..=10.0).contains(&sev));
        }
    }

    /// README.md's rule table, as the rule files describe the rules.
    fn readme_table() -> String {
        let mut out = String::from("| Id | Rule | Default |\n|---|---|---|\n");
        for r in BUILTIN {
            let meta = parse_rule(r.file).unwrap();
            let policies: Vec<&str> = meta
                .policies
                .iter()
                .map(|p| p.id.get(..8).unwrap_or(&p.id))
                .collect();
            let title = match policies.as_slice() {
                [] => meta.title.clone(),
                ids => format!("{} ({})", meta.title, ids.join(", ")),
            };
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                r.id,
                title.replace('|', "\\|"),
                meta.severity.as_str()
            ));
        }
        out
    }

    /// The table in README.md is generated from the rule files; with
    /// `ACRLINT_UPDATE_README=1` this test writes it.
    #[test]
    fn the_readme_rule_table_is_generated_from_the_rule_files() {
        const START: &str =
            "<!-- rule table: generated from rules/*.json by the registry tests -->\n";
        const END: &str = "<!-- end of rule table -->";
        let path = repository().join("README.md");
        let readme = std::fs::read_to_string(&path).unwrap();
        let (Some(a), Some(b)) = (readme.find(START), readme.find(END)) else {
            panic!("README.md: the rule table's markers are missing");
        };
        let (a, b) = (a + START.len(), b);
        let want = readme_table();
        if readme[a..b] == want {
            return;
        }
        if std::env::var_os("ACRLINT_UPDATE_README").is_some() {
            let updated = format!("{}{want}{}", &readme[..a], &readme[b..]);
            std::fs::write(&path, updated).unwrap();
            return;
        }
        panic!(
            "README.md's rule table is out of date (ACRLINT_UPDATE_README=1 cargo test \
             --lib registry writes it):\n{want}"
        );
    }
}
