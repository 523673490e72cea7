//! The output folder: where each publication's editions go, under which names, and the lock
//! that lets one presse process at a time write them.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::files::remove_temporaries;

/// One of the two editions of a publication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Edition {
    /// The PDF, for print.
    Pdf,
    /// The EPUB 3, for e-readers.
    Epub,
}

impl Edition {
    /// Both editions, in the order they are reported.
    pub const ALL: [Edition; 2] = [Edition::Pdf, Edition::Epub];

    /// Its file extension, which is also its name in messages (`pdf`, `epub`).
    pub fn extension(self) -> &'static str {
        match self {
            Edition::Pdf => "pdf",
            Edition::Epub => "epub",
        }
    }

    /// The file of this edition of publication `name` in its folder `dir`.
    pub fn file(self, dir: &Path, name: &str) -> PathBuf {
        dir.join(format!("{name}.{}", self.extension()))
    }
}

/// The editions a build writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    /// The print PDF.
    pub pdf: bool,
    /// The EPUB 3.
    pub epub: bool,
}

impl Formats {
    /// The editions asked for, in order.
    pub fn editions(self) -> Vec<Edition> {
        Edition::ALL.into_iter().filter(|e| self.has(*e)).collect()
    }

    /// Whether this edition is asked for.
    pub fn has(self, edition: Edition) -> bool {
        match edition {
            Edition::Pdf => self.pdf,
            Edition::Epub => self.epub,
        }
    }
}

/// Removes the temporary files an interrupted build left in a publication's output folder and
/// its `preview/`. Call it holding the publication's [`lock`]: no other writer is there then.
pub fn clean_temporaries(dir: &Path) {
    remove_temporaries(dir);
    remove_temporaries(&dir.join("preview"));
}

/// A publication's lock, held while its editions are built and written; released when dropped.
#[derive(Debug)]
pub struct OutputLock {
    _file: fs::File,
}

/// Locks publication `name` under the output folder `out` against other presse processes,
/// waiting (and saying so) while another build of it runs. The lock file is
/// `<out>/.cache/locks/<name>.lock`, outside the editions' folder.
pub fn lock(out: &Path, name: &str) -> Result<OutputLock> {
    let dir = out.join(".cache").join("locks");
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(format!("{name}.lock"));
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open the lock {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => {
            eprintln!("waiting for another presse build of {name}…");
            file.lock().with_context(|| format!("cannot lock {}", path.display()))?;
        }
        Err(fs::TryLockError::Error(err)) => {
            return Err(err).with_context(|| format!("cannot lock {}", path.display()));
        }
    }
    Ok(OutputLock { _file: file })
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
    fn a_second_lock_waits_for_the_first() {
        let tmp = tempfile::tempdir().unwrap();
        let first = lock(tmp.path(), "p").unwrap();
        let path = tmp.path().join(".cache/locks/p.lock");
        let other = fs::OpenOptions::new().write(true).open(&path).unwrap();
        assert!(matches!(other.try_lock(), Err(fs::TryLockError::WouldBlock)));
        drop(first);
        other.try_lock().unwrap();
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
