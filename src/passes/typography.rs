//! Typography: the rules of each chapter's language, applied to its text (French spacing, quotes, ordinals …).
//!
//! French (`fr`, `fr-*`) follows the *Lexique des règles typographiques en usage à
//! l'Imprimerie nationale*: narrow no-break spaces before `; ! ? »` and after `«`, a
//! no-break space before `:`, « » quotes with “ ” inside, ’, …, spaced en dashes for
//! incises, no-break spaces in and after numbers and after `n°`, `p.`, `M.`, `Mme` …,
//! and ordinal suffixes in superscript. Lines do not break inside a date (`16 décembre 2011`),
//! between a number and the word it counts (`3 communes`; a year may end a line), nor, in
//! running text, at the hyphens of a capitalised compound (`Île-de-France`, which gets U+2011
//! NON-BREAKING HYPHEN; titles and headings, never hyphenated, may need those breaks).
//! English (`en`, `en-*`) gets “ ” ‘ ’, ’ and ….
//! Every other language gets only the safe ones: ’ and ….
//!
//! A paragraph is read as one text across its inlines (`«*mot*»` is one quotation);
//! inline code, images, note calls, raw HTML and links whose text is an address stand as
//! one locked character, and URLs or e-mail addresses inside the text are left as written.
//! Digits written together (`12000`, `75004`) are never grouped: only the spaces an
//! author typed between groups of three (`12 000`) become U+202F. `typography: false`
//! in a chapter's front matter turns the pass off for that chapter. Running it twice
//! changes nothing.

mod breaks;
mod numbers;
pub(super) mod rules;

use rayon::prelude::*;

use crate::diag::Pos;
use crate::lang::Lang;
use crate::model::{Block, BlockKind, Chapter, Inline, InlineKind, Publication, plain_text};
use rules::{BREAK, Cell, OBJECT};

/// Which typographic rules a language gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    /// `fr`, `fr-*`: the Imprimerie nationale's rules.
    French,
    /// `en`, `en-*`: curly quotes, apostrophe and ellipsis.
    English,
    /// Any other language: apostrophe and ellipsis only.
    Other,
}

impl Language {
    /// The rules for a language.
    pub fn of(lang: &Lang) -> Language {
        if lang.is_french() {
            Language::French
        } else if lang.is_english() {
            Language::English
        } else {
            Language::Other
        }
    }

    /// Applies this language's rules to a paragraph's characters.
    fn rewrite(self, cells: Vec<Cell>) -> Vec<Cell> {
        let cells = self.rewrite_display(cells);
        if self == Language::French { breaks::proper_compounds(cells) } else { cells }
    }

    /// Applies this language's rules to the characters of display type (a title, a heading,
    /// a kicker): all but keeping capitalised compounds whole on a line, as display type is
    /// set large in narrow measures and never hyphenated (« Mini-Métropolitaines » may have to
    /// break at its hyphen).
    fn rewrite_display(self, cells: Vec<Cell>) -> Vec<Cell> {
        let cells = rules::typed_dashes(rules::ellipsis(cells));
        match self {
            Language::French => {
                let cells = rules::double_quotes(cells, &rules::FRENCH_QUOTES);
                let cells = rules::incise_dashes(rules::apostrophes(cells));
                let cells = numbers::digit_groups(numbers::ordinals(cells));
                let cells = numbers::number_spacing(rules::french_punctuation(cells));
                breaks::bind_numbers(cells)
            }
            Language::English => {
                let cells = rules::double_quotes(cells, &rules::ENGLISH_QUOTES);
                rules::english_single_quotes(cells)
            }
            Language::Other => rules::apostrophes(cells),
        }
    }
}

/// Applies the typographic rules of each chapter's language to its text.
pub fn run(mut publication: Publication) -> Publication {
    let lang = publication.manifest.lang.clone();
    publication.chapters.par_iter_mut().for_each(|chapter| {
        if chapter.front.typography == Some(false) {
            return;
        }
        let lang = chapter.front.lang.as_ref().unwrap_or(&lang);
        *chapter = with_rules(chapter, Language::of(lang));
    });
    let language = Language::of(&publication.manifest.lang);
    let manifest = &mut publication.manifest;
    apply_display(language, &mut manifest.title);
    if let Some(subtitle) = &mut manifest.subtitle {
        apply_display(language, subtitle);
    }
    apply_to_field(language, &mut manifest.description);
    publication
}

