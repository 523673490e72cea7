//! The output folder: where each publication's editions go, under which names, and the lock
//! that lets one presse process at a time write them.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, Result, bail};

use crate::files::remove_temporaries;

/// One of the editions of a publication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Edition {
    /// The PDF for the screen: `<name>.pdf`.
    Pdf,
    /// The PDF for the printer (`--print`: bleed, crop marks, page boxes): `<name>-print.pdf`,
    /// a name of its own so that neither PDF can be taken for the other.
    PrintPdf,
    /// The EPUB 3, for e-readers: `<name>.epub`.
    Epub,
}

impl Edition {
    /// Every edition, in the order they are reported.
    pub const ALL: [Edition; 3] = [Edition::Pdf, Edition::PrintPdf, Edition::Epub];

    /// Its name in messages: `PDF`, `print PDF`, `EPUB`.
    pub fn name(self) -> &'static str {
        match self {
            Edition::Pdf => "PDF",
            Edition::PrintPdf => "print PDF",
            Edition::Epub => "EPUB",
        }
    }

    /// The file of this edition of publication `name` in its folder `dir`.
    pub fn file(self, dir: &Path, name: &str) -> PathBuf {
        dir.join(match self {
            Edition::Pdf => format!("{name}.pdf"),
            Edition::PrintPdf => format!("{name}-print.pdf"),
            Edition::Epub => format!("{name}.epub"),
        })
    }

    /// Whether this edition is a PDF.
    pub fn is_pdf(self) -> bool {
        matches!(self, Edition::Pdf | Edition::PrintPdf)
    }
}

/// The editions a build writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    /// A PDF: the screen one, or the print one with `print`.
    pub pdf: bool,
    /// The EPUB 3.
    pub epub: bool,
}

impl Formats {
    /// The editions asked for, in order: the PDF is the print one when `print` is set.
    pub fn editions(self, print: bool) -> Vec<Edition> {
        let pdf = if print { Edition::PrintPdf } else { Edition::Pdf };
        [(self.pdf, pdf), (self.epub, Edition::Epub)]
            .into_iter()
            .filter_map(|(asked, edition)| asked.then_some(edition))
            .collect()
    }
}

/// The editions of publication `name` in `dir` that this build did not write and that are older
/// than its newest source file (`newest`): they no longer say what the sources say.
pub fn stale_editions(
    dir: &Path,
    name: &str,
    written: &[Edition],
    newest: SystemTime,
) -> Vec<(Edition, PathBuf)> {
    let older =
        |file: &Path| fs::metadata(file).and_then(|m| m.modified()).is_ok_and(|t| t < newest);
    Edition::ALL
        .into_iter()
        .filter(|edition| !written.contains(edition))
        .map(|edition| (edition, edition.file(dir, name)))
        .filter(|(_, file)| older(file))
        .collect()
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
    fn an_edition_not_rebuilt_is_stale_only_when_older_than_the_sources() {
        let tmp = tempfile::tempdir().unwrap();
        for file in ["p.pdf", "p.epub", "p-print.pdf"] {
            fs::write(tmp.path().join(file), "").unwrap();
        }
        let later = SystemTime::now() + std::time::Duration::from_secs(60);
        let stale = stale_editions(tmp.path(), "p", &[Edition::Pdf], later);
        let names: Vec<Edition> = stale.iter().map(|(edition, _)| *edition).collect();
        assert_eq!(names, [Edition::PrintPdf, Edition::Epub]);
        let earlier = SystemTime::UNIX_EPOCH;
        assert!(stale_editions(tmp.path(), "p", &[Edition::Pdf], earlier).is_empty());
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
