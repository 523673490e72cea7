//! The sandbox, end to end with the real binary: a chapter cannot make presse read a file
//! outside the project (images, links, raw typst, symlinks), and presse writes nothing outside
//! the output folder, whatever the publication is called or `--out` says.
//!
//! Each project sits in a temporary parent beside an `outside/` folder holding a secret: the
//! secret must reach no edition and no message, and the parent must hold no new file but the
//! editions. (`tests/errors.rs` checks a raw `#read` of `/etc/passwd`.)

use crate::common;

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use common::{manifest, presse};

/// What the files outside the project hold; no output or message may contain it.
const SECRET: &str = "SECRET-OUTSIDE-7f3a9c";

/// A temporary parent folder holding `project/` and, beside it, `outside/` with the secret.
struct Sandbox {
    parent: tempfile::TempDir,
}

impl Sandbox {
    /// A project whose one publication `p` has the chapter `a.md`; `{outside}` in the chapter
    /// becomes the absolute path of the `outside/` folder.
    fn new(chapter: &str) -> Sandbox {
        let sandbox = Sandbox { parent: tempfile::tempdir().unwrap() };
        let outside = sandbox.outside();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("secret.txt"), SECRET).unwrap();
        std::fs::write(outside.join("secret.typ"), SECRET).unwrap();
        let mut png = image::RgbImage::new(1, 1);
        png.put_pixel(0, 0, image::Rgb([255, 0, 0]));
        png.save(outside.join("secret.png")).unwrap();
        let chapter = chapter.replace("{outside}", outside.to_str().unwrap());
        sandbox.publication("p", &chapter);
        sandbox
    }

    /// Adds publication `name` to the project, with one chapter.
    fn publication(&self, name: &str, chapter: &str) {
        let dir = self.root().join("sources").join(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("publication.toml"), manifest("")).unwrap();
        std::fs::write(dir.join("a.md"), chapter).unwrap();
    }

    fn root(&self) -> PathBuf {
        self.parent.path().join("project")
    }

    fn outside(&self) -> PathBuf {
        self.parent.path().join("outside")
    }

    /// A symlink at `at` (relative to the project root) to `to` in `outside/`.
    #[cfg(unix)]
    fn link(&self, at: &str, to: &str) {
        let at = self.root().join(at);
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(self.outside().join(to), at).unwrap();
    }

    /// Every path under the parent, relative to it.
    fn paths(&self) -> BTreeSet<PathBuf> {
        walk(self.parent.path())
    }

    /// Runs `presse build --root <project> <args>` from `cwd`: (exit code, stderr, new paths).
    fn build_from(&self, cwd: &Path, args: &[&str]) -> (i32, String, BTreeSet<PathBuf>) {
        let before = self.paths();
        let root = self.root();
        let output = presse()
            .current_dir(cwd)
            .args(["build", "--root", root.to_str().unwrap()])
            .args(args)
            .output()
            .expect("presse runs");
        let stderr = common::one_line(&String::from_utf8_lossy(&output.stderr));
        assert!(!stderr.contains(SECRET), "the secret reached a message:\n{stderr}");
        let created = self.paths().difference(&before).cloned().collect();
        (output.status.code().unwrap_or(-1), stderr, created)
    }

    fn build(&self, args: &[&str]) -> (i32, String, BTreeSet<PathBuf>) {
        self.build_from(&self.root(), args)
    }

    /// The build fails with each of `expected` in its messages, a hint, and no edition written.
    fn assert_refused(&self, expected: &[&str]) {
        let (code, stderr, created) = self.build(&[]);
        assert_eq!(code, 1, "exit code; stderr:\n{stderr}");
        for expected in expected {
            assert!(stderr.contains(expected), "expected `{expected}` in:\n{stderr}");
        }
        assert!(stderr.contains("hint:"), "no hint in:\n{stderr}");
        let editions: Vec<_> = created.iter().filter(|p| is_edition(p)).collect();
        assert!(editions.is_empty(), "a refused build wrote {editions:?}");
        assert_only_under(&created, Path::new("project/output"));
    }
}

/// Every path under `base`, relative to it (symbolic links not followed).
fn walk(base: &Path) -> BTreeSet<PathBuf> {
    let entries = walkdir::WalkDir::new(base).min_depth(1).into_iter().map(Result::unwrap);
    entries.map(|entry| entry.path().strip_prefix(base).unwrap().to_path_buf()).collect()
}

