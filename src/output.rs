//! Writing editions: atomically (temp file, then rename), never outside the output folder, one
//! presse process at a time per publication.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result, bail};

/// What every temporary file's name holds, followed by its writer's process id.
const TEMP_MARK: &str = ".presse-tmp-";

/// Temporaries of another process, on systems where presse cannot tell whether it still runs,
/// are removed once they are this old.
const STALE_TEMPORARY: Duration = Duration::from_secs(3600);

/// Writes `bytes` to `path` so that readers see either the old file or the whole new one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    stage(path, bytes)?.commit()
}

/// Writes `bytes`, synced to disk, beside `path` under a temporary name: [`Staged::commit`]
/// puts the file in place, and dropping it uncommitted removes it. An edition can so be written
/// while it is still being checked, and several editions put in place together.
pub fn stage(path: &Path, bytes: &[u8]) -> Result<Staged> {
    let dir = path.parent().context("an output file has a folder")?;
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let name = path.file_name().context("an output file has a name")?.to_string_lossy();
    let staged = Staged { temp: dir.join(temporary_name(&name)), path: path.to_path_buf() };
    let write = || -> std::io::Result<()> {
        let mut file = fs::File::create(&staged.temp)?;
        file.write_all(bytes)?;
        file.sync_all()
    };
    write().with_context(|| format!("cannot write {}", path.display()))?;
    Ok(staged)
}

/// A file written under a temporary name, waiting to replace its final one.
#[derive(Debug)]
pub struct Staged {
    temp: PathBuf,
    path: PathBuf,
}

impl Staged {
    /// Renames the file to its final name, in one step readers cannot see half of.
    pub fn commit(self) -> Result<()> {
        fs::rename(&self.temp, &self.path)
            .with_context(|| format!("cannot write {}", self.path.display()))
        // `drop` then finds no temporary to remove.
    }

    /// The final name.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.temp);
    }
}

/// A name no other writer uses at the same time: the process id and a counter, so that two
/// processes, or two threads writing the same cached image, never share a temporary.
fn temporary_name(name: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!(".{name}{TEMP_MARK}{}-{count}", std::process::id())
}

/// Removes the temporary files an interrupted build left in a publication's output folder and
/// its `preview/`. Call it holding the publication's [`lock`]: no other writer is there then.
pub fn clean_temporaries(dir: &Path) {
    for folder in [dir.to_path_buf(), dir.join("preview")] {
        remove_temporaries(&folder, |_| true);
    }
}

/// Removes the temporary files of writers that no longer run from a folder shared by every
/// build, such as the image cache.
pub fn clean_shared_temporaries(dir: &Path) {
    remove_temporaries(dir, |entry| !writer_may_run(entry));
}

fn remove_temporaries(dir: &Path, removable: impl Fn(&fs::DirEntry) -> bool) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().contains(TEMP_MARK) && removable(&entry) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Whether the process that wrote a temporary may still be writing it.
fn writer_may_run(entry: &fs::DirEntry) -> bool {
    let name = entry.file_name().to_string_lossy().into_owned();
    let pid = name.rsplit(TEMP_MARK).next().and_then(|rest| rest.split('-').next());
    let Some(pid) = pid.and_then(|p| p.parse::<u32>().ok()) else {
        return false;
    };
    if pid == std::process::id() {
        return true;
    }
    if cfg!(target_os = "linux") {
        return Path::new("/proc").join(pid.to_string()).exists();
    }
    let modified = entry.metadata().and_then(|m| m.modified()).unwrap_or(SystemTime::UNIX_EPOCH);
    modified.elapsed().unwrap_or_default() < STALE_TEMPORARY
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
    fn a_staged_file_appears_on_commit_and_vanishes_when_dropped() {
        let tmp = tempfile::tempdir().unwrap();
        let (kept, dropped) = (tmp.path().join("kept.pdf"), tmp.path().join("dropped.pdf"));
        let staged = stage(&kept, b"one").unwrap();
        let abandoned = stage(&dropped, b"two").unwrap();
        assert!(!kept.exists());
        staged.commit().unwrap();
        drop(abandoned);
        assert_eq!(fs::read(&kept).unwrap(), b"one");
        let names: Vec<_> = fs::read_dir(tmp.path()).unwrap().flatten().collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn temporaries_are_cleaned_but_not_those_of_a_running_writer() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        fs::create_dir_all(dir.join("preview")).unwrap();
        let mine = format!(".a.png{TEMP_MARK}{}-0", std::process::id());
        for name in ["p.pdf", ".p.pdf.presse-tmp-1-0", "preview/.x.png.presse-tmp-1-0", &mine] {
            fs::write(dir.join(name), b"x").unwrap();
        }
        clean_shared_temporaries(dir);
        assert!(dir.join(&mine).exists(), "a temporary of this process was removed");
        clean_temporaries(dir);
        let mut left: Vec<_> =
            fs::read_dir(dir).unwrap().flatten().map(|e| e.file_name()).collect();
        left.sort();
        assert_eq!(left, ["p.pdf", "preview"]);
        assert_eq!(fs::read_dir(dir.join("preview")).unwrap().count(), 0);
    }

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
