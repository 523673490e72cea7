//! An edition on disk as it was when shown, mapped rather than copied into memory: only the parts
//! a request reads are paged in, and they are the kernel's to drop again.

use std::path::Path;
use std::sync::Arc;

use memmap2::Mmap;

/// A file as it was when opened.
#[derive(Clone)]
pub struct Snapshot {
    map: Arc<Mmap>,
}

impl Snapshot {
    /// Maps the file at `path`.
    pub fn open(path: &Path) -> Result<Snapshot, String> {
        let unreadable = |err: std::io::Error| format!("{}: {err}", path.display());
        let file = std::fs::File::open(path).map_err(unreadable)?;
        // SAFETY: a mapping goes wrong if its file is changed in place. presse never does that
        // to an edition: a build writes a new file and renames it over the old one, which the
        // mapping goes on reading until the page is told of the new one.
        let map = unsafe { Mmap::map(&file) }.map_err(unreadable)?;
        Ok(Snapshot { map: Arc::new(map) })
    }

    /// The file's bytes, as they were when it was opened.
    pub fn bytes(&self) -> Arc<Mmap> {
        Arc::clone(&self.map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_replaced_by_a_build_reads_as_the_one_shown() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.pdf");
        std::fs::write(&path, b"first").unwrap();
        let shown = Snapshot::open(&path).unwrap();
        std::fs::write(dir.path().join("new"), b"second!").unwrap();
        std::fs::rename(dir.path().join("new"), &path).unwrap();
        assert_eq!(&shown.bytes()[..], b"first");
    }
}
