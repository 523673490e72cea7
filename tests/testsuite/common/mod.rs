//! Helpers shared by the integration tests: throwaway projects, the real binary, shared fonts.
#![allow(dead_code)]

pub mod validators;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use presse::pdf::{Environment, Fonts};

/// A temporary project holding `files` (path relative to the root, content).
pub fn project(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (path, content) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

/// A publication `p` of `chapters` chapters (about four pages each), each showing one
/// `width` × `height` PNG: enough for a build to take a moment.
pub fn sizeable_project(chapters: usize, width: u32, height: u32) -> tempfile::TempDir {
    let paragraph = "Le conseil de Paris a voté la révision du schéma directeur. ".repeat(12);
    let chapter = |n: usize| {
        let body: String = (0..10).map(|i| format!("## Partie {i}\n\n{paragraph}\n\n")).collect();
        format!("# Chapitre {n}\n\n![Une vue](images/vue.png \"Vue\")\n\n{body}").into_bytes()
    };
    let png = png(width, height);
    let chapters: Vec<(String, Vec<u8>)> =
        (1..=chapters).map(|n| (format!("sources/p/0{n}.md"), chapter(n))).collect();
    let toml = manifest("");
    let mut files: Vec<(&str, &[u8])> =
        vec![("sources/p/publication.toml", &toml), ("sources/p/images/vue.png", &png)];
    files.extend(chapters.iter().map(|(path, bytes)| (path.as_str(), bytes.as_slice())));
    project(&files)
}

/// A `width` × `height` PNG with a gradient.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([x as u8, y as u8, 120]));
    let mut png = Vec::new();
    image.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
    png
}

/// A minimal valid `publication.toml`, with extra lines appended.
pub fn manifest(extra: &str) -> Vec<u8> {
    format!("title = \"Essai\"\ndate = \"2011-10-01\"\nlang = \"fr\"\n{extra}").into_bytes()
}

/// Copies the folder `from` and all it holds to `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().map(Result::unwrap) {
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A fixture tree under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// The presse binary under test.
pub fn presse() -> Command {
    Command::new(env!("CARGO_BIN_EXE_presse"))
}

/// Runs presse and returns (exit code, stderr), each finding of stderr on one line (see
/// [`one_line`]).
pub fn run_presse(args: &[&str]) -> (i32, String) {
    let output = presse().args(args).output().expect("presse runs");
    (output.status.code().unwrap_or(-1), one_line(&String::from_utf8_lossy(&output.stderr)))
}

/// Builds the project at `root` into a temporary output folder, with `extra` flags; checks
/// that the build succeeds and returns the folder and what presse said.
pub fn build_ok(root: &Path, extra: &[&str]) -> (tempfile::TempDir, String) {
    let out = tempfile::tempdir().unwrap();
    let mut args = vec!["build", "--root", root.to_str().unwrap()];
    args.extend_from_slice(&["--out", out.path().to_str().unwrap()]);
    args.extend_from_slice(extra);
    let (code, stderr) = run_presse(&args);
    assert_eq!(code, 0, "{stderr}");
    (out, stderr)
}

/// The sample publications of `sources/`, built once per test run (default flags) into a
/// folder under Cargo's temporary folder; returns the output folder and what presse said.
pub fn samples() -> &'static (PathBuf, String) {
    static SAMPLES: OnceLock<(PathBuf, String)> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("samples");
        let _ = std::fs::remove_dir_all(&out);
        let root = repository().to_str().unwrap();
        let args = ["build", "--root", root, "--out", out.to_str().unwrap()];
        let (code, stderr) = run_presse(&args);
        assert_eq!(code, 0, "{stderr}");
        (out, stderr)
    })
}

/// The text files of an EPUB (XHTML, the package, CSS), by name inside the zip.
pub fn epub_texts(epub: &Path) -> std::collections::BTreeMap<String, String> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::fs::File::open(epub).unwrap()).unwrap();
    let mut texts = std::collections::BTreeMap::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).unwrap();
        let name = entry.name().to_string();
        if [".xhtml", ".opf", ".css"].iter().any(|ext| name.ends_with(ext)) {
            let mut text = String::new();
            entry.read_to_string(&mut text).unwrap();
            texts.insert(name, text);
        }
    }
    texts
}

/// This repository's root, whose `sources/` holds the sample publications.
pub fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Generous: a loaded two-core machine builds slowly. This bounds a hang, it times nothing.
pub const PATIENCE: Duration = Duration::from_secs(120);

/// A presse process running, and the lines it writes on standard error, read as they come;
/// killed when dropped, passing test or failing.
pub struct Running {
    child: Child,
    lines: Receiver<String>,
    /// Every line read so far, for failure messages.
    seen: Vec<String>,
}

