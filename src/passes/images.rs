//! Image references resolved to files inside the project and checked to be readable images,
//! or reported with their position.

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use image::{ImageFormat, ImageReader};

use crate::diag::{Diagnostic, Diagnostics, Pos, Warned};
use crate::model::{BlockKind, Image, InlineKind, Publication};
use crate::paths::{Refusal, inside_project, normalise};
use crate::url::percent_decode;

use crate::suggest::near_miss;

/// The image formats both editions can carry.
pub const FORMATS: [&str; 6] = ["png", "jpg", "jpeg", "gif", "svg", "webp"];

/// Sets `path` on every image whose file exists inside the project and reads as an image;
/// reports the others.
pub fn run(mut publication: Publication, root: &Path) -> Warned<Publication> {
    let mut diagnostics = Diagnostics::default();
    let mut files = Files::default();
    publication.cover = cover(&publication, root, &mut files, &mut diagnostics);
    for chapter in &mut publication.chapters {
        let file = chapter.path.clone();
        let dir = file.parent().unwrap_or(Path::new("")).to_path_buf();
        // Says whether the image stays: a remote one is left out, with a warning.
        let mut check = |image: &mut Image, pos: Pos| {
            if is_remote(&image.src) {
                diagnostics.push(remote_image(&image.src, &file, pos));
                return false;
            }
            match files.resolve(root, &dir, &image.src) {
                Ok((path, readable)) => {
                    if let Some(real) = readable.real_format {
                        diagnostics.push(misnamed_image(&path, real, &file, pos));
                    }
                    if !readable.svg_dropped.is_empty() {
                        diagnostics.push(svg_dropped(&path, &readable.svg_dropped, &file, pos));
                    }
                    (image.path, image.format) = (Some(path), readable.real_format);
                }
                Err(problem) => diagnostics.push(problem.at(&file, pos)),
            }
            true
        };
        chapter.visit_blocks_mut(&mut |block| {
            if let BlockKind::Figure { image, caption } = &mut block.kind
                && !check(image, block.pos)
            {
                block.kind = BlockKind::Paragraph(std::mem::take(caption));
            }
        });
        chapter.visit_inlines_mut(&mut |inline| {
            if let InlineKind::Image(image) = &mut inline.kind
                && !check(image, inline.pos)
            {
                inline.kind = InlineKind::Text(std::mem::take(&mut image.alt));
            }
        });
    }
    Warned::new(publication, diagnostics)
}

/// Whether an image is on the web (`https://…`): neither edition can fetch it.
fn is_remote(src: &str) -> bool {
    let scheme = src.split_once("://").map(|(scheme, _)| scheme.to_ascii_lowercase());
    matches!(scheme.as_deref(), Some("http" | "https"))
}

/// The warning for an image on the web, which both editions replace by its text.
fn remote_image(src: &str, file: &Path, pos: Pos) -> Diagnostic {
    let message = format!("the image `{src}` is on the web: both editions show its text instead");
    Diagnostic::warning(file, pos, message).with_code("remote-image").with_hint(
        "download the image into the publication's images/ folder and link it relatively",
    )
}

/// The warning for an image whose name says another format than it holds: both editions read
/// it for what it is.
fn misnamed_image(path: &Path, real: &str, file: &Path, pos: Pos) -> Diagnostic {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let message = format!("the image `{name}` holds a {} image", real.to_uppercase());
    let renamed = path.with_extension(real);
    let renamed = renamed.file_name().unwrap_or_default().to_string_lossy();
    Diagnostic::warning(file, pos, message)
        .with_code("misnamed-image")
        .with_hint(format!("rename it `{renamed}` (and its links) so that every tool reads it"))
}

/// An SVG with parts e-readers refuse, which the EPUB leaves out.
fn svg_dropped(path: &Path, dropped: &[String], file: &Path, pos: Pos) -> Diagnostic {
    let message = format!(
        "the SVG {} has what e-readers refuse; the EPUB leaves out {}",
        path.display(),
        dropped.join(", ")
    );
    Diagnostic::warning(file, pos, message).with_code("svg-active").with_hint(
        "remove them from the SVG (a drawing needs no script; embed linked pictures as data: \
         URIs) to have the same picture in both editions",
    )
}

/// The manifest's cover image, checked like any image, relative to the publication folder.
fn cover(
    publication: &Publication,
    root: &Path,
    files: &mut Files,
    diagnostics: &mut Diagnostics,
) -> Option<PathBuf> {
    let src = publication.manifest.cover.as_ref()?;
    let manifest = publication.dir.join("publication.toml");
    files
        .resolve(root, &publication.dir, src)
        .map(|(path, _)| path)
        .map_err(|problem| {
            diagnostics.push(problem.at(&manifest, publication.manifest.key_pos("cover")))
        })
        .ok()
}

/// Why an image cannot be used: a message, a hint and the code naming the kind.
struct Problem {
    message: String,
    hint: String,
    code: &'static str,
}

