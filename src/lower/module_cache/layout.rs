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
//! restored when all three files exist (the compiler's `IsArtifactRestoreRequired`).
//! Only the layout is here; checking reads the cache through [`Sources`], and `acrlint
//! restore` writes it.

use std::path::{Path, PathBuf};

use super::reference::{OciReference, Version, MAX_TAG_LENGTH};
use crate::source::sources::Sources;

pub const MAIN_FILE: &str = "main.json";
pub const MANIFEST_FILE: &str = "manifest";
pub const METADATA_FILE: &str = "metadata";

/// The files of a restored module, in the order a restore writes them (`metadata`
/// last: without it the module counts as not restored).
pub const FILES: [&str; 3] = [MAIN_FILE, MANIFEST_FILE, METADATA_FILE];

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
pub fn cached_main(sources: &dyn Sources, cache_root: &Path, r: &OciReference) -> Option<PathBuf> {
    let dir = artifact_dir(cache_root, r);
    FILES
        .iter()
        .all(|f| sources.is_file(&dir.join(f)))
        .then(|| dir.join(MAIN_FILE))
}

#[cfg(test)]
mod tests {
    use super::*;

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
                &OciReference::tagged(
                    "MCR.microsoft.com",
                    "bicep/avm/res/container-registry/registry",
                    "0.12.1"
                )
            ),
            Path::new("/c/br/mcr.microsoft.com/bicep$avm$res$container-registry$registry/0.12.1$")
        );
        assert_eq!(
            artifact_dir(root, &OciReference::tagged("127.0.0.1:5000", "mod", "V1")),
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
}
