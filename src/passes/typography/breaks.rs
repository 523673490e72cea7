//! French rules against bad line breaks: dates, numbers with the word they count, and the
//! hyphens of compound proper nouns.
//!
//! The *Lexique* of the Imprimerie nationale keeps on one line a date's day, month and year
//! (`16 décembre 2011`, `jeudi 1er décembre`), a number and the noun it counts (`3 communes`,
//! `35 km`), and a compound proper noun (`Île-de-France`, `Jean-Marie`). The first two get a
//! no-break space (U+00A0); the hyphens of the last become U+2011 NON-BREAKING HYPHEN, which
//! the PDF's fonts draw as a hyphen and its text layer copies as such (the EPUB writes them
//! back as plain hyphens, in a span that does not wrap, so that the text stays searchable).

use super::rules::{Cell, NBSP, NNBSP};

/// The non-breaking hyphen.
pub const NB_HYPHEN: char = '\u{2011}';

/// The months, which stay with the day before them and the year after them.
const MONTHS: &[&str] = &crate::date::FRENCH_MONTHS;
/// The days of the week, which stay with the day of the month after them.
const WEEKDAYS: &[&str] =
    &["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"];
/// Short words after a number that do not count it (`entre 3 et 4`): the break stays.
const NOT_COUNTED: &[&str] = &["et", "ou", "ni", "à", "au", "aux"];

/// A number read backwards from the end of the text written so far.
struct Number {
    /// Its digits, without group spaces or decimal marks.
    digits: String,
    /// Whether it was written in groups (`12 000`) or with decimals (`3,5`).
    grouped_or_decimal: bool,
    /// Whether an ordinal suffix follows it (`1er`, `2e`).
    ordinal: bool,
}

impl Number {
    fn value(&self) -> Option<u32> {
        self.digits.parse().ok()
    }

    /// A day of the month: `1` to `31`, or `1er`.
    fn is_day(&self) -> bool {
        !self.grouped_or_decimal
            && self.digits.len() <= 2
            && self.value().is_some_and(|v| (1..=31).contains(&v))
            && (!self.ordinal || self.digits == "1")
    }

    /// A year standing alone (`en 2011`), which may end a line: four digits, 1000 to 2100.
    fn is_year(&self) -> bool {
        !self.grouped_or_decimal
            && !self.ordinal
            && self.digits.len() == 4
            && self.value().is_some_and(|v| (1000..=2100).contains(&v))
    }
}

/// No-break spaces in dates (`16 décembre 2011`, `jeudi 1er`) and between a number and the
/// word after it (`3 communes`, `12 000 habitants`), but after a year or before `et`, `ou` ….
pub fn bind_numbers(cells: Vec<Cell>) -> Vec<Cell> {
    let mut out: Vec<Cell> = Vec::with_capacity(cells.len());
    let mut i = 0;
    while i < cells.len() {
        let cell = cells[i];
        if cell.is_space() && cell.ch != NNBSP {
            let next = i + cells[i..].iter().take_while(|c| c.is_space()).count();
            if binds(&out, &cells[next..]) {
                out.push(cell.with(NBSP));
                i = next;
                continue;
            }
        }
        out.push(cell);
        i += 1;
    }
    out
}

/// Whether the space between `before` and `after` must not break.
fn binds(before: &[Cell], after: &[Cell]) -> bool {
    let next_word = word_at(after);
    if next_word.is_empty() {
        let next_number = number_after(after);
        let month_before = MONTHS.iter().any(|m| ends_with_word_ci(before, m));
        let weekday_before = WEEKDAYS.iter().any(|d| ends_with_word_ci(before, d));
        return next_number.is_some_and(|n| {
            (month_before && (n.is_year() || n.is_day())) || (weekday_before && n.is_day())
        });
    }
    let Some(number) = number_before(before) else {
        return false;
    };
    let lower = next_word.to_lowercase();
    if MONTHS.contains(&lower.as_str()) {
        return number.is_day();
    }
    let starts_lower = next_word.chars().next().is_some_and(char::is_lowercase);
    starts_lower && !number.is_year() && !NOT_COUNTED.contains(&next_word.as_str())
}

