//! The explicit limits on what presse reads: sizes and depths no real publication reaches, so
//! that broken or hostile input ends in a clear error, in bounded time and memory, never in a
//! crash, a hang or an exhausted machine.
//!
//! Each limit was chosen from measurements of a release build (see
//! `tests/testsuite/bad_input.rs` and the issue note): where the cost of an input grows fast,
//! the limit sits well below the point where a build takes more than a few seconds, and far
//! above anything an editorial team writes.

use std::path::Path;

use crate::diag::{Diagnostic, Pos};

/// The largest text file presse reads (a chapter, `publication.toml`, a template): 4 MiB, about
/// 800 printed pages. A 1 MB chapter typesets in 4 s and 350 MB of memory, a 4 MB one in 18 s
/// and 1.3 GB; a 50 MB file would take minutes and more memory than most machines have.
pub const MAX_TEXT_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// How deeply the Markdown of a chapter may nest, counted in levels of its syntax tree (a list
/// level counts twice: the list and its item; a quote, an emphasis or a link once each, and the
/// paragraph and its text count too). typst stops at 64 nested show rules, two per level here:
/// 30 nested block quotes typeset, 32 do not; deeper still would overflow the stack of
/// presse's recursive stages (10,000 levels did).
pub const MAX_NESTING_DEPTH: usize = 32;

/// How many editorial blocks (`::: encadre` …) may sit inside one another. typst measures a
/// box's content before placing it, so the cost multiplies at each level: 18 levels take
/// 0.4 s, 20 levels 2 s and 600 MB, 22 levels 41 s and 15 GB.
pub const MAX_EDITORIAL_NESTING: usize = 8;

/// The longest run of text typst sets as one paragraph (a paragraph, a heading, a table cell),
/// in characters: about eight pages of a single paragraph. Line breaking costs grow faster
/// than the length: 50,000 characters take 1.7 s, 100,000 take 6.5 s, 1,000,000 take 106 s.
pub const MAX_PARAGRAPH_CHARS: usize = 50_000;

/// The most footnotes one chapter may hold. 5,000 footnotes take 10 s and 330 MB to typeset.
pub const MAX_FOOTNOTES_PER_CHAPTER: usize = 5_000;

/// The longest side of an image, in pixels (a panorama of 30,000 pixels passes).
pub const MAX_IMAGE_SIDE: u32 = 30_000;

/// The most pixels in one image: 80 megapixels, more than any camera or A3 scan at 600 dpi.
/// Decoded, such an image takes 320 MB; the header is checked before anything is decoded.
pub const MAX_IMAGE_PIXELS: u64 = 80_000_000;

/// The memory an image decoder may allocate: enough for the largest image allowed, in 16-bit
/// RGBA.
pub const MAX_IMAGE_DECODE_BYTES: u64 = MAX_IMAGE_PIXELS * 8;

/// The limits for decoding an image, as the `image` crate takes them.
pub fn image_decode_limits() -> image::Limits {
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(MAX_IMAGE_DECODE_BYTES);
    limits
}

/// A file larger than [`MAX_TEXT_FILE_BYTES`].
pub fn file_too_large(file: &Path, bytes: u64) -> Diagnostic {
    let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
    Diagnostic::error(
        file,
        Pos::new(1, 1),
        format!(
            "the file is too large: {:.1} MiB, presse reads at most {:.0} MiB",
            mib(bytes),
            mib(MAX_TEXT_FILE_BYTES)
        ),
    )
    .with_code("file-too-large")
    .with_hint("split the text into several chapters, or check that this is the file you meant")
}

/// Markdown nested deeper than [`MAX_NESTING_DEPTH`], at the first place it does.
pub fn too_deep(file: &Path, pos: Pos) -> Diagnostic {
    Diagnostic::error(
        file,
        pos,
        format!(
            "the Markdown is nested too deeply here: more than {MAX_NESTING_DEPTH} levels of \
             lists, block quotes, emphasis or links, or more than {MAX_EDITORIAL_NESTING} \
             editorial blocks (:::) inside one another"
        ),
    )
    .with_code("too-deep")
    .with_hint("flatten the nesting: no reader follows more than a few levels")
}

/// Whether an image of `width` × `height` is too large; the message and hint when it is.
pub fn image_too_large(width: u32, height: u32) -> Option<(String, String)> {
    let pixels = u64::from(width) * u64::from(height);
    if width <= MAX_IMAGE_SIDE && height <= MAX_IMAGE_SIDE && pixels <= MAX_IMAGE_PIXELS {
        return None;
    }
    Some((
        format!(
            "{width} × {height} pixels is too large: presse takes at most {MAX_IMAGE_SIDE} \
             pixels a side and {} megapixels",
            MAX_IMAGE_PIXELS / 1_000_000
        ),
        "scale the image down: 4,000 pixels on the long side is plenty for print".to_string(),
    ))
}

/// A paragraph longer than [`MAX_PARAGRAPH_CHARS`].
pub fn paragraph_too_long(file: &Path, pos: Pos, chars: usize) -> Diagnostic {
    Diagnostic::error(
        file,
        pos,
        format!(
            "this paragraph is too long: {chars} characters, presse sets at most \
             {MAX_PARAGRAPH_CHARS} in one paragraph"
        ),
    )
    .with_code("paragraph-too-long")
    .with_hint("split it with blank lines into paragraphs")
}

/// A chapter with more than [`MAX_FOOTNOTES_PER_CHAPTER`] footnotes.
pub fn too_many_footnotes(file: &Path, pos: Pos, count: usize) -> Diagnostic {
    Diagnostic::error(
        file,
        pos,
        format!(
            "this chapter has {count} footnotes, presse takes at most \
             {MAX_FOOTNOTES_PER_CHAPTER} in one chapter"
        ),
    )
    .with_code("too-many-footnotes")
    .with_hint("split the chapter into several files; notes are numbered per chapter")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_up_to_the_limits_pass_and_larger_ones_do_not() {
        assert!(image_too_large(8000, 6000).is_none());
        assert!(image_too_large(MAX_IMAGE_SIDE, 100).is_none());
        assert!(image_too_large(MAX_IMAGE_SIDE + 1, 100).is_some());
        let (message, _) = image_too_large(100_000, 100_000).unwrap();
        assert!(message.contains("100000 × 100000"), "{message}");
        assert!(image_too_large(10_000, 9_000).is_some(), "90 megapixels");
    }
}
