//! Every parameter file: a template with several (`main.dev.bicepparam` and
//! `main.prod.bicepparam`, `x.parameters.dev.json` and `x.parameters.prod.json`) is
//! checked once with each, and its findings name the parameter files they hold for.
//! A finding that each parameter file gives alike is reported once, naming them all
//! ("with every parameter file: …"), with the fingerprint it has without them, so a
//! baseline survives a parameter file added; one that only some give names those, and
//! its fingerprint names them too.
//!
//! A parameter file met alone (named on the command line, as pre-commit passes changed
//! files, or walked without its template) checks the template it belongs to with that
//! file; one whose template is checked in the same run is left to it.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{CheckOptions, FileOutcome};
use crate::load::discover::{
    bicepparams_for, classify, parameter_files_for, pick_parameter_files,
    template_of_parameter_file, template_stem_of, using_target, JsonFileKind,
    ParameterFileTemplate,
};
use crate::rules::engine::Engine;
use crate::rules::finding::{fingerprint, Finding, Level, Related};
use crate::source::file::{Language, SourceFile};
use crate::source::json::Span;
use crate::source::paths;
use crate::source::sources::Sources;

/// What the files of a run tell about parameter files: the names the walk found by
/// directory (a walked template's JSON parameter files are picked from them instead of
/// listing its directory again, which cost a tenth of `check`'s time on the
/// quickstarts), the `.bicepparam` files of the run by the template their `using`
/// names, and the parameter files whose template the run checks itself.
#[derive(Debug, Default)]
pub(crate) struct Index {
    walked_names: HashMap<PathBuf, Vec<String>>,
    bicepparams: HashMap<PathBuf, Vec<PathBuf>>,
    claimed: HashSet<PathBuf>,
}

impl Index {
    /// The index of `files` (path, named on the command line).
    pub(crate) fn of(files: &[(PathBuf, bool)], sources: &dyn Sources) -> Index {
        let mut index = Index::default();
        let listed: HashSet<&Path> = files.iter().map(|(p, _)| p.as_path()).collect();
        let mut listed_canonical: Option<HashSet<PathBuf>> = None;
        for (path, explicit) in files {
            if let (false, Some(dir), Some(name)) = (
                *explicit,
                path.parent(),
                path.file_name().and_then(|n| n.to_str()),
            ) {
                index
                    .walked_names
                    .entry(dir.to_path_buf())
                    .or_default()
                    .push(name.to_string());
            }
            if Language::of(path) == Some(Language::BicepParam) {
                let Some(template) = sources
                    .read(path)
                    .ok()
                    .and_then(|f| using_target(&f.text))
                    .and_then(|(target, _)| sources.resolve(path, &target).ok())
                else {
                    continue;
                };
                let template = sources.canonical(&template);
                let listed = listed_canonical.get_or_insert_with(|| {
                    files.iter().map(|(p, _)| sources.canonical(p)).collect()
                });
                if listed.contains(&template) {
                    index.claimed.insert(path.clone());
                }
                index
                    .bicepparams
                    .entry(template)
                    .or_default()
                    .push(path.clone());
            } else if let Some(stem) = template_stem_of(path) {
                let dir = path.parent().unwrap_or(Path::new(""));
                let taken = ["json", "bicep"]
                    .iter()
                    .any(|ext| listed.contains(dir.join(format!("{stem}.{ext}")).as_path()));
                if taken {
                    index.claimed.insert(path.clone());
                }
            }
        }
        index
    }

    /// Whether the run checks the template of this parameter file, with it.
    pub(crate) fn claims(&self, parameter_file: &Path) -> bool {
        self.claimed.contains(parameter_file)
    }

    /// Every parameter file of a template, by convention: JSON ones by name beside it
    /// (from the walk's names when it was walked), `.bicepparam` files whose `using`
    /// names it (beside it, or anywhere in the run).
    pub(crate) fn parameter_files(&self, template: &Path, sources: &dyn Sources) -> Vec<PathBuf> {
        let walked = template
            .parent()
            .and_then(|dir| Some((dir, self.walked_names.get(dir)?)));
        let mut found: Vec<PathBuf> = match walked {
            Some((dir, names)) => pick_parameter_files(template, names.iter().map(String::as_str))
                .into_iter()
                .map(|n| dir.join(n))
                .collect(),
            None => parameter_files_for(sources, template),
        };
        let from_run = if self.bicepparams.is_empty() {
            None
        } else {
            self.bicepparams.get(&sources.canonical(template))
        };
        match (walked, from_run) {
            // The walk met every `.bicepparam` beside a walked template.
            (Some(_), Some(run)) => found.extend(run.iter().cloned()),
            (Some(_), None) => {}
            (None, run) => {
                let mut seen: HashSet<PathBuf> = HashSet::new();
                for p in bicepparams_for(sources, template)
                    .into_iter()
                    .chain(run.into_iter().flatten().cloned())
                {
                    if seen.insert(sources.canonical(&p)) {
                        found.push(p);
                    }
                }
            }
        }
        found
    }
}

