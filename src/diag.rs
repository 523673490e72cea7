//! Diagnostics: every problem presse reports names a file, a line and a column, and says what to do.

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::model::Pos;

/// How bad a finding is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Severity {
    /// The build goes on.
    Warning,
    /// The build fails.
    Error,
}

/// One finding about the sources.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file it is about, relative to the project root.
    pub file: PathBuf,
    /// Where in that file (line 0 when the whole file is meant).
    pub pos: Pos,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
    /// A short stable name of the kind of finding, for tools (`missing-image`, `typst` …).
    pub code: Cow<'static, str>,
}

impl Diagnostic {
    /// An error at a position in a file.
    pub fn error(file: impl AsRef<Path>, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.as_ref().to_path_buf(),
            pos,
            message: message.into(),
            hint: None,
            code: Cow::Borrowed("presse"),
        }
    }

    /// A warning at a position in a file.
    pub fn warning(file: impl AsRef<Path>, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(file, pos, message) }
    }

    /// The same finding with a hint saying what to do.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
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
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let line = self.pos.line.max(1);
        let column = self.pos.column.max(1);
        write!(f, "{}:{line}:{column}: {severity}: {}", self.file.display(), self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
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

/// Findings collected by a stage, errors and warnings together.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Adds one finding.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// Adds all findings of another collection.
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
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
}