impl Problem {
    /// The error at the place that uses the image.
    fn at(self, file: &Path, pos: Pos) -> Diagnostic {
        Diagnostic::error(file, pos, self.message).with_hint(self.hint).with_code(self.code)
    }
}

/// What reading an image file found, beside that it can be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Readable {
    /// The format it holds, when its name says another.
    pub real_format: Option<&'static str>,
    /// Of an SVG, the parts e-readers refuse (see [`crate::svg`]).
    pub svg_dropped: Vec<String>,
}

/// The image files already read, so that an image used twice is read once.
#[derive(Default)]
struct Files {
    readable: HashMap<PathBuf, Result<Readable, String>>,
}

impl Files {
    /// The image file relative to the project root, checked to exist and to read as an image,
    /// with the format it holds when its name says another.
    fn resolve(
        &mut self,
        root: &Path,
        dir: &Path,
        src: &str,
    ) -> Result<(PathBuf, Readable), Problem> {
        let path = resolve(root, dir, src).map_err(|(message, hint)| Problem {
            message,
            hint,
            code: "bad-image",
        })?;
        let readable =
            self.readable.entry(path.clone()).or_insert_with(|| check_readable(&root.join(&path)));
        match readable {
            Ok(readable) => Ok((path, readable.clone())),
            Err(why) => Err(Problem {
                message: format!("the image `{src}` cannot be read: {why}"),
                hint: format!(
                    "{} is not a PNG, JPEG, GIF, WebP or SVG image, or it is cut short; \
                     export it again",
                    path.display()
                ),
                code: "unreadable-image",
            }),
        }
    }
}

/// Checks that a file is an image both editions can use, from its header and its last bytes,
/// without decoding it (an SVG is parsed); says what it found.
pub fn check_readable(file: &Path) -> Result<Readable, String> {
    let extension = file.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if extension == "svg" {
        let text = std::fs::read_to_string(file).map_err(|err| err.to_string())?;
        let dropped = crate::svg::clean(&text)?.dropped;
        return Ok(Readable { real_format: None, svg_dropped: dropped });
    }
    let reader = ImageReader::open(file).and_then(ImageReader::with_guessed_format);
    let reader = reader.map_err(|err| err.to_string())?;
    let format = reader.format().ok_or("its content is not a known image format")?;
    let named = ImageFormat::from_extension(&extension);
    let misnamed = named.is_some_and(|named| named != format);
    let real = misnamed.then(|| format.extensions_str().first().copied()).flatten();
    let (width, height) = reader.into_dimensions().map_err(|err| err.to_string())?;
    // typst decodes the image for the PDF: a huge one must never reach it.
    if let Some((message, hint)) = crate::limits::image_too_large(width, height) {
        return Err(format!("{message}; {hint}"));
    }
    check_complete(file, format).map(|()| Readable { real_format: real, svg_dropped: Vec::new() })
}

/// Whether the file ends as its format says a complete file ends.
fn check_complete(file: &Path, format: ImageFormat) -> Result<(), String> {
    let mut handle = std::fs::File::open(file).map_err(|err| err.to_string())?;
    let length = handle.metadata().map_err(|err| err.to_string())?.len();
    let mut tail = Vec::new();
    handle.seek(SeekFrom::Start(length.saturating_sub(4096))).map_err(|err| err.to_string())?;
    handle.read_to_end(&mut tail).map_err(|err| err.to_string())?;
    let complete = match format {
        ImageFormat::Png => tail.ends_with(&[0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]),
        // Entropy-coded data never holds FF D9: only the end-of-image marker does.
        ImageFormat::Jpeg => tail.windows(2).any(|w| w == [0xff, 0xd9]),
        ImageFormat::Gif => tail.iter().rev().find(|b| **b != 0) == Some(&0x3b),
        ImageFormat::WebP => webp_length(file).is_ok_and(|declared| declared <= length),
        _ => true,
    };
    if complete { Ok(()) } else { Err("the file ends before the image does".to_string()) }
}

/// The length a WebP file declares in its RIFF header.
fn webp_length(file: &Path) -> std::io::Result<u64> {
    let mut header = [0; 8];
    std::fs::File::open(file)?.read_exact(&mut header)?;
    Ok(u64::from(u32::from_le_bytes([header[4], header[5], header[6], header[7]])) + 8)
}

