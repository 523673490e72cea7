//! Printing diagnostics for people (with the source line and a caret), for tools (JSON lines)
//! and for GitHub Actions (workflow annotations).

use std::fmt::Write;
use std::path::Path;

use crate::diag::{Diagnostic, Severity};

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MessageFormat {
    /// For people: `file:line:col: error: …`, the source line, a caret and the hint.
    #[default]
    Human,
    /// One JSON object per line.
    Json,
    /// GitHub Actions `::error file=…,line=…,col=…::message` annotations.
    Github,
}

/// Renders one diagnostic; `root` is where its file is read from to quote the line.
pub fn render(diagnostic: &Diagnostic, format: MessageFormat, root: &Path, colour: bool) -> String {
    match format {
        MessageFormat::Human => human(diagnostic, root, colour),
        MessageFormat::Json => json(diagnostic),
        MessageFormat::Github => github(diagnostic),
    }
}

fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn human(d: &Diagnostic, root: &Path, colour: bool) -> String {
    let paint = |code: &str, text: &str| {
        if colour { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() }
    };
    let word = severity_word(d.severity);
    let word = paint(if d.is_error() { "1;31" } else { "1;33" }, word);
    let (line, column) = (d.pos.line.max(1), d.pos.column.max(1));
    let mut out =
        format!("{}:{line}:{column}: {word}: {}", d.file.display(), paint("1", &d.message));
    if let Some(text) = source_line(root, &d.file, d.pos.line) {
        let gutter = line.to_string();
        let pad = " ".repeat(gutter.len());
        let caret_pad: String = text
            .chars()
            .take(column as usize - 1)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let _ =
            write!(out, "\n{pad} |\n{gutter} | {text}\n{pad} | {caret_pad}{}", paint("1;36", "^"));
    }
    if let Some(hint) = &d.hint {
        let _ = write!(out, "\n  {}: {hint}", paint("1;36", "hint"));
    }
    out
}

/// The line `line` (1-based) of a file under the root, if it can be read.
fn source_line(root: &Path, file: &Path, line: u32) -> Option<String> {
    if line == 0 {
        return None;
    }
    let text = std::fs::read_to_string(root.join(file)).ok()?;
    text.lines().nth(line as usize - 1).map(|l| l.trim_end().to_string())
}

fn json(d: &Diagnostic) -> String {
    format!(
        "{{\"file\":{},\"line\":{},\"column\":{},\"severity\":\"{}\",\"code\":{},\"message\":{},\"hint\":{}}}",
        json_string(&d.file.to_string_lossy()),
        d.pos.line,
        d.pos.column,
        severity_word(d.severity),
        json_string(d.code()),
        json_string(&d.message),
        d.hint.as_deref().map_or("null".to_string(), json_string),
    )
}

/// A JSON string literal.
fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn github(d: &Diagnostic) -> String {
    let message = match &d.hint {
        Some(hint) => format!("{} (hint: {hint})", d.message),
        None => d.message.clone(),
    };
    format!(
        "::{} file={},line={},col={}::{}",
        severity_word(d.severity),
        github_escape(&d.file.to_string_lossy(), true),
        d.pos.line.max(1),
        d.pos.column.max(1),
        github_escape(&message, false)
    )
}

/// Escapes for workflow commands: `%`, CR and LF always; `:` and `,` in properties.
fn github_escape(text: &str, property: bool) -> String {
    let mut out = text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    if property {
        out = out.replace(':', "%3A").replace(',', "%2C");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Pos;

    fn finding() -> Diagnostic {
        Diagnostic::error("a.md", Pos::new(2, 3), "l'image \"x\" manque")
            .with_hint("vérifiez le chemin")
            .with_code("missing-image")
    }

    #[test]
    fn human_output_quotes_the_line_with_a_caret() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("a.md"), "un\nab![x](x.png)\n").unwrap();
        let out = render(&finding(), MessageFormat::Human, tmp.path(), false);
        assert_eq!(
            out,
            "a.md:2:3: error: l'image \"x\" manque\n  |\n2 | ab![x](x.png)\n  |   ^\n  hint: vérifiez le chemin"
        );
    }

    #[test]
    fn json_output_is_one_escaped_object() {
        let out = render(&finding(), MessageFormat::Json, Path::new("."), false);
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
        let out = render(&d, MessageFormat::Github, Path::new("."), false);
        assert_eq!(out, "::error file=dir%2Cx/a%3Ab.md,line=2,col=3::100%25 faux%0Avraiment");
    }
}
