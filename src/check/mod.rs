//! `acrlint check`: find the templates under the given paths, expand each one once,
//! run every rule on it, and collect the findings. Files are checked in parallel.

use crate::source::file::{Language, SourceText};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

pub use report::{Report, Summary};

use crate::arm::eval::{DiagnosticKind, UnresolvedKind, UnresolvedModule};
use crate::arm::expand::{Bodies, ExpandError, ExpandOptions, Expansion};
use crate::load::discover::{classify, JsonFileKind};
use crate::load::{load_text, Confined, Disk, Loader};
use crate::rules::engine::{Engine, EngineInput};
use crate::rules::finding::{fingerprint, Finding, Level, Location, Status};
use crate::rules::native::registry::{UNREADABLE, UNRESOLVED_MODULE};
use crate::rules::native::DeploymentMode;
use crate::source::file::LoadedFile;
use crate::source::file::SourceFile;
use crate::source::json::Span;
use crate::source::sources::{Overlay, Sources};

/// Options of a `check` run.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    pub expand: ExpandOptions,
    pub mode: DeploymentMode,
    /// Worker threads (`None`: one per core).
    pub jobs: Option<usize>,
    /// `acrlint.json` lookup (per file, or the one given with `--config`).
    pub config: Option<Arc<config::ConfigResolver>>,
    pub baseline: Option<baseline::Baseline>,
    /// Evaluate every resource body, also those no rule reads (slower, same findings:
    /// the tests compare both ways).
    pub all_bodies: bool,
    /// Show a progress bar on stderr (the CLI sets this when stderr is a terminal).
    pub progress: bool,
    /// `--select`/`--ignore`.
    pub selection: select::RuleSelection,
    /// `--exclude`.
    pub exclude: crate::load::walk::Exclude,
    /// The text read from stdin for the path `-`, and the file it stands for
    /// (`--stdin-filename`): named in findings, its language, configuration, parameter
    /// file and modules found as for that file; the text is checked, not the file.
    pub stdin: Option<(PathBuf, SourceText)>,
    /// The directories files may be read from (the command line always sets them);
    /// `None`: anywhere.
    pub confined: Option<Confined>,
}

impl CheckOptions {
    /// Where files are read from: the disk, inside the roots when confined.
    pub fn sources(&self) -> &dyn Sources {
        match &self.confined {
            Some(c) => c,
            None => &Disk,
        }
    }
}

/// The path that names stdin on the command line.
pub const STDIN: &str = "-";

/// More worker threads than this per core only cost memory.
pub const MAX_JOBS_PER_CORE: usize = 4;
/// The most worker threads `--jobs` gets, whatever the machine.
pub const MAX_JOBS: usize = 256;

/// The worker threads for `--jobs N` (`None` or 0: one per core) and, when N was more
/// than this machine can use, a note saying what was used instead.
pub fn worker_threads(requested: Option<usize>) -> (Option<usize>, Option<String>) {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let max = cores.saturating_mul(MAX_JOBS_PER_CORE).clamp(1, MAX_JOBS);
    match requested {
        Some(n) if n > max => (
            Some(max),
            Some(format!(
                "--jobs {n} is more than this machine can use ({cores} cores); using {max} threads"
            )),
        ),
        Some(0) | None => (None, None),
        Some(n) => (Some(n), None),
    }
}

