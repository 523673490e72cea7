//! Escaping text for typst: Markdown text must come out literally and never run as code.

use std::fmt::Write;

/// Text as typst content: a string literal embedded in markup and closed by `;`, so that no
/// character of it can start markup, code, math, a comment, a label or a reference. One string
/// is one text element for typst, where markup would make one per word and per space (see
/// `bench/` for what that saves); the pages come out the same. Control characters other than
/// tabs and line feeds are left out: no font has a glyph for them, so they print nothing, and
/// PDF/A refuses text it cannot map to a glyph.
pub fn text(text: &str) -> String {
    let printable = |c: &char| !c.is_control() || matches!(c, '\n' | '\t');
    let text: String = text.chars().filter(printable).collect();
    let mut out = String::with_capacity(text.len() + 4);
    out.push('#');
    out.push_str(&string(&text));
    out.push(';');
    out
}

/// A typst string literal, quotes included.
pub fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if needs_unicode_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Controls, the characters typst counts as line breaks, and the invisible ones French text
/// is full of (no-break spaces, soft hyphens), so that the `.typ` file shows them.
fn needs_unicode_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{a0}' | '\u{ad}' | '\u{202f}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_one_closed_string() {
        assert_eq!(text("#let x = 1"), "#\"#let x = 1\";");
        assert_eq!(text("a // b <l> @r $m$ ]"), "#\"a // b <l> @r $m$ ]\";");
        assert_eq!(text("line\u{2028}sep"), "#\"line\\u{2028}sep\";");
        assert_eq!(text("quel\u{ad}qu’un\u{202f}?"), "#\"quel\\u{ad}qu’un\\u{202f}?\";");
        assert_eq!(text("\"; #x"), "#\"\\\"; #x\";");
        assert_eq!(text("bell\u{7}\u{85}"), "#\"bell\";");
    }

    #[test]
    fn strings_escape_quotes_backslashes_and_newlines() {
        assert_eq!(string("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
    }
}
