//! `presse build`: every stage in order, for each publication, with one checked configuration.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Result;

use crate::diag::{Diagnostic, Diagnostics};
use crate::epub::{EpubOptions, epub};
use crate::model::Publication;
use crate::output::{clean_temporaries, edition_dir, write_atomic};
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
}

impl BuildConfig {
    /// The settings that change what is written, as text for the inputs' stamp.
    fn settings(&self) -> String {
        let Self { formats, emit_typst, preview, strict, max_image_side, system_fonts, .. } = self;
        format!("{formats:?} {emit_typst} {preview} {strict} {max_image_side} {system_fonts}")
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
    /// The editions written.
    pub editions: Vec<Edition>,
    /// Errors and warnings, in order.
    pub diagnostics: Diagnostics,
    /// The publications skipped because nothing changed since their last build.
    pub up_to_date: Vec<String>,
}

/// The fonts of a project: its `fonts/` folder, typst's embedded fonts, maybe the system's.
pub fn project_environment(root: &Path, system_fonts: bool) -> Environment {
    let dir = root.join("fonts");
    let dirs = if dir.is_dir() { vec![dir] } else { Vec::new() };
    Environment::new(Fonts::load(&dirs, system_fonts))
}

/// Builds the editions of every publication asked for.
pub fn build(config: &BuildConfig) -> Result<BuildReport> {
    let mut report = BuildReport::default();
    let names = match load::publication_dirs(&config.root, &config.publications) {
        Ok(names) => names,
        Err(d) => {
            report.diagnostics.push(d);
            return Ok(report);
        }
    };
    if names.is_empty() {
        report.diagnostics.push(
            Diagnostic::error("sources", Default::default(), "no publication found")
                .with_hint("make a folder sources/<name>/ with a publication.toml and chapters"),
        );
        return Ok(report);
    }
    // Fonts load only when a publication needs typesetting, not for up-to-date ones.
    let env = std::cell::OnceCell::new();
    for name in names {
        build_publication(config, &env, &name, &mut report)?;
    }
    Ok(report)
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

fn build_publication(
    config: &BuildConfig,
    env: &std::cell::OnceCell<Environment>,
    name: &str,
    report: &mut BuildReport,
) -> Result<()> {
    let dir = edition_dir(&config.out, name)?;
    clean_temporaries(&dir);
    let diagnostics = &mut report.diagnostics;
    let Some(publication) = prepare(&config.root, name, diagnostics) else {
        return Ok(());
    };
    let style = match styles::resolve(&config.root, &publication) {
        Ok(style) => style,
        Err(d) => {
            diagnostics.push(d);
            return Ok(());
        }
    };
    let stamp = stamp::inputs(&config.root, &publication, &style, &config.settings());
    if !config.force && stamp::is_up_to_date(&dir, &stamp, &config.expected_files(&dir, name)) {
        report.up_to_date.push(name.to_string());
        return Ok(());
    }
    let started = Instant::now();
    let job = Job { config, publication: &publication, style: &style, dir: &dir, started };
    // Both editions are made in memory first: either every edition asked for is written, or none,
    // so that the PDF and the EPUB on disk always say the same thing.
    let pdf = match config.formats.pdf {
        true => {
            let env = env.get_or_init(|| project_environment(&config.root, config.system_fonts));
            job.pdf(env, diagnostics)?.map(Some)
        }
        false => Some(None),
    };
    let epub = if config.formats.epub { job.epub(diagnostics).map(Some) } else { Some(None) };
    let (Some(pdf), Some(epub)) = (pdf, epub) else {
        return Ok(());
    };
    if let Some((bytes, typeset)) = pdf {
        let pages = Some(typeset.document.pages().len());
        report.editions.push(job.write("pdf", &bytes, pages)?);
        if config.preview {
            write_previews(&dir.join("preview"), &typeset.document)?;
        }
    }
    if let Some(bytes) = epub {
        report.editions.push(job.write("epub", &bytes, None)?);
    }
    write_atomic(&dir.join(stamp::STAMP_FILE), stamp.as_bytes())
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
    /// The PDF and its laid-out pages, or `None` when typst found errors.
    fn pdf(
        &self,
        env: &Environment,
        diagnostics: &mut Diagnostics,
    ) -> Result<Option<(Vec<u8>, Typeset)>> {
        let mut found = Diagnostics::default();
        let root = &self.config.root;
        let typeset = crate::typst::typeset(self.publication, root, env, self.style, &mut found);
        if self.config.emit_typst
            && let Some(source) = typeset.as_ref().map(|t| &t.source)
        {
            let path = self.dir.join(format!("{}.typ", self.publication.name));
            write_atomic(&path, source.text.as_bytes())?;
        }
        let pdf = match &typeset {
            Some(t) if !found.has_errors() => {
                crate::typst::export_pdf(t, self.publication, &mut found)
            }
            _ => None,
        };
        diagnostics.extend(found);
        Ok(pdf.zip(typeset))
    }

    /// The EPUB, or `None` when it found errors.
    fn epub(&self, diagnostics: &mut Diagnostics) -> Option<Vec<u8>> {
        let options = EpubOptions {
            max_image_side: self.config.max_image_side,
            cache_dir: Some(self.config.out.join(".cache").join("images")),
            strict: self.config.strict,
        };
        epub(self.publication, &self.config.root, self.style, &options, diagnostics)
    }

    /// Writes one edition atomically and describes it.
    fn write(&self, extension: &str, bytes: &[u8], pages: Option<usize>) -> Result<Edition> {
        let path = self.dir.join(format!("{}.{extension}", self.publication.name));
        write_atomic(&path, bytes)?;
        let seconds = self.started.elapsed().as_secs_f64();
        let publication = self.publication.name.clone();
        Ok(Edition { publication, path, bytes: bytes.len(), pages, seconds })
    }
}

/// Writes `page-001.png` … and `contact-sheet.png`, removing pages left from a longer edition.
fn write_previews(dir: &Path, document: &typst_layout::PagedDocument) -> Result<()> {
    let previews = crate::preview::render(document);
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
