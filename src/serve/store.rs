//! What `presse serve` shows, kept in memory and replaced after each build: per publication its
//! pages, its EPUB and its findings; a generation that counts the builds, which the page waits on.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, PoisonError, RwLock};
use std::time::Duration;

use serde_json::{Value, json};

use super::book::Book;
use super::pages::{Pages, PngCache};
use crate::build::report::{MessageFormat, render};
use crate::build::{BuildConfig, BuildReport, Edition};
use crate::diag::Diagnostics;
use crate::load::publication_dirs;
use crate::watch::Built;

/// What is shown, shared by the build loop (which writes it) and the server (which reads it).
pub struct Store {
    config: BuildConfig,
    shown: RwLock<Shown>,
    /// How many times what is shown changed.
    generation: Mutex<u64>,
    changed: Condvar,
    /// The pages' PNGs rendered lately.
    pub pngs: PngCache,
}

/// What the last builds left to show.
#[derive(Default)]
struct Shown {
    /// Why the last build could not run at all.
    error: Option<String>,
    /// The findings of the last build that belong to no publication.
    findings: Vec<String>,
    publications: BTreeMap<String, Publication>,
}

/// One publication as shown: its editions from its last good build, its last build's findings.
#[derive(Default)]
struct Publication {
    pages: Option<Arc<Pages>>,
    book: Option<Arc<Book>>,
    findings: Vec<String>,
    /// Whether its last build failed (its editions are then older than its sources).
    failed: bool,
    /// Why an edition on disk could not be read.
    unreadable: Vec<String>,
}

impl Store {
    /// An empty store for the publications of `config`.
    pub fn new(config: &BuildConfig) -> Store {
        Store {
            config: config.clone(),
            shown: RwLock::default(),
            generation: Mutex::new(0),
            changed: Condvar::new(),
            pngs: PngCache::default(),
        }
    }

    /// Shows what a build did, then wakes those waiting for a change.
    pub fn update(&self, built: &Built) {
        let names = publication_dirs(&self.config.root, &self.config.publications);
        let names = names.unwrap_or_default();
        let mut shown = self.shown.write().unwrap_or_else(PoisonError::into_inner);
        shown.publications.retain(|name, _| names.contains(name));
        for name in &names {
            shown.publications.entry(name.clone()).or_default();
        }
        match built {
            Ok(report) => {
                shown.error = None;
                self.show_report(&mut shown, report);
            }
            Err(err) => shown.error = Some(format!("{err:#}")),
        }
        for (name, publication) in &mut shown.publications {
            if publication.pages.is_none() && publication.book.is_none() {
                self.read_earlier_editions(name, publication);
            }
        }
        drop(shown);
        *self.generation.lock().unwrap_or_else(PoisonError::into_inner) += 1;
        self.changed.notify_all();
    }

    /// Takes the editions a build wrote, and its findings, publication by publication.
    fn show_report(&self, shown: &mut Shown, report: &BuildReport) {
        let (mut findings, others) = by_publication(&report.diagnostics, &self.config.root);
        shown.findings = self.rendered(&others);
        let built = report.editions.iter().map(|e| &e.publication);
        let names: BTreeSet<&String> =
            built.chain(&report.up_to_date).chain(&report.failed).collect();
        for name in names {
            let Some(publication) = shown.publications.get_mut(name) else { continue };
            let found = findings.remove(name).unwrap_or_default();
            publication.findings = self.rendered(&found);
            publication.failed = report.failed.contains(name);
        }
        for written in &report.editions {
            let Some(publication) = shown.publications.get_mut(&written.publication) else {
                continue;
            };
            publication.unreadable.clear();
            if written.edition.is_pdf() {
                let hashes = Some(written.page_hashes.clone());
                publication.show_pages(Pages::open(&written.path, hashes));
            } else {
                publication.show_book(Book::open(&written.path));
            }
        }
    }

    /// Reads the editions an earlier run left on disk, for a publication not built yet (its
    /// first build failed): its last good pages are shown.
    fn read_earlier_editions(&self, name: &str, publication: &mut Publication) {
        let dir = self.config.out.join(name);
        publication.unreadable.clear();
        for edition in self.config.editions() {
            let path = edition.file(&dir, name);
            if !path.is_file() {
                continue;
            }
            if edition == Edition::Epub {
                publication.show_book(Book::open(&path));
            } else {
                publication.show_pages(Pages::open(&path, None));
            }
        }
    }

    fn rendered(&self, found: &Diagnostics) -> Vec<String> {
        render(found, MessageFormat::Human, &self.config.root, false)
    }

