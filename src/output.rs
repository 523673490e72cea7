//! Writing editions: atomically (temp file, then rename), never outside the output folder.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// Writes `bytes` to `path` so that readers see either the old file or the whole new one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().context("an output file has a folder")?;
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let name = path.file_name().context("an output file has a name")?.to_string_lossy();
    let temp = dir.join(format!(".{name}.presse-tmp-{}", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut file = fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result.with_context(|| format!("cannot write {}", path.display()))
}

/// Removes temporary files left by an interrupted build in `dir`.
pub fn clean_temporaries(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().contains(".presse-tmp-") {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// The folder of a publication's editions: `<out>/<name>/`, refusing names that would escape it.
pub fn edition_dir(out: &Path, name: &str) -> Result<PathBuf> {
    let plain = !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\'])
        && !name.starts_with('.');
    if !plain {
        bail!("the publication name `{name}` cannot be used as a folder name");
    }
    Ok(out.join(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_atomic_write_replaces_the_whole_file_and_leaves_no_temporary() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("a/b.pdf");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = fs::read_dir(tmp.path().join("a")).unwrap().flatten().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn edition_folders_stay_inside_the_output() {
        let out = Path::new("output");
        assert_eq!(edition_dir(out, "lettre").unwrap(), PathBuf::from("output/lettre"));
        for bad in ["..", "../x", "/etc", "", ".hidden"] {
            assert!(edition_dir(out, bad).is_err(), "{bad}");
        }
    }
}
