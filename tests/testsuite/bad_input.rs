//! The catalogue of bad input: each case ends in a clear error or warning naming file:line:col,
//! within the limits of `src/limits.rs`, never in a panic, a hang or an exhausted machine.
//! Large inputs are generated at test time; every build runs under a cap on its address space.

use crate::common;

use std::process::Command;

use common::{manifest, project};

/// The address space a build may use: a decoded 100,000 × 100,000 image would need 30 GB.
const MEMORY_CAP_KIB: u64 = 4 * 1024 * 1024;

/// What a build said and left.
struct Outcome {
    code: i32,
    stderr: String,
    dir: tempfile::TempDir,
}

/// Builds a project made of `files` with `args`, under the memory cap.
fn build(files: &[(&str, &[u8])], args: &[&str]) -> Outcome {
    let dir = project(files);
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_CAP_KIB} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_presse"))
        .args(["build", "--root"])
        .arg(dir.path())
        .args(args)
        .output()
        .expect("presse runs");
    let stderr = common::one_line(&String::from_utf8_lossy(&output.stderr));
    assert!(!stderr.contains("panicked"), "presse panicked:\n{stderr}");
    let code = output.status.code().unwrap_or_else(|| panic!("killed by a signal:\n{stderr}"));
    Outcome { code, stderr, dir }
}

/// Asserts that the build failed with `expected` (file:line:col and message) and a hint,
/// and wrote no edition.
fn assert_error(outcome: &Outcome, expected: &str) {
    let Outcome { code, stderr, dir } = outcome;
    assert_eq!(*code, 1, "exit code; stderr:\n{stderr}");
    assert!(stderr.contains(expected), "expected `{expected}` in:\n{}", head(stderr));
    assert!(stderr.contains("hint:"), "no hint in:\n{}", head(stderr));
    let editions = dir.path().join("output/p");
    let written: Vec<_> =
        std::fs::read_dir(&editions).map(|d| d.flatten().collect()).unwrap_or_default();
    assert!(written.is_empty(), "a failed build wrote {written:?}");
}

/// The start of a long message, for failure output.
fn head(text: &str) -> String {
    text.chars().take(2000).collect()
}

/// A publication `p` of one chapter `a.md`.
fn chapter(markdown: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    vec![("sources/p/publication.toml", manifest("")), ("sources/p/a.md", markdown.to_vec())]
}

fn files<'a>(owned: &'a [(&'static str, Vec<u8>)]) -> Vec<(&'static str, &'a [u8])> {
    owned.iter().map(|(path, bytes)| (*path, bytes.as_slice())).collect()
}

/// A PNG file of `width` × `height` pixels whose pixel data is `data` (compressed or not).
fn png(width: u32, height: u32, data: &[u8]) -> Vec<u8> {
    let mut header = width.to_be_bytes().to_vec();
    header.extend(height.to_be_bytes());
    header.extend([8, 2, 0, 0, 0]); // 8 bits, RGB, deflate, no filter, not interlaced
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, body) in [(b"IHDR", header.as_slice()), (b"IDAT", data), (b"IEND", &[])] {
        bytes.extend((body.len() as u32).to_be_bytes());
        let start = bytes.len();
        bytes.extend(kind);
        bytes.extend(body);
        let crc = crc32(&bytes[start..]);
        bytes.extend(crc.to_be_bytes());
    }
    bytes
}

/// The CRC of a PNG chunk.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    crc.update(bytes);
    crc.sum()
}

/// A real 64 × 64 photo-like PNG.
fn photo_png() -> Vec<u8> {
    let image =
        image::RgbImage::from_fn(64, 64, |x, y| image::Rgb([(x * 4) as u8, (y * 4) as u8, 90]));
    let mut bytes = Vec::new();
    image.write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png).unwrap();
    bytes
}

/// A chapter showing `images/i.png` at line 3, column 1, with that file.
fn with_image(bytes: Vec<u8>) -> Vec<(&'static str, Vec<u8>)> {
    let mut owned = chapter(b"# Titre\n\n![Une vue](images/i.png)\n");
    owned.push(("sources/p/images/i.png", bytes));
    owned
}

#[test]
fn invalid_utf8_names_the_line_and_column_of_the_first_bad_byte() {
    let outcome = build(&files(&chapter(b"# Titre\n\nCaf\xE9 cr\xE8me\n")), &["--format", "epub"]);
    assert_error(&outcome, "sources/p/a.md:3:4: error: the file is not valid UTF-8 (byte 0xE9");
}

#[test]
fn a_byte_order_mark_is_dropped_and_positions_stay_true() {
    let outcome = build(
        &files(&chapter("\u{feff}Texte ![x](absente.png)\n".as_bytes())),
        &["--format", "epub"],
    );
    assert_error(&outcome, "sources/p/a.md:1:7: error: the image `absente.png` does not exist");
}

