//! `presse check`: each kind of finding at its exact file:line:column, nothing written, and the
//! same findings as `presse build`.

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{fixture, manifest, presse, project};

/// A finding as `--message-format json` prints it: `file:line:column severity code`.
type Finding = String;

/// Runs presse with `args` and `--message-format json`: the exit code and the findings.
fn run_json(args: &[&str]) -> (i32, Vec<Finding>) {
    let output =
        presse().args(args).args(["--message-format", "json"]).output().expect("presse runs");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
    let findings = stdout.lines().map(finding).collect();
    (output.status.code().unwrap_or(-1), findings)
}

fn finding(line: &str) -> Finding {
    let value: serde_json::Value = serde_json::from_str(line).expect("one JSON object per line");
    assert!(value["hint"].is_string(), "a finding without a hint: {line}");
    format!(
        "{}:{}:{} {} {}",
        value["file"].as_str().unwrap(),
        value["line"],
        value["column"],
        value["severity"].as_str().unwrap(),
        value["code"].as_str().unwrap()
    )
}

/// Checks a one-publication project `p` whose chapters are `files` (name, Markdown).
fn check(files: &[(&str, &[u8])]) -> (i32, Vec<Finding>) {
    check_with(files, &[])
}

fn check_with(files: &[(&str, &[u8])], flags: &[&str]) -> (i32, Vec<Finding>) {
    let manifest = manifest("");
    let mut all: Vec<(&str, &[u8])> = vec![("sources/p/publication.toml", &manifest)];
    all.extend_from_slice(files);
    let dir = project(&all);
    let root = dir.path().to_str().unwrap();
    run_json(&[&["check", "--root", root], flags].concat())
}

/// A small valid PNG.
fn png() -> Vec<u8> {
    let mut bytes = std::io::Cursor::new(Vec::new());
    image::RgbImage::new(4, 3).write_to(&mut bytes, image::ImageFormat::Png).unwrap();
    bytes.into_inner()
}

/// Every file under a folder with its content.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let name = path.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                files.insert(name, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

