//! What a build says when it is done: its findings, for people (the source line and a caret,
//! drawn by codespan-reporting as typst draws its own), for tools (JSON lines) or for GitHub
//! Actions (workflow annotations); and the summary of the editions it wrote.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic as Report, Label, Severity as Level};
use codespan_reporting::files::{Files, SimpleFiles};
use codespan_reporting::term::{self, Config, termcolor};

use super::output::Edition;
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::paths::inside_project;

/// What a build did: the editions written and every finding.
#[derive(Debug, Default)]
pub struct BuildReport {
    /// The editions written, publication by publication.
    pub editions: Vec<WrittenEdition>,
    /// Errors and warnings: publication by publication, each in the order found.
    pub diagnostics: Diagnostics,
    /// The publications skipped because nothing changed since their last build.
    pub up_to_date: Vec<String>,
    /// The publications not written because of errors in their sources.
    pub failed: Vec<String>,
    /// How long the whole build took, in seconds.
    pub seconds: f64,
}

/// One edition written.
#[derive(Debug, Clone)]
pub struct WrittenEdition {
    /// The publication's name.
    pub publication: String,
    /// Which edition it is.
    pub edition: Edition,
    /// The file written.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: usize,
    /// Its page count (PDF only).
    pub pages: Option<usize>,
    /// A hash of each laid-out page, in order (PDF only, when the build was asked for them):
    /// equal hashes, equal pages, so that a viewer (`presse serve`) shows again only the pages
    /// an edit changed.
    pub page_hashes: Vec<u64>,
    /// How long it took, in seconds.
    pub seconds: f64,
}

/// How findings are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MessageFormat {
    /// For people: the message, `file:line:column`, the source line, a caret and the hint.
    #[default]
    Human,
    /// One JSON object per line.
    Json,
    /// GitHub Actions `::error file=…,line=…,col=…::message` annotations.
    Github,
}

/// Whether findings for people are coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Colour {
    /// On a terminal, unless `NO_COLOR` is set.
    #[default]
    Auto,
    /// Always, even into a file or a pipe.
    Always,
    /// Never.
    Never,
}

impl Colour {
    /// Whether to colour what goes to standard error.
    pub fn on_stderr(self) -> bool {
        match self {
            Colour::Auto => {
                std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
            Colour::Always => true,
            Colour::Never => false,
        }
    }
}

/// Prints findings: for people on standard error (coloured as `colour` says), for tools on
/// standard output, where they read them.
pub fn print_diagnostics(
    diagnostics: &Diagnostics,
    format: MessageFormat,
    colour: Colour,
    root: &Path,
) {
    for text in render(diagnostics, format, root, colour.on_stderr()) {
        if format == MessageFormat::Human { eprintln!("{text}") } else { println!("{text}") }
    }
}

/// Renders each finding; `root` is where files are read from to quote their lines (each file
/// once, however many findings it has).
pub fn render(
    diagnostics: &Diagnostics,
    format: MessageFormat,
    root: &Path,
    colour: bool,
) -> Vec<String> {
    match format {
        MessageFormat::Human => {
            let mut sources = Sources::new(root);
            diagnostics.iter().map(|d| sources.human(d, colour)).collect()
        }
        MessageFormat::Json => diagnostics.iter().map(json).collect(),
        MessageFormat::Github => diagnostics.iter().map(github).collect(),
    }
}

/// The files findings point into, each read once, as codespan-reporting reads them.
struct Sources<'a> {
    root: &'a Path,
    files: SimpleFiles<String, String>,
    /// File → its id in `files`, or `None` when it cannot be read (a built-in style).
    ids: HashMap<PathBuf, Option<usize>>,
}

impl<'a> Sources<'a> {
    fn new(root: &'a Path) -> Self {
        Sources { root, files: SimpleFiles::new(), ids: HashMap::new() }
    }

    /// The id of a file's text, read on first need; never a file outside the project, which a
    /// finding may name to say it was refused.
    fn id(&mut self, file: &Path) -> Option<usize> {
        let (root, files) = (self.root, &mut self.files);
        *self.ids.entry(file.to_path_buf()).or_insert_with(|| {
            let text = std::fs::read_to_string(inside_project(root, file).ok()?).ok()?;
            Some(files.add(file.display().to_string(), text))
        })
    }

