//! Incremental builds: a hash of everything a publication's editions depend on. When it has
//! not changed since the editions were written, there is nothing to build.

use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::Xxh3;

use crate::model::{BlockKind, InlineKind, Publication};
use crate::styles::Style;

/// The name of the stamp file in a publication's output folder.
pub const STAMP_FILE: &str = ".presse-stamp";

/// A hash of the inputs: presse's version, the settings, the style, the manifest, the chapters,
/// every image and the project's fonts.
pub fn inputs(root: &Path, publication: &Publication, style: &Style, settings: &str) -> String {
    let mut hash = Xxh3::new();
    let mut add = |label: &str, bytes: &[u8]| {
        hash.update(label.as_bytes());
        hash.update(&(bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    };
    add("presse", env!("CARGO_PKG_VERSION").as_bytes());
    add("settings", settings.as_bytes());
    add("template", style.template.as_bytes());
    add("css", style.css.as_bytes());
    add("options", style.options.to_string().as_bytes());
    let mut files = vec![publication.dir.join("publication.toml")];
    files.extend(publication.chapters.iter().map(|c| c.path.clone()));
    files.extend(image_files(publication));
    files.extend(
        font_files(&root.join("fonts"))
            .into_iter()
            .filter_map(|f| f.strip_prefix(root).ok().map(Path::to_path_buf)),
    );
    for file in files {
        let bytes = std::fs::read(root.join(&file)).unwrap_or_default();
        add(&file.to_string_lossy(), &bytes);
    }
    format!("{:032x}", hash.digest128())
}

/// Whether `dir` holds editions stamped with `stamp`, and every file in `expected`.
pub fn is_up_to_date(dir: &Path, stamp: &str, expected: &[PathBuf]) -> bool {
    let written = std::fs::read_to_string(dir.join(STAMP_FILE)).unwrap_or_default();
    written.trim() == stamp && expected.iter().all(|file| file.is_file())
}

/// Every image file the publication uses, its cover included, in order.
fn image_files(publication: &Publication) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = publication.cover.iter().cloned().collect();
    let mut chapters = publication.chapters.clone();
    for chapter in &mut chapters {
        chapter.visit_blocks_mut(&mut |block| {
            if let BlockKind::Figure { image, .. } = &block.kind {
                files.extend(image.path.clone());
            }
        });
        chapter.visit_inlines_mut(&mut |inline| {
            if let InlineKind::Image(image) = &inline.kind {
                files.extend(image.path.clone());
            }
        });
    }
    files
}

/// The files under a fonts folder, sorted.
fn font_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return found };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(font_files(&path));
        } else {
            found.push(path);
        }
    }
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stamp_changes_with_the_sources_and_the_settings() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("sources/memoire")).unwrap();
        std::fs::write(tmp.path().join("sources/memoire/texte.md"), "un").unwrap();
        let publication = crate::load::from_markdown("un");
        let style = crate::styles::resolve(Path::new("."), &publication).unwrap();
        let first = inputs(tmp.path(), &publication, &style, "pdf");
        assert_eq!(first, inputs(tmp.path(), &publication, &style, "pdf"));
        assert_ne!(first, inputs(tmp.path(), &publication, &style, "epub"));
        std::fs::write(tmp.path().join("sources/memoire/texte.md"), "deux").unwrap();
        assert_ne!(first, inputs(tmp.path(), &publication, &style, "pdf"));
    }
}
