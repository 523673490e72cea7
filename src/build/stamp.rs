//! Incremental builds: beside its editions, a build leaves a stamp naming every file it read,
//! a hash of those files and of everything else the editions depend on, and its warnings. The
//! next build hashes the same files again before reading any Markdown: when nothing changed,
//! there is nothing to build, and the warnings are shown again.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use crate::diag::Diagnostic;
use crate::files::write_atomic;
use crate::model::Publication;
use crate::paths::{files_under, inside_project, markdown_files};

/// The name of the stamp file in a publication's output folder.
pub const STAMP_FILE: &str = ".presse-stamp";

/// What the last build of a publication read, and what it found.
#[derive(Debug, Serialize, Deserialize)]
pub struct Stamp {
    /// The hash of the inputs (see [`Inputs`]).
    hash: String,
    /// Every file the build read, relative to the project root, in the order hashed.
    files: Vec<PathBuf>,
    /// The warnings the build found.
    warnings: Vec<Diagnostic>,
}

/// The inputs of a build, hashed as they are read: presse itself, the settings, which chapters
/// and fonts exist, then every file read, in order.
pub struct Inputs {
    root: PathBuf,
    hash: Xxh3,
    files: Vec<PathBuf>,
}

impl Inputs {
    /// Starts with what is not a file the build reads: presse, the settings, and the listings
    /// that decide which chapters and fonts there are.
    pub fn new(root: &Path, name: &str, settings: &str) -> Inputs {
        let mut inputs = Inputs { root: root.to_path_buf(), hash: Xxh3::new(), files: Vec::new() };
        inputs.add("presse", env!("CARGO_PKG_VERSION").as_bytes());
        inputs.add("executable", executable_identity().as_bytes());
        for text in crate::styles::built_in_texts() {
            inputs.add("built-in style", text.as_bytes());
        }
        inputs.add("settings", settings.as_bytes());
        let chapters = markdown_names(&root.join("sources").join(name));
        inputs.add("chapters", chapters.join("\n").as_bytes());
        let fonts = font_files(&root.join("fonts"));
        inputs.add("fonts", fonts.join("\n").as_bytes());
        inputs
    }

    /// Hashes these files, once each: their bytes, or the fact that there is no such file.
    pub fn add_files(&mut self, files: impl IntoIterator<Item = PathBuf>) {
        for file in files {
            if self.files.contains(&file) {
                continue;
            }
            let bytes = read_regular_file(&self.root, &file);
            let label = file.to_string_lossy().into_owned();
            match bytes {
                Some(bytes) => self.add(&label, &bytes),
                None => self.add(&label, b"\0no such file\0"),
            }
            self.files.push(file);
        }
    }

    /// The stamp of a build that read these inputs and found these warnings.
    pub fn stamp(&self, warnings: Vec<Diagnostic>) -> Stamp {
        Stamp { hash: self.digest(), files: self.files.clone(), warnings }
    }

    fn add(&mut self, label: &str, bytes: &[u8]) {
        self.hash.update(label.as_bytes());
        self.hash.update(&(bytes.len() as u64).to_le_bytes());
        self.hash.update(bytes);
    }

    fn digest(&self) -> String {
        format!("{:032x}", self.hash.digest128())
    }
}

/// The files a publication's model says a build reads: the manifest, the chapters, the images,
/// the project's fonts, and its style's files in the project (read or looked for).
pub fn model_files(root: &Path, publication: &Publication) -> Vec<PathBuf> {
    let mut files = vec![publication.dir.join("publication.toml")];
    files.extend(publication.chapters.iter().map(|c| c.path.clone()));
    files.extend(publication.image_uses().into_iter().map(|u| u.path));
    files.extend(font_files(&root.join("fonts")).into_iter().map(|f| Path::new("fonts").join(f)));
    let style = Path::new("styles").join(&publication.manifest.style);
    files.extend(["template.typ", "epub.css", "preset.toml"].map(|f| style.join(f)));
    files
}

/// The warnings of the last build of `name` into `dir`, when every file in `expected` is there
/// and nothing that build read has changed since; `None` when it must be built.
pub fn unchanged(
    root: &Path,
    name: &str,
    dir: &Path,
    settings: &str,
    expected: &[PathBuf],
) -> Option<Vec<Diagnostic>> {
    let stamp: Stamp = serde_json::from_slice(&std::fs::read(dir.join(STAMP_FILE)).ok()?).ok()?;
    if !expected.iter().all(|file| file.is_file()) {
        return None;
    }
    let mut inputs = Inputs::new(root, name, settings);
    inputs.add_files(stamp.files);
    (inputs.digest() == stamp.hash).then_some(stamp.warnings)
}

/// Writes the stamp into a publication's output folder.
pub fn write(dir: &Path, stamp: &Stamp) -> anyhow::Result<()> {
    let json = serde_json::to_vec(stamp)?;
    write_atomic(&dir.join(STAMP_FILE), &json)
}

/// Removes the stamp: while the editions change, they must not look up to date.
pub fn remove(dir: &Path) {
    let _ = std::fs::remove_file(dir.join(STAMP_FILE));
}

