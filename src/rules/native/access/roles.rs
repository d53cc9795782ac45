//! The Azure built-in roles the access rules (ACR020, ACR024) and `acrlint new` name,
//! and reading which role a `roleDefinitionId` grants, however it is written.
//!
//! Every id below was checked on 2026-12-01 against the generated role reference
//! "Azure built-in roles for Containers"
//! (<https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/containers>)
//! and, for Owner and Contributor, "Azure built-in roles for Privileged"
//! (<https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/privileged>).
//! Which roles apply in which role assignment mode is from the ACR pages "Azure
//! Container Registry Entra permissions and role assignments overview" and "Microsoft
//! Entra attribute-based access control (ABAC) for repository permissions".

use crate::arm::value::{Step, Term, Value};

/// A built-in role definition: its name and its id (the role definition GUID).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BuiltInRole {
    pub name: &'static str,
    pub id: &'static str,
}

impl BuiltInRole {
    /// `AcrPull (7f951dda-…)`, as messages name a role.
    pub fn cited(&self) -> String {
        format!("{} ({})", self.name, self.id)
    }
}

const fn role(name: &'static str, id: &'static str) -> BuiltInRole {
    BuiltInRole { name, id }
}

pub const OWNER: BuiltInRole = role("Owner", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635");
pub const CONTRIBUTOR: BuiltInRole = role("Contributor", "b24988ac-6180-42a0-ab88-20f7382dd24c");

// Data plane roles of registries in RBAC mode ("RBAC Registry Permissions",
// `LegacyRegistryPermissions`): not honored in ABAC-enabled registries.
pub const ACR_PULL: BuiltInRole = role("AcrPull", "7f951dda-4ed3-4680-a7ca-43fe172d538d");
pub const ACR_PUSH: BuiltInRole = role("AcrPush", "8311e382-0749-4cb8-b61a-304f252e45ec");
pub const ACR_DELETE: BuiltInRole = role("AcrDelete", "c2f4ef07-c644-48eb-af81-4b1b4947fb11");

// Data plane roles of ABAC-enabled registries ("RBAC Registry + ABAC Repository
// Permissions", `AbacRepositoryPermissions`); they take optional repository conditions.
pub const REPOSITORY_READER: BuiltInRole = role(
    "Container Registry Repository Reader",
    "b93aa761-3e63-49ed-ac28-beffa264f7ac",
);
pub const REPOSITORY_WRITER: BuiltInRole = role(
    "Container Registry Repository Writer",
    "2a1e307c-b015-4ebd-883e-5b7698a07328",
);
pub const REPOSITORY_CONTRIBUTOR: BuiltInRole = role(
    "Container Registry Repository Contributor",
    "2efddaa5-3f1f-4df3-97df-af3f13818f4c",
);
pub const CATALOG_LISTER: BuiltInRole = role(
    "Container Registry Repository Catalog Lister",
    "bfdb9389-c9a5-478a-bb2f-ba9ca092c3c7",
);

// Task roles, the same in both modes.
pub const DATA_IMPORTER: BuiltInRole = role(
    "Container Registry Data Importer and Data Reader",
    "577a9874-89fd-4f24-9dbd-b5034d0ad23a",
);
pub const TASKS_CONTRIBUTOR: BuiltInRole = role(
    "Container Registry Tasks Contributor",
    "fb382eab-e894-4461-af04-94435c366c3f",
);
pub const CACHE_RULE_ADMINISTRATOR: BuiltInRole = role(
    "Container Registry Cache Rule Administrator",
    "df87f177-bb12-4db1-9793-a413691eff94",
);
pub const CREDENTIAL_SET_ADMINISTRATOR: BuiltInRole = role(
    "Container Registry Credential Set Administrator",
    "f094fb07-0703-4400-ad6a-e16dd8000e14",
);
pub const CONFIGURATION_READER: BuiltInRole = role(
    "Container Registry Configuration Reader and Data Access Configuration Reader",
    "69b07be0-09bf-439a-b9a6-e73de851bd59",
);
pub const CONFIGURATION_ADMINISTRATOR: BuiltInRole = role(
    "Container Registry Contributor and Data Access Configuration Administrator",
    "3bc748fc-213d-45c1-8d91-9da5725539b9",
);
pub const TRANSFER_PIPELINE_CONTRIBUTOR: BuiltInRole = role(
    "Container Registry Transfer Pipeline Contributor",
    "bf94e731-3a51-4a7c-8c54-a1ab9971dfc1",
);

/// The legacy roles ABAC-enabled registries do not honor, each with the ABAC-enabled
/// role that grants the same access there (the ACR roles overview, "Recommended
/// built-in roles by scenario", per mode: pull, push, delete).
pub const LEGACY_TO_ABAC: [(BuiltInRole, BuiltInRole); 3] = [
    (ACR_PULL, REPOSITORY_READER),
    (ACR_PUSH, REPOSITORY_WRITER),
    (ACR_DELETE, REPOSITORY_CONTRIBUTOR),
];

/// The ABAC-enabled role to use instead of a legacy one.
pub fn abac_equivalent(legacy: &str) -> Option<(BuiltInRole, BuiltInRole)> {
    LEGACY_TO_ABAC
        .iter()
        .copied()
        .find(|(l, _)| l.id.eq_ignore_ascii_case(legacy))
}

/// The role definition GUIDs a `roleDefinitionId` value may hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleIds {
    /// Lowercase GUIDs, each once.
    pub guids: Vec<String>,
    /// The value is one of `guids` but acrlint cannot tell which (an unknown
    /// computation that mentions several), or the parameter it depends on.
    pub doubt: Option<String>,
}

