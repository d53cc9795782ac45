//! Where a run may write: each `--output` (and `--write-baseline`) names its own file,
//! never an input of the run and never a symbolic link.

use std::path::{Path, PathBuf};

/// How a file is told apart from another: the file itself when it exists (device and
/// inode, whatever path names it), and its directory with links resolved joined with
/// its name.
#[derive(Debug, PartialEq, Eq)]
struct FileKey {
    path: PathBuf,
    id: Option<(u64, u64)>,
}

impl FileKey {
    fn of(path: &Path) -> FileKey {
        let name = path.file_name().map(PathBuf::from).unwrap_or_default();
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let dir = dir
            .canonicalize()
            .unwrap_or_else(|_| std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf()));
        FileKey {
            path: dir.join(name),
            id: file_id(path),
        }
    }

    fn same(&self, other: &FileKey) -> bool {
        self.path == other.path || (self.id.is_some() && self.id == other.id)
    }
}

#[cfg(unix)]
fn file_id(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_id(_: &Path) -> Option<(u64, u64)> {
    None
}

/// An error naming the first output that is a symbolic link, repeats an earlier
/// output, or names one of `inputs`. `outputs` are (option, path) pairs.
pub fn check_outputs<'a>(
    outputs: &[(&str, &Path)],
    inputs: impl IntoIterator<Item = &'a Path>,
) -> Result<(), String> {
    let keys: Vec<FileKey> = outputs.iter().map(|(_, p)| FileKey::of(p)).collect();
    for (i, (option, path)) in outputs.iter().enumerate() {
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(format!(
                "{option} {}: is a symbolic link; name the file itself",
                path.display()
            ));
        }
        if let Some((earlier, _)) = outputs[..i]
            .iter()
            .zip(&keys)
            .find(|(_, k)| k.same(&keys[i]))
        {
            return Err(format!(
                "{option} {}: the same file as {} {}",
                path.display(),
                earlier.0,
                earlier.1.display()
            ));
        }
    }
    for input in inputs {
        let key = FileKey::of(input);
        if let Some(((option, path), _)) = outputs.iter().zip(&keys).find(|(_, k)| k.same(&key)) {
            return Err(format!(
                "{option} {}: is an input of the run ({}); it would be overwritten",
                path.display(),
                input.display()
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_are_distinct_files_that_are_not_inputs_or_links() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("main.json");
        std::fs::write(&input, "{}").unwrap();
        let out = dir.path().join("out.sarif");
        let ok = check_outputs(&[("--output", &out)], [input.as_path()]);
        assert_eq!(ok, Ok(()));

        // The input itself, also spelt another way.
        let spelt = dir.path().join("sub/../main.json");
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let err = check_outputs(&[("--output", &spelt)], [input.as_path()]).unwrap_err();
        assert!(err.contains("is an input of the run"), "{err}");

        // Twice the same output.
        let err = check_outputs(
            &[
                ("--output", &out),
                ("--output", &dir.path().join("./out.sarif")),
            ],
            [],
        )
        .unwrap_err();
        assert!(err.contains("the same file as --output"), "{err}");

        // A link, wherever it points.
        #[cfg(unix)]
        {
            let link = dir.path().join("link.sarif");
            std::os::unix::fs::symlink("/tmp/elsewhere", &link).unwrap();
            let err = check_outputs(&[("--output", &link)], []).unwrap_err();
            assert!(err.contains("symbolic link"), "{err}");
            // A hard link to an input is the input.
            let hard = dir.path().join("hard.json");
            std::fs::hard_link(&input, &hard).unwrap();
            let err = check_outputs(&[("--write-baseline", &hard)], [input.as_path()]).unwrap_err();
            assert!(err.starts_with("--write-baseline"), "{err}");
        }
    }
}
