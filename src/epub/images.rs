//! Images for e-readers: resized, re-encoded without metadata, stored once, cached, in parallel.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, GenericImageView, ImageFormat, ImageReader};
use rayon::prelude::*;

use super::xml::id_part;
use super::{EpubOptions, cache};
use crate::diag::{Diagnostic, Diagnostics, Warned};
use crate::files::{remove_stale_temporaries, write_atomic};
use crate::limits;
use crate::model::{ImageUse, Publication};

/// Bumped whenever the conversion changes, so that cached images are made anew.
const CONVERSION_VERSION: u32 = 3;
/// The JPEG quality for photographs.
const JPEG_QUALITY: u8 = 85;
/// At most this many distinct colours make an image flat (PNG rather than JPEG).
const FLAT_COLOURS: usize = 256;

/// One image file of the EPUB.
#[derive(Debug, Clone, PartialEq)]
pub struct EpubImage {
    /// Its path inside the EPUB, from the package folder (`images/photo-1a2b3c4d.jpg`).
    pub href: String,
    /// Its media type.
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

/// The images of a book, each stored once.
#[derive(Debug, Default)]
pub struct Images {
    /// Source file (relative to the project root) → its path inside the EPUB.
    pub hrefs: HashMap<PathBuf, String>,
    /// The image files, in order of first use.
    pub files: Vec<EpubImage>,
    /// The cover's path inside the EPUB, if the publication has one.
    pub cover: Option<String>,
}

/// Reads, converts and caches every image of the publication, its cover included.
pub fn process(publication: &Publication, root: &Path, options: &EpubOptions) -> Warned<Images> {
    let uses = publication.image_uses();
    let (max_side, cache_dir) = (options.max_image_side, options.cache_dir.as_deref());
    if let Some(dir) = cache_dir {
        remove_stale_temporaries(dir);
    }
    let converted: Vec<Result<(EpubImage, String), Diagnostic>> =
        uses.par_iter().map(|image| convert_use(image, root, max_side, cache_dir)).collect();
    let mut images = Images::default();
    let mut found = Diagnostics::default();
    let mut cached = Vec::new();
    for (image, result) in uses.iter().zip(converted) {
        match result {
            Ok((file, cache_file)) => {
                images.add(&image.path, file);
                cached.push(cache_file);
            }
            Err(diagnostic) => found.push(diagnostic),
        }
    }
    if let Some(dir) = cache_dir {
        cache::record_and_prune(dir, root, &publication.name, &cached);
    }
    images.cover = publication.cover.as_ref().and_then(|cover| images.hrefs.get(cover).cloned());
    Warned::new(images, found)
}

impl Images {
    /// Makes `image` the book's cover.
    pub fn add_cover(&mut self, image: EpubImage) {
        self.cover = Some(image.href.clone());
        self.files.push(image);
    }

