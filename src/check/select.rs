//! `--select` and `--ignore`: which rules' findings a run keeps, by rule id or id prefix,
//! as in ruff. They apply on top of `acrlint.json` (a rule it turns off stays off).
//!
//! For each rule the most specific matching entry wins: `--select ACR0 --ignore ACR013`
//! keeps every ACR0xx rule but ACR013, `--ignore ACR0 --select ACR001` keeps only
//! ACR001; on a tie, `--ignore` wins. Without `--select` every rule is selected.
//! ACR000 (a file that could not be read, parsed or evaluated) is always kept: a run
//! must never pass on a file it could not check.

use crate::rules::native::registry::UNREADABLE;

/// The rule selection of a run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleSelection {
    select: Vec<String>,
    ignore: Vec<String>,
}

impl RuleSelection {
    /// A selection from the command line. Every entry must match a known rule id (an
    /// exact id or a prefix of one, case-insensitively): a typo would otherwise select
    /// nothing, or ignore nothing, silently.
    pub fn new(
        select: &[String],
        ignore: &[String],
        known: &[String],
    ) -> Result<RuleSelection, String> {
        for (option, entries) in [("--select", select), ("--ignore", ignore)] {
            for entry in entries {
                if entry.is_empty() || !known.iter().any(|id| is_prefix(entry, id)) {
                    return Err(format!(
                        "{option} {entry:?}: no rule id is or starts with it (acrlint rules lists them)"
                    ));
                }
            }
        }
        Ok(RuleSelection {
            select: select.to_vec(),
            ignore: ignore.to_vec(),
        })
    }

    /// Whether everything is kept.
    pub fn is_all(&self) -> bool {
        self.select.is_empty() && self.ignore.is_empty()
    }

    /// Whether findings of `rule` are kept.
    pub fn keeps(&self, rule: &str) -> bool {
        if rule.eq_ignore_ascii_case(UNREADABLE) || self.is_all() {
            return true;
        }
        let longest = |entries: &[String]| {
            entries
                .iter()
                .filter(|e| is_prefix(e, rule))
                .map(String::len)
                .max()
        };
        let selected = if self.select.is_empty() {
            Some(0)
        } else {
            longest(&self.select)
        };
        match (selected, longest(&self.ignore)) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(s), Some(i)) => s > i,
        }
    }
}

fn is_prefix(entry: &str, id: &str) -> bool {
    id.len() >= entry.len()
        && id.is_char_boundary(entry.len())
        && id[..entry.len()].eq_ignore_ascii_case(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Vec<String> {
        (0..=23).map(|n| format!("ACR{n:03}")).collect()
    }

    fn selection(select: &[&str], ignore: &[&str]) -> RuleSelection {
        let own = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        match RuleSelection::new(&own(select), &own(ignore), &known()) {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        }
    }

    fn kept(s: &RuleSelection) -> Vec<String> {
        known().into_iter().filter(|r| s.keeps(r)).collect()
    }

    #[test]
    fn ids_and_prefixes_select_and_ignore() {
        assert_eq!(kept(&selection(&[], &[])).len(), 24);
        assert_eq!(kept(&selection(&["ACR001"], &[])), ["ACR000", "ACR001"]);
        assert_eq!(
            kept(&selection(&["acr01"], &[])),
            [
                "ACR000", "ACR010", "ACR011", "ACR012", "ACR013", "ACR014", "ACR015", "ACR016",
                "ACR017", "ACR018", "ACR019"
            ]
        );
        let s = selection(&[], &["ACR01", "ACR02"]);
        assert_eq!(kept(&s).len(), 24 - 10 - 4);
        assert!(!s.keeps("ACR013") && s.keeps("ACR009"));
    }

    #[test]
    fn the_most_specific_entry_wins_and_ignore_wins_a_tie() {
        let s = selection(&["ACR0"], &["ACR013"]);
        assert!(s.keeps("ACR012") && !s.keeps("ACR013"));
        let s = selection(&["ACR001"], &["ACR0"]);
        assert_eq!(kept(&s), ["ACR000", "ACR001"]);
        let s = selection(&["ACR005"], &["ACR005"]);
        assert!(!s.keeps("ACR005"));
    }

    #[test]
    fn acr000_is_always_kept() {
        assert!(selection(&[], &["ACR000"]).keeps("ACR000"));
        assert!(selection(&["ACR001"], &[]).keeps("ACR000"));
    }

    #[test]
    fn an_entry_that_matches_no_rule_is_an_error_naming_it() {
        let err = RuleSelection::new(&["ACR9".into()], &[], &known()).err();
        assert_eq!(
            err.as_deref(),
            Some("--select \"ACR9\": no rule id is or starts with it (acrlint rules lists them)")
        );
        assert!(RuleSelection::new(&[], &["".into()], &known()).is_err());
        assert!(RuleSelection::new(&[], &["ACR0010".into()], &known()).is_err());
    }
}