/// The bytes of a regular file of the project; `None` for anything else. A path that leaves
/// the project (by `..` or a symbolic link), or a named pipe that would never end, is never
/// read.
fn read_regular_file(root: &Path, file: &Path) -> Option<Vec<u8>> {
    std::fs::read(inside_project(root, file).ok()?).ok()
}

/// The length and modification time of the running program: a rebuilt presse builds anew.
fn executable_identity() -> String {
    let metadata = std::env::current_exe().and_then(std::fs::metadata);
    let Ok(metadata) = metadata else { return String::new() };
    let modified = metadata.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok());
    format!("{} {:?}", metadata.len(), modified)
}

/// The names of the Markdown files of a publication folder, sorted: the chapters when the
/// manifest lists none.
fn markdown_names(dir: &Path) -> Vec<String> {
    let files = markdown_files(dir).unwrap_or_default();
    files.iter().filter_map(|f| f.file_name()).map(|n| n.to_string_lossy().into_owned()).collect()
}

/// The files under a fonts folder, relative to it, sorted.
fn font_files(dir: &Path) -> Vec<String> {
    let relative = |file: PathBuf| file.strip_prefix(dir).map(Path::to_path_buf).ok();
    let files = files_under(dir).into_iter().filter_map(relative);
    files.map(|file| file.to_string_lossy().into_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A project with one publication of one chapter; the build's stamp written.
    fn built(settings: &str) -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("sources/memoire")).unwrap();
        std::fs::write(tmp.path().join("sources/memoire/texte.md"), "un").unwrap();
        std::fs::write(tmp.path().join("sources/memoire/publication.toml"), "").unwrap();
        let out = tmp.path().join("output");
        std::fs::create_dir_all(&out).unwrap();
        let mut inputs = Inputs::new(tmp.path(), "memoire", settings);
        let files =
            ["publication.toml", "texte.md"].map(|f| PathBuf::from("sources/memoire").join(f));
        inputs.add_files(files);
        let warning = Diagnostic::warning("sources/memoire/texte.md", Default::default(), "w")
            .with_code("missing-alt");
        write(&out, &inputs.stamp(vec![warning])).unwrap();
        (tmp, out)
    }

    #[test]
    fn an_unchanged_build_gives_back_its_warnings() {
        let (tmp, out) = built("pdf");
        let warnings = unchanged(tmp.path(), "memoire", &out, "pdf", &[]).unwrap();
        assert_eq!((warnings.len(), warnings[0].code()), (1, "missing-alt"));
    }

    #[test]
    fn the_stamp_changes_with_the_files_the_settings_and_the_chapter_list() {
        let (tmp, out) = built("pdf");
        let up_to_date = || unchanged(tmp.path(), "memoire", &out, "pdf", &[]).is_some();
        assert!(unchanged(tmp.path(), "memoire", &out, "epub", &[]).is_none());
        assert!(unchanged(tmp.path(), "memoire", &out, "pdf", &[out.join("x.pdf")]).is_none());
        std::fs::write(tmp.path().join("sources/memoire/texte.md"), "deux").unwrap();
        assert!(!up_to_date());
        std::fs::write(tmp.path().join("sources/memoire/texte.md"), "un").unwrap();
        assert!(up_to_date());
        std::fs::write(tmp.path().join("sources/memoire/suite.md"), "").unwrap();
        assert!(!up_to_date(), "a new chapter file");
        std::fs::remove_file(tmp.path().join("sources/memoire/suite.md")).unwrap();
        std::fs::create_dir_all(tmp.path().join("fonts")).unwrap();
        std::fs::write(tmp.path().join("fonts/Nouvelle.otf"), "").unwrap();
        assert!(!up_to_date(), "a new font");
    }

    #[test]
    fn a_file_that_appears_where_none_was_counts() {
        let tmp = tempfile::tempdir().unwrap();
        let mut inputs = Inputs::new(tmp.path(), "p", "");
        inputs.add_files([PathBuf::from("styles/cahiers/template.typ")]);
        let before = inputs.digest();
        std::fs::create_dir_all(tmp.path().join("styles/cahiers")).unwrap();
        std::fs::write(tmp.path().join("styles/cahiers/template.typ"), "").unwrap();
        let mut again = Inputs::new(tmp.path(), "p", "");
        again.add_files([PathBuf::from("styles/cahiers/template.typ")]);
        assert_ne!(before, again.digest());
    }

    #[test]
    fn paths_out_of_the_project_are_never_read() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("secret"), "s").unwrap();
        let root = tmp.path().join("projet");
        std::fs::create_dir_all(&root).unwrap();
        assert_eq!(read_regular_file(&root, Path::new("../secret")), None);
        assert_eq!(read_regular_file(tmp.path(), Path::new("secret")), Some(b"s".to_vec()));
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_out_of_the_project_is_never_read() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("secret"), "s").unwrap();
        let root = tmp.path().join("projet");
        std::fs::create_dir_all(root.join("sources")).unwrap();
        std::os::unix::fs::symlink(tmp.path().join("secret"), root.join("sources/a.md")).unwrap();
        assert_eq!(read_regular_file(&root, Path::new("sources/a.md")), None);
    }
}