#[test]
fn a_clean_publication_checks_with_one_line_and_writes_nothing() {
    let png = png();
    let dir = project(&[
        ("sources/p/publication.toml", &manifest("cover = \"images/c.png\"\n")),
        ("sources/p/images/c.png", &png),
        ("sources/p/a.md", b"# Un {#un}\n\nVoir [deux](b.md#deux)[^n].\n\n[^n]: Une note.\n"),
        ("sources/p/b.md", b"# Deux\n\n![Une vue](images/c.png)\n\n```{=typst}\n#v(1em)\n```\n"),
    ]);
    let before = snapshot(dir.path());
    let output = presse().args(["check", "--root", dir.path().to_str().unwrap()]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let said = String::from_utf8_lossy(&output.stderr);
    assert_eq!(said, "checked 1 publication: no findings\n");
    assert_eq!(String::from_utf8_lossy(&output.stdout), "");
    assert!(!dir.path().join("output").exists(), "check created output/");
    assert_eq!(snapshot(dir.path()), before, "check changed a file");
}

#[test]
fn the_sample_publications_check_clean() {
    let root = env!("CARGO_MANIFEST_DIR");
    assert_eq!(run_json(&["check", "--root", root]), (0, vec![]));
}

#[test]
fn a_broken_anchor_in_another_chapter_is_a_warning() {
    let a = b"# Un\n\nVoir [la suite](b.md#absente).\n";
    let (code, found) = check(&[("sources/p/a.md", a), ("sources/p/b.md", b"# Deux\n")]);
    assert_eq!((code, found), (0, vec!["sources/p/a.md:3:6 warning broken-link".to_string()]));
}

#[test]
fn a_footnote_reference_without_definition_is_a_warning() {
    let md = b"# Titre\n\nUn appel[^1] et un autre[^2].\n\n[^1]: La note.\n";
    let (code, found) = check(&[("sources/p/a.md", md)]);
    assert_eq!((code, found), (0, vec!["sources/p/a.md:3:25 warning undefined-note".to_string()]));
}

#[test]
fn an_unused_footnote_definition_is_a_warning() {
    let md = b"# Titre\n\nTexte.\n\n[^oubli]: Jamais appelee.\n";
    let (code, found) = check(&[("sources/p/a.md", md)]);
    assert_eq!((code, found), (0, vec!["sources/p/a.md:5:1 warning unused-note".to_string()]));
}

#[test]
fn a_duplicate_heading_id_is_a_warning_even_across_chapters() {
    let (code, found) = check(&[
        ("sources/p/a.md", b"# Un {#meme}\n"),
        ("sources/p/b.md", b"---\ntitle: B\n---\n# Deux\n\n## Autre {#meme}\n"),
    ]);
    assert_eq!((code, found), (0, vec!["sources/p/b.md:6:1 warning duplicate-id".to_string()]));
}

#[test]
fn an_empty_chapter_is_a_warning() {
    let (code, found) =
        check(&[("sources/p/a.md", b"# Un\n"), ("sources/p/b.md", b"---\ntitle: Vide\n---\n\n")]);
    assert_eq!((code, found), (0, vec!["sources/p/b.md:1:1 warning empty-chapter".to_string()]));
}

#[test]
fn an_image_without_alt_text_is_a_warning_and_an_error_when_strict() {
    let png = png();
    let files: [(&str, &[u8]); 2] = [
        ("sources/p/a.md", b"# Un\n\nTexte ![](images/i.png).\n"),
        ("sources/p/images/i.png", &png),
    ];
    let (code, found) = check(&files);
    assert_eq!((code, found), (0, vec!["sources/p/a.md:3:7 warning missing-alt".to_string()]));
    let (code, found) = check_with(&files, &["--strict"]);
    assert_eq!((code, found), (1, vec!["sources/p/a.md:3:7 error missing-alt".to_string()]));
}

#[test]
fn build_strict_refuses_an_image_without_alt_text_and_writes_nothing() {
    let png = png();
    let dir = project(&[
        ("sources/p/publication.toml", &manifest("")),
        ("sources/p/a.md", b"# Un\n\n![](images/i.png)\n"),
        ("sources/p/images/i.png", &png),
    ]);
    let root = dir.path().to_str().unwrap();
    let (code, found) = run_json(&["build", "--root", root, "--strict"]);
    assert_eq!((code, found), (1, vec!["sources/p/a.md:3:1 error missing-alt".to_string()]));
    let written = dir.path().join("output/p");
    let editions = std::fs::read_dir(&written).map(|d| d.flatten().count()).unwrap_or(0);
    assert_eq!(editions, 0, "a failed build wrote into {}", written.display());
}

#[test]
fn a_missing_image_is_an_error() {
    let (code, found) = check(&[("sources/p/a.md", b"# Un\n\n![Vue](images/absente.png)\n")]);
    assert_eq!((code, found), (1, vec!["sources/p/a.md:3:1 error bad-image".to_string()]));
}

#[test]
fn a_truncated_or_fake_image_is_an_error_where_it_is_used() {
    let png = png();
    let md = b"# Un\n\n![Coupee](images/coupee.png)\n\nEt ![faux](images/faux.jpg).\n";
    let (code, found) = check(&[
        ("sources/p/a.md", md),
        ("sources/p/images/coupee.png", &png[..png.len() - 12]),
        ("sources/p/images/faux.jpg", b"<html>not a photo</html>"),
    ]);
    let expected =
        ["sources/p/a.md:3:1 error unreadable-image", "sources/p/a.md:5:4 error unreadable-image"];
    assert_eq!((code, found), (1, expected.map(String::from).to_vec()));
}

#[test]
fn a_raw_typst_block_that_does_not_parse_is_an_error_at_its_markdown_line() {
    let md = b"# Un\n\n```{=typst}\n#v(1em)\n#align(center)[Fin\n```\n";
    let (code, found) = check(&[("sources/p/a.md", md)]);
    assert_eq!((code, found), (1, vec!["sources/p/a.md:5:15 error typst".to_string()]));
}

#[test]
fn bad_front_matter_and_manifest_are_errors() {
    let (code, found) = check(&[("sources/p/a.md", b"---\ntitre: X\n---\n# Un\n")]);
    assert_eq!((code, found), (1, vec!["sources/p/a.md:2:1 error bad-front-matter".to_string()]));
    let dir = project(&[
        ("sources/p/publication.toml", &manifest("auteurs = [\"x\"]\n")),
        ("sources/p/a.md", b"# Un\n"),
    ]);
    let (code, found) = run_json(&["check", "--root", dir.path().to_str().unwrap()]);
    assert_eq!(
        (code, found),
        (1, vec!["sources/p/publication.toml:4:1 error bad-manifest".to_string()])
    );
}

#[test]
fn build_reports_the_same_findings() {
    let root = fixture("check-findings");
    let root = root.to_str().unwrap();
    let (check_code, from_check) = run_json(&["check", "--root", root]);
    let expected = [
        "sources/essai/02-suite.md:7:1 warning duplicate-id",
        "sources/essai/01-ouverture.md:7:1 warning broken-link",
        "sources/essai/01-ouverture.md:9:56 warning undefined-note",
        "sources/essai/01-ouverture.md:13:1 warning unused-note",
        "sources/essai/02-suite.md:5:1 warning missing-alt",
        "sources/essai/02-suite.md:9:15 warning raw-html",
        "sources/essai/03-vide.md:1:1 warning empty-chapter",
    ];
    assert_eq!((check_code, from_check.clone()), (0, expected.map(String::from).to_vec()));
    let out = tempfile::tempdir().unwrap();
    let out = out.path().to_str().unwrap();
    let (build_code, mut from_build) =
        run_json(&["build", "--root", root, "--out", out, "--force"]);
    // Preflight findings are about the laid-out PDF, which only `build` makes.
    from_build.retain(|finding| !finding.contains(" preflight-"));
    assert_eq!((build_code, from_build), (0, from_check));
}

#[test]
fn an_unknown_block_warns_and_strict_makes_a_broken_link_an_error() {
    let chapter: &[u8] =
        b"# Titre\n\n::: agenad Dates\n- Lundi\n:::\n\nVoir [plus loin](#nulle-part).\n";
    let (code, found) = check(&[("sources/p/a.md", chapter)]);
    assert_eq!(code, 0, "{found:?}");
    assert_eq!(
        found,
        ["sources/p/a.md:7:6 warning broken-link", "sources/p/a.md:3:1 warning unknown-block"]
    );
    let (code, found) = check_with(&[("sources/p/a.md", chapter)], &["--strict"]);
    assert_eq!(code, 1, "{found:?}");
    assert!(found.contains(&"sources/p/a.md:7:6 error broken-link".to_string()), "{found:?}");
}
