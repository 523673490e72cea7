//! Reading and writing files safely: project text read within bounds, as UTF-8, from inside the
//! project only; files written atomically (a temporary, then a rename), so that a reader never
//! sees half of one.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result};

use crate::diag::{Diagnostic, Pos, pos_of_offset};
use crate::limits;
use crate::paths::{Refusal, inside_project};

/// Reads a UTF-8 file relative to the project root, without its byte-order mark.
pub fn read_text(root: &Path, file: &Path) -> Result<String, Diagnostic> {
    read_text_and_bom(root, file).map(|(text, _)| text)
}

/// Reads a UTF-8 file relative to the project root: its text without its byte-order mark, and
/// whether it had one (for a program that writes the file back).
pub fn read_text_and_bom(root: &Path, file: &Path) -> Result<(String, bool), Diagnostic> {
    let bytes = read_bounded(root, file)?;
    let text = String::from_utf8(bytes).map_err(|err| {
        let bad = err.utf8_error().valid_up_to();
        let valid = &err.as_bytes()[..bad];
        let valid = valid.strip_prefix("\u{feff}".as_bytes()).unwrap_or(valid);
        let pos = pos_of_offset(&String::from_utf8_lossy(valid), valid.len());
        let byte = err.as_bytes()[bad];
        Diagnostic::error(
            file,
            pos,
            format!("the file is not valid UTF-8 (byte 0x{byte:02X} here)"),
        )
        .with_code("not-utf8")
        .with_hint("save the file as UTF-8 in your editor (it may be Latin-1 or Windows-1252)")
    })?;
    match text.strip_prefix('\u{feff}') {
        Some(body) => Ok((body.to_string(), true)),
        None => Ok((text, false)),
    }
}

/// The bytes of a project file, refused when larger than [`limits::MAX_TEXT_FILE_BYTES`].
fn read_bounded(root: &Path, file: &Path) -> Result<Vec<u8>, Diagnostic> {
    let io_error = |err: std::io::Error| {
        Diagnostic::error(file, Pos::default(), format!("cannot read the file: {err}"))
            .with_code("io")
    };
    let real = inside_project(root, file).map_err(|refusal| refused(file, refusal))?;
    let opened = fs::File::open(&real).map_err(io_error)?;
    let mut bytes = Vec::new();
    // Reading one byte past the limit tells a file at the limit from a larger one, whatever
    // the file system says its size is.
    opened.take(limits::MAX_TEXT_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(io_error)?;
    if bytes.len() as u64 > limits::MAX_TEXT_FILE_BYTES {
        let size = fs::metadata(&real).map_or(bytes.len() as u64, |m| m.len());
        return Err(limits::file_too_large(file, size));
    }
    Ok(bytes)
}

/// The error for a project file that cannot be read.
fn refused(file: &Path, refusal: Refusal) -> Diagnostic {
    let at = |message: String| Diagnostic::error(file, Pos::default(), message);
    match refusal {
        Refusal::Unreachable(err) => at(format!("cannot read the file: {err}")).with_code("io"),
        Refusal::Outside => {
            at("the file is outside the project: a symbolic link leads out of it".into())
                .with_code("outside-root")
                .with_hint("copy the file into the project; presse reads no file outside it")
        }
        Refusal::Folder | Refusal::Special => at("this is not a regular file".into())
            .with_code("io")
            .with_hint("name a text file here, not a folder, a pipe or a device"),
    }
}

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
    let dir = path.parent().context("a file written has a folder")?;
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let name = path.file_name().context("a file written has a name")?.to_string_lossy();
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

/// Removes every temporary file from a folder that no other writer uses now (a publication's
/// output folder, under its lock).
pub fn remove_temporaries(dir: &Path) {
    remove_temporaries_if(dir, |_| true);
}

/// Removes the temporary files of writers that no longer run from a folder shared by every
/// build, such as the image cache.
pub fn remove_stale_temporaries(dir: &Path) {
    remove_temporaries_if(dir, |entry| !writer_may_run(entry));
}

fn remove_temporaries_if(dir: &Path, removable: impl Fn(&fs::DirEntry) -> bool) {
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
        remove_stale_temporaries(dir);
        assert!(dir.join(&mine).exists(), "a temporary of this process was removed");
        remove_temporaries(dir);
        remove_temporaries(&dir.join("preview"));
        let mut left: Vec<_> =
            fs::read_dir(dir).unwrap().flatten().map(|e| e.file_name()).collect();
        left.sort();
        assert_eq!(left, ["p.pdf", "preview"]);
        assert_eq!(fs::read_dir(dir.join("preview")).unwrap().count(), 0);
    }
}
