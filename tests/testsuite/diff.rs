//! `presse diff` on builds of the `lettre` sample: one word changed names its page and only
//! that page, a reflowing edit names exactly the pages whose text moved, folders compare every
//! publication, a git revision is built aside, and the EPUB's changed paragraph is quoted.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::common::{copy_tree, manifest, presse, repository, tool};

/// The edit of one word, in a paragraph the sample lays out on page 4.
const ONE_WORD: (&str, &str, &str) =
    ("10-conference.md", "l'essentiel demeure", "l'essentiel reste");

/// A paragraph taken out on page 3 of the sample, which pulls the text after it up the pages
/// (the sample fills its four pages: a paragraph added would run it over).
const REFLOW: (&str, &str, &str) = (
    "07-atelier.md",
    "Sa première année pleine a été consacrée à confronter leurs propositions aux projets des \
     territoires : l'habitat, les gares du futur réseau de transport, la place de la nature en \
     ville. L'Atelier organise aussi des rencontres ouvertes au public, pour que la réflexion sur \
     la métropole ne reste pas l'affaire des seuls spécialistes.",
    "",
);

/// A project holding the `lettre` sample and a one-page publication `essai`, built three
/// times: as it is, with one word changed, and with a paragraph added early.
struct Builds {
    project: PathBuf,
    original: PathBuf,
    one_word: PathBuf,
    reflowed: PathBuf,
}

/// The three builds, made once for all the tests of this module.
fn builds() -> &'static Builds {
    static BUILDS: OnceLock<Builds> = OnceLock::new();
    BUILDS.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("diff-builds");
        let _ = std::fs::remove_dir_all(&dir);
        let project = dir.join("project");
        sample_project(&project);
        let original = build(&project, &dir.join("original"));
        edit(&project, ONE_WORD);
        let one_word = build(&project, &dir.join("one-word"));
        edit(&project, (ONE_WORD.0, ONE_WORD.2, ONE_WORD.1));
        let chapter = project.join("sources/lettre").join(REFLOW.0);
        let before = std::fs::read_to_string(&chapter).unwrap();
        edit(&project, REFLOW);
        let reflowed = build(&project, &dir.join("reflowed"));
        std::fs::write(&chapter, before).unwrap();
        Builds { project, original, one_word, reflowed }
    })
}

/// A copy of the repository's `lettre` sample, fonts and styles, with a small `essai` beside.
fn sample_project(project: &Path) {
    for folder in ["sources/lettre", "fonts", "styles"] {
        copy_tree(&repository().join(folder), &project.join(folder));
    }
    let essai = project.join("sources/essai");
    std::fs::create_dir_all(&essai).unwrap();
    std::fs::write(essai.join("publication.toml"), manifest("")).unwrap();
    std::fs::write(essai.join("01-texte.md"), "# Essai\n\nUn paragraphe.\n").unwrap();
}

/// Replaces `old` by `new` in a chapter of the sample, once; fails when `old` is not there.
fn edit(project: &Path, (chapter, old, new): (&str, &str, &str)) {
    let path = project.join("sources/lettre").join(chapter);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(old), "{chapter} no longer holds “{old}”");
    std::fs::write(&path, text.replacen(old, new, 1)).unwrap();
}

/// Builds the project into `out`; returns `out`.
fn build(project: &Path, out: &Path) -> PathBuf {
    let args = ["build", "-q", "--root", project.to_str().unwrap(), "--out", out.to_str().unwrap()];
    let (code, _, said) = run(&args, None);
    assert_eq!(code, 0, "{said}");
    out.to_path_buf()
}

/// Runs presse, in `folder` when given; exit code, standard output and standard error.
fn run(args: &[&str], folder: Option<&Path>) -> (i32, String, String) {
    let mut command = presse();
    command.args(args);
    if let Some(folder) = folder {
        command.current_dir(folder);
    }
    let output = command.output().expect("presse runs");
    let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
    (output.status.code().unwrap_or(-1), text(output.stdout), text(output.stderr))
}

/// Runs `presse diff` with these arguments; exit code, standard output and standard error.
fn diff(args: &[&Path], extra: &[&str], folder: Option<&Path>) -> (i32, String, String) {
    let mut all: Vec<&str> = vec!["diff"];
    all.extend(args.iter().map(|p| p.to_str().unwrap()));
    all.extend_from_slice(extra);
    run(&all, folder)
}

fn pdf(out: &Path) -> PathBuf {
    out.join("lettre/lettre.pdf")
}

/// The page numbers a summary line names as changed: "pages 1–3 and 5 changed" → {1, 2, 3, 5}.
fn pages_named(line: &str) -> BTreeSet<usize> {
    let Some(at) = line.find(" changed") else { return BTreeSet::new() };
    let named = line[..at].rsplit(": ").next().unwrap();
    let list = named.trim_start_matches("pages ").trim_start_matches("page ");
    let mut pages = BTreeSet::new();
    for item in list.split(", ").flat_map(|item| item.split(" and ")) {
        match item.split_once('–') {
            Some((from, to)) => pages.extend(from.parse::<usize>().unwrap()..=to.parse().unwrap()),
            None => {
                pages.insert(item.parse().unwrap());
            }
        }
    }
    pages
}