/// The chapter with the rules of `language` applied to its text and front matter. Memoised:
/// `presse watch` applies them again only to the chapters whose text changed.
#[comemo::memoize]
fn with_rules(chapter: &Chapter, language: Language) -> Chapter {
    let mut chapter = chapter.clone();
    chapter.visit_blocks_mut(&mut |block| apply_to_block(language, block));
    let front = &mut chapter.front;
    for text in [&mut front.title, &mut front.kicker].into_iter().flatten() {
        apply_display(language, text);
    }
    for text in [&mut front.author, &mut front.standfirst].into_iter().flatten() {
        apply(language, text);
    }
    apply_to_field(language, &mut front.description);
    chapter
}

/// Applies the rules to an optional metadata text.
fn apply_to_field(language: Language, field: &mut Option<String>) {
    if let Some(text) = field {
        *text = apply_to_text(language, text);
    }
}

/// Applies the rules to the text a block holds directly (nested blocks are visited apart).
fn apply_to_block(language: Language, block: &mut Block) {
    match &mut block.kind {
        BlockKind::Heading { content, .. } => apply_display(language, content),
        BlockKind::Paragraph(content) => apply(language, content),
        BlockKind::Figure { image, caption } => {
            apply(language, caption);
            image.alt = apply_to_text(language, &image.alt);
            if let Some(credit) = &mut image.credit {
                *credit = apply_to_text(language, credit);
            }
        }
        BlockKind::Table(table) => {
            for cell in table.header.iter_mut().chain(table.rows.iter_mut().flatten()) {
                apply(language, cell);
            }
            if language == Language::French {
                group_table_numbers(&mut table.rows);
            }
        }
        BlockKind::Editorial { title, .. } => apply_display(language, title),
        BlockKind::KeyFigures(figures) => {
            for figure in figures {
                apply(language, &mut figure.value);
                apply(language, &mut figure.label);
            }
        }
        _ => {}
    }
}

/// In the body of a table, the numbers of four digits or more typed together (`1157`) are
/// grouped by three (`1 157`) in a column that holds numbers typed in groups (`11 250`), so
/// that the column reads alike; a column without any is left as typed (postal codes, years).
fn group_table_numbers(rows: &mut [Vec<Vec<Inline>>]) {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    for column in 0..columns {
        let grouped = rows.iter().filter_map(|row| row.get(column)).any(|cell| {
            let (cells, _) = read(cell);
            numbers::has_grouped_number(&cells)
        });
        if grouped {
            for cell in rows.iter_mut().filter_map(|row| row.get_mut(column)) {
                rewrite(cell, numbers::group_long_numbers);
            }
        }
    }
}

/// Applies the rules to one paragraph's inlines, read as one text across their boundaries.
pub fn apply(language: Language, inlines: &mut Vec<Inline>) {
    rewrite(inlines, |cells| language.rewrite(cells));
}

/// Applies the rules for display type to a title's or a heading's inlines.
pub fn apply_display(language: Language, inlines: &mut Vec<Inline>) {
    rewrite(inlines, |cells| language.rewrite_display(cells));
}

/// The characters of `inlines`, addresses locked, and how many text runs they come from.
fn read(inlines: &[Inline]) -> (Vec<Cell>, usize) {
    let mut cells = Vec::new();
    let mut runs = 0;
    flatten(inlines, &mut cells, &mut runs);
    rules::lock_addresses(&mut cells);
    (cells, runs)
}

/// Rewrites the text of `inlines` with `rules`, read as one text across their boundaries.
fn rewrite(inlines: &mut Vec<Inline>, rules: impl FnOnce(Vec<Cell>) -> Vec<Cell>) {
    let (cells, runs) = read(inlines);
    let mut per_run = vec![Vec::new(); runs];
    for cell in rules(cells) {
        if let Some(run) = per_run.get_mut(cell.seg) {
            run.push(cell);
        }
    }
    write_back(inlines, &mut per_run.into_iter());
}

/// Applies the rules to a plain text; ordinal suffixes stay inline, as a string has no superscript.
pub fn apply_to_text(language: Language, text: &str) -> String {
    let mut cells: Vec<Cell> = text.chars().map(|ch| Cell::text(ch, 0)).collect();
    rules::lock_addresses(&mut cells);
    language.rewrite(cells).into_iter().map(|cell| cell.ch).collect()
}

