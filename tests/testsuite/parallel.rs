//! Parallel builds, shards, and what a build prints when standard error is not a terminal.

use crate::common;

use std::path::Path;

use common::{manifest, project, run_presse};

/// Three small publications, each with a chapter of its own.
fn three_publications() -> tempfile::TempDir {
    project(&[
        ("sources/alpha/publication.toml", &manifest("")),
        ("sources/alpha/a.md", "# Alpha\n\nLe premier texte : « un ».\n".as_bytes()),
        ("sources/beta/publication.toml", &manifest("")),
        ("sources/beta/a.md", "# Bêta\n\nLe deuxième texte ; deux.\n".as_bytes()),
        ("sources/gamma/publication.toml", &manifest("")),
        ("sources/gamma/a.md", "# Gamma\n\nLe troisième texte ! Trois.\n".as_bytes()),
    ])
}

fn edition(out: &Path, name: &str, extension: &str) -> Vec<u8> {
    let path = out.join(name).join(format!("{name}.{extension}"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn a_parallel_build_writes_the_same_bytes_as_a_build_one_at_a_time() {
    let dir = three_publications();
    let root = dir.path().to_str().unwrap();
    let (one, all) = (dir.path().join("one"), dir.path().join("all"));
    let (code, stderr) =
        run_presse(&["build", "--root", root, "--out", one.to_str().unwrap(), "--jobs", "1"]);
    assert_eq!(code, 0, "{stderr}");
    let (code, stderr) =
        run_presse(&["build", "--root", root, "--out", all.to_str().unwrap(), "--jobs", "3"]);
    assert_eq!(code, 0, "{stderr}");
    for name in ["alpha", "beta", "gamma"] {
        for extension in ["pdf", "epub"] {
            let (a, b) = (edition(&one, name, extension), edition(&all, name, extension));
            assert!(a == b, "{name}.{extension} differs between --jobs 1 and --jobs 3");
        }
    }
}

#[test]
fn findings_come_out_in_publication_order_whichever_finishes_first() {
    let dir = project(&[
        ("sources/a/publication.toml", &manifest("")),
        ("sources/a/a.md", b"![](images/absente-a.png)\n"),
        ("sources/b/publication.toml", &manifest("")),
        ("sources/b/b.md", b"![](images/absente-b.png)\n"),
    ]);
    let root = dir.path().to_str().unwrap();
    let (code, stderr) = run_presse(&["build", "--root", root, "--format", "epub", "--quiet"]);
    assert_eq!(code, 1, "{stderr}");
    let (a, b) = (stderr.find("absente-a.png"), stderr.find("absente-b.png"));
    assert!(a.is_some() && b.is_some() && a < b, "{stderr}");
}

#[test]
fn two_shards_build_every_publication_exactly_once() {
    let dir = three_publications();
    let root = dir.path().to_str().unwrap();
    let mut built = Vec::new();
    for shard in ["1/2", "2/2"] {
        let out = dir.path().join(format!("shard-{}", &shard[..1]));
        let args = ["build", "--root", root, "--out", out.to_str().unwrap(), "--shard", shard];
        let (code, stderr) = run_presse(&[&args[..], &["--format", "epub"]].concat());
        assert_eq!(code, 0, "{stderr}");
        for name in ["alpha", "beta", "gamma"] {
            if out.join(name).join(format!("{name}.epub")).is_file() {
                built.push(name);
            }
        }
    }
    built.sort();
    assert_eq!(built, ["alpha", "beta", "gamma"]);
}

#[test]
fn a_malformed_shard_is_a_usage_error_that_says_how_to_write_one() {
    for bad in ["3/2", "0/2", "1/0", "deux", "1-2"] {
        let (code, stderr) = run_presse(&["build", "--shard", bad]);
        assert_eq!(code, 2, "--shard {bad}: {stderr}");
        assert!(stderr.contains("write I/N"), "--shard {bad}: {stderr}");
    }
}

#[test]
fn without_a_terminal_each_step_is_a_plain_line_and_the_summary_names_each_edition() {
    let dir = project(&[("sources/p/publication.toml", &manifest("")), ("sources/p/a.md", b"x\n")]);
    let root = dir.path().to_str().unwrap();
    let (code, stderr) = run_presse(&["build", "--root", root]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains('\x1b'), "no terminal codes in a log: {stderr}");
    for line in ["p: reading the sources\n", "p: typesetting the PDF\n", "p: making the EPUB\n"] {
        assert!(stderr.contains(line), "{line:?} missing: {stderr}");
    }
    let pdf = stderr.lines().find(|l| l.starts_with("wrote ") && l.contains("p.pdf ("));
    let described = |l: &str| l.contains(" pages, ") && l.contains(" KiB, ") && l.ends_with(" s)");
    assert!(pdf.is_some_and(described), "path, pages, size and time: {stderr}");
    let epub = stderr.lines().find(|l| l.starts_with("wrote ") && l.contains("p.epub ("));
    assert!(epub.is_some_and(|l| l.contains(" KiB, ")), "{stderr}");
    assert!(stderr.contains("built 1 publication (2 editions, "), "{stderr}");
}

#[test]
fn quiet_prints_only_findings_and_verbose_prints_every_step_with_its_time() {
    let dir = project(&[("sources/p/publication.toml", &manifest("")), ("sources/p/a.md", b"x\n")]);
    let root = dir.path().to_str().unwrap();
    let (code, stderr) = run_presse(&["build", "--root", root, "--quiet", "--format", "epub"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let args = ["build", "--root", root, "--verbose", "--format", "epub", "--force"];
    let (code, stderr) = run_presse(&args);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("p: writing the editions (at "), "{stderr}");
    assert!(stderr.contains("wrote "), "{stderr}");
}
