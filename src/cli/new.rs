//! `acrlint new registry` / `acrlint new params` glue: options → generator → file or
//! stdout.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};

use super::{EXIT_ERROR, EXIT_OK};
use crate::new::TemplateFormat;
use crate::new::{
    render_params, render_registry, NewError, RegistryRequest, RoleAssignmentMode, Sku,
};

#[derive(Subcommand, Debug)]
pub enum NewCommand {
    /// Generate a compliant container registry template.
    Registry(RegistryArgs),
    /// Generate the parameter file (.parameters.json or .bicepparam) for the template
    /// `new registry` generates with the same options.
    Params(ParamsArgs),
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Arm,
    Bicep,
}

/// `--role-assignment-mode`, named as `az acr create --role-assignment-mode` names it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    /// "RBAC Registry + ABAC Repository Permissions" (`AbacRepositoryPermissions`).
    #[value(name = "rbac-abac", alias = "abac")]
    RbacAbac,
    /// "RBAC Registry Permissions" (`LegacyRegistryPermissions`).
    Rbac,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum SkuArg {
    Basic,
    Standard,
    Premium,
}

/// What to generate, shared by `new registry` and `new params`.
#[derive(Args, Debug, Clone)]
pub struct RegistryOptions {
    /// Output language.
    #[arg(long, value_enum, ignore_case = true, default_value_t = FormatArg::Bicep)]
    pub format: FormatArg,
    /// Write to FILE instead of stdout (an existing file needs --force).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Overwrite the --output file if it exists.
    #[arg(long)]
    pub force: bool,
    /// Registry name (5-50 letters and digits); otherwise a parameter with a unique default.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Home region (e.g. westeurope); otherwise the resource group's location.
    #[arg(long, value_name = "REGION")]
    pub location: Option<String>,
    /// Registry SKU (network restrictions, replicas, CMK need Premium).
    #[arg(long, value_enum, ignore_case = true)]
    pub sku: Option<SkuArg>,
    /// Geo-replica region (repeatable; needs Premium).
    #[arg(long = "replica", value_name = "REGION")]
    pub replicas: Vec<String>,
    /// Add a private endpoint with its private DNS zone (subnet ID as a parameter) and
    /// turn public network access and exports off (Premium). Without it the registry
    /// keeps its public endpoint, so that it is reachable.
    #[arg(long)]
    pub private_endpoint: bool,
    /// Encrypt with a customer-managed key (user-assigned identity, key vault parameters).
    #[arg(long)]
    pub cmk: bool,
    /// Object ID of a principal that may pull (repeatable): Container Registry
    /// Repository Reader in the ABAC mode, AcrPull in the RBAC mode.
    #[arg(long = "pull-principal", value_name = "ID")]
    pub pull_principals: Vec<String>,
    /// Object ID of a principal that may push and pull (repeatable): Container Registry
    /// Repository Writer in the ABAC mode, AcrPush in the RBAC mode.
    #[arg(long = "push-principal", value_name = "ID")]
    pub push_principals: Vec<String>,
    /// Role assignment mode: `rbac-abac` (default; Microsoft's recommendation, roles
    /// can be limited to repositories) or `rbac` (AcrPull/AcrPush; Docker Content
    /// Trust).
    #[arg(long, value_enum, ignore_case = true, default_value_t = ModeArg::RbacAbac)]
    pub role_assignment_mode: ModeArg,
    /// Limit the --pull-principal role assignments to a repository (NAME) or the
    /// repositories under a prefix (PREFIX/*), with an ABAC condition (repeatable).
    #[arg(long = "pull-repository", value_name = "PATTERN")]
    pub pull_repositories: Vec<String>,
    /// Limit the --push-principal role assignments to a repository (NAME) or the
    /// repositories under a prefix (PREFIX/*), with an ABAC condition (repeatable).
    #[arg(long = "push-repository", value_name = "PATTERN")]
    pub push_repositories: Vec<String>,
    /// Tag for every resource (repeatable).
    #[arg(long = "tag", value_name = "KEY=VALUE")]
    pub tags: Vec<String>,
    /// Send login and repository events to this Log Analytics workspace (resource ID).
    #[arg(long, value_name = "WORKSPACE_ID")]
    pub diagnostics: Option<String>,
    /// Declare the home replica, guarded, so complete-mode deployments keep it (Premium).
    #[arg(long)]
    pub complete_mode_safe: bool,
    /// Quarantine new images until a scanner releases them (Premium).
    #[arg(long)]
    pub quarantine: bool,
    /// Refused: Docker Content Trust is deprecated; the error says what replaces it.
    #[arg(long, hide = true)]
    pub content_trust: bool,
}

#[derive(Args, Debug, Clone)]
pub struct RegistryArgs {
    #[command(flatten)]
    pub options: RegistryOptions,
}

