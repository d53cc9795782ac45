//! What a JSON file is (template or parameter file, by `$schema`) and which parameter
//! file belongs to which template (by naming convention).

use std::collections::hash_map::{Entry, HashMap};
use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

use crate::load::walk::{path_problem, Exclude};
use crate::source::file::Language;
use crate::source::json::{Node, Span};
use crate::source::paths;
use crate::source::sources::Sources;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonFileKind {
    /// A deployment template of any scope.
    Template,
    /// A deployment parameters file.
    Parameters,
    /// Anything else (skipped silently).
    Other,
}

/// Classify by `$schema`; templates without one are recognised by their shape
/// (`resources` plus `contentVersion` or `$schema`-less nested template files).
pub fn classify(root: &Node) -> JsonFileKind {
    let schema = root
        .get("$schema")
        .and_then(Node::as_str)
        .unwrap_or("")
        .to_ascii_lowercase();
    if schema.contains("deploymentparameters") || schema.contains("parameters.json") {
        return JsonFileKind::Parameters;
    }
    if schema.contains("deploymenttemplate") {
        return JsonFileKind::Template;
    }
    if schema.is_empty() && root.get("resources").is_some() && root.get("contentVersion").is_some()
    {
        return JsonFileKind::Template;
    }
    JsonFileKind::Other
}

/// Whether `name` is a parameter file of a template with this file stem:
/// `x.parameters.json` or `x.parameters.<anything>.json` (read as
/// [`template_stem_of`] reads it, so both directions agree).
fn names_parameter_file_of(stem: &str, name: &str) -> bool {
    template_stem_of(Path::new(name)) == Some(stem)
}

/// The parameter files a template's convention attaches among the file names of its
/// directory: `x.parameters.json` and every `x.parameters.<anything>.json`, by name.
pub fn pick_parameter_files<'a>(
    template: &Path,
    names: impl IntoIterator<Item = &'a str>,
) -> Vec<&'a str> {
    let Some(stem) = template.file_stem().and_then(|s| s.to_str()) else {
        return Vec::new();
    };
    let mut found: Vec<&str> = names
        .into_iter()
        .filter(|name| names_parameter_file_of(stem, name))
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

/// The one parameter file a template's convention picks among the file names of its
/// directory (where one file is wanted: `expand`, the editor, `fix`):
/// `x.parameters.json` when present, otherwise the first `x.parameters.<anything>.json`
/// by name.
pub fn pick_parameter_file<'a>(
    template: &Path,
    names: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let stem = template.file_stem().and_then(|s| s.to_str())?;
    let exact = format!("{stem}.parameters.json");
    let found = pick_parameter_files(template, names);
    found
        .iter()
        .find(|n| **n == exact)
        .or(found.first())
        .copied()
}

/// The parameter file attached to a template by convention, if any.
pub fn parameter_file_for(sources: &dyn Sources, template: &Path) -> Option<PathBuf> {
    let dir = template.parent()?;
    // The exact name wins: when it exists the directory need not be listed.
    let stem = template.file_stem().and_then(|s| s.to_str())?;
    let exact = dir.join(format!("{stem}.parameters.json"));
    if sources.is_file(&exact) {
        return Some(exact);
    }
    let names = sources.file_names(dir);
    pick_parameter_file(template, names.iter().map(String::as_str)).map(|n| dir.join(n))
}

/// Every JSON parameter file attached to a template by convention, by name.
pub fn parameter_files_for(sources: &dyn Sources, template: &Path) -> Vec<PathBuf> {
    let Some(dir) = template.parent() else {
        return Vec::new();
    };
    let names = sources.file_names(dir);
    pick_parameter_files(template, names.iter().map(String::as_str))
        .into_iter()
        .map(|n| dir.join(n))
        .collect()
}

/// The template a parameter file's name attaches it to: `x` for `x.parameters.json`
/// and `x.parameters.<anything>.json`.
pub fn template_stem_of(parameter_file: &Path) -> Option<&str> {
    let name = parameter_file.file_name()?.to_str()?;
    let (stem, rest) = name.split_once(".parameters.")?;
    (!stem.is_empty() && (rest == "json" || rest.ends_with(".json"))).then_some(stem)
}

/// What a `.bicepparam`'s `using` statement names.
pub enum Using {
    /// A template (or registry module), written as a literal, at the statement.
    Template(String, Span),
    /// `using none`.
    Nothing,
}

