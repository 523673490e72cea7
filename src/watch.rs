//! `presse watch`: builds, then rebuilds on every saved change of the sources, the styles or the
//! fonts, keeping the fonts and typst's memoised work between builds so that an edit recompiles
//! only what it changed.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use notify::{Event, EventKind, RecursiveMode, Watcher};

use crate::build::progress::{Progress, Verbosity};
use crate::build::report::{Colour, MessageFormat, print_diagnostics};
use crate::build::{BuildConfig, BuildReport, build_with};
use crate::memo;
use crate::pdf::Environment;

/// The folders watched, under the project root.
const WATCHED: [&str; 3] = ["sources", "styles", "fonts"];

/// How long the files must stay still after a change before a rebuild: editors save a file in
/// several steps (write, rename, change of attributes).
const SETTLE: Duration = Duration::from_millis(50);

/// The longest a rebuild waits for files that keep changing.
const MAX_WAIT: Duration = Duration::from_secs(2);

/// How the findings and the rebuilds are printed.
#[derive(Debug, Clone, Copy)]
pub struct WatchOutput {
    /// How findings are printed.
    pub format: MessageFormat,
    /// Whether findings for people are coloured.
    pub colour: Colour,
    /// `Verbose` prints every step; otherwise one line per rebuild.
    pub verbosity: Verbosity,
}

/// Builds the publications of `config`, then rebuilds them on every change until interrupted.
pub fn watch(config: &BuildConfig, output: WatchOutput) -> Result<()> {
    watch_with(config, output, &mut |_| {})
}

/// How one build of a session ended: its report, or why it could not run.
pub type Built = Result<BuildReport>;

/// As [`watch`], and hands each build, once its findings are printed, to `after_build`
/// (`presse serve` shows it).
pub fn watch_with(
    config: &BuildConfig,
    output: WatchOutput,
    after_build: &mut dyn FnMut(&Built),
) -> Result<()> {
    memo::keep_between_builds();
    let (sender, events) = channel();
    let mut watcher = notify::recommended_watcher(sender).context("cannot watch the files")?;
    let folders = Folders::of(config)?;
    for dir in &folders.watched {
        watcher
            .watch(dir, RecursiveMode::Recursive)
            .with_context(|| format!("cannot watch {}", dir.display()))?;
    }
    let mut session = Session::new(config, output, after_build);
    session.build(&Changes::everything());
    let names: Vec<String> = folders.watched.iter().map(|d| d.display().to_string()).collect();
    if output.verbosity != Verbosity::Quiet {
        eprintln!("watching {} for changes (Ctrl-C stops)", names.join(", "));
    }
    loop {
        let changes = next_changes(&events, &folders)?;
        session.build(&changes);
    }
}

/// The folders of a project as the watcher reports them: absolute, symbolic links resolved.
struct Folders {
    /// The folders of `WATCHED` that exist.
    watched: Vec<PathBuf>,
    /// `sources/`.
    sources: PathBuf,
    /// `fonts/`.
    fonts: PathBuf,
    /// Where the editions go: changes there are presse's own.
    out: PathBuf,
}

impl Folders {
    fn of(config: &BuildConfig) -> Result<Folders> {
        let absolute = |path: &Path| path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        let root = config
            .root
            .canonicalize()
            .with_context(|| format!("cannot read the project root {}", config.root.display()))?;
        std::fs::create_dir_all(&config.out)
            .with_context(|| format!("cannot create {}", config.out.display()))?;
        let watched = WATCHED.iter().map(|name| root.join(name)).filter(|d| d.is_dir()).collect();
        Ok(Folders {
            watched,
            sources: root.join("sources"),
            fonts: root.join("fonts"),
            out: absolute(&config.out),
        })
    }
}

/// What changed since the last build.
#[derive(Debug, Default, PartialEq, Eq)]
struct Changes {
    /// The publications whose own folder changed, by name.
    publications: BTreeSet<String>,
    /// Whether something outside a publication's folder changed (a style): rebuild them all.
    all: bool,
    /// Whether the fonts changed: load them again.
    fonts: bool,
}

impl Changes {
    fn everything() -> Changes {
        Changes { all: true, ..Changes::default() }
    }

