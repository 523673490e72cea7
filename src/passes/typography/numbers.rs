//! French rules around numbers: digit groups, units, abbreviations, civilities and ordinals.

use super::rules::{Cell, NBSP, NNBSP, set_gap_before};

/// Words after a number that stay on its line (units, currencies, large numbers), space-separated.
const UNITS: &str = "km m cm mm km² m² m³ ha kg g mg t l L cl ml h min s ms °C W kW MW GW kWh MWh \
                     GWh TWh ko Mo Go To dB € k€ M€ Md€ $ £ million millions milliard milliards \
                     millier milliers";
/// The abbreviations of *numéro*, which take a space even when written glued (`n°3`).
const NUMERO: &[&str] = &["n°", "N°", "nº", "Nº"];
/// Other abbreviations that stay on the line of the number after them.
const BEFORE_NUMBERS: &[&str] = &["p.", "pp.", "t.", "vol.", "chap.", "fig.", "art.", "§"];
/// Civilities that stay on the line of the name after them.
const CIVILITIES: &[&str] = &["M.", "MM.", "Mme", "Mmes", "Mlle", "Mlles", "Me", "Dr", "Pr"];

/// `12 000` → `12 000` with U+202F: the spaces an author typed between groups of three digits.
///
/// A run of 1 to 3 digits followed by groups of exactly 3 digits counts as one number.
/// Digits written together (`12000`, `75004`, `2024`) are left as they are (but in a table
/// column that holds grouped numbers: see `group_long_numbers`).
pub fn digit_groups(cells: Vec<Cell>) -> Vec<Cell> {
    let mut out = Vec::with_capacity(cells.len());
    let mut i = 0;
    while i < cells.len() {
        let starts_word = out.last().is_none_or(|c: &Cell| !c.ch.is_alphanumeric());
        match grouped_number_end(&cells, i).filter(|_| starts_word) {
            Some(end) => {
                let group = |c: &Cell| if c.is_space() { c.with(NNBSP) } else { *c };
                out.extend(cells[i..end].iter().map(group));
                i = end;
            }
            None => {
                out.push(cells[i]);
                i += 1;
            }
        }
    }
    out
}

/// Whether the text holds a number written in groups of three (`11 250`, once `digit_groups`
/// has set its U+202F).
pub fn has_grouped_number(cells: &[Cell]) -> bool {
    cells.windows(5).enumerate().any(|(i, w)| {
        w[0].is_digit()
            && w[1].is(NNBSP)
            && w[2..].iter().all(Cell::is_digit)
            && !cells.get(i + 5).is_some_and(Cell::is_digit)
    })
}

/// `1157` → `1 157`, `1234567` → `1 234 567` (U+202F): the whole numbers of four digits or more
/// typed together, for a table column that holds grouped numbers.
///
/// A number after a letter (`en 2011`, `T3`), a decimal part (`3,14159`) and a four-digit
/// number from 1800 to 2100 (a year: `1991`) are left as typed.
pub fn group_long_numbers(cells: Vec<Cell>) -> Vec<Cell> {
    let mut out: Vec<Cell> = Vec::with_capacity(cells.len() + 4);
    let mut after_letter = false;
    let mut i = 0;
    while i < cells.len() {
        let run = digits_at(&cells, i);
        if run == 0 {
            after_letter |= cells[i].ch.is_alphabetic();
            out.push(cells[i]);
            i += 1;
            continue;
        }
        let digits = &cells[i..i + run];
        let before = out.last();
        let glued = before.is_some_and(|c| c.ch.is_alphanumeric() || c.ch == NNBSP)
            || before.is_some_and(|c| ",.".contains(c.ch))
                && out.len() >= 2
                && out[out.len() - 2].is_digit();
        let value: String = digits.iter().map(|c| c.ch).collect();
        let year = run == 4 && value.parse::<u32>().is_ok_and(|v| (1800..=2100).contains(&v));
        let ends_word = cells.get(i + run).is_none_or(|c| !c.ch.is_alphanumeric());
        if run >= 4 && !glued && !after_letter && !year && ends_word {
            for (k, digit) in digits.iter().enumerate() {
                if k > 0 && (run - k).is_multiple_of(3) {
                    out.push(Cell::text(NNBSP, digit.seg));
                }
                out.push(*digit);
            }
        } else {
            out.extend_from_slice(digits);
        }
        i += run;
    }
    out
}

/// The end of a number written in groups (`1 234 567`) starting at `i`, if one does.
fn grouped_number_end(cells: &[Cell], i: usize) -> Option<usize> {
    let lead = digits_at(cells, i);
    if !(1..=3).contains(&lead) {
        return None;
    }
    let mut end = i + lead;
    while cells.get(end).is_some_and(Cell::is_space) && digits_at(cells, end + 1) == 3 {
        end += 4;
    }
    (end > i + lead).then_some(end)
}

/// How many unlocked digits follow one another from `i`.
fn digits_at(cells: &[Cell], i: usize) -> usize {
    cells.get(i..).map_or(0, |rest| rest.iter().take_while(|c| c.is_digit()).count())
}

