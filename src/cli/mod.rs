//! Command-line arguments (clap derive) and the glue from subcommands to the library.

mod check;
mod fix;
mod new;
mod output;
mod restore;
mod rules;

use std::path::PathBuf;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::text::ColorChoice;

use crate::arm::eval::{regions, DeploymentContext};
use crate::arm::expand::ExpandOptions;

#[derive(Parser, Debug)]
#[command(
    name = "acrlint",
    version,
    about = "Policy checker for ARM templates and Bicep files, focused on Azure Container Registry"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// When to colour the output: auto (on a terminal, unless NO_COLOR is set or
    /// TERM=dumb), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorArg::Auto, value_name = "WHEN")]
    pub color: ColorArg,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

impl ColorArg {
    fn choice(self) -> ColorChoice {
        match self {
            ColorArg::Auto => ColorChoice::Auto,
            ColorArg::Always => ColorChoice::Always,
            ColorArg::Never => ColorChoice::Never,
        }
    }
}

/// A rule id argument: any text is accepted (rules added with `--rules` have ids of
/// their own), and the built-in rule ids are offered as possible values, so that shell
/// completions complete them.
#[derive(Clone, Debug, Default)]
pub struct RuleIdParser;

impl TypedValueParser for RuleIdParser {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        let rules = crate::rules::native::registry::builtin_rules().unwrap_or_default();
        Some(Box::new(rules.into_iter().map(|r| {
            PossibleValue::new(r.id.clone()).help(r.title.clone())
        })))
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Check templates against the rules and print findings.
    Check(Box<check::CheckArgs>),
    /// Print the evaluated template: resources after parameters, variables, copy loops,
    /// conditions and nested deployments.
    Expand(ExpandArgs),
    /// Apply the fixes the rules offer (unsafe ones with --unsafe-fixes), editing only
    /// the offending spans.
    Fix(fix::FixArgs),
    /// Generate compliant templates: `new registry`, `new params`.
    #[command(subcommand)]
    New(new::NewCommand),
    /// List the rules: id, severity, effect, title and the Azure Policy definitions
    /// each one mirrors.
    Rules(rules::RulesArgs),
    /// Show a rule's documentation, with a non-compliant and a compliant example.
    Explain(rules::ExplainArgs),
    /// Pull the registry modules (`br:`) that Bicep files use into the Bicep module
    /// cache, over the OCI Distribution API.
    Restore(restore::RestoreArgs),
    /// Run the Language Server over stdio: diagnostics as you type, quick fixes,
    /// hover documentation and the compliant registry starter.
    Lsp(LspArgs),
}

#[derive(Args, Debug)]
pub struct LspArgs {
    /// Talk over stdin and stdout (the only transport; accepted because editors pass it).
    #[arg(long)]
    pub stdio: bool,
}

/// Azure Policy definitions, shared by `check` (run as rules) and `fix` (their
/// `Modify` operations applied as fixes).
#[derive(Args, Debug, Clone, Default)]
pub struct PolicyArgs {
    /// Azure Policy definition files (a file or a directory of them) to run as rules
    /// (repeatable).
    #[arg(long, value_name = "FILE|DIR")]
    pub policy: Vec<PathBuf>,
    /// Parameter values for the --policy definitions (e.g. {"effect": "Deny"}).
    #[arg(long, value_name = "FILE")]
    pub policy_parameters: Option<PathBuf>,
}

impl PolicyArgs {
    /// Load the definitions into `engine`; `Err` names the option at fault.
    pub fn add_to(&self, engine: &mut crate::rules::engine::Engine) -> Result<(), String> {
        let parameters = match &self.policy_parameters {
            Some(p) => Some(
                std::fs::read_to_string(p)
                    .map_err(|e| e.to_string())
                    .and_then(|t| {
                        crate::source::json::parse(&t)
                            .map_err(|e| e.message)
                            .map(|n| crate::arm::value::Value::from_node(&n).to_json())
                    })
                    .map_err(|e| format!("--policy-parameters: {}: {e}", p.display()))?,
            ),
            None => None,
        };
        for p in &self.policy {
            engine
                .add_policies(p, parameters.as_ref())
                .map_err(|e| format!("--policy: {e}"))?;
        }
        Ok(())
    }
}

/// Deployment context shared by `check` and `expand`.
#[derive(Args, Debug, Clone, Default)]
pub struct ContextArgs {
    /// Location of the target resource group (what `resourceGroup().location` returns).
    #[arg(long, value_name = "REGION")]
    pub location: Option<String>,
    /// Name of the target resource group.
    #[arg(long, value_name = "NAME")]
    pub resource_group: Option<String>,
    /// Id of the target subscription.
    #[arg(long, value_name = "ID")]
    pub subscription_id: Option<String>,
}

