//! `presse watch` with the real binary: it builds, rebuilds after an edit, reports an error in the
//! sources while keeping the last good edition, and rebuilds once the error is fixed.

use crate::common;

use std::path::Path;
use std::time::Duration;

use common::{PATIENCE, Running, manifest, presse, project};

/// A running `presse watch` on a project, with these flags.
fn watching(root: &Path, flags: &[&str]) -> Running {
    let mut args = vec!["watch", "--root", root.to_str().unwrap()];
    args.extend_from_slice(flags);
    Running::start(&args)
}

#[test]
fn watch_rebuilds_on_each_change_and_keeps_the_last_good_edition_through_an_error() {
    let dir = project(&[
        ("sources/p/publication.toml", &manifest("")),
        ("sources/p/01.md", "# Premier\n\nUn paragraphe.\n".as_bytes()),
    ]);
    let (chapter, pdf) = (dir.path().join("sources/p/01.md"), dir.path().join("output/p/p.pdf"));
    let mut watch = watching(dir.path(), &[]);
    watch.wait_for("built p in ");
    watch.wait_for("watching ");
    let first = std::fs::read(&pdf).expect("the first build writes the PDF");

    std::fs::write(&chapter, "# Premier\n\nUn paragraphe, et un mot de plus.\n").unwrap();
    let rebuilt = watch.wait_for("rebuilt p in ");
    assert!(rebuilt.last().unwrap().ends_with(" s (PDF, EPUB)"), "{rebuilt:?}");
    let second = std::fs::read(&pdf).unwrap();
    assert_ne!(first, second, "the rebuild writes a new PDF");

    std::fs::write(&chapter, "# Premier\n\n![Vue](images/absente.png)\n").unwrap();
    let failed = watch.wait_for("p: not rebuilt");
    let said = common::one_line(&failed.join("\n"));
    assert!(said.contains("01.md:3:1: error:") && said.contains("absente.png"), "{said}");
    assert_eq!(std::fs::read(&pdf).unwrap(), second, "the last good PDF is kept");

    std::fs::write(&chapter, "# Premier\n\nLa vue est retirée.\n").unwrap();
    watch.wait_for("rebuilt p in ");
    assert_ne!(std::fs::read(&pdf).unwrap(), second, "the fixed sources are built");
}

#[test]
fn watch_quiet_says_only_what_is_wrong() {
    let dir = project(&[
        ("sources/p/publication.toml", &manifest("")),
        ("sources/p/01.md", "# Premier\n\nUn paragraphe.\n".as_bytes()),
    ]);
    let pdf = dir.path().join("output/p/p.pdf");
    let mut watch = watching(dir.path(), &["--quiet"]);
    let started = std::time::Instant::now();
    while !pdf.is_file() {
        assert!(started.elapsed() < PATIENCE, "the first build wrote no PDF");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::fs::write(dir.path().join("sources/p/01.md"), "![Vue](images/absente.png)\n").unwrap();
    let said = common::one_line(&watch.wait_for("p: not rebuilt").join("\n"));
    assert!(said.contains("01.md:1:1: error:"), "{said}");
    assert!(!said.contains("built p in") && !said.contains("watching"), "{said}");
}

#[test]
fn a_rebuild_under_watch_gives_the_bytes_of_a_fresh_build() {
    // Two chapters, so that one is reused from the last build while the other is edited;
    // elisions and French punctuation, so that the memoised passes have work to keep.
    let dir = project(&[
        ("sources/p/publication.toml", &manifest("")),
        ("sources/p/01.md", "# L'agglomération\n\nD'abord : l'intercommunalité !\n".as_bytes()),
        ("sources/p/02.md", "# Ensuite\n\nUn paragraphe.\n".as_bytes()),
    ]);
    let mut watch = watching(dir.path(), &[]);
    watch.wait_for("built p in ");
    watch.wait_for("watching ");
    let edited = "# Ensuite\n\nUn paragraphe : l'aménagement d'ensemble, enfin.\n";
    std::fs::write(dir.path().join("sources/p/02.md"), edited).unwrap();
    watch.wait_for("rebuilt p in ");
    drop(watch);

    let fresh = dir.path().join("fresh");
    let status = presse()
        .args(["build", "--quiet", "--root", dir.path().to_str().unwrap()])
        .args(["--out", fresh.to_str().unwrap()])
        .status()
        .expect("presse build runs");
    assert!(status.success());
    for edition in ["p.pdf", "p.epub"] {
        let watched = std::fs::read(dir.path().join("output/p").join(edition)).unwrap();
        let built = std::fs::read(fresh.join("p").join(edition)).unwrap();
        assert!(watched == built, "{edition}: watch and a fresh build differ");
    }
}
