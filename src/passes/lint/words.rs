//! Rules on whole words: ordinals, abbreviations, accented capitals, ligatures, months and
//! days, repeated words.

use super::Hit;
use crate::date::FRENCH_MONTHS;

/// The words of a text (runs of letters and digits), with their byte offsets.
pub(super) fn words(text: &str) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        match (c.is_alphanumeric(), start) {
            (false, Some(s)) => {
                found.push((s, &text[s..i]));
                start = None;
            }
            (true, None) => start = Some(i),
            _ => {}
        }
    }
    found
}

/// What the word rules find in one text run.
pub(super) fn hits(text: &str, out: &mut Vec<Hit>) {
    let words = words(text);
    for (index, &(at, word)) in words.iter().enumerate() {
        let span = (at, at + word.len());
        let after = &text[span.1..];
        let before = &text[..at];
        if let Some(hit) = ordinal(word, span)
            .or_else(|| abbreviation(word, span, after))
            .or_else(|| accent(word, span))
            .or_else(|| ligature(word, span))
            .or_else(|| month(word, span, before))
            .or_else(|| day(word, span, before, after))
        {
            out.push(hit);
        }
        if let Some(hit) = repeated(text, &words, index) {
            out.push(hit);
        }
    }
}

/// `1ère` → `1re`, `2ème` → `2e`, `XIXème` → `XIXe`, `2nd` → `2d`.
fn ordinal(word: &str, span: (usize, usize)) -> Option<Hit> {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    let roman = word.bytes().take_while(|b| b"IVXLCDM".contains(b)).count();
    let (number, suffix) = word.split_at(digits.max(roman));
    if number.is_empty() || (digits > 0 && number.len() > 4) || number.len() > 8 {
        return None;
    }
    // A lone M, D, C or L is a word's capital (`Meme` for `Même`), not a numeral.
    if digits == 0 && number.len() == 1 && !"IVX".contains(number) {
        return None;
    }
    let first = number == "1" || number == "I";
    let fixed = match suffix {
        "ère" | "ere" | "ière" | "iere" if first => "re",
        "ères" | "eres" if first => "res",
        _ if first => return None,
        "ème" | "eme" | "ième" | "ieme" => "e",
        "èmes" | "emes" | "ièmes" | "iemes" => "es",
        "è" if digits > 0 => "e",
        "nd" | "nde" | "nds" | "ndes" if number == "2" => &suffix[1..],
        _ => return None,
    };
    let fixed = format!("{number}{fixed}");
    let message = format!("the ordinal `{word}` is written `{fixed}`");
    Some(Hit::certain(span, "typo-ordinal", message, fixed))
}

/// `Mr` → `M.`, `Mrs` → `Mme`, `Mme.` → `Mme`, `etc...` → `etc.`, `cf` → `cf.`.
fn abbreviation(word: &str, span: (usize, usize), after: &str) -> Option<Hit> {
    let next = after.chars().next();
    let spaced = matches!(next, None | Some(' ' | '\u{a0}' | '\u{202f}'));
    let dot = usize::from(after.starts_with('.'));
    let (end, fixed) = match word {
        "Mr" | "Mrs" if spaced || dot == 1 => {
            (span.1 + dot, if word == "Mr" { "M." } else { "Mme" }.to_string())
        }
        "Mme" | "Mmes" | "Mlle" | "Mlles" | "Dr" | "Mgr"
            if dot == 1 && before_name(&after[1..]) =>
        {
            (span.1 + 1, word.to_string())
        }
        "etc" => {
            let dots = after.chars().take_while(|c| *c == '.' || *c == '…').collect::<String>();
            if dots == "." || dots.is_empty() {
                return None;
            }
            (span.1 + dots.len(), "etc.".to_string())
        }
        "cf" | "Cf" if spaced => (span.1, format!("{word}.")),
        _ => return None,
    };
    let old = format!("{word}{}", &after[..end - span.1]);
    let message = format!("the abbreviation `{old}` is written `{fixed}`");
    Some(Hit::certain((span.0, end), "typo-abbreviation", message, fixed))
}

