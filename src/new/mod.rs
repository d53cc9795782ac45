//! `acrlint new registry` / `acrlint new params`: validated options → Tera context →
//! rendered ARM JSON or Bicep.
//!
//! The templates live in `templates/` and are embedded in the binary. Every
//! user-supplied string reaches them through an escaping filter (see
//! [`crate::source::escape`]); the renderer refuses any value that skips one.

mod options;

pub use options::{OptionError, RegistryRequest, RoleAssignmentMode, Sku};

use std::sync::OnceLock;

use serde::Serialize;
use tera::{Context, Kwargs, State, Tera, Value};

use crate::rules::native::access::roles::{self, BuiltInRole};
use crate::source::escape;

/// Output language of a generated file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TemplateFormat {
    Arm,
    Bicep,
}

/// API versions used by the generated templates: the latest stable ones
/// (registry: the shared reference data's REST spec 2025-11-01).
#[derive(Clone, Debug, Serialize)]
pub struct ApiVersions {
    pub registry: &'static str,
    pub identity: &'static str,
    pub key_vault: &'static str,
    pub role_assignment: &'static str,
    pub private_dns: &'static str,
    pub private_endpoint: &'static str,
    /// `Microsoft.Insights/diagnosticSettings` has no stable version newer than
    /// 2016-09-01; 2021-05-01-preview is what Azure Verified Modules use.
    pub diagnostics: &'static str,
}

pub const API_VERSIONS: ApiVersions = ApiVersions {
    registry: "2025-11-01",
    identity: "2023-01-31",
    key_vault: "2023-07-01",
    role_assignment: "2022-04-01",
    private_dns: "2024-06-01",
    private_endpoint: "2024-05-01",
    diagnostics: "2021-05-01-preview",
};

/// Built-in role definitions the templates assign: the registry roles of the chosen
/// mode (see [`crate::rules::native::access::roles`] for the ids and their source).
pub const KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER_ROLE: &str =
    "e147488a-f6f5-4113-8e2d-b22465e65bf6";

/// The roles that let principals pull and push in a mode.
pub fn pull_and_push_roles(mode: RoleAssignmentMode) -> (BuiltInRole, BuiltInRole) {
    match mode {
        RoleAssignmentMode::Abac => (roles::REPOSITORY_READER, roles::REPOSITORY_WRITER),
        RoleAssignmentMode::Rbac => (roles::ACR_PULL, roles::ACR_PUSH),
    }
}

const REGISTRY_ARM: &str = include_str!("../../templates/registry.json.tera");
const REGISTRY_BICEP: &str = include_str!("../../templates/registry.bicep.tera");
const PARAMS_ARM: &str = include_str!("../../templates/registry.parameters.json.tera");
const PARAMS_BICEP: &str = include_str!("../../templates/registry.bicepparam.tera");

#[derive(Serialize)]
struct RoleVariable {
    name: &'static str,
    id: &'static str,
}

#[derive(Serialize)]
struct Tag<'a> {
    key: &'a str,
    value: &'a str,
}

/// What the templates see.
#[derive(Serialize)]
struct TemplateContext<'a> {
    name: Option<&'a str>,
    location: Option<&'a str>,
    sku: &'static str,
    premium: bool,
    replicas: &'a [String],
    private_endpoint: bool,
    cmk: bool,
    pull_principals: &'a [String],
    push_principals: &'a [String],
    /// `properties.roleAssignmentMode`.
    role_assignment_mode: &'static str,
    abac: bool,
    pull_condition: Option<&'a str>,
    push_condition: Option<&'a str>,
    tags: Vec<Tag<'a>>,
    workspace_id: Option<&'a str>,
    complete_mode_safe: bool,
    quarantine: bool,
    role_variables: Vec<RoleVariable>,
    /// Findings inherent to the options chosen, suppressed with the reason: every
    /// one for the ARM resource's `metadata.acrlint.suppress`, and per line of the
    /// Bicep resource where the finding is reported (`// acrlint-disable-next-line`).
    suppress: Vec<Suppressed>,
    suppress_at: SuppressedAt,
    api: ApiVersions,
    // Parameter files only.
    subnet_id: Option<&'a str>,
    key_vault_name: Option<&'a str>,
    key_name: Option<&'a str>,
    template_path: &'a str,
}

