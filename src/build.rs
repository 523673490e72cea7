//! `presse build`: every stage in order, for each publication, with one checked configuration.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Result;

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::Publication;
use crate::output::{clean_temporaries, edition_dir, write_atomic};
use crate::typst::world::{Environment, Fonts};
use crate::{load, passes, styles};

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
    /// Its page count.
    pub pages: usize,
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
}

/// The fonts of a project: its `fonts/` folder, typst's embedded fonts, maybe the system's.
pub fn project_environment(root: &Path, system_fonts: bool) -> Environment {
    let dir = root.join("fonts");
    let dirs = if dir.is_dir() { vec![dir] } else { Vec::new() };
    Environment::new(Fonts::load(&dirs, system_fonts))
}

/// Builds the PDF edition of every publication asked for.
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
    let env = project_environment(&config.root, config.system_fonts);
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
    env: &Environment,
    name: &str,
    report: &mut BuildReport,
) -> Result<()> {
    let started = Instant::now();
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
    let mut found = Diagnostics::default();
    let typeset = crate::typst::typeset(&publication, &config.root, env, &style, &mut found);
    if config.emit_typst
        && let Some(source) = typeset.as_ref().map(|t| &t.source)
    {
        write_atomic(&dir.join(format!("{name}.typ")), source.text.as_bytes())?;
    }
    let pdf = match &typeset {
        Some(t) if !found.has_errors() => crate::typst::export_pdf(t, &publication, &mut found),
        _ => None,
    };
    diagnostics.extend(found);
    let (Some(pdf), Some(typeset)) = (pdf, typeset) else {
        return Ok(());
    };
    let path = dir.join(format!("{name}.pdf"));
    write_atomic(&path, &pdf)?;
    if config.preview {
        write_previews(&dir.join("preview"), &typeset.document)?;
    }
    report.editions.push(Edition {
        publication: name.to_string(),
        path,
        bytes: pdf.len(),
        pages: typeset.document.pages().len(),
        seconds: started.elapsed().as_secs_f64(),
    });
    Ok(())
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
