//! The options of `acrlint new registry`, as given and as validated.

use std::fmt;

/// Registry SKU.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sku {
    Basic,
    Standard,
    #[default]
    Premium,
}

impl Sku {
    pub fn as_str(self) -> &'static str {
        match self {
            Sku::Basic => "Basic",
            Sku::Standard => "Standard",
            Sku::Premium => "Premium",
        }
    }
}

/// The registry's role assignment mode (`properties.roleAssignmentMode`).
///
/// The default is the ABAC mode ("RBAC Registry + ABAC Repository Permissions"):
/// Microsoft recommends it for every registry and plans to make it Azure's default,
/// it is generally available for every SKU and region, a new registry has no existing
/// assignments it could cut off, and it is the only mode whose roles can be limited to
/// repositories. Its caveats (AcrPull/AcrPush are not honored, so tools that assign
/// them grant nothing; ACR Tasks need an identity with repository roles; Docker
/// Content Trust is not supported) are why `rbac` remains one option away.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RoleAssignmentMode {
    /// `AbacRepositoryPermissions`.
    #[default]
    Abac,
    /// `LegacyRegistryPermissions`.
    Rbac,
}

impl RoleAssignmentMode {
    pub fn property_value(self) -> &'static str {
        match self {
            RoleAssignmentMode::Abac => "AbacRepositoryPermissions",
            RoleAssignmentMode::Rbac => "LegacyRegistryPermissions",
        }
    }
}

/// The options as the user gave them (strings not yet checked).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegistryRequest {
    pub name: Option<String>,
    pub location: Option<String>,
    /// `None`: Premium.
    pub sku: Option<Sku>,
    pub replicas: Vec<String>,
    pub private_endpoint: bool,
    pub cmk: bool,
    pub pull_principals: Vec<String>,
    pub push_principals: Vec<String>,
    /// `None`: the ABAC mode.
    pub role_assignment_mode: Option<RoleAssignmentMode>,
    /// Repositories the pull principals may read (`name` or `prefix/*`); none: all.
    pub pull_repositories: Vec<String>,
    /// Repositories the push principals may write (`name` or `prefix/*`); none: all.
    pub push_repositories: Vec<String>,
    /// `KEY=VALUE` as written.
    pub tags: Vec<String>,
    /// Log Analytics workspace resource ID.
    pub diagnostics: Option<String>,
    pub complete_mode_safe: bool,
    pub quarantine: bool,
    pub content_trust: bool,
    /// Parameter files only: values of the parameters that have no default.
    pub subnet_id: Option<String>,
    pub key_vault_name: Option<String>,
    pub key_name: Option<String>,
}

/// An invalid option: which one and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionError {
    /// The option as written on the command line (`--name`).
    pub option: &'static str,
    pub message: String,
}

impl fmt::Display for OptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.option, self.message)
    }
}

/// `Err` when an option was given a value of the wrong shape: "`value` is not `what`".
fn check_shape(
    option: &'static str,
    value: &Option<String>,
    valid: fn(&str) -> bool,
    what: &str,
) -> Result<(), OptionError> {
    match value {
        Some(v) if !valid(v) => Err(err(option, format!("{v:?} is not {what}"))),
        _ => Ok(()),
    }
}

fn err(option: &'static str, message: impl Into<String>) -> OptionError {
    OptionError {
        option,
        message: message.into(),
    }
}

/// Validated options, normalised (regions lowercase without spaces, GUIDs lowercase).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RegistrySpec {
    pub name: Option<String>,
    pub location: Option<String>,
    pub sku: Sku,
    pub replicas: Vec<String>,
    pub private_endpoint: bool,
    pub cmk: bool,
    pub pull_principals: Vec<String>,
    pub push_principals: Vec<String>,
    pub role_assignment_mode: RoleAssignmentMode,
    /// ABAC condition of the pull principals' role assignments.
    pub pull_condition: Option<String>,
    /// ABAC condition of the push principals' role assignments.
    pub push_condition: Option<String>,
    pub tags: Vec<(String, String)>,
    pub workspace_id: Option<String>,
    pub complete_mode_safe: bool,
    pub quarantine: bool,
    pub content_trust: bool,
    pub subnet_id: Option<String>,
    pub key_vault_name: Option<String>,
    pub key_name: Option<String>,
}