/// Role definition GUIDs a `roleDefinitionId` may hold, in every form it is written
/// in: a bare GUID, `/providers/Microsoft.Authorization/roleDefinitions/<guid>`, a
/// full id, `subscriptionResourceId(...)`/`resourceId(...)`/`tenantResourceId(...)`
/// (known, or unknown without `--subscription-id`), a Bicep `existing` role definition's
/// `.id`, a parameter's allowed values, or a lookup table that maps role names to ids
/// (only the id outside the table counts). `None` when it cannot be told.
pub fn role_ids(v: &Value) -> Option<RoleIds> {
    match v {
        Value::String(s) => {
            let guid = last_segment_guid(s)?;
            Some(RoleIds {
                guids: vec![guid],
                doubt: None,
            })
        }
        Value::Candidates(c) => {
            let mut guids = Vec::new();
            for x in &c.values {
                let g = x.as_str().and_then(last_segment_guid)?;
                if !guids.contains(&g) {
                    guids.push(g);
                }
            }
            let doubt = (guids.len() > 1).then(|| c.origin());
            Some(RoleIds { guids, doubt })
        }
        Value::Unknown(u) => {
            if let Some(r) = &u.resource {
                if r.resource_type
                    .to_ascii_lowercase()
                    .ends_with("microsoft.authorization/roledefinitions")
                {
                    if let Some(g) = r
                        .name
                        .0
                        .last()
                        .and_then(|s| s.as_text())
                        .and_then(last_segment_guid)
                    {
                        return Some(RoleIds {
                            guids: vec![g],
                            doubt: None,
                        });
                    }
                }
            }
            let guids = guids_outside_tables(u.term.as_ref()?);
            match guids.len() {
                0 => None,
                1 => Some(RoleIds { guids, doubt: None }),
                _ => Some(RoleIds {
                    guids,
                    doubt: Some("a computation acrlint cannot follow offline".into()),
                }),
            }
        }
        _ => None,
    }
}

/// The GUID a role id ends with (`…/roleDefinitions/<guid>` or a bare GUID).
fn last_segment_guid(s: &str) -> Option<String> {
    let last = s.rsplit('/').next().unwrap_or(s).trim();
    let last = last.trim_matches('\'');
    is_guid(last).then(|| last.to_ascii_lowercase())
}

/// `8-4-4-4-12` hexadecimal digits.
pub fn is_guid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The GUIDs a term mentions, each once, in the order it is written. Those inside
/// object literals (`{...}`, a table that maps role names to ids, looked up with a
/// key acrlint cannot read) are left out when any GUID is written outside one: the
/// value is that one.
fn guids_outside_tables(term: &Term) -> Vec<String> {
    let mut found = Found::default();
    found.term(term, false, 0);
    if found.outside.is_empty() {
        found.inside
    } else {
        found.outside
    }
}

/// GUIDs met in a term, outside and inside object literals.
#[derive(Default)]
struct Found {
    outside: Vec<String>,
    inside: Vec<String>,
}

