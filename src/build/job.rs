//! One publication's two editions: made side by side, staged beside their final names, then put
//! in place together, so that the PDF and the EPUB on disk always agree.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use anyhow::Result;
use rayon::prelude::*;

use super::config::BuildConfig;
use super::output::Edition;
use super::progress::{PublicationProgress, Step};
use super::report::WrittenEdition;
use crate::diag::{Diagnostics, Outcome, Warned};
use crate::epub::{self, Draft, EpubOptions, PrintEdition};
use crate::files::{Staged, stage, write_atomic};
use crate::model::Publication;
use crate::pdf::preview::Previews;
use crate::pdf::print::PdfProfile;
use crate::pdf::{self, Environment, Typeset, layout, pagination, preflight};
use crate::styles::Style;

/// One publication, prepared, with its style and its output folder.
pub(super) struct Job<'a> {
    pub config: &'a BuildConfig,
    pub publication: &'a Publication,
    pub style: &'a Style,
    pub dir: &'a Path,
    pub started: Instant,
}

/// The editions of one publication, staged and not yet in place.
pub(super) struct Editions {
    pub pdf: Option<PdfEdition>,
    /// The EPUB and its size.
    pub epub: Option<(Staged, usize)>,
}

/// A publication laid out for its PDF.
pub(super) struct LaidOut {
    typeset: Typeset,
    /// The screen or the print PDF.
    edition: Edition,
    /// The project files typst read, beyond those the model names (raw blocks' `read()` …).
    files_read: Vec<PathBuf>,
}

/// A PDF made and staged beside its final name: its size, its page count, and its pages as PNG
/// when asked.
pub(super) struct PdfEdition {
    /// The screen or the print PDF.
    edition: Edition,
    file: Staged,
    bytes: usize,
    /// How many pages it has.
    pages: usize,
    /// A hash of each laid-out page, in order, when asked.
    page_hashes: Vec<u64>,
    previews: Option<Previews>,
    /// The project files typst read, beyond those the model names (raw blocks' `read()` …).
    pub files_read: Vec<PathBuf>,
}

