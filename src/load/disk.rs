//! The disk as [`Sources`]: the only place where loading reads files.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, RwLock};

use crate::source::file::{ReadError, SourceFile};
use crate::source::limits::{current, with_size_limit};
use crate::source::sources::Sources;

/// What a refused path's message says (the loader recognises it).
pub(super) const LEAVES_ROOT: &str = "leaves the checked root";
pub(super) const ABSOLUTE: &str = "files must be referenced by relative paths (BCP051)";
/// What a read [`Confined`] refused says.
pub(super) const OUTSIDE_ROOT: &str = "is outside the checked root";

/// Files as they are on disk, anywhere (the library's default).
#[derive(Clone, Copy, Debug, Default)]
pub struct Disk;

/// Files on disk inside a set of directories, the *roots*: what a template names
/// outside them (through `..`, an absolute path or a symbolic link) is never read.
/// The command line always reads through one.
#[derive(Clone, Debug)]
pub struct Confined {
    /// Canonical directories.
    roots: Arc<[PathBuf]>,
    /// The registry modules of the default Bicep module cache (`~/.bicep/br`,
    /// canonical): `acrlint restore` and `bicep restore` fill it from the registries
    /// a template names, so the loader reads a restored module's files there, outside
    /// the root on purpose. A path written in a template may not lead there
    /// ([`Sources::resolve`] stays inside the roots), and a cache that a
    /// `bicepconfig.json` moves elsewhere (`cacheRootDirectory`) is read only inside
    /// the roots or an `--allow-path` directory.
    module_cache: Option<Arc<Path>>,
    /// The directories this one has resolved (shared by its clones).
    real_dirs: Arc<RealDirs>,
}

impl Confined {
    /// The roots of `paths` (each one's nearest enclosing repository root, a
    /// directory holding `.git`; else the directory given, or the file's directory),
    /// and each directory of `allowed` (`--allow-path`).
    pub fn new(paths: &[PathBuf], allowed: &[PathBuf]) -> Confined {
        let mut roots: Vec<PathBuf> = Vec::new();
        for p in paths {
            let Ok(abs) = std::fs::canonicalize(p) else {
                continue;
            };
            let start = if abs.is_dir() {
                abs
            } else {
                abs.parent().map_or(abs.clone(), Path::to_path_buf)
            };
            let repo = start.ancestors().find(|a| a.join(".git").exists());
            roots.push(repo.map_or(start.clone(), Path::to_path_buf));
        }
        roots.extend(allowed.iter().filter_map(|a| std::fs::canonicalize(a).ok()));
        roots.sort();
        roots.dedup();
        let module_cache = super::home_dir()
            .and_then(|h| std::fs::canonicalize(h.join(".bicep").join("br")).ok())
            .map(Arc::from);
        Confined {
            roots: roots.into(),
            module_cache,
            real_dirs: Arc::default(),
        }
    }

    /// These roots and those of `paths` (the language server's document).
    pub fn with_roots_of(&self, paths: &[PathBuf]) -> Confined {
        let mut roots = self.roots.to_vec();
        roots.extend(Confined::new(paths, &[]).roots.iter().cloned());
        roots.sort();
        roots.dedup();
        Confined {
            roots: roots.into(),
            module_cache: self.module_cache.clone(),
            real_dirs: Arc::default(),
        }
    }

    /// The roots, canonical.
    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }

    /// Why `path` may not be read, when it lies outside every root (after following
    /// symbolic links); `None` when it may.
    fn outside(&self, path: &Path) -> Option<String> {
        self.outside_of(path, true)
    }

    /// [`Confined::outside`], with the module cache counted as inside or not.
    fn outside_of(&self, path: &Path, cache_inside: bool) -> Option<String> {
        let real = match self.real_dirs.real(path) {
            Some(r) => r,
            // A file that does not exist is not read either: the read says so.
            None => lexically_absolute(path)?,
        };
        if self.roots.iter().any(|r| real.starts_with(r)) {
            return None;
        }
        if cache_inside
            && self
                .module_cache
                .as_deref()
                .is_some_and(|c| real.starts_with(c))
        {
            return None;
        }
        Some(format!(
            "{} {OUTSIDE_ROOT} and is not read (--allow-path DIR allows a directory)",
            path.display()
        ))
    }
}

