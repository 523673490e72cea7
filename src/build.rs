//! `presse build`: every stage in order, for each publication, with one checked configuration.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::OnceLock;
use std::time::Instant;

use anyhow::Result;
use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics};
use crate::epub::{EpubOptions, epub};
use crate::model::Publication;
use crate::output::{Staged, clean_temporaries, edition_dir, stage, write_atomic};
use crate::preflight;
use crate::print::PdfProfile;
use crate::progress::{Outcome, Progress, PublicationProgress, Step};
use crate::styles::Style;
use crate::typst::Typeset;
use crate::typst::world::{Environment, Fonts};
use crate::{load, passes, stamp, styles};

/// What to build and where, checked before any work starts.
#[derive(Debug, Clone)]
pub struct BuildConfig {
    /// The project root: the folder holding `sources/`.
    pub root: PathBuf,
    /// Where editions go (`output/` under the root by default).
    pub out: PathBuf,
    /// The publications to build; empty means all.
    pub publications: Vec<String>,
    /// Also write the generated `.typ` beside the PDF.
    pub emit_typst: bool,
    /// Let typst use the system's fonts too.
    pub system_fonts: bool,
    /// Also render every page to PNG, and a contact sheet, under `<publication>/preview/`.
    pub preview: bool,
    /// Which editions to write.
    pub formats: Formats,
    /// Whether findings that are warnings by default (an image without alt text) are errors.
    pub strict: bool,
    /// The longest side of an image in the EPUB, in pixels.
    pub max_image_side: u32,
    /// Build even when nothing changed since the last build.
    pub force: bool,
    /// How many publications to build at once; 0 means one per core.
    pub jobs: usize,
    /// Build only this part of the publications.
    pub shard: Option<Shard>,
    /// Make the print edition of the PDF (bleed, crop marks, page boxes; see `[print]`).
    pub print: bool,
    /// The PDF standard to meet, overriding `[print] standard`.
    pub pdf_standard: Option<crate::manifest::PdfStandard>,
}

impl BuildConfig {
    /// The settings that change what is written, as text for the inputs' stamp.
    fn settings(&self) -> String {
        let Self { formats, emit_typst, preview, strict, max_image_side, system_fonts, .. } = self;
        let (print, pdf_standard) = (self.print, self.pdf_standard);
        format!(
            "{formats:?} {emit_typst} {preview} {strict} {max_image_side} {system_fonts} \
             {print} {pdf_standard:?}"
        )
    }

    /// The files a build of `name` leaves in `dir`.
    fn expected_files(&self, dir: &Path, name: &str) -> Vec<PathBuf> {
        let mut files = Vec::new();
        if self.formats.pdf {
            files.push(dir.join(format!("{name}.pdf")));
        }
        if self.formats.epub {
            files.push(dir.join(format!("{name}.epub")));
        }
        if self.emit_typst {
            files.push(dir.join(format!("{name}.typ")));
        }
        if self.preview {
            files.push(dir.join("preview").join("contact-sheet.png"));
        }
        files
    }
}

/// The editions a build writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    /// The print PDF.
    pub pdf: bool,
    /// The EPUB 3.
    pub epub: bool,
}

impl Formats {
    /// The editions asked for, by file extension.
    pub fn names(self) -> Vec<&'static str> {
        [("pdf", self.pdf), ("epub", self.epub)]
            .into_iter()
            .filter_map(|(n, on)| on.then_some(n))
            .collect()
    }
}

/// One edition written.
#[derive(Debug, Clone)]
pub struct Edition {
    /// The publication's name.
    pub publication: String,
    /// The file written.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: usize,
    /// Its page count (PDF only).
    pub pages: Option<usize>,
    /// How long it took, in seconds.
    pub seconds: f64,
}

/// What a build did: the editions written and every finding.
#[derive(Debug, Default)]
pub struct BuildReport {
    /// The editions written, publication by publication.
    pub editions: Vec<Edition>,
    /// Errors and warnings: publication by publication, each in the order found.
    pub diagnostics: Diagnostics,
    /// The publications skipped because nothing changed since their last build.
    pub up_to_date: Vec<String>,
    /// The publications not written because of errors in their sources.
    pub failed: Vec<String>,
    /// How long the whole build took, in seconds.
    pub seconds: f64,
}