#[test]
fn crlf_line_endings_build_and_positions_stay_true() {
    let good = b"---\r\ntitle: Titre\r\n---\r\n# Titre\r\n\r\nUn texte.\r\n";
    let outcome = build(&files(&chapter(good)), &["--format", "epub"]);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let bad = b"---\r\ntitle: Titre\r\n---\r\n# Titre\r\n\r\nTexte ![x](absente.png)\r\n";
    let outcome = build(&files(&chapter(bad)), &["--format", "epub"]);
    assert_error(&outcome, "sources/p/a.md:6:7: error: the image `absente.png` does not exist");
}

#[test]
fn a_50_mb_chapter_is_refused_before_it_is_read() {
    let paragraph = "Le conseil de Paris a voté la révision du schéma directeur. ".repeat(10);
    let markdown = format!("{paragraph}\n\n").repeat(50_000_000 / (paragraph.len() + 2));
    let outcome = build(&files(&chapter(markdown.as_bytes())), &["--format", "epub"]);
    assert_error(&outcome, "sources/p/a.md:1:1: error: the file is too large: 47.");
}

#[test]
fn a_1_mb_paragraph_is_refused_before_typst_sees_it() {
    let paragraph = "Le conseil de Paris a voté la révision du schéma directeur. ".repeat(17_000);
    let markdown = format!("# Titre\n\n{paragraph}\n");
    let outcome = build(&files(&chapter(markdown.as_bytes())), &[]);
    assert_error(&outcome, "sources/p/a.md:3:1: error: this paragraph is too long: 10");
}

#[test]
fn ten_thousand_nested_lists_are_refused() {
    let markdown = format!("Début.\n\n{}x\n", "- ".repeat(10_000));
    let outcome = build(&files(&chapter(markdown.as_bytes())), &[]);
    assert_error(&outcome, "sources/p/a.md:3:");
    assert!(outcome.stderr.contains("nested too deeply"), "{}", head(&outcome.stderr));
}

#[test]
fn ten_thousand_nested_block_quotes_are_refused() {
    let markdown = format!("Début.\n\n{} fin\n", ">".repeat(10_000));
    let outcome = build(&files(&chapter(markdown.as_bytes())), &[]);
    assert_error(&outcome, "sources/p/a.md:3:");
    assert!(outcome.stderr.contains("nested too deeply"), "{}", head(&outcome.stderr));
}

#[test]
fn editorial_blocks_nested_past_the_limit_are_refused() {
    let boxes = presse::limits::MAX_EDITORIAL_NESTING + 1;
    let open: String =
        (0..boxes).map(|i| format!("{} encadre Titre\n", ":".repeat(3 + boxes - i))).collect();
    let close: String = (0..boxes).map(|i| format!("{}\n", ":".repeat(4 + i))).collect();
    let markdown = format!("{open}x\n{close}");
    let outcome = build(&files(&chapter(markdown.as_bytes())), &[]);
    assert_error(
        &outcome,
        &format!("sources/p/a.md:{boxes}:1: error: the Markdown is nested too deeply"),
    );
}

#[test]
fn nesting_just_under_the_limit_goes_through_typst() {
    // Each level of a list is two levels of the tree (the list and its item); the paragraph
    // and its text are two more.
    let levels = (presse::limits::MAX_NESTING_DEPTH - 2) / 2;
    let lists = format!("{}x\n\n", "- ".repeat(levels));
    let quotes = format!("{} fin\n", ">".repeat(presse::limits::MAX_NESTING_DEPTH - 2));
    let emphasis = format!("{}x{}\n\n", "*a _b ".repeat(12), " b_ a*".repeat(12));
    let boxes = presse::limits::MAX_EDITORIAL_NESTING;
    let open: String =
        (0..boxes).map(|i| format!("{} encadre Titre\n", ":".repeat(3 + boxes - i))).collect();
    let close: String = (0..boxes).map(|i| format!("{}\n", ":".repeat(4 + i))).collect();
    let markdown = format!("# Titre\n\n{lists}{quotes}\n{emphasis}{open}x\n{close}");
    let outcome = build(&files(&chapter(markdown.as_bytes())), &[]);
    assert_eq!(outcome.code, 0, "{}", head(&outcome.stderr));
    assert!(outcome.dir.path().join("output/p/p.pdf").is_file());
}

#[test]
fn a_hundred_thousand_footnotes_are_refused() {
    let count = 100_000;
    let references: String = (0..count).map(|i| format!("Texte[^{i}].\n\n")).collect();
    let definitions: String = (0..count).map(|i| format!("[^{i}]: Note {i}.\n")).collect();
    let markdown = format!("{references}{definitions}");
    let outcome = build(&files(&chapter(markdown.as_bytes())), &["--format", "epub"]);
    let first_past_the_limit = 2 * count + 1 + presse::limits::MAX_FOOTNOTES_PER_CHAPTER;
    assert_error(
        &outcome,
        &format!(
            "sources/p/a.md:{first_past_the_limit}:1: error: this chapter has 100000 footnotes"
        ),
    );
}

