//! `acrlint check` glue: options → library run → rendered outputs → exit code.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::outputs::check_outputs;
use super::{named_paths, ContextArgs, LimitArgs, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::check::write::write_output;
use std::sync::Arc;

use crate::check::baseline::Baseline;
use crate::check::config::ConfigResolver;
use crate::check::{check, CheckOptions};
use crate::report::{render, Format};
use crate::rules::engine::Engine;
use crate::rules::finding::Level;
use crate::rules::native::DeploymentMode;

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Text,
    Json,
    Sarif,
    Junit,
    Github,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    Incremental,
    Complete,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    Error,
    Warning,
    Note,
    Never,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files or directories to check (directories are walked, honouring .gitignore).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format; repeat together with --output to write several.
    #[arg(long, short = 'f', value_enum, default_values_t = vec![FormatArg::Text])]
    pub format: Vec<FormatArg>,
    /// Write the output to FILE (one per --format, in order) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Vec<PathBuf>,
    /// Parameter file for the templates (default: found by convention).
    #[arg(long, short = 'p', value_name = "FILE")]
    pub parameters: Option<PathBuf>,
    #[command(flatten)]
    pub context: ContextArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub roots: super::RootArgs,
    /// Deployment mode: complete mode deletes what the template does not declare
    /// [default: incremental].
    #[arg(long, value_enum)]
    pub mode: Option<ModeArg>,
    /// Lowest level that makes the exit code 1 [default: error].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOnArg>,
    /// Configuration file (default: acrlint.json found by walking up from each file).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore every acrlint.json found in the tree (only --config applies): for
    /// untrusted changes, whose own acrlint.json could turn rules off.
    #[arg(long)]
    pub isolated: bool,
    /// Findings recorded in this baseline do not fail the run.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings as a baseline.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Extra rule files (one JSON file per rule).
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Azure Policy definition files (a file or a directory of them) to run as rules.
    #[arg(long, value_name = "FILE|DIR")]
    pub policy: Vec<PathBuf>,
    /// Parameter values for the --policy definitions (e.g. {"effect": "Deny"}).
    #[arg(long, value_name = "FILE")]
    pub policy_parameters: Option<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
}

/// The files the run writes, with the option naming each.
fn output_files(args: &CheckArgs) -> Vec<(&'static str, &Path)> {
    args.output
        .iter()
        .map(|p| ("--output", p.as_path()))
        .chain(
            args.write_baseline
                .iter()
                .map(|p| ("--write-baseline", p.as_path())),
        )
        .collect()
}

fn format_of(f: FormatArg) -> Format {
    match f {
        FormatArg::Text => Format::Text,
        FormatArg::Json => Format::Json,
        FormatArg::Sarif => Format::Sarif,
        FormatArg::Junit => Format::Junit,
        FormatArg::Github => Format::Github,
    }
}