/// The `using` statement of a `.bicepparam`'s text (`None`: none, or a path that is
/// not a literal).
pub fn using_of(text: &str) -> Option<Using> {
    use crate::source::bicep::{self, FileKind, StatementKind, UsingTarget};
    let parsed = bicep::parse_as(text, FileKind::BicepParam);
    parsed
        .program
        .statements
        .iter()
        .find_map(|s| match &s.kind {
            StatementKind::Using { target, .. } => Some((target, s.span)),
            _ => None,
        })
        .and_then(|(target, span)| match target {
            UsingTarget::Path(p) => p.as_literal().map(|t| {
                Using::Template(
                    t.to_string(),
                    Span {
                        start: span.start,
                        end: span.end,
                    },
                )
            }),
            UsingTarget::None(_) => Some(Using::Nothing),
        })
}

/// The template a `.bicepparam` text's `using` names, as written, with the span of the
/// declaration; `None` without a `using` of a literal path (`using none`, none at all).
pub fn using_target(text: &str) -> Option<(String, Span)> {
    match using_of(text)? {
        Using::Template(target, span) => Some((target, span)),
        Using::Nothing => None,
    }
}

/// What a parameter file, met alone (named on the command line, or walked without its
/// template), is checked with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParameterFileTemplate {
    /// The template it belongs to, which exists.
    Template(PathBuf),
    /// The template it names is not there: `expected` as the user would look for it,
    /// and for a `.bicepparam` the span of its `using`.
    Missing {
        expected: String,
        span: Option<Span>,
    },
    /// A `.bicepparam` that is checked as it is (its `using` names a registry module or
    /// template spec, is refused, or the file cannot be read: loading it says why).
    Itself,
    /// A `.bicepparam` with `using none`: it names no template to check.
    UsesNone,
    /// Not a parameter file by its name.
    NotOne,
}

/// The template a parameter file belongs to: a `.bicepparam`'s `using` target; for
/// `x.parameters[.<anything>].json`, the `x.json` beside it, else `x.bicep`.
pub fn template_of_parameter_file(sources: &dyn Sources, path: &Path) -> ParameterFileTemplate {
    if Language::of(path) == Some(Language::BicepParam) {
        let Ok(file) = sources.read(path) else {
            return ParameterFileTemplate::Itself;
        };
        let (target, span) = match using_of(&file.text) {
            Some(Using::Template(target, span)) => (target, span),
            Some(Using::Nothing) => return ParameterFileTemplate::UsesNone,
            None => return ParameterFileTemplate::Itself,
        };
        if crate::lower::module_cache::reference::is_external(&target) {
            return ParameterFileTemplate::Itself;
        }
        return match sources.resolve(path, &target) {
            Ok(t) if sources.is_file(&t) => ParameterFileTemplate::Template(t),
            Ok(_) => ParameterFileTemplate::Missing {
                expected: target,
                span: Some(span),
            },
            Err(_) => ParameterFileTemplate::Itself,
        };
    }
    let Some(stem) = template_stem_of(path) else {
        return ParameterFileTemplate::NotOne;
    };
    let dir = path.parent().unwrap_or(Path::new(""));
    let json = dir.join(format!("{stem}.json"));
    let bicep = dir.join(format!("{stem}.bicep"));
    [json, bicep]
        .into_iter()
        .find(|t| sources.is_file(t))
        .map_or_else(
            || ParameterFileTemplate::Missing {
                expected: format!("{stem}.json or {stem}.bicep"),
                span: None,
            },
            ParameterFileTemplate::Template,
        )
}

/// Every `.bicepparam` beside a template whose `using` names it, by name.
pub fn bicepparams_for(sources: &dyn Sources, template: &Path) -> Vec<PathBuf> {
    let Some(dir) = template.parent() else {
        return Vec::new();
    };
    let wanted = sources.canonical(template);
    let listed = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let mut candidates: Vec<PathBuf> = sources
        .file_names(dir)
        .into_iter()
        .filter(|n| Language::of(Path::new(n)) == Some(Language::BicepParam))
        .map(|n| listed.join(n))
        .collect();
    candidates.sort();
    candidates.retain(|p| {
        let file = match sources.read(p) {
            Ok(file) => file,
            // One that may not be read (a link out of the root) and is named for
            // the template is taken: its refusal fails the check instead of a silent
            // skip. (Walked, any refused one is reported on its own.)
            Err(e) => {
                return super::refused_read(&e.message) && p.file_stem() == template.file_stem();
            }
        };
        using_target(&file.text)
            .and_then(|(target, _)| sources.resolve(p, &target).ok())
            .is_some_and(|t| sources.canonical(&t) == wanted)
    });
    candidates
}