#[derive(Args, Debug, Clone)]
pub struct ParamsArgs {
    #[command(flatten)]
    pub options: RegistryOptions,
    /// Subnet resource ID for the private endpoint (with --private-endpoint).
    #[arg(long, value_name = "ID")]
    pub subnet_id: Option<String>,
    /// Key vault name (with --cmk).
    #[arg(long, value_name = "NAME")]
    pub key_vault: Option<String>,
    /// Key name in the key vault (with --cmk).
    #[arg(long, value_name = "NAME")]
    pub key_name: Option<String>,
    /// Template the .bicepparam file uses (default: derived from --output, else ./main.bicep).
    #[arg(long, value_name = "PATH")]
    pub template: Option<String>,
}

fn request_of(o: &RegistryOptions) -> RegistryRequest {
    RegistryRequest {
        name: o.name.clone(),
        location: o.location.clone(),
        sku: o.sku.map(|s| match s {
            SkuArg::Basic => Sku::Basic,
            SkuArg::Standard => Sku::Standard,
            SkuArg::Premium => Sku::Premium,
        }),
        replicas: o.replicas.clone(),
        private_endpoint: o.private_endpoint,
        cmk: o.cmk,
        pull_principals: o.pull_principals.clone(),
        push_principals: o.push_principals.clone(),
        role_assignment_mode: Some(match o.role_assignment_mode {
            ModeArg::RbacAbac => RoleAssignmentMode::Abac,
            ModeArg::Rbac => RoleAssignmentMode::Rbac,
        }),
        pull_repositories: o.pull_repositories.clone(),
        push_repositories: o.push_repositories.clone(),
        tags: o.tags.clone(),
        diagnostics: o.diagnostics.clone(),
        complete_mode_safe: o.complete_mode_safe,
        quarantine: o.quarantine,
        content_trust: o.content_trust,
        ..Default::default()
    }
}

fn format_of(f: FormatArg) -> TemplateFormat {
    match f {
        FormatArg::Arm => TemplateFormat::Arm,
        FormatArg::Bicep => TemplateFormat::Bicep,
    }
}

/// The template a `.bicepparam` file refers to: `x.bicepparam` → `./x.bicep`.
fn default_template_path(output: Option<&Path>) -> String {
    output
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_suffix(".bicepparam"))
        .map_or_else(
            || "./main.bicep".to_string(),
            |stem| format!("./{stem}.bicep"),
        )
}

pub fn run(command: NewCommand) -> i32 {
    let (options, result) = match &command {
        NewCommand::Registry(a) => (
            &a.options,
            render_registry(&request_of(&a.options), format_of(a.options.format)),
        ),
        NewCommand::Params(a) => {
            let mut request = request_of(&a.options);
            request.subnet_id = a.subnet_id.clone();
            request.key_vault_name = a.key_vault.clone();
            request.key_name = a.key_name.clone();
            let template = a
                .template
                .clone()
                .unwrap_or_else(|| default_template_path(a.options.output.as_deref()));
            (
                &a.options,
                render_params(&request, format_of(a.options.format), &template),
            )
        }
    };
    let text = match result {
        Ok(t) => t,
        Err(NewError::Option(e)) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    write_output(options.output.as_deref(), options.force, &text)
}

fn write_output(output: Option<&Path>, force: bool, text: &str) -> i32 {
    match output {
        Some(path) if force => match crate::check::write::write_output(path, text.as_bytes()) {
            Ok(()) => EXIT_OK,
            Err(e) => {
                eprintln!("error: --output: {e}");
                EXIT_ERROR
            }
        },
        Some(path) => {
            // O_EXCL: never an existing file, nor a link planted in its place.
            let opened = {
                std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(path)
            };
            let written = opened.and_then(|mut f| f.write_all(text.as_bytes()));
            match written {
                Ok(()) => EXIT_OK,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    eprintln!(
                        "error: --output: {} exists; use --force to overwrite it",
                        path.display()
                    );
                    EXIT_ERROR
                }
                Err(e) => {
                    eprintln!("error: --output: {}: {e}", path.display());
                    EXIT_ERROR
                }
            }
        }
        None => super::output::print_then_exit(text, EXIT_OK),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bicepparam_refers_to_the_sibling_template() {
        assert_eq!(
            default_template_path(Some(Path::new("infra/acr.bicepparam"))),
            "./acr.bicep"
        );
        assert_eq!(default_template_path(None), "./main.bicep");
        assert_eq!(
            default_template_path(Some(Path::new("x.json"))),
            "./main.bicep"
        );
    }

    #[test]
    fn output_is_not_overwritten_without_force() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("main.bicep");
        std::fs::write(&path, "keep").unwrap();
        assert_eq!(write_output(Some(&path), false, "new"), EXIT_ERROR);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "keep");
        assert_eq!(write_output(Some(&path), true, "new"), EXIT_OK);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
    }
}
