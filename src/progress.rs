//! What presse says on standard error while it builds: a bar per publication and edition on a
//! terminal, one plain line per step elsewhere, and the summary of the editions written.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::build::{BuildReport, Edition};
use crate::diag::Diagnostics;
use crate::report::{MessageFormat, render};

/// How much presse says while it works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Verbosity {
    /// Only errors and warnings: no steps and no summary.
    Quiet,
    /// The main steps and the summary.
    #[default]
    Normal,
    /// Every step, with the time it started at.
    Verbose,
}

/// A step of building one publication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Reading the chapters and running the passes (both editions).
    Reading,
    /// Compiling and laying out the PDF.
    Typesetting,
    /// Rendering the pages to PNG (`--preview`).
    Previewing,
    /// Making the EPUB.
    MakingEpub,
    /// Writing the editions to disk (both editions).
    Writing,
}

impl Step {
    /// The steps of one edition, in order, as its bar counts them.
    fn sequence(edition: &str) -> &'static [Step] {
        match edition {
            "pdf" => &[Step::Reading, Step::Typesetting, Step::Previewing, Step::Writing],
            _ => &[Step::Reading, Step::MakingEpub, Step::Writing],
        }
    }

    /// What the step does, as a log line says it.
    fn label(self) -> &'static str {
        match self {
            Step::Reading => "reading the sources",
            Step::Typesetting => "typesetting the PDF",
            Step::Previewing => "rendering the previews",
            Step::MakingEpub => "making the EPUB",
            Step::Writing => "writing the editions",
        }
    }

    /// Whether a plain log shows this step without `--verbose`.
    fn is_main(self) -> bool {
        matches!(self, Step::Reading | Step::Typesetting | Step::MakingEpub)
    }
}

/// How one publication's build ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Its editions were written.
    Built,
    /// Nothing changed since its editions were written.
    UpToDate,
    /// It has errors: nothing was written.
    Failed,
}

/// Where progress goes.
enum Display {
    /// Nothing (`--quiet`, and library callers).
    Silent,
    /// Bars redrawn in place on a terminal.
    Bars(MultiProgress),
    /// One line per step, to a file or a pipe.
    Lines { verbose: bool, out: Mutex<Box<dyn Write + Send>> },
}

/// The progress of a build, shared by the threads that build publications.
pub struct Progress {
    display: Display,
}

impl Progress {
    /// Progress on standard error: bars on a terminal at normal verbosity, plain lines otherwise.
    pub fn stderr(verbosity: Verbosity, terminal: bool) -> Progress {
        let display = match verbosity {
            Verbosity::Quiet => Display::Silent,
            Verbosity::Normal if terminal => {
                Display::Bars(MultiProgress::with_draw_target(ProgressDrawTarget::stderr()))
            }
            _ => {
                let verbose = verbosity == Verbosity::Verbose;
                Display::Lines { verbose, out: Mutex::new(Box::new(std::io::stderr())) }
            }
        };
        Progress { display }
    }

    /// No progress at all.
    pub fn silent() -> Progress {
        Progress { display: Display::Silent }
    }

    /// Plain lines written to `out` (tests read them).
    pub fn lines(verbose: bool, out: Box<dyn Write + Send>) -> Progress {
        Progress { display: Display::Lines { verbose, out: Mutex::new(out) } }
    }

