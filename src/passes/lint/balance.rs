//! Unbalanced « », ( ) and “ ” in a paragraph, a heading or a table cell.
//!
//! A quotation over several paragraphs opens each with « and closes only at its end: a « left
//! open before a paragraph that starts with « is that, not a mistake. A paragraph with a
//! backslash escape or an entity, or with brackets left as text (`[a](b(c)`: link syntax
//! that did not parse), is not counted: its marks may be written on purpose or belong to code.

use super::Hit;
use crate::model::ProseRun;

const PAIRS: [(char, char); 3] = [('«', '»'), ('(', ')'), ('“', '”')];

/// The unbalanced marks of every paragraph, with the run each is in.
pub(super) fn hits(runs: &[ProseRun]) -> Vec<(&ProseRun, Hit)> {
    let mut found = Vec::new();
    let mut start = 0;
    while start < runs.len() {
        let block = runs[start].block;
        let end = start + runs[start..].iter().take_while(|r| r.block == block).count();
        let next = runs.get(end).map_or("", |r| r.text.trim_start());
        let countable = runs[start..end].iter().all(|r| r.verbatim && !r.text.contains(['[', ']']));
        for pair in PAIRS.iter().filter(|_| countable) {
            found.extend(unbalanced(&runs[start..end], *pair, next));
        }
        start = end;
    }
    found
}

/// The first mark of a pair left unbalanced in one paragraph's runs.
fn unbalanced<'r>(
    runs: &'r [ProseRun],
    (open, close): (char, char),
    next: &str,
) -> Option<(&'r ProseRun, Hit)> {
    let mut opened: Vec<(&ProseRun, usize)> = Vec::new();
    for run in runs {
        for (i, c) in run.text.char_indices() {
            // `\«` is a mark written alone on purpose.
            if run.text[..i].ends_with('\\') {
                continue;
            }
            if c == open {
                opened.push((run, i));
            } else if c == close && opened.pop().is_none() && !is_enumeration(&run.text[..i], c) {
                return Some((run, hit(i, c, "is closed but never opened")));
            }
        }
    }
    let (run, i) = *opened.first()?;
    let continued = open == '«' && next.starts_with('«');
    (!continued).then(|| (run, hit(i, open, "is opened but never closed")))
}

/// `a)`, `1)`, `iv)`: a closing parenthesis that numbers a point, and smileys `:)`.
fn is_enumeration(before: &str, close: char) -> bool {
    let word: String = before.chars().rev().take_while(|c| c.is_alphanumeric()).collect();
    let standalone = before[..before.len() - word.len()]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric());
    close == ')'
        && ((1..=3).contains(&word.chars().count()) && standalone || before.ends_with([':', ';']))
}

fn hit(at: usize, mark: char, problem: &str) -> Hit {
    let span = (at, at + mark.len_utf8());
    let message = format!("`{mark}` {problem} in this paragraph");
    Hit {
        start: span.0,
        end: span.1,
        code: "typo-balance",
        message,
        suggestion: None,
        certain: false,
    }
}