/// No-break spaces: U+202F before `%`, U+00A0 before units and after `n°`, `p.`, `M.` ….
pub fn number_spacing(cells: Vec<Cell>) -> Vec<Cell> {
    let mut out = Vec::with_capacity(cells.len());
    let mut i = 0;
    while i < cells.len() {
        let cell = cells[i];
        if (cell.is('%') || cell.is('‰')) && last_word_char_is_digit(&out) {
            set_gap_before(&mut out, NNBSP, cell.seg);
        } else if cell.is_space()
            && let Some(next) = glued_word_at(&out, &cells, i)
        {
            out.push(cell.with(NBSP));
            i = next;
            continue;
        } else if cell.is_digit() && NUMERO.iter().any(|w| ends_with_word(&out, w)) {
            out.push(Cell::text(NBSP, cell.seg));
        }
        out.push(cell);
        i += 1;
    }
    out
}

/// If the spaces at `i` should be one no-break space, the index of the word after them.
fn glued_word_at(out: &[Cell], cells: &[Cell], i: usize) -> Option<usize> {
    let next = i + cells[i..].iter().take_while(|c| c.is_space()).count();
    let first = cells.get(next)?;
    let after_number = out.last().is_some_and(Cell::is_digit) && unit_at(&cells[next..]);
    let numbered =
        first.is_digit() && NUMERO.iter().chain(BEFORE_NUMBERS).any(|w| ends_with_word(out, w));
    let named = !first.locked
        && first.ch.is_uppercase()
        && CIVILITIES.iter().any(|w| ends_with_word(out, w));
    (after_number || numbered || named).then_some(next)
}

/// Whether the text starts with a unit, as a whole word.
fn unit_at(cells: &[Cell]) -> bool {
    let word: String = cells
        .iter()
        .take_while(|c| !c.locked && (c.ch.is_alphabetic() || "²³°€$£".contains(c.ch)))
        .map(|c| c.ch)
        .collect();
    let next = cells.get(word.chars().count());
    UNITS.split_whitespace().any(|unit| unit == word)
        && next.is_none_or(|c| !c.ch.is_alphanumeric())
}

/// Whether the last character before any typed spaces is a digit.
fn last_word_char_is_digit(out: &[Cell]) -> bool {
    out.iter().rev().find(|c| !c.is_space()).is_some_and(Cell::is_digit)
}

/// Whether `out` ends with `word`, unlocked, not preceded by a letter or digit.
fn ends_with_word(out: &[Cell], word: &str) -> bool {
    let len = word.chars().count();
    let Some(start) = out.len().checked_sub(len) else {
        return false;
    };
    let matches = out[start..].iter().zip(word.chars()).all(|(c, w)| c.is(w));
    matches && (start == 0 || !out[start - 1].ch.is_alphanumeric())
}

/// Marks ordinal suffixes for superscript: `1er`, `1re`, `2e`, `2nd`, `XIXe`, `IIIe`, `Ve` ….
pub fn ordinals(mut cells: Vec<Cell>) -> Vec<Cell> {
    let mut i = 0;
    while i < cells.len() {
        let starts_word = i == 0 || !cells[i - 1].ch.is_alphanumeric();
        match starts_word.then(|| ordinal_at(&cells[i..])).flatten() {
            Some((number, suffix)) => {
                let sup = i + number..i + number + suffix;
                cells[sup].iter_mut().for_each(|c| c.sup = true);
                i += number + suffix;
            }
            None => i += 1,
        }
    }
    cells
}

/// If the text starts with an ordinal word, the lengths of its number and of its suffix.
fn ordinal_at(cells: &[Cell]) -> Option<(usize, usize)> {
    // Most words start with neither a digit nor a Roman numeral: skip them without a copy.
    if !cells.first().is_some_and(|c| c.ch.is_ascii_digit() || "IVXLC".contains(c.ch)) {
        return None;
    }
    let word: String = cells
        .iter()
        .take_while(|c| !c.locked && !c.sup && c.ch.is_alphanumeric())
        .map(|c| c.ch)
        .collect();
    let arabic = word.chars().take_while(char::is_ascii_digit).count();
    let number_len =
        if arabic > 0 { arabic } else { word.chars().take_while(|c| "IVXLC".contains(*c)).count() };
    let (number, suffix) = word.split_at(number_len);
    ordinal_suffix_fits(number, suffix).then(|| (number_len, suffix.chars().count()))
}

/// Whether `suffix` makes an ordinal of `number` (`1er` but not `1e`; `Ve` but not `Ce`, `Le`).
fn ordinal_suffix_fits(number: &str, suffix: &str) -> bool {
    let first = number == "1" || number == "I";
    match suffix {
        "er" | "re" | "ers" | "res" => first,
        "e" | "es" => {
            !number.is_empty() && !first && (number.len() > 1 || "23456789VX".contains(number))
        }
        "nd" | "nde" | "nds" | "ndes" => number == "2",
        _ => false,
    }
}
