//! Where file texts come from. Analysis does no IO: every file that loading,
//! lowering and the rules read — the template, its parameter file, Bicep modules and
//! imports, files named by `loadTextContent()` — is asked of a [`Sources`]. The disk
//! is one implementation (`load::Disk`); an [`Overlay`] puts texts that are not on
//! disk in front of another (an editor's unsaved buffers, a text `fix` is editing).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::source::file::{ReadError, SourceFile, SourceText};

/// The files analysis may read.
pub trait Sources: Sync {
    /// A file's text (UTF-8, without its byte order mark).
    fn read(&self, path: &Path) -> Result<Arc<SourceFile>, ReadError>;

    /// A file's bytes, at most `cap` of them (`loadFileAsBase64()` reads any file).
    fn read_bytes(&self, path: &Path, cap: u64) -> Result<Vec<u8>, String>;

    /// Whether `path` names a file (not a directory).
    fn is_file(&self, path: &Path) -> bool;

    /// The names of the files in a directory (sub-directories left out), in no
    /// particular order; empty when it cannot be listed.
    fn file_names(&self, dir: &Path) -> Vec<String>;

    /// One spelling per file, to recognise a file reached twice (a module cycle, a
    /// module used by two files): symbolic links and `..` resolved when the file
    /// exists, the path as given otherwise.
    fn canonical(&self, path: &Path) -> PathBuf;

    /// The file a template names by a relative path (a module, an import, a file
    /// given to `loadTextContent()`, the template of a `.bicepparam`, a parameter file
    /// of the configuration), written in the file `from`. Every such path is
    /// resolved here and nowhere else, so that a policy on them (a root they may not
    /// leave) is one change.
    fn resolve(&self, from: &Path, written: &str) -> Result<PathBuf, String> {
        let base = from.parent().unwrap_or(Path::new(""));
        Ok(base.join(written.replace('\\', "/")))
    }
}

/// Texts that stand in for files of another [`Sources`]: what is in the overlay is
/// read from it, everything else from the base. A path matches when it names the
/// same file as an overlaid one ([`Sources::canonical`]), however it is spelt.
pub struct Overlay<'b> {
    base: &'b dyn Sources,
    texts: HashMap<PathBuf, SourceText>,
}

impl<'b> Overlay<'b> {
    pub fn new(base: &'b dyn Sources) -> Overlay<'b> {
        Overlay {
            base,
            texts: HashMap::new(),
        }
    }

    /// Read `text` (without a byte order mark) as the content of `path`.
    pub fn set(&mut self, path: &Path, text: SourceText) {
        self.texts.insert(self.base.canonical(path), text);
    }

    fn get(&self, path: &Path) -> Option<&SourceText> {
        if self.texts.is_empty() {
            return None;
        }
        self.texts.get(&self.base.canonical(path))
    }
}

impl Sources for Overlay<'_> {
    fn read(&self, path: &Path) -> Result<Arc<SourceFile>, ReadError> {
        match self.get(path) {
            Some(text) => Ok(Arc::new(SourceFile::shared(path, text.clone()))),
            None => self.base.read(path),
        }
    }

    fn read_bytes(&self, path: &Path, cap: u64) -> Result<Vec<u8>, String> {
        match self.get(path) {
            Some(text) if text.len() as u64 > cap => Err(format!(
                "file is {} bytes, larger than the {cap} byte limit",
                text.len()
            )),
            Some(text) => Ok(text.as_bytes().to_vec()),
            None => self.base.read_bytes(path, cap),
        }
    }

    fn is_file(&self, path: &Path) -> bool {
        self.get(path).is_some() || self.base.is_file(path)
    }

    fn file_names(&self, dir: &Path) -> Vec<String> {
        let mut names = self.base.file_names(dir);
        let dir = self.base.canonical(dir);
        for path in self.texts.keys() {
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if path.parent() == Some(dir.as_path()) && !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
        }
        names
    }

    fn canonical(&self, path: &Path) -> PathBuf {
        self.base.canonical(path)
    }

    fn resolve(&self, from: &Path, written: &str) -> Result<PathBuf, String> {
        self.base.resolve(from, written)
    }
}