/// A progress bar for long runs only (many files), drawn on stderr.
fn progress_bar(files: usize, wanted: bool) -> Option<indicatif::ProgressBar> {
    if !wanted || files < 500 {
        return None;
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(files as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}")
    {
        bar.set_style(style);
    }
    Some(bar)
}

/// The result of checking one file.
#[derive(Debug, Default)]
pub struct FileOutcome {
    pub path: PathBuf,
    pub findings: Vec<Finding>,
    pub source: Option<SourceText>,
    /// Text of other files the findings point into (modules, parameter files).
    pub other_sources: Vec<(PathBuf, SourceText)>,
    /// The file was a template (or explicitly named) and could not be read or parsed.
    pub fatal: bool,
    /// Whether the file was checked as a template.
    pub checked: bool,
}

/// The whole run.
#[derive(Debug, Default)]
pub struct CheckResult {
    pub report: Report,
    /// Some input could not be read or parsed at all (exit code 2).
    pub had_fatal: bool,
}

/// Check every template under `paths`.
pub fn check(paths: &[PathBuf], engine: &Engine, options: &CheckOptions) -> CheckResult {
    let (on_disk, from_stdin): (Vec<PathBuf>, Vec<PathBuf>) =
        paths.iter().cloned().partition(|p| p.as_os_str() != STDIN);
    let (files, walk_errors, dirs) = crate::load::discover::walk(&on_disk, &options.exclude);
    if let Some(c) = &options.confined {
        c.remember_dirs(dirs);
    }
    let index = params::Index::of(&files, options.sources());
    let progress = progress_bar(files.len(), options.progress);
    let one = |(path, explicit): &(PathBuf, bool)| {
        let mut o = check_file_among(path, *explicit, engine, options, &index);
        if o.findings.is_empty() {
            // Nothing to show from it: free its text now, not after every file.
            o.source = None;
        }
        if let Some(p) = &progress {
            p.inc(1);
        }
        o
    };
    let run = || -> Vec<FileOutcome> { files.par_iter().map(one).collect() };
    // Rayon's global pool is built on first use and panics if it cannot be: with more
    // threads than the system allows, a pool of our own fails to build instead, and
    // the files are then checked on this thread.
    let threads = worker_threads(options.jobs)
        .0
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
        .min(files.len())
        .max(1);
    let mut outcomes = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(run),
        Err(_) => files.iter().map(one).collect(),
    };
    if let (Some((path, text)), false) = (&options.stdin, from_stdin.is_empty()) {
        let mut overlay = Overlay::new(options.sources());
        overlay.set(path, text.clone());
        outcomes.push(check_source(path, &overlay, true, engine, options));
    }
    if let Some(p) = progress {
        p.finish_and_clear();
    }
    once::merge(
        &mut outcomes
            .iter_mut()
            .filter(|o| o.checked)
            .map(|o| (o.path.as_path(), &mut o.findings))
            .collect::<Vec<_>>(),
        &|p| options.sources().canonical(p),
    );
    let mut report = Report {
        rules: engine.metas(),
        ..Default::default()
    };
    let mut had_fatal = !walk_errors.is_empty();
    for e in walk_errors {
        eprintln!("error: {e}");
    }
    let mut sources = BTreeMap::new();
    for o in outcomes {
        had_fatal |= o.fatal;
        if o.checked || o.fatal {
            // (A template named by a `.bicepparam` elsewhere is `params/../main.bicep`.)
            report.files.push(crate::source::paths::clean(&o.path));
        }
        if !o.findings.is_empty() {
            if let Some(s) = o.source {
                sources.insert(o.path.clone(), s);
            }
            // Files reached through `../` show as their clean path (as walked ones do).
            sources.extend(
                o.other_sources
                    .into_iter()
                    .map(|(p, s)| (crate::source::paths::clean(&p), s)),
            );
        }
        let mut findings = o.findings;
        for f in &mut findings {
            f.location.file = crate::source::paths::clean(&f.location.file);
            for r in &mut f.related {
                r.location.file = crate::source::paths::clean(&r.location.file);
            }
        }
        report.findings.extend(findings);
    }
    report.findings.sort_by_key(Finding::sort_key);
    report.sources = sources;
    report.configurations = options
        .config
        .as_ref()
        .map(|r| r.applied())
        .unwrap_or_default();
    CheckResult { report, had_fatal }
}

/// A finding of rule ACR000 (file could not be read, parsed or evaluated).
pub fn acr000(
    path: &Path,
    source: Option<&SourceFile>,
    span: Option<Span>,
    level: Level,
    message: &str,
) -> Finding {
    driver_finding(UNREADABLE, path, source, span, level, message)
}

/// The level of an ACR100 finding: an error when a registry's policies went unchecked
/// or the template cannot be built (missing file, malformed reference); a warning for
/// another registry module that is not restored (`acrlint restore` fixes it); a note
/// for another template spec (only Azure resolves it).
pub fn unresolved_level(u: UnresolvedModule) -> Level {
    match (u.deploys_registry, u.kind) {
        (true, _) | (_, UnresolvedKind::MissingFile | UnresolvedKind::InvalidReference) => {
            Level::Error
        }
        (false, UnresolvedKind::NotRestored) => Level::Warning,
        (false, UnresolvedKind::TemplateSpec) => Level::Note,
    }
}

