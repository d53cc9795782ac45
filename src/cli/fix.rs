//! `acrlint fix` glue: options → fixer → files written or diffs printed → exit code.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;

use super::check::{FailOnArg, ModeArg};
use super::{ContextArgs, LimitArgs, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::check::config::ConfigResolver;
use crate::check::CheckOptions;
use crate::fix::{
    files_to_fix, fix_file, manual_for, mapped_parameter_file, parameter_file_without_template,
    unified_diff, why_not_fixed, FixOptions,
};
use crate::rules::engine::Engine;
use crate::rules::finding::Level;
use crate::rules::native::DeploymentMode;

/// `fix --policy`: the `Modify` definitions among the definitions are fixes.
const POLICY_HELP: &str = "Azure Policy definition files (a file or a directory of them; repeatable): the operations of the Modify definitions among them are fixes";
const POLICY_LONG_HELP: &str = "Azure Policy definition files (a file or a directory of them; repeatable). They run as rules, as with `check`, and the operations of the Modify definitions among them are fixes: for each resource a definition's `if` matches, `addOrReplace` sets the value, `add` sets it where the property is absent and `remove` deletes the property, each only where its `condition` holds (`requestContext().apiVersion` is the resource's apiVersion). The fix is safe: with the definition assigned, Azure makes the same change at deployment, so the template then says what deploys. Turning public network access off is the exception: unsafe (--unsafe-fixes), and refused on a SKU without private endpoints. A definition whose operation cannot be written (an alias with [*] or unknown, a value or condition known only at deployment, an apiVersion without the property) is listed as not fixed, with why. --rule takes a definition's name (its GUID).";

#[derive(Args, Debug)]
#[command(mut_arg("policy", |a| a.help(POLICY_HELP).long_help(POLICY_LONG_HELP)))]
pub struct FixArgs {
    /// Files or directories to fix (directories are walked, honouring .gitignore).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Print a unified diff of the fixes instead of writing them (exit code 1 when
    /// there is anything to fix).
    #[arg(long)]
    pub diff: bool,
    /// Only apply the fixes of these rules (repeatable). Without it, the fixes of
    /// findings at warning or error level apply; notes' fixes (e.g. Premium SKU,
    /// quarantine) only when their rule is named here.
    #[arg(long = "rule", value_name = "ID", value_parser = super::RuleIdParser)]
    pub rules: Vec<String>,
    /// Also apply unsafe fixes: they change what the deployment does (e.g. ACR024
    /// swaps the role a role assignment grants). `acrlint explain RULE` says whether a
    /// rule's fix is safe; review unsafe ones (use --diff first).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Parameter file for the templates (default: found by convention).
    #[arg(long, short = 'p', value_name = "FILE")]
    pub parameters: Option<PathBuf>,
    // `--policy` says, for `fix`, what the `Modify` definitions do (`POLICY_HELP`).
    #[command(flatten)]
    pub policies: super::PolicyArgs,
    #[command(flatten)]
    pub context: ContextArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub roots: super::RootArgs,
    /// Deployment mode the templates are checked for.
    #[arg(long, value_enum, default_value_t = ModeArg::Incremental)]
    pub mode: ModeArg,
    /// Configuration file (default: acrlint.json found by walking up from each file).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore every acrlint.json found in the tree (only --config applies): for
    /// untrusted changes, whose own acrlint.json could turn rules off.
    #[arg(long)]
    pub isolated: bool,
    /// Lowest level of a remaining finding that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailOnArg::Error)]
    pub fail_on: FailOnArg,
}

pub fn run(args: FixArgs) -> i32 {
    let mut engine = match Engine::builtin() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    if let Err(e) = args.policies.add_to(&mut engine) {
        eprintln!("error: {e}");
        return EXIT_ERROR;
    }
    if let Some(unknown) = args.rules.iter().find(|r| engine.meta(r).is_none()) {
        eprintln!("error: --rule: no rule {unknown}");
        return EXIT_ERROR;
    }
    for rule in &args.rules {
        // A `Modify` definition's fix is computed for each resource.
        if engine
            .meta(rule)
            .is_some_and(|m| m.fix.is_none() && !m.effect.eq_ignore_ascii_case("modify"))
        {
            eprintln!(
                "{rule} has no automatic fix: its findings are listed with why; `acrlint explain {rule}` says how to fix them by hand"
            );
        }
    }
    let resolver =
        match ConfigResolver::from_option(args.config.as_deref(), engine.ids(), args.isolated) {
            Ok(r) => Arc::new(r),
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
    let options = FixOptions {
        check: CheckOptions {
            expand: crate::arm::expand::ExpandOptions {
                context: args.context.to_context(),
                parameters: args.parameters.clone(),
                limits,
                ..Default::default()
            },
            mode: match args.mode {
                ModeArg::Incremental => DeploymentMode::Incremental,
                ModeArg::Complete => DeploymentMode::Complete,
            },
            config: Some(resolver.clone()),
            confined: Some(
                args.roots
                    .confined(&super::named_paths(&args.paths, &args.parameters)),
            ),
            ..Default::default()
        },
        rules: args.rules.clone(),
        unsafe_fixes: args.unsafe_fixes,
        fail_on: match args.fail_on {
            FailOnArg::Error => Some(Level::Error),
            FailOnArg::Warning => Some(Level::Warning),
            FailOnArg::Note => Some(Level::Note),
            FailOnArg::Never => None,
        },
    };
    let (mut files, walk_errors) = files_to_fix(&args.paths);
    // Parameter files the configuration maps to a template go first too, as those
    // named by convention do: their values decide the templates' findings.
    files.sort_by_key(|p| !mapped_parameter_file(p, &options));
    let mut failed = !walk_errors.is_empty();
    for e in walk_errors {
        eprintln!("error: {e}");
    }
    // Every file's configuration is read before any file is written: an invalid one
    // stops the run with nothing changed.
    for path in &files {
        resolver.for_file(path);
    }
    let config_errors = resolver.error_list();
    if !config_errors.is_empty() {
        for e in &config_errors {
            eprintln!("error: {e}");
        }
        return EXIT_ERROR;
    }
    let mut remaining = 0usize;
    let mut pending = false;
    let mut stdout = std::io::stdout().lock();
    // The reader of the diffs went away: the other files are still fixed in memory,
    // without a word more on stdout, so that the exit code is the one the whole run
    // calls for (an error in a later file is still exit code 2).
    let mut reader_gone = false;
    for path in files {
        let excluded = resolver.for_file(&path).is_some_and(|c| c.excludes(&path));
        if excluded && !args.paths.contains(&path) {
            continue;
        }
        let result = fix_file(&path, &engine, &options, !args.diff);
        if let Some(e) = &result.error {
            eprintln!("error: {}: {e}", path.display());
            failed = true;
            continue;
        }
        if result.skipped {
            // Named, a parameter file without its template is an error that says so.
            if args.paths.contains(&path) {
                if let Some(why) = parameter_file_without_template(&path, &options) {
                    eprintln!("error: {}: {why}", path.display());
                    failed = true;
                }
            }
            continue;
        }
        if args.diff && result.changed() {
            pending = true;
            // With --diff nothing is written to the files.
            if !reader_gone {
                let diff = unified_diff(&path, &result.original, &result.fixed);
                match stdout.write_all(diff.as_bytes()) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => reader_gone = true,
                    Err(e) => {
                        eprintln!("error: cannot write to stdout: {e}");
                        return EXIT_ERROR;
                    }
                }
            }
        } else if result.applied > 0 {
            eprintln!(
                "fixed {} issue{} in {}",
                result.applied,
                if result.applied == 1 { "" } else { "s" },
                path.display()
            );
        }
        if result.deferred {
            eprintln!(
                "{}: more fixes are pending; run acrlint fix again",
                path.display()
            );
        }
        if !result.unsafe_left.is_empty() {
            eprintln!(
                "{}: unsafe fixes of {} not applied (they change what the deployment does); review them with --diff --unsafe-fixes, apply them with --unsafe-fixes",
                path.display(),
                result.unsafe_left.join(", ")
            );
        }
        for m in &result.manual {
            eprintln!(
                "{}:{}:{}: {} not fixed: {}",
                path.display(),
                m.line,
                m.column,
                m.rule,
                m.advice
            );
        }
        for f in result.remaining.iter().chain(&result.unfixed) {
            if manual_for(f, &result).is_none() {
                eprintln!(
                    "{}:{}:{}: {} {} not fixed: {}",
                    f.location.file.display(),
                    f.location.start.line,
                    f.location.start.column,
                    f.rule,
                    f.level.as_str(),
                    why_not_fixed(f, &result, &engine, &options)
                );
            }
        }
        remaining += result.remaining.len();
    }
    if failed {
        EXIT_ERROR
    } else if remaining > 0 || pending {
        // With --diff nothing is written: fixes not yet applied count as findings.
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
