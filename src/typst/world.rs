//! presse's own typst world: files from the project root only, our fonts only, no packages.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::files::{FileLoader, FileStore};
use typst_kit::fonts::FontStore;

/// presse's own fonts (this repository's `fonts/`, open licences), built into the binary.
const BUILT_IN_FONTS: [(&str, &[u8]); 13] = [
    ("inter/Inter-Bold.otf", include_bytes!("../../fonts/inter/Inter-Bold.otf")),
    ("inter/Inter-BoldItalic.otf", include_bytes!("../../fonts/inter/Inter-BoldItalic.otf")),
    ("inter/Inter-Italic.otf", include_bytes!("../../fonts/inter/Inter-Italic.otf")),
    ("inter/Inter-Medium.otf", include_bytes!("../../fonts/inter/Inter-Medium.otf")),
    ("inter/Inter-Regular.otf", include_bytes!("../../fonts/inter/Inter-Regular.otf")),
    ("inter/Inter-SemiBold.otf", include_bytes!("../../fonts/inter/Inter-SemiBold.otf")),
    (
        "montserrat/Montserrat_400Regular.ttf",
        include_bytes!("../../fonts/montserrat/Montserrat_400Regular.ttf"),
    ),
    (
        "montserrat/Montserrat_400Regular_Italic.ttf",
        include_bytes!("../../fonts/montserrat/Montserrat_400Regular_Italic.ttf"),
    ),
    (
        "montserrat/Montserrat_500Medium.ttf",
        include_bytes!("../../fonts/montserrat/Montserrat_500Medium.ttf"),
    ),
    (
        "montserrat/Montserrat_600SemiBold.ttf",
        include_bytes!("../../fonts/montserrat/Montserrat_600SemiBold.ttf"),
    ),
    (
        "montserrat/Montserrat_700Bold.ttf",
        include_bytes!("../../fonts/montserrat/Montserrat_700Bold.ttf"),
    ),
    (
        "montserrat/Montserrat_700Bold_Italic.ttf",
        include_bytes!("../../fonts/montserrat/Montserrat_700Bold_Italic.ttf"),
    ),
    (
        "montserrat/Montserrat_800ExtraBold.ttf",
        include_bytes!("../../fonts/montserrat/Montserrat_800ExtraBold.ttf"),
    ),
];

/// The fonts every compilation may use: a project's `fonts/`, presse's and typst's built-in
/// fonts, and the system's only when asked.
pub struct Fonts {
    store: FontStore,
}

impl Fonts {
    /// Loads the fonts under `dirs` (recursively), then the built-in ones, then maybe the system's.
    pub fn load(dirs: &[PathBuf], system: bool) -> Fonts {
        let mut store = FontStore::new();
        for dir in dirs {
            let mut found: Vec<_> =
                typst_kit::fonts::scan(dir).filter(|(f, _)| !is_built_in(&f.path)).collect();
            // The scan order depends on the file system; sort for the same bytes everywhere.
            found.sort_by(|a, b| (&a.0.path, a.0.index).cmp(&(&b.0.path, b.0.index)));
            store.extend(found);
        }
        for (_, data) in BUILT_IN_FONTS {
            store.extend(Font::iter(Bytes::new(data)).map(|font| {
                let info = font.info().clone();
                (font, info)
            }));
        }
        store.extend(typst_kit::fonts::embedded());
        if system {
            store.extend(typst_kit::fonts::system());
        }
        Fonts { store }
    }

    /// The families known, sorted.
    pub fn families(&self) -> Vec<String> {
        self.store.book().families().map(|(name, _)| name.to_string()).collect()
    }
}

/// Whether a font file is one of the built-in ones (as when presse builds its own repository).
fn is_built_in(path: &Path) -> bool {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    BUILT_IN_FONTS.iter().any(|(name, data)| path.ends_with(name) && data.len() as u64 == size)
}

/// The shared, expensive parts of a world: the standard library and the fonts.
#[derive(Clone)]
pub struct Environment {
    library: Arc<LazyHash<Library>>,
    fonts: Arc<Fonts>,
}