/// The template a parameter file is checked with: the one its `using` or its name
/// names ([`template_of_parameter_file`]), else the template the configuration's
/// `parameters` maps to it (a template written as a path, not a glob). The
/// command line's `--parameters` binds a file to the templates named with it, which
/// the file alone does not tell.
pub(crate) fn template_bound_to(
    path: &Path,
    sources: &dyn Sources,
    options: &CheckOptions,
) -> ParameterFileTemplate {
    let by_name = template_of_parameter_file(sources, path);
    if !matches!(
        by_name,
        ParameterFileTemplate::NotOne | ParameterFileTemplate::Missing { span: None, .. }
    ) {
        return by_name;
    }
    configured_template(path, sources, options).map_or(by_name, ParameterFileTemplate::Template)
}

/// The template the configuration's `parameters` maps to the parameter file `path`.
fn configured_template(
    path: &Path,
    sources: &dyn Sources,
    options: &CheckOptions,
) -> Option<PathBuf> {
    let config = options.config.as_ref()?.for_file(path)?;
    let own = sources.canonical(path);
    config
        .file
        .parameters
        .iter()
        .find_map(|(template, written)| {
            let file = sources.resolve(&config.path, written).ok()?;
            if sources.canonical(&file) != own {
                return None;
            }
            let template = sources.resolve(&config.path, template).ok()?;
            (sources.is_file(&template)
                && config.parameter_file_for(&template) == Some(written.as_str()))
            .then_some(template)
        })
}

/// What the finding on a parameter file whose template is not beside it says.
pub const NO_TEMPLATE: &str = "beside this parameter file: nothing was checked with it";

/// Check a parameter file met alone (`source`: its text, when already read): with the
/// template it belongs to, unless this run checks that template anyway (walked, the
/// template is checked with it) or excludes it. A `.bicepparam` whose `using` names a
/// missing template is an error at its `using`; a JSON one without its template, a
/// warning (named) or a note (walked).
pub(super) fn check_parameter_file(
    path: &Path,
    source: Option<&Arc<SourceFile>>,
    sources: &dyn Sources,
    explicit: bool,
    engine: &Engine,
    options: &CheckOptions,
    index: &Index,
) -> FileOutcome {
    let mut outcome = FileOutcome {
        path: path.to_path_buf(),
        ..Default::default()
    };
    if index.claims(path) {
        return outcome;
    }
    let shown = |p: &Path| p.to_string_lossy().replace('\\', "/");
    match template_of_parameter_file(sources, path) {
        ParameterFileTemplate::Template(template) => {
            let config = options.config.as_ref().and_then(|r| r.for_file(&template));
            let excluded = options.exclude.excludes(&template)
                || config.as_ref().is_some_and(|c| c.excludes(&template));
            if !explicit && excluded {
                return outcome;
            }
            let json = if Language::of(&template).is_some_and(Language::is_bicep) {
                None
            } else {
                match super::read_json(sources, &template, true) {
                    Ok(Some(l)) if classify(&l.root) == JsonFileKind::Template => Some(l),
                    Ok(_) => {
                        return parameter_file_alone(
                            outcome,
                            source,
                            sources,
                            Level::Warning,
                            &format!(
                                "{} beside this parameter file is not an ARM deployment template: nothing was checked with this file",
                                shown(&template)
                            ),
                            None,
                        )
                    }
                    Err(e) => {
                        outcome.path = template;
                        outcome.fatal = true;
                        outcome.source = e.source.as_ref().map(|s| s.text.clone());
                        outcome.findings.push(super::acr000_from(&e));
                        return outcome;
                    }
                }
            };
            super::check_template(
                &template,
                json,
                Some(path),
                sources,
                engine,
                options,
                config,
                index,
            )
        }
        ParameterFileTemplate::Missing { expected, span } => match span {
            Some(span) => {
                let mut o = parameter_file_alone(
                    outcome,
                    source,
                    sources,
                    Level::Error,
                    &format!(
                        "the template '{expected}' that `using` names does not exist: nothing was checked with this parameter file"
                    ),
                    Some(span),
                );
                o.fatal = true;
                o
            }
            // Named, a warning; walked (the template may be generated by the build, as
            // the quickstarts' `prereq.azuredeploy.json` is), a note.
            None => parameter_file_alone(
                outcome,
                source,
                sources,
                if explicit { Level::Warning } else { Level::Note },
                &format!(
                    "no template {expected} {NO_TEMPLATE}; check its template with --parameters {}, or map it in acrlint.json `parameters`",
                    shown(path)
                ),
                None,
            ),
        },
        // Named, it is loaded (and `using none` said to leave nothing to check); walked,
        // there is nothing to check.
        ParameterFileTemplate::UsesNone if !explicit => outcome,
        ParameterFileTemplate::Itself | ParameterFileTemplate::UsesNone => {
            let config = options.config.as_ref().and_then(|r| r.for_file(path));
            super::check_template(path, None, None, sources, engine, options, config, index)
        }
        ParameterFileTemplate::NotOne if explicit => parameter_file_alone(
            outcome,
            source,
            sources,
            Level::Warning,
            &format!(
                "a deployment parameters file whose template its name does not tell (x.parameters.json and x.parameters.<name>.json belong to x.json or x.bicep): nothing was checked with it; check its template with --parameters {}",
                shown(path)
            ),
            None,
        ),
        ParameterFileTemplate::NotOne => outcome,
    }
}