    /// Notes one changed file.
    fn add(&mut self, path: &Path, folders: &Folders) {
        if path.starts_with(&folders.fonts) {
            self.fonts = true;
            self.all = true;
        }
        match path.strip_prefix(&folders.sources).ok().and_then(|p| p.components().next()) {
            Some(name) => {
                self.publications.insert(name.as_os_str().to_string_lossy().into_owned());
            }
            None => self.all = true,
        }
    }

    fn is_empty(&self) -> bool {
        !self.all && self.publications.is_empty()
    }
}

/// Waits for a change, then for the files to settle, and says what changed.
fn next_changes(events: &Receiver<notify::Result<Event>>, folders: &Folders) -> Result<Changes> {
    let mut changes = Changes::default();
    let mut first_change = None;
    loop {
        let waited = first_change.map(|t: Instant| t.elapsed());
        let event = match waited {
            None => events.recv().map_err(|_| RecvTimeoutError::Disconnected),
            Some(waited) if waited >= MAX_WAIT => return Ok(changes),
            Some(_) => events.recv_timeout(SETTLE),
        };
        match event {
            Ok(Ok(event)) => note_event(&event, folders, &mut changes),
            Ok(Err(err)) => eprintln!("warning: the file watcher: {err}"),
            Err(RecvTimeoutError::Timeout) => return Ok(changes),
            Err(RecvTimeoutError::Disconnected) => bail!("the file watcher stopped"),
        }
        if first_change.is_none() && !changes.is_empty() {
            first_change = Some(Instant::now());
        }
    }
}

/// Adds the files of one event to `changes`, unless presse or an editor's temporary file made it.
fn note_event(event: &Event, folders: &Folders, changes: &mut Changes) {
    if !matches!(event.kind, EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)) {
        return;
    }
    for path in &event.paths {
        if !path.starts_with(&folders.out) && !is_temporary(path) {
            changes.add(path, folders);
        }
    }
}

/// Whether a file is an editor's or presse's temporary: `.x.swp`, `x~`, `#x#`, vim's `4913`.
fn is_temporary(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
        || name == "4913"
}

/// What lives from one build to the next: the fonts, typst's files, the publications failing.
struct Session<'a> {
    config: BuildConfig,
    output: WatchOutput,
    /// Called after each build.
    after_build: &'a mut dyn FnMut(&Built),
    env: OnceLock<Environment>,
    /// The publications whose last build failed.
    failing: BTreeSet<String>,
    /// Whether a build has run (the first one builds everything, up to date or not).
    started: bool,
}

impl<'a> Session<'a> {
    fn new(
        config: &BuildConfig,
        output: WatchOutput,
        after_build: &'a mut dyn FnMut(&Built),
    ) -> Session<'a> {
        let mut session = Session {
            config: config.clone(),
            output,
            after_build,
            env: OnceLock::new(),
            failing: BTreeSet::new(),
            started: false,
        };
        session.load_fonts();
        session
    }

    /// Loads the fonts, set to keep typst's files between compilations.
    fn load_fonts(&mut self) {
        let env = Environment::for_project(&self.config.root, self.config.system_fonts);
        let env = env.keeping_files();
        self.env = OnceLock::from(env);
    }

    /// Builds what `changes` touched and says how it went.
    fn build(&mut self, changes: &Changes) {
        if changes.fonts {
            self.load_fonts();
        }
        let mut config = self.config.clone();
        config.force = !self.started;
        if !changes.all {
            config.publications = self.touched(&changes.publications);
            if config.publications.is_empty() {
                return;
            }
        }
        let verbosity = match self.output.verbosity {
            Verbosity::Verbose => Verbosity::Verbose,
            _ => Verbosity::Quiet,
        };
        // Each build is one round of memoised work (see `memo`): memory stays bounded.
        let built = build_with(&config, &self.env, &Progress::stderr(verbosity, false));
        match &built {
            Ok(report) => self.tell(report),
            Err(err) => eprintln!("error: {err:#}"),
        }
        self.started = true;
        (self.after_build)(&built);
    }

    /// Of the publications changed, those watched that still exist.
    fn touched(&self, changed: &BTreeSet<String>) -> Vec<String> {
        let watched = &self.config.publications;
        let sources = self.config.root.join("sources");
        changed
            .iter()
            .filter(|name| watched.is_empty() || watched.contains(name))
            .filter(|name| sources.join(name).join("publication.toml").is_file())
            .cloned()
            .collect()
    }

    /// Prints the findings, then one line per publication: rebuilt, failed, or fixed; under
    /// `--quiet`, only the findings and the failures.
    fn tell(&mut self, report: &BuildReport) {
        let (format, colour) = (self.output.format, self.output.colour);
        print_diagnostics(&report.diagnostics, format, colour, &self.config.root);
        let quiet = self.output.verbosity == Verbosity::Quiet;
        let verb = if self.started { "rebuilt" } else { "built" };
        for line in rebuilt_lines(report, verb).into_iter().filter(|_| !quiet) {
            eprintln!("{line}");
        }
        for name in &report.failed {
            eprintln!(
                "{name}: not {verb}: fix the errors above; the editions from the last good build \
                 are kept"
            );
            self.failing.insert(name.clone());
        }
        for name in &report.up_to_date {
            if self.failing.contains(name) && !quiet {
                eprintln!("{name}: fixed; its editions on disk are up to date");
            }
        }
        for name in report.editions.iter().map(|e| &e.publication).chain(&report.up_to_date) {
            self.failing.remove(name);
        }
    }
}