    /// Records a converted image; the same bytes under another name are stored once.
    fn add(&mut self, source: &Path, image: EpubImage) {
        let href = match self.files.iter().find(|f| f.bytes == image.bytes) {
            Some(existing) => existing.href.clone(),
            None => {
                let href = image.href.clone();
                self.files.push(image);
                href
            }
        };
        self.hrefs.insert(source.to_path_buf(), href);
    }
}

fn convert_use(
    image: &ImageUse,
    root: &Path,
    max_side: u32,
    cache_dir: Option<&Path>,
) -> Result<(EpubImage, String), Diagnostic> {
    let fail = |message: String| {
        Diagnostic::error(&image.file, image.pos, message)
            .with_code("unreadable-image")
            .with_hint("use a PNG, JPEG, GIF, WebP or SVG file that opens in an image viewer")
    };
    let source = std::fs::read(root.join(&image.path))
        .map_err(|err| fail(format!("cannot read the image {}: {err}", image.path.display())))?;
    let key = cache_key(&source, max_side);
    let stem = image.path.file_stem().map_or("image".into(), |s| id_part(&s.to_string_lossy()));
    let (bytes, extension) = cached_or_converted(&source, &image.path, key, max_side, cache_dir)
        .map_err(|err| fail(format!("cannot convert the image {}: {err}", image.path.display())))?;
    let image = EpubImage {
        href: format!("images/{stem}-{:08x}.{extension}", key as u32),
        media_type: media_type(extension),
        bytes,
    };
    Ok((image, cache::file_name(key, extension)))
}

/// The height of a cover rendered from the print edition, in pixels.
const COVER_HEIGHT: f64 = 1600.0;

/// The print edition's first page as the book's cover: a JPEG 1,600 pixels high (a PNG when
/// the page is too wide for a JPEG). Memoised: a rebuild that leaves the page as it was
/// renders it no more.
#[comemo::memoize]
pub fn rendered_cover(page: &typst_layout::Page) -> EpubImage {
    let scale = COVER_HEIGHT / page.frame.height().to_pt().max(1.0);
    let pixels = DynamicImage::ImageRgba8(crate::pdf::rasterise(page, scale));
    let (bytes, extension) = encode_jpeg(&pixels)
        .or_else(|_| encode_png(&pixels))
        .expect("encoding to memory cannot fail");
    let hash = xxhash_rust::xxh3::xxh3_64(&bytes) as u32;
    EpubImage {
        href: format!("images/cover-{hash:08x}.{extension}"),
        media_type: media_type(extension),
        bytes,
    }
}

/// A hash of the source bytes and of every option that changes the output.
fn cache_key(source: &[u8], max_side: u32) -> u64 {
    let options = format!("\0{max_side}\0{CONVERSION_VERSION}");
    xxhash_rust::xxh3::xxh3_64(source)
        ^ xxhash_rust::xxh3::xxh3_64(options.as_bytes()).rotate_left(1)
}

fn cached_or_converted(
    source: &[u8],
    path: &Path,
    key: u64,
    max_side: u32,
    cache_dir: Option<&Path>,
) -> Result<(Vec<u8>, &'static str), String> {
    let cached = |extension: &str| cache_dir.map(|dir| dir.join(cache::file_name(key, extension)));
    for extension in ["jpg", "png", "svg"] {
        if let Some(bytes) = cached(extension).and_then(|file| std::fs::read(file).ok()) {
            return Ok((bytes, extension));
        }
    }
    let (bytes, extension) = convert(source, path, max_side)?;
    if let Some(file) = cached(extension) {
        // A cache that cannot be written only costs time on the next build.
        let _ = write_atomic(&file, &bytes);
    }
    Ok((bytes, extension))
}

/// Converts an image for e-readers: SVG made safe (see [`crate::svg`]); others resized, as JPEG
/// (photos) or PNG.
pub fn convert(
    source: &[u8],
    path: &Path,
    max_side: u32,
) -> Result<(Vec<u8>, &'static str), String> {
    let is_svg = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("svg"));
    if is_svg {
        let text = std::str::from_utf8(source).map_err(|err| err.to_string())?;
        return Ok((crate::svg::clean(text)?.svg.into_bytes(), "svg"));
    }
    let decoded = eight_bit(decode(source)?);
    let resized = shrink(decoded, max_side)?;
    if is_flat(&resized) { encode_png(&resized) } else { encode_jpeg(&resized) }
}

/// Decodes an image within [`limits`]: an image too large is refused from its header,
/// before any pixel memory is allocated.
fn decode(source: &[u8]) -> Result<DynamicImage, String> {
    let reader = || ImageReader::new(Cursor::new(source)).with_guessed_format();
    let header = reader().map_err(|err| err.to_string())?;
    let (width, height) = header.into_dimensions().map_err(|err| err.to_string())?;
    if let Some((message, _)) = limits::image_too_large(width, height) {
        return Err(message);
    }
    let mut reader = reader().map_err(|err| err.to_string())?;
    reader.limits(limits::image_decode_limits());
    reader.decode().map_err(|err| err.to_string())
}

/// The image as 8-bit RGB, or RGBA when it has transparency: what e-readers get.
fn eight_bit(image: DynamicImage) -> DynamicImage {
    match image {
        DynamicImage::ImageRgb8(_) | DynamicImage::ImageRgba8(_) => image,
        image if image.color().has_alpha() => DynamicImage::ImageRgba8(image.to_rgba8()),
        image => DynamicImage::ImageRgb8(image.to_rgb8()),
    }
}

