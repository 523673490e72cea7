//! Numbers written the English way in French text: `1.500.000` or `1,500,000` for
//! `1 500 000`, `12.5 %` for `12,5 %`. Versions (`1.2.3`), dates (`09.08.2012`) and section
//! numbers (`2.3.1`) have no group of three digits after the first, and stay silent.

use super::Hit;

/// The words after which a decimal number is a quantity (`12.5 %`, `3.2 millions`).
const UNITS: [&str; 14] = [
    "%",
    "‰",
    "€",
    "$",
    "millions",
    "milliards",
    "million",
    "milliard",
    "km",
    "kg",
    "ha",
    "m²",
    "km²",
    "euros",
];

/// What the number rules find in one text run.
pub(super) fn hits(text: &str, out: &mut Vec<Hit>) {
    for (start, number) in numbers(text) {
        let span = (start, start + number.len());
        if let Some(grouped) = grouped(number) {
            let message =
                format!("`{number}` is grouped the English way; French groups digits with spaces");
            out.push(Hit::likely(span, "typo-number", message, grouped));
        } else if is_decimal_point(number) && before_unit(&text[span.1..]) {
            let fixed = number.replace('.', ",");
            let message = format!("French writes a decimal comma: `{fixed}`");
            out.push(Hit::likely(span, "typo-number", message, fixed));
        }
    }
}

/// The numbers of a text: digits, dots and commas from a digit to a digit, with no letter,
/// hyphen, slash or other number touching them (a dot or a comma may end the sentence).
fn numbers(text: &str) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(offset) = text[i..].find(|c: char| c.is_ascii_digit()) {
        let start = i + offset;
        let rest = &text[start..];
        let end = start
            + rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
                .unwrap_or(rest.len());
        i = end;
        let number = text[start..end].trim_end_matches(['.', ',']);
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        let punctuated = number.len() < end - start;
        if before.is_some_and(|c| c.is_alphanumeric() || "-_/#.,".contains(c))
            || after.is_some_and(|c| c.is_alphanumeric() || (!punctuated && "-_/".contains(c)))
        {
            continue;
        }
        found.push((start, number));
    }
    found
}

/// `1.500.000` → `1 500 000`: two or more groups of three after the first, one separator.
fn grouped(number: &str) -> Option<String> {
    let separator = number.chars().find(|c| !c.is_ascii_digit())?;
    let mut groups = number.split(separator);
    let first = groups.next()?;
    let rest: Vec<&str> = groups.collect();
    let digits = |g: &str| g.bytes().all(|b| b.is_ascii_digit());
    let valid = (1..=3).contains(&first.len())
        && digits(first)
        && rest.len() >= 2
        && rest.iter().all(|g| g.len() == 3 && digits(g));
    valid.then(|| number.replace(separator, " "))
}

/// `12.5`: one dot between digits.
fn is_decimal_point(number: &str) -> bool {
    number.matches('.').count() == 1 && !number.contains(',')
}

/// Whether a text starts, after at most one space, with a unit.
fn before_unit(after: &str) -> bool {
    let after = after.strip_prefix([' ', '\u{a0}', '\u{202f}']).unwrap_or(after);
    let word = after.split(|c: char| c.is_whitespace() || ",;:.)".contains(c)).next().unwrap_or("");
    UNITS.contains(&word)
}
