//! What `OLD` and `NEW` name: a PDF, an EPUB, an output folder, or a git revision built into a
//! temporary folder; and the publications two of them hold, paired by name.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

use super::Failure;
use crate::build::{BuildConfig, Edition};
use crate::diag::{Diagnostic, Diagnostics, Pos};

/// One side of a comparison.
pub struct Side {
    /// How the command line named it.
    pub label: String,
    /// What it holds.
    pub input: Input,
    /// The temporary folder a revision was built in, removed when the side is dropped.
    _built: Option<TempDir>,
}

/// What one side of a comparison is.
pub enum Input {
    /// One PDF.
    Pdf(PathBuf),
    /// One EPUB.
    Epub(PathBuf),
    /// An output folder: `<folder>/<publication>/<publication>.pdf` and `.epub`.
    Folder(PathBuf),
}

/// The editions of one publication on one side.
#[derive(Debug, Clone)]
pub struct Editions {
    /// Its PDF: the screen one, else the print one.
    pub pdf: Option<PathBuf>,
    /// Its EPUB.
    pub epub: Option<PathBuf>,
}

/// A publication to compare: its name and its editions on each side.
pub struct Pair {
    /// Its name, the folder of its editions.
    pub name: String,
    /// Its editions on the old side.
    pub old: Editions,
    /// Its editions on the new side.
    pub new: Editions,
}

/// An error about an argument of the command line.
fn argument_error(arg: &str, message: String, hint: &str) -> Diagnostic {
    Diagnostic::error(arg, Pos::default(), message).with_code("diff-input").with_hint(hint)
}

/// The side an argument names: an existing file or folder, else a git revision of the project
/// at `root`, built into a temporary folder.
pub fn resolve(arg: &str, root: Option<&Path>) -> Result<Side, Failure> {
    let path = Path::new(arg);
    let side = |input| Side { label: arg.to_string(), input, _built: None };
    if path.is_dir() {
        return Ok(side(Input::Folder(path.to_path_buf())));
    }
    if path.is_file() {
        return file_kind(path).map(side).map_err(Failure::from);
    }
    if names_a_file(arg) {
        let message = format!("there is no file `{arg}`");
        let hint = "check the path: presse build writes output/<publication>/<publication>.pdf";
        return Err(argument_error(arg, message, hint).into());
    }
    let Some(root) = root else {
        let message = format!("`{arg}` is not a file or a folder, and there is no project here");
        let hint = "name two PDFs, two output folders, or run presse in a project (a folder \
                    holding sources/) to compare with a git revision";
        return Err(argument_error(arg, message, hint).into());
    };
    let Some(commit) = commit_of(root, arg) else {
        let message = format!("`{arg}` is not a file, a folder or a git revision");
        let hint = "name two PDFs, two output folders, or a revision of the project's git \
                    repository (HEAD~1, main, a commit)";
        return Err(argument_error(arg, message, hint).into());
    };
    let (built, out) = build_revision(root, arg, &commit)?;
    Ok(Side { label: arg.to_string(), input: Input::Folder(out), _built: Some(built) })
}

/// The side `NEW` means when it is not given: the project's `output/`, as last built.
pub fn current_output(root: Option<&Path>) -> Result<Side, Failure> {
    let Some(root) = root else {
        let message = "no NEW to compare with, and no project here whose output/ it would be";
        let hint = "name NEW, or run presse in a project (a folder holding sources/)";
        return Err(argument_error("output", message.into(), hint).into());
    };
    let out = root.join("output");
    if !out.is_dir() {
        let message = "the project has no output/ to compare with".to_string();
        let hint = "build it first with `presse build`, or name NEW";
        return Err(argument_error(&out.to_string_lossy(), message, hint).into());
    }
    Ok(Side { label: "output".to_string(), input: Input::Folder(out), _built: None })
}

/// Whether an argument can only be meant as a file: it names a PDF or an EPUB.
fn names_a_file(arg: &str) -> bool {
    let lower = arg.to_lowercase();
    lower.ends_with(".pdf") || lower.ends_with(".epub")
}

/// A PDF or an EPUB, told by its first bytes.
fn file_kind(path: &Path) -> Result<Input, Diagnostic> {
    let arg = path.to_string_lossy();
    let mut start = [0u8; 5];
    let read = std::fs::File::open(path).and_then(|mut file| file.read(&mut start));
    match read {
        Ok(5) if &start == b"%PDF-" => Ok(Input::Pdf(path.to_path_buf())),
        Ok(n) if n >= 4 && start.starts_with(b"PK\x03\x04") => Ok(Input::Epub(path.to_path_buf())),
        Ok(_) => Err(argument_error(
            &arg,
            "this file is neither a PDF nor an EPUB".into(),
            "name two PDFs, two EPUBs, or two output folders",
        )),
        Err(err) => Err(argument_error(
            &arg,
            format!("cannot read the file: {err}"),
            "check its permissions",
        )),
    }
}

