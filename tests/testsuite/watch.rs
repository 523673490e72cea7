//! `presse watch` with the real binary: it builds, rebuilds after an edit, reports an error in the
//! sources while keeping the last good edition, and rebuilds once the error is fixed.

use crate::common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use common::{manifest, presse, project};

/// Generous: a loaded two-core machine builds slowly. This bounds a hang, it times nothing.
const PATIENCE: Duration = Duration::from_secs(120);

/// A running `presse watch`, killed when the test ends, passing or failing.
struct Watching {
    child: Child,
    lines: Receiver<String>,
    /// Every line read so far, for failure messages.
    seen: Vec<String>,
}

impl Watching {
    fn start(root: &Path, flags: &[&str]) -> Watching {
        let mut child = presse()
            .args(["watch", "--root", root.to_str().unwrap()])
            .args(flags)
            .stderr(Stdio::piped())
            .spawn()
            .expect("presse watch starts");
        let stderr = child.stderr.take().unwrap();
        let (sender, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Watching { child, lines, seen: Vec::new() }
    }

    /// Waits for a line starting with `start`, and returns the lines read until then.
    fn wait_for(&mut self, start: &str) -> Vec<String> {
        let mut read = Vec::new();
        loop {
            let Ok(line) = self.lines.recv_timeout(PATIENCE) else {
                panic!("no line `{start}…` from presse watch; it said:\n{}", self.seen.join("\n"))
            };
            self.seen.push(line.clone());
            let found = line.starts_with(start);
            read.push(line);
            if found {
                return read;
            }
        }
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn watch_rebuilds_on_each_change_and_keeps_the_last_good_edition_through_an_error() {
    let dir = project(&[
        ("sources/p/publication.toml", &manifest("")),
        ("sources/p/01.md", "# Premier\n\nUn paragraphe.\n".as_bytes()),
    ]);
    let (chapter, pdf) = (dir.path().join("sources/p/01.md"), dir.path().join("output/p/p.pdf"));
    let mut watch = Watching::start(dir.path(), &[]);
    watch.wait_for("built p in ");
    watch.wait_for("watching ");
    let first = std::fs::read(&pdf).expect("the first build writes the PDF");

    std::fs::write(&chapter, "# Premier\n\nUn paragraphe, et un mot de plus.\n").unwrap();
    let rebuilt = watch.wait_for("rebuilt p in ");
    assert!(rebuilt.last().unwrap().ends_with(" s (pdf, epub)"), "{rebuilt:?}");
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
    let mut watch = Watching::start(dir.path(), &["--quiet"]);
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
    let mut watch = Watching::start(dir.path(), &[]);
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
