//! Escaping text for typst: Markdown text must come out literally and never run as code.

use std::fmt::Write;

/// Text for typst markup: every character that could start markup, code, math, a comment,
/// a shorthand, a label or a reference is escaped; line-breaking controls become escapes.
pub fn markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '\\' | '/' | '*' | '_' | '#' | '[' | ']' | '{' | '}' | '\'' | '"' | '$' | '~' | ':'
            | '=' | '-' | '+' | '.' | '`' | '<' | '>' | '@' => {
                out.push('\\');
                out.push(c);
            }
            // typst's shorthand for a soft hyphen, readable where the character is invisible.
            '\u{ad}' => out.push_str("-?"),
            c if needs_unicode_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
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

/// Controls and the characters typst counts as line breaks.
fn needs_unicode_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_escapes_every_active_character() {
        assert_eq!(markup("#let x = 1"), "\\#let x \\= 1");
        assert_eq!(markup("a // b"), "a \\/\\/ b");
        assert_eq!(markup("<l> @r $m$"), "\\<l\\> \\@r \\$m\\$");
        assert_eq!(markup("line\u{2028}sep"), "line\\u{2028}sep");
        assert_eq!(markup("quel\u{ad}qu’un -?"), "quel-?qu’un \\-?");
    }

    #[test]
    fn strings_escape_quotes_backslashes_and_newlines() {
        assert_eq!(string("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
    }
}