/// The first `.bicepparam` beside a `.bicep` file whose `using` names it.
pub fn bicepparam_for(sources: &dyn Sources, template: &Path) -> Option<PathBuf> {
    bicepparams_for(sources, template).into_iter().next()
}

/// Files to check under `paths`: directories are walked honouring `.gitignore` for
/// files of a [`Language`] acrlint reads; files named explicitly are always included
/// (flagged `true`).
pub fn collect_files(paths: &[PathBuf]) -> (Vec<(PathBuf, bool)>, Vec<String>) {
    collect_files_excluding(paths, &Exclude::default())
}

/// [`collect_files`] without the walked files (and folders) `exclude` matches.
pub fn collect_files_excluding(
    paths: &[PathBuf],
    exclude: &Exclude,
) -> (Vec<(PathBuf, bool)>, Vec<String>) {
    let (files, errors, _) = walk(paths, exclude);
    (files, errors)
}

/// `p` without `.` and `a/..` parts when that names the same file or folder; `p` as
/// given when it does not (`link/..` is the link target's parent, not `.`), so that
/// a path and the real path found for it never disagree.
fn cleaned(p: &Path) -> PathBuf {
    let clean = paths::clean(p);
    if clean.as_os_str() == p.as_os_str()
        || std::fs::canonicalize(&clean).ok() == std::fs::canonicalize(p).ok()
    {
        clean
    } else {
        p.to_path_buf()
    }
}

/// The files of [`collect_files_excluding`], its errors, and the folders walked
/// below each directory given, as written (cleaned) with their real paths.
pub fn walk(paths: &[PathBuf], exclude: &Exclude) -> Walked {
    // Each file with its real path, when the walk tells it without asking the file
    // system: below the walked directory the walk follows no link, so a file it meets
    // as a file is where its path says.
    // (Paths are cleaned as they are met: below the walked directory, a path is the
    // directory's cleaned path joined with names, which need no cleaning.)
    let mut files: Vec<(PathBuf, bool, Option<PathBuf>)> = Vec::new();
    let mut errors = Vec::new();
    let mut dirs: Vec<(PathBuf, PathBuf)> = Vec::new();
    for p in paths {
        if p.is_file() {
            files.push((cleaned(p), true, None));
            continue;
        }
        if let Some(problem) = path_problem(p) {
            errors.push(problem);
            continue;
        }
        let exclude = exclude.clone();
        let walked = std::fs::canonicalize(p).ok();
        let base = cleaned(p);
        let below = |rel: &Path| {
            if base.as_os_str() == "." {
                rel.to_path_buf()
            } else {
                base.join(rel)
            }
        };
        if let Some(w) = &walked {
            dirs.push((base.clone(), w.clone()));
        }
        let walker = ignore::WalkBuilder::new(p)
            .follow_links(false)
            .filter_entry(move |e| e.depth() == 0 || !exclude.excludes(e.path()))
            .build();
        for entry in walker {
            let e = match entry {
                Ok(e) => e,
                Err(e) => {
                    errors.push(e.to_string());
                    continue;
                }
            };
            let path = e.path();
            let Some(kind) = e.file_type() else {
                continue;
            };
            // The path cleaned, and its real path when the walk tells it.
            let named = || match path.strip_prefix(p) {
                Ok(rel) if e.depth() > 0 => (below(rel), walked.as_ref().map(|w| w.join(rel))),
                _ => (paths::clean(path), None),
            };
            if kind.is_file() && is_candidate(path) {
                let (clean, real) = named();
                files.push((clean, false, real));
            } else if kind.is_dir() && e.depth() > 0 {
                if let (clean, Some(real)) = named() {
                    dirs.push((clean, real));
                }
            } else if kind.is_symlink() && is_candidate(path) && link_leads_elsewhere(path, &walked)
            {
                files.push((named().0, false, None));
            }
        }
    }
    // One file, one check, however it was spelt (`x.json ./x.json /abs/x.json`).
    let disk = crate::load::Disk;
    // (Keyed by the bytes of the real path: hashing a `Path` walks its components.)
    let mut seen: HashMap<OsString, usize> = HashMap::with_capacity(files.len());
    let mut unique: Vec<(PathBuf, bool)> = Vec::with_capacity(files.len());
    for (path, explicit, real) in files {
        let real = real.unwrap_or_else(|| disk.canonical(&path));
        match seen.entry(real.into_os_string()) {
            Entry::Occupied(e) => unique[*e.get()].1 |= explicit,
            Entry::Vacant(e) => {
                e.insert(unique.len());
                unique.push((path, explicit));
            }
        }
    }
    (in_path_order(unique), errors, dirs)
}

