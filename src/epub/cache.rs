//! The EPUB image cache stays bounded over years of builds: each publication's last build
//! records the cached images it used, and every cached image that no record names is removed.

use std::collections::HashSet;
use std::fs;
use std::path::Path;

use crate::files::write_atomic;

/// The folder, inside the cache, of the records of what each publication's last build used.
const RECORDS: &str = "used";

/// The name of the cached conversion of the source whose key is `key`.
pub fn file_name(key: u64, extension: &str) -> String {
    format!("{key:016x}.{extension}")
}

/// Records that the last build of publication `name` used `used` (cache file names), forgets
/// the records of publications no longer under `root/sources/`, then removes every cached image
/// that no record names. A cache that cannot be pruned only costs disk space.
pub fn record_and_prune(dir: &Path, root: &Path, name: &str, used: &[String]) {
    let records = dir.join(RECORDS);
    if fs::create_dir_all(&records).is_err() {
        return;
    }
    let (record, text) = (records.join(format!("{name}.txt")), used.join("\n"));
    // Written only when it changes: a build that converts nothing leaves the cache as it was.
    if fs::read_to_string(&record).ok().as_deref() != Some(text.as_str()) {
        let _ = write_atomic(&record, text.as_bytes());
    }
    let mut kept = HashSet::new();
    for record in fs::read_dir(&records).into_iter().flatten().flatten() {
        let path = record.path();
        let publication = path.file_stem().map(|stem| root.join("sources").join(stem));
        if !publication.is_some_and(|folder| folder.is_dir()) {
            let _ = fs::remove_file(&path);
            continue;
        }
        kept.extend(fs::read_to_string(&path).unwrap_or_default().lines().map(str::to_string));
    }
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        if is_cached_image(&file) && !kept.contains(&file) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Forgets what publication `name` used, so that the next prune removes its images.
pub fn forget(dir: &Path, name: &str) {
    let _ = fs::remove_file(dir.join(RECORDS).join(format!("{name}.txt")));
}

/// Whether a file name is one of a cached image: sixteen hex digits and an extension. Anything
/// else (a temporary file another build is writing) is left alone.
fn is_cached_image(file: &str) -> bool {
    let Some((stem, extension)) = file.split_once('.') else { return false };
    stem.len() == 16
        && stem.bytes().all(|b| b.is_ascii_hexdigit())
        && ["jpg", "png", "svg"].contains(&extension)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_images_some_publication_used_last_are_kept() {
        let root = tempfile::tempdir().unwrap();
        let cache = root.path().join("output/.cache/images");
        fs::create_dir_all(&cache).unwrap();
        for publication in ["a", "b"] {
            fs::create_dir_all(root.path().join("sources").join(publication)).unwrap();
        }
        let names: Vec<String> = (1..=4u64).map(|key| file_name(key, "jpg")).collect();
        fs::write(cache.join(".tmp-writing"), b"x").unwrap();
        // A build converts (or finds) its images in the cache, then records and prunes.
        let build = |publication: &str, used: &[String]| {
            used.iter().for_each(|name| fs::write(cache.join(name), b"x").unwrap());
            record_and_prune(&cache, root.path(), publication, used);
        };
        build("a", &names[..2]);
        build("b", &names[1..]);
        build("b", &names[1..3]);
        let left = |name: &String| cache.join(name).exists();
        assert_eq!(names.iter().map(left).collect::<Vec<_>>(), [true, true, true, false]);
        assert!(cache.join(".tmp-writing").exists(), "another build's temporary file");
        fs::remove_dir_all(root.path().join("sources/b")).unwrap();
        build("a", &names[..1]);
        assert_eq!(names.iter().map(left).collect::<Vec<_>>(), [true, false, false, false]);
    }
}