#[test]
fn a_truncated_image_is_an_error_at_its_use() {
    let mut bytes = photo_png();
    bytes.truncate(bytes.len() / 2);
    let outcome = build(&files(&with_image(bytes)), &[]);
    assert_error(&outcome, "sources/p/a.md:3:1: error: the image `images/i.png` cannot be read");
}

#[test]
fn a_file_that_is_not_an_image_is_an_error_at_its_use() {
    let outcome = build(&files(&with_image(b"ceci n'est pas une image\n".to_vec())), &[]);
    assert_error(&outcome, "sources/p/a.md:3:1: error: the image `images/i.png` cannot be read");
}

#[test]
fn a_decompression_bomb_is_refused_from_its_header() {
    // 100,000 × 100,000 pixels of RGB would be 30 GB decoded; the file holds a few bytes.
    let bomb = png(100_000, 100_000, &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
    let outcome = build(&files(&with_image(bomb)), &[]);
    assert_error(&outcome, "sources/p/a.md:3:1: error: the image `images/i.png` cannot be read");
    assert!(outcome.stderr.contains("100000 × 100000 pixels is too large"), "{}", outcome.stderr);
}

#[test]
fn an_empty_publication_is_an_error() {
    let outcome = build(&files(&chapter(b"\n\n")), &["--format", "epub"]);
    assert_error(&outcome, "sources/p/publication.toml:1:1: error: the publication is empty");
}

#[test]
fn a_missing_chapter_file_is_an_error_at_its_line() {
    let toml = manifest("chapters = [\n  \"a.md\",\n  \"absent.md\",\n]\n");
    let files = [("sources/p/publication.toml", toml.as_slice()), ("sources/p/a.md", b"x\n")];
    let outcome = build(&files, &["--format", "epub"]);
    assert_error(
        &outcome,
        "sources/p/publication.toml:6:3: error: the chapter `absent.md` does not exist",
    );
}

#[test]
fn a_chapter_listed_twice_is_an_error_at_the_second() {
    let toml = manifest("chapters = [\"a.md\",\n  \"b.md\", \"a.md\"]\n");
    let files = [
        ("sources/p/publication.toml", toml.as_slice()),
        ("sources/p/a.md", b"x\n".as_slice()),
        ("sources/p/b.md", b"y\n".as_slice()),
    ];
    let outcome = build(&files, &["--format", "epub"]);
    assert_error(
        &outcome,
        "sources/p/publication.toml:5:11: error: the chapter `a.md` is listed twice",
    );
}

#[test]
fn cyclic_and_self_links_build() {
    let a = b"# Un {#un}\n\n[moi](#un), [l'autre](b.md), [ce chapitre](a.md).\n";
    let b = b"# Deux {#deux}\n\n[retour](a.md#un), [soi](b.md#deux).\n";
    let toml = manifest("");
    let files = [
        ("sources/p/publication.toml", toml.as_slice()),
        ("sources/p/a.md", a.as_slice()),
        ("sources/p/b.md", b.as_slice()),
    ];
    let outcome = build(&files, &[]);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert!(outcome.dir.path().join("output/p/p.epub").is_file());
}

#[test]
fn a_font_file_that_is_not_a_font_is_skipped_with_a_warning() {
    let mut owned = chapter(b"# Titre\n\nUn texte.\n");
    owned.push(("fonts/Faux.ttf", b"not a font at all\n".to_vec()));
    let outcome = build(&files(&owned), &["--format", "pdf"]);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let expected = "fonts/Faux.ttf: warning: this font file cannot be read; it is skipped";
    assert!(outcome.stderr.contains(expected), "expected `{expected}` in:\n{}", outcome.stderr);
    assert!(outcome.dir.path().join("output/p/p.pdf").is_file());
}

#[test]
fn a_panic_inside_typst_is_an_error_at_the_publication_not_a_crash() {
    // typst 0.15.1's own check "bounded inline layout is incomplete" fires on this chapter when
    // typst is built with debug assertions (as in this test binary); a release build of typst
    // falls back to its unbounded line breaker and the PDF is made. Either way presse goes on.
    let chapter = std::fs::read(common::fixture("fuzz/typst-bounded-linebreak-debug-assertion.md"));
    let chapter = chapter.unwrap();
    let toml = manifest("");
    let outcome = build(
        &[("sources/p/publication.toml", &toml), ("sources/p/a.md", &chapter)],
        &["--format", "pdf"],
    );
    match outcome.code {
        0 => assert!(outcome.dir.path().join("output/p/p.pdf").is_file(), "{}", outcome.stderr),
        1 => {
            let said = &outcome.stderr;
            assert!(said.contains("publication.toml: error: typst 0.15.1 stopped"), "{said}");
            assert!(said.contains("bug of typst's"), "{said}");
        }
        code => panic!("presse ended with {code}:\n{}", outcome.stderr),
    }
}