impl Sources for Confined {
    fn read(&self, path: &Path) -> Result<Arc<SourceFile>, ReadError> {
        if let Some(why) = self.outside(path) {
            return Err(ReadError {
                path: path.to_path_buf(),
                message: format!("cannot read: {why}"),
                offset: None,
                lossy: None,
            });
        }
        Disk.read(path)
    }

    fn read_bytes(&self, path: &Path, cap: u64) -> Result<Vec<u8>, String> {
        match self.outside(path) {
            Some(why) => Err(why),
            None => Disk.read_bytes(path, cap),
        }
    }

    fn is_file(&self, path: &Path) -> bool {
        self.outside(path).is_none() && Disk.is_file(path)
    }

    fn file_names(&self, dir: &Path) -> Vec<String> {
        match self.outside(dir) {
            Some(_) => Vec::new(),
            None => Disk.file_names(dir),
        }
    }

    fn canonical(&self, path: &Path) -> PathBuf {
        self.real_dirs
            .real(path)
            .unwrap_or_else(|| path.to_path_buf())
    }

    /// As [`Disk::resolve`], and the path must stay inside the roots.
    fn resolve(&self, from: &Path, written: &str) -> Result<PathBuf, String> {
        let path = Disk.resolve(from, written)?;
        match self.outside_of(&path, false) {
            Some(_) => {
                Err(format!(
                "the path {LEAVES_ROOT}{} and is not read (--allow-path DIR allows a directory)",
                if written.contains("..") { "" } else { " through a symbolic link" }
            ))
            }
            None => Ok(path),
        }
    }
}

/// The real paths (symbolic links, `.` and `..` resolved: what
/// [`std::fs::canonicalize`] gives) of the directories met so far. `realpath` reads
/// every component of a path, one system call each, and does it again for the next
/// file of the same directory: that was a fifth of `check`'s system time. Here a path
/// costs one `lstat` of its last component once its directory is known. A
/// [`Confined`] is made for one run (one `check`, one analysis of the editor server),
/// so a directory is resolved once per run; the file itself is looked at on every
/// call, and what does not exist is never remembered.
/// (Keyed by the bytes of the path as given: hashing a `Path` walks its components.)
#[derive(Debug, Default)]
struct RealDirs(RwLock<HashMap<OsString, PathBuf>>);

impl RealDirs {
    /// The real path of `path`; `None` when it does not exist.
    fn real(&self, path: &Path) -> Option<PathBuf> {
        let name = match path.components().next_back() {
            // Written as the last component (not `x/.` or `x/`, which `components`
            // would also end with `x`, but resolve `x` when it is a link).
            Some(Component::Normal(name))
                if path
                    .as_os_str()
                    .as_encoded_bytes()
                    .ends_with(name.as_encoded_bytes()) =>
            {
                name
            }
            _ => return std::fs::canonicalize(path).ok(),
        };
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let dir = self.real_dir(parent)?;
        if std::fs::symlink_metadata(path)
            .ok()?
            .file_type()
            .is_symlink()
        {
            return std::fs::canonicalize(path).ok();
        }
        Some(dir.join(name))
    }

    fn real_dir(&self, dir: &Path) -> Option<PathBuf> {
        if let Some(real) = self
            .0
            .read()
            .ok()
            .and_then(|m| m.get(dir.as_os_str()).cloned())
        {
            return Some(real);
        }
        let real = self.real(dir)?;
        if let Ok(mut m) = self.0.write() {
            m.insert(dir.as_os_str().to_os_string(), real.clone());
        }
        Some(real)
    }
}

/// `path` made absolute against the working directory, with `.` and `..` removed
/// without touching the file system.
fn lexically_absolute(path: &Path) -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    Some(crate::source::paths::absolute_in(path, &cwd))
}

/// Whether a path as written in a template is absolute, on any platform: a leading
/// `/` or `\`, or a drive letter (`C:`).
fn is_absolute_written(written: &str) -> bool {
    let b = written.as_bytes();
    written.starts_with('/')
        || written.starts_with('\\')
        || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':')
}

impl Sources for Disk {
    fn read(&self, path: &Path) -> Result<Arc<SourceFile>, ReadError> {
        let cap = current().file_bytes;
        let bytes = read_capped(path, cap).map_err(|message| ReadError {
            path: path.to_path_buf(),
            message: with_size_limit(message, cap),
            offset: None,
            lossy: None,
        })?;
        SourceFile::decode(path, bytes).map(Arc::new)
    }