/// A parameter file that was not checked with a template: why, as an ACR000 finding
/// on it (at `span`, else at its top).
fn parameter_file_alone(
    mut outcome: FileOutcome,
    source: Option<&Arc<SourceFile>>,
    sources: &dyn Sources,
    level: Level,
    message: &str,
    span: Option<Span>,
) -> FileOutcome {
    let read = match source {
        Some(s) => Some(s.clone()),
        None => sources.read(&outcome.path).ok(),
    };
    outcome.source = read.as_ref().map(|s| s.text.clone());
    outcome.findings.push(super::acr000(
        &outcome.path,
        read.as_deref(),
        span,
        level,
        message,
    ));
    outcome
}

/// How a parameter file is named in findings: by its path from the template's folder
/// when it is inside it (`main.prod.bicepparam`, `params/prod.bicepparam`), else by its
/// path.
fn shown(parameter_file: &Path, template: &Path) -> String {
    let clean = paths::clean(parameter_file);
    let template = paths::clean(template);
    let folder = template.parent().unwrap_or(Path::new(""));
    clean
        .strip_prefix(folder)
        .unwrap_or(&clean)
        .to_string_lossy()
        .replace('\\', "/")
}

/// What a finding given with every parameter file says after its message.
const EVERY: &str = " (with every parameter file: ";

/// A finding's message without the note naming every parameter file (the finding is
/// the same whatever the parameter file).
pub(crate) fn without_every_note(message: &str) -> &str {
    match message.rfind(EVERY) {
        Some(i) if message.ends_with(')') => &message[..i],
        _ => message,
    }
}

