//! Findings: every problem presse reports names a file, a line and a column, and says what to do.
//!
//! The bottom layer: it imports nothing from the rest of presse. A stage returns its findings
//! with its result ([`Warned`], [`Outcome`]) rather than writing into a shared collection.

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize, Serializer};

/// A 1-based line and column (in characters) inside one source file; line 0 means the whole
/// file.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Pos {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub column: u32,
}

impl Pos {
    /// A position from a line and a column.
    pub fn new(line: u32, column: u32) -> Self {
        Pos { line, column }
    }
}

/// The position of a byte offset in a text, 1-based, columns counted in characters.
pub fn pos_of_offset(text: &str, offset: usize) -> Pos {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    Pos::new(line as u32, column as u32)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing, nothing to fix: the build goes on, `--strict` included.
    Note,
    /// The build goes on.
    Warning,
    /// The build fails.
    Error,
}

impl Severity {
    /// `error`, `warning` or `note`, as printed.
    pub fn word(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One finding about the sources. Serialised (for `--message-format json` and the stamps) as
/// one flat object: file, line, column, severity, code, message, hint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// The file it is about, relative to the project root.
    #[serde(serialize_with = "lossy_path")]
    pub file: PathBuf,
    /// Where in that file (line 0 when the whole file is meant).
    #[serde(flatten)]
    pub pos: Pos,
    /// Error or warning.
    pub severity: Severity,
    /// A short stable name of the kind of finding, for tools (`missing-image`, `typst` …).
    pub code: Cow<'static, str>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
    /// The corrected text of the span, for the findings that know it (the editorial lint).
    /// Boxed, so that a finding stays small enough to be returned as an error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<Box<String>>,
}

/// A path as text, whatever bytes its name holds.
fn lossy_path<S: Serializer>(path: &Path, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&path.to_string_lossy())
}

impl Diagnostic {
    /// An error at a position in a file.
    pub fn error(file: impl AsRef<Path>, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic::new(Severity::Error, file, pos, message)
    }

    /// A note at a position in a file: something worth knowing that needs no fix.
    pub fn note(file: impl AsRef<Path>, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic::new(Severity::Note, file, pos, message)
    }

    /// A warning at a position in a file.
    pub fn warning(file: impl AsRef<Path>, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic::new(Severity::Warning, file, pos, message)
    }

    /// A finding of the given severity at a position in a file.
    pub fn new(
        severity: Severity,
        file: impl AsRef<Path>,
        pos: Pos,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            file: file.as_ref().to_path_buf(),
            pos,
            severity,
            code: Cow::Borrowed("presse"),
            message: message.into(),
            hint: None,
            suggestion: None,
        }
    }

    /// The same finding with a hint saying what to do.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The same finding with the corrected text of its span.
    pub fn with_suggestion(mut self, suggestion: impl Into<String>) -> Self {
        self.suggestion = Some(Box::new(suggestion.into()));
        self
    }

    /// The same finding with a code naming its kind.
    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = Cow::Borrowed(code);
        self
    }

    /// The code naming this finding's kind.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// Whether this finding fails the build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line = self.pos.line.max(1);
        let column = self.pos.column.max(1);
        let (file, severity) = (self.file.display(), self.severity.word());
        write!(f, "{file}:{line}:{column}: {severity}: {}", self.message)?;
        if let Some(suggestion) = &self.suggestion {
            write!(f, "\n  suggestion: {suggestion}")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Findings, errors and warnings together, in the order they were made.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// Adds one finding.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// The findings, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// How many findings there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Turns the warnings with these codes into errors (as `--strict` does); says whether there
    /// were any. A code ending in `*` names every code it starts (`typo-*`).
    pub fn escalate(&mut self, codes: &[&str]) -> bool {
        let mut escalated = false;
        let named = |code: &str| {
            codes.iter().any(|c| match c.strip_suffix('*') {
                Some(prefix) => code.starts_with(prefix),
                None => *c == code,
            })
        };
        let strict =
            |d: &&mut Diagnostic| named(d.code.as_ref()) && d.severity == Severity::Warning;
        for diagnostic in self.0.iter_mut().filter(strict) {
            diagnostic.severity = Severity::Error;
            escalated = true;
        }
        escalated
    }
}

/// Things found again and again, each counted with the place it was first found, for one
/// finding per kind of thing rather than one per occurrence.
#[derive(Debug, Clone, Default)]
pub struct Tally(Vec<(String, usize, Pos)>);

impl Tally {
    /// Counts one more occurrence of `item`, found at `pos`.
    pub fn add(&mut self, item: String, pos: Pos) {
        match self.0.iter_mut().find(|(seen, ..)| *seen == item) {
            Some((_, count, _)) => *count += 1,
            None => self.0.push((item, 1, pos)),
        }
    }