pub fn run(args: CheckArgs) -> i32 {
    let mut engine = match Engine::builtin() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    if let Some(dir) = &args.rules {
        if let Err(e) = engine.add_rules_dir(dir) {
            eprintln!("error: --rules: {e}");
            return EXIT_ERROR;
        }
    }
    let policy_parameters = match &args.policy_parameters {
        Some(p) => match std::fs::read_to_string(p)
            .map_err(|e| e.to_string())
            .and_then(|t| {
                crate::source::json::parse(&t)
                    .map_err(|e| e.message)
                    .map(|n| crate::arm::value::Value::from_node(&n).to_json())
            }) {
            Ok(v) => Some(v),
            Err(e) => {
                eprintln!("error: --policy-parameters: {}: {e}", p.display());
                return EXIT_ERROR;
            }
        },
        None => None,
    };
    for p in &args.policy {
        if let Err(e) = engine.add_policies(p, policy_parameters.as_ref()) {
            eprintln!("error: --policy: {e}");
            return EXIT_ERROR;
        }
    }
    if !args.output.is_empty() && args.output.len() != args.format.len() {
        eprintln!(
            "error: give one --output per --format ({} formats, {} outputs)",
            args.format.len(),
            args.output.len()
        );
        return EXIT_ERROR;
    }
    // Outputs are checked against the inputs named on the command line before any
    // work, and against every file the run read before anything is written.
    let outputs = output_files(&args);
    let named_inputs: Vec<&Path> = args
        .paths
        .iter()
        .chain(&args.parameters)
        .chain(&args.config)
        .chain(&args.baseline)
        .chain(&args.policy)
        .chain(&args.policy_parameters)
        .map(PathBuf::as_path)
        .collect();
    if let Err(e) = check_outputs(&outputs, named_inputs.iter().copied()) {
        eprintln!("error: {e}");
        return EXIT_ERROR;
    }
    let resolver = match ConfigResolver::from_option(args.config.as_deref(), args.isolated) {
        Ok(r) => Arc::new(r),
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    // failOn and mode come from the configuration of the working directory (or
    // --config) unless given on the command line.
    let top_config = resolver.for_file(
        &std::env::current_dir()
            .unwrap_or_default()
            .join("acrlint.json"),
    );
    let baseline = match &args.baseline {
        Some(p) => match Baseline::load(p) {
            Ok(b) => Some(b),
            Err(e) => {
                eprintln!("error: --baseline: {e}");
                return EXIT_ERROR;
            }
        },
        None => None,
    };
    let mode = match args.mode {
        Some(ModeArg::Complete) => DeploymentMode::Complete,
        Some(ModeArg::Incremental) => DeploymentMode::Incremental,
        None => match top_config.as_ref().and_then(|c| c.file.mode.clone()) {
            Some(m) if m.eq_ignore_ascii_case("complete") => DeploymentMode::Complete,
            _ => DeploymentMode::Incremental,
        },
    };
    let limits = match args.limits.to_limits() {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let options = CheckOptions {
        expand: crate::arm::expand::ExpandOptions {
            context: args.context.to_context(),
            parameters: args.parameters.clone(),
            limits,
            ..Default::default()
        },
        mode,
        jobs: args.jobs,
        config: Some(resolver.clone()),
        baseline,
        progress: std::io::stderr().is_terminal() && std::env::var_os("CI").is_none(),
        confined: Some(
            args.roots
                .confined(&named_paths(&args.paths, &args.parameters)),
        ),
        ..Default::default()
    };
    let result = check(&args.paths, &engine, &options);
    let config_errors = resolver
        .errors
        .lock()
        .map(|e| e.clone())
        .unwrap_or_default();
    for e in &config_errors {
        eprintln!("error: {e}");
    }
    let read = result
        .report
        .files
        .iter()
        .chain(result.report.sources.keys())
        .chain(&result.report.configurations)
        .map(PathBuf::as_path);
    if let Err(e) = check_outputs(&outputs, read) {
        eprintln!("error: {e}");
        return EXIT_ERROR;
    }
    if let Some(p) = &args.write_baseline {
        if let Err(e) = crate::check::baseline::write(p, &result.report.findings) {
            eprintln!("error: --write-baseline: {e}");
            return EXIT_ERROR;
        }
    }
    for (i, f) in args.format.iter().enumerate() {
        let to_file = args.output.get(i);
        let color = to_file.is_none()
            && *f == FormatArg::Text
            && crate::report::text::use_color(std::io::stdout().is_terminal());
        let text = match render(&result.report, format_of(*f), color) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_ERROR;
            }
        };
        let written = match to_file {
            Some(p) => write_output(p, text.as_bytes()),
            None => std::io::stdout()
                .lock()
                .write_all(text.as_bytes())
                .map_err(|e| e.to_string()),
        };
        if let Err(e) = written {
            eprintln!("error: cannot write output: {e}");
            return EXIT_ERROR;
        }
    }
    if result.had_fatal || !config_errors.is_empty() {
        return EXIT_ERROR;
    }
    let threshold = match args.fail_on {
        Some(FailOnArg::Error) => Some(Level::Error),
        Some(FailOnArg::Warning) => Some(Level::Warning),
        Some(FailOnArg::Note) => Some(Level::Note),
        Some(FailOnArg::Never) => None,
        None => top_config
            .as_ref()
            .and_then(|c| c.fail_on())
            .unwrap_or(Some(Level::Error)),
    };
    match threshold {
        Some(t) if result.report.active().any(|f| f.level >= t) => EXIT_FINDINGS,
        _ => EXIT_OK,
    }
}
