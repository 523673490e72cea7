//! `presse build`: every stage in order, for each publication, with one checked configuration.
//!
//! The build machinery, from the bottom up: `output` (where editions go, the lock),
//! `stamp` (what the last build read), `progress` (what is said while it works), `report`
//! (findings and the summary), `config` (what is asked), `job` (one publication's two
//! editions), and this module, which runs them all.

mod config;
mod job;
mod output;
pub mod progress;
pub mod report;
mod stamp;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use anyhow::{Context, Result};
use rayon::prelude::*;

pub use config::{BuildConfig, Shard};
pub use output::{Edition, Formats, lock};
pub use report::{BuildReport, WrittenEdition};

use crate::diag::{Diagnostic, Diagnostics, Outcome, Pos, Warned};
use crate::memo::Round;
use crate::model::Publication;
use crate::pdf::Environment;
use crate::{load, passes, styles};
use job::Job;
use output::{clean_temporaries, edition_dir, stale_editions};
use progress::{Ended, Progress, PublicationProgress, Step};

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
    // The stages of every publication are one round: the next build finds their work.
    let round = Round::group();
    let mut report = BuildReport::default();
    let names = selected_publications(config).into_output(&mut report.diagnostics);
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
        publication?.add_to(&mut report);
    }
    if !report.failed.is_empty() {
        round.fail();
    }
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// The publications to build: those named (all when none is), then this machine's shard.
fn selected_publications(config: &BuildConfig) -> Warned<Vec<String>> {
    let names = match load::publication_dirs(&config.root, &config.publications) {
        Ok(names) => names,
        Err(d) => return Warned::new(Vec::new(), d.into()),
    };
    let Some(shard) = config.shard else { return Warned::new(names, Diagnostics::default()) };
    let total = names.len();
    let selected = shard.select(names);
    let mut found = Diagnostics::default();
    if selected.is_empty() {
        let (index, count) = (shard.index, shard.count);
        found.push(
            Diagnostic::warning(
                "sources",
                Default::default(),
                format!("shard {index}/{count} has none of the {total} publications"),
            )
            .with_code("empty-shard")
            .with_hint("split the publications into at most as many shards as there are"),
        );
    }
    Warned::new(selected, found)
}

/// Loads and runs the passes on one publication: the model both editions read. The lint is
/// not run (see [`passes::transform`]).
pub fn prepare(root: &Path, name: &str) -> Outcome<Publication> {
    passes::transform(load::load(root, name)?, root).checked()
}

/// Removes what presse wrote under the output folder `out` for the publications `names`: their
/// folders, and their record in the image cache (its images go at the next build). With
/// `everything`, also every other folder holding a build's stamp, the cache, and `out` itself
/// once empty. Returns the paths removed; anything else in `out` is left alone.
pub fn clean(out: &Path, names: &[String], everything: bool) -> Result<Vec<PathBuf>> {
    let mut folders = Vec::new();
    for name in names {
        folders.push(edition_dir(out, name)?);
        crate::epub::cache::forget(&out.join(".cache").join("images"), name);
    }
    if everything {
        let stamped = std::fs::read_dir(out).into_iter().flatten().flatten().map(|e| e.path());
        folders.extend(stamped.filter(|dir| dir.join(stamp::STAMP_FILE).is_file()));
        folders.push(out.join(".cache"));
    }
    folders.sort();
    folders.dedup();
    let mut removed = Vec::new();
    for folder in folders.into_iter().filter(|folder| folder.is_dir()) {
        std::fs::remove_dir_all(&folder)
            .with_context(|| format!("cannot remove {}", folder.display()))?;
        removed.push(folder);
    }
    if everything && std::fs::read_dir(out).is_ok_and(|mut entries| entries.next().is_none()) {
        std::fs::remove_dir(out).with_context(|| format!("cannot remove {}", out.display()))?;
        removed.push(out.to_path_buf());
    }
    Ok(removed)
}

/// What building one publication did.
struct PublicationBuild {
    name: String,
    ended: Ended,
    editions: Vec<WrittenEdition>,
    findings: Diagnostics,
}

impl PublicationBuild {
    fn new(name: &str, ended: Ended, findings: Diagnostics) -> Self {
        PublicationBuild { name: name.to_string(), ended, editions: Vec::new(), findings }
    }

    /// Adds what this publication's build did to the whole build's report.
    fn add_to(self, report: &mut BuildReport) {
        report.diagnostics.extend(self.findings);
        match self.ended {
            Ended::Built => report.editions.extend(self.editions),
            Ended::UpToDate => report.up_to_date.push(self.name),
            Ended::Failed => report.failed.push(self.name),
        }
    }
}

