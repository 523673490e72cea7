//! Spacing the typography pass leaves as written: a space before a comma or a full stop, no
//! space after a comma or a semicolon between words, two spaces between words (a slip; not
//! after a full stop, where typists' habit puts them, nor three or more, written on purpose).

use super::Hit;

/// What the spacing rules find in one text run.
pub(super) fn hits(text: &str, out: &mut Vec<Hit>) {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        let byte = |j: usize| chars.get(j).map_or(text.len(), |&(b, _)| b);
        if c == ' ' && i > 0 && at(i - 1).is_some_and(|p| !p.is_whitespace()) {
            let spaces = chars[i..].iter().take_while(|(_, c)| *c == ' ').count();
            let next = at(i + spaces);
            let span = (start, byte(i + spaces));
            let rest = &text[byte(i + spaces)..];
            if let Some(hit) = space_before(at(i - 1), rest, span) {
                out.push(hit);
            } else if spaces == 2
                && next.is_some_and(|n| !n.is_whitespace())
                && at(i - 1).is_some_and(|p| !".!?:;".contains(p))
            {
                let message = "two spaces between words".to_string();
                out.push(Hit::certain(span, "typo-spacing", message, " ".to_string()));
            }
            i += spaces;
            continue;
        }
        if (c == ',' || c == ';')
            && letters_before(&chars[..i]) >= 2
            && letters_after(&chars[i + 1..]) >= 2
        {
            let message = format!("a space goes after `{c}`");
            out.push(Hit::likely((start, byte(i + 1)), "typo-spacing", message, format!("{c} ")));
        }
        i += 1;
    }
}

/// `mot ,` and `mot .`: a space after a word before a comma or a full stop that ends a
/// sentence (not `...`, `. . .`, `.NET`).
fn space_before(previous: Option<char>, rest: &str, span: (usize, usize)) -> Option<Hit> {
    let mark = rest.chars().next().filter(|m| *m == ',' || *m == '.')?;
    let after = &rest[1..];
    let ends = after.is_empty() || (after.starts_with(' ') && !after.starts_with(" ."));
    if !previous.is_some_and(char::is_alphanumeric) || !ends {
        return None;
    }
    let message = format!("no space goes before `{mark}`");
    Some(Hit::likely((span.0, span.1 + 1), "typo-spacing", message, mark.to_string()))
}

/// How many letters stand right before the end of `chars`.
fn letters_before(chars: &[(usize, char)]) -> usize {
    chars.iter().rev().take_while(|(_, c)| c.is_alphabetic()).count()
}

/// How many letters stand right at the start of `chars`.
fn letters_after(chars: &[(usize, char)]) -> usize {
    chars.iter().take_while(|(_, c)| c.is_alphabetic()).count()
}
