//! Where the project is, from wherever presse runs: the nearest folder at or above the working
//! one that holds `sources/` (as cargo and git look upward), and publications named on the
//! command line by their folder's path as well as by their name.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Pos};

/// The project root and the publications asked for, from what the command line gave: `root`
/// when `--root` was given (else found upward from `cwd`), and `publications` as names or as
/// paths relative to `cwd`. Inside `sources/<name>/`, no publication named means that one.
pub fn locate(
    root: Option<PathBuf>,
    publications: &[String],
    cwd: &Path,
) -> Result<(PathBuf, Vec<String>), Diagnostic> {
    let root = match root {
        Some(root) => root,
        None => find_root(cwd).ok_or_else(no_project)?,
    };
    let mut names: Vec<String> =
        publications.iter().map(|arg| publication_name(arg, &root, cwd)).collect();
    if names.is_empty()
        && let Some(name) = publication_around(&root, cwd)
    {
        names.push(name);
    }
    Ok((root, names))
}

/// The nearest folder at or above `start` that holds a `sources/` folder, as a path relative
/// to `start` (`.`, `..`, `../..`), so that findings keep their short relative paths.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    let mut relative = PathBuf::from(".");
    for dir in start.ancestors() {
        if dir.join("sources").is_dir() {
            return Some(relative);
        }
        relative =
            if relative == Path::new(".") { PathBuf::from("..") } else { relative.join("..") };
    }
    None
}

/// The publication an argument means: its name (`lettre-13`), or the path of its folder
/// (`sources/lettre-13`, `./sources/lettre-13/`, `.` inside it), relative to `cwd`.
fn publication_name(arg: &str, root: &Path, cwd: &Path) -> String {
    let folder = cwd.join(arg);
    let in_sources = |dir: &Path| dir.parent() == Some(sources(root, cwd).as_path());
    match folder.canonicalize() {
        Ok(dir) if dir.is_dir() && in_sources(&dir) => file_name(&dir).unwrap_or(arg.to_string()),
        _ => arg.trim_end_matches('/').to_string(),
    }
}

/// The publication whose folder holds `cwd`, if any.
fn publication_around(root: &Path, cwd: &Path) -> Option<String> {
    let sources = sources(root, cwd);
    let cwd = cwd.canonicalize().ok()?;
    let inside = cwd.strip_prefix(&sources).ok()?;
    inside.components().next().map(|part| part.as_os_str().to_string_lossy().into_owned())
}

/// The project's `sources/` folder, resolved (symbolic links followed).
fn sources(root: &Path, cwd: &Path) -> PathBuf {
    let sources = cwd.join(root).join("sources");
    sources.canonicalize().unwrap_or(sources)
}

fn file_name(dir: &Path) -> Option<String> {
    dir.file_name().map(|name| name.to_string_lossy().into_owned())
}

/// No folder here or above holds `sources/`.
fn no_project() -> Diagnostic {
    let message = "no presse project here or above: no folder holds a sources/ folder";
    Diagnostic::error(".", Pos::default(), message)
        .with_code("no-project")
        .with_hint("start one with `presse new <folder>`, or name it with --root")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A project with two publications, and a folder outside it.
    fn tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for folder in ["proj/sources/lettre-13/images", "proj/sources/cahiers", "elsewhere"] {
            std::fs::create_dir_all(dir.path().join(folder)).unwrap();
        }
        dir
    }

    fn located(cwd: &Path, args: &[&str]) -> (PathBuf, Vec<String>) {
        let args: Vec<String> = args.iter().map(ToString::to_string).collect();
        locate(None, &args, cwd).unwrap()
    }

    #[test]
    fn the_root_is_found_upward_and_stays_relative() {
        let tree = tree();
        let proj = tree.path().join("proj");
        assert_eq!(located(&proj, &[]), (PathBuf::from("."), vec![]));
        let deep = proj.join("sources/lettre-13/images");
        assert_eq!(located(&deep, &[]), (PathBuf::from("../../.."), vec!["lettre-13".into()]));
        assert_eq!(located(&proj.join("sources"), &[]), (PathBuf::from(".."), vec![]));
    }

    #[test]
    fn publications_are_named_by_name_or_by_path() {
        let tree = tree();
        let proj = tree.path().join("proj");
        let args = ["lettre-13", "sources/cahiers/", "./sources/lettre-13"];
        let (_, names) = located(&proj, &args);
        assert_eq!(names, ["lettre-13", "cahiers", "lettre-13"]);
        let (_, names) = located(&proj.join("sources/cahiers"), &["."]);
        assert_eq!(names, ["cahiers"]);
        let (_, names) = located(&proj.join("sources/cahiers"), &["../lettre-13"]);
        assert_eq!(names, ["lettre-13"]);
    }

    #[test]
    fn a_name_that_is_no_publication_folder_is_kept_as_given() {
        let tree = tree();
        let proj = tree.path().join("proj");
        let (_, names) = located(&proj, &["nope", "../elsewhere"]);
        assert_eq!(names, ["nope", "../elsewhere"]);
    }

    #[test]
    fn without_a_project_above_the_error_suggests_presse_new() {
        let tree = tree();
        let error = locate(None, &[], &tree.path().join("elsewhere")).unwrap_err();
        assert_eq!(error.code, "no-project");
        assert!(error.hint.unwrap().contains("presse new"));
    }
}