/// Scales an 8-bit image down so that its long side is at most `max_side`, keeping its
/// proportions. fast_image_resize's integer kernels give the same pixels with or without
/// SIMD, so every machine makes the same bytes.
fn shrink(image: DynamicImage, max_side: u32) -> Result<DynamicImage, String> {
    let (width, height) = image.dimensions();
    let long_side = width.max(height);
    let max_side = max_side.max(1);
    if long_side <= max_side {
        return Ok(image);
    }
    let scaled = |side: u32| {
        let exact = u64::from(side) * u64::from(max_side);
        ((exact + u64::from(long_side) / 2) / u64::from(long_side)).max(1) as u32
    };
    let (new_width, new_height) = (scaled(width), scaled(height));
    let mut resized = match image {
        DynamicImage::ImageRgba8(_) => DynamicImage::new_rgba8(new_width, new_height),
        _ => DynamicImage::new_rgb8(new_width, new_height),
    };
    Resizer::new()
        .resize(&image, &mut resized, &resize_options())
        .map_err(|err| err.to_string())?;
    Ok(resized)
}

/// Catmull-Rom: as sharp as Lanczos for photographs, at half its cost.
fn resize_options() -> ResizeOptions {
    ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::CatmullRom))
}

/// Whether an image is better as PNG: transparent, or made of few colours (drawings, charts).
fn is_flat(image: &DynamicImage) -> bool {
    if let DynamicImage::ImageRgba8(rgba) = image
        && rgba.pixels().any(|p| p.0[3] < 255)
    {
        return true;
    }
    let mut colours = std::collections::HashSet::new();
    for (_, _, pixel) in image.pixels() {
        colours.insert(pixel.0);
        if colours.len() > FLAT_COLOURS {
            return false;
        }
    }
    true
}

fn encode_png(image: &DynamicImage) -> Result<(Vec<u8>, &'static str), String> {
    let mut bytes = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
        .map_err(|err| err.to_string())?;
    Ok((bytes, "png"))
}

/// Encodes a photograph as a baseline JPEG (jpeg-encoder, without its SIMD paths).
fn encode_jpeg(image: &DynamicImage) -> Result<(Vec<u8>, &'static str), String> {
    let rgb = image.to_rgb8();
    let (width, height) = rgb.dimensions();
    let too_large = || format!("{width}×{height} pixels is too large for a JPEG");
    let width = u16::try_from(width).map_err(|_| too_large())?;
    let height = u16::try_from(height).map_err(|_| too_large())?;
    let mut bytes = Vec::new();
    jpeg_encoder::Encoder::new(&mut bytes, JPEG_QUALITY)
        .encode(rgb.as_raw(), width, height, jpeg_encoder::ColorType::Rgb)
        .map_err(|err| err.to_string())?;
    Ok((bytes, "jpg"))
}

