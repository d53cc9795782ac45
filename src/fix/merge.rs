//! One set of edits made consistent before it is applied: the members several fixes
//! add to one object of the syntax tree become one insertion (two fixes that each
//! add a missing `policies` object write it once, with both policies), and edits
//! that overlap are refused.

use super::edit::{self, Edit, Member, Planned};
use super::parsed::Parsed;
use super::spec::SetProperty;

/// An object's span, the distinct members added to it and the edits that add them.
type Group = ((u32, u32), Vec<Member>, Vec<Edit>);

/// `members` with `add` merged in: a key already there takes the union of both
/// objects; two different values for one key are a conflict.
fn merge_member(
    members: &mut Vec<(String, serde_json::Value)>,
    key: &str,
    value: &serde_json::Value,
) -> Result<(), String> {
    let Some(at) = members.iter().position(|(k, _)| k == key) else {
        members.push((key.to_string(), value.clone()));
        return Ok(());
    };
    let existing = &mut members[at].1;
    if existing == value {
        return Ok(());
    }
    match (existing, value) {
        (serde_json::Value::Object(old), serde_json::Value::Object(new)) => {
            let mut merged: Vec<(String, serde_json::Value)> =
                old.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            for (k, v) in new {
                merge_member(&mut merged, k, v)?;
            }
            *old = merged.into_iter().collect();
            Ok(())
        }
        (old, new) => Err(format!(
            "two fixes set {key} to different values ({old} and {new})"
        )),
    }
}

/// Why writes into one resource disagree, if they do: one path written with two
/// values (even when one of them is already there, so that its fix plans no edit),
/// or one path inside another.
pub(super) fn disagreement<'a>(sets: impl IntoIterator<Item = &'a SetProperty>) -> Option<String> {
    let sets: Vec<&SetProperty> = sets.into_iter().collect();
    for (i, a) in sets.iter().enumerate() {
        for b in &sets[i + 1..] {
            let (p, q) = (a.path.to_ascii_lowercase(), b.path.to_ascii_lowercase());
            if p == q && a.value != b.value {
                return Some(format!(
                    "two fixes set {} to different values ({} and {})",
                    a.path, a.value, b.value
                ));
            }
            if p.starts_with(&format!("{q}.")) || q.starts_with(&format!("{p}.")) {
                return Some(format!(
                    "two fixes write {} and {}, one inside the other",
                    a.path, b.path
                ));
            }
        }
    }
    None
}

/// The edits to apply for `edits` on `text`: member insertions into one object
/// merged into one edit, identical edits once, sorted. `Err` with the reason when
/// edits overlap or disagree.
pub(super) fn merge(parsed: &Parsed, text: &str, edits: Vec<Edit>) -> Result<Vec<Edit>, String> {
    let mut plain: Vec<Edit> = Vec::new();
    // Objects in order of first appearance, with their distinct added members and
    // the edits that add them.
    let mut groups: Vec<Group> = Vec::new();
    for e in edits {
        match e.member.as_deref().cloned() {
            None => {
                if !plain.contains(&e) {
                    plain.push(e);
                }
            }
            Some(m) => match groups.iter_mut().find(|g| g.0 == m.object) {
                Some(g) => {
                    if !g.1.contains(&m) {
                        g.1.push(m);
                    }
                    if !g.2.contains(&e) {
                        g.2.push(e);
                    }
                }
                None => groups.push((m.object, vec![m], vec![e])),
            },
        }
    }
    let mut out = plain;
    for (object, members, group_edits) in groups {
        if members.len() == 1 {
            out.extend(group_edits);
            continue;
        }
        let mut merged: Vec<(String, serde_json::Value)> = Vec::new();
        for m in &members {
            merge_member(&mut merged, &m.key, &m.value)?;
        }
        match parsed.insert_members(text, object, &merged) {
            Planned::Edits(e) => out.extend(e),
            Planned::Nothing => {}
            Planned::Manual(m) => return Err(m),
        }
    }
    // Stable: insertions at one offset keep their order.
    out.sort_by_key(|e| (e.start, e.end));
    let (_, rejected) = edit::apply(text, &out);
    if let Some(r) = rejected.first() {
        return Err(format!(
            "the fixes edit overlapping text (at byte {}): apply them one rule at a time with --rule",
            r.start
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn members_with_one_key_are_unioned_and_conflicts_refused() {
        let mut m = Vec::new();
        merge_member(
            &mut m,
            "policies",
            &json!({"exportPolicy": {"status": "disabled"}}),
        )
        .unwrap();
        merge_member(
            &mut m,
            "policies",
            &json!({"azureADAuthenticationAsArmPolicy": {"status": "disabled"}}),
        )
        .unwrap();
        merge_member(
            &mut m,
            "policies",
            &json!({"exportPolicy": {"status": "disabled"}}),
        )
        .unwrap();
        assert_eq!(m.len(), 1);
        assert_eq!(
            m[0].1,
            json!({"exportPolicy": {"status": "disabled"}, "azureADAuthenticationAsArmPolicy": {"status": "disabled"}})
        );
        let err = merge_member(
            &mut m,
            "policies",
            &json!({"exportPolicy": {"status": "enabled"}}),
        );
        assert!(
            err.unwrap_err().contains("status"),
            "conflict names the key"
        );
    }
}
