//! What a build is asked to do, checked before any work starts: one configuration that the
//! command line fills in and every stage reads.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use super::output::{Edition, Formats};
use crate::manifest::PdfStandard;

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
    /// Hash each laid-out page, for a viewer that shows again only the pages an edit changed
    /// (`presse serve`); a quarter of a second at 1,000 pages, which a plain build spares.
    pub page_hashes: bool,
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
    /// The PDF standards to meet (empty: none), overriding `[pdf] standards`.
    pub pdf_standards: Option<Vec<PdfStandard>>,
}

impl BuildConfig {
    /// A build of every publication under `root` into `out`, as `presse build` makes it with no
    /// option: the screen PDF and the EPUB, unless up to date.
    pub fn new(root: PathBuf, out: PathBuf) -> BuildConfig {
        BuildConfig {
            root,
            out,
            publications: Vec::new(),
            emit_typst: false,
            system_fonts: false,
            preview: false,
            page_hashes: false,
            formats: Formats { pdf: true, epub: true },
            strict: false,
            max_image_side: 1600,
            force: false,
            jobs: 0,
            shard: None,
            print: false,
            pdf_standards: None,
        }
    }

    /// The settings that change what is written, as text for the inputs' stamp.
    pub(super) fn settings(&self) -> String {
        let Self { formats, emit_typst, preview, strict, max_image_side, system_fonts, .. } = self;
        let (print, pdf_standards) = (self.print, &self.pdf_standards);
        format!(
            "{formats:?} {emit_typst} {preview} {strict} {max_image_side} {system_fonts} \
             {print} {pdf_standards:?}"
        )
    }

    /// The editions this build writes, in order.
    pub fn editions(&self) -> Vec<Edition> {
        self.formats.editions(self.print)
    }

    /// The PDF edition this build writes, when it writes one.
    pub(super) fn pdf_edition(&self) -> Option<Edition> {
        self.editions().into_iter().find(|edition| edition.is_pdf())
    }

    /// The files a build of `name` leaves in `dir`.
    pub(super) fn expected_files(&self, dir: &Path, name: &str) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> =
            self.editions().into_iter().map(|e| e.file(dir, name)).collect();
        if self.emit_typst {
            files.push(dir.join(format!("{name}.typ")));
        }
        if self.preview {
            files.push(dir.join("preview").join("contact-sheet.png"));
        }
        files
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