/// A finding reported by the driver rather than by a rule (ACR000, ACR100).
fn driver_finding(
    rule: &str,
    path: &Path,
    source: Option<&SourceFile>,
    span: Option<Span>,
    level: Level,
    message: &str,
) -> Finding {
    let (start, end) = match (source, span) {
        (Some(s), Some(sp)) => (s.line_col(sp.start), s.line_col(sp.end.max(sp.start))),
        _ => Default::default(),
    };
    let start = if start.line == 0 {
        crate::source::line_index::LineCol { line: 1, column: 1 }
    } else {
        start
    };
    let end = if end.line == 0 { start } else { end };
    let file_text = path.to_string_lossy().replace('\\', "/");
    Finding {
        rule: rule.into(),
        level,
        status: Status::Fail,
        location: Location {
            file: path.to_path_buf(),
            start,
            end,
            byte_start: span.map_or(0, |s| s.start),
            byte_end: span.map_or(0, |s| s.end),
        },
        resource_type: None,
        resource_name: None,
        message: message.to_string(),
        related: Vec::new(),
        fingerprint: fingerprint(&[rule, &file_text, message]),
        suppression: None,
        repair: None,
    }
}

/// Read and parse a JSON file, unless it was walked (not `explicit`) and cannot be a
/// template.
fn read_json(
    sources: &dyn Sources,
    path: &Path,
    explicit: bool,
) -> Result<Option<LoadedFile>, ExpandError> {
    let source = sources.read(path).map_err(|e| ExpandError {
        path: path.to_path_buf(),
        message: e.message,
        span: e.offset.map(|o| Span { start: o, end: o }),
        source: e.lossy,
    })?;
    let text = source.text.as_bytes();
    // An escape (`deployment\u0054emplate`) could spell either: such a file is parsed.
    if !explicit
        && !looks_like_template(&source.text)
        && !crate::arm::expand::contains_ignore_ascii_case(text, b"contentversion")
        && memchr::memmem::find(text, b"\\u").is_none()
    {
        return Ok(None);
    }
    load_text(source).map(Some)
}

/// Whether a file that could not be read or parsed names a deployment template or
/// parameters schema anywhere in its text: such a file is reported, never skipped
/// (a template our parser rejects must not pass unchecked).
fn looks_like_template(text: &str) -> bool {
    use crate::arm::expand::contains_ignore_ascii_case;
    contains_ignore_ascii_case(text.as_bytes(), b"deploymenttemplate")
        || contains_ignore_ascii_case(text.as_bytes(), b"deploymentparameters")
}

/// Check one file on disk (`explicit`: named by the user, see [`check_source`]).
pub fn check_file(
    path: &Path,
    explicit: bool,
    engine: &Engine,
    options: &CheckOptions,
) -> FileOutcome {
    check_file_among(path, explicit, engine, options, &params::Index::default())
}

/// Check one file on disk, among the run's files (`index`: for parameter files),
/// unless the configuration excludes it and it was not named.
fn check_file_among(
    path: &Path,
    explicit: bool,
    engine: &Engine,
    options: &CheckOptions,
    index: &params::Index,
) -> FileOutcome {
    let config = options.config.as_ref().and_then(|r| r.for_file(path));
    if !explicit && config.as_ref().is_some_and(|c| c.excludes(path)) {
        return FileOutcome {
            path: path.to_path_buf(),
            ..Default::default()
        };
    }
    check_in(
        path,
        options.sources(),
        explicit,
        engine,
        options,
        config,
        index,
    )
}

/// Check one file, ARM JSON or Bicep, reading it and every file it pulls in
/// (parameter file, modules, loaded files) from `sources`; nothing is written.
/// `explicit`: the user named the file, so it is reported even when it cannot be
/// read and does not look like a template, and a `.bicepparam` is checked itself
/// (one found by walking is checked through its template).
pub fn check_source(
    path: &Path,
    sources: &dyn Sources,
    explicit: bool,
    engine: &Engine,
    options: &CheckOptions,
) -> FileOutcome {
    let config = options.config.as_ref().and_then(|r| r.for_file(path));
    check_in(
        path,
        sources,
        explicit,
        engine,
        options,
        config,
        &params::Index::default(),
    )
}