/// Builds one publication, following it in `progress`; its findings are its own, to be merged in
/// the publications' order.
fn build_publication(
    config: &BuildConfig,
    env: &OnceLock<Environment>,
    name: &str,
    progress: &Progress,
) -> Result<PublicationBuild> {
    let tracker = progress.publication(name, &config.editions());
    let done = make_editions(config, env, name, &tracker);
    tracker.finish(done.as_ref().map_or(Ended::Failed, |done| done.ended));
    done
}

/// Makes and writes the editions of one publication, unless it is up to date or has errors.
fn make_editions(
    config: &BuildConfig,
    env: &OnceLock<Environment>,
    name: &str,
    tracker: &PublicationProgress,
) -> Result<PublicationBuild> {
    let started = Instant::now();
    let dir = edition_dir(&config.out, name)?;
    // One presse process at a time writes a publication's editions (see output::lock).
    let _lock = lock(&config.out, name)?;
    clean_temporaries(&dir);
    let settings = config.settings();
    let expected = config.expected_files(&dir, name);
    if !config.force
        && let Some(warnings) = stamp::unchanged(&config.root, name, &dir, &settings, &expected)
    {
        return Ok(PublicationBuild::new(name, Ended::UpToDate, warnings.into()));
    }
    tracker.step(Step::Reading);
    let failed = |found| Ok(PublicationBuild::new(name, Ended::Failed, found));
    let Warned { output: publication, findings: mut found } = match prepare(&config.root, name) {
        Ok(prepared) => prepared,
        Err(found) => return failed(found),
    };
    for file in &publication.not_chapters {
        let file = file.display();
        tracker.detail(&format!("{file} is not a chapter (list it in `chapters` to print it)"));
    }
    if config.strict && found.escalate(&passes::STRICT) {
        return failed(found);
    }
    let style = match styles::resolve(&config.root, &publication) {
        Ok(style) => style,
        Err(d) => {
            found.push(d);
            return failed(found);
        }
    };
    // The inputs are hashed before they are used: a file saved during the build rebuilds.
    let mut inputs = stamp::Inputs::new(&config.root, name, &settings);
    let sources = stamp::model_files(&config.root, &publication);
    inputs.add_files(sources.iter().cloned());
    let job = Job { config, publication: &publication, style: &style, dir: &dir, started };
    // The lint reads the model while the editions are made from it.
    let (mut linted, made) =
        rayon::join(|| passes::lint::run(&publication), || job.make(env, tracker));
    let lint_failed = config.strict && linted.escalate(&passes::STRICT);
    found.extend(linted);
    let editions = match made? {
        Ok(made) if !lint_failed => made.into_output(&mut found),
        Ok(Warned { findings, .. }) | Err(findings) => {
            found.extend(findings);
            return failed(found);
        }
    };
    tracker.step(Step::Writing);
    if let Some(pdf) = &editions.pdf {
        inputs.add_files(pdf.files_read.iter().cloned());
    }
    stamp::remove(&dir);
    let written = job.commit_all(editions)?;
    // `found` holds this publication's findings only: warnings, since it was built.
    stamp::write(&dir, &inputs.stamp(found.iter().cloned().collect()))?;
    // Said after each build that leaves them, not kept in the stamp: they may be removed.
    found.extend(stale_findings(config, &publication, &sources, &dir, &written));
    Ok(PublicationBuild { editions: written, ..PublicationBuild::new(name, Ended::Built, found) })
}

/// A warning for each edition left in `dir` from an earlier build that is older than the
/// `sources` of this one: the editions on disk would no longer say the same thing.
fn stale_findings(
    config: &BuildConfig,
    publication: &Publication,
    sources: &[PathBuf],
    dir: &Path,
    written: &[WrittenEdition],
) -> Vec<Diagnostic> {
    let modified =
        |file: &Path| std::fs::metadata(config.root.join(file)).and_then(|m| m.modified());
    let Some(newest) = sources.iter().filter_map(|file| modified(file).ok()).max() else {
        return Vec::new();
    };
    let written: Vec<Edition> = written.iter().map(|w| w.edition).collect();
    let name = &publication.name;
    stale_editions(dir, name, &written, newest)
        .into_iter()
        .map(|(edition, file)| {
            let message = format!(
                "this {} is older than the sources of the editions just written",
                edition.name()
            );
            let flags = match edition {
                Edition::Pdf => "--format pdf",
                Edition::PrintPdf => "--print --format pdf",
                Edition::Epub => "--format epub",
            };
            let hint = format!("rebuild it with `presse build {name} {flags}`, or delete it");
            Diagnostic::warning(file, Pos::default(), message)
                .with_code("stale-edition")
                .with_hint(hint)
        })
        .collect()
}
