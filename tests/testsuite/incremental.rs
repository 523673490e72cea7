//! Incremental builds: an unchanged publication is not rebuilt; a changed one is.

use crate::common;

use common::{manifest, project, run_presse};

fn modified(path: &std::path::Path) -> std::time::SystemTime {
    std::fs::metadata(path).unwrap().modified().unwrap()
}

#[test]
fn an_unchanged_publication_is_up_to_date_and_a_change_rebuilds_it() {
    let dir = project(&[
        ("sources/p/publication.toml", &manifest("")),
        ("sources/p/a.md", b"# Un\n"),
        ("sources/q/publication.toml", &manifest("")),
        ("sources/q/a.md", b"# Deux\n"),
    ]);
    let root = dir.path().to_str().unwrap();
    let (code, _) = run_presse(&["build", "--root", root]);
    assert_eq!(code, 0);
    let pdf = dir.path().join("output/p/p.pdf");
    let first = modified(&pdf);

    let (code, stderr) = run_presse(&["build", "--root", root]);
    assert_eq!(code, 0);
    assert!(stderr.contains("p: up to date") && stderr.contains("q: up to date"), "{stderr}");
    assert_eq!(modified(&pdf), first, "an up-to-date edition was written again");

    std::fs::write(dir.path().join("sources/p/a.md"), "# Un, modifié\n").unwrap();
    let (_, stderr) = run_presse(&["build", "--root", root]);
    assert!(stderr.contains("wrote") && stderr.contains("p.pdf"), "{stderr}");
    assert!(stderr.contains("q: up to date"), "only the changed publication rebuilds: {stderr}");

    let (_, stderr) = run_presse(&["build", "--root", root, "--force"]);
    assert!(!stderr.contains("up to date"), "{stderr}");
}

#[test]
fn other_settings_or_a_missing_edition_rebuild() {
    let dir = project(&[("sources/p/publication.toml", &manifest("")), ("sources/p/a.md", b"x\n")]);
    let root = dir.path().to_str().unwrap();
    assert_eq!(run_presse(&["build", "--root", root, "--format", "pdf"]).0, 0);
    let (_, stderr) = run_presse(&["build", "--root", root]);
    assert!(stderr.contains("p.epub"), "a new format must build: {stderr}");
    std::fs::remove_file(dir.path().join("output/p/p.pdf")).unwrap();
    let (_, stderr) = run_presse(&["build", "--root", root]);
    assert!(stderr.contains("p.pdf"), "a deleted edition must be rebuilt: {stderr}");
}

#[test]
fn an_up_to_date_build_shows_the_warnings_it_found_again() {
    let dir = project(&[
        ("sources/p/publication.toml", &manifest("")),
        ("sources/p/a.md", b"Texte[^manque].\n"),
    ]);
    let root = dir.path().to_str().unwrap();
    let first = run_presse(&["build", "--root", root]);
    assert!(first.1.contains("a.md:1:"), "{}", first.1);
    let (code, stderr) = run_presse(&["build", "--root", root]);
    assert_eq!(code, 0);
    assert!(stderr.contains("p: up to date"), "{stderr}");
    let warning = |s: &str| s.lines().find(|l| l.contains("a.md:1:")).map(str::to_owned);
    assert_eq!(warning(&stderr), warning(&first.1), "{stderr}");
}

#[test]
fn a_file_read_by_raw_typst_is_an_input() {
    let raw = b"```{=typst}\n#read(\"/sources/p/chiffre.txt\")\n```\n";
    let dir = project(&[
        ("sources/p/publication.toml", &manifest("")),
        ("sources/p/a.md", raw),
        ("sources/p/chiffre.txt", b"42"),
    ]);
    let root = dir.path().to_str().unwrap();
    assert_eq!(run_presse(&["build", "--root", root, "--format", "pdf"]).0, 0);
    let (_, stderr) = run_presse(&["build", "--root", root, "--format", "pdf"]);
    assert!(stderr.contains("p: up to date"), "{stderr}");
    std::fs::write(dir.path().join("sources/p/chiffre.txt"), "43").unwrap();
    let (code, stderr) = run_presse(&["build", "--root", root, "--format", "pdf"]);
    assert_eq!(code, 0);
    assert!(stderr.contains("wrote") && stderr.contains("p.pdf"), "{stderr}");
}