/// Check one file within the run's limits.
fn check_in(
    path: &Path,
    sources: &dyn Sources,
    explicit: bool,
    engine: &Engine,
    options: &CheckOptions,
    config: Option<Arc<config::Config>>,
    index: &params::Index,
) -> FileOutcome {
    crate::arm::limits::with(&options.expand.limits, || {
        check_within_limits(path, sources, explicit, engine, options, config, index)
    })
}

fn check_within_limits(
    path: &Path,
    sources: &dyn Sources,
    explicit: bool,
    engine: &Engine,
    options: &CheckOptions,
    config: Option<Arc<config::Config>>,
    index: &params::Index,
) -> FileOutcome {
    let outcome = FileOutcome {
        path: path.to_path_buf(),
        ..Default::default()
    };
    let language = Language::of(path);
    if language == Some(Language::BicepParam) {
        return params::check_parameter_file(path, None, sources, explicit, engine, options, index);
    }
    // A JSON file is checked only when it is a template: read it first to see.
    let json = if language.is_some_and(Language::is_bicep) {
        None
    } else {
        match read_json(sources, path, explicit) {
            Ok(None) => return outcome,
            Ok(Some(l)) => match classify(&l.root) {
                JsonFileKind::Template => Some(l),
                JsonFileKind::Parameters => {
                    return params::check_parameter_file(
                        path,
                        Some(&l.source),
                        sources,
                        explicit,
                        engine,
                        options,
                        index,
                    )
                }
                JsonFileKind::Other => return outcome,
            },
            Err(e) => {
                // A walked file that cannot be read is reported when it may be a
                // template or cannot be read at all, and when it is a link that was
                // refused (out of the root) or leads nowhere: never skipped in silence.
                let relevant = explicit
                    || e.source
                        .as_ref()
                        .is_none_or(|s| looks_like_template(&s.text))
                    || path.is_symlink();
                let mut outcome = outcome;
                if relevant {
                    outcome.fatal = true;
                    outcome.source = e.source.as_ref().map(|s| s.text.clone());
                    outcome.findings.push(acr000_from(&e));
                }
                return outcome;
            }
        }
    };
    check_template(path, json, None, sources, engine, options, config, index)
}

/// Check a template (JSON already read as `json`, or Bicep) once per parameter file:
/// `parameter_file` when one is given alone, else the command line's or the
/// configuration's, else every one found by convention (none: its defaults).
#[allow(clippy::too_many_arguments)]
fn check_template(
    path: &Path,
    json: Option<LoadedFile>,
    parameter_file: Option<&Path>,
    sources: &dyn Sources,
    engine: &Engine,
    options: &CheckOptions,
    config: Option<Arc<config::Config>>,
    index: &params::Index,
) -> FileOutcome {
    let base = expand_options_for(path, sources, engine, options, config.as_deref());
    let sets: Vec<Option<PathBuf>> = match parameter_file {
        Some(p) => vec![Some(p.to_path_buf())],
        None if base.parameters.is_some() => vec![base.parameters.clone()],
        None if base.no_parameter_discovery || Language::of(path) == Some(Language::BicepParam) => {
            vec![None]
        }
        None => {
            let found = index.parameter_files(path, sources);
            if found.is_empty() {
                vec![None]
            } else {
                found.into_iter().map(Some).collect()
            }
        }
    };
    let mut runs: Vec<(Option<PathBuf>, FileOutcome)> = sets
        .into_iter()
        .map(|set| {
            let mut expand_options = base.clone();
            expand_options.no_parameter_discovery = true;
            // A `.bicepparam` is loaded with the template its `using` names.
            let entry = match &set {
                Some(p) if Language::of(p) == Some(Language::BicepParam) => {
                    expand_options.parameters = None;
                    p.clone()
                }
                _ => {
                    expand_options.parameters = set.clone();
                    path.to_path_buf()
                }
            };
            let json = if entry == path { json.clone() } else { None };
            let run = check_with(
                path,
                &entry,
                json,
                sources,
                engine,
                options,
                &expand_options,
                config.as_deref(),
            );
            (set, run)
        })
        .collect();
    let mut outcome = if runs.len() == 1 && parameter_file.is_none() {
        runs.pop().map(|(_, o)| o).unwrap_or_default()
    } else {
        let mut outcome = FileOutcome {
            path: path.to_path_buf(),
            checked: true,
            ..Default::default()
        };
        let mut findings = Vec::with_capacity(runs.len());
        for (set, run) in runs {
            outcome.fatal |= run.fatal;
            outcome.source = outcome.source.or(run.source);
            for (p, text) in run.other_sources {
                if !outcome.other_sources.iter().any(|(q, _)| *q == p) {
                    outcome.other_sources.push((p, text));
                }
            }
            findings.push((set.unwrap_or_default(), run.findings));
        }
        outcome.findings = params::merge_runs(path, findings);
        outcome
    };
    if let Some(b) = &options.baseline {
        b.apply(&mut outcome.findings);
    }
    outcome
}

