//! Checking an open document: its buffer and every other open buffer laid over the
//! disk, checked by the same `check_source` as `acrlint check`; the files the check
//! read are recorded, so that a change to one of them re-checks the document.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::check::{check_source, CheckOptions};
use crate::load::discover::{classify, pick_parameter_file, JsonFileKind};
use crate::load::Confined;
use crate::rules::engine::Engine;
use crate::rules::finding::{Finding, Location, Related};
use crate::source::file::{Language, ReadError, SourceFile, SourceText};
use crate::source::line_index::{LineCol, LineIndex};
use crate::source::sources::{Overlay, Sources};

/// How the related information of a finding shown away from its own place begins.
const ELSEWHERE: &str = "the finding is in ";

/// Whether a finding is shown away from its own place (in a module, in the template
/// of a parameter file): it cannot be fixed or suppressed from this document.
pub fn is_elsewhere(f: &Finding) -> bool {
    f.related
        .first()
        .is_some_and(|r| r.message.starts_with(ELSEWHERE))
}

/// The result of checking one open document at one version.
#[derive(Clone, Debug, Default)]
pub struct Checked {
    pub version: i32,
    /// The text checked (the buffer without a byte order mark).
    pub text: SourceText,
    /// Its lines (diagnostics, hover and code actions place findings in it).
    pub lines: Arc<LineIndex>,
    /// Findings shown on the document, suppressed ones included (they are not shown,
    /// but a quick fix must not make them count).
    pub findings: Vec<Finding>,
    /// Every file the check asked for (canonical spelling), the document included.
    pub reads: HashSet<PathBuf>,
    /// Texts of other files findings point into (for positions in related places).
    pub texts: HashMap<PathBuf, SourceText>,
}

/// Sources that remember every file asked of them.
struct Recording<'a> {
    inner: &'a dyn Sources,
    asked: Mutex<HashSet<PathBuf>>,
}

impl Recording<'_> {
    fn note(&self, path: &Path) {
        let canonical = self.inner.canonical(path);
        if let Ok(mut asked) = self.asked.lock() {
            asked.insert(canonical);
        }
    }
}

impl Sources for Recording<'_> {
    fn read(&self, path: &Path) -> Result<Arc<SourceFile>, ReadError> {
        self.note(path);
        self.inner.read(path)
    }
    fn read_bytes(&self, path: &Path, cap: u64) -> Result<Vec<u8>, String> {
        self.note(path);
        self.inner.read_bytes(path, cap)
    }
    fn is_file(&self, path: &Path) -> bool {
        // A file that does not exist yet matters too: creating it changes the check.
        self.note(path);
        self.inner.is_file(path)
    }
    fn file_names(&self, dir: &Path) -> Vec<String> {
        self.inner.file_names(dir)
    }
    fn canonical(&self, path: &Path) -> PathBuf {
        self.inner.canonical(path)
    }
    fn resolve(&self, from: &Path, written: &str) -> Result<PathBuf, String> {
        self.inner.resolve(from, written)
    }
}

