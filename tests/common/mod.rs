//! Helpers shared by the integration tests: throwaway projects, the real binary, shared fonts.
#![allow(dead_code)]

pub mod validators;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use presse::typst::world::{Environment, Fonts};

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
    let image = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([x as u8, y as u8, 120]));
    let mut png = Vec::new();
    image.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
    let chapters: Vec<(String, Vec<u8>)> =
        (1..=chapters).map(|n| (format!("sources/p/0{n}.md"), chapter(n))).collect();
    let toml = manifest("");
    let mut files: Vec<(&str, &[u8])> =
        vec![("sources/p/publication.toml", &toml), ("sources/p/images/vue.png", &png)];
    files.extend(chapters.iter().map(|(path, bytes)| (path.as_str(), bytes.as_slice())));
    project(&files)
}

/// A minimal valid `publication.toml`, with extra lines appended.
pub fn manifest(extra: &str) -> Vec<u8> {
    format!("title = \"Essai\"\ndate = \"2011-10-01\"\nlang = \"fr\"\n{extra}").into_bytes()
}

/// A fixture tree under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// The presse binary under test.
pub fn presse() -> Command {
    Command::new(env!("CARGO_BIN_EXE_presse"))
}

/// Runs presse and returns (exit code, stderr).
pub fn run_presse(args: &[&str]) -> (i32, String) {
    let output = presse().args(args).output().expect("presse runs");
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stderr).into_owned())
}

/// The fonts, loaded once per test binary.
pub fn environment() -> &'static Environment {
    static ENV: OnceLock<Environment> = OnceLock::new();
    ENV.get_or_init(|| Environment::new(Fonts::load(&[], false)))
}

/// The fonts of this repository's project (its fonts/ folder too), loaded once per test binary.
pub fn environment_with_project_fonts() -> &'static Environment {
    static ENV: OnceLock<Environment> = OnceLock::new();
    ENV.get_or_init(|| {
        presse::build::project_environment(Path::new(env!("CARGO_MANIFEST_DIR")), false)
    })
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