/// The findings of one template checked once per parameter file (`runs`: the
/// parameter file and the findings with it), each reported once, naming the parameter
/// files it holds for. With one run (a parameter file named alone), its findings name
/// it and keep their fingerprints.
pub(crate) fn merge_runs(template: &Path, runs: Vec<(PathBuf, Vec<Finding>)>) -> Vec<Finding> {
    let names: Vec<String> = runs.iter().map(|(p, _)| shown(p, template)).collect();
    let files: Vec<PathBuf> = runs.iter().map(|(p, _)| paths::clean(p)).collect();
    let mut groups: Vec<(Finding, Vec<usize>)> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for (run, (_, findings)) in runs.into_iter().enumerate() {
        for mut f in findings {
            f.location.file = paths::clean(&f.location.file);
            for r in &mut f.related {
                r.location.file = paths::clean(&r.location.file);
            }
            // Where each parameter file sets a value the finding names, the finding is
            // the same: it keeps the places in every file.
            let (own, shared): (Vec<Related>, Vec<Related>) = std::mem::take(&mut f.related)
                .into_iter()
                .partition(|r| r.location.file == files[run]);
            f.related = shared;
            // Not the fingerprint: it keeps the template's path as the run spelt it
            // (`params/../main.bicep` through a `.bicepparam` in another folder).
            let fingerprint = std::mem::take(&mut f.fingerprint);
            let key = serde_json::to_string(&f).unwrap_or_default();
            f.fingerprint = fingerprint;
            f.related.extend(own.iter().cloned());
            match by_key.get(&key) {
                Some(&g) => {
                    let (found, holds) = &mut groups[g];
                    if !holds.contains(&run) {
                        holds.push(run);
                        found.related.extend(own);
                    }
                }
                None => {
                    by_key.insert(key, groups.len());
                    groups.push((f, vec![run]));
                }
            }
        }
    }
    groups
        .into_iter()
        .map(|(mut f, holds)| {
            let listed: Vec<&str> = holds.iter().map(|&i| names[i].as_str()).collect();
            let own = holds.len() == 1 && f.location.file == files[holds[0]];
            if names.len() == 1 {
                // The one parameter file a template was checked with, named alone.
                if !own {
                    f.message = format!("{} (with parameter file {})", f.message, listed[0]);
                }
            } else if holds.len() == names.len() {
                f.message = format!("{}{EVERY}{})", f.message, listed.join(", "));
            } else if !own {
                // (A finding in the parameter file itself needs no note.)
                let noun = if listed.len() == 1 { "file" } else { "files" };
                f.message = format!(
                    "{} (with parameter {noun} {})",
                    f.message,
                    listed.join(", ")
                );
                f.fingerprint = fingerprint(&[&f.fingerprint, &listed.join("\n")]);
            }
            f
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::finding::{Level, Location, Status};

    fn finding(rule: &str, message: &str) -> Finding {
        Finding {
            rule: rule.into(),
            level: Level::Error,
            status: Status::Fail,
            location: Location {
                file: PathBuf::from("infra/main.bicep"),
                start: Default::default(),
                end: Default::default(),
                byte_start: 0,
                byte_end: 0,
            },
            resource_type: None,
            resource_name: None,
            message: message.into(),
            related: Vec::new(),
            fingerprint: fingerprint(&[rule, message]),
            suppression: None,
            repair: None,
        }
    }

    #[test]
    fn a_finding_every_parameter_file_gives_is_reported_once_naming_them_all() {
        let same = finding("ACR007", "exports are enabled");
        let admin = finding("ACR001", "the admin user is enabled");
        let merged = merge_runs(
            Path::new("infra/main.bicep"),
            vec![
                (
                    PathBuf::from("infra/main.dev.bicepparam"),
                    vec![same.clone()],
                ),
                (
                    PathBuf::from("infra/./main.prod.bicepparam"),
                    vec![same.clone(), admin.clone()],
                ),
                (PathBuf::from("params/test.bicepparam"), vec![same.clone()]),
            ],
        );
        let messages: Vec<&str> = merged.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "exports are enabled (with every parameter file: main.dev.bicepparam, main.prod.bicepparam, params/test.bicepparam)",
                "the admin user is enabled (with parameter file main.prod.bicepparam)",
            ]
        );
        assert_eq!(merged[0].fingerprint, same.fingerprint, "baselines survive");
        assert_ne!(merged[1].fingerprint, admin.fingerprint);
        assert_eq!(without_every_note(&merged[0].message), same.message);
        assert_eq!(without_every_note(&merged[1].message), merged[1].message);
    }

    #[test]
    fn a_parameter_file_named_alone_is_named_and_fingerprints_stay() {
        let admin = finding("ACR001", "the admin user is enabled");
        let mut own = finding("ACR000", "cannot parse");
        own.location.file = PathBuf::from("infra/main.parameters.prod.json");
        let merged = merge_runs(
            Path::new("infra/main.json"),
            vec![(
                PathBuf::from("infra/main.parameters.prod.json"),
                vec![admin.clone(), own.clone()],
            )],
        );
        assert_eq!(
            merged[0].message,
            "the admin user is enabled (with parameter file main.parameters.prod.json)"
        );
        assert_eq!(merged[0].fingerprint, admin.fingerprint);
        assert_eq!(
            merged[1].message, own.message,
            "a finding in the file itself"
        );
    }

    #[test]
    fn findings_each_parameter_file_gives_by_its_own_value_are_one() {
        let place = |file: &str, line: u32| Related {
            location: Location {
                file: PathBuf::from(file),
                start: crate::source::line_index::LineCol { line, column: 1 },
                end: crate::source::line_index::LineCol { line, column: 1 },
                byte_start: 0,
                byte_end: 0,
            },
            message: "value comes from parameter `adminUser`, parameter file value".into(),
        };
        let with = |file: &str, line: u32| {
            let mut f = finding("ACR001", "the admin user is enabled");
            f.related.push(place(file, line));
            f
        };
        let dev = "infra/main.parameters.dev.json";
        let prod = "infra/main.parameters.prod.json";
        let test = "infra/main.parameters.test.json";
        let merged = merge_runs(
            Path::new("infra/main.json"),
            vec![
                (PathBuf::from(dev), vec![with(dev, 5)]),
                (PathBuf::from(prod), vec![with(prod, 7)]),
                (PathBuf::from(test), vec![]),
            ],
        );
        assert_eq!(merged.len(), 1, "{merged:#?}");
        assert!(merged[0].message.ends_with(
            "(with parameter files main.parameters.dev.json, main.parameters.prod.json)"
        ));
        assert_eq!(merged[0].related, [place(dev, 5), place(prod, 7)]);
        // A value from elsewhere (not the run's own parameter file) keeps them apart.
        let merged = merge_runs(
            Path::new("infra/main.json"),
            vec![
                (PathBuf::from(dev), vec![with(prod, 7)]),
                (PathBuf::from(prod), vec![with(dev, 5)]),
            ],
        );
        assert_eq!(merged.len(), 2);
        assert_ne!(merged[0].fingerprint, merged[1].fingerprint);
    }
}