fn is_edition(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "pdf" || e == "epub")
}

/// Every new path lies under `dir` (relative to the parent).
fn assert_only_under(created: &BTreeSet<PathBuf>, dir: &Path) {
    let strays: Vec<_> =
        created.iter().filter(|p| !p.starts_with(dir) && !dir.starts_with(p)).collect();
    assert!(strays.is_empty(), "written outside {}: {strays:?}", dir.display());
}

/// The text of a PDF and every file of an EPUB, as one string.
fn edition_text(pdf: &Path, epub: &Path) -> String {
    let mut text = common::tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    text.push_str(&common::tool("pdfinfo", &["-url", pdf.to_str().unwrap()]));
    let bytes = std::fs::read(epub).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    for index in 0..archive.len() {
        let mut file = archive.by_index(index).unwrap();
        let mut content = Vec::new();
        file.read_to_end(&mut content).unwrap();
        text.push_str(&String::from_utf8_lossy(&content));
    }
    text
}

#[test]
fn an_image_path_climbing_out_of_the_project_is_refused() {
    Sandbox::new("![Secret](../../../outside/secret.png)\n").assert_refused(&[
        "sources/p/a.md:1:1: error: the image `../../../outside/secret.png` is outside the project",
    ]);
    Sandbox::new("Texte ![s](..%2F..%2F..%2Foutside%2Fsecret.png).\n")
        .assert_refused(&["sources/p/a.md:1:7: error: the image `..%2F..%2F..%2Foutside%2Fsecret.png` is outside the project"]);
}

#[test]
fn an_absolute_image_path_is_refused() {
    Sandbox::new("# T\n\n![Secret]({outside}/secret.png)\n")
        .assert_refused(&["sources/p/a.md:3:1: error: the image path `", "is not relative"]);
}

#[test]
fn a_file_url_image_is_refused() {
    Sandbox::new("![Secret](file://{outside}/secret.png)\n")
        .assert_refused(&["is not a local file"]);
}

#[cfg(unix)]
#[test]
fn an_image_symlinked_out_of_the_project_is_refused() {
    let sandbox = Sandbox::new("# T\n\nVoir ![lien](images/lien.png).\n");
    sandbox.link("sources/p/images/lien.png", "secret.png");
    sandbox.assert_refused(&[
        "sources/p/a.md:3:6: error: the image `images/lien.png` is outside the project",
    ]);
    let sandbox = Sandbox::new("![lien](dossier/secret.png)\n");
    sandbox.link("sources/p/dossier", "");
    sandbox
        .assert_refused(&["sources/p/a.md:1:1: error: the image `dossier/secret.png` is outside"]);
}

#[cfg(unix)]
#[test]
fn raw_typst_cannot_follow_a_symlink_out_of_the_project() {
    for (call, link, target) in [
        ("#read(\"/lien.txt\")", "lien.txt", "secret.txt"),
        ("#image(\"/dossier/secret.png\")", "dossier", ""),
        ("#include \"/lien.typ\"", "lien.typ", "secret.typ"),
    ] {
        let sandbox = Sandbox::new(&format!("# T\n\n```{{=typst}}\n{call}\n```\n"));
        sandbox.link(link, target);
        sandbox.assert_refused(&["sources/p/a.md:4:", "outside the project root"]);
    }
}

#[test]
fn raw_typst_paths_cannot_climb_out_of_the_project() {
    for call in [
        "#read(\"../../outside/secret.txt\")",
        "#read(\"/../../outside/secret.txt\")",
        "#read(\"{outside}/secret.txt\")",
        "#image(\"../../../outside/secret.png\")",
        "#include \"../../outside/secret.typ\"",
    ] {
        let sandbox = Sandbox::new(&format!("# T\n\n```{{=typst}}\n{call}\n```\n"));
        sandbox.assert_refused(&["sources/p/a.md:4:"]);
    }
}

#[cfg(unix)]
#[test]
fn a_chapter_or_a_publication_symlinked_out_of_the_project_is_refused() {
    let sandbox = Sandbox::new("# T\n");
    sandbox.link("sources/p/lien.md", "secret.txt");
    sandbox.assert_refused(&["sources/p/lien.md", "outside the project"]);
    let sandbox = Sandbox::new("# T\n");
    let elsewhere = sandbox.outside().join("publication");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("publication.toml"), manifest("")).unwrap();
    std::fs::write(elsewhere.join("a.md"), SECRET).unwrap();
    std::fs::remove_dir_all(sandbox.root().join("sources/p")).unwrap();
    sandbox.link("sources/q", "publication");
    sandbox.assert_refused(&["sources/q/publication.toml", "outside the project"]);
}