/// Check a template once, loading `entry` (the template, or the `.bicepparam` that
/// uses it) with `expand_options`.
#[allow(clippy::too_many_arguments)]
fn check_with(
    path: &Path,
    entry: &Path,
    json: Option<LoadedFile>,
    sources: &dyn Sources,
    engine: &Engine,
    options: &CheckOptions,
    expand_options: &ExpandOptions,
    config: Option<&config::Config>,
) -> FileOutcome {
    let mut outcome = FileOutcome {
        path: path.to_path_buf(),
        checked: true,
        ..Default::default()
    };
    let loader = Loader::new(sources);
    let expanded = match json {
        Some(template) => {
            outcome.source = Some(template.source.text.clone());
            loader.expand_loaded(template, expand_options)
        }
        None => loader.expand(entry, expand_options),
    };
    let expansion = match expanded {
        Ok(x) => x,
        Err(e) => {
            outcome.fatal = true;
            if outcome.source.is_none() {
                outcome.source = e.source.as_ref().map(|s| s.text.clone());
            }
            outcome.findings.push(acr000_from(&e));
            return outcome;
        }
    };
    if outcome.source.is_none() {
        outcome.source = expansion.file(0).map(|f| f.source.text.clone());
    }
    outcome.findings.extend(diagnostic_findings(&expansion));
    if hold_back_for_bicep_syntax(&expansion, &mut outcome.findings) {
        // Like a JSON file that does not parse, the file cannot be deployed as it is
        // (exit code 2); recovery could have changed any declaration after the error.
        outcome.fatal = true;
        finish(&expansion, config, options, &mut outcome);
        return outcome;
    }
    let input = EngineInput {
        expansion: &expansion,
        options: expand_options,
        mode: options.mode,
        template_path: path,
        sources,
    };
    outcome.findings.extend(engine.run(&input));
    let toggled = toggled::findings(&input, engine, &outcome.findings);
    outcome.findings.extend(toggled);
    modules::report_in_callers(&expansion, &mut outcome.findings);
    labels::relabel(&expansion, &mut outcome.findings);
    finish(&expansion, config, options, &mut outcome);
    outcome
}

/// The expansion options a file is checked with: the command line's, then the
/// configuration's parameter file and deployment context where the command line did
/// not say; only the resource bodies rules read, unless all are asked for.
fn expand_options_for(
    path: &Path,
    sources: &dyn Sources,
    engine: &Engine,
    options: &CheckOptions,
    config: Option<&config::Config>,
) -> ExpandOptions {
    let mut expand_options = options.expand.clone();
    apply_config_context(config, path, sources, &mut expand_options);
    if !options.all_bodies && matches!(expand_options.bodies, Bodies::All) {
        expand_options.bodies = engine.bodies();
    }
    expand_options
}

/// The parameter file a template is checked with (given, configured or found by
/// convention), if any.
pub(crate) fn parameter_file_of(
    path: &Path,
    sources: &dyn Sources,
    options: &CheckOptions,
) -> Option<PathBuf> {
    let config = options.config.as_ref().and_then(|r| r.for_file(path));
    let mut expand_options = options.expand.clone();
    apply_config_context(config.as_deref(), path, sources, &mut expand_options);
    match expand_options.parameters {
        Some(p) => Some(p),
        None if expand_options.no_parameter_discovery => None,
        None => crate::load::discover::parameter_file_for(sources, path),
    }
}

fn acr000_from(e: &ExpandError) -> Finding {
    acr000(
        &e.path,
        e.source.as_deref(),
        e.span,
        Level::Error,
        &e.message,
    )
}