    /// Starts following one publication whose `editions` (`pdf`, `epub`) are to be made.
    pub fn publication(&self, name: &str, editions: &[&'static str]) -> PublicationProgress<'_> {
        let bars = match &self.display {
            Display::Bars(multi) => editions
                .iter()
                .map(|&edition| (edition, multi.add(edition_bar(name, edition))))
                .collect(),
            _ => Vec::new(),
        };
        PublicationProgress {
            progress: self,
            name: name.to_string(),
            bars,
            started: Instant::now(),
        }
    }

    /// Prints one log line, when progress is shown as lines.
    fn line(&self, text: &str, main: bool) {
        if let Display::Lines { verbose, out } = &self.display
            && (main || *verbose)
        {
            let mut out = out.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let _ = writeln!(out, "{text}");
        }
    }

    /// Whether steps are logged with their start time.
    fn is_verbose(&self) -> bool {
        matches!(self.display, Display::Lines { verbose: true, .. })
    }
}

/// A bar for one edition of one publication: a spinner, the steps done and the current one.
fn edition_bar(name: &str, edition: &str) -> ProgressBar {
    let style = ProgressStyle::with_template("{spinner} {prefix:.bold} [{bar:8}] {msg} {elapsed}")
        .expect("a valid template")
        .progress_chars("=> ");
    let steps = Step::sequence(edition).len() as u64;
    let bar = ProgressBar::new(steps).with_style(style).with_prefix(format!("{name} {edition}"));
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// The progress of one publication: its bars, or its log lines.
pub struct PublicationProgress<'a> {
    progress: &'a Progress,
    name: String,
    bars: Vec<(&'static str, ProgressBar)>,
    started: Instant,
}

impl PublicationProgress<'_> {
    /// Says that `step` starts.
    pub fn step(&self, step: Step) {
        for (edition, bar) in &self.bars {
            let sequence = Step::sequence(edition);
            if let Some(index) = sequence.iter().position(|s| *s == step) {
                bar.set_position(index as u64);
                bar.set_message(step.label());
            }
        }
        let text = match self.progress.is_verbose() {
            true => format!("{}: {} (at {:.2} s)", self.name, step.label(), self.seconds()),
            false => format!("{}: {}", self.name, step.label()),
        };
        self.progress.line(&text, step.is_main());
    }

    /// Says how the publication's build ended, and clears its bars: the summary follows.
    pub fn finish(self, outcome: Outcome) {
        for (_, bar) in &self.bars {
            bar.finish_and_clear();
        }
        let text = match outcome {
            Outcome::Built => format!("{}: built in {:.2} s", self.name, self.seconds()),
            Outcome::UpToDate => format!("{}: up to date", self.name),
            Outcome::Failed => format!("{}: failed, nothing written", self.name),
        };
        self.progress.line(&text, outcome != Outcome::UpToDate);
    }

    fn seconds(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }
}

/// Prints findings: for people on standard error (coloured on a terminal), for tools on standard
/// output, where they read them.
pub fn print_diagnostics(diagnostics: &Diagnostics, format: MessageFormat, root: &Path) {
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for diagnostic in &diagnostics.0 {
        let text = render(diagnostic, format, root, colour);
        if format == MessageFormat::Human { eprintln!("{text}") } else { println!("{text}") }
    }
}

/// The summary of a build: publications up to date, each edition written, then the totals.
pub fn summary(report: &BuildReport) -> Vec<String> {
    let mut lines: Vec<String> = report
        .up_to_date
        .iter()
        .map(|name| format!("{name}: up to date (--force rebuilds it)"))
        .collect();
    lines.extend(report.editions.iter().map(edition_line));
    lines.push(totals(report));
    lines
}

/// `wrote output/p/p.pdf (12 pages, 180.3 KiB, 1.20 s)`.
fn edition_line(edition: &Edition) -> String {
    let pages = match edition.pages {
        Some(1) => "1 page, ".to_string(),
        Some(pages) => format!("{pages} pages, "),
        None => String::new(),
    };
    let size = human_size(edition.bytes);
    format!("wrote {} ({pages}{size}, {:.2} s)", edition.path.display(), edition.seconds)
}

/// `built 2 publications (4 editions, 3.1 MiB) in 4.02 s; 1 up to date; 1 failed`.
fn totals(report: &BuildReport) -> String {
    let mut built: Vec<&str> = report.editions.iter().map(|e| e.publication.as_str()).collect();
    built.dedup();
    let bytes = report.editions.iter().map(|e| e.bytes).sum();
    let mut line = format!(
        "built {} ({}, {}) in {:.2} s",
        count(built.len(), "publication"),
        count(report.editions.len(), "edition"),
        human_size(bytes),
        report.seconds
    );
    if !report.up_to_date.is_empty() {
        line.push_str(&format!("; {} up to date", report.up_to_date.len()));
    }
    if !report.failed.is_empty() {
        line.push_str(&format!("; {} failed", report.failed.len()));
    }
    line
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// A size in KiB below a mebibyte, in MiB above.
fn human_size(bytes: usize) -> String {
    let kib = bytes as f64 / 1024.0;
    if kib < 1024.0 { format!("{kib:.1} KiB") } else { format!("{:.1} MiB", kib / 1024.0) }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::Arc;

    use super::*;

    /// A writer whose bytes a test reads back.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn logged(verbose: bool) -> String {
        let captured = Captured::default();
        let progress = Progress::lines(verbose, Box::new(captured.clone()));
        let publication = progress.publication("lettre", &["pdf", "epub"]);
        for step in [Step::Reading, Step::Typesetting, Step::Previewing, Step::Writing] {
            publication.step(step);
        }
        publication.finish(Outcome::Built);
        String::from_utf8(captured.0.lock().unwrap().clone()).unwrap()
    }

    #[test]
    fn plain_logs_show_the_main_steps_and_verbose_logs_every_step_with_its_time() {
        let normal = logged(false);
        let lines: Vec<&str> = normal.lines().collect();
        assert_eq!(lines[..2], ["lettre: reading the sources", "lettre: typesetting the PDF"]);
        assert!(lines[2].starts_with("lettre: built in "), "{normal}");
        assert_eq!(lines.len(), 3, "{normal}");
        let verbose = logged(true);
        assert_eq!(verbose.lines().count(), 5, "{verbose}");
        assert!(verbose.contains("lettre: rendering the previews (at "), "{verbose}");
    }

    #[test]
    fn the_summary_lists_each_edition_with_its_size_pages_and_time_then_the_totals() {
        let edition = |extension: &str, bytes, pages| Edition {
            publication: "lettre".into(),
            path: PathBuf::from(format!("output/lettre/lettre.{extension}")),
            bytes,
            pages,
            seconds: 1.5,
        };
        let report = BuildReport {
            editions: vec![edition("pdf", 3 << 20, Some(12)), edition("epub", 2048, None)],
            up_to_date: vec!["cahiers".into()],
            seconds: 2.0,
            ..BuildReport::default()
        };
        assert_eq!(
            summary(&report),
            [
                "cahiers: up to date (--force rebuilds it)",
                "wrote output/lettre/lettre.pdf (12 pages, 3.0 MiB, 1.50 s)",
                "wrote output/lettre/lettre.epub (2.0 KiB, 1.50 s)",
                "built 1 publication (2 editions, 3.0 MiB) in 2.00 s; 1 up to date",
            ]
        );
    }
}