impl Job<'_> {
    /// Both editions, made side by side and staged, or every finding when either failed: either
    /// every edition asked for is put in place, or none. The EPUB's chapters and images are made
    /// while the PDF is laid out; its page list and cover, read from the laid-out pages, while
    /// the PDF is written.
    pub fn make(
        &self,
        env: &OnceLock<Environment>,
        tracker: &PublicationProgress,
    ) -> Result<Outcome<Editions>> {
        let (laid_out, draft) =
            rayon::join(|| self.lay_out(env, tracker), || self.epub_draft(tracker));
        let mut found = Diagnostics::default();
        let laid_out = gather(laid_out, &mut found);
        let pages = laid_out.as_ref().ok().and_then(Option::as_ref);
        let (pdf, epub) = rayon::join(
            || pages.map(|pages| self.pdf_edition(pages, tracker)).transpose(),
            || {
                let epub = |draft| {
                    let print = pages.map(|pages| self.print_edition(pages));
                    self.epub_edition(draft, print.as_ref())
                };
                draft.map(epub).transpose()
            },
        );
        let pdf = pdf?;
        let pdf = laid_out.and_then(|_| gather(pdf, &mut found));
        let epub = gather(epub?, &mut found);
        Ok(match (pdf, epub) {
            (Ok(pdf), Ok(epub)) => Ok(Warned::new(Editions { pdf, epub }, found)),
            _ => Err(found),
        })
    }

    /// The PDF laid out; `None` when the build makes no PDF.
    fn lay_out(
        &self,
        env: &OnceLock<Environment>,
        tracker: &PublicationProgress,
    ) -> Option<Outcome<LaidOut>> {
        let edition = self.config.pdf_edition()?;
        let config = self.config;
        let env = env.get_or_init(|| Environment::for_project(&config.root, config.system_fonts));
        let fonts_found = Diagnostics::from(env.fonts().warnings(&config.root));
        tracker.step(Step::Typesetting);
        let bleed = self.profile().print.map(|print| print.bleed);
        let typeset =
            pdf::typeset_with_bleed(self.publication, &config.root, env, self.style, bleed);
        Some(match typeset {
            Ok(Warned { output: mut typeset, findings }) => {
                let files_read = typeset.files_read();
                let found = fonts_found.into_iter().chain(findings).collect();
                Ok(Warned::new(LaidOut { typeset, edition, files_read }, found))
            }
            Err(found) => Err(fonts_found.into_iter().chain(found).collect()),
        })
    }

    /// The PDF profile: screen or print, and the standards it meets.
    fn profile(&self) -> PdfProfile {
        let standards = self.config.pdf_standards.as_deref();
        PdfProfile::resolve(&self.publication.manifest, self.config.print, standards)
    }

    /// What the EPUB takes from the laid-out pages: where each begins, and the first.
    fn print_edition(&self, pages: &LaidOut) -> PrintEdition {
        let path = pages.edition.file(self.dir, &self.publication.name);
        let document = &pages.typeset.document;
        PrintEdition {
            file_name: path.file_name().map_or(String::new(), |n| n.to_string_lossy().into_owned()),
            page_starts: pagination::page_starts(&pages.typeset),
            first_page: document.pages().first().cloned(),
        }
    }

    /// The PDF written from its laid-out pages and staged, its page hashes and its previews.
    fn pdf_edition(
        &self,
        pages: &LaidOut,
        tracker: &PublicationProgress,
    ) -> Result<Outcome<PdfEdition>> {
        let document = &pages.typeset.document;
        // The pages are hashed, when asked, while the PDF is made from them.
        let hashed = || if self.config.page_hashes { page_hashes(document) } else { Vec::new() };
        let (made, page_hashes) = rayon::join(|| self.pdf(pages), hashed);
        let Warned { output: (file, bytes), findings } = match made? {
            Ok(made) => made,
            Err(found) => return Ok(Err(found)),
        };
        let previews = self.config.preview.then(|| {
            tracker.step(Step::Previewing);
            pdf::preview::render(document)
        });
        let (edition, files_read) = (pages.edition, pages.files_read.clone());
        let count = document.pages().len();
        let made =
            PdfEdition { edition, file, bytes, pages: count, page_hashes, previews, files_read };
        Ok(Ok(Warned::new(made, findings)))
    }

    /// The PDF from its laid-out pages, staged, and its size.
    fn pdf(&self, pages: &LaidOut) -> Result<Outcome<(Staged, usize)>> {
        let (config, publication, typeset) = (self.config, self.publication, &pages.typeset);
        let profile = self.profile();
        let mut found = Diagnostics::default();
        // The pages are checked, and the typst source written when asked, while the PDF is made
        // from them.
        let (pdf, pages_found) = rayon::join(
            || pdf::export_pdf_with(typeset, publication, &profile),
            || -> Result<Diagnostics> {
                if config.emit_typst {
                    let path = self.dir.join(format!("{}.typ", publication.name));
                    write_atomic(&path, typeset.source.text.as_bytes())?;
                }
                let mut found = preflight::check_pages(typeset, publication, config.strict);
                found.extend(layout::check_layout(typeset, publication, config.strict));
                Ok(found)
            },
        );
        let pages_found = pages_found?;
        let bytes = match pdf {
            Ok(bytes) => bytes,
            Err(errors) => {
                found.extend(errors);
                return Ok(Err(found));
            }
        };
        // The file is written while its fonts are checked; errors remove it.
        let (file, fonts_found) = rayon::join(
            || self.stage(pages.edition, &bytes),
            || preflight::check_pdf(&bytes, publication),
        );
        found.extend(fonts_found);
        found.extend(pages_found);
        Ok(Warned::new((file?, bytes.len()), found).checked())
    }

    /// The EPUB's chapters written and images converted; `None` when the build makes no EPUB.
    fn epub_draft(&self, tracker: &PublicationProgress) -> Option<Result<Draft, Diagnostics>> {
        if !self.config.formats.epub {
            return None;
        }
        tracker.step(Step::MakingEpub);
        let options = EpubOptions {
            max_image_side: self.config.max_image_side,
            cache_dir: Some(self.config.out.join(".cache").join("images")),
        };
        Some(epub::draft(self.publication, &self.config.root, self.style, &options))
    }

    /// The EPUB packaged, with the print edition's pages and cover when there is one, staged,
    /// and its size.
    fn epub_edition(
        &self,
        draft: Result<Draft, Diagnostics>,
        print: Option<&PrintEdition>,
    ) -> Result<Outcome<(Staged, usize)>> {
        let made = match draft
            .and_then(|draft| epub::finish(draft, self.publication, self.style, print))
        {
            Ok(made) => made,
            Err(found) => return Ok(Err(found)),
        };
        let staged = self.stage(Edition::Epub, &made.output)?;
        Ok(Ok(made.map(|bytes| (staged, bytes.len()))))
    }

    /// Writes one edition beside its final name, to be put in place by [`Job::commit`].
    fn stage(&self, edition: Edition, bytes: &[u8]) -> Result<Staged> {
        stage(&edition.file(self.dir, &self.publication.name), bytes)
    }

    /// Puts the staged editions in place, the PDF's previews beside, and describes them.
    pub fn commit_all(&self, editions: Editions) -> Result<Vec<WrittenEdition>> {
        let mut written = Vec::new();
        if let Some(pdf) = editions.pdf {
            let mut edition = self.commit(pdf.edition, pdf.file, pdf.bytes)?;
            edition.pages = Some(pdf.pages);
            edition.page_hashes = pdf.page_hashes;
            written.push(edition);
            if let Some(previews) = &pdf.previews {
                write_previews(&self.dir.join("preview"), previews)?;
            }
        }
        if let Some((file, bytes)) = editions.epub {
            written.push(self.commit(Edition::Epub, file, bytes)?);
        }
        Ok(written)
    }

    /// Puts one staged edition in place and describes it.
    fn commit(&self, edition: Edition, file: Staged, bytes: usize) -> Result<WrittenEdition> {
        let path = file.path().to_path_buf();
        file.commit()?;
        let seconds = self.started.elapsed().as_secs_f64();
        let publication = self.publication.name.clone();
        let (pages, page_hashes) = (None, Vec::new());
        Ok(WrittenEdition { publication, edition, path, bytes, pages, page_hashes, seconds })
    }
}

/// A hash of each laid-out page, in order, the pages hashed side by side: typst's frames hash
/// what they draw, so equal hashes render the same pixels (a page found changed that looks the
/// same is only fetched again).
fn page_hashes(document: &typst_layout::PagedDocument) -> Vec<u64> {
    document.pages().par_iter().map(|page| typst::utils::hash128(page) as u64).collect()
}

/// An edition's output, its findings added to `found`; `Err` when it failed.
fn gather<T>(made: Option<Outcome<T>>, found: &mut Diagnostics) -> Result<Option<T>, ()> {
    match made {
        None => Ok(None),
        Some(Ok(made)) => Ok(Some(made.into_output(found))),
        Some(Err(errors)) => {
            found.extend(errors);
            Err(())
        }
    }
}

/// Writes `page-001.png` … and `contact-sheet.png`, removing pages left from a longer edition.
fn write_previews(dir: &Path, previews: &Previews) -> Result<()> {
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
