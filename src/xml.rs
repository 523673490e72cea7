//! XML escaping for the files presse writes (the EPUB's, the drawings it makes safe): whatever a
//! string holds, what is written stays well-formed.

/// Text content: `&`, `<` and `>` escaped, a carriage return kept as a reference (a parser
/// reads a literal one as a line feed), characters XML 1.0 forbids dropped.
pub fn text(s: &str) -> String {
    escape(s, false)
}

/// An attribute value, for double quotes: also `"` escaped, and line breaks kept as references.
pub fn attr(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|c| is_xml_char(*c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\r' => out.push_str("&#13;"),
            _ => out.push(c),
        }
    }
    out
}

/// The characters of `s` that XML 1.0 allows, for libraries that escape markup but keep the rest
/// (epub-builder writes titles into the package and the contents as given).
pub fn allowed_chars(s: &str) -> String {
    s.chars().filter(|c| is_xml_char(*c)).collect()
}

/// Whether XML 1.0 allows the character in a document.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// A fragment usable in ids and file names: ASCII letters, digits, `-` and `_`, never empty.
pub fn id_part(s: &str) -> String {
    let part: String = s
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
        .collect();
    if part.is_empty() { "x".to_string() } else { part }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_forbidden_characters_never_pass() {
        assert_eq!(text("a < b && c > d ]]>"), "a &lt; b &amp;&amp; c &gt; d ]]&gt;");
        assert_eq!(text("bell\u{7}\u{0}ok\u{FFFF}"), "bellok");
        assert_eq!(text("a\rb\nc"), "a&#13;b\nc");
        assert_eq!(attr("say \"hi\"\n<x>"), "say &quot;hi&quot;&#10;&lt;x&gt;");
        assert_eq!(allowed_chars("Titre\u{7} <b>\u{FFFE}"), "Titre <b>");
    }

    #[test]
    fn id_parts_keep_only_safe_characters() {
        assert_eq!(id_part("01-intro"), "01-intro");
        assert_eq!(id_part("é t\"é"), "--t--");
        assert_eq!(id_part(""), "x");
    }
}