/// The image file relative to the project root, checked to exist inside it.
pub fn resolve(root: &Path, dir: &Path, src: &str) -> Result<PathBuf, (String, String)> {
    let decoded = percent_decode(src);
    let scheme = decoded.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
    if decoded.contains("://") || matches!(scheme.as_deref(), Some("data" | "file")) {
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
    inside_project(root, &path).map_err(|refusal| match refusal {
        Refusal::Outside => outside(),
        Refusal::Unreachable(_) => (
            format!("the image `{src}` does not exist"),
            match near_file(root, &path) {
                Some(near) => format!("did you mean `{near}`? (names are case-sensitive)"),
                None => format!("no file at {}; check the name and the folder", path.display()),
            },
        ),
        // A folder, a named pipe or a device is no image; reading a pipe would wait for ever.
        Refusal::Folder | Refusal::Special => (
            format!("the image `{src}` is not a file"),
            format!("{} is a folder or a special file; link an image file", path.display()),
        ),
    })?;
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if !FORMATS.contains(&extension.as_str()) {
        return Err((
            format!("the image `{src}` is not in a supported format"),
            "use PNG, JPEG, GIF, SVG or WebP".to_string(),
        ));
    }
    Ok(path)
}

/// The file beside a missing one whose name nearly matches (another case, a letter off).
fn near_file(root: &Path, path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let folder = std::fs::read_dir(root.join(path.parent()?)).ok()?;
    let names: Vec<String> =
        folder.flatten().filter_map(|entry| entry.file_name().into_string().ok()).collect();
    let candidates: Vec<&str> = names.iter().map(String::as_str).collect();
    near_miss(name, &candidates).map(str::to_string)
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
        for src in [
            "../../secret.png",
            "/etc/passwd",
            "https://x.org/a.png",
            "file:///etc/x.png",
            "FILE:/etc/x.png",
            "images",
        ] {
            assert!(resolve(tmp.path(), dir, src).is_err(), "{src} was accepted");
        }
        let (message, _) = resolve(tmp.path(), dir, "images/b.png").unwrap_err();
        assert!(message.contains("does not exist"));
    }

    #[test]
    fn a_missing_image_hints_at_the_file_its_name_nearly_matches() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = Path::new("sources/p");
        std::fs::create_dir_all(tmp.path().join("sources/p/images")).unwrap();
        std::fs::write(tmp.path().join("sources/p/images/plan.png"), png()).unwrap();
        let (_, hint) = resolve(tmp.path(), dir, "images/Plan.png").unwrap_err();
        assert_eq!(hint, "did you mean `plan.png`? (names are case-sensitive)");
        let (_, hint) = resolve(tmp.path(), dir, "images/carte.png").unwrap_err();
        assert!(hint.starts_with("no file at"), "{hint}");
    }

    /// A valid 2×1 PNG, written by the image crate.
    fn png() -> Vec<u8> {
        let mut bytes = std::io::Cursor::new(Vec::new());
        image::RgbImage::new(2, 1).write_to(&mut bytes, ImageFormat::Png).unwrap();
        bytes.into_inner()
    }

    #[test]
    fn whole_images_are_readable() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("a.png");
        std::fs::write(&file, png()).unwrap();
        assert_eq!(check_readable(&file), Ok(Readable::default()));
        let svg = tmp.path().join("a.svg");
        std::fs::write(&svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();
        assert_eq!(check_readable(&svg), Ok(Readable::default()));
    }

    #[test]
    fn an_image_named_for_another_format_is_read_for_what_it_holds() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("photo.jpg");
        std::fs::write(&file, png()).unwrap();
        let png = Readable { real_format: Some("png"), ..Readable::default() };
        assert_eq!(check_readable(&file), Ok(png));
        assert_eq!(check_readable(&tmp.path().join("a.png")).ok(), None, "no such file");
    }

    #[test]
    fn an_image_on_the_web_is_replaced_by_its_text_with_a_warning() {
        let markdown = "Une carte ![la carte](https://tile.example.org/5/15/11.png) ici.\n\n\
                        ![Le plan](http://example.org/plan.png \"Plan\")\n";
        let publication = crate::load::from_markdown(markdown);
        let Warned { output, findings } = run(publication, Path::new("."));
        let found: Vec<Diagnostic> = findings.into();
        let codes: Vec<(&str, u32)> = found.iter().map(|d| (d.code(), d.pos.line)).collect();
        assert_eq!(codes, [("remote-image", 3), ("remote-image", 1)]);
        let blocks = &output.chapters[0].blocks;
        let texts: Vec<String> = blocks
            .iter()
            .map(|b| match &b.kind {
                BlockKind::Paragraph(inlines) => crate::model::plain_text(inlines),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(texts, ["Une carte la carte ici.", "Plan"]);
    }

    #[test]
    fn truncated_or_foreign_files_are_not() {
        let tmp = tempfile::tempdir().unwrap();
        let bytes = png();
        let cases: [(&str, &[u8]); 4] = [
            ("cut.png", &bytes[..bytes.len() - 5]),
            ("text.png", b"not an image at all"),
            ("cut.svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\"><g>"),
            ("html.svg", b"<html/>"),
        ];
        for (name, content) in cases {
            let file = tmp.path().join(name);
            std::fs::write(&file, content).unwrap();
            assert!(check_readable(&file).is_err(), "{name} was accepted");
        }
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
