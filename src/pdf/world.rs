//! presse's own typst world: files from the project root only, our fonts only, no packages.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook, FontInfo};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::files::{FileLoader, FileStore};
use typst_kit::fonts::{FontPath, FontStore};

use crate::diag::{Diagnostic, Pos};
use crate::paths::{Refusal, files_under, inside_project};

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
    /// The files under the font folders named like fonts that typst cannot read.
    skipped: Vec<PathBuf>,
}

impl Fonts {
    /// Loads the fonts under `dirs` (recursively), then the built-in ones, then maybe the system's.
    pub fn load(dirs: &[PathBuf], system: bool) -> Fonts {
        let mut store = FontStore::new();
        let mut skipped = Vec::new();
        for dir in dirs {
            let mut found: Vec<_> = typst_kit::fonts::scan(dir).collect();
            skipped.extend(unreadable_fonts(dir, &found));
            found.retain(|(f, _)| !is_built_in(&f.path));
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
        Fonts { store, skipped }
    }

    /// A warning for each file under the font folders that looks like a font and is not one,
    /// named relative to `root`.
    pub fn warnings(&self, root: &Path) -> Vec<Diagnostic> {
        let skipped = self.skipped.iter().map(|path| path.strip_prefix(root).unwrap_or(path));
        skipped
            .map(|path| {
                Diagnostic::warning(
                    path,
                    Pos::default(),
                    "this font file cannot be read; it is skipped",
                )
                .with_code("bad-font")
                .with_hint("replace it with a TrueType or OpenType font file, or remove it")
            })
            .collect()
    }

    /// The families known, sorted.
    pub fn families(&self) -> Vec<String> {
        self.store.book().families().map(|(name, _)| name.to_string()).collect()
    }
}

/// The files under `dir` named like fonts (as typst's scan picks them) that gave no font face.
fn unreadable_fonts(dir: &Path, found: &[(FontPath, FontInfo)]) -> Vec<PathBuf> {
    let is_font_like = |path: &PathBuf| {
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        FONT_EXTENSIONS.iter().any(|e| extension.eq_ignore_ascii_case(e))
    };
    let read = |path: &PathBuf| found.iter().any(|(font, _)| &font.path == path);
    files_under(dir).into_iter().filter(|path| is_font_like(path) && !read(path)).collect()
}

/// The file extensions typst's font scan reads.
const FONT_EXTENSIONS: [&str; 4] = ["ttf", "otf", "ttc", "otc"];

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
    /// typst's files, kept between compilations when asked (by `presse watch`).
    kept: Option<Arc<Kept>>,
}

impl Environment {
    /// The environment of a project: the fonts of its `fonts/` folder, presse's and typst's
    /// built-in fonts, and the system's when asked.
    pub fn for_project(root: &Path, system_fonts: bool) -> Environment {
        let dir = root.join("fonts");
        let dirs = if dir.is_dir() { vec![dir] } else { Vec::new() };
        Environment::new(Fonts::load(&dirs, system_fonts))
    }

    /// A standard library and a font set, shared by every compilation.
    pub fn new(fonts: Fonts) -> Environment {
        let library = Arc::new(LazyHash::new(Library::default()));
        Environment { library, fonts: Arc::new(fonts), kept: None }
    }

    /// The same environment, keeping typst's files from one compilation of a publication to the
    /// next: its sources are then edited in place, so that typst's memoised work on the parts
    /// that did not change still applies, and images are neither read nor hashed again.
    pub fn keeping_files(self) -> Environment {
        Environment { kept: Some(Arc::default()), ..self }
    }

    /// The fonts every compilation in this environment draws from.
    pub fn fonts(&self) -> &Fonts {
        &self.fonts
    }
}

/// What an environment keeps between compilations: each publication's file store, and the
/// bytes of the project's files.
#[derive(Default)]
struct Kept {
    /// File stores by publication, holding the sources of its last compilation.
    stores: Mutex<HashMap<String, FileStore<ProjectFiles>>>,
    /// Project files as last read.
    files: Arc<FileCache>,
}

/// Project files as last read, by path, with the modification time and length they had then.
type FileCache = Mutex<HashMap<PathBuf, (SystemTime, u64, Bytes)>>;

