//! Two presse processes on the same tree at once: the second waits for the first's lock on the
//! publication, both succeed, and the editions on disk are complete and valid.

use crate::common;

use std::path::Path;
use std::process::Stdio;

use common::validators::assert_epubcheck_clean;
use common::{Running, presse, tool};

/// What a build waiting for another's lock says.
const WAITING: &str = "waiting for another presse build of p";

/// A publication `p` with a few chapters and an image, enough for a build to take a moment.
fn tree() -> tempfile::TempDir {
    common::sizeable_project(2, 300, 200)
}

fn start(root: &Path, args: &[&str]) -> Running {
    let mut all = vec!["build", "--root", root.to_str().unwrap()];
    all.extend_from_slice(args);
    Running::start(&all)
}

/// Waits for a build to end, checks that it succeeded, and returns what it said.
fn finish(build: Running) -> String {
    let (status, stderr) = build.finish();
    assert!(status.success(), "a concurrent build failed:\n{stderr}");
    stderr
}

/// Every edition of `p` is whole: the PDF reads, the EPUB passes EPUBCheck, no temporary is left.
fn assert_editions_valid(root: &Path) {
    let dir = root.join("output/p");
    let info = tool("pdfinfo", &[dir.join("p.pdf").to_str().unwrap()]);
    assert!(info.contains("Pages:"), "{info}");
    assert_epubcheck_clean(&dir.join("p.epub"));
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(!name.contains(".presse-tmp-"), "a temporary was left: {name}");
    }
}

#[test]
fn two_forced_builds_at_once_both_succeed_with_valid_editions() {
    let root = tree();
    std::fs::create_dir_all(root.path().join("output")).unwrap();
    // Both builds start while the publication is locked, so that they meet for sure; released,
    // one builds while the other waits for it.
    let lock = presse::build::lock(&root.path().join("output"), "p").unwrap();
    let mut first = start(root.path(), &["--force"]);
    let mut second = start(root.path(), &["--force"]);
    first.wait_for(WAITING);
    second.wait_for(WAITING);
    drop(lock);
    finish(first);
    finish(second);
    assert_editions_valid(root.path());
}

#[test]
fn a_build_of_one_edition_beside_a_build_of_both_leaves_both_valid() {
    let root = tree();
    let both = start(root.path(), &["--force"]);
    let epub_only = start(root.path(), &["--force", "--format", "epub"]);
    finish(both);
    finish(epub_only);
    assert_editions_valid(root.path());
}

#[test]
fn the_lock_makes_a_second_build_wait_and_say_so() {
    let root = tree();
    std::fs::create_dir_all(root.path().join("output")).unwrap();
    let lock = presse::build::lock(&root.path().join("output"), "p").unwrap();
    let mut waiting = start(root.path(), &["--format", "epub"]);
    // The build cannot write while the lock is held; once released, it goes on and succeeds.
    waiting.wait_for(WAITING);
    assert!(!root.path().join("output/p").exists(), "a build wrote through the lock");
    drop(lock);
    finish(waiting);
    assert!(root.path().join("output/p/p.epub").is_file());
}

#[test]
fn two_publications_filling_the_image_cache_at_once_leave_whole_images() {
    let root = tree();
    // A second publication with the same image: two processes convert it into the one cache.
    let q = root.path().join("sources/q");
    std::fs::create_dir_all(q.join("images")).unwrap();
    for entry in std::fs::read_dir(root.path().join("sources/p")).unwrap().flatten() {
        if entry.path().is_file() {
            std::fs::copy(entry.path(), q.join(entry.file_name())).unwrap();
        }
    }
    std::fs::copy(root.path().join("sources/p/images/vue.png"), q.join("images/vue.png")).unwrap();
    let first = start(root.path(), &["p", "--format", "epub"]);
    let second = start(root.path(), &["q", "--format", "epub"]);
    finish(first);
    finish(second);
    let cache = root.path().join("output/.cache/images");
    let files = std::fs::read_dir(&cache).unwrap().flatten();
    let entries: Vec<_> = files.filter(|entry| entry.path().is_file()).collect();
    // The one image, converted by both, is cached once under its one key.
    assert_eq!(entries.len(), 1, "{entries:?}");
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(!name.contains(".presse-tmp-"), "a temporary was left in the cache: {name}");
        image::open(entry.path()).unwrap_or_else(|e| panic!("{name} is not a whole image: {e}"));
    }
    assert_epubcheck_clean(&root.path().join("output/q/q.epub"));
}

#[test]
fn watch_beside_a_build_leaves_valid_editions() {
    let root = tree();
    let mut watch = presse()
        .args(["watch", "--root"])
        .arg(root.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("presse watch starts");
    let pdf = root.path().join("output/p/p.pdf");
    let started = std::time::Instant::now();
    while !pdf.exists() && started.elapsed().as_secs() < 120 {
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    // A change the watcher rebuilds for, and a forced build at the same moment.
    let chapter = root.path().join("sources/p/01.md");
    let mut text = std::fs::read_to_string(&chapter).unwrap();
    text.push_str("\nUn paragraphe de plus.\n");
    std::fs::write(&chapter, text).unwrap();
    finish(start(root.path(), &["--force"]));
    std::thread::sleep(std::time::Duration::from_secs(3));
    watch.kill().unwrap();
    watch.wait().unwrap();
    let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(info.contains("Pages:"), "{info}");
    assert_epubcheck_clean(&root.path().join("output/p/p.epub"));
}