impl ContextArgs {
    /// The context; an unknown region name gets a warning on stderr (it is still used,
    /// normalised as Azure would: a new region must not stop a pipeline).
    pub fn to_context(&self) -> DeploymentContext {
        if let Some(location) = &self.location {
            let normalized = regions::normalize_location(location);
            if !regions::is_known_region(&normalized) {
                eprintln!(
                    "warning: --location {location:?} is not an Azure region acrlint knows; resourceGroup().location is {normalized:?}"
                );
            }
        }
        DeploymentContext {
            location: self.location.clone(),
            resource_group: self.resource_group.clone(),
            subscription_id: self.subscription_id.clone(),
            ..Default::default()
        }
    }
}

/// Directories files may be read from besides the checked root.
#[derive(Args, Debug, Clone, Default)]
pub struct RootArgs {
    /// Allow reading files under DIR (modules, parameter files, files a template
    /// loads) besides the checked root: the nearest enclosing repository root of
    /// each path checked, or the path itself when there is none. Repeatable.
    #[arg(long = "allow-path", value_name = "DIR")]
    pub allow_path: Vec<PathBuf>,
}

impl RootArgs {
    /// Reading confined to the roots of `paths` and the allowed directories.
    pub fn confined(&self, paths: &[PathBuf]) -> crate::load::Confined {
        crate::load::Confined::new(paths, &self.allow_path)
    }
}

/// The paths named on the command line, the parameter file among them: each one's
/// root may be read.
pub fn named_paths(paths: &[PathBuf], parameters: &Option<PathBuf>) -> Vec<PathBuf> {
    paths.iter().chain(parameters).cloned().collect()
}

/// Limits a run may raise (`--limit NAME=VALUE`, repeatable).
#[derive(Args, Debug, Clone, Default)]
pub struct LimitArgs {
    /// Raise (or lower) a limit: file-bytes, deployment-depth, eval-steps, value-cells,
    /// value-nodes, string-bytes, array-items. A file that reaches a limit fails with
    /// an error naming it.
    #[arg(long = "limit", value_name = "NAME=VALUE")]
    pub limits: Vec<String>,
}

impl LimitArgs {
    /// The limits, or an error naming the bad `--limit`.
    pub fn to_limits(&self) -> Result<crate::arm::limits::Limits, String> {
        let mut limits = crate::arm::limits::Limits::default();
        for l in &self.limits {
            limits.set(l).map_err(|e| format!("--limit: {e}"))?;
        }
        Ok(limits)
    }
}

#[derive(Args, Debug)]
pub struct ExpandArgs {
    /// The template to expand.
    pub file: PathBuf,
    /// Parameter file (default: found by convention next to the template).
    #[arg(long, short = 'p', value_name = "FILE")]
    pub parameters: Option<PathBuf>,
    #[command(flatten)]
    pub context: ContextArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub roots: RootArgs,
}

/// clap's fish script completes options only; this completes `explain`'s rule id.
fn fish_rule_ids() -> String {
    let rules = crate::rules::native::registry::builtin_rules().unwrap_or_default();
    let items: Vec<String> = rules
        .iter()
        .map(|r| {
            format!(
                "{}\\t'{}'",
                r.id,
                r.title
                    .replace('\\', "")
                    .replace('\'', "\\'")
                    .replace('"', "\\\"")
                    .replace('$', "\\$")
            )
        })
        .collect();
    format!(
        "complete -c acrlint -n \"__fish_acrlint_using_subcommand explain\" -f -a \"{}\"\n",
        items.join(" ")
    )
}

/// Exit codes (SPEC §2).
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

/// Run a parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Check(args) => check::run(*args, cli.color.choice()),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, "acrlint", &mut script);
            let mut script = String::from_utf8_lossy(&script).into_owned();
            if shell == clap_complete::Shell::Fish {
                script.push_str(&fish_rule_ids());
            }
            output::print_then_exit(&script, EXIT_OK)
        }
        Command::Expand(args) => expand(args),
        Command::Fix(args) => fix::run(args),
        Command::New(command) => new::run(command),
        Command::Rules(args) => rules::run_rules(args),
        Command::Explain(args) => rules::run_explain(args),
        Command::Restore(args) => restore::run(args),
        Command::Lsp(_) => lsp(),
    }
}

fn lsp() -> i32 {
    let result = crate::rules::engine::Engine::builtin().and_then(crate::lsp::run_stdio);
    match result {
        Ok(()) => EXIT_OK,
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_ERROR
        }
    }
}

fn expand(args: ExpandArgs) -> i32 {
    let limits = match args.limits.to_limits() {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let options = ExpandOptions {
        context: args.context.to_context(),
        parameters: args.parameters.clone(),
        limits,
        ..Default::default()
    };
    let sources = args.roots.confined(&named_paths(
        std::slice::from_ref(&args.file),
        &args.parameters,
    ));
    let result = crate::load::Loader::new(&sources).expand(&args.file, &options);
    match result {
        Ok(exp) => {
            let json = crate::report::expand::to_json(&exp);
            let text = serde_json::to_string_pretty(&json).unwrap_or_default();
            output::print_then_exit(&format!("{text}\n"), EXIT_OK)
        }
        Err(e) => {
            eprintln!("error: {}", e.render());
            EXIT_ERROR
        }
    }
}
