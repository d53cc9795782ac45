//! Writing a pulled module into the Bicep CLI's module cache (the layout is
//! [`crate::lower::module_cache::layout`], which checking reads). `metadata` is
//! `{"manifestDigest": "sha256:…"}`, as the compiler writes it.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::lower::module_cache::layout::{artifact_dir, MAIN_FILE, MANIFEST_FILE, METADATA_FILE};
use crate::lower::module_cache::reference::OciReference;

/// What a pull brings: written as the three cache files.
pub struct Artifact<'a> {
    /// The manifest exactly as the registry sent it (its digest is the module's).
    pub manifest: &'a [u8],
    pub manifest_digest: &'a str,
    /// The module layer: the compiled ARM template.
    pub main: &'a [u8],
}

/// `{"manifestDigest": "sha256:…"}`, indented as the compiler writes it.
pub fn metadata_json(manifest_digest: &str) -> String {
    let escaped = serde_json::Value::String(manifest_digest.to_string()).to_string();
    format!("{{\n  \"manifestDigest\": {escaped}\n}}")
}

/// Write an artifact into the cache. Each file is written to a fresh temporary file
/// in the artifact's directory and renamed into place, `metadata` last: a run that
/// stops half-way leaves no partial file, and an artifact without `metadata` counts
/// as not restored (by acrlint and by the compiler), so it is fetched again.
/// Directories below `cache_root` that are symbolic links are refused: the cache is
/// never written through a link.
pub fn write_artifact(
    cache_root: &Path,
    r: &OciReference,
    a: &Artifact,
) -> Result<PathBuf, String> {
    let dir = artifact_dir(cache_root, r);
    create_dirs_below(cache_root, &dir)?;
    let metadata = metadata_json(a.manifest_digest);
    for (name, bytes) in [
        (MAIN_FILE, a.main),
        (MANIFEST_FILE, a.manifest),
        (METADATA_FILE, metadata.as_bytes()),
    ] {
        write_atomically(&dir, name, bytes)
            .map_err(|e| format!("cannot write {}: {e}", dir.join(name).display()))?;
    }
    Ok(dir.join(MAIN_FILE))
}

/// `create_dir_all` for the part of `dir` below `root`, refusing symbolic links there.
fn create_dirs_below(root: &Path, dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(root)
        .map_err(|e| format!("cannot create the module cache {}: {e}", root.display()))?;
    let relative = dir
        .strip_prefix(root)
        .map_err(|_| "outside the cache".to_string())?;
    let mut at = root.to_path_buf();
    for part in relative.components() {
        at.push(part);
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(format!(
                    "{} is a symbolic link: the module cache is not written through links",
                    at.display()
                ))
            }
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Err(format!("{} is not a directory", at.display())),
            Err(_) => std::fs::create_dir(&at)
                .or_else(|e| if at.is_dir() { Ok(()) } else { Err(e) })
                .map_err(|e| format!("cannot create {}: {e}", at.display()))?,
        }
    }
    Ok(())
}

/// Write `dir/name` through a temporary file created exclusively (never an existing
/// file or link) and renamed over the target (which replaces a link, not its target).
fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.acrlint-{}-{n}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, dir.join(name))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Disk;
    use crate::lower::module_cache::layout::cached_main;

    #[test]
    fn an_artifact_is_cached_once_all_three_files_exist() {
        let dir = tempfile::tempdir().expect("temp dir");
        let r = OciReference::tagged("r.io", "a/b", "v1");
        assert_eq!(cached_main(&Disk, dir.path(), &r), None);
        let main = write_artifact(
            dir.path(),
            &r,
            &Artifact {
                manifest: b"{}",
                manifest_digest: "sha256:00",
                main: b"{\"resources\": []}",
            },
        )
        .expect("written");
        assert_eq!(cached_main(&Disk, dir.path(), &r), Some(main.clone()));
        let meta = std::fs::read_to_string(main.with_file_name(METADATA_FILE)).expect("metadata");
        assert_eq!(meta, "{\n  \"manifestDigest\": \"sha256:00\"\n}");
        let leftovers: Vec<_> = std::fs::read_dir(main.parent().expect("dir"))
            .expect("list")
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
        std::fs::remove_file(main.with_file_name(METADATA_FILE)).expect("remove");
        assert_eq!(cached_main(&Disk, dir.path(), &r), None);
    }

    #[cfg(unix)]
    #[test]
    fn the_cache_is_not_written_through_a_link() {
        let dir = tempfile::tempdir().expect("temp dir");
        let outside = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("br")).expect("mkdir");
        std::os::unix::fs::symlink(outside.path(), dir.path().join("br/r.io")).expect("link");
        let err = write_artifact(
            dir.path(),
            &OciReference::tagged("r.io", "m", "v1"),
            &Artifact {
                manifest: b"{}",
                manifest_digest: "sha256:00",
                main: b"{}",
            },
        )
        .expect_err("refused");
        assert!(err.contains("symbolic link"), "{err}");
        assert_eq!(std::fs::read_dir(outside.path()).expect("list").count(), 0);
    }
}