    /// Each thing in the order first found, where first, and `" (N times; the first here)"`
    /// to follow a message about it when it was found more than once.
    pub fn counted(self) -> impl Iterator<Item = (String, Pos, String)> {
        self.0.into_iter().map(|(item, count, pos)| {
            let times = match count {
                1 => String::new(),
                n => format!(" ({n} times; the first here)"),
            };
            (item, pos, times)
        })
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Diagnostics(vec![diagnostic])
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(diagnostics: Vec<Diagnostic>) -> Self {
        Diagnostics(diagnostics)
    }
}

impl From<Diagnostics> for Vec<Diagnostic> {
    fn from(diagnostics: Diagnostics) -> Self {
        diagnostics.0
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Diagnostics(iter.into_iter().collect())
    }
}

impl Extend<Diagnostic> for Diagnostics {
    fn extend<I: IntoIterator<Item = Diagnostic>>(&mut self, iter: I) {
        self.0.extend(iter);
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// A stage's output and the findings made while making it, as typst's `Warned`.
#[derive(Debug)]
pub struct Warned<T> {
    /// What the stage made.
    pub output: T,
    /// What it found on the way.
    pub findings: Diagnostics,
}

/// What a stage that can fail returns: its output and its warnings, or, when it failed, every
/// finding it made (the errors and the warnings beside them).
pub type Outcome<T> = Result<Warned<T>, Diagnostics>;

impl<T> Warned<T> {
    /// An output and its findings.
    pub fn new(output: T, findings: Diagnostics) -> Self {
        Warned { output, findings }
    }

    /// The output, failed when any finding is an error.
    pub fn checked(self) -> Outcome<T> {
        if self.findings.has_errors() { Err(self.findings) } else { Ok(self) }
    }

    /// The same findings with the output changed.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Warned<U> {
        Warned { output: f(self.output), findings: self.findings }
    }

    /// The output, its findings added to `found`: for a caller gathering the findings of
    /// several stages.
    pub fn into_output(self, found: &mut Diagnostics) -> T {
        found.extend(self.findings);
        self.output
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_lines_and_character_columns() {
        let text = "ab\nçé x\n";
        assert_eq!(pos_of_offset(text, 0), Pos::new(1, 1));
        assert_eq!(pos_of_offset(text, 3), Pos::new(2, 1));
        // 'x' comes after two two-byte characters and a space.
        assert_eq!(pos_of_offset(text, 8), Pos::new(2, 4));
    }

    #[test]
    fn display_names_file_line_column_and_hint() {
        let d = Diagnostic::error("sources/a/b.md", Pos::new(3, 7), "image not found")
            .with_hint("check the path");
        assert_eq!(
            d.to_string(),
            "sources/a/b.md:3:7: error: image not found\n  hint: check the path"
        );
    }

    #[test]
    fn json_is_one_flat_object_and_reads_back() {
        let d = Diagnostic::warning("a.md", Pos::new(2, 3), "l'image \"x\"").with_code("c");
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(
            json,
            "{\"file\":\"a.md\",\"line\":2,\"column\":3,\"severity\":\"warning\",\"code\":\"c\",\
             \"message\":\"l'image \\\"x\\\"\",\"hint\":null}"
        );
        assert_eq!(serde_json::from_str::<Diagnostic>(&json).unwrap(), d);
    }

    #[test]
    fn escalating_turns_only_warnings_of_that_code_into_errors() {
        let mut found: Diagnostics = [
            Diagnostic::warning("a", Pos::default(), "w").with_code("missing-alt"),
            Diagnostic::warning("a", Pos::default(), "v").with_code("other"),
        ]
        .into_iter()
        .collect();
        assert!(found.escalate(&["missing-alt"]));
        let errors: Vec<&str> = found.iter().filter(|d| d.is_error()).map(|d| d.code()).collect();
        assert_eq!(errors, ["missing-alt"]);
        assert!(!found.escalate(&["missing-alt"]), "already errors");
    }

    #[test]
    fn escalating_a_prefix_names_every_code_it_starts() {
        let mut found: Diagnostics = [
            Diagnostic::warning("a", Pos::default(), "w").with_code("typo-ordinal"),
            Diagnostic::warning("a", Pos::default(), "v").with_code("typst"),
        ]
        .into_iter()
        .collect();
        assert!(found.escalate(&["typo-*"]));
        let errors: Vec<&str> = found.iter().filter(|d| d.is_error()).map(|d| d.code()).collect();
        assert_eq!(errors, ["typo-ordinal"]);
    }

    #[test]
    fn a_suggestion_is_serialised_only_when_there_is_one() {
        let d = Diagnostic::warning("a.md", Pos::new(1, 1), "m").with_suggestion("1re");
        let json = serde_json::to_string(&d).unwrap();
        assert!(json.ends_with(",\"suggestion\":\"1re\"}"), "{json}");
        assert_eq!(serde_json::from_str::<Diagnostic>(&json).unwrap(), d);
    }

    #[test]
    fn a_warned_output_fails_when_a_finding_is_an_error() {
        let warning = Diagnostic::warning("a", Pos::default(), "w");
        assert!(Warned::new(1, warning.clone().into()).checked().is_ok());
        let both: Diagnostics = vec![warning, Diagnostic::error("a", Pos::default(), "e")].into();
        assert_eq!(Warned::new(1, both).checked().unwrap_err().len(), 2);
    }
}