/// Nesting past which a term is not read further (terms are bounded by the
/// evaluator's caps; this bounds the recursion too).
const MAX_DEPTH: usize = 64;

impl Found {
    fn term(&mut self, t: &Term, inside: bool, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match t {
            Term::Parameter(name) => self.text(name, inside),
            Term::Call(c) => {
                for a in &c.args {
                    self.value(a, inside, depth + 1);
                }
            }
            Term::Access(a) => {
                self.term(&a.base, inside, depth + 1);
                match &a.step {
                    Step::Property(k) => self.text(k, inside),
                    Step::Index(v) => self.value(v, inside, depth + 1),
                }
            }
            Term::Context(_) | Term::Digest { .. } => {}
        }
    }

    /// An argument of a call: a literal, a nested unknown (read through its term), or
    /// data.
    fn value(&mut self, v: &Value, inside: bool, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match v {
            Value::String(s) => self.text(s, inside),
            Value::Unknown(u) => match &u.term {
                Some(t) => self.term(t, inside, depth + 1),
                None => self.text(&u.why, inside),
            },
            Value::Candidates(c) => self.text(&c.parameter, inside),
            Value::Array(items) => {
                for x in items.iter() {
                    self.value(x, inside, depth + 1);
                }
            }
            // A table: its keys and values are inside it.
            Value::Object(map) => {
                for (k, x) in map.iter() {
                    self.text(k, true);
                    self.value(x, true, depth + 1);
                }
            }
            _ => {}
        }
    }

    /// The GUIDs in literal text: 36 characters not next to another hex digit or dash.
    fn text(&mut self, text: &str, inside: bool) {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // A GUID starts at a hex digit not preceded by one.
            let starts = bytes[i].is_ascii_hexdigit() && (i == 0 || !is_guid_byte(bytes[i - 1]));
            if starts && i + 36 <= bytes.len() {
                if let Some(candidate) = text.get(i..i + 36) {
                    let ends = bytes.get(i + 36).is_none_or(|n| !is_guid_byte(*n));
                    if ends && is_guid(candidate) {
                        let g = candidate.to_ascii_lowercase();
                        let list = if inside {
                            &mut self.inside
                        } else {
                            &mut self.outside
                        };
                        if !list.contains(&g) {
                            list.push(g);
                        }
                        i += 36;
                        continue;
                    }
                }
            }
            i += 1;
        }
    }
}