#[test]
fn an_edition_left_from_older_sources_is_named_with_how_to_refresh_it() {
    let dir =
        project(&[("sources/p/publication.toml", &manifest("")), ("sources/p/a.md", b"# Un\n")]);
    let root = dir.path().to_str().unwrap();
    let (code, said) = run_presse(&["build", "--root", root]);
    assert_eq!(code, 0, "{said}");
    let (code, said) = run_presse(&["build", "--root", root, "--format", "pdf", "--force"]);
    assert_eq!(code, 0, "{said}");
    assert!(!said.contains("stale") && !said.contains("older"), "same sources: {said}");
    std::fs::write(dir.path().join("sources/p/a.md"), "# Un, modifié\n").unwrap();
    let (code, said) = run_presse(&["build", "--root", root, "--format", "pdf"]);
    assert_eq!(code, 0, "{said}");
    let stale = said.lines().find(|l| l.contains("p.epub")).unwrap_or_else(|| panic!("{said}"));
    assert!(stale.contains("warning: this EPUB is older than the sources"), "{stale}");
    assert!(said.contains("hint: rebuild it with `presse build p --format epub`"), "{said}");
    let (code, said) = run_presse(&["build", "--root", root]);
    assert_eq!(code, 0, "{said}");
    assert!(!said.contains("older than the sources"), "both rebuilt: {said}");
}

#[test]
fn presse_clean_removes_what_presse_wrote_and_nothing_else() {
    let dir = project(&[
        ("sources/p/publication.toml", &manifest("")),
        ("sources/p/a.md", b"# Un\n"),
        ("sources/q/publication.toml", &manifest("")),
        ("sources/q/a.md", b"# Deux\n"),
    ]);
    let (root, out) = (dir.path().to_str().unwrap(), dir.path().join("output"));
    let (code, said) = run_presse(&["build", "--root", root]);
    assert_eq!(code, 0, "{said}");
    std::fs::write(out.join("notes.txt"), "à garder").unwrap();
    let (code, said) = run_presse(&["clean", "--root", root, "p"]);
    assert_eq!(code, 0, "{said}");
    assert!(!out.join("p").exists() && out.join("q/q.pdf").is_file(), "{said}");
    let (code, said) = run_presse(&["clean", "--root", root]);
    assert_eq!(code, 0, "{said}");
    let left: Vec<_> = std::fs::read_dir(&out).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(left, ["notes.txt"], "{said}");
    std::fs::remove_file(out.join("notes.txt")).unwrap();
    run_presse(&["build", "--root", root, "--format", "epub"]);
    let (code, said) = run_presse(&["clean", "--root", root]);
    assert_eq!(code, 0, "{said}");
    assert!(!out.exists(), "an output folder left empty is removed: {said}");
}

#[test]
fn the_image_cache_stays_bounded_when_every_issue_changes_its_image() {
    let dir = project(&[
        ("sources/p/publication.toml", &manifest("")),
        ("sources/p/a.md", b"# Un\n\n![Une vue](vue.png)\n"),
    ]);
    let root = dir.path().to_str().unwrap();
    let cache = dir.path().join("output/.cache/images");
    for issue in 0..12u8 {
        let image = image::RgbImage::from_pixel(8, 8, image::Rgb([issue * 20, 0, 0]));
        image.save(dir.path().join("sources/p/vue.png")).unwrap();
        let (code, said) = run_presse(&["build", "--root", root, "--format", "epub"]);
        assert_eq!(code, 0, "{said}");
        let images = std::fs::read_dir(&cache).unwrap().flatten().filter(|e| e.path().is_file());
        assert_eq!(images.count(), 1, "issue {issue}: the cache keeps what the last build used");
    }
}