    /// One finding for people: the message, where it is, the line with a caret, the hint.
    fn human(&mut self, d: &Diagnostic, colour: bool) -> String {
        let level = match d.severity {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
            Severity::Note => Level::Note,
        };
        let mut report = Report::new(level).with_message(&d.message);
        if d.code() != "presse" {
            report = report.with_code(d.code());
        }
        match self.label(d) {
            Some(label) => report = report.with_label(label),
            None => report = report.with_note(location(d)),
        }
        if let Some(suggestion) = &d.suggestion {
            report = report.with_note(format!("suggestion: {suggestion}"));
        }
        if let Some(hint) = &d.hint {
            report = report.with_note(format!("hint: {hint}"));
        }
        let mut out = match colour {
            true => termcolor::Buffer::ansi(),
            false => termcolor::Buffer::no_color(),
        };
        let config = Config { before_label_lines: 0, after_label_lines: 0, ..Config::default() };
        // The files are all in `self.files`: rendering cannot miss one.
        let _ = term::emit_to_write_style(&mut out, &config, &self.files, &report);
        String::from_utf8_lossy(out.as_slice()).trim_end().to_string()
    }

    /// A caret at the finding's character, when its file can be read and has that line.
    fn label(&mut self, d: &Diagnostic) -> Option<Label<usize>> {
        if d.pos.line == 0 {
            return None;
        }
        let id = self.id(&d.file)?;
        let range = self.files.line_range(id, d.pos.line as usize - 1).ok()?;
        let line_start = range.start;
        let line = self.files.get(id).ok()?.source().get(range)?.trim_end_matches(['\n', '\r']);
        let column = (d.pos.column.max(1) - 1) as usize;
        let start = line.char_indices().nth(column).map_or(line.len(), |(i, _)| i);
        let end = line[start..].chars().next().map_or(start, |c| start + c.len_utf8());
        Some(Label::primary(id, line_start + start..line_start + end))
    }
}

/// `file:line:column` (`file` alone for a finding about a whole file).
fn location(d: &Diagnostic) -> String {
    match d.pos.line {
        0 => format!("in {}", d.file.display()),
        line => format!("at {}:{line}:{}", d.file.display(), d.pos.column.max(1)),
    }
}

/// One JSON object: file, line, column, severity, code, message, hint.
fn json(d: &Diagnostic) -> String {
    serde_json::to_string(d).expect("a finding always serialises")
}

fn github(d: &Diagnostic) -> String {
    let mut message = d.message.clone();
    if let Some(suggestion) = &d.suggestion {
        message.push_str(&format!(" (suggestion: {suggestion})"));
    }
    if let Some(hint) = &d.hint {
        message.push_str(&format!(" (hint: {hint})"));
    }
    // A whole file or a folder has no line: the annotation then names the file alone.
    let at = match d.pos.line {
        0 => String::new(),
        line => format!(",line={line},col={}", d.pos.column.max(1)),
    };
    let file = github_escape(&d.file.to_string_lossy(), true);
    let command = match d.severity {
        Severity::Note => "notice",
        severity => severity.word(),
    };
    format!("::{command} file={file}{at}::{}", github_escape(&message, false))
}

/// Escapes for workflow commands: `%`, CR and LF always; `:` and `,` in properties.
fn github_escape(text: &str, property: bool) -> String {
    let mut out = text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    if property {
        out = out.replace(':', "%3A").replace(',', "%2C");
    }
    out
}

/// The summary of a build: publications up to date, each edition written, then the totals.
pub fn summary(report: &BuildReport) -> Vec<String> {
    let mut lines: Vec<String> = report
        .up_to_date
        .iter()
        .map(|name| format!("{name}: up to date (--force rebuilds it)"))
        .collect();
    lines.extend(report.editions.iter().map(edition_line));
    lines.extend(preflight_line(report));
    lines.push(totals(report));
    lines
}

/// After a build that wrote a print edition, what its preflight found: `print edition:
/// preflight clean`, or how many warnings it printed above (an error writes no edition).
fn preflight_line(report: &BuildReport) -> Option<String> {
    report.editions.iter().find(|e| e.edition == Edition::PrintPdf)?;
    let found = report.diagnostics.iter().filter(|d| d.code.starts_with("preflight-")).count();
    Some(match found {
        0 => "print edition: preflight clean".to_string(),
        n => format!("print edition: preflight found {} (above)", count(n, "warning")),
    })
}