fn is_guid_byte(b: u8) -> bool {
    b.is_ascii_hexdigit() || b == b'-'
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arm::value::{Candidates, Map, Name, ResourceRef, Str, Unknown};
    use std::sync::Arc;

    const DEFINITIONS: &str = "Microsoft.Authorization/roleDefinitions";

    fn guids(v: &Value) -> Vec<String> {
        role_ids(v).map(|r| r.guids).unwrap_or_default()
    }

    #[test]
    fn every_written_form_of_a_role_id() {
        let pull = ACR_PULL.id.to_string();
        for text in [
            "7f951dda-4ed3-4680-a7ca-43fe172d538d",
            "7F951DDA-4ED3-4680-A7CA-43FE172D538D",
            "/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d",
            "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d",
        ] {
            assert_eq!(guids(&Value::str(text)), vec![pull.clone()], "{text}");
        }
        let term = Value::unknown_term(
            "subscription id is not set",
            Term::call(
                "subscriptionResourceId",
                &[Value::str(DEFINITIONS), Value::str(&pull)],
            ),
        );
        assert_eq!(guids(&term), vec![pull.clone()]);
        let existing = Value::Unknown(Arc::new(Unknown {
            why: "x".into(),
            resource: Some(Arc::new(ResourceRef {
                resource_type: "Microsoft.Authorization/roleDefinitions".into(),
                name: Name::text(&pull),
            })),
            ..Default::default()
        }));
        assert_eq!(guids(&existing), vec![pull.clone()]);
        assert_eq!(role_ids(&Value::str("AcrPull")), None);
        assert_eq!(
            role_ids(&Value::unknown("parameter 'role' has no value")),
            None
        );
    }

    #[test]
    fn a_name_to_id_table_counts_only_for_the_id_outside_it() {
        let id = |ty: &str, guid: &str| {
            Value::unknown_term(
                "x",
                Term::call(
                    "subscriptionResourceId",
                    &[Value::str(ty), Value::str(guid)],
                ),
            )
        };
        let table = |members: Vec<(&str, Value)>| {
            Value::object(
                members
                    .into_iter()
                    .map(|(k, v)| (Str::from(k), v))
                    .collect::<Map>(),
            )
        };
        let k = Value::unknown_term("x", Term::Parameter("k".into()));
        let lookup = Value::unknown_term(
            "x",
            Term::call(
                "tryGet",
                &[
                    table(vec![
                        (
                            "AcrPull",
                            id(DEFINITIONS, "7f951dda-4ed3-4680-a7ca-43fe172d538d"),
                        ),
                        ("Reader", id("x", "acdd72a7-3385-48ef-bd42-f606fba81ae7")),
                    ]),
                    k.clone(),
                ],
            ),
        );
        let term = Term::call(
            "coalesce",
            &[
                lookup,
                id(DEFINITIONS, "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"),
            ],
        );
        let ids = role_ids(&Value::unknown_term("x", term)).unwrap();
        assert_eq!(ids.guids, vec![OWNER.id.to_string()]);
        assert_eq!(ids.doubt, None);
        // Only a table: every id in it, with doubt.
        let only = Term::call(
            "tryGet",
            &[
                table(vec![
                    (
                        "AcrPull",
                        Value::str("7f951dda-4ed3-4680-a7ca-43fe172d538d"),
                    ),
                    (
                        "AcrPush",
                        Value::str("8311e382-0749-4cb8-b61a-304f252e45ec"),
                    ),
                ]),
                k,
            ],
        );
        let ids = role_ids(&Value::unknown_term("x", only)).unwrap();
        assert_eq!(ids.guids.len(), 2);
        assert!(ids.doubt.is_some());
        // A table whose ids are computed: read through their terms, not as JSON.
        let computed = Term::call(
            "tryGet",
            &[
                table(vec![
                    (
                        "AcrPull",
                        id(DEFINITIONS, "7f951dda-4ed3-4680-a7ca-43fe172d538d"),
                    ),
                    (
                        "AcrPush",
                        id(DEFINITIONS, "8311e382-0749-4cb8-b61a-304f252e45ec"),
                    ),
                ]),
                Value::unknown_term("x", Term::Parameter("k".into())),
            ],
        );
        let ids = role_ids(&Value::unknown_term("x", computed)).unwrap();
        assert_eq!(
            ids.guids,
            vec![ACR_PULL.id.to_string(), ACR_PUSH.id.to_string()]
        );
        assert!(ids.doubt.is_some());
    }

    #[test]
    fn allowed_values_are_candidates() {
        let c = Value::Candidates(Arc::new(Candidates {
            values: vec![Value::str(ACR_PULL.id), Value::str(REPOSITORY_READER.id)],
            parameter: "role".into(),
        }));
        let ids = role_ids(&c).unwrap();
        assert_eq!(ids.guids.len(), 2);
        assert_eq!(ids.doubt.as_deref(), Some("parameter `role`"));
    }

    /// The roles this module knows.
    const KNOWN: &[BuiltInRole] = &[
        OWNER,
        CONTRIBUTOR,
        ACR_PULL,
        ACR_PUSH,
        ACR_DELETE,
        REPOSITORY_READER,
        REPOSITORY_WRITER,
        REPOSITORY_CONTRIBUTOR,
        CATALOG_LISTER,
        DATA_IMPORTER,
        TASKS_CONTRIBUTOR,
        CACHE_RULE_ADMINISTRATOR,
        CREDENTIAL_SET_ADMINISTRATOR,
        CONFIGURATION_READER,
        CONFIGURATION_ADMINISTRATOR,
        TRANSFER_PIPELINE_CONTRIBUTOR,
    ];

    #[test]
    fn lookups_and_equivalents() {
        assert_eq!(
            abac_equivalent(ACR_PUSH.id).map(|(_, a)| a),
            Some(REPOSITORY_WRITER)
        );
        assert_eq!(abac_equivalent(REPOSITORY_READER.id), None);
        assert!(KNOWN.iter().all(|r| is_guid(r.id)));
        assert!(!is_guid("7f951dda-4ed3-4680-a7ca-43fe172d538"));
    }
}