/// The commit a revision names in the git repository holding `root`, if it names one.
fn commit_of(root: &Path, rev: &str) -> Option<String> {
    let output = git(root)
        .args(["rev-parse", "--verify", "--quiet", "--end-of-options"])
        .arg(format!("{rev}^{{commit}}"))
        .output()
        .ok()?;
    let commit = String::from_utf8(output.stdout).ok()?.trim().to_string();
    (output.status.success() && !commit.is_empty()).then_some(commit)
}

fn git(root: &Path) -> Command {
    let mut command = Command::new("git");
    command.arg("-C").arg(root);
    command
}

/// Builds the project as it was at `commit` into a temporary folder, without touching the work
/// tree: the tree is exported with `git archive`, unpacked, and built into its own `output/`.
fn build_revision(root: &Path, rev: &str, commit: &str) -> Result<(TempDir, PathBuf), Failure> {
    let short = &commit[..commit.len().min(10)];
    eprintln!("building {rev} ({short}) in a temporary folder…");
    let temp = tempfile::Builder::new().prefix("presse-diff-").tempdir().map_err(|err| {
        argument_error(rev, format!("cannot create a temporary folder: {err}"), "check TMPDIR")
    })?;
    let tree = temp.path().join("tree");
    export_tree(root, rev, commit, &temp.path().join("tree.zip"), &tree)?;
    let out = temp.path().join("output");
    let config = revision_build(tree.clone(), out.clone());
    let report = crate::build::build(&config).map_err(|err| {
        argument_error(rev, format!("cannot build {rev}: {err:#}"), "see the error above")
    })?;
    if report.diagnostics.has_errors() || !report.failed.is_empty() {
        let mut findings: Vec<Diagnostic> =
            report.diagnostics.into_iter().filter(Diagnostic::is_error).collect();
        findings.push(argument_error(
            rev,
            format!("the sources at {rev} do not build (the errors above are theirs)"),
            "compare with a revision that builds, or name two output folders",
        ));
        return Err(Failure { findings: findings.into(), root: tree, _sources: Some(temp) });
    }
    Ok((temp, out))
}

/// The files of the project folder `root` as they were at `commit`, written under `tree`.
fn export_tree(
    root: &Path,
    rev: &str,
    commit: &str,
    zip: &Path,
    tree: &Path,
) -> Result<(), Failure> {
    let failed = |why: String| {
        argument_error(rev, format!("cannot export {rev}: {why}"), "check that git works here")
    };
    // `<commit>:<prefix>` is the project's folder at that commit, whatever folder of the
    // repository it is; run from the repository's top, where git archive takes all of it.
    let prefix = git_text(root, &["rev-parse", "--show-prefix"]).map_err(&failed)?;
    let top = git_text(root, &["rev-parse", "--show-toplevel"]).map_err(&failed)?;
    let treeish = format!("{commit}:{}", prefix.trim());
    let archived = git(Path::new(top.trim()))
        .args(["archive", "--format=zip", "-o"])
        .arg(zip)
        .arg(&treeish)
        .output()
        .map_err(|e| failed(e.to_string()))?;
    if !archived.status.success() {
        return Err(failed(String::from_utf8_lossy(&archived.stderr).trim().to_string()).into());
    }
    let file = std::fs::File::open(zip).map_err(|e| failed(e.to_string()))?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| failed(e.to_string()))?;
    archive.extract(tree).map_err(|e| failed(e.to_string()))?;
    Ok(())
}