/// Check the document at `path` whose text is `text` (without byte order mark) at
/// `version`, with the `open` buffers (path, text) laid over the disk.
pub fn check_document(
    path: &Path,
    version: i32,
    text: SourceText,
    open: &[(PathBuf, SourceText)],
    engine: &Engine,
    options: &CheckOptions,
) -> Checked {
    let confined = confined_for(path, options);
    let mut overlay = Overlay::new(&confined);
    for (p, t) in open {
        overlay.set(p, t.clone());
    }
    overlay.set(path, text.clone());
    let sources = Recording {
        inner: &overlay,
        asked: Mutex::new(HashSet::new()),
    };
    let mut options = options.clone();
    options.confined = Some(confined.clone());
    let target = match parameter_file_kind(path, &text) {
        Some(()) => match template_of(path, &sources) {
            Some(template) => {
                options.expand.parameters = Some(path.to_path_buf());
                template
            }
            None => path.to_path_buf(),
        },
        None => path.to_path_buf(),
    };
    // Named by the user (an open file is), so a `.bicepparam` is checked through its
    // template and a broken file is reported.
    let outcome = check_source(&target, &sources, true, engine, &options);
    let mut texts: HashMap<PathBuf, SourceText> = outcome.other_sources.into_iter().collect();
    if let Some(s) = outcome.source {
        texts.insert(outcome.path.clone(), s);
    }
    let parameter_file = target != path || Language::of(path) == Some(Language::BicepParam);
    let findings = outcome
        .findings
        .into_iter()
        .filter_map(|f| {
            if f.location.file == path {
                Some(f)
            } else {
                // A finding in a module or in the template of a parameter file.
                shown_elsewhere(path, f, parameter_file)
            }
        })
        .collect();
    Checked {
        version,
        lines: Arc::new(LineIndex::new(&text)),
        text,
        findings,
        reads: sources.asked.into_inner().unwrap_or_default(),
        texts,
    }
}

/// Where checking the document at `path` may read, as `acrlint check` on it would:
/// its root (the nearest enclosing repository, else its folder) and the directories
/// the settings allow. Open buffers are read from memory, but a path written in a
/// template is resolved through these roots all the same.
pub fn confined_for(path: &Path, options: &CheckOptions) -> Confined {
    let document = [path.to_path_buf()];
    match &options.confined {
        Some(c) => c.with_roots_of(&document),
        None => Confined::new(&document, &[]),
    }
}

/// `Some` for a JSON deployment parameters file.
fn parameter_file_kind(path: &Path, text: &str) -> Option<()> {
    if Language::of(path) != Some(Language::Json) {
        return None;
    }
    // Its `$schema` comes first; templates (megabytes) are not parsed twice.
    let head = text.get(..text.len().min(4096)).unwrap_or(text);
    if !head.to_ascii_lowercase().contains("deploymentparameters") {
        return None;
    }
    let root = crate::source::json::parse(text).ok()?;
    (classify(&root) == JsonFileKind::Parameters).then_some(())
}

/// The template a JSON parameter file belongs to by naming convention (the template
/// in its directory whose convention picks it).
fn template_of(parameters: &Path, sources: &dyn Sources) -> Option<PathBuf> {
    let dir = parameters.parent()?;
    let name = parameters.file_name()?.to_str()?;
    let mut names = sources.file_names(dir);
    names.sort();
    names.iter().find_map(|candidate| {
        let template = dir.join(candidate);
        let is_json = Language::of(&template) == Some(Language::Json);
        (is_json && candidate != name)
            .then(|| pick_parameter_file(&template, names.iter().map(String::as_str)))
            .flatten()
            .filter(|picked| *picked == name)
            .map(|_| template.clone())
    })
}

/// A finding in another file (a module, the template of a parameter file), shown on
/// the document at `path`: at the first place of the document it names (the value
/// passed to a module, a parameter's value), else, for a parameter file, at its top;
/// the finding's own place becomes related information. A module's finding that
/// names no place of the document shows when the module is open.
fn shown_elsewhere(path: &Path, mut f: Finding, parameter_file: bool) -> Option<Finding> {
    let template = f.location.clone();
    let place = f
        .related
        .iter()
        .position(|r| r.location.file == path)
        .map(|i| f.related.remove(i).location)
        .or_else(|| {
            parameter_file.then(|| Location {
                file: path.to_path_buf(),
                start: LineCol { line: 1, column: 1 },
                end: LineCol { line: 1, column: 1 },
                byte_start: 0,
                byte_end: 0,
            })
        })?;
    let name = template
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    f.related.insert(
        0,
        Related {
            location: template,
            message: format!("{ELSEWHERE}{name}"),
        },
    );
    f.location = place;
    Some(f)
}