/// Whether a text starts with a space and a name (`Mme. Durand`, not `Mme. C'était`).
fn before_name(text: &str) -> bool {
    let mut chars = text.chars();
    let spaced = matches!(chars.next(), Some(' ' | '\u{a0}' | '\u{202f}'));
    let name: String = chars.take_while(|c| c.is_alphabetic() || *c == '\'' || *c == '’').collect();
    spaced && name.starts_with(char::is_uppercase) && name.chars().skip(1).all(char::is_lowercase)
}

/// Capitals that take their accent, as the *Lexique* asks: only words that exist with it.
/// `Est` and `Europe` are not here: `Est` is also the verb and the direction, unaccented.
const ACCENTED: [(&str, &str); 33] = [
    ("Etat", "État"),
    ("Etats", "États"),
    ("Ecole", "École"),
    ("Ecoles", "Écoles"),
    ("Eglise", "Église"),
    ("Eglises", "Églises"),
    ("Ile", "Île"),
    ("Iles", "Îles"),
    ("Evry", "Évry"),
    ("Etude", "Étude"),
    ("Etudes", "Études"),
    ("Etudiant", "Étudiant"),
    ("Etudiants", "Étudiants"),
    ("Economie", "Économie"),
    ("Education", "Éducation"),
    ("Egalité", "Égalité"),
    ("Electricité", "Électricité"),
    ("Energie", "Énergie"),
    ("Equipe", "Équipe"),
    ("Equipes", "Équipes"),
    ("Epoque", "Époque"),
    ("Elève", "Élève"),
    ("Elèves", "Élèves"),
    ("Evénement", "Événement"),
    ("Evénements", "Événements"),
    ("Etre", "Être"),
    ("Elysée", "Élysée"),
    ("Egypte", "Égypte"),
    ("Equateur", "Équateur"),
    ("Ethiopie", "Éthiopie"),
    ("Etienne", "Étienne"),
    ("Evian", "Évian"),
    ("Ecosse", "Écosse"),
];

/// `Etat` → `État`, `Ile-de-France` → `Île-de-France`.
fn accent(word: &str, span: (usize, usize)) -> Option<Hit> {
    let (_, fixed) = ACCENTED.iter().find(|(bare, _)| *bare == word)?;
    let message = format!("`{word}` takes its accent on the capital: `{fixed}`");
    Some(Hit::certain(span, "typo-accent", message, fixed.to_string()))
}

/// The starts of the words written with œ (`coefficient`, `coexister`, `moelle` have none).
const LIGATURES: [&str; 20] = [
    "coeur",
    "choeur",
    "rancoeur",
    "écoeur",
    "soeur",
    "oeuvr",
    "manoeuvr",
    "désoeuvr",
    "oeil",
    "oeuf",
    "boeuf",
    "noeud",
    "voeu",
    "moeurs",
    "oesophag",
    "foetus",
    "oecumén",
    "oedème",
    "oenolog",
    "oedip",
];

/// `coeur` → `cœur`, `Oeuvre` → `Œuvre`.
fn ligature(word: &str, span: (usize, usize)) -> Option<Hit> {
    if !word.contains("oe") && !word.contains("Oe") {
        return None;
    }
    let mut chars = word.chars();
    let rest_lower = chars.next().is_some_and(char::is_alphabetic)
        && chars.as_str().chars().all(char::is_lowercase);
    let lower = word.to_lowercase();
    if !rest_lower || !LIGATURES.iter().any(|stem| lower.starts_with(stem)) {
        return None;
    }
    let fixed = word.replacen("oe", "œ", 1).replacen("Oe", "Œ", 1);
    let message = format!("`{word}` is written with the ligature: `{fixed}`");
    Some(Hit::certain(span, "typo-ligature", message, fixed))
}