#[test]
fn links_out_of_the_project_read_nothing_and_stay_text() {
    let sandbox = Sandbox::new(
        "# T\n\n[un](../../../outside/secret.txt)\n\n[deux](file://{outside}/secret.txt)\n\n\
         [trois]({outside}/secret.txt)\n",
    );
    let (code, stderr, created) = sandbox.build(&[]);
    assert_eq!(code, 0, "{stderr}");
    for line in [3, 5, 7] {
        let at = format!("sources/p/a.md:{line}:1: warning:");
        assert!(stderr.contains(&at), "expected `{at}` in:\n{stderr}");
    }
    assert!(stderr.contains("hint:"), "{stderr}");
    assert_only_under(&created, Path::new("project/output"));
    let out = sandbox.root().join("output/p");
    let text = edition_text(&out.join("p.pdf"), &out.join("p.epub"));
    assert!(!text.contains(SECRET), "the secret reached an edition");
    assert!(!text.contains("file:"), "a file: link reached an edition:\n{text}");
    assert!(!text.contains("outside"), "a link out of the project reached an edition:\n{text}");
}

#[test]
fn odd_publication_names_stay_inside_the_output_folder() {
    let names = [
        "x\u{2215}..\u{2215}y".to_string(),
        "\u{202e}fdp.exe".to_string(),
        "deux\nlignes".to_string(),
        "é".repeat(100),
    ];
    let sandbox = Sandbox::new("# T\n");
    for name in &names {
        sandbox.publication(name, "# Titre\n\nTexte.\n");
    }
    // A name starting with a dot is a hidden folder (and `..` to a careless reader): skipped.
    sandbox.publication("..\u{2215}x", "# Titre\n");
    let (code, stderr, created) = sandbox.build(&[]);
    assert_eq!(code, 0, "{stderr}");
    assert_only_under(&created, Path::new("project/output"));
    assert!(!created.iter().any(|p| p.to_string_lossy().contains("..\u{2215}x")), "{created:?}");
    for name in names.iter().chain([&"p".to_string()]) {
        for extension in ["pdf", "epub"] {
            let edition =
                Path::new("project/output").join(name).join(format!("{name}.{extension}"));
            assert!(created.contains(&edition), "{} is missing", edition.display());
        }
    }
}

#[test]
fn a_publication_name_too_long_for_the_file_system_fails_cleanly() {
    let name = "n".repeat(255);
    let sandbox = Sandbox::new("# T\n");
    sandbox.publication(&name, "# Titre\n");
    let (code, stderr, created) = sandbox.build(&[&name]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("error"), "{stderr}");
    assert_only_under(&created, Path::new("project/output"));
}

#[test]
fn a_publication_named_by_a_path_is_refused() {
    let sandbox = Sandbox::new("# T\n");
    for name in ["../outside", "/tmp", "p/../p", "."] {
        let (code, stderr, created) = sandbox.build(&[name]);
        assert_eq!(code, 1, "{name}: {stderr}");
        assert!(stderr.contains("no publication named"), "{name}: {stderr}");
        assert!(created.is_empty(), "{name} wrote {created:?}");
    }
}

#[test]
fn a_relative_out_lands_exactly_there() {
    let sandbox = Sandbox::new("# T\n");
    let (code, stderr, created) = sandbox.build(&["--out", "../ailleurs"]);
    assert_eq!(code, 0, "{stderr}");
    assert_only_under(&created, Path::new("ailleurs"));
    assert!(created.contains(Path::new("ailleurs/p/p.pdf")), "{created:?}");
    assert!(created.contains(Path::new("ailleurs/p/p.epub")), "{created:?}");
}

#[test]
fn an_absolute_out_lands_exactly_there() {
    let sandbox = Sandbox::new("# T\n");
    let out = sandbox.parent.path().join("absolu/éditions");
    let elsewhere = sandbox.outside();
    let (code, stderr, created) = sandbox.build_from(&elsewhere, &["--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert_only_under(&created, Path::new("absolu/éditions"));
    assert!(created.contains(Path::new("absolu/éditions/p/p.pdf")), "{created:?}");
}