    /// The generation shown now.
    pub fn generation(&self) -> u64 {
        *self.generation.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until the generation is past `seen`, at most `timeout`; returns the generation.
    pub fn wait_past(&self, seen: u64, timeout: Duration) -> u64 {
        let generation = self.generation.lock().unwrap_or_else(PoisonError::into_inner);
        let (generation, _) = self
            .changed
            .wait_timeout_while(generation, timeout, |now| *now <= seen)
            .unwrap_or_else(PoisonError::into_inner);
        *generation
    }

    /// The pages of a publication.
    pub fn pages(&self, name: &str) -> Option<Arc<Pages>> {
        self.publication(name, |publication| publication.pages.clone())
    }

    /// The EPUB of a publication.
    pub fn book(&self, name: &str) -> Option<Arc<Book>> {
        self.publication(name, |publication| publication.book.clone())
    }

    fn publication<T>(&self, name: &str, get: impl Fn(&Publication) -> Option<T>) -> Option<T> {
        let shown = self.shown.read().unwrap_or_else(PoisonError::into_inner);
        shown.publications.get(name).and_then(get)
    }

    /// What is shown, as the page reads it: URLs to fetch, findings to print.
    pub fn state(&self) -> Value {
        let generation = self.generation();
        let shown = self.shown.read().unwrap_or_else(PoisonError::into_inner);
        let publications: Vec<Value> =
            shown.publications.iter().map(|(name, p)| p.state(name)).collect();
        json!({
            "generation": generation,
            "error": shown.error,
            "findings": shown.findings,
            "publications": publications,
        })
    }
}

impl Publication {
    /// Shows the pages read; when they cannot be, keeps those shown until now and notes why.
    fn show_pages(&mut self, read: Result<Pages, String>) {
        match read {
            Ok(pages) => self.pages = Some(Arc::new(pages)),
            Err(why) => self.unreadable.push(why),
        }
    }

    /// Shows the EPUB read; when it cannot be, keeps the one shown until now and notes why.
    fn show_book(&mut self, read: Result<Book, String>) {
        match read {
            Ok(book) => self.book = Some(Arc::new(book)),
            Err(why) => self.unreadable.push(why),
        }
    }

    fn state(&self, name: &str) -> Value {
        let url_name = encoded(name);
        let pages: Vec<String> = self
            .pages
            .iter()
            .flat_map(|p| &p.hashes)
            .map(|hash| format!("/pdf/{url_name}/{hash:016x}.png"))
            .collect();
        let chapters: Vec<Value> = self
            .book
            .iter()
            .flat_map(|book| &book.chapters)
            .map(|chapter| {
                let path: Vec<String> = chapter.path.split('/').map(encoded).collect();
                let url = format!("/epub/{url_name}/{}?v={:016x}", path.join("/"), chapter.version);
                json!({ "title": chapter.title, "url": url })
            })
            .collect();
        json!({
            "name": name,
            "failed": self.failed,
            "findings": self.findings,
            "unreadable": self.unreadable,
            "pages": pages,
            "chapters": chapters,
        })
    }
}

/// One segment of a URL path, percent-encoded.
fn encoded(segment: &str) -> String {
    const KEPT: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');
    percent_encoding::utf8_percent_encode(segment, KEPT).to_string()
}

/// The findings of each publication (a finding about `sources/<name>/…` or `<out>/<name>/…`
/// is about `<name>`), and those about no publication.
fn by_publication(
    diagnostics: &Diagnostics,
    root: &Path,
) -> (BTreeMap<String, Diagnostics>, Diagnostics) {
    let mut found: BTreeMap<String, Diagnostics> = BTreeMap::new();
    let mut others = Diagnostics::default();
    for diagnostic in diagnostics.iter().cloned() {
        match publication_of(&diagnostic.file, root) {
            Some(name) => found.entry(name).or_default().push(diagnostic),
            None => others.push(diagnostic),
        }
    }
    (found, others)
}

/// The publication a file belongs to: the folder after `sources/` or `output/`.
fn publication_of(file: &Path, root: &Path) -> Option<String> {
    let relative: PathBuf = file.strip_prefix(root).unwrap_or(file).to_path_buf();
    let mut parts = relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned());
    let first = parts.next()?;
    let name = parts.next()?;
    (matches!(first.as_str(), "sources" | "output") && parts.next().is_some()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finding_belongs_to_the_publication_whose_folder_holds_its_file() {
        let root = Path::new("/p");
        let of = |file: &str| publication_of(Path::new(file), root);
        assert_eq!(of("sources/lettre/01.md").as_deref(), Some("lettre"));
        assert_eq!(of("/p/output/lettre/lettre.pdf").as_deref(), Some("lettre"));
        assert_eq!(of("styles/maison/template.typ"), None);
        assert_eq!(of("sources/lettre"), None, "the folder itself is the project's");
    }

    #[test]
    fn a_url_segment_is_encoded_whole() {
        assert_eq!(encoded("lettre-13"), "lettre-13");
        assert_eq!(encoded("a/b été"), "a%2Fb%20%C3%A9t%C3%A9");
    }
}