/// `wrote output/p/p.pdf (PDF, 12 pages, 180.3 KiB, 1.20 s)`.
fn edition_line(edition: &WrittenEdition) -> String {
    let pages = match edition.pages {
        Some(1) => "1 page, ".to_string(),
        Some(pages) => format!("{pages} pages, "),
        None => String::new(),
    };
    let size = human_size(edition.bytes);
    let (path, name) = (edition.path.display(), edition.edition.name());
    format!("wrote {path} ({name}, {pages}{size}, {:.2} s)", edition.seconds)
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
    use super::*;
    use crate::diag::Pos;

    fn finding() -> Diagnostic {
        Diagnostic::error("a.md", Pos::new(2, 3), "l'image \"x\" manque")
            .with_hint("vérifiez le chemin")
            .with_code("missing-image")
    }

    fn one(d: Diagnostic, format: MessageFormat, root: &Path) -> String {
        render(&d.into(), format, root, false).remove(0)
    }

    #[test]
    fn human_output_quotes_the_line_with_a_caret() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("a.md"), "un\nab![x](x.png)\n").unwrap();
        let out = one(finding(), MessageFormat::Human, tmp.path());
        assert_eq!(
            out,
            "error[missing-image]: l'image \"x\" manque\n  ┌─ a.md:2:3\n  │\n2 │ ab![x](x.png)\n  \
             │   ^\n  │\n  = hint: vérifiez le chemin"
        );
    }

    #[test]
    fn columns_count_characters_and_an_unreadable_file_still_names_its_place() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("a.md"), "« été »\n").unwrap();
        let d = Diagnostic::warning("a.md", Pos::new(1, 3), "ici");
        let out = one(d, MessageFormat::Human, tmp.path());
        assert!(out.starts_with("warning: ici\n  ┌─ a.md:1:3\n"), "{out}");
        assert!(out.contains("1 │ « été »\n  │   ^"), "{out}");
        let missing = one(finding(), MessageFormat::Human, Path::new("/nonexistent"));
        assert!(missing.contains("= at a.md:2:3") && missing.contains("= hint:"), "{missing}");
        let whole = Diagnostic::warning("fonts/x.ttf", Pos::default(), "illisible");
        let out = one(whole, MessageFormat::Human, tmp.path());
        assert_eq!(out, "warning: illisible\n = in fonts/x.ttf");
    }

    #[test]
    fn human_output_is_coloured_only_when_asked() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("a.md"), "un\nab![x](x.png)\n").unwrap();
        let coloured = render(&finding().into(), MessageFormat::Human, tmp.path(), true);
        assert!(coloured[0].contains("\u{1b}["), "{coloured:?}");
    }

    #[test]
    fn json_output_is_one_escaped_object() {
        let out = one(finding(), MessageFormat::Json, Path::new("."));
        assert_eq!(
            out,
            "{\"file\":\"a.md\",\"line\":2,\"column\":3,\"severity\":\"error\",\"code\":\"missing-image\",\
             \"message\":\"l'image \\\"x\\\" manque\",\"hint\":\"vérifiez le chemin\"}"
        );
    }

    #[test]
    fn github_output_is_an_annotation() {
        let mut d = finding();
        d.file = "dir,x/a:b.md".into();
        d.message = "100% faux\nvraiment".into();
        d.hint = None;
        let out = one(d, MessageFormat::Github, Path::new("."));
        assert_eq!(out, "::error file=dir%2Cx/a%3Ab.md,line=2,col=3::100%25 faux%0Avraiment");
    }

    #[test]
    fn a_suggestion_is_shown_in_every_format() {
        let d = finding().with_suggestion("1re");
        let github = one(d.clone(), MessageFormat::Github, Path::new("."));
        assert!(github.contains("(suggestion: 1re)"), "{github}");
        let json = one(d.clone(), MessageFormat::Json, Path::new("."));
        assert!(json.contains("\"suggestion\":\"1re\""), "{json}");
        let human = one(d, MessageFormat::Human, Path::new("."));
        assert!(human.contains("= suggestion: 1re"), "{human}");
    }

    #[test]
    fn a_github_annotation_on_a_folder_or_a_whole_file_names_no_line() {
        let folder = Diagnostic::error("sources/nope", Pos::default(), "no publication");
        let out = one(folder, MessageFormat::Github, Path::new("."));
        assert_eq!(out, "::error file=sources/nope::no publication");
    }

    #[test]
    fn the_summary_lists_each_edition_with_its_size_pages_and_time_then_the_totals() {
        let edition = |edition: Edition, bytes, pages| WrittenEdition {
            publication: "lettre".into(),
            edition,
            path: edition.file(Path::new("output/lettre"), "lettre"),
            bytes,
            pages,
            page_hashes: Vec::new(),
            seconds: 1.5,
        };
        let report = BuildReport {
            editions: vec![
                edition(Edition::Pdf, 3 << 20, Some(12)),
                edition(Edition::Epub, 2048, None),
            ],
            up_to_date: vec!["cahiers".into()],
            seconds: 2.0,
            ..BuildReport::default()
        };
        assert_eq!(
            summary(&report),
            [
                "cahiers: up to date (--force rebuilds it)",
                "wrote output/lettre/lettre.pdf (PDF, 12 pages, 3.0 MiB, 1.50 s)",
                "wrote output/lettre/lettre.epub (EPUB, 2.0 KiB, 1.50 s)",
                "built 1 publication (2 editions, 3.0 MiB) in 2.00 s; 1 up to date",
            ]
        );
    }
}