impl BuildReport {
    /// Adds what one publication's build did.
    fn add(&mut self, done: PublicationBuild) {
        self.diagnostics.extend(done.diagnostics);
        match done.outcome {
            Outcome::Built => self.editions.extend(done.editions),
            Outcome::UpToDate => self.up_to_date.push(done.name),
            Outcome::Failed => self.failed.push(done.name),
        }
    }
}

/// One part of the publications, to split a large tree across CI machines: of the sorted
/// publications, every `count`th one starting at the `index`th (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which part, from 1 to `count`.
    pub index: usize,
    /// How many parts.
    pub count: usize,
}

impl Shard {
    /// The publications of this part, from the sorted list of all of them.
    pub fn select(self, names: Vec<String>) -> Vec<String> {
        names.into_iter().skip(self.index - 1).step_by(self.count).collect()
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let number = |s: &str| s.trim().parse::<usize>().ok();
        match text.split_once('/').and_then(|(i, n)| number(i).zip(number(n))) {
            Some((index, count)) if 1 <= index && index <= count => Ok(Shard { index, count }),
            _ => Err(format!(
                "`{text}` is not a shard: write I/N with 1 <= I <= N, e.g. 2/4 for the second of \
                 four machines"
            )),
        }
    }
}

/// The fonts of a project: its `fonts/` folder, typst's embedded fonts, maybe the system's.
pub fn project_environment(root: &Path, system_fonts: bool) -> Environment {
    let dir = root.join("fonts");
    let dirs = if dir.is_dir() { vec![dir] } else { Vec::new() };
    Environment::new(Fonts::load(&dirs, system_fonts))
}

/// Builds the editions of every publication asked for, silently, with fonts loaded for it.
pub fn build(config: &BuildConfig) -> Result<BuildReport> {
    build_with(config, &OnceLock::new(), &Progress::silent())
}

/// Builds the editions of every publication asked for, in parallel, reporting to `progress`.
/// `env` holds the fonts, loaded on first need (none for up-to-date publications); `presse
/// watch` passes the same one to every build, so that typst's work carries over.
pub fn build_with(
    config: &BuildConfig,
    env: &OnceLock<Environment>,
    progress: &Progress,
) -> Result<BuildReport> {
    let started = Instant::now();
    let mut report = BuildReport::default();
    let names = selected_publications(config, &mut report.diagnostics);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.jobs)
        .thread_name(|i| format!("presse-{i}"))
        .build()?;
    // `collect` keeps the publications' order, whichever finishes first: the findings come out
    // in the same order on every run.
    let done: Vec<Result<PublicationBuild>> = pool.install(|| {
        names.par_iter().map(|name| build_publication(config, env, name, progress)).collect()
    });
    for publication in done {
        report.add(publication?);
    }
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// The publications to build: those named (all when none is), then this machine's shard.
fn selected_publications(config: &BuildConfig, diagnostics: &mut Diagnostics) -> Vec<String> {
    let names = match load::publication_dirs(&config.root, &config.publications) {
        Ok(names) => names,
        Err(d) => {
            diagnostics.push(d);
            return Vec::new();
        }
    };
    if names.is_empty() {
        diagnostics.push(
            Diagnostic::error("sources", Default::default(), "no publication found")
                .with_hint("make a folder sources/<name>/ with a publication.toml and chapters"),
        );
        return names;
    }
    let Some(shard) = config.shard else { return names };
    let total = names.len();
    let selected = shard.select(names);
    if selected.is_empty() {
        diagnostics.push(
            Diagnostic::warning(
                "sources",
                Default::default(),
                format!(
                    "shard {}/{} has none of the {total} publications",
                    shard.index, shard.count
                ),
            )
            .with_hint("split the publications into at most as many shards as there are"),
        );
    }
    selected
}