/// Registry names: 5–50 alphanumerics (ACR FAQ; rule ACR017).
pub fn valid_registry_name(name: &str) -> bool {
    (5..=50).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// `West Europe` → `westeurope`; `None` when it cannot be a region name (letters then
/// letters/digits, as every Azure region's programmatic name).
pub fn normalize_region(region: &str) -> Option<String> {
    let r: String = region
        .chars()
        .filter(|c| *c != ' ')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let mut chars = r.chars();
    let ok = (3..=40).contains(&r.len())
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    ok.then_some(r)
}

/// A Microsoft Entra object ID: a GUID (`8-4-4-4-12` hex digits), lowercased.
pub fn normalize_guid(id: &str) -> Option<String> {
    let groups: Vec<&str> = id.split('-').collect();
    let lens = [8, 4, 4, 4, 12];
    let ok = groups.len() == 5
        && groups
            .iter()
            .zip(lens)
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()));
    ok.then(|| id.to_ascii_lowercase())
}

/// `/subscriptions/{guid}/resourceGroups/{rg}/providers/Microsoft.OperationalInsights/workspaces/{name}`.
pub fn valid_workspace_id(id: &str) -> bool {
    resource_id_has_shape(id, "Microsoft.OperationalInsights", &["workspaces"])
}

/// `/subscriptions/{guid}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/{vnet}/subnets/{subnet}`.
pub fn valid_subnet_id(id: &str) -> bool {
    resource_id_has_shape(id, "Microsoft.Network", &["virtualNetworks", "subnets"])
}

/// `/subscriptions/{guid}/resourceGroups/{rg}/providers/{provider}/{type}/{name}…`, one
/// `{type}/{name}` pair per entry of `types` (compared without case), each name a valid
/// segment.
fn resource_id_has_shape(id: &str, provider: &str, types: &[&str]) -> bool {
    let parts: Vec<&str> = id.split('/').collect();
    parts.len() == 7 + 2 * types.len()
        && parts[0].is_empty()
        && parts[1].eq_ignore_ascii_case("subscriptions")
        && normalize_guid(parts[2]).is_some()
        && parts[3].eq_ignore_ascii_case("resourceGroups")
        && valid_segment(parts[4])
        && parts[5].eq_ignore_ascii_case("providers")
        && parts[6].eq_ignore_ascii_case(provider)
        && types.iter().enumerate().all(|(i, ty)| {
            parts[7 + 2 * i].eq_ignore_ascii_case(ty) && valid_segment(parts[8 + 2 * i])
        })
}

fn valid_segment(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 90
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '(' | ')'))
}

