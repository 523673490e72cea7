//! A build killed at any moment loses nothing: the previous editions stay whole (or are
//! replaced by whole new ones), only `*.presse-tmp-*` temporaries can appear, a stamp never
//! vouches for editions it did not see written, and the next build cleans up and completes.
//! The kill instants are random, from a seed printed in every failure message
//! (`PRESSE_INTERRUPT_SEED` replays one).

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::validators::assert_epubcheck_clean;
use common::{presse, tool};

/// How many builds are killed.
const KILLS: usize = 4;

/// A publication of a dozen pages with an image: its build (PDF, EPUB, previews) takes a moment.
fn tree() -> tempfile::TempDir {
    common::sizeable_project(3, 600, 400)
}

/// A small deterministic generator (xorshift), so that a seed replays the same kill instants.
struct Rng(u64);

impl Rng {
    fn fraction(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn build_args(root: &Path) -> Vec<String> {
    let root = root.to_str().unwrap().to_string();
    ["build", "--root", &root, "--preview"].map(String::from).to_vec()
}

/// Runs a build to its end; returns its stderr and how long it took.
fn complete_build(root: &Path) -> (String, Duration) {
    let started = Instant::now();
    let output = presse().args(build_args(root)).output().expect("presse runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "the build failed:\n{stderr}");
    (stderr, started.elapsed())
}

/// Starts a build and kills it (SIGKILL) after `delay`.
fn killed_build(root: &Path, delay: Duration) {
    let mut child = presse()
        .args(build_args(root))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("presse starts");
    std::thread::sleep(delay);
    let _ = child.kill();
    child.wait().expect("the killed build is reaped");
}

/// The editions and the stamp of `p` as a complete build left them.
struct Snapshot {
    pdf: Vec<u8>,
    epub: Vec<u8>,
    stamp: Vec<u8>,
}

impl Snapshot {
    fn take(dir: &Path) -> Snapshot {
        let read = |name: &str| std::fs::read(dir.join(name)).unwrap();
        Snapshot { pdf: read("p.pdf"), epub: read("p.epub"), stamp: read(".presse-stamp") }
    }
}

/// Every file under `dir`, relative to it.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let entries: Vec<_> = std::fs::read_dir(dir).map(|d| d.flatten().collect()).unwrap_or_default();
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            found.extend(
                files_under(&path).into_iter().map(|f| Path::new(&entry.file_name()).join(f)),
            );
        } else {
            found.push(PathBuf::from(entry.file_name()));
        }
    }
    found
}

fn is_temporary(path: &Path) -> bool {
    path.to_string_lossy().contains(".presse-tmp-")
}

/// What a killed build may leave in the publication's folder: the editions, the stamp,
/// previews, and temporaries.
fn assert_only_expected_files(dir: &Path, context: &str) {
    for file in files_under(dir) {
        let name = file.to_string_lossy();
        let preview = name.starts_with("preview/")
            && (name.ends_with("contact-sheet.png") || name.starts_with("preview/page-"));
        let expected = ["p.pdf", "p.epub", ".presse-stamp"].contains(&name.as_ref());
        assert!(expected || preview || is_temporary(&file), "{context}: unexpected file {name}");
    }
}

/// Each edition is the old one or a whole new one, and a stamp vouches only for what it saw.
fn assert_editions_whole(dir: &Path, old: &Snapshot, context: &str) {
    let pdf = std::fs::read(dir.join("p.pdf")).unwrap();
    let epub = std::fs::read(dir.join("p.epub")).unwrap();
    if pdf != old.pdf {
        let info = tool("pdfinfo", &[dir.join("p.pdf").to_str().unwrap()]);
        assert!(info.contains("Pages:"), "{context}: the new PDF does not read: {info}");
    }
    if epub != old.epub {
        let archive = zip::ZipArchive::new(std::io::Cursor::new(&epub));
        let mut archive = archive.unwrap_or_else(|e| panic!("{context}: the EPUB is cut: {e}"));
        assert!(archive.by_name("mimetype").is_ok(), "{context}: the EPUB has no mimetype");
    }
    let stamp = std::fs::read(dir.join(".presse-stamp")).ok();
    if stamp.as_ref() == Some(&old.stamp) {
        assert!(
            pdf == old.pdf && epub == old.epub,
            "{context}: the old stamp vouches for new editions"
        );
    }
}

#[test]
fn builds_killed_at_random_instants_lose_nothing() {
    let seed = std::env::var("PRESSE_INTERRUPT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EED_2026_u64);
    let mut rng = Rng(seed.max(1));
    let root = tree();
    let dir = root.path().join("output/p");
    let (_, full) = complete_build(root.path());
    let old = Snapshot::take(&dir);
    // Changed sources: every killed build is on its way to new editions.
    let chapter = root.path().join("sources/p/01.md");
    let text = std::fs::read_to_string(&chapter).unwrap();
    std::fs::write(&chapter, format!("{text}\nUn paragraphe ajouté.\n")).unwrap();
    for kill in 0..KILLS {
        let delay = full.mul_f64(0.2 + 0.9 * rng.fraction());
        let context = format!("seed {seed}, kill {kill} after {} ms", delay.as_millis());
        killed_build(root.path(), delay);
        assert_only_expected_files(&dir, &context);
        assert_editions_whole(&dir, &old, &context);
    }
    complete_build(root.path());
    let context = format!("seed {seed}, after the builds killed");
    let left: Vec<_> =
        files_under(&root.path().join("output")).into_iter().filter(|f| is_temporary(f)).collect();
    assert!(left.is_empty(), "{context}: temporaries left after a complete build: {left:?}");
    let new = Snapshot::take(&dir);
    assert!(new.pdf != old.pdf && new.epub != old.epub, "{context}: the editions were not renewed");
    tool("pdfinfo", &[dir.join("p.pdf").to_str().unwrap()]);
    assert_epubcheck_clean(&dir.join("p.epub"));
}