/// Loads and runs the passes on one publication: the model both editions read.
pub fn prepare(root: &Path, name: &str, diagnostics: &mut Diagnostics) -> Option<Publication> {
    let publication = match load::load(root, name) {
        Ok(p) => p,
        Err(found) => {
            diagnostics.extend(found);
            return None;
        }
    };
    let mut found = Diagnostics::default();
    let publication = passes::run(publication, root, &mut found);
    let failed = found.has_errors();
    diagnostics.extend(found);
    (!failed).then_some(publication)
}

/// What building one publication did.
struct PublicationBuild {
    name: String,
    outcome: Outcome,
    editions: Vec<Edition>,
    diagnostics: Diagnostics,
}

/// Builds one publication, following it in `progress`; its findings are its own, to be merged in
/// the publications' order.
fn build_publication(
    config: &BuildConfig,
    env: &OnceLock<Environment>,
    name: &str,
    progress: &Progress,
) -> Result<PublicationBuild> {
    let tracker = progress.publication(name, &config.formats.names());
    let mut diagnostics = Diagnostics::default();
    let editions = make_editions(config, env, name, &tracker, &mut diagnostics);
    let outcome = match &editions {
        Ok(Some(_)) => Outcome::Built,
        Ok(None) if !diagnostics.has_errors() => Outcome::UpToDate,
        _ => Outcome::Failed,
    };
    tracker.finish(outcome);
    let editions = editions?.unwrap_or_default();
    Ok(PublicationBuild { name: name.to_string(), outcome, editions, diagnostics })
}

/// Makes and writes the editions of one publication; `None` when it is up to date or has errors.
fn make_editions(
    config: &BuildConfig,
    env: &OnceLock<Environment>,
    name: &str,
    tracker: &PublicationProgress,
    diagnostics: &mut Diagnostics,
) -> Result<Option<Vec<Edition>>> {
    let started = Instant::now();
    let dir = edition_dir(&config.out, name)?;
    // One presse process at a time writes a publication's editions (see output::lock).
    let _lock = crate::output::lock(&config.out, name)?;
    clean_temporaries(&dir);
    let settings = config.settings();
    let expected = config.expected_files(&dir, name);
    if !config.force
        && let Some(warnings) = stamp::unchanged(&config.root, name, &dir, &settings, &expected)
    {
        diagnostics.extend(Diagnostics(warnings));
        return Ok(None);
    }
    tracker.step(Step::Reading);
    let Some(publication) = prepare(&config.root, name, diagnostics) else {
        return Ok(None);
    };
    if config.strict && passes::checks::escalate_missing_alt(diagnostics) {
        return Ok(None);
    }
    let style = match styles::resolve(&config.root, &publication) {
        Ok(style) => style,
        Err(d) => {
            diagnostics.push(d);
            return Ok(None);
        }
    };
    // The inputs are hashed before they are used: a file saved during the build rebuilds.
    let mut inputs = stamp::Inputs::new(&config.root, name, &settings);
    inputs.add_files(stamp::model_files(&config.root, &publication));
    let job = Job { config, publication: &publication, style: &style, dir: &dir, started };
    let Some(made) = job.make(env, tracker, diagnostics)? else {
        return Ok(None);
    };
    tracker.step(Step::Writing);
    if let Some(pdf) = &made.pdf {
        inputs.add_files(pdf.files_read.iter().cloned());
    }
    stamp::remove(&dir);
    let editions = job.commit_all(made)?;
    // `diagnostics` holds this publication's findings only: warnings, since it was built.
    stamp::write(&dir, &inputs.stamp(diagnostics.0.clone()))?;
    Ok(Some(editions))
}

/// A PDF made and staged beside its final name: its size, its page count, and its pages as PNG
/// when asked.
struct PdfEdition {
    file: Staged,
    bytes: usize,
    pages: usize,
    previews: Option<crate::preview::Previews>,
    /// The project files typst read, beyond those the model names (raw blocks' `read()` …).
    files_read: Vec<PathBuf>,
}

/// One publication, prepared, with its style and its output folder.
struct Job<'a> {
    config: &'a BuildConfig,
    publication: &'a Publication,
    style: &'a Style,
    dir: &'a Path,
    started: Instant,
}