    fn read_bytes(&self, path: &Path, cap: u64) -> Result<Vec<u8>, String> {
        read_capped(path, cap)
    }

    fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }

    fn file_names(&self, dir: &Path) -> Vec<String> {
        let listed = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        std::fs::read_dir(listed)
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_ok_and(|t| !t.is_dir()))
            .filter_map(|e| e.file_name().into_string().ok())
            .collect()
    }

    fn canonical(&self, path: &Path) -> PathBuf {
        std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
    }

    /// A path written in a template, relative to the file that names it: an absolute
    /// one is refused, as the Bicep compiler does (BCP051).
    fn resolve(&self, from: &Path, written: &str) -> Result<PathBuf, String> {
        if is_absolute_written(written) {
            return Err(format!("the path is absolute; {ABSOLUTE}"));
        }
        let base = from.parent().unwrap_or(Path::new(""));
        Ok(base.join(written.replace('\\', "/")))
    }
}

/// The bytes of a regular file of at most `cap` bytes. Devices, FIFOs and
/// directories are refused (`/dev/zero` would never end, a FIFO would block), and the
/// cap holds even when the size the file system reports is wrong (`/proc` files).
pub fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, String> {
    read_capped_with_metadata(path, cap).map(|(bytes, _)| bytes)
}

/// [`read_capped`], with the metadata of the file read (from the open file: no second
/// lookup of the path).
pub fn read_capped_with_metadata(
    path: &Path,
    cap: u64,
) -> Result<(Vec<u8>, std::fs::Metadata), String> {
    use std::io::Read;
    let file = open_without_blocking(path).map_err(|e| format!("cannot read: {e}"))?;
    let meta = file.metadata().map_err(|e| format!("cannot read: {e}"))?;
    if !meta.is_file() {
        return Err("cannot read: not a regular file".into());
    }
    let too_big = |n: u64| format!("file is {n} bytes, larger than the {cap} byte limit");
    if meta.len() > cap {
        return Err(too_big(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > cap {
        return Err(format!("file is larger than the {cap} byte limit"));
    }
    Ok((bytes, meta))
}

/// Open for reading; a FIFO opens at once instead of waiting for a writer (it is then
/// refused as not a regular file).
#[cfg(unix)]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// The real path of every spelling, through links to folders and files, `.` and
    /// `..`, is what `realpath` gives, and `None` where it fails.
    #[test]
    fn real_paths_are_those_of_realpath() {
        use std::os::unix::fs::symlink;
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        std::fs::create_dir_all(d.join("a/b")).unwrap();
        std::fs::create_dir_all(d.join("elsewhere/deep")).unwrap();
        std::fs::write(d.join("a/b/t.json"), "{}").unwrap();
        std::fs::write(d.join("elsewhere/deep/x.json"), "{}").unwrap();
        symlink(d.join("elsewhere/deep"), d.join("a/link")).unwrap();
        symlink("../elsewhere/deep/x.json", d.join("a/file-link.json")).unwrap();
        symlink("b", d.join("a/rel")).unwrap();
        symlink(d.join("nowhere"), d.join("a/dangling")).unwrap();
        let dirs = RealDirs::default();
        let spellings = [
            "a/b/t.json",
            "a/./b/t.json",
            "a/b/../b/t.json",
            "a/link/x.json",
            "a/link/../deep/x.json",
            "a/link/..",
            "a/link/.",
            "a/link/",
            "a/link",
            "a/file-link.json",
            "a/rel/t.json",
            "a/rel/../b/t.json",
            "a/dangling",
            "a/dangling/x.json",
            "a/b/t.json/x",
            "a/missing.json",
            "a/b/../../a/link/x.json",
            ".",
            "",
        ];
        for _ in 0..2 {
            // (twice: the second time from what was remembered)
            for s in spellings {
                let p = d.join(s);
                assert_eq!(dirs.real(&p), std::fs::canonicalize(&p).ok(), "{s}");
            }
        }
        // Relative spellings, against the working directory.
        for s in [
            "Cargo.toml",
            "./src/lib.rs",
            "src/../Cargo.toml",
            "src/load",
        ] {
            let p = Path::new(s);
            assert_eq!(dirs.real(p), std::fs::canonicalize(p).ok(), "{s}");
        }
    }
}
