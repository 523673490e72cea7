//! Where project files are: the one check that a file lies inside the project, the listings of
//! folders, and path arithmetic that never touches the file system.

use std::io;
use std::path::{Component, Path, PathBuf};

/// Why a file of the project cannot be read.
#[derive(Debug)]
pub enum Refusal {
    /// It does not exist, or cannot be reached.
    Unreachable(io::Error),
    /// It resolves, through `..` or a symbolic link, to a place outside the project root.
    Outside,
    /// It is a folder.
    Folder,
    /// It is a named pipe, a socket or a device: reading it could wait for ever, or never end.
    Special,
}

/// The real path of `file` (relative to `root`, or absolute), when it is a regular file inside
/// the project root once every symbolic link is resolved. Every read of a project file goes
/// through here: a link in the sources must never make presse read, and print, a file
/// elsewhere.
pub fn inside_project(root: &Path, file: &Path) -> Result<PathBuf, Refusal> {
    let root = root.canonicalize().map_err(Refusal::Unreachable)?;
    let real = root.join(file).canonicalize().map_err(Refusal::Unreachable)?;
    if !real.starts_with(&root) {
        return Err(Refusal::Outside);
    }
    let metadata = real.metadata().map_err(Refusal::Unreachable)?;
    match metadata {
        m if m.is_file() => Ok(real),
        m if m.is_dir() => Err(Refusal::Folder),
        _ => Err(Refusal::Special),
    }
}

/// The regular files under `dir`, at any depth, following symbolic links, sorted; none when it
/// cannot be read.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let walk = walkdir::WalkDir::new(dir).follow_links(true).sort_by_file_name();
    walk.into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .collect()
}

/// The Markdown files (`*.md`) of a folder, by name: the chapters of a publication whose
/// manifest lists none.
pub fn markdown_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "md") && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Removes `.` and resolves `..` without touching the file system.
pub fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalise_without_the_file_system() {
        assert_eq!(normalise(Path::new("sources/p/./x/../b.md")), PathBuf::from("sources/p/b.md"));
    }

    #[test]
    fn files_inside_the_project_are_found_and_others_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("projet");
        std::fs::create_dir_all(root.join("sources")).unwrap();
        std::fs::write(root.join("sources/a.md"), "a").unwrap();
        std::fs::write(tmp.path().join("secret"), "s").unwrap();
        let real = inside_project(&root, Path::new("sources/a.md")).unwrap();
        assert!(real.ends_with("projet/sources/a.md"), "{real:?}");
        assert!(matches!(inside_project(&root, Path::new("../secret")), Err(Refusal::Outside)));
        assert!(matches!(inside_project(&root, Path::new("sources")), Err(Refusal::Folder)));
        let missing = inside_project(&root, Path::new("sources/b.md"));
        assert!(matches!(missing, Err(Refusal::Unreachable(_))));
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_out_of_the_project_is_refused_and_one_inside_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("projet");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(tmp.path().join("secret"), "s").unwrap();
        std::fs::write(root.join("a.md"), "a").unwrap();
        std::os::unix::fs::symlink(tmp.path().join("secret"), root.join("out.md")).unwrap();
        std::os::unix::fs::symlink(root.join("a.md"), root.join("in.md")).unwrap();
        assert!(matches!(inside_project(&root, Path::new("out.md")), Err(Refusal::Outside)));
        assert!(inside_project(&root, Path::new("in.md")).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn a_named_pipe_is_no_file_to_read() {
        let tmp = tempfile::tempdir().unwrap();
        let status = std::process::Command::new("mkfifo").arg(tmp.path().join("p")).status();
        assert!(status.unwrap().success(), "mkfifo makes a named pipe");
        assert!(matches!(inside_project(tmp.path(), Path::new("p")), Err(Refusal::Special)));
    }

    #[test]
    fn folders_list_their_files_sorted_and_their_markdown() {
        let tmp = tempfile::tempdir().unwrap();
        for file in ["b.md", "a.md", "notes.txt", "x/c.otf", ".md"] {
            let path = tmp.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        std::fs::create_dir_all(tmp.path().join("dossier.md")).unwrap();
        let names = |paths: Vec<PathBuf>| -> Vec<String> {
            let relative = paths.iter().map(|p| p.strip_prefix(tmp.path()).unwrap().to_owned());
            relative.map(|p| p.to_string_lossy().into_owned()).collect()
        };
        assert_eq!(names(markdown_files(tmp.path()).unwrap()), ["a.md", "b.md"]);
        assert_eq!(names(files_under(tmp.path())), [".md", "a.md", "b.md", "notes.txt", "x/c.otf"]);
    }
}