/// Appends the characters of `inlines`, one text run after another, to `cells`.
fn flatten(inlines: &[Inline], cells: &mut Vec<Cell>, runs: &mut usize) {
    for inline in inlines {
        match &inline.kind {
            InlineKind::Text(text) => {
                cells.extend(text.chars().map(|ch| Cell::text(ch, *runs)));
                *runs += 1;
            }
            InlineKind::LineBreak | InlineKind::SoftBreak => cells.push(Cell::stand_in(BREAK)),
            kind => match children(kind) {
                Some(children) => flatten(children, cells, runs),
                None => cells.push(Cell::stand_in(OBJECT)),
            },
        }
    }
}

/// Replaces each text run of `inlines`, in the order `flatten` read them, by its new characters.
fn write_back(inlines: &mut Vec<Inline>, runs: &mut impl Iterator<Item = Vec<Cell>>) {
    for mut inline in std::mem::take(inlines) {
        if let InlineKind::Text(_) = inline.kind {
            inlines.extend(text_inlines(inline.pos, &runs.next().unwrap_or_default()));
            continue;
        }
        if children(&inline.kind).is_some()
            && let Some(children) = children_mut(&mut inline.kind)
        {
            write_back(children, runs);
        }
        inlines.push(inline);
    }
}

/// The inlines of one rewritten run: text, with ordinal suffixes as superscripts.
fn text_inlines(pos: Pos, cells: &[Cell]) -> Vec<Inline> {
    let to_inline = |part: &[Cell]| {
        let text = Inline::new(pos, InlineKind::Text(part.iter().map(|c| c.ch).collect()));
        if part[0].sup { Inline::new(pos, InlineKind::Super(vec![text])) } else { text }
    };
    cells.chunk_by(|a, b| a.sup == b.sup).map(to_inline).collect()
}

/// The children the pass reads as part of the paragraph's text, for inlines that have them.
fn children(kind: &InlineKind) -> Option<&Vec<Inline>> {
    match kind {
        InlineKind::Emph(c)
        | InlineKind::Strong(c)
        | InlineKind::Strike(c)
        | InlineKind::Sub(c)
        | InlineKind::Span { lang: None, content: c } => Some(c),
        InlineKind::Link { content, .. } if !rules::looks_like_address(&plain_text(content)) => {
            Some(content)
        }
        _ => None,
    }
}