/// The pages whose text differs between two PDFs of the same page count, by pdftotext.
fn pages_with_other_text(old: &Path, new: &Path) -> BTreeSet<usize> {
    let count = |pdf: &Path| {
        let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
        let line = info.lines().find(|l| l.starts_with("Pages:")).unwrap().to_string();
        line["Pages:".len()..].trim().parse::<usize>().unwrap()
    };
    assert_eq!(count(old), count(new), "the edit was meant to keep the page count");
    let text = |pdf: &Path, page: usize| {
        let page = page.to_string();
        tool("pdftotext", &["-f", &page, "-l", &page, pdf.to_str().unwrap(), "-"])
    };
    (1..=count(new)).filter(|&page| text(old, page) != text(new, page)).collect()
}

#[test]
fn one_word_changed_on_page_4_names_page_4_only_and_draws_it_side_by_side() {
    let builds = builds();
    let report = tempfile::tempdir().unwrap();
    let (old, new) = (pdf(&builds.original), pdf(&builds.one_word));
    let (code, said, err) = diff(&[&old, &new], &["--out", report.path().to_str().unwrap()], None);
    assert_eq!(code, 0, "{err}");
    assert_eq!(said, "lettre: page 4 changed\n");
    let summary = std::fs::read_to_string(report.path().join("summary.md")).unwrap();
    assert!(summary.contains("\n- lettre: page 4 changed\n"), "{summary}");
    assert!(summary.contains("](lettre/page-004.png)"), "{summary}");
    let images: Vec<_> =
        std::fs::read_dir(report.path().join("lettre")).unwrap().flatten().collect();
    assert_eq!(images.len(), 1, "{images:?}");
    let image = image::open(report.path().join("lettre/page-004.png")).unwrap().to_rgb8();
    assert!(image.width() > image.height(), "old and new side by side");
    assert!(image.pixels().any(|p| p.0 == [220, 0, 0]), "the change is boxed");
    let (code, _, err) = diff(&[&old, &new], &["--exit-code"], None);
    assert_eq!(code, 1, "--exit-code says something changed: {err}");
}

#[test]
fn identical_builds_are_no_change_even_with_exit_code() {
    let builds = builds();
    let copy = tempfile::tempdir().unwrap();
    let same = copy.path().join("lettre.pdf");
    std::fs::copy(pdf(&builds.original), &same).unwrap();
    let (code, said, err) = diff(&[&pdf(&builds.original), &same], &["--exit-code"], None);
    assert_eq!((code, said.as_str()), (0, "lettre: no change\n"), "{err}");
    // PDF/A-2b writes other bytes (metadata, an output intent) for the same pixels.
    let archival = tempfile::tempdir().unwrap();
    let args = ["build", "lettre", "-q", "--format", "pdf", "--pdf-standard", "a-2b", "--out"];
    let root = ["--root", builds.project.to_str().unwrap()];
    let (code, _, err) =
        run(&[&args[..], &[archival.path().to_str().unwrap()], &root].concat(), None);
    assert_eq!(code, 0, "{err}");
    let other_bytes = pdf(archival.path());
    assert_ne!(std::fs::read(&other_bytes).unwrap(), std::fs::read(&same).unwrap());
    let (code, said, err) = diff(&[&same, &other_bytes], &["--exit-code"], None);
    assert_eq!((code, said.as_str()), (0, "lettre: no change\n"), "{err}");
}

#[test]
fn a_reflowing_edit_names_exactly_the_pages_whose_text_moved() {
    let builds = builds();
    let (old, new) = (pdf(&builds.original), pdf(&builds.reflowed));
    let moved = pages_with_other_text(&old, &new);
    assert!(moved.len() > 1 && moved.len() < 4, "the edit moves some pages, not all: {moved:?}");
    let (code, said, err) = diff(&[&old, &new], &[], None);
    assert_eq!(code, 0, "{err}");
    assert!(!said.contains("added") && !said.contains("removed"), "{said}");
    assert_eq!(pages_named(said.trim_end()), moved, "{said}");
}

#[test]
fn output_folders_compare_every_publication_and_quote_the_changed_paragraph() {
    let builds = builds();
    let report = tempfile::tempdir().unwrap();
    let out = ["--out", report.path().to_str().unwrap()];
    let (code, said, err) = diff(&[&builds.original, &builds.one_word], &out, None);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        said,
        "essai: no change\nlettre: page 4 changed; EPUB: chapter 10-conference changed\n"
    );
    let summary = std::fs::read_to_string(report.path().join("summary.md")).unwrap();
    assert!(summary.starts_with("## presse diff: "), "{summary}");
    assert!(
        summary.contains("\n- Cinq ans après, l’essentiel demeure : la conviction"),
        "{summary}"
    );
    assert!(summary.contains("\n+ Cinq ans après, l’essentiel reste : la conviction"), "{summary}");
    assert!(report.path().join("lettre/page-004.png").is_file());
}

