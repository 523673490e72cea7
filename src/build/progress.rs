//! What presse says on standard error while it builds: a bar per publication and edition on a
//! terminal, one plain line per step elsewhere.

use std::io::Write;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::output::Edition;

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
    fn sequence(edition: Edition) -> &'static [Step] {
        match edition {
            Edition::Pdf | Edition::PrintPdf => {
                &[Step::Reading, Step::Typesetting, Step::Previewing, Step::Writing]
            }
            Edition::Epub => &[Step::Reading, Step::MakingEpub, Step::Writing],
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
pub enum Ended {
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

    /// Starts following one publication whose `editions` are to be made.
    pub fn publication(&self, name: &str, editions: &[Edition]) -> PublicationProgress<'_> {
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
fn edition_bar(name: &str, edition: Edition) -> ProgressBar {
    let style = ProgressStyle::with_template("{spinner} {prefix:.bold} [{bar:8}] {msg} {elapsed}")
        .expect("a valid template")
        .progress_chars("=> ");
    let steps = Step::sequence(edition).len() as u64;
    let prefix = format!("{name} {}", edition.name());
    let bar = ProgressBar::new(steps).with_style(style).with_prefix(prefix);
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// The progress of one publication: its bars, or its log lines.
pub struct PublicationProgress<'a> {
    progress: &'a Progress,
    name: String,
    bars: Vec<(Edition, ProgressBar)>,
    started: Instant,
}

impl PublicationProgress<'_> {
    /// Says that `step` starts.
    pub fn step(&self, step: Step) {
        for (edition, bar) in &self.bars {
            let sequence = Step::sequence(*edition);
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

    /// Says something only a `--verbose` log shows.
    pub fn detail(&self, text: &str) {
        self.progress.line(&format!("{}: {text}", self.name), false);
    }

    /// Says how the publication's build ended, and clears its bars: the summary follows.
    pub fn finish(self, outcome: Ended) {
        for (_, bar) in &self.bars {
            bar.finish_and_clear();
        }
        let text = match outcome {
            Ended::Built => format!("{}: built in {:.2} s", self.name, self.seconds()),
            Ended::UpToDate => format!("{}: up to date", self.name),
            Ended::Failed => format!("{}: failed, nothing written", self.name),
        };
        self.progress.line(&text, outcome != Ended::UpToDate);
    }

    fn seconds(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }
}

#[cfg(test)]
mod tests {
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
        let publication = progress.publication("lettre", &Edition::ALL);
        for step in [Step::Reading, Step::Typesetting, Step::Previewing, Step::Writing] {
            publication.step(step);
        }
        publication.finish(Ended::Built);
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
}
