//! The Bicep CLI's module cache, as `bicep restore`, `bicep build` and `az bicep build`
//! leave it (the compiler's `OciArtifactRegistry.GetArtifactDirectory` and
//! `TagEncoder`):
//!
//! ```text
//! <cacheRoot>/br/<registry>/<repository>/<tag or digest>/main.json
//!                                                      /manifest
//!                                                      /metadata
//! ```
//!
//! `<registry>` is lower-cased with `:` replaced by `$`; `<repository>` has `/`
//! replaced by `$`; a tag is encoded for case-insensitive file systems (see
//! [`encode_tag`]); a digest `sha256:<hex>` becomes `sha256#<hex>`. A module counts as
//! restored when all three files exist (the compiler's `IsArtifactRestoreRequired`);
//! `metadata` is `{"manifestDigest": "sha256:…"}`.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::reference::{OciReference, Version, MAX_TAG_LENGTH};

pub const MAIN_FILE: &str = "main.json";
pub const MANIFEST_FILE: &str = "manifest";
pub const METADATA_FILE: &str = "metadata";

/// A tag as a directory name: the tag, `$`, then the hexadecimal bit mask of its
/// upper-case letters (bit `i` for character `i`), empty when there are none. Masks
/// are 64-bit words, most significant word first; words after the first non-zero one
/// are written with all 16 digits.
pub fn encode_tag(tag: &str) -> String {
    const WORDS: usize = MAX_TAG_LENGTH.div_ceil(64);
    let mut mask = [0u64; WORDS];
    for (i, c) in tag.chars().enumerate().take(WORDS * 64) {
        if c.is_uppercase() {
            mask[i / 64] |= 1u64 << (i % 64);
        }
    }
    let mut out = String::with_capacity(tag.len() + 1 + 16 * WORDS);
    out.push_str(tag);
    out.push('$');
    let mut leading = false;
    for word in mask.iter().rev() {
        if leading {
            out.push_str(&format!("{word:016x}"));
        } else if *word != 0 {
            out.push_str(&format!("{word:x}"));
            leading = true;
        }
    }
    out
}

/// The directory of an artifact under `cache_root`.
pub fn artifact_dir(cache_root: &Path, r: &OciReference) -> PathBuf {
    let registry = r.registry.replace(':', "$").to_lowercase();
    let repository = r.repository.replace('/', "$");
    let version = match &r.version {
        Version::Tag(t) => encode_tag(t),
        Version::Digest(d) => d.replace(':', "#"),
    };
    cache_root
        .join("br")
        .join(registry)
        .join(repository)
        .join(version)
}

/// The cached `main.json` of a module, when the module is fully restored.
pub fn cached_main(cache_root: &Path, r: &OciReference) -> Option<PathBuf> {
    let dir = artifact_dir(cache_root, r);
    [MAIN_FILE, MANIFEST_FILE, METADATA_FILE]
        .iter()
        .all(|f| dir.join(f).is_file())
        .then(|| dir.join(MAIN_FILE))
}

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

    fn tag_ref(registry: &str, repository: &str, tag: &str) -> OciReference {
        OciReference {
            registry: registry.into(),
            repository: repository.into(),
            version: Version::Tag(tag.into()),
        }
    }

    #[test]
    fn tags_encode_their_upper_case_letters() {
        // The examples of the compiler's TagEncoder tests.
        for (tag, dir) in [
            ("v1", "v1$"),
            ("V1", "V1$1"),
            ("AbCd", "AbCd$5"),
            ("ABCD", "ABCD$f"),
            ("0.12.1", "0.12.1$"),
            ("aBCDEFGHIJ", "aBCDEFGHIJ$3fe"),
        ] {
            assert_eq!(encode_tag(tag), dir, "{tag}");
        }
        // Past 64 characters, the high word comes first and the low word is padded.
        let mut long = "a".repeat(64);
        long.push('B');
        assert_eq!(encode_tag(&long), format!("{long}$10000000000000000"));
        let mut long = "A".to_string();
        long.push_str(&"a".repeat(63));
        long.push('B');
        assert_eq!(encode_tag(&long), format!("{long}$10000000000000001"));
    }

    #[test]
    fn artifact_directories_follow_the_cli_layout() {
        let root = Path::new("/c");
        assert_eq!(
            artifact_dir(
                root,
                &tag_ref(
                    "MCR.microsoft.com",
                    "bicep/avm/res/container-registry/registry",
                    "0.12.1"
                )
            ),
            Path::new("/c/br/mcr.microsoft.com/bicep$avm$res$container-registry$registry/0.12.1$")
        );
        assert_eq!(
            artifact_dir(root, &tag_ref("127.0.0.1:5000", "mod", "V1")),
            Path::new("/c/br/127.0.0.1$5000/mod/V1$1")
        );
        let digest = format!("sha256:{}", "0f".repeat(32));
        let r = OciReference {
            registry: "r.io".into(),
            repository: "m".into(),
            version: Version::Digest(digest),
        };
        assert_eq!(
            artifact_dir(root, &r),
            Path::new(&format!("/c/br/r.io/m/sha256#{}", "0f".repeat(32)))
        );
    }

    #[test]
    fn an_artifact_is_cached_once_all_three_files_exist() {
        let dir = tempfile::tempdir().expect("temp dir");
        let r = tag_ref("r.io", "a/b", "v1");
        assert_eq!(cached_main(dir.path(), &r), None);
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
        assert_eq!(cached_main(dir.path(), &r), Some(main.clone()));
        let meta = std::fs::read_to_string(main.with_file_name(METADATA_FILE)).expect("metadata");
        assert_eq!(meta, "{\n  \"manifestDigest\": \"sha256:00\"\n}");
        let leftovers: Vec<_> = std::fs::read_dir(main.parent().expect("dir"))
            .expect("list")
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
        std::fs::remove_file(main.with_file_name(METADATA_FILE)).expect("remove");
        assert_eq!(cached_main(dir.path(), &r), None);
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
            &tag_ref("r.io", "m", "v1"),
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