/// A rule a generated registry does not meet by the user's choice, and why.
#[derive(Serialize, Clone)]
struct Suppressed {
    rule: String,
    reason: String,
}

/// Bicep suppression directives (`ACR009,ACR014 reason; reason`) by the line of the
/// registry they precede.
#[derive(Serialize, Default)]
struct SuppressedAt {
    name: Option<String>,
    sku: Option<String>,
    properties: Option<String>,
    public_access: Option<String>,
    policies: Option<String>,
}

/// One entry of `templates/registry.suppressions.json`.
#[derive(serde::Deserialize)]
struct SuppressionEntry {
    rule: String,
    when: String,
    bicep: String,
    reason: String,
}

#[derive(serde::Deserialize)]
struct SuppressionTable {
    suppressions: Vec<SuppressionEntry>,
}

/// The findings the options make inherent (`templates/registry.suppressions.json`),
/// with the Bicep line each is reported on.
fn suppressions(spec: &options::RegistrySpec) -> Vec<(String, Suppressed)> {
    let table: SuppressionTable =
        match serde_json::from_str(include_str!("../../templates/registry.suppressions.json")) {
            Ok(t) => t,
            // A broken table is caught by the tests; the output then has no suppressions.
            Err(_) => return Vec::new(),
        };
    let premium = spec.sku == Sku::Premium;
    let sku = spec.sku.as_str().to_ascii_lowercase();
    table
        .suppressions
        .into_iter()
        .filter(|e| match e.when.as_str() {
            "no-private-endpoint" => !spec.private_endpoint,
            "public-premium" => premium && !spec.private_endpoint,
            "not-premium" => !premium,
            "no-cmk" => !spec.cmk,
            "premium-no-quarantine" => premium && !spec.quarantine,
            _ => false,
        })
        .map(|e| {
            (
                e.bicep,
                Suppressed {
                    rule: e.rule,
                    reason: e.reason.replace("{sku}", &sku),
                },
            )
        })
        .collect()
}

/// The Bicep directive for each line: its rules and their reasons.
fn suppressed_at(list: &[(String, Suppressed)]) -> SuppressedAt {
    let directive = |line: &str| {
        let here: Vec<&Suppressed> = list
            .iter()
            .filter(|(l, _)| l == line)
            .map(|(_, s)| s)
            .collect();
        if here.is_empty() {
            return None;
        }
        let ids: Vec<&str> = here.iter().map(|s| s.rule.as_str()).collect();
        let mut reasons: Vec<&str> = Vec::new();
        for s in &here {
            if !reasons.contains(&s.reason.as_str()) {
                reasons.push(&s.reason);
            }
        }
        Some(format!("{} {}", ids.join(","), reasons.join("; ")))
    };
    SuppressedAt {
        name: directive("name"),
        sku: directive("sku"),
        properties: directive("properties"),
        public_access: directive("public_access"),
        policies: directive("policies"),
    }
}

fn context_of<'a>(spec: &'a options::RegistrySpec, template_path: &'a str) -> TemplateContext<'a> {
    let (pull, push) = pull_and_push_roles(spec.role_assignment_mode);
    let mut role_variables = Vec::new();
    if !spec.pull_principals.is_empty() {
        role_variables.push(RoleVariable {
            name: "pullRoleId",
            id: pull.id,
        });
    }
    if !spec.push_principals.is_empty() {
        role_variables.push(RoleVariable {
            name: "pushRoleId",
            id: push.id,
        });
    }
    if spec.cmk {
        role_variables.push(RoleVariable {
            name: "keyVaultCryptoUserRoleId",
            id: KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER_ROLE,
        });
    }
    TemplateContext {
        name: spec.name.as_deref(),
        location: spec.location.as_deref(),
        sku: spec.sku.as_str(),
        premium: spec.sku == Sku::Premium,
        replicas: &spec.replicas,
        private_endpoint: spec.private_endpoint,
        cmk: spec.cmk,
        pull_principals: &spec.pull_principals,
        push_principals: &spec.push_principals,
        role_assignment_mode: spec.role_assignment_mode.property_value(),
        abac: spec.role_assignment_mode == RoleAssignmentMode::Abac,
        pull_condition: spec.pull_condition.as_deref(),
        push_condition: spec.push_condition.as_deref(),
        tags: spec
            .tags
            .iter()
            .map(|(key, value)| Tag { key, value })
            .collect(),
        workspace_id: spec.workspace_id.as_deref(),
        complete_mode_safe: spec.complete_mode_safe,
        quarantine: spec.quarantine,
        role_variables,
        suppress_at: suppressed_at(&suppressions(spec)),
        suppress: suppressions(spec).into_iter().map(|(_, s)| s).collect(),
        api: API_VERSIONS,
        subnet_id: spec.subnet_id.as_deref(),
        key_vault_name: spec.key_vault_name.as_deref(),
        key_name: spec.key_name.as_deref(),
        template_path,
    }
}