impl Job<'_> {
    /// The PDF, staged, its size and its laid-out pages, or `None` when typst found errors.
    fn pdf(
        &self,
        env: &Environment,
        diagnostics: &mut Diagnostics,
    ) -> Result<Option<(Staged, usize, Typeset)>> {
        let mut found = Diagnostics::default();
        let (root, config) = (&self.config.root, self.config);
        let manifest = &self.publication.manifest.print;
        let profile = PdfProfile::resolve(manifest, config.print, config.pdf_standard);
        let bleed = profile.print.map(|print| print.bleed);
        let typeset = crate::typst::typeset_with_bleed(
            self.publication,
            root,
            env,
            self.style,
            bleed,
            &mut found,
        );
        if self.config.emit_typst
            && let Some(source) = typeset.as_ref().map(|t| &t.source)
        {
            let path = self.dir.join(format!("{}.typ", self.publication.name));
            write_atomic(&path, source.text.as_bytes())?;
        }
        let pdf = match &typeset {
            Some(t) if !found.has_errors() => {
                let publication = self.publication;
                // The pages are checked while the PDF is made from them.
                let (pdf, pages_found) = rayon::join(
                    || crate::typst::export_pdf_with(t, publication, &profile, &mut found),
                    || preflight::check_pages(t, publication, config.strict),
                );
                match pdf {
                    Some(bytes) => {
                        // The file is written while its fonts are checked; errors remove it.
                        let (file, ()) = rayon::join(
                            || self.stage("pdf", &bytes),
                            || preflight::check_pdf(&bytes, publication, &mut found),
                        );
                        found.extend(pages_found);
                        Some((file?, bytes.len()))
                    }
                    None => None,
                }
            }
            _ => None,
        };
        let pdf = pdf.filter(|_| !found.has_errors());
        diagnostics.extend(found);
        Ok(pdf.zip(typeset).map(|((file, bytes), typeset)| (file, bytes, typeset)))
    }

    /// The EPUB, or `None` when it found errors.
    fn epub(&self, diagnostics: &mut Diagnostics) -> Option<Vec<u8>> {
        let options = EpubOptions {
            max_image_side: self.config.max_image_side,
            cache_dir: Some(self.config.out.join(".cache").join("images")),
        };
        epub(self.publication, &self.config.root, self.style, &options, diagnostics)
    }

    /// Writes one edition beside its final name, to be put in place by [`Job::commit`].
    fn stage(&self, extension: &str, bytes: &[u8]) -> Result<Staged> {
        stage(&self.dir.join(format!("{}.{extension}", self.publication.name)), bytes)
    }

    /// Puts one staged edition in place and describes it.
    fn commit(&self, file: Staged, bytes: usize, pages: Option<usize>) -> Result<Edition> {
        let path = file.path().to_path_buf();
        file.commit()?;
        let seconds = self.started.elapsed().as_secs_f64();
        let publication = self.publication.name.clone();
        Ok(Edition { publication, path, bytes, pages, seconds })
    }
}

/// One edition made in memory, or why not.
enum Made<T> {
    /// The build does not ask for this edition.
    Skipped,
    /// Its sources have errors.
    Failed,
    /// Made, ready to write.
    Ready(T),
}

impl<T> Made<T> {
    fn ready(self) -> Option<T> {
        match self {
            Made::Ready(edition) => Some(edition),
            _ => None,
        }
    }
}

/// The editions of one publication, staged and not yet in place.
struct Editions {
    pdf: Option<PdfEdition>,
    /// The EPUB and its size.
    epub: Option<(Staged, usize)>,
}

