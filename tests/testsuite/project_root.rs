//! presse runs from anywhere in a project, as cargo and git do: the root is the nearest folder
//! at or above the working one that holds `sources/`; inside `sources/<name>/` a command means
//! that publication; publications may be named by their folder's path.

use std::path::Path;

use crate::common::{manifest, one_line, presse, project};

/// A project with two publications of one chapter each.
fn two_publications() -> tempfile::TempDir {
    let toml = manifest("");
    project(&[
        ("sources/lettre-13/publication.toml", &toml),
        ("sources/lettre-13/01.md", b"# Lettre\n\nUn texte.\n"),
        ("sources/cahiers/publication.toml", &toml),
        ("sources/cahiers/01.md", b"# Cahiers\n\nUn autre texte.\n"),
    ])
}

/// Runs presse in `cwd`; its exit code and what it said on standard error.
fn presse_in(cwd: &Path, args: &[&str]) -> (i32, String) {
    let output = presse().args(args).current_dir(cwd).output().expect("presse runs");
    (output.status.code().unwrap_or(-1), one_line(&String::from_utf8_lossy(&output.stderr)))
}

#[test]
fn inside_a_publication_folder_build_finds_the_root_and_builds_that_publication() {
    let project = two_publications();
    let images = project.path().join("sources/lettre-13/images");
    std::fs::create_dir_all(&images).unwrap();
    let (code, said) = presse_in(&images, &["build", "--format", "pdf"]);
    assert_eq!(code, 0, "{said}");
    assert!(project.path().join("output/lettre-13/lettre-13.pdf").is_file(), "{said}");
    assert!(!project.path().join("output/cahiers").exists(), "only the publication around: {said}");
}

#[test]
fn a_publication_may_be_named_by_its_folder() {
    let project = two_publications();
    let (code, said) = presse_in(project.path(), &["build", "sources/cahiers/", "--format", "pdf"]);
    assert_eq!(code, 0, "{said}");
    assert!(project.path().join("output/cahiers/cahiers.pdf").is_file(), "{said}");
    assert!(!project.path().join("output/lettre-13").exists(), "{said}");
    let inside = project.path().join("sources/lettre-13");
    let (code, said) = presse_in(&inside, &["check", "../cahiers", "."]);
    assert_eq!(code, 0, "{said}");
}

#[test]
fn without_a_project_above_presse_says_so_in_one_finding_and_suggests_presse_new() {
    let empty = tempfile::tempdir().unwrap();
    for command in ["build", "check", "watch"] {
        let (code, said) = presse_in(empty.path(), &[command]);
        assert_eq!(code, 1, "{command}: {said}");
        assert!(said.contains("no presse project here or above"), "{command}: {said}");
        assert!(said.contains("presse new"), "{command}: {said}");
    }
}

#[test]
fn a_finding_about_a_folder_gives_no_made_up_line() {
    let project = two_publications();
    let output = presse()
        .args(["build", "nope", "--message-format", "github"])
        .current_dir(project.path())
        .output()
        .unwrap();
    let annotations = String::from_utf8_lossy(&output.stdout);
    assert!(annotations.starts_with("::error file=sources/nope::"), "{annotations}");
}

#[test]
fn presse_new_then_build_from_inside_the_publication_folder() {
    let dir = tempfile::tempdir().unwrap();
    let (code, said) =
        presse_in(dir.path(), &["new", "sources/lettre-13", "--style", "newsletter"]);
    assert_eq!(code, 0, "{said}");
    let folder = dir.path().join("sources/lettre-13");
    for chapter in std::fs::read_dir(&folder).unwrap().flatten().map(|e| e.path()) {
        if chapter.extension().is_some_and(|e| e == "md") {
            let text = std::fs::read_to_string(&chapter).unwrap();
            assert!(text.contains("\ntitle: "), "the title goes in the front matter: {text}");
            assert!(!text.contains("\n# "), "no title in the body: {text}");
        }
    }
    let (code, said) = presse_in(&folder, &["build"]);
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("the publication has 1 page, not a multiple of 4"), "{said}");
    let pdf = dir.path().join("output/lettre-13/lettre-13.pdf");
    let text = std::process::Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout).to_lowercase();
    assert_eq!(text.matches("agenda").count(), 1, "the agenda is named once: {text}");
}