impl Environment {
    /// A standard library and a font set, shared by every compilation.
    pub fn new(fonts: Fonts) -> Environment {
        Environment { library: Arc::new(LazyHash::new(Library::default())), fonts: Arc::new(fonts) }
    }

    /// The fonts.
    pub fn fonts(&self) -> &Fonts {
        &self.fonts
    }
}

/// One compilation: a main source and in-memory files over the sandboxed project root.
pub struct PresseWorld {
    env: Environment,
    files: FileStore<ProjectFiles>,
    main: FileId,
    today: Datetime,
}

impl PresseWorld {
    /// A world whose main file is `main_path` (virtual, e.g. `/.presse/main.typ`) holding `main`.
    /// `virtual_files` are served from memory; everything else comes from under `root`.
    pub fn new(
        env: Environment,
        root: &Path,
        main_path: &str,
        virtual_files: Vec<(String, Vec<u8>)>,
        today: Datetime,
    ) -> PresseWorld {
        let main = file_id(main_path);
        let memory =
            virtual_files.into_iter().map(|(path, bytes)| (file_id(&path), Bytes::new(bytes)));
        let loader = ProjectFiles {
            root: root.canonicalize().unwrap_or_else(|_| root.to_path_buf()),
            memory: memory.collect(),
        };
        PresseWorld { env, files: FileStore::new(loader), main, today }
    }

    /// The main source, as typst parsed it.
    pub fn main_source(&self) -> FileResult<Source> {
        self.files.source(self.main)
    }
}

/// The id of a virtual path in the project root.
pub fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).unwrap_or_else(|_| VirtualPath::new("/").unwrap());
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

impl World for PresseWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.env.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.env.fonts.store.book()
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.files.source(id)
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files.file(id)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.env.fonts.store.font(index)
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

/// Files of the project root, never outside it (symlinks included), and the in-memory ones.
struct ProjectFiles {
    root: PathBuf,
    memory: HashMap<FileId, Bytes>,
}

impl FileLoader for ProjectFiles {
    fn load(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(bytes) = self.memory.get(&id) {
            return Ok(bytes.clone());
        }
        let rooted = id.get();
        if let VirtualRoot::Package(spec) = rooted.root() {
            return Err(FileError::Other(Some(
                format!(
                    "the package {spec} cannot be used: presse never downloads packages; \
                     copy what you need into your style or a ```{{=typst}} block"
                )
                .into(),
            )));
        }
        let path = rooted.vpath().realize(&self.root)?;
        let real = path.canonicalize().map_err(|err| FileError::from_io(err, &path))?;
        if !real.starts_with(&self.root) {
            return Err(FileError::Other(Some(
                format!(
                    "{} is outside the project root; presse reads no file there",
                    path.display()
                )
                .into(),
            )));
        }
        if real.is_dir() {
            return Err(FileError::IsDirectory);
        }
        std::fs::read(&real).map(Bytes::new).map_err(|err| FileError::from_io(err, &path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world(root: &Path) -> PresseWorld {
        let env = Environment::new(Fonts { store: FontStore::new() });
        let files = vec![("/.presse/m.typ".to_string(), b"hi".to_vec())];
        PresseWorld::new(
            env,
            root,
            "/.presse/m.typ",
            files,
            Datetime::from_ymd(2011, 10, 1).unwrap(),
        )
    }

    #[test]
    fn memory_files_and_project_files_are_served() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("a.txt"), "A").unwrap();
        let w = world(tmp.path());
        assert_eq!(w.main_source().unwrap().text(), "hi");
        assert_eq!(w.file(file_id("/a.txt")).unwrap().as_slice(), b"A");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_out_of_the_root_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "S").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), tmp.path().join("link")).unwrap();
        let w = world(tmp.path());
        let err = w.file(file_id("/link")).unwrap_err();
        assert!(err.to_string().contains("outside the project"), "{err}");
    }
}
