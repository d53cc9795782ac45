//! `acrlint check` glue: options → library run → rendered outputs → exit code.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{ContextArgs, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
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
    /// Deployment mode: complete mode deletes what the template does not declare.
    #[arg(long, value_enum, default_value_t = ModeArg::Incremental)]
    pub mode: ModeArg,
    /// Lowest level that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOnArg::Error)]
    pub fail_on: FailOnArg,
    /// Extra rule files (one JSON file per rule).
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
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
    if !args.output.is_empty() && args.output.len() != args.format.len() {
        eprintln!(
            "error: give one --output per --format ({} formats, {} outputs)",
            args.format.len(),
            args.output.len()
        );
        return EXIT_ERROR;
    }
    let options = CheckOptions {
        expand: crate::arm::expand::ExpandOptions {
            context: args.context.to_context(),
            parameters: args.parameters.clone(),
            ..Default::default()
        },
        mode: match args.mode {
            ModeArg::Incremental => DeploymentMode::Incremental,
            ModeArg::Complete => DeploymentMode::Complete,
        },
        jobs: args.jobs,
    };
    let result = check(&args.paths, &engine, &options);
    for (i, f) in args.format.iter().enumerate() {
        let to_file = args.output.get(i);
        let color = to_file.is_none()
            && *f == FormatArg::Text
            && crate::report::text_color(std::io::stdout().is_terminal());
        let text = match render(&result.report, format_of(*f), color) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_ERROR;
            }
        };
        let written = match to_file {
            Some(p) => std::fs::write(p, text).map_err(|e| format!("{}: {e}", p.display())),
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
    if result.had_fatal {
        return EXIT_ERROR;
    }
    let threshold = match args.fail_on {
        FailOnArg::Error => Some(Level::Error),
        FailOnArg::Warning => Some(Level::Warning),
        FailOnArg::Note => Some(Level::Note),
        FailOnArg::Never => None,
    };
    match threshold {
        Some(t) if result.report.active().any(|f| f.level >= t) => EXIT_FINDINGS,
        _ => EXIT_OK,
    }
}
