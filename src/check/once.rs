//! One file, one set of findings: a module that is checked on its own and also
//! reached through a parent that deploys it would otherwise show each of its
//! findings twice. Its own check keeps them; from the parent's check, a finding
//! identical to one of its own is dropped, and any other (the parent passes values
//! that make a difference) is kept and marked with the parent.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::rules::finding::{fingerprint, Finding};

/// What makes two findings the same to a reader.
type Key = (String, PathBuf, (u32, u32), (u32, u32), String, String);

fn key(f: &Finding, file: PathBuf) -> Key {
    (
        f.rule.clone(),
        file,
        (f.location.start.line, f.location.start.column),
        (f.location.end.line, f.location.end.column),
        f.status.as_str().to_string(),
        // The same whatever the parameter file: as a finding without one.
        super::params::without_every_note(&f.message).to_string(),
    )
}

/// `outcomes` are `(checked file, its findings)`; `canonical` names a file the same
/// way however it is spelt.
pub(crate) fn merge(
    outcomes: &mut [(&Path, &mut Vec<Finding>)],
    canonical: &dyn Fn(&Path) -> PathBuf,
) {
    // A finding in the file checked, as it was spelt, is that file's own: when every
    // finding is, nothing is shown twice (and no path need be resolved).
    if outcomes
        .iter()
        .all(|(p, fs)| fs.iter().all(|f| f.location.file == *p))
    {
        return;
    }
    let names: Vec<PathBuf> = outcomes.iter().map(|(p, _)| canonical(p)).collect();
    let checked: HashMap<&Path, usize> = names
        .iter()
        .enumerate()
        .map(|(i, p)| (p.as_path(), i))
        .collect();
    // Findings each checked file gives on itself.
    let own: HashSet<Key> = outcomes
        .iter()
        .zip(&names)
        .flat_map(|((p, fs), me)| {
            fs.iter()
                .filter(|f| f.location.file == *p || canonical(&f.location.file) == *me)
                .map(|f| key(f, me.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    // Findings in a file that is not checked itself, already shown from one parent:
    // a module several parents deploy gives each the same finding.
    let mut elsewhere: HashSet<Key> = HashSet::new();
    for ((parent, findings), me) in outcomes.iter_mut().zip(&names) {
        let parent: &Path = parent;
        findings.retain_mut(|f| {
            if f.location.file == *parent {
                return true;
            }
            let file = canonical(&f.location.file);
            if file == *me {
                return true;
            }
            if !checked.contains_key(file.as_path()) {
                return elsewhere.insert(key(f, file));
            }
            if own.contains(&key(f, file)) {
                return false;
            }
            mark(f, parent);
            true
        });
    }
}

/// Name the parent that deployed the module, and keep its fingerprint apart from the
/// module's own finding.
fn mark(f: &mut Finding, parent: &Path) {
    let shown = parent.to_string_lossy().replace('\\', "/");
    f.message = format!("{} (through {shown}, which deploys this file)", f.message);
    f.fingerprint = fingerprint(&[&f.fingerprint, &shown]);
}