/// The children of an inline that has any (only called where `children` said yes).
fn children_mut(kind: &mut InlineKind) -> Option<&mut Vec<Inline>> {
    match kind {
        InlineKind::Emph(c)
        | InlineKind::Strong(c)
        | InlineKind::Strike(c)
        | InlineKind::Sub(c)
        | InlineKind::Span { content: c, .. }
        | InlineKind::Link { content: c, .. } => Some(c),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::manifest::Manifest;
    use crate::model::{Chapter, FrontMatter, LinkTarget};

    /// French cases: Markdown in, the paragraph out as Markdown-like text (`<sup>` for superscripts).
    const CASES: &[(&str, &str)] = &[
        // 1. Spaces before ; ! ? » and after «, before :
        ("Bonjour ; au revoir", "Bonjour\u{202f}; au revoir"),
        ("Bonjour; au revoir", "Bonjour\u{202f}; au revoir"),
        ("Vraiment ?", "Vraiment\u{202f}?"),
        ("Vraiment?", "Vraiment\u{202f}?"),
        ("Quoi !", "Quoi\u{202f}!"),
        ("Voici : la suite", "Voici\u{a0}: la suite"),
        ("Voici: la suite", "Voici\u{a0}: la suite"),
        ("Note:", "Note\u{a0}:"),
        ("« Bonjour »", "«\u{202f}Bonjour\u{202f}»"),
        ("«Bonjour»", "«\u{202f}Bonjour\u{202f}»"),
        ("« Quoi ? »", "«\u{202f}Quoi\u{202f}?\u{202f}»"),
        // typed spaces are replaced, not doubled
        ("Voici\u{202f}: la suite", "Voici\u{a0}: la suite"),
        ("Bonjour\u{a0}; x", "Bonjour\u{202f}; x"),
        ("Bonjour\u{2009}!", "Bonjour\u{202f}!"),
        ("Bonjour  ; x", "Bonjour\u{202f}; x"),
        ("«\u{a0}Oui\u{a0}»", "«\u{202f}Oui\u{202f}»"),
        // ?! runs take one space
        ("Quoi ?!", "Quoi\u{202f}?!"),
        ("Quoi?!?", "Quoi\u{202f}?!?"),
        ("Non !!", "Non\u{202f}!!"),
        // already correct
        (
            "«\u{202f}Oui\u{202f}», dit-il\u{202f}; puis\u{a0}: non\u{202f}!",
            "«\u{202f}Oui\u{202f}», dit-il\u{202f}; puis\u{a0}: non\u{202f}!",
        ),
        ("Le XIX<sup>e</sup> siècle", "Le XIX<sup>e</sup> siècle"),
        // times, ratios, emoticons
        ("Rendez-vous à 12:30.", "Rendez\u{2011}vous à 12:30."),
        ("à 9h30 ;", "à 9h30\u{202f};"),
        ("un rapport 1:2", "un rapport 1:2"),
        ("Super :)", "Super :)"),
        ("Super ;-)", "Super ;-)"),
        ("Dommage :-(", "Dommage :-("),
        ("Bravo :D", "Bravo :D"),
        ("Ah;)", "Ah;)"),
        // 2. Quotes, apostrophe, ellipsis, dashes
        ("\"Bonjour\"", "«\u{202f}Bonjour\u{202f}»"),
        ("\" Bonjour \"", "«\u{202f}Bonjour\u{202f}»"),
        ("Il dit \"oui\".", "Il dit «\u{202f}oui\u{202f}»."),
        ("\"Il a dit \"non\" hier\"", "«\u{202f}Il a dit “non” hier\u{202f}»"),
        ("« Il a dit \"non\" »", "«\u{202f}Il a dit “non”\u{202f}»"),
        ("\"Quoi ?\" dit-il.", "«\u{202f}Quoi\u{202f}?\u{202f}» dit-il."),
        ("(\"mot\")", "(«\u{202f}mot\u{202f}»)"),
        ("C'est \"l'été\"", "C’est «\u{202f}l’été\u{202f}»"),
        ("aujourd'hui", "aujourd’hui"),
        ("Et puis...", "Et puis…"),
        ("Quatre....", "Quatre...."),
        ("Paris - la ville - brille", "Paris –\u{a0}la ville\u{a0}– brille"),
        ("Paris -- la ville -- brille", "Paris –\u{a0}la ville\u{a0}– brille"),
        ("Paris – la ville – brille", "Paris –\u{a0}la ville\u{a0}– brille"),
        ("Il partit - enfin.", "Il partit –\u{a0}enfin."),
        ("les années 1950--1960", "les années 1950–1960"),
        ("Il hésita --- puis partit.", "Il hésita — puis partit."),
        ("une ligne ---- de tirets", "une ligne ---- de tirets"),
        ("Saint-Denis et Choisy-le-Roi", "Saint\u{2011}Denis et Choisy\u{2011}le\u{2011}Roi"),
        // 3. Numbers, units, abbreviations, civilities
        ("1,57 million", "1,57\u{a0}million"),
        ("12 000 habitants", "12\u{202f}000\u{a0}habitants"),
        ("1 234 567 euros", "1\u{202f}234\u{202f}567\u{a0}euros"),
        ("en 2020 100 000 personnes", "en 2020 100\u{202f}000\u{a0}personnes"),
        ("entre 2 et 3 000", "entre 2 et 3\u{202f}000"),
        ("30 %", "30\u{202f}%"),
        ("30%", "30\u{202f}%"),
        ("3,5 km", "3,5\u{a0}km"),
        ("25 °C", "25\u{a0}°C"),
        ("30 €", "30\u{a0}€"),
        ("Il est 10 h 30", "Il est 10\u{a0}h 30"),
        ("3 mois", "3\u{a0}mois"),
        ("Prix : 12 000 € !", "Prix\u{a0}: 12\u{202f}000\u{a0}€\u{202f}!"),
        ("n° 3", "n°\u{a0}3"),
        ("n°3", "n°\u{a0}3"),
        ("voir p. 12", "voir p.\u{a0}12"),
        ("M. Dupont", "M.\u{a0}Dupont"),
        ("Mme Hidalgo", "Mme\u{a0}Hidalgo"),
        ("Dr Martin et Me Durand", "Dr\u{a0}Martin et Me\u{a0}Durand"),
        ("M. et Mme Dupont", "M. et Mme\u{a0}Dupont"),
        // digits written together are not grouped; a year may end a line
        ("le 14 juillet 1789", "le 14\u{a0}juillet\u{a0}1789"),
        ("75004 Paris", "75004 Paris"),
        ("12000 habitants", "12000\u{a0}habitants"),
        ("les années 1990", "les années 1990"),
        // ordinals
        ("le 1er mai", "le 1<sup>er</sup>\u{a0}mai"),
        ("la 1re fois", "la 1<sup>re</sup>\u{a0}fois"),
        ("le 2e étage", "le 2<sup>e</sup>\u{a0}étage"),
        ("le 11e", "le 11<sup>e</sup>"),
        ("le 2nd tour", "le 2<sup>nd</sup>\u{a0}tour"),
        ("le XIXe siècle", "le XIX<sup>e</sup> siècle"),
        ("le IIIe arrondissement", "le III<sup>e</sup> arrondissement"),
        ("la Ve République", "la V<sup>e</sup> République"),
        ("le 1e", "le 1e"),
        ("Le Ce De Me", "Le Ce De Me"),
        ("A2e 3e5", "A2e 3e5"),
        // 4. Line breaks: dates, numbers and the words they count, compound proper nouns
        ("le 16 décembre 2011 à Paris", "le 16\u{a0}décembre\u{a0}2011 à Paris"),
        ("jeudi 1er décembre", "jeudi\u{a0}1<sup>er</sup>\u{a0}décembre"),
        ("en décembre 2011 puis", "en décembre\u{a0}2011 puis"),
        ("Le 3 Mai", "Le 3\u{a0}Mai"),
        ("35 km et 3 communes", "35\u{a0}km et 3\u{a0}communes"),
        ("les 3,5 hectares", "les 3,5\u{a0}hectares"),
        ("entre 3 et 4 communes", "entre 3 et 4\u{a0}communes"),
        ("en 2011 la ville", "en 2011 la ville"),
        // four digits from 1000 to 2100 read as a year, which may end a line: write 1 157 to count
        ("1157 communes", "1157 communes"),
        ("2200 communes", "2200\u{a0}communes"),
        ("la ligne 14 Nord", "la ligne 14 Nord"),
        ("32 mai et 40 décembre", "32 mai et 40 décembre"),
        ("A3 route", "A3 route"),
        ("L'Île-de-France, Jean-Marie", "L’Île\u{2011}de\u{2011}France, Jean\u{2011}Marie"),
        ("Seine-et-Marne et Val-d'Oise", "Seine\u{2011}et\u{2011}Marne et Val\u{2011}d’Oise"),
        ("dit-il, peut-être", "dit-il, peut-être"),
        ("Paris - Lyon et RER-B", "Paris –\u{a0}Lyon et RER\u{2011}B"),
        ("le *Grand*-Paris", "le *Grand*\u{2011}Paris"),
        (
            "`Jean-Marie 3 mois` et https://x.fr/Jean-Marie",
            "`Jean-Marie 3 mois` et [https://x.fr/Jean-Marie](https://x.fr/Jean-Marie)",
        ),
        // 5. Code, links and addresses are left as written
        ("Tapez `a ; b` ; puis", "Tapez `a ; b`\u{202f}; puis"),
        ("`\"x\"` et `...`", "`\"x\"` et `...`"),
        (
            "Voir https://paris.fr/a?b=c !",
            "Voir [https://paris.fr/a?b=c](https://paris.fr/a?b=c)\u{202f}!",
        ),
        ("Voir <https://paris.fr/a?b=c>", "Voir [https://paris.fr/a?b=c](https://paris.fr/a?b=c)"),
        ("[le site: https://x.fr/?a](https://x.fr)", "[le site: https://x.fr/?a](https://x.fr)"),
        ("[le site](https://paris.fr) : ici", "[le site](https://paris.fr)\u{a0}: ici"),
        // 6. Across inline boundaries
        ("«*mot*»", "«\u{202f}*mot*\u{202f}»"),
        ("\"*mot*\"", "«\u{202f}*mot*\u{202f}»"),
        ("**Attention** : danger", "**Attention**\u{a0}: danger"),
        ("*Vraiment*?", "*Vraiment*\u{202f}?"),
        ("le *XIXe* siècle", "le *XIX<sup>e</sup>* siècle"),
        ("mot\n; suite", "mot\n; suite"),
    ];

    /// English cases: curly quotes, apostrophe, ellipsis, no French spacing.
    const ENGLISH_CASES: &[(&str, &str)] = &[
        ("\"Hello\" she said", "“Hello” she said"),
        ("It's 'quoted'", "It’s ‘quoted’"),
        ("\"She said 'no'\"", "“She said ‘no’”"),
        ("Wait...", "Wait…"),
        ("Really? Yes: 30 % of 12 000", "Really? Yes: 30 % of 12 000"),
        ("the 1er and XIXe", "the 1er and XIXe"),
        ("See https://x.org/it's", "See [https://x.org/it's](https://x.org/it's)"),
    ];

    /// The first block's inlines after the rules of `language`, checked to be a fixed point.
    fn typeset(language: Language, markdown: &str) -> String {
        let mut inlines = first_inlines(markdown);
        apply(language, &mut inlines);
        let once = inlines.clone();
        apply(language, &mut inlines);
        assert_eq!(inlines, once, "a second run changed {markdown:?}");
        render(&inlines)
    }

    fn first_inlines(markdown: &str) -> Vec<Inline> {
        let parsed = crate::parse::parse(markdown, 1);
        match parsed.blocks.into_iter().next().map(|b| b.kind) {
            Some(BlockKind::Paragraph(c)) | Some(BlockKind::Heading { content: c, .. }) => c,
            other => panic!("{markdown:?} is not a paragraph: {other:?}"),
        }
    }

    fn render(inlines: &[Inline]) -> String {
        inlines.iter().map(render_one).collect()
    }

    fn render_one(inline: &Inline) -> String {
        match &inline.kind {
            InlineKind::Text(t) | InlineKind::Html(t) => t.clone(),
            InlineKind::Emph(c) => format!("*{}*", render(c)),
            InlineKind::Strong(c) => format!("**{}**", render(c)),
            InlineKind::Strike(c) => format!("~~{}~~", render(c)),
            InlineKind::Super(c) => format!("<sup>{}</sup>", render(c)),
            InlineKind::Sub(c) => format!("<sub>{}</sub>", render(c)),
            InlineKind::Span { lang: Some(lang), content } => {
                format!("<span lang=\"{lang}\">{}</span>", render(content))
            }
            InlineKind::Span { lang: None, content } => format!("<span>{}</span>", render(content)),
            InlineKind::Code(t) => format!("`{t}`"),
            InlineKind::Link { target, content, .. } => {
                let (LinkTarget::Url(t) | LinkTarget::Local(t) | LinkTarget::Anchor(t)) = target;
                format!("[{}]({t})", render(content))
            }
            InlineKind::Image(image) => format!("![{}]({})", image.alt, image.src),
            InlineKind::NoteRef(label) => format!("[^{label}]"),
            InlineKind::LineBreak => "\\\n".to_string(),
            InlineKind::SoftBreak => "\n".to_string(),
        }
    }

    fn check_table(language: Language, cases: &[(&str, &str)]) {
        let failures: Vec<String> = cases
            .iter()
            .filter_map(|&(input, expected)| {
                let got = typeset(language, input);
                (got != expected).then(|| format!("{input:?}\n  want {expected:?}\n  got  {got:?}"))
            })
            .collect();
        assert!(failures.is_empty(), "{} failing:\n{}", failures.len(), failures.join("\n"));
    }

    #[test]
    fn french_cases_are_typeset_and_stable() {
        assert!(CASES.len() >= 60);
        check_table(Language::French, CASES);
    }

    #[test]
    fn display_type_may_break_at_the_hyphens_of_a_proper_compound() {
        let mut title = first_inlines("Les Mini-Métropolitaines de l'Île-de-France : le 16 mai");
        apply_display(Language::French, &mut title);
        let title = render(&title);
        assert_eq!(title, "Les Mini-Métropolitaines de l’Île-de-France\u{a0}: le 16\u{a0}mai");
    }

    #[test]
    fn english_cases_are_typeset_and_stable() {
        check_table(Language::English, ENGLISH_CASES);
    }

    #[test]
    fn other_languages_get_only_apostrophe_and_ellipsis() {
        let got = typeset(Language::Other, "\"Geht's?\" Ja : 30 % ... 1er");
        assert_eq!(got, "\"Geht’s?\" Ja : 30 % … 1er");
    }

    #[test]
    fn language_tags_choose_the_rules() {
        let of = |tag| Language::of(&Lang::parse(tag).unwrap());
        assert_eq!(of("fr"), Language::French);
        assert_eq!(of("fr-CA"), Language::French);
        assert_eq!(of("FR-be"), Language::French);
        assert_eq!(of("en-GB"), Language::English);
        assert_eq!(of("de"), Language::Other);
        assert_eq!(of("fro"), Language::Other);
    }

    fn french(text: &str) -> String {
        apply_to_text(Language::French, text)
    }

    #[test]
    fn addresses_in_plain_text_are_left_alone() {
        assert_eq!(
            french("Voir https://paris.fr/a?b=c ; ou"),
            "Voir https://paris.fr/a?b=c\u{202f}; ou"
        );
        assert_eq!(french("(www.paris.fr/x?y) !"), "(www.paris.fr/x?y)\u{202f}!");
        assert_eq!(french("Écrire à l'a.b@paris.fr."), "Écrire à l'a.b@paris.fr.");
        assert_eq!(french("mailto:x@y.fr"), "mailto:x@y.fr");
    }

    #[test]
    fn an_ordinal_becomes_text_super_text() {
        let mut inlines = first_inlines("le XIXe siècle");
        apply(Language::French, &mut inlines);
        let kinds: Vec<&InlineKind> = inlines.iter().map(|i| &i.kind).collect();
        let text = |t: &str| InlineKind::Text(t.to_string());
        let sup = InlineKind::Super(vec![Inline::new(inlines[0].pos, text("e"))]);
        assert_eq!(kinds, [&text("le XIX"), &sup, &text(" siècle")]);
    }

    #[test]
    fn inserted_spaces_stay_outside_the_emphasis() {
        let mut inlines = first_inlines("«*mot*»");
        apply(Language::French, &mut inlines);
        assert_eq!(inlines[0].kind, InlineKind::Text("«\u{202f}".into()));
        assert_eq!(inlines[2].kind, InlineKind::Text("\u{202f}»".into()));
    }

    #[test]
    fn quote_nesting_restarts_with_each_paragraph() {
        let parsed = crate::parse::parse("\"Il dit\n\n\"oui\"", 1);
        let mut chapter = chapter(None, None);
        chapter.blocks = parsed.blocks;
        let publication = run(publication("fr", chapter));
        let texts: Vec<String> = publication.chapters[0].blocks.iter().map(block_text).collect();
        assert_eq!(texts, ["«\u{202f}Il dit", "«\u{202f}oui\u{202f}»"]);
    }

    #[test]
    fn the_chapter_language_wins_and_the_switch_turns_the_pass_off() {
        let cases = [
            ("fr", None, None, "«\u{202f}Oui\u{202f}»\u{202f}!"),
            ("en", None, None, "“Oui”!"),
            ("en", Some("fr-FR"), None, "«\u{202f}Oui\u{202f}»\u{202f}!"),
            ("fr", Some("en"), None, "“Oui”!"),
            ("fr", None, Some(false), "\"Oui\"!"),
            ("fr", None, Some(true), "«\u{202f}Oui\u{202f}»\u{202f}!"),
        ];
        for (manifest_lang, lang, switch, expected) in cases {
            let mut chapter = chapter(lang, switch);
            chapter.blocks = crate::parse::parse("\"Oui\"!", 1).blocks;
            let publication = run(publication(manifest_lang, chapter));
            let got = block_text(&publication.chapters[0].blocks[0]);
            assert_eq!(got, expected, "{manifest_lang} {lang:?} {switch:?}");
        }
    }

    #[test]
    fn figures_tables_headings_and_notes_are_typeset() {
        let md = "# Titre : sous-titre\n\n![Vue \"aérienne\"](a.png)\n\n| a ; b |\n|---|\n| c ! |\n\n\
                  Texte[^n]\n\n[^n]: Note ?\n";
        let parsed = crate::parse::parse(md, 1);
        let mut chapter = chapter(None, None);
        (chapter.blocks, chapter.notes) = (parsed.blocks, parsed.notes);
        let publication = run(publication("fr", chapter));
        let chapter = &publication.chapters[0];
        assert_eq!(block_text(&chapter.blocks[0]), "Titre\u{a0}: sous-titre");
        let BlockKind::Figure { image, caption } = &chapter.blocks[1].kind else { panic!() };
        assert_eq!(image.alt, "Vue «\u{202f}aérienne\u{202f}»");
        assert_eq!(plain_text(caption), image.alt);
        let BlockKind::Table(table) = &chapter.blocks[2].kind else { panic!() };
        assert_eq!(plain_text(&table.header[0]), "a\u{202f}; b");
        assert_eq!(plain_text(&table.rows[0][0]), "c\u{202f}!");
        assert_eq!(block_text(&chapter.notes[0].blocks[0]), "Note\u{202f}?");
    }

    #[test]
    fn a_table_column_with_grouped_numbers_groups_its_numbers_of_four_digits() {
        let md = "| 2011 | Communes | Code | Note |\n|---|--:|--:|---|\n\
                  | a | 11 250 | 75004 | 1157 |\n\
                  | b | 1157 | 1157 | en 2011 |\n\
                  | c | 12000 | 2011 | x |\n\
                  | d | 1991 | | |\n\
                  | e | 1157,25 et 3,14159 | | |\n\
                  | f | en 2200 et T1234 | | |\n";
        let mut blocks = crate::parse::parse(md, 1).blocks;
        crate::model::visit_blocks_mut(&mut blocks, &mut |b| apply_to_block(Language::French, b));
        let once = blocks.clone();
        crate::model::visit_blocks_mut(&mut blocks, &mut |b| apply_to_block(Language::French, b));
        assert_eq!(blocks, once, "a second run changed the table");
        let BlockKind::Table(table) = &blocks[0].kind else { panic!() };
        let column = |i: usize| -> Vec<String> {
            table.rows.iter().map(|row| plain_text(&row[i]).replace('\u{202f}', " ")).collect()
        };
        // Grouped numbers in the column: the others are grouped too, years and decimals kept.
        let want = ["11 250", "1 157", "12 000", "1991", "1 157,25 et 3,14159", "en 2200 et T1234"];
        assert_eq!(column(1), want);
        // No grouped number in these columns: left as typed.
        assert_eq!(column(2), ["75004", "1157", "2011", "", "", ""]);
        assert_eq!(column(3), ["1157", "en 2011", "x", "", "", ""]);
        assert_eq!(plain_text(&table.header[0]), "2011");
    }

    #[test]
    fn code_blocks_and_raw_blocks_are_untouched() {
        let md = "```\n\"a\" ; b...\n```\n\n```{=html}\n<p>\"a\" ; b</p>\n```\n";
        let mut chapter = chapter(None, None);
        chapter.blocks = crate::parse::parse(md, 1).blocks;
        let before = chapter.blocks.clone();
        let publication = run(publication("fr", chapter));
        assert_eq!(publication.chapters[0].blocks, before);
    }

    proptest::proptest! {
        #[test]
        fn every_language_is_a_fixed_point_after_one_run(
            words in proptest::collection::vec("[a-zA-Z0-9 ;:!?«»\"'.%,€°\u{a0}\u{202f}-]{0,12}|XIXe|1er|M\\.|n°|https://a\\.fr/\\?b|`c`|\\*e\\*|\n", 0..8)
        ) {
            let markdown = words.concat();
            let blocks = crate::parse::parse(&markdown, 1).blocks;
            for language in [Language::French, Language::English, Language::Other] {
                let mut once = blocks.clone();
                crate::model::visit_blocks_mut(&mut once, &mut |b| apply_to_block(language, b));
                let mut twice = once.clone();
                crate::model::visit_blocks_mut(&mut twice, &mut |b| apply_to_block(language, b));
                proptest::prop_assert_eq!(twice, once, "{:?} in {:?}", markdown, language);
            }
        }
    }

    fn block_text(block: &Block) -> String {
        match &block.kind {
            BlockKind::Paragraph(c) | BlockKind::Heading { content: c, .. } => plain_text(c),
            other => panic!("no text in {other:?}"),
        }
    }

    fn chapter(lang: Option<&str>, typography: Option<bool>) -> Chapter {
        let front =
            FrontMatter { lang: lang.and_then(Lang::parse), typography, ..Default::default() };
        Chapter {
            path: PathBuf::from("a.md"),
            slug: "a".into(),
            front,
            blocks: vec![],
            notes: vec![],
            loose_notes: vec![],
            prose: Default::default(),
        }
    }

    fn publication(lang: &str, chapter: Chapter) -> Publication {
        let toml = format!("title = \"T\"\ndate = \"2026-11-26\"\nlang = \"{lang}\"\n");
        Publication {
            name: "p".into(),
            dir: PathBuf::from("sources/p"),
            manifest: Manifest::parse(&toml, Path::new("publication.toml")).unwrap(),
            chapters: vec![chapter],
            cover: None,
            not_chapters: vec![],
        }
    }
}