fn string_filter(f: fn(&str) -> String) -> impl Fn(&str, Kwargs, &State) -> Value {
    move |s: &str, _: Kwargs, _: &State| Value::safe_string(&f(s))
}

fn build_renderer() -> Result<Tera, String> {
    let mut tera = Tera::new();
    tera.autoescape_on([".json", ".bicep", ".bicepparam"]);
    tera.set_escape_fn(escape::strict_escape);
    tera.register_filter("arm_string", string_filter(escape::arm_string));
    tera.register_filter("json_string", string_filter(escape::json_string));
    tera.register_filter("bicep_string", string_filter(escape::bicep_string));
    tera.register_filter("bicep_key", string_filter(escape::bicep_key));
    // The text of a `//` comment: one line.
    tera.register_filter(
        "line_comment",
        string_filter(|s| {
            s.chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect()
        }),
    );
    tera.add_raw_templates([
        ("registry.json", REGISTRY_ARM),
        ("registry.bicep", REGISTRY_BICEP),
        ("registry.parameters.json", PARAMS_ARM),
        ("registry.bicepparam", PARAMS_BICEP),
    ])
    .map_err(|e| format!("cannot load the built-in templates: {e}"))?;
    Ok(tera)
}

fn renderer() -> Result<&'static Tera, String> {
    static RENDERER: OnceLock<Result<Tera, String>> = OnceLock::new();
    RENDERER
        .get_or_init(build_renderer)
        .as_ref()
        .map_err(Clone::clone)
}

fn render(template: &str, context: &TemplateContext) -> Result<String, String> {
    let tera = renderer()?;
    let context =
        Context::from_serialize(context).map_err(|e| format!("cannot render {template}: {e}"))?;
    tera.render(template, &context)
        .map_err(|e| format!("cannot render {template}: {e}"))
}

/// Render the registry template. The request is validated first; an invalid option
/// is an [`OptionError`] naming it.
pub fn render_registry(
    request: &RegistryRequest,
    format: TemplateFormat,
) -> Result<String, NewError> {
    let spec = request.validate()?;
    let context = context_of(&spec, "");
    let name = match format {
        TemplateFormat::Arm => "registry.json",
        TemplateFormat::Bicep => "registry.bicep",
    };
    render(name, &context).map_err(NewError::Render)
}

/// Render the parameter file matching [`render_registry`] with the same request:
/// a deployment parameters file (ARM) or a `.bicepparam` file that uses
/// `template_path`.
pub fn render_params(
    request: &RegistryRequest,
    format: TemplateFormat,
    template_path: &str,
) -> Result<String, NewError> {
    let spec = request.validate_for_params()?;
    let context = context_of(&spec, template_path);
    let name = match format {
        TemplateFormat::Arm => "registry.parameters.json",
        TemplateFormat::Bicep => "registry.bicepparam",
    };
    render(name, &context).map_err(NewError::Render)
}

/// Why nothing was generated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NewError {
    /// A command-line option is invalid (exit code 2, the message names it).
    Option(OptionError),
    /// The built-in templates failed to render (a defect of acrlint).
    Render(String),
}

impl From<OptionError> for NewError {
    fn from(e: OptionError) -> Self {
        NewError::Option(e)
    }
}

impl std::fmt::Display for NewError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NewError::Option(e) => write!(f, "{e}"),
            NewError::Render(m) => write!(f, "{m}"),
        }
    }
}

#[cfg(test)]
mod tests;