/// The media type of a converted image's extension.
pub fn media_type(extension: &str) -> &'static str {
    match extension {
        "jpg" => "image/jpeg",
        "png" => "image/png",
        _ => "image/svg+xml",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage, Rgba, RgbaImage};

    fn encoded(image: DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut bytes = Vec::new();
        image.write_to(&mut Cursor::new(&mut bytes), format).unwrap();
        bytes
    }

    /// The CRC of a PNG chunk (its type and data).
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = flate2::Crc::new();
        crc.update(bytes);
        crc.sum()
    }

    fn photo(width: u32, height: u32) -> DynamicImage {
        let noise = |x: u32, y: u32, k: u32| ((x * 7 + y * 13 + k * 31) ^ (x * y)) as u8;
        DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, y| {
            Rgb([noise(x, y, 0), noise(x, y, 1), noise(x, y, 2)])
        }))
    }

    #[test]
    fn large_photos_shrink_to_the_long_side_as_jpeg() {
        let source = encoded(photo(400, 200), ImageFormat::Png);
        let (bytes, extension) = convert(&source, Path::new("a.png"), 100).unwrap();
        assert_eq!(extension, "jpg");
        assert_eq!(image::load_from_memory(&bytes).unwrap().dimensions(), (100, 50));
    }

    #[test]
    fn shrinking_keeps_transparency_and_gives_the_same_pixels_everywhere() {
        let transparent = DynamicImage::ImageRgba8(RgbaImage::from_fn(300, 120, |x, y| {
            Rgba([x as u8, y as u8, (x ^ y) as u8, if x < 150 { 0 } else { 255 }])
        }));
        let shrunk = shrink(transparent, 100).unwrap();
        assert_eq!(shrunk.dimensions(), (100, 40));
        assert!(shrunk.color().has_alpha());
        // The same pixels as the plain Rust kernels: the bytes do not depend on the CPU.
        let source = photo(400, 200);
        let mut plain = DynamicImage::new_rgb8(100, 50);
        let mut resizer = Resizer::new();
        // SAFETY: no CPU extension at all is supported by every CPU.
        unsafe { resizer.set_cpu_extensions(fast_image_resize::CpuExtensions::None) };
        resizer.resize(&source, &mut plain, &resize_options()).unwrap();
        assert_eq!(shrink(source, 100).unwrap().as_bytes(), plain.as_bytes());
    }

    #[test]
    fn flat_and_transparent_images_stay_png_and_webp_is_converted() {
        let flat = DynamicImage::ImageRgb8(RgbImage::from_pixel(30, 20, Rgb([10, 20, 30])));
        let (_, extension) =
            convert(&encoded(flat, ImageFormat::WebP), Path::new("a.webp"), 1600).unwrap();
        assert_eq!(extension, "png");
        let transparent = DynamicImage::ImageRgba8(RgbaImage::from_pixel(8, 8, Rgba([0, 0, 0, 0])));
        let (bytes, extension) =
            convert(&encoded(transparent, ImageFormat::Png), Path::new("t.png"), 1600).unwrap();
        assert_eq!(extension, "png");
        assert!(image::load_from_memory(&bytes).unwrap().color().has_alpha());
    }

    #[test]
    fn svg_is_made_safe_and_garbage_is_an_error() {
        let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"x()\"><g/></svg>";
        let safe = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\"><g/></svg>\n";
        assert_eq!(
            convert(svg, Path::new("d.SVG"), 10).unwrap(),
            (safe.as_bytes().to_vec(), "svg")
        );
        assert!(convert(b"not an image", Path::new("x.png"), 10).is_err());
    }

    #[test]
    fn an_image_too_large_is_refused_from_its_header() {
        // A PNG header claiming 100,000 × 100,000 pixels, with almost no data behind it.
        let mut bomb = encoded(photo(4, 4), ImageFormat::Png);
        bomb[16..24].copy_from_slice(&[0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0]);
        let crc = crc32(&bomb[12..29]);
        bomb[29..33].copy_from_slice(&crc.to_be_bytes());
        let err = convert(&bomb, Path::new("b.png"), 1600).unwrap_err();
        assert!(err.contains("too large"), "{err}");
    }

    #[test]
    fn the_same_image_under_two_names_is_stored_once() {
        let file = |href: &str| EpubImage {
            href: href.into(),
            media_type: "image/png",
            bytes: vec![1, 2],
        };
        let mut images = Images::default();
        images.add(Path::new("sources/p/a.png"), file("images/a-1.png"));
        images.add(Path::new("sources/p/copie.png"), file("images/copie-1.png"));
        assert_eq!(images.files.len(), 1);
        assert_eq!(images.hrefs[Path::new("sources/p/copie.png")], "images/a-1.png");
    }

    #[test]
    fn the_cache_is_used_when_the_key_matches() {
        let dir = tempfile::tempdir().unwrap();
        let source = encoded(photo(20, 20), ImageFormat::Png);
        let key = cache_key(&source, 1600);
        std::fs::write(dir.path().join(format!("{key:016x}.png")), b"cached").unwrap();
        let (bytes, _) =
            cached_or_converted(&source, Path::new("a.png"), key, 1600, Some(dir.path())).unwrap();
        assert_eq!(bytes, b"cached");
        assert_ne!(cache_key(&source, 800), key, "options are part of the key");
    }
}