/// What the first Bicep syntax error of a check adds to its message.
pub const RULES_HELD_BACK: &str =
    "no rules were run on this template: recovering from the error can change what it declares (a missing `}` swallows the properties after it), so findings could be invented or missed; fix the error and check again";

/// Whether a Bicep file of the expansion (the template, a module or a parameter file)
/// has a syntax error: then rules are held back, and the first error's finding says so.
fn hold_back_for_bicep_syntax(exp: &Expansion, findings: &mut [Finding]) -> bool {
    let Some(first) = exp.syntax_errors().find(|d| {
        exp.file(d.file).is_some_and(|f| {
            f.lowered || Language::of(&f.source.path).is_some_and(Language::is_bicep)
        })
    }) else {
        return false;
    };
    let Some(file) = exp.file(first.file) else {
        return false;
    };
    let start = file.source.line_col(first.span.start);
    if let Some(f) = findings.iter_mut().find(|f| {
        f.rule == UNREADABLE && f.location.file == file.source.path && f.location.start == start
    }) {
        f.message = format!("{}; {RULES_HELD_BACK}", f.message);
    }
    true
}

/// ACR000 findings for syntax errors and caps met during expansion; ACR100 findings
/// for modules that were not followed.
pub fn diagnostic_findings(exp: &Expansion) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in &exp.diagnostics {
        let (rule, level) = match d.kind {
            // A limit stops evaluation of something a rule may read: fail closed.
            DiagnosticKind::Syntax | DiagnosticKind::Limit | DiagnosticKind::MissingFile => {
                (UNREADABLE, Level::Error)
            }
            DiagnosticKind::Ambiguity => (UNREADABLE, Level::Warning),
            DiagnosticKind::UnresolvedModule(u) => (UNRESOLVED_MODULE, unresolved_level(u)),
            DiagnosticKind::Evaluation => continue,
        };
        let Some(f) = exp.file(d.file) else { continue };
        out.push(driver_finding(
            rule,
            &f.source.path,
            Some(&f.source),
            Some(d.span),
            level,
            &d.message,
        ));
    }
    out
}
pub mod baseline;
pub mod config;
mod labels;
mod modules;
mod once;
pub mod params;
mod report;
pub mod select;
pub mod suppress;
mod toggled;
pub mod write;

/// The configuration's parameter mapping and context apply where the command line
/// did not say.
fn apply_config_context(
    config: Option<&config::Config>,
    path: &Path,
    sources: &dyn Sources,
    expand_options: &mut ExpandOptions,
) {
    let Some(c) = config else { return };
    if expand_options.parameters.is_none() {
        // A path the roots refuse is still the parameter file: reading it fails, and
        // says why, instead of checking without it.
        expand_options.parameters = c.parameter_file_for(path).map(|written| {
            sources.resolve(&c.path, written).unwrap_or_else(|_| {
                c.path
                    .parent()
                    .unwrap_or(Path::new(""))
                    .join(written.replace('\\', "/"))
            })
        });
    }
    let ctx = &mut expand_options.context;
    let cc = &c.file.context;
    ctx.location = ctx.location.take().or_else(|| cc.location.clone());
    ctx.resource_group = ctx
        .resource_group
        .take()
        .or_else(|| cc.resource_group.clone());
    ctx.subscription_id = ctx
        .subscription_id
        .take()
        .or_else(|| cc.subscription_id.clone());
}

/// Configuration effects and suppressions, after the rules ran (the baseline applies
/// once the runs of every parameter file are merged).
fn finish(
    expansion: &Expansion,
    config: Option<&config::Config>,
    options: &CheckOptions,
    outcome: &mut FileOutcome,
) {
    if let Some(c) = config {
        c.apply(&mut outcome.findings);
    }
    suppress::apply(expansion, &mut outcome.findings);
    if !options.selection.is_all() {
        outcome
            .findings
            .retain(|f| options.selection.keeps(&f.rule));
    }
    // Files other than the checked one (modules, parameter files) show their text too.
    for f in &expansion.files {
        let path = &f.source.path;
        if *path == outcome.path || outcome.other_sources.iter().any(|(p, _)| p == path) {
            continue;
        }
        let used = outcome.findings.iter().any(|x| {
            x.location.file == *path || x.related.iter().any(|r| r.location.file == *path)
        });
        if used {
            outcome
                .other_sources
                .push((path.clone(), f.source.text.clone()));
        }
    }
}