fn git_text(root: &Path, args: &[&str]) -> Result<String, String> {
    let output = git(root).args(args).output().map_err(|e| format!("git: {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).trim().to_string());
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// A plain build of every publication of `root` into `out`: both editions, default settings.
fn revision_build(root: PathBuf, out: PathBuf) -> BuildConfig {
    BuildConfig { force: true, ..BuildConfig::new(root, out) }
}

/// The publications two sides hold, by name, with their editions on each side.
pub fn pairs(old: &Side, new: &Side) -> Result<Vec<Pair>, Failure> {
    match (&old.input, &new.input) {
        (Input::Pdf(a), Input::Pdf(b)) => Ok(vec![single(
            b,
            Editions { pdf: Some(a.clone()), epub: None },
            Editions { pdf: Some(b.clone()), epub: None },
        )]),
        (Input::Epub(a), Input::Epub(b)) => Ok(vec![single(
            b,
            Editions { pdf: None, epub: Some(a.clone()) },
            Editions { pdf: None, epub: Some(b.clone()) },
        )]),
        (Input::Folder(a), Input::Folder(b)) => folder_pairs(a, b),
        _ => {
            let message = format!("`{}` and `{}` are not of the same kind", old.label, new.label);
            let hint = "compare a PDF with a PDF, an EPUB with an EPUB, or folders and revisions";
            Err(argument_error(&new.label, message, hint).into())
        }
    }
}

/// One publication, named after the new file (`lettre` for `lettre.pdf` or `lettre-print.pdf`).
fn single(new: &Path, old_editions: Editions, new_editions: Editions) -> Pair {
    let stem = new.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let name = stem.strip_suffix("-print").unwrap_or(&stem).to_string();
    Pair { name, old: old_editions, new: new_editions }
}

/// Every publication of either folder, in name order.
fn folder_pairs(old: &Path, new: &Path) -> Result<Vec<Pair>, Failure> {
    let (old, new) = (editions_in(old)?, editions_in(new)?);
    let mut names: Vec<&String> = old.keys().chain(new.keys()).collect();
    names.sort();
    names.dedup();
    let pair = |name: &String| {
        let (old, new) = (old.get(name).cloned(), new.get(name).cloned());
        let (old, new) = (old.unwrap_or_default(), new.unwrap_or_default());
        let (old_pdf, new_pdf) = matching_pdfs(&old, &new);
        Pair {
            name: name.clone(),
            old: Editions { pdf: old_pdf, epub: old.epub },
            new: Editions { pdf: new_pdf, epub: new.epub },
        }
    };
    Ok(names.into_iter().map(pair).collect())
}

/// The editions of one publication found in an output folder.
#[derive(Debug, Default, Clone)]
struct Found {
    screen: Option<PathBuf>,
    print: Option<PathBuf>,
    epub: Option<PathBuf>,
}

/// The PDFs to compare: the screen ones when both sides have one, else the print ones, else
/// whichever each side has (they then differ on every page, by their size).
fn matching_pdfs(old: &Found, new: &Found) -> (Option<PathBuf>, Option<PathBuf>) {
    match (old, new) {
        (Found { screen: Some(a), .. }, Found { screen: Some(b), .. }) => {
            (Some(a.clone()), Some(b.clone()))
        }
        (Found { print: Some(a), .. }, Found { print: Some(b), .. }) => {
            (Some(a.clone()), Some(b.clone()))
        }
        _ => (old.screen.clone().or(old.print.clone()), new.screen.clone().or(new.print.clone())),
    }
}

/// The publications of an output folder: each subfolder holding an edition named after it.
fn editions_in(folder: &Path) -> Result<BTreeMap<String, Found>, Diagnostics> {
    let entries = std::fs::read_dir(folder).map_err(|err| {
        argument_error(
            &folder.to_string_lossy(),
            format!("cannot read the folder: {err}"),
            "check its permissions",
        )
    })?;
    let mut found = BTreeMap::new();
    for dir in entries.flatten().map(|e| e.path()).filter(|p| p.is_dir()) {
        let name = dir.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let exists = |edition: Edition| Some(edition.file(&dir, &name)).filter(|f| f.is_file());
        let editions = Found {
            screen: exists(Edition::Pdf),
            print: exists(Edition::PrintPdf),
            epub: exists(Edition::Epub),
        };
        let any = editions.screen.is_some() || editions.print.is_some() || editions.epub.is_some();
        if !name.starts_with('.') && any {
            found.insert(name, editions);
        }
    }
    if found.is_empty() {
        let message = "this folder holds no editions".to_string();
        let hint = "name an output folder written by `presse build` (output/ by default)";
        return Err(argument_error(&folder.to_string_lossy(), message, hint).into());
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(screen: bool, print: bool) -> Found {
        let path = |yes: bool, name: &str| yes.then(|| PathBuf::from(name));
        Found { screen: path(screen, "p.pdf"), print: path(print, "p-print.pdf"), epub: None }
    }

    #[test]
    fn the_same_pdf_edition_is_compared_on_both_sides_when_there_is_one() {
        let name = |pdf: Option<PathBuf>| pdf.unwrap().to_string_lossy().into_owned();
        let (old, new) = matching_pdfs(&found(true, true), &found(false, true));
        assert_eq!((name(old), name(new)), ("p-print.pdf".into(), "p-print.pdf".into()));
        let (old, new) = matching_pdfs(&found(true, true), &found(true, false));
        assert_eq!((name(old), name(new)), ("p.pdf".into(), "p.pdf".into()));
        let (old, new) = matching_pdfs(&found(true, false), &found(false, true));
        assert_eq!((name(old), name(new)), ("p.pdf".into(), "p-print.pdf".into()));
    }
}