#[test]
fn two_epubs_compare_as_chapters_of_text() {
    let builds = builds();
    let epub = |out: &Path| out.join("lettre/lettre.epub");
    let (code, said, err) = diff(&[&epub(&builds.original), &epub(&builds.reflowed)], &[], None);
    assert_eq!(code, 0, "{err}");
    assert_eq!(said, "lettre: EPUB: chapter 07-atelier changed\n");
}

/// Runs git in `folder`, which must succeed.
fn git(folder: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(["-c", "user.name=presse", "-c", "user.email=presse@example.org"])
        .args(args)
        .current_dir(folder)
        .output()
        .expect("git runs");
    assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A git repository holding the sample project, committed once.
fn repository_of_the_sample() -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    copy_tree(&builds().project.join("sources"), &repo.path().join("sources"));
    copy_tree(&builds().project.join("fonts"), &repo.path().join("fonts"));
    std::fs::write(repo.path().join(".gitignore"), "output/\nreview/\n").unwrap();
    git(repo.path(), &["init", "-q"]);
    git(repo.path(), &["add", "."]);
    git(repo.path(), &["commit", "-q", "-m", "le numéro 12"]);
    repo
}

#[test]
fn a_git_revision_is_built_aside_and_compared_with_the_output() {
    let repo = repository_of_the_sample();
    edit(repo.path(), ONE_WORD);
    build(repo.path(), &repo.path().join("output"));
    let lettre = repo.path().join("sources/lettre");
    let (code, said, err) = run(&["diff", "HEAD", "--out", "../../review"], Some(&lettre));
    assert_eq!(code, 0, "{err}");
    assert!(err.starts_with("building HEAD ("), "{err}");
    assert_eq!(
        said,
        "essai: no change\nlettre: page 4 changed; EPUB: chapter 10-conference changed\n"
    );
    assert!(repo.path().join("review/lettre/page-004.png").is_file());
    let status = git(repo.path(), &["status", "--short", "--ignored"]);
    assert_eq!(status, " M sources/lettre/10-conference.md\n!! output/\n!! review/\n");
    let output: Vec<_> = std::fs::read_dir(repo.path().join("output")).unwrap().flatten().collect();
    assert_eq!(output.len(), 3, "essai, lettre and the cache only: {output:?}");
}

#[test]
fn a_revision_that_does_not_build_says_why_in_its_own_lines() {
    let repo = repository_of_the_sample();
    build(repo.path(), &repo.path().join("output"));
    let chapter = repo.path().join("sources/essai/01-texte.md");
    std::fs::write(&chapter, "# Essai\n\n![Une image](images/absente.png)\n").unwrap();
    git(repo.path(), &["commit", "-q", "-a", "-m", "une image qui manque"]);
    git(repo.path(), &["checkout", "-q", "HEAD~1", "--", "."]);
    let (code, said, err) = run(&["diff", "HEAD"], Some(repo.path()));
    assert_eq!((code, said.as_str()), (2, ""), "{err}");
    assert!(err.contains("the image `images/absente.png` does not exist"), "{err}");
    assert!(err.contains("3 │ ![Une image](images/absente.png)"), "quoted from HEAD: {err}");
    assert!(err.contains("the sources at HEAD do not build"), "{err}");
}

#[test]
fn what_cannot_be_compared_is_named_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.pdf");
    std::fs::write(&text, "pas un PDF").unwrap();
    let (code, _, err) = diff(&[&text, &text], &[], Some(dir.path()));
    assert_eq!(code, 2);
    assert!(
        err.contains("this file is neither a PDF nor an EPUB") && err.contains("hint"),
        "{err}"
    );
    let missing = dir.path().join("absent.pdf");
    let (code, _, err) = diff(&[&missing, &text], &[], Some(dir.path()));
    assert_eq!(code, 2);
    assert!(err.contains("there is no file `") && err.contains("absent.pdf`"), "{err}");
    let (code, _, err) = run(&["diff", "HEAD~1"], Some(dir.path()));
    assert_eq!(code, 2);
    assert!(err.contains("no NEW to compare with, and no project here"), "{err}");
    let (code, _, err) = run(&["diff", "HEAD~1", "."], Some(dir.path()));
    assert_eq!(code, 2);
    assert!(
        err.contains("`HEAD~1` is not a file or a folder, and there is no project here"),
        "{err}"
    );
    let repo = repository_of_the_sample();
    let (code, _, err) = run(&["diff", "no-such-branch", "output"], Some(repo.path()));
    assert_eq!(code, 2);
    assert!(err.contains("`no-such-branch` is not a file, a folder or a git revision"), "{err}");
}