/// `rebuilt corpus in 0.42 s (PDF, EPUB)`, one line per publication written.
fn rebuilt_lines(report: &BuildReport, verb: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut editions = report.editions.iter().peekable();
    while let Some(first) = editions.next() {
        let (mut seconds, mut kinds) = (first.seconds, vec![first.edition.name()]);
        while let Some(next) = editions.next_if(|e| e.publication == first.publication) {
            seconds = seconds.max(next.seconds);
            kinds.push(next.edition.name());
        }
        lines.push(format!(
            "{verb} {} in {seconds:.2} s ({})",
            first.publication,
            kinds.join(", ")
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::{Edition, WrittenEdition};

    fn folders() -> Folders {
        Folders {
            watched: Vec::new(),
            sources: PathBuf::from("/p/sources"),
            fonts: PathBuf::from("/p/fonts"),
            out: PathBuf::from("/p/output"),
        }
    }

    fn changes_of(paths: &[&str]) -> Changes {
        let mut changes = Changes::default();
        let event = Event {
            kind: EventKind::Modify(notify::event::ModifyKind::Any),
            paths: paths.iter().map(PathBuf::from).collect(),
            attrs: Default::default(),
        };
        note_event(&event, &folders(), &mut changes);
        changes
    }

    #[test]
    fn a_chapter_touches_its_publication_a_style_or_a_font_touches_them_all() {
        let chapter = changes_of(&["/p/sources/lettre/01.md", "/p/sources/lettre/images/a.png"]);
        assert_eq!(chapter.publications, BTreeSet::from(["lettre".to_string()]));
        assert!(!chapter.all && !chapter.fonts);
        assert!(changes_of(&["/p/styles/maison/template.typ"]).all);
        let font = changes_of(&["/p/fonts/Inter.otf"]);
        assert!(font.all && font.fonts);
    }

    #[test]
    fn editions_written_and_temporary_files_are_no_change() {
        let ignored = changes_of(&[
            "/p/output/lettre/lettre.pdf",
            "/p/sources/lettre/.01.md.swp",
            "/p/sources/lettre/01.md~",
            "/p/sources/lettre/4913",
        ]);
        assert!(ignored.is_empty(), "{ignored:?}");
    }

    #[test]
    fn each_publication_rebuilt_gets_one_line_with_its_time_and_editions() {
        let edition = |publication: &str, edition, seconds| WrittenEdition {
            publication: publication.into(),
            edition,
            path: PathBuf::from(publication),
            bytes: 1,
            pages: None,
            page_hashes: Vec::new(),
            seconds,
        };
        let report = BuildReport {
            editions: vec![
                edition("a", Edition::Pdf, 0.5),
                edition("a", Edition::Epub, 0.6),
                edition("b", Edition::Epub, 0.2),
            ],
            ..BuildReport::default()
        };
        assert_eq!(
            rebuilt_lines(&report, "rebuilt"),
            ["rebuilt a in 0.60 s (PDF, EPUB)", "rebuilt b in 0.20 s (EPUB)"]
        );
    }
}