/// Locks a mutex, even one a panicking thread held: what it guards stays usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One compilation: a main source and in-memory files over the sandboxed project root.
pub struct PresseWorld {
    env: Environment,
    files: FileStore<ProjectFiles>,
    main: FileId,
    today: Datetime,
    /// The name its files are kept under when it is dropped, if the environment keeps files.
    kept_as: Option<String>,
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
            cache: env.kept.as_ref().map(|kept| kept.files.clone()),
        };
        PresseWorld { env, files: FileStore::new(loader), main, today, kept_as: None }
    }

    /// The same world, going on from the files that the last compilation of `name` kept, and
    /// keeping its own for the next one, when the environment keeps files; else unchanged.
    pub fn kept_as(mut self, name: &str) -> PresseWorld {
        let Some(kept) = self.env.kept.clone() else { return self };
        if let Some(mut store) = lock(&kept.stores).remove(name) {
            *store.loader_mut() = std::mem::take(&mut self.files).into_loader();
            // Every file is read again; sources are then edited in place rather than parsed anew.
            store.reset();
            self.files = store;
        }
        self.kept_as = Some(name.to_string());
        self
    }

    /// The project files the last compilation read or looked for, relative to the root, sorted.
    pub fn project_files_read(&mut self) -> Vec<PathBuf> {
        let (loader, ids) = self.files.dependencies();
        let mut files: Vec<PathBuf> = ids
            .filter(|id| !loader.memory.contains_key(id))
            .filter_map(|id| {
                let rooted = id.get();
                let in_project = matches!(rooted.root(), VirtualRoot::Project);
                let path = rooted.vpath().realize(&loader.root).ok()?;
                in_project.then(|| path.strip_prefix(&loader.root).ok().map(Path::to_path_buf))?
            })
            .collect();
        files.sort();
        files
    }

    /// The main source, as typst parsed it.
    #[cfg(test)]
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

impl Drop for PresseWorld {
    fn drop(&mut self) {
        if let (Some(kept), Some(name)) = (&self.env.kept, self.kept_as.take()) {
            lock(&kept.stores).insert(name, std::mem::take(&mut self.files));
        }
    }
}

/// Files of the project root, never outside it (symlinks included), and the in-memory ones.
#[derive(Default)]
struct ProjectFiles {
    root: PathBuf,
    memory: HashMap<FileId, Bytes>,
    /// Files read by earlier compilations, when they are kept.
    cache: Option<Arc<FileCache>>,
}

impl ProjectFiles {
    /// Reads a project file, or takes it from the cache when it has not changed since: the same
    /// bytes, whose hash typst has already computed.
    fn read(&self, real: &Path, path: &Path) -> FileResult<Bytes> {
        let read = || std::fs::read(real).map(Bytes::new).map_err(|e| FileError::from_io(e, path));
        let Some(cache) = &self.cache else { return read() };
        let stamp = std::fs::metadata(real).and_then(|m| Ok((m.modified()?, m.len())));
        let Ok((modified, len)) = stamp else { return read() };
        if let Some((m, l, bytes)) = lock(cache).get(real)
            && (*m, *l) == (modified, len)
        {
            return Ok(bytes.clone());
        }
        let bytes = read()?;
        lock(cache).insert(real.to_path_buf(), (modified, len, bytes.clone()));
        Ok(bytes)
    }
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
        let real = inside_project(&self.root, &path).map_err(|refusal| match refusal {
            Refusal::Unreachable(err) => FileError::from_io(err, &path),
            Refusal::Outside => FileError::Other(Some(
                format!(
                    "{} is outside the project root; presse reads no file there",
                    path.display()
                )
                .into(),
            )),
            Refusal::Folder => FileError::IsDirectory,
            // Reading a named pipe or a device could wait for ever, or never end.
            Refusal::Special => FileError::Other(Some(
                format!("{} is not a regular file; presse reads none", path.display()).into(),
            )),
        })?;
        self.read(&real, &path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world(root: &Path) -> PresseWorld {
        let env = Environment::new(Fonts { store: FontStore::new(), skipped: Vec::new() });
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

    #[test]
    fn a_font_file_that_is_not_a_font_is_skipped_with_a_warning() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("fonts/x")).unwrap();
        std::fs::write(tmp.path().join("fonts/x/Faux.TTF"), "not a font").unwrap();
        std::fs::write(tmp.path().join("fonts/LISEZMOI.txt"), "not a font either").unwrap();
        let fonts = Fonts::load(&[tmp.path().join("fonts")], false);
        let warnings = fonts.warnings(tmp.path());
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].file, Path::new("fonts/x/Faux.TTF"));
        assert!(!warnings[0].is_error());
    }

    #[test]
    fn a_kept_world_serves_what_changed_since_the_last_compilation() {
        let tmp = tempfile::tempdir().unwrap();
        let env = Environment::new(Fonts { store: FontStore::new(), skipped: Vec::new() });
        let env = env.keeping_files();
        let date = Datetime::from_ymd(2011, 10, 1).unwrap();
        let compile = |main: &str| {
            let files = vec![("/.presse/m.typ".to_string(), main.as_bytes().to_vec())];
            PresseWorld::new(env.clone(), tmp.path(), "/.presse/m.typ", files, date).kept_as("p")
        };
        std::fs::write(tmp.path().join("a.txt"), "A").unwrap();
        let first = compile("= Un");
        assert_eq!(first.main_source().unwrap().text(), "= Un");
        assert_eq!(first.file(file_id("/a.txt")).unwrap().as_slice(), b"A");
        drop(first);
        std::fs::write(tmp.path().join("a.txt"), "BB").unwrap();
        let second = compile("= Un, et deux");
        assert_eq!(second.main_source().unwrap().text(), "= Un, et deux");
        assert_eq!(second.file(file_id("/a.txt")).unwrap().as_slice(), b"BB");
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