/// The word of unlocked letters that starts `cells` (empty if none does).
fn word_at(cells: &[Cell]) -> String {
    cells.iter().take_while(|c| !c.locked && !c.sup && c.ch.is_alphabetic()).map(|c| c.ch).collect()
}

/// The number that starts `cells`, as a whole word (`2011`, `1er`, not `2011a`).
fn number_after(cells: &[Cell]) -> Option<Number> {
    let digits: String = cells.iter().take_while(|c| c.is_digit()).map(|c| c.ch).collect();
    if digits.is_empty() {
        return None;
    }
    let rest = &cells[digits.len()..];
    let ordinal = rest.first().is_some_and(|c| c.sup);
    let after = rest.iter().find(|c| !c.sup);
    if after.is_some_and(|c| c.ch.is_alphanumeric()) {
        return None;
    }
    Some(Number { digits, grouped_or_decimal: false, ordinal })
}

/// The number that ends `out` as a whole word (`3`, `12 000`, `3,5`, `1er`), if one does.
fn number_before(out: &[Cell]) -> Option<Number> {
    let sup = out.iter().rev().take_while(|c| c.sup && !c.locked).count();
    let body = &out[..out.len() - sup];
    let mut start = body.len();
    let mut grouped_or_decimal = false;
    while start > 0 {
        let c = &body[start - 1];
        if c.is_digit() {
            start -= 1;
        } else if (c.is(NNBSP) || c.is(',') || c.is('.'))
            && start < body.len()
            && start >= 2
            && body[start - 2].is_digit()
        {
            grouped_or_decimal = true;
            start -= 1;
        } else {
            break;
        }
    }
    let digits: String = body[start..].iter().filter(|c| c.is_digit()).map(|c| c.ch).collect();
    let starts_word = start == 0 || !body[start - 1].ch.is_alphanumeric();
    let ends_with_digit = body.last().is_some_and(Cell::is_digit);
    (!digits.is_empty() && starts_word && ends_with_digit).then_some(Number {
        digits,
        grouped_or_decimal,
        ordinal: sup > 0,
    })
}

/// Whether `out` ends with `word` (any case), unlocked, as a whole word.
fn ends_with_word_ci(out: &[Cell], word: &str) -> bool {
    let len = word.chars().count();
    let Some(start) = out.len().checked_sub(len) else {
        return false;
    };
    let tail = &out[start..];
    let same = tail
        .iter()
        .zip(word.chars())
        .all(|(c, w)| !c.locked && !c.sup && c.ch.to_lowercase().eq(w.to_lowercase()));
    same && (start == 0 || !out[start - 1].ch.is_alphanumeric())
}

/// The hyphens of a capitalised compound (`Île-de-France`, `Jean-Marie`, `Val-d’Oise`) →
/// U+2011, so that the line does not break inside the name.
pub fn proper_compounds(mut cells: Vec<Cell>) -> Vec<Cell> {
    let in_word = |c: &Cell| {
        !c.locked && (c.ch.is_alphabetic() || matches!(c.ch, '-' | NB_HYPHEN | '’' | '\''))
    };
    let letter = |c: Option<&Cell>| c.is_some_and(|c| !c.locked && !c.sup && c.ch.is_alphabetic());
    let mut start = 0;
    for i in 0..cells.len() {
        if !in_word(&cells[i]) {
            start = i + 1;
            continue;
        }
        let capitalised = cells[start].ch.is_uppercase();
        if capitalised
            && cells[i].is('-')
            && i > start
            && letter(cells.get(i - 1))
            && letter(cells.get(i + 1))
        {
            cells[i].ch = NB_HYPHEN;
        }
    }
    cells
}
