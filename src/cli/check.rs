//! `acrlint check` glue: options → library run → rendered outputs → exit code.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::output::{self, check_outputs, Written};
use super::{named_paths, ContextArgs, LimitArgs, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use std::sync::Arc;

use crate::check::baseline::Baseline;
use crate::check::config::ConfigResolver;
use crate::check::select::RuleSelection;
use crate::check::{check, worker_threads, CheckOptions, STDIN};
use crate::load::walk::{path_problem, Exclude};
use crate::report::text::{use_color, ColorChoice};
use crate::report::{render, Format, RenderOptions};
use crate::rules::engine::Engine;
use crate::rules::finding::Level;
use crate::rules::native::DeploymentMode;
use crate::source::file::{SourceFile, SourceText};

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Text,
    Json,
    Sarif,
    Junit,
    Github,
    /// GitLab Code Quality (Code Climate JSON subset).
    Gitlab,
    /// A Markdown summary (GitHub step summary, merge request comment).
    Markdown,
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
    /// Files or directories to check (directories are walked, honouring .gitignore);
    /// `-` reads a template from stdin.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// The file the text read from stdin (`-`) stands for: its name in findings, its
    /// language (by extension), its configuration, parameter file and modules
    /// [default: stdin.json].
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    /// Output format [default: text]; several need one --output each.
    #[arg(long, short = 'f', value_enum, hide_default_value = true, default_values_t = vec![FormatArg::Text])]
    pub format: Vec<FormatArg>,
    /// Write the output to FILE (one per --format, in order; `-` is stdout) instead of
    /// stdout. Missing folders are created.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Vec<PathBuf>,
    /// Only report these rules: ids or id prefixes (ACR001, ACR01), repeatable or
    /// comma-separated; applies on top of acrlint.json.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not report these rules: ids or id prefixes; the more specific of --select and
    /// --ignore wins.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Skip walked files and folders matching GLOB (relative to the working directory;
    /// repeatable). Files named on the command line are always checked.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// The one parameter file (JSON or .bicepparam) for the templates (default: each
    /// template is checked with every parameter file found by convention).
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
    #[command(flatten)]
    pub policies: super::PolicyArgs,
    /// Worker threads (default, or 0: one per core; at most 4 per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Pull the registry modules the Bicep files use into the module cache first (the
    /// only way `check` uses the network).
    #[arg(long)]
    pub restore: bool,
}

fn format_of(f: FormatArg) -> Format {
    match f {
        FormatArg::Text => Format::Text,
        FormatArg::Json => Format::Json,
        FormatArg::Sarif => Format::Sarif,
        FormatArg::Junit => Format::Junit,
        FormatArg::Github => Format::Github,
        FormatArg::Gitlab => Format::Gitlab,
        FormatArg::Markdown => Format::Markdown,
    }
}

/// The files the run writes, with the option naming each (`-` is stdout, not a file).
fn output_files(args: &CheckArgs) -> Vec<(&'static str, &Path)> {
    args.output
        .iter()
        .filter(|p| p.as_os_str() != output::STDOUT)
        .map(|p| ("--output", p.as_path()))
        .chain(
            args.write_baseline
                .iter()
                .map(|p| ("--write-baseline", p.as_path())),
        )
        .collect()
}

/// Where each format goes: `Some(file)` or `None` for stdout. Several formats need one
/// `--output` each, and at most one of them may be stdout: two documents back to back
/// on stdout would be neither.
fn destinations(args: &CheckArgs) -> Result<Vec<Option<PathBuf>>, String> {
    let formats = args.format.len();
    if args.output.is_empty() {
        if formats > 1 {
            return Err(format!(
                "--format is given {formats} times without --output: give one --output FILE per --format, in order (`-` for stdout)"
            ));
        }
        return Ok(vec![None]);
    }
    if args.output.len() != formats {
        return Err(format!(
            "give one --output per --format ({formats} formats, {} outputs)",
            args.output.len()
        ));
    }
    let to_stdout = args
        .output
        .iter()
        .filter(|p| p.as_os_str() == output::STDOUT)
        .count();
    if to_stdout > 1 {
        return Err("only one --output can be `-` (stdout)".into());
    }
    Ok(args
        .output
        .iter()
        .map(|p| (p.as_os_str() != output::STDOUT).then(|| p.clone()))
        .collect())
}

/// The text on stdin, read for the file `name` (decoded as a file is, at most `cap`
/// bytes: the file size limit).
fn read_stdin(name: &Path, cap: u64) -> Result<SourceText, String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read stdin: {e}"))?;
    if bytes.len() as u64 > cap {
        return Err(crate::source::limits::with_size_limit(
            format!("more than the {cap} byte limit on stdin"),
            cap,
        ));
    }
    SourceFile::decode(name, bytes)
        .map(|f| f.text)
        .map_err(|e| e.message)
}

