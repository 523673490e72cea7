//! Incremental builds: an unchanged publication is not rebuilt; a changed one is.

mod common;

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