/// Key vault names: 3–24 of letters, digits and hyphens, starting with a letter.
fn valid_key_vault_name(s: &str) -> bool {
    (3..=24).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Key names: 1–127 of letters, digits and hyphens.
fn valid_key_name(s: &str) -> bool {
    (1..=127).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Azure tag limits: names up to 512 characters without `<>%&\?/`, values up to 256.
fn parse_tag(tag: &str) -> Result<(String, String), OptionError> {
    let Some((key, value)) = tag.split_once('=') else {
        return Err(err("--tag", format!("{tag:?} is not KEY=VALUE")));
    };
    if key.is_empty() {
        return Err(err("--tag", format!("{tag:?} has an empty name")));
    }
    if key.chars().count() > 512 {
        return Err(err("--tag", "tag names are at most 512 characters"));
    }
    if let Some(c) = key
        .chars()
        .find(|c| "<>%&\\?/".contains(*c) || c.is_control())
    {
        return Err(err(
            "--tag",
            format!("tag name {key:?} contains {c:?}, which Azure does not allow in tag names"),
        ));
    }
    if value.chars().count() > 256 {
        return Err(err("--tag", "tag values are at most 256 characters"));
    }
    Ok((key.to_string(), value.to_string()))
}

fn guids(ids: &[String], option: &'static str) -> Result<Vec<String>, OptionError> {
    let mut out: Vec<String> = Vec::new();
    for id in ids {
        let g = normalize_guid(id).ok_or_else(|| {
            err(
                option,
                format!("{id:?} is not a principal object ID (a GUID such as 00000000-0000-0000-0000-000000000000)"),
            )
        })?;
        if !out.contains(&g) {
            out.push(g);
        }
    }
    Ok(out)
}

/// Data actions of Container Registry Repository Reader and Writer, which a
/// repository condition limits (ACR docs, "Microsoft Entra attribute-based access
/// control (ABAC) for repository permissions"; role definitions in "Azure built-in
/// roles for Containers", checked 2026-12-01).
const READ_ACTIONS: &[&str] = &[
    "Microsoft.ContainerRegistry/registries/repositories/content/read",
    "Microsoft.ContainerRegistry/registries/repositories/metadata/read",
];
const WRITE_ACTIONS: &[&str] = &[
    "Microsoft.ContainerRegistry/registries/repositories/content/read",
    "Microsoft.ContainerRegistry/registries/repositories/metadata/read",
    "Microsoft.ContainerRegistry/registries/repositories/content/write",
    "Microsoft.ContainerRegistry/registries/repositories/metadata/write",
];

/// The ABAC condition (version 2.0) that limits `actions` to the repositories the
/// patterns name: `name` exactly, `prefix/*` every repository under `prefix/` (the
/// trailing slash keeps `prefix-other` out, as the ACR docs warn). The patterns are
/// checked against the repository grammar first, so they hold no quote.
fn repository_condition(
    option: &'static str,
    patterns: &[String],
    actions: &[&str],
) -> Result<Option<String>, OptionError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut tests: Vec<String> = Vec::new();
    for p in patterns {
        let (operator, value) = match p.strip_suffix('*') {
            Some(prefix) if prefix.ends_with('/') => ("StringStartsWithIgnoreCase", prefix),
            _ => ("StringEqualsIgnoreCase", p.as_str()),
        };
        let name = value.strip_suffix('/').unwrap_or(value);
        if name.is_empty() || name.contains('*') {
            return Err(err(
                option,
                format!("{p:?} is not a repository name or prefix (use NAME or PREFIX/*; leave the option out for every repository)"),
            ));
        }
        if let Some(problem) = crate::rules::native::repository_problem(name) {
            return Err(err(option, format!("repository {name:?} {problem}")));
        }
        let test = format!(
            "@Request[Microsoft.ContainerRegistry/registries/repositories:name] {operator} '{value}'"
        );
        if !tests.contains(&test) {
            tests.push(test);
        }
    }
    let unless: Vec<String> = actions
        .iter()
        .map(|a| format!("!(ActionMatches{{'{a}'}})"))
        .collect();
    Ok(Some(format!(
        "(({}) OR ({}))",
        unless.join(" AND "),
        tests.join(" OR ")
    )))
}

/// The pull condition of `patterns`, for tests.
#[cfg(test)]
pub(crate) fn tests_repository_condition(patterns: &[String]) -> Option<String> {
    repository_condition("--pull-repository", patterns, READ_ACTIONS).ok()?
}

impl RegistryRequest {
    pub(crate) fn validate(&self) -> Result<RegistrySpec, OptionError> {
        if let Some(n) = &self.name {
            if !valid_registry_name(n) {
                return Err(err(
                    "--name",
                    format!("{n:?} is not a registry name: use 5-50 letters and digits"),
                ));
            }
        }
        let location = match &self.location {
            Some(l) => Some(normalize_region(l).ok_or_else(|| {
                err(
                    "--location",
                    format!("{l:?} is not an Azure region name (like westeurope or eastus2)"),
                )
            })?),
            None => None,
        };
        let mut replicas: Vec<String> = Vec::new();
        for r in &self.replicas {
            let n = normalize_region(r).ok_or_else(|| {
                err(
                    "--replica",
                    format!("{r:?} is not an Azure region name (like westeurope or eastus2)"),
                )
            })?;
            if location.as_deref() == Some(n.as_str()) {
                return Err(err(
                    "--replica",
                    format!("{n} is the registry's home region (--location): Azure replicates it already"),
                ));
            }
            if replicas.contains(&n) {
                return Err(err("--replica", format!("{n} is given twice")));
            }
            replicas.push(n);
        }
        let premium_only = [
            (!replicas.is_empty(), "--replica"),
            (self.private_endpoint, "--private-endpoint"),
            (self.cmk, "--cmk"),
            (self.quarantine, "--quarantine"),
            (self.content_trust, "--content-trust"),
            (self.complete_mode_safe, "--complete-mode-safe"),
        ];
        let sku = self.sku.unwrap_or_default();
        if sku != Sku::Premium {
            if let Some((_, option)) = premium_only.iter().find(|(on, _)| *on) {
                return Err(err(
                    option,
                    format!("needs the Premium SKU, not --sku {}", sku.as_str()),
                ));
            }
        }
        let mut tags: Vec<(String, String)> = Vec::new();
        for t in &self.tags {
            let (k, v) = parse_tag(t)?;
            if tags.iter().any(|(x, _)| x.eq_ignore_ascii_case(&k)) {
                return Err(err(
                    "--tag",
                    format!("tag {k:?} is given twice (tag names are case-insensitive)"),
                ));
            }
            tags.push((k, v));
        }
        if tags.len() > 50 {
            return Err(err("--tag", "Azure allows at most 50 tags per resource"));
        }
        let mode = self.role_assignment_mode.unwrap_or_default();
        if mode == RoleAssignmentMode::Rbac {
            for (patterns, option) in [
                (&self.pull_repositories, "--pull-repository"),
                (&self.push_repositories, "--push-repository"),
            ] {
                if !patterns.is_empty() {
                    return Err(err(
                        option,
                        "repository conditions need the ABAC mode (leave out --role-assignment-mode rbac)",
                    ));
                }
            }
        } else if self.content_trust {
            return Err(err(
                "--content-trust",
                "registries in the ABAC mode do not support Docker Content Trust: add --role-assignment-mode rbac",
            ));
        }
        for (patterns, principals, option, needs) in [
            (
                &self.pull_repositories,
                &self.pull_principals,
                "--pull-repository",
                "--pull-principal",
            ),
            (
                &self.push_repositories,
                &self.push_principals,
                "--push-repository",
                "--push-principal",
            ),
        ] {
            if !patterns.is_empty() && principals.is_empty() {
                return Err(err(
                    option,
                    format!("limits the role assignments of {needs}, and none is given"),
                ));
            }
        }
        let pull_condition =
            repository_condition("--pull-repository", &self.pull_repositories, READ_ACTIONS)?;
        let push_condition =
            repository_condition("--push-repository", &self.push_repositories, WRITE_ACTIONS)?;
        check_shape(
            "--diagnostics",
            &self.diagnostics,
            valid_workspace_id,
            "a Log Analytics workspace resource ID (/subscriptions/…/resourceGroups/…/providers/Microsoft.OperationalInsights/workspaces/…)",
        )?;
        check_shape(
            "--subnet-id",
            &self.subnet_id,
            valid_subnet_id,
            "a subnet resource ID (/subscriptions/…/resourceGroups/…/providers/Microsoft.Network/virtualNetworks/…/subnets/…)",
        )?;
        check_shape(
            "--key-vault",
            &self.key_vault_name,
            valid_key_vault_name,
            "a key vault name: 3-24 letters, digits and hyphens, starting with a letter",
        )?;
        check_shape(
            "--key-name",
            &self.key_name,
            valid_key_name,
            "a key name: letters, digits and hyphens",
        )?;
        Ok(RegistrySpec {
            name: self.name.clone(),
            location,
            sku,
            replicas,
            private_endpoint: self.private_endpoint,
            cmk: self.cmk,
            pull_principals: guids(&self.pull_principals, "--pull-principal")?,
            push_principals: guids(&self.push_principals, "--push-principal")?,
            role_assignment_mode: mode,
            pull_condition,
            push_condition,
            tags,
            workspace_id: self.diagnostics.clone(),
            complete_mode_safe: self.complete_mode_safe,
            quarantine: self.quarantine,
            content_trust: self.content_trust,
            subnet_id: self.subnet_id.clone(),
            key_vault_name: self.key_vault_name.clone(),
            key_name: self.key_name.clone(),
        })
    }

    /// Like [`validate`](Self::validate), and the parameters without a default must
    /// have a value.
    pub(crate) fn validate_for_params(&self) -> Result<RegistrySpec, OptionError> {
        let spec = self.validate()?;
        if spec.private_endpoint && spec.subnet_id.is_none() {
            return Err(err(
                "--subnet-id",
                "--private-endpoint needs the subnet resource ID for the parameter file",
            ));
        }
        if spec.cmk && spec.key_vault_name.is_none() {
            return Err(err(
                "--key-vault",
                "--cmk needs the key vault name for the parameter file",
            ));
        }
        if spec.cmk && spec.key_name.is_none() {
            return Err(err(
                "--key-name",
                "--cmk needs the key name for the parameter file",
            ));
        }
        Ok(spec)
    }
}