/// `files` sorted as `sort` would sort them, with each path split into its
/// components once (comparing two `Path`s splits both, every time).
fn in_path_order(files: Vec<(PathBuf, bool)>) -> Vec<(PathBuf, bool)> {
    let order: Vec<usize> = {
        let mut keys: Vec<(Vec<Component>, bool, usize)> = files
            .iter()
            .enumerate()
            .map(|(i, (p, explicit))| (p.components().collect(), *explicit, i))
            .collect();
        keys.sort_unstable();
        keys.into_iter().map(|(_, _, i)| i).collect()
    };
    let mut slots: Vec<Option<(PathBuf, bool)>> = files.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

/// What [`walk`] found: files (`true` when named explicitly), errors, and folders
/// with their real paths.
pub type Walked = (Vec<(PathBuf, bool)>, Vec<String>, Vec<(PathBuf, PathBuf)>);

/// Whether the walk takes a symbolic link it meets (the link is not followed into a
/// directory): yes unless it leads to a file inside the directory walked, which the
/// walk meets under its own name. A link that leads out of the root is then refused
/// when read, and a dangling link or a loop is reported: never a silent skip.
fn link_leads_elsewhere(link: &Path, walked: &Option<PathBuf>) -> bool {
    match std::fs::canonicalize(link) {
        Ok(target) => !target.is_dir() && !walked.as_ref().is_some_and(|w| target.starts_with(w)),
        Err(_) => true,
    }
}

fn is_candidate(path: &Path) -> bool {
    Language::of(path).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::json::parse;

    /// A parameter file's name attaches it to one template, whichever way it is read.
    #[test]
    fn a_parameter_file_name_has_one_template() {
        let names = [
            "a.parameters.json",
            "a.parameters.parameters.json",
            "a.parameters.dev.json",
            "a.json",
            "ab.parameters.json",
        ];
        for stem in ["a", "a.parameters", "ab"] {
            let template = PathBuf::from(format!("{stem}.json"));
            for name in pick_parameter_files(&template, names) {
                assert_eq!(template_stem_of(Path::new(name)), Some(stem), "{name}");
            }
        }
        assert_eq!(
            pick_parameter_files(Path::new("a.json"), names),
            [
                "a.parameters.dev.json",
                "a.parameters.json",
                "a.parameters.parameters.json"
            ]
        );
        assert!(pick_parameter_files(Path::new("a.parameters.json"), names).is_empty());
    }

    #[test]
    fn picks_parameter_files_by_convention() {
        let t = Path::new("infra/main.json");
        let pick = |names: &[&'static str]| pick_parameter_file(t, names.iter().copied());
        assert_eq!(
            pick(&["main.parameters.prod.json", "main.parameters.json"]),
            Some("main.parameters.json")
        );
        assert_eq!(
            pick(&[
                "main.parameters.prod.json",
                "main.parameters.dev.json",
                "main.json"
            ]),
            Some("main.parameters.dev.json")
        );
        assert_eq!(
            pick(&["main.parameters..json"]),
            Some("main.parameters..json")
        );
        assert_eq!(
            pick(&["other.parameters.json", "main.parameters.jsonc"]),
            None
        );
        assert_eq!(
            pick(&["mainx.parameters.json", "main.parametersjson"]),
            None
        );
    }

    /// The walk's order is `sort`'s, also where bytes and components disagree
    /// (`a-b` sorts before `a/b` as bytes, after it as components).
    #[test]
    fn files_are_in_path_order() {
        let names = [
            "a-b/x.json",
            "a/b/x.json",
            "a/x.json",
            "a.json",
            "../up/x.json",
            "/abs/x.json",
            "a/b",
            "a/b/../c.json",
            ".-x/y.json",
            "../x.json",
            "b.json",
            "a/ba.json",
        ];
        let files: Vec<(PathBuf, bool)> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (PathBuf::from(n), i % 2 == 0))
            .collect();
        let mut sorted = files.clone();
        sorted.sort();
        assert_eq!(in_path_order(files), sorted);
    }

    #[test]
    fn classifies_by_schema() {
        let t = parse(r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": []}"#).unwrap();
        assert_eq!(classify(&t), JsonFileKind::Template);
        let s = parse(r#"{"$schema": "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#"}"#).unwrap();
        assert_eq!(classify(&s), JsonFileKind::Template);
        let p = parse(r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "parameters": {}}"#).unwrap();
        assert_eq!(classify(&p), JsonFileKind::Parameters);
        let o = parse(r#"{"name": "package"}"#).unwrap();
        assert_eq!(classify(&o), JsonFileKind::Other);
    }
}
