//! ACR017: a registry name is 5–50 alphanumeric characters (ACR FAQ; the login server
//! `<name>.azurecr.io` is its lowercase form). Names computed at deployment are
//! judged by their shape: `format('cr{0}', uniqueString(resourceGroup().id))` is 15
//! alphanumerics whatever the resource group, `concat(parameters('p'), '-acr')`
//! always contains a `-`. A name whose shape depends on a value acrlint cannot see
//! (an unbound parameter, a `reference()`) and that no literal part already rules
//! out is not reported: that would flag nearly every reusable template.

use super::emit::at_path;
use super::name_shape::{shape_of_term, Verdict};
use super::name_text;
use super::resolve::{deployed, registries, Deployed};
use super::RuleInput;
use super::registry::{NativeRule, Reads};
use crate::arm::value::Value;
use crate::rules::finding::{Finding, Status};

pub const MIN_LEN: usize = 5;
pub const MAX_LEN: usize = 50;

/// What is wrong with a known name, if anything.
pub fn name_problem(name: &str) -> Option<String> {
    let len = name.chars().count();
    let bad: Vec<char> =
        name.chars()
            .filter(|c| !c.is_ascii_alphanumeric())
            .fold(Vec::new(), |mut acc, c| {
                if !acc.contains(&c) {
                    acc.push(c);
                }
                acc
            });
    if !bad.is_empty() {
        let shown: Vec<String> = bad.iter().map(|c| format!("{c:?}")).collect();
        return Some(format!(
            "contains {} (only letters and digits are allowed)",
            shown.join(", ")
        ));
    }
    if len < MIN_LEN {
        return Some(format!("is {len} characters long (at least {MIN_LEN})"));
    }
    if len > MAX_LEN {
        return Some(format!("is {len} characters long (at most {MAX_LEN})"));
    }
    None
}

/// Reads registry names.
pub(super) const RULE: NativeRule = NativeRule {
    check,
    reads: Reads::REGISTRIES,
};

pub fn check(input: &RuleInput) -> Vec<Finding> {
    let exp = input.expansion;
    let mut out = Vec::new();
    for (_, reg) in registries(exp) {
        let mut doubts = Vec::new();
        match deployed(exp, reg) {
            Deployed::No => continue,
            Deployed::Maybe(why) => doubts.push(format!("the registry's {why}")),
            Deployed::Yes => {}
        }
        let verdict = match &reg.name {
            Value::String(s) => match name_problem(s) {
                Some(p) => (Status::Fail, format!("registry name {s:?} {p}")),
                None => continue,
            },
            Value::Candidates(c) => {
                let bad: Vec<(String, String)> = c
                    .values
                    .iter()
                    .filter_map(|v| {
                        let s = v.as_str()?;
                        name_problem(s).map(|p| (s.to_string(), p))
                    })
                    .collect();
                if bad.is_empty() {
                    continue;
                }
                let list: Vec<String> = bad.iter().map(|(s, p)| format!("{s:?} {p}")).collect();
                let status = if bad.len() == c.values.len() {
                    Status::Fail
                } else {
                    doubts.push(format!("when {} takes one of these values", c.origin()));
                    Status::Possible
                };
                (status, format!("registry name {}", list.join("; ")))
            }
            Value::Unknown(u) => {
                let Some(term) = u.term.as_deref() else {
                    continue;
                };
                match shape_of_term(term).verdict(MIN_LEN, MAX_LEN) {
                    Verdict::Valid | Verdict::NotJudged => continue,
                    Verdict::Invalid(why) => (
                        Status::Fail,
                        format!("registry name {} {why}", name_text(&reg.name)),
                    ),
                    Verdict::MaybeInvalid(why) => {
                        doubts.push("the computed parts are only known at deployment".into());
                        (
                            Status::Possible,
                            format!("registry name {} {why}", name_text(&reg.name)),
                        )
                    }
                }
            }
            _ => continue,
        };
        let (mut status, mut message) = verdict;
        if !doubts.is_empty() {
            status = Status::Possible;
        }
        message.push_str(": a registry name is 5 to 50 letters and digits (the login server is its lowercase form)");
        message.push_str(&super::emit::doubts_suffix(&doubts));
        out.push(at_path(input, reg, &["name"], status, message, Vec::new()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_names() {
        assert_eq!(name_problem("contosoregistry"), None);
        assert_eq!(name_problem("Contoso2Registry"), None);
        assert_eq!(name_problem("abcde"), None);
        assert_eq!(name_problem(&"a".repeat(50)), None);
        assert!(name_problem("abcd").unwrap().contains("4 characters"));
        assert!(name_problem(&"a".repeat(51))
            .unwrap()
            .contains("at most 50"));
        assert!(name_problem("contoso-registry").unwrap().contains("'-'"));
        assert!(name_problem("contoso_reg.istry")
            .unwrap()
            .contains("'_', '.'"));
        assert!(name_problem("crGEN-UNIQUE").is_some());
        assert!(name_problem("régistry1").is_some());
        assert!(name_problem("").unwrap().contains("0 characters"));
    }
}