/// Dates that name a holiday, an event or a street, capitalised: `14 Juillet`, `8 Mai` …
const NAMED_DATES: [&str; 8] = [
    "14 juillet",
    "8 mai",
    "1er mai",
    "11 novembre",
    "18 juin",
    "4 septembre",
    "19 mars",
    "6 juin",
];

/// `3 Janvier` → `3 janvier` (a month after a day's number; holidays such as `14 Juillet` aside).
fn month(word: &str, span: (usize, usize), before: &str) -> Option<Hit> {
    let lower = capitalised(word)?;
    let day = before.strip_suffix([' ', '\u{a0}', '\u{202f}'])?;
    let number = day.rsplit([' ', '\u{a0}', '\u{202f}', '(', '«']).next()?;
    let is_day = number.chars().all(|c| c.is_ascii_digit()) && !number.is_empty();
    if !FRENCH_MONTHS.contains(&lower.as_str())
        || !(is_day || number == "1er")
        || NAMED_DATES.contains(&format!("{number} {lower}").as_str())
    {
        return None;
    }
    let message = format!("months take no capital in French: `{lower}`");
    Some(Hit::certain(span, "typo-month", message, lower))
}

const DAYS: [&str; 7] = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"];

/// `le Lundi 3 mars` → `le lundi 3 mars`: a day before a date, after a lower-case word.
fn day(word: &str, span: (usize, usize), before: &str, after: &str) -> Option<Hit> {
    let lower = capitalised(word)?;
    let follows_word =
        before.trim_end().chars().last().is_some_and(char::is_lowercase) && before.ends_with(' ');
    let before_date =
        after.strip_prefix(' ').is_some_and(|a| a.starts_with(|c: char| c.is_ascii_digit()));
    if !DAYS.contains(&lower.as_str()) || !follows_word || !before_date {
        return None;
    }
    let message = format!("days take no capital in French: `{lower}`");
    Some(Hit::certain(span, "typo-month", message, lower))
}

/// The word in lower case, if it is written with a capital and then lower case.
fn capitalised(word: &str) -> Option<String> {
    let mut chars = word.chars();
    let first = chars.next()?;
    (first.is_uppercase() && chars.all(char::is_lowercase)).then(|| word.to_lowercase())
}

/// Short words never written twice in a row on purpose (`nous nous`, `vous vous` are).
const NEVER_TWICE: [&str; 24] = [
    "le", "la", "les", "de", "des", "du", "un", "une", "et", "ou", "à", "au", "aux", "pour", "par",
    "dans", "sur", "avec", "sans", "qui", "il", "elle", "ils", "est",
];

/// The length in bytes of the longest word of [`NEVER_TWICE`].
const LONGEST_NEVER_TWICE: usize = longest(&NEVER_TWICE);

const fn longest(words: &[&str]) -> usize {
    let (mut index, mut longest) = (0, 0);
    while index < words.len() {
        if words[index].len() > longest {
            longest = words[index].len();
        }
        index += 1;
    }
    longest
}

/// `le le` → `le`: the same word twice, one space apart (`la la la` aside).
fn repeated(text: &str, words: &[(usize, &str)], index: usize) -> Option<Hit> {
    let (&(at, word), &(next_at, next)) = (words.get(index)?, words.get(index + 1)?);
    // The words never written twice are short: most words are not read further.
    if word.len() > LONGEST_NEVER_TWICE || next.len() != word.len() {
        return None;
    }
    let lower = word.to_lowercase();
    let third = words.get(index + 2).is_some_and(|(_, w)| w.to_lowercase() == lower);
    let earlier = index > 0 && words[index - 1].1.to_lowercase() == lower;
    // `quelqu'un un`: the first is the end of an elided word.
    let elided = text[..at].ends_with(['\'', '’']);
    if !NEVER_TWICE.contains(&lower.as_str())
        || elided
        || next.to_lowercase() != lower
        || &text[at + word.len()..next_at] != " "
        || third
        || earlier
    {
        return None;
    }
    let message = format!("`{word}` is written twice");
    Some(Hit::likely((at, next_at + next.len()), "typo-repeat", message, word.to_string()))
}