pub fn run(args: CheckArgs, color: ColorChoice) -> i32 {
    let destinations = match destinations(&args) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let limits = match args.limits.to_limits() {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    // A path that cannot be checked at all is a usage error: said once, nothing else.
    let reads_stdin = args.paths.iter().any(|p| p.as_os_str() == STDIN);
    let problems: Vec<String> = args
        .paths
        .iter()
        .filter(|p| p.as_os_str() != STDIN)
        .filter_map(|p| path_problem(p))
        .collect();
    if !problems.is_empty() {
        for p in problems {
            eprintln!("error: {p}");
        }
        return EXIT_ERROR;
    }
    let stdin = match (reads_stdin, &args.stdin_filename) {
        (false, Some(_)) => {
            eprintln!(
                "error: --stdin-filename names the text read from stdin: give `-` among the paths"
            );
            return EXIT_ERROR;
        }
        (false, None) => None,
        (true, name) => {
            let name = name.clone().unwrap_or_else(|| PathBuf::from("stdin.json"));
            match read_stdin(&name, limits.file_bytes) {
                Ok(text) => Some((name, text)),
                Err(e) => {
                    eprintln!("error: -: {e}");
                    return EXIT_ERROR;
                }
            }
        }
    };
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
    if let Err(e) = args.policies.add_to(&mut engine) {
        eprintln!("error: {e}");
        return EXIT_ERROR;
    }
    let rule_ids: Vec<String> = engine.metas().into_iter().map(|m| m.id).collect();
    let selection = match RuleSelection::new(&args.select, &args.ignore, &rule_ids) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let exclude = match Exclude::new(&args.exclude) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let (jobs, jobs_note) = worker_threads(args.jobs);
    if let Some(note) = jobs_note {
        eprintln!("note: {note}");
    }
    // Outputs are checked against the inputs named on the command line before any
    // work, and against every file the run read before anything is written.
    let outputs = output_files(&args);
    let named_inputs: Vec<&Path> = args
        .paths
        .iter()
        .filter(|p| p.as_os_str() != STDIN)
        .chain(&args.parameters)
        .chain(&args.config)
        .chain(&args.baseline)
        .chain(&args.policies.policy)
        .chain(&args.policies.policy_parameters)
        .map(PathBuf::as_path)
        .collect();
    if let Err(e) = check_outputs(&outputs, named_inputs.iter().copied()) {
        eprintln!("error: {e}");
        return EXIT_ERROR;
    }
    if args.restore {
        // Restore problems go to stderr; modules still missing are ACR100 findings.
        // (The modules of a text read from stdin are not restored.)
        let on_disk: Vec<PathBuf> = args
            .paths
            .iter()
            .filter(|p| p.as_os_str() != STDIN)
            .cloned()
            .collect();
        let sources = args.roots.confined(&on_disk);
        let _ =
            crate::registry::restore::restore_paths(&on_disk, &sources, |line| eprintln!("{line}"));
    }
    let resolver =
        match ConfigResolver::from_option(args.config.as_deref(), engine.ids(), args.isolated) {
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
    // Reading is confined to the roots of the paths checked; the text on stdin stands
    // for a file in the folder of its --stdin-filename.
    let checked_paths: Vec<PathBuf> = args
        .paths
        .iter()
        .map(|p| match &stdin {
            Some((name, _)) if p.as_os_str() == STDIN => match name.parent() {
                Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
                _ => PathBuf::from("."),
            },
            _ => p.clone(),
        })
        .collect();
    let options = CheckOptions {
        expand: crate::arm::expand::ExpandOptions {
            context: args.context.to_context(),
            parameters: args.parameters.clone(),
            limits,
            ..Default::default()
        },
        mode,
        jobs,
        config: Some(resolver.clone()),
        baseline,
        progress: std::io::stderr().is_terminal() && std::env::var_os("CI").is_none(),
        selection,
        exclude,
        stdin,
        confined: Some(
            args.roots
                .confined(&named_paths(&checked_paths, &args.parameters)),
        ),
        ..Default::default()
    };
    let result = check(&args.paths, &engine, &options);
    // An invalid configuration invalidates the run: its errors, and no results.
    let config_errors = resolver.error_list();
    if !config_errors.is_empty() {
        for e in &config_errors {
            eprintln!("error: {e}");
        }
        return EXIT_ERROR;
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
    let fail_on = match args.fail_on {
        Some(FailOnArg::Error) => Some(Level::Error),
        Some(FailOnArg::Warning) => Some(Level::Warning),
        Some(FailOnArg::Note) => Some(Level::Note),
        Some(FailOnArg::Never) => None,
        None => top_config
            .as_ref()
            .and_then(|c| c.fail_on())
            .unwrap_or(Some(Level::Error)),
    };
    let code = if result.had_fatal {
        EXIT_ERROR
    } else {
        match fail_on {
            Some(t) if result.report.active().any(|f| f.level >= t) => EXIT_FINDINGS,
            _ => EXIT_OK,
        }
    };
    // Files first, stdout last: a reader of stdout that goes away early must not cost
    // the files.
    let mut order: Vec<(FormatArg, Option<PathBuf>)> =
        args.format.iter().copied().zip(destinations).collect();
    order.sort_by_key(|(_, to)| to.is_none());
    for (f, to) in order {
        let options = RenderOptions {
            color: to.is_none()
                && f == FormatArg::Text
                && use_color(color, std::io::stdout().is_terminal()),
            fail_on,
        };
        let text = match render(&result.report, format_of(f), &options) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_ERROR;
            }
        };
        let written = match &to {
            Some(p) => output::to_file(p, &text).map_err(|e| format!("--output {e}")),
            None => output::stdout(&text),
        };
        match written {
            Ok(Written::All) => {}
            // Stdout is written last: the files are written, and the exit code is
            // what the results call for, read in full or not.
            Ok(Written::ReaderGone) => return code,
            Err(e) => {
                eprintln!("error: cannot write output: {e}");
                return EXIT_ERROR;
            }
        }
    }
    code
}