impl Job<'_> {
    /// Both editions, made side by side and staged; `None` when either found errors. Either every
    /// edition asked for is put in place, or none, so that the PDF and the EPUB on disk agree.
    fn make(
        &self,
        env: &OnceLock<Environment>,
        tracker: &PublicationProgress,
        diagnostics: &mut Diagnostics,
    ) -> Result<Option<Editions>> {
        let (mut pdf_found, mut epub_found) = (Diagnostics::default(), Diagnostics::default());
        let (pdf, epub) = rayon::join(
            || self.pdf_edition(env, tracker, &mut pdf_found),
            || self.epub_edition(tracker, &mut epub_found),
        );
        diagnostics.extend(pdf_found);
        diagnostics.extend(epub_found);
        Ok(match (pdf?, epub?) {
            (Made::Failed, _) | (_, Made::Failed) => None,
            (pdf, epub) => Some(Editions { pdf: pdf.ready(), epub: epub.ready() }),
        })
    }

    /// The PDF, staged, its page count and its previews; the laid-out pages are dropped here,
    /// before the EPUB is waited for.
    fn pdf_edition(
        &self,
        env: &OnceLock<Environment>,
        tracker: &PublicationProgress,
        diagnostics: &mut Diagnostics,
    ) -> Result<Made<PdfEdition>> {
        if !self.config.formats.pdf {
            return Ok(Made::Skipped);
        }
        let config = self.config;
        let env = env.get_or_init(|| project_environment(&config.root, config.system_fonts));
        diagnostics.extend(Diagnostics(env.fonts().warnings(&config.root)));
        tracker.step(Step::Typesetting);
        let Some((file, bytes, mut typeset)) = self.pdf(env, diagnostics)? else {
            return Ok(Made::Failed);
        };
        let previews = config.preview.then(|| {
            tracker.step(Step::Previewing);
            crate::preview::render(&typeset.document)
        });
        let pages = typeset.document.pages().len();
        let files_read = typeset.files_read();
        Ok(Made::Ready(PdfEdition { file, bytes, pages, previews, files_read }))
    }

    /// The EPUB.
    fn epub_edition(
        &self,
        tracker: &PublicationProgress,
        diagnostics: &mut Diagnostics,
    ) -> Result<Made<(Staged, usize)>> {
        if !self.config.formats.epub {
            return Ok(Made::Skipped);
        }
        tracker.step(Step::MakingEpub);
        Ok(match self.epub(diagnostics) {
            // Written while the PDF is still being made.
            Some(bytes) => Made::Ready((self.stage("epub", &bytes)?, bytes.len())),
            None => Made::Failed,
        })
    }

    /// Puts the staged editions in place, the PDF's previews beside, and describes them.
    fn commit_all(&self, editions: Editions) -> Result<Vec<Edition>> {
        let mut written = Vec::new();
        if let Some(pdf) = editions.pdf {
            written.push(self.commit(pdf.file, pdf.bytes, Some(pdf.pages))?);
            if let Some(previews) = &pdf.previews {
                write_previews(&self.dir.join("preview"), previews)?;
            }
        }
        if let Some((file, bytes)) = editions.epub {
            written.push(self.commit(file, bytes, None)?);
        }
        Ok(written)
    }
}

/// Writes `page-001.png` … and `contact-sheet.png`, removing pages left from a longer edition.
fn write_previews(dir: &Path, previews: &crate::preview::Previews) -> Result<()> {
    for (index, png) in previews.pages.iter().enumerate() {
        write_atomic(&dir.join(format!("page-{:03}.png", index + 1)), png)?;
    }
    write_atomic(&dir.join("contact-sheet.png"), &previews.sheet)?;
    let count = previews.pages.len();
    for entry in std::fs::read_dir(dir)?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let number = name.strip_prefix("page-").and_then(|n| n.strip_suffix(".png"));
        if number.and_then(|n| n.parse::<usize>().ok()).is_some_and(|n| n > count) {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shard_takes_every_nth_publication_from_its_own() {
        let names: Vec<String> = ["a", "b", "c", "d", "e"].map(String::from).into();
        let shard = |text: &str| text.parse::<Shard>().unwrap().select(names.clone());
        assert_eq!(shard("1/2"), ["a", "c", "e"]);
        assert_eq!(shard("2/2"), ["b", "d"]);
        assert_eq!(shard("3/3"), ["c"]);
        assert_eq!(shard("1/1"), names);
    }

    #[test]
    fn a_shard_is_written_i_of_n_from_one() {
        assert_eq!(" 2 / 4 ".parse(), Ok(Shard { index: 2, count: 4 }));
        for bad in ["0/2", "3/2", "2", "a/b", "1/0", ""] {
            assert!(bad.parse::<Shard>().unwrap_err().contains("write I/N"), "{bad}");
        }
    }
}
