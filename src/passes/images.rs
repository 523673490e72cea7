//! Image references resolved to files inside the project, or reported with their position.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{BlockKind, Image, InlineKind, Pos, Publication};
use crate::passes::ids::{normalise, percent_decode};

/// The image formats both editions can carry.
pub const FORMATS: [&str; 6] = ["png", "jpg", "jpeg", "gif", "svg", "webp"];

/// Sets `path` on every image whose file exists inside the project; reports the others.
pub fn run(
    mut publication: Publication,
    root: &Path,
    diagnostics: &mut Diagnostics,
) -> Publication {
    publication.cover = cover(&publication, root, diagnostics);
    for chapter in &mut publication.chapters {
        let file = chapter.path.clone();
        let dir = file.parent().unwrap_or(Path::new("")).to_path_buf();
        let mut check = |image: &mut Image, pos: Pos| match resolve(root, &dir, &image.src) {
            Ok(path) => image.path = Some(path),
            Err((message, hint)) => diagnostics.push(
                Diagnostic::error(&file, pos, message).with_hint(hint).with_code("bad-image"),
            ),
        };
        chapter.visit_blocks_mut(&mut |block| {
            if let BlockKind::Figure { image, .. } = &mut block.kind {
                check(image, block.pos);
            }
        });
        chapter.visit_inlines_mut(&mut |inline| {
            if let InlineKind::Image(image) = &mut inline.kind {
                check(image, inline.pos);
            }
        });
    }
    publication
}

/// The manifest's cover image, checked like any image, relative to the publication folder.
fn cover(publication: &Publication, root: &Path, diagnostics: &mut Diagnostics) -> Option<PathBuf> {
    let src = publication.manifest.cover.as_ref()?;
    let manifest = publication.dir.join("publication.toml");
    resolve(root, &publication.dir, src)
        .map_err(|(message, hint)| {
            let pos = publication.manifest.key_pos("cover");
            let diagnostic = Diagnostic::error(&manifest, pos, message);
            diagnostics.push(diagnostic.with_hint(hint).with_code("bad-image"));
        })
        .ok()
}

/// The image file relative to the project root, checked to exist inside it.
pub fn resolve(root: &Path, dir: &Path, src: &str) -> Result<PathBuf, (String, String)> {
    let decoded = percent_decode(src);
    if decoded.contains("://") || decoded.starts_with("data:") || decoded.starts_with("file:") {
        return Err((
            format!("the image `{src}` is not a local file"),
            "download the image into the publication's images/ folder and link it relatively"
                .into(),
        ));
    }
    if decoded.is_empty() || Path::new(&decoded).is_absolute() {
        return Err((
            format!("the image path `{src}` is not relative"),
            "write the path relative to the chapter, e.g. images/photo.jpg".into(),
        ));
    }
    let path = normalise(&dir.join(&decoded));
    let outside = || {
        (
            format!("the image `{src}` is outside the project"),
            "keep images inside the publication folder".to_string(),
        )
    };
    if path.as_os_str().is_empty() || !path.starts_with("sources") {
        return Err(outside());
    }
    let canonical_root = root.canonicalize().map_err(|_| outside())?;
    let real = root.join(&path).canonicalize().map_err(|_| {
        (
            format!("the image `{src}` does not exist"),
            format!("no file at {}; check the name and the folder", path.display()),
        )
    })?;
    if !real.starts_with(&canonical_root) {
        return Err(outside());
    }
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if !FORMATS.contains(&extension.as_str()) {
        return Err((
            format!("the image `{src}` is not in a supported format"),
            "use PNG, JPEG, GIF, SVG or WebP".to_string(),
        ));
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("sources/p/images")).unwrap();
        std::fs::write(tmp.path().join("sources/p/images/a.png"), b"x").unwrap();
        std::fs::write(tmp.path().join("secret.png"), b"x").unwrap();
        tmp
    }

    #[test]
    fn a_relative_image_resolves_from_the_chapter() {
        let tmp = project();
        let got = resolve(tmp.path(), Path::new("sources/p"), "images/a.png").unwrap();
        assert_eq!(got, PathBuf::from("sources/p/images/a.png"));
    }

    #[test]
    fn escapes_and_remote_images_are_refused() {
        let tmp = project();
        let dir = Path::new("sources/p");
        for src in ["../../secret.png", "/etc/passwd", "https://x.org/a.png", "file:///etc/x.png"] {
            assert!(resolve(tmp.path(), dir, src).is_err(), "{src} was accepted");
        }
        let (message, _) = resolve(tmp.path(), dir, "images/b.png").unwrap_err();
        assert!(message.contains("does not exist"));
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_out_of_the_project_is_refused() {
        let tmp = project();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("o.png"), b"x").unwrap();
        let link = tmp.path().join("sources/p/images/o.png");
        std::os::unix::fs::symlink(outside.path().join("o.png"), link).unwrap();
        let (message, _) = resolve(tmp.path(), Path::new("sources/p"), "images/o.png").unwrap_err();
        assert!(message.contains("outside"), "{message}");
    }
}
