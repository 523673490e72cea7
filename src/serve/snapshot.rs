//! An edition on disk as it was when shown: read again on request rather than held in memory,
//! and only while it is still that file (a build replaces an edition by a new file).

use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// A file, known by its size and modification time when it was read.
#[derive(Debug, Clone)]
pub struct Snapshot {
    path: PathBuf,
    len: u64,
    modified: SystemTime,
}

impl Snapshot {
    /// The file at `path` as it is now, and its bytes.
    pub fn read_now(path: &Path) -> Result<(Snapshot, Vec<u8>), String> {
        let unreadable = |err: std::io::Error| format!("{}: {err}", path.display());
        let meta = std::fs::metadata(path).map_err(unreadable)?;
        let bytes = std::fs::read(path).map_err(unreadable)?;
        let modified = meta.modified().map_err(unreadable)?;
        let snapshot = Snapshot { path: path.to_path_buf(), len: bytes.len() as u64, modified };
        Ok((snapshot, bytes))
    }

    /// The file's bytes, if it is still the file shown (`None` once a build replaced it: the
    /// page then learns of the new one).
    pub fn read(&self) -> Option<Vec<u8>> {
        let meta = std::fs::metadata(&self.path).ok()?;
        let same = meta.len() == self.len && meta.modified().ok() == Some(self.modified);
        let bytes = std::fs::read(&self.path).ok().filter(|_| same)?;
        (bytes.len() as u64 == self.len).then_some(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_replaced_is_no_longer_read_as_the_one_shown() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.pdf");
        std::fs::write(&path, b"first").unwrap();
        let (shown, bytes) = Snapshot::read_now(&path).unwrap();
        assert_eq!(shown.read().as_deref(), Some(bytes.as_slice()));
        std::fs::write(dir.path().join("new"), b"second!").unwrap();
        std::fs::rename(dir.path().join("new"), &path).unwrap();
        assert_eq!(shown.read(), None);
    }
}