impl Running {
    /// Starts presse with these arguments.
    pub fn start(args: &[&str]) -> Running {
        let mut child = presse()
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("presse starts");
        let stderr = child.stderr.take().unwrap();
        let (sender, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Running { child, lines, seen: Vec::new() }
    }

    /// Waits for a line starting with `start`, and returns the lines read until then.
    pub fn wait_for(&mut self, start: &str) -> Vec<String> {
        let mut read = Vec::new();
        loop {
            let Ok(line) = self.lines.recv_timeout(PATIENCE) else {
                panic!("no line `{start}…` from presse; it said:\n{}", self.seen.join("\n"))
            };
            self.seen.push(line.clone());
            let found = line.starts_with(start);
            read.push(line);
            if found {
                return read;
            }
        }
    }

    /// The process's id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits for the process to end: how it ended, and all it said.
    pub fn finish(mut self) -> (ExitStatus, String) {
        let status = self.child.wait().expect("presse ends");
        self.seen.extend(self.lines.iter());
        (status, self.seen.join("\n"))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The fonts, loaded once per test binary.
pub fn environment() -> &'static Environment {
    static ENV: OnceLock<Environment> = OnceLock::new();
    ENV.get_or_init(|| Environment::new(Fonts::load(&[], false)))
}

/// The fonts of this repository's project (its fonts/ folder too), loaded once per test binary.
pub fn environment_with_project_fonts() -> &'static Environment {
    static ENV: OnceLock<Environment> = OnceLock::new();
    ENV.get_or_init(|| Environment::for_project(Path::new(env!("CARGO_MANIFEST_DIR")), false))
}

/// Runs an external checker, failing the test with a hint when it is missing.
pub fn tool(program: &str, args: &[&str]) -> String {
    let output = Command::new(program).args(args).output().unwrap_or_else(|e| {
        panic!("cannot run {program} ({e}); run scripts/test, which installs the checkers")
    });
    assert!(
        output.status.success(),
        "{program} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// presse's human output with each finding on one line, `file:line:column: severity: message`,
/// its suggestion and hint on the next (`  suggestion: …`, `  hint: …`); other lines as they are. The human output draws a
/// finding over several lines (the message, where it is, the source line and a caret, the
/// hint): this reads them back, so that a test can name a finding in one string.
pub fn one_line(stderr: &str) -> String {
    let mut out = Vec::new();
    let mut lines = stderr.lines().peekable();
    while let Some(line) = lines.next() {
        let Some((severity, message)) = finding_header(line) else {
            out.push(line.to_string());
            continue;
        };
        let (mut place, mut hints) = (String::new(), Vec::new());
        while let Some(next) = lines
            .next_if(|l| l.starts_with([' ', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']))
        {
            let next = next.trim_start();
            if let Some(at) = next.strip_prefix("┌─ ").or_else(|| next.strip_prefix("= at ")) {
                place = at.to_string();
            } else if let Some(file) = next.strip_prefix("= in ") {
                place = file.to_string();
            } else if let Some(hint) = next.strip_prefix("= hint: ") {
                hints.push(format!("  hint: {hint}"));
            } else if let Some(suggestion) = next.strip_prefix("= suggestion: ") {
                hints.push(format!("  suggestion: {suggestion}"));
            }
        }
        out.push(format!("{place}: {severity}: {message}"));
        out.extend(hints);
    }
    out.join("\n")
}

/// The severity and message of a finding's first line: `error[code]: message`.
fn finding_header(line: &str) -> Option<(&str, &str)> {
    let severity = ["error", "warning", "note"].into_iter().find(|s| line.starts_with(s))?;
    let rest = &line[severity.len()..];
    let rest = match rest.strip_prefix('[') {
        Some(coded) => &coded[coded.find(']')? + 1..],
        None => rest,
    };
    Some((severity, rest.strip_prefix(": ")?))
}

#[test]
fn findings_read_back_on_one_line() {
    let stderr = "error[bad-image]: the image `a.png` does not exist\n   ┌─ sources/p/a.md:14:1\n   │\n\
                  14 │ ![x](a.png)\n   │ ^\n   │\n   = hint: check the name\nwarning: illisible\n \
                  = in fonts/x.ttf\nwrote output/p/p.pdf (1 page)";
    assert_eq!(
        one_line(stderr),
        "sources/p/a.md:14:1: error: the image `a.png` does not exist\n  hint: check the name\n\
         fonts/x.ttf: warning: illisible\nwrote output/p/p.pdf (1 page)"
    );
}

/// Asserts, with poppler's `pdffonts`, that a PDF has fonts and embeds every one of them.
pub fn assert_fonts_embedded(pdf: &Path) {
    let listing = tool("pdffonts", &[pdf.to_str().unwrap()]);
    let rows: Vec<&str> = listing.lines().skip(2).collect();
    assert!(!rows.is_empty(), "no font listed in {}:\n{listing}", pdf.display());
    for row in rows {
        // Columns: name, type, encoding, emb, sub, uni, object, id. Names have no spaces.
        let columns: Vec<&str> = row.split_whitespace().collect();
        let embedded = columns.len() >= 5 && columns[columns.len() - 5] == "yes";
        assert!(embedded, "a font is not embedded in {}: {row}", pdf.display());
    }
}

#[test]
#[should_panic(expected = "no font listed")]
fn a_pdf_without_fonts_fails_the_font_check() {
    use lopdf::{Document, Object, dictionary};
    let mut pdf = Document::with_version("1.7");
    let page = pdf.add_object(dictionary! { "Type" => "Page", "MediaBox" => vec![0.into(), 0.into(), 10.into(), 10.into()] });
    let pages = pdf.add_object(
        dictionary! { "Type" => "Pages", "Kids" => vec![Object::Reference(page)], "Count" => 1 },
    );
    if let Ok(Object::Dictionary(page)) = pdf.get_object_mut(page) {
        page.set("Parent", pages);
    }
    let catalog = pdf.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
    pdf.trailer.set("Root", catalog);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sans-polices.pdf");
    pdf.save(&path).unwrap();
    assert_fonts_embedded(&path);
}