/// Sources without any file (for tests of code that reads none).
#[cfg(test)]
pub(crate) struct NoFiles;

#[cfg(test)]
impl Sources for NoFiles {
    fn read(&self, path: &Path) -> Result<Arc<SourceFile>, ReadError> {
        Err(ReadError {
            path: path.to_path_buf(),
            message: "cannot read: no files here".into(),
            offset: None,
            lossy: None,
        })
    }
    fn read_bytes(&self, _path: &Path, _cap: u64) -> Result<Vec<u8>, String> {
        Err("cannot read: no files here".into())
    }
    fn is_file(&self, _path: &Path) -> bool {
        false
    }
    fn file_names(&self, _dir: &Path) -> Vec<String> {
        Vec::new()
    }
    fn canonical(&self, path: &Path) -> PathBuf {
        path.to_path_buf()
    }
}

/// Files held in memory, spelt one way only.
#[cfg(test)]
#[derive(Default)]
pub(crate) struct Memory(pub HashMap<PathBuf, String>);

#[cfg(test)]
impl Sources for Memory {
    fn read(&self, path: &Path) -> Result<Arc<SourceFile>, ReadError> {
        self.0
            .get(path)
            .map(|t| Arc::new(SourceFile::from_text(path, t)))
            .ok_or_else(|| ReadError {
                path: path.to_path_buf(),
                message: "cannot read: not found".into(),
                offset: None,
                lossy: None,
            })
    }
    fn read_bytes(&self, path: &Path, _cap: u64) -> Result<Vec<u8>, String> {
        self.0
            .get(path)
            .map(|t| t.as_bytes().to_vec())
            .ok_or_else(|| "not found".into())
    }
    fn is_file(&self, path: &Path) -> bool {
        self.0.contains_key(path)
    }
    fn file_names(&self, dir: &Path) -> Vec<String> {
        self.0
            .keys()
            .filter(|p| p.parent() == Some(dir))
            .filter_map(|p| p.file_name()?.to_str().map(String::from))
            .collect()
    }
    fn canonical(&self, path: &Path) -> PathBuf {
        // `./x` and `x` are one file.
        path.components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_overlay_shadows_its_base_and_adds_files() {
        let mut base = Memory::default();
        base.0.insert("d/a.json".into(), "disk".into());
        base.0.insert("d/b.json".into(), "other".into());
        let mut overlay = Overlay::new(&base);
        overlay.set(Path::new("./d/a.json"), Arc::new("edited".into()));
        overlay.set(Path::new("d/new.bicep"), Arc::new("unsaved".into()));
        let read = |p: &str| overlay.read(Path::new(p)).map(|f| f.text.to_string());
        assert_eq!(read("d/a.json").unwrap(), "edited");
        assert_eq!(read("d/b.json").unwrap(), "other");
        assert_eq!(read("d/new.bicep").unwrap(), "unsaved");
        assert!(read("d/missing.json").is_err());
        // The file keeps the spelling it was asked by (findings point at it).
        assert_eq!(
            overlay.read(Path::new("./d/a.json")).unwrap().path,
            Path::new("./d/a.json")
        );
        assert!(overlay.is_file(Path::new("d/new.bicep")));
        let mut names = overlay.file_names(Path::new("d"));
        names.sort();
        assert_eq!(names, ["a.json", "b.json", "new.bicep"]);
        assert_eq!(
            overlay.read_bytes(Path::new("d/a.json"), 100).unwrap(),
            b"edited"
        );
        assert!(overlay.read_bytes(Path::new("d/a.json"), 3).is_err());
    }

    #[test]
    fn relative_paths_resolve_against_the_naming_file() {
        let base = Memory::default();
        assert_eq!(
            base.resolve(Path::new("infra/main.bicep"), "modules\\acr.bicep"),
            Ok(PathBuf::from("infra/modules/acr.bicep"))
        );
        assert_eq!(
            Overlay::new(&base).resolve(Path::new("main.bicep"), "./x.json"),
            Ok(PathBuf::from("./x.json"))
        );
    }
}
