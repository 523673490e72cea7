//! The lint's table of cases: what each rule finds, and the traps it must stay silent on.

use super::*;
use std::path::PathBuf;

/// What the lint finds in a French Markdown text: code, span as written, suggestion.
fn lint(markdown: &str) -> Vec<(&'static str, String, String)> {
    let publication = crate::load::from_markdown(markdown);
    let found = findings(&publication).into_iter();
    found.map(|f| (f.code, f.old, f.new.unwrap_or_default())).collect()
}

/// Texts with exactly one finding: the code, the span as written, the suggestion ("" for none).
const FOUND: [(&str, &str, &str, &str); 66] = [
    ("La 1ère fois.", "typo-ordinal", "1ère", "1re"),
    ("La 1ere fois.", "typo-ordinal", "1ere", "1re"),
    ("Les 1ères fois.", "typo-ordinal", "1ères", "1res"),
    ("Le 2ème étage.", "typo-ordinal", "2ème", "2e"),
    ("Le 2eme étage.", "typo-ordinal", "2eme", "2e"),
    ("Le 2è étage.", "typo-ordinal", "2è", "2e"),
    ("Le 3ième jour.", "typo-ordinal", "3ième", "3e"),
    ("Les 10èmes rencontres.", "typo-ordinal", "10èmes", "10es"),
    ("Le XIXème siècle.", "typo-ordinal", "XIXème", "XIXe"),
    ("Le XXIeme siècle.", "typo-ordinal", "XXIeme", "XXIe"),
    ("Le 2nd tour.", "typo-ordinal", "2nd", "2d"),
    ("La 2nde guerre.", "typo-ordinal", "2nde", "2de"),
    ("# Le XVIIIème siècle", "typo-ordinal", "XVIIIème", "XVIIIe"),
    ("- Au 5ème rang.", "typo-ordinal", "5ème", "5e"),
    ("Vu par Mr Dupont.", "typo-abbreviation", "Mr", "M."),
    ("Vu par Mr. Dupont.", "typo-abbreviation", "Mr.", "M."),
    ("Vu par Mrs Dupont.", "typo-abbreviation", "Mrs", "Mme"),
    ("Vu par Mme. Durand.", "typo-abbreviation", "Mme.", "Mme"),
    ("Vu par Mlle. Durand.", "typo-abbreviation", "Mlle.", "Mlle"),
    ("Des pommes, des poires, etc...", "typo-abbreviation", "etc...", "etc."),
    ("Des pommes, des poires, etc…", "typo-abbreviation", "etc…", "etc."),
    ("Des pommes, etc.. et des poires.", "typo-abbreviation", "etc..", "etc."),
    ("Voir cf le chapitre 2.", "typo-abbreviation", "cf", "cf."),
    ("Le rôle de l'Etat.", "typo-accent", "Etat", "État"),
    ("Les Etats-Unis.", "typo-accent", "Etats", "États"),
    ("Une Ecole normale.", "typo-accent", "Ecole", "École"),
    ("L'Eglise et l'État.", "typo-accent", "Eglise", "Église"),
    ("La région Ile-de-France.", "typo-accent", "Ile", "Île"),
    ("La ville d'Evry.", "typo-accent", "Evry", "Évry"),
    ("Le ministère de l'Education.", "typo-accent", "Education", "Éducation"),
    ("Les Etudes sont finies.", "typo-accent", "Etudes", "Études"),
    ("# L'Egypte ancienne", "typo-accent", "Egypte", "Égypte"),
    ("Le coeur du sujet.", "typo-ligature", "coeur", "cœur"),
    ("Une oeuvre.", "typo-ligature", "oeuvre", "œuvre"),
    ("Sa soeur.", "typo-ligature", "soeur", "sœur"),
    ("Mes voeux.", "typo-ligature", "voeux", "vœux"),
    ("Un oeil.", "typo-ligature", "oeil", "œil"),
    ("Une manoeuvre.", "typo-ligature", "manoeuvre", "manœuvre"),
    ("Un chef-d'oeuvre.", "typo-ligature", "oeuvre", "œuvre"),
    ("Oeuvres complètes.", "typo-ligature", "Oeuvres", "Œuvres"),
    ("Un noeud.", "typo-ligature", "noeud", "nœud"),
    ("Les moeurs.", "typo-ligature", "moeurs", "mœurs"),
    ("C'est écoeurant.", "typo-ligature", "écoeurant", "écœurant"),
    ("Le 3 Janvier 2020.", "typo-month", "Janvier", "janvier"),
    ("Le 1er Janvier 2021.", "typo-month", "Janvier", "janvier"),
    ("Du 12 Février au 3 mars.", "typo-month", "Février", "février"),
    ("Depuis le 25 Décembre.", "typo-month", "Décembre", "décembre"),
    ("Fixé au lundi 3 Mars.", "typo-month", "Mars", "mars"),
    ("Rendez-vous le Lundi 3 mars.", "typo-month", "Lundi", "lundi"),
    ("Soit 1.500.000 habitants.", "typo-number", "1.500.000", "1 500 000"),
    ("Soit 1,500,000 habitants.", "typo-number", "1,500,000", "1 500 000"),
    ("Soit 12.5 % de plus.", "typo-number", "12.5", "12,5"),
    ("Soit 12.5% de plus.", "typo-number", "12.5", "12,5"),
    ("Soit 3.2 millions.", "typo-number", "3.2", "3,2"),
    ("Un budget de 2.5 milliards.", "typo-number", "2.5", "2,5"),
    ("Un mot , puis un autre.", "typo-spacing", " ,", ","),
    ("Un mot . Puis un autre.", "typo-spacing", " .", "."),
    ("Un mot,puis un autre.", "typo-spacing", ",", ", "),
    ("Un mot;puis un autre.", "typo-spacing", ";", "; "),
    ("Un mot  puis un autre.", "typo-spacing", "  ", " "),
    ("Il voit le le chat.", "typo-repeat", "le le", "le"),
    ("Il parle de de tout.", "typo-repeat", "de de", "de"),
    ("Il dit « bonjour.", "typo-balance", "«", ""),
    ("Il dit (bonjour.", "typo-balance", "(", ""),
    ("Il dit bonjour).", "typo-balance", ")", ""),
    ("Il dit “bonjour.", "typo-balance", "“", ""),
];

/// Texts that must give no finding at all.
const SILENT: [&str; 71] = [
    // Found on the French Rust book: the `un` of an elided word is no repeat.
    "Si vous donnez à quelqu'un un fichier, il le lit aujourd’hui.",
    "Le 1er janvier, la 1re fois, le 2e étage, le XIXe siècle, les 1ers, les 2es.",
    "Le IIe Empire et la IIIe République.",
    "Meme écrit sans accent n'est pas un ordinal.",
    "Le 1ème est ambigu : 1er ou 1re, on ne corrige pas.",
    "La 2de et le 2d.",
    "Le code `1ère` et `coeur` reste tel quel.",
    "```\nLa 1ère fois, Mr Dupont, coeur, 1.500.000\n```",
    "    La 1ère fois indentée en code.",
    "```{=typst}\n#text[1ère coeur Etat]\n```",
    "<div>La 1ère fois en HTML brut.</div>",
    "Voir https://exemple.fr/1ère-fois et https://exemple.fr/coeur.",
    "Voir <https://exemple.fr/Etat>.",
    "Écrire à jean.coeur@exemple.fr demain.",
    "Voir [la page](https://exemple.fr/1ère/coeur/1.500.000).",
    "Voir www.exemple.fr/1.500.000 et le site.",
    "Un fichier ./docs/1ère.md ou C:\\coeur\\1ère.",
    "M. Dupont, Mme Durand, Mlle Martin, Mmes Durand et Dr Martin.",
    "Il a vu Mme. C'était hier.",
    "Des pommes, des poires, etc. Et plus encore.",
    "Voir cf. le chapitre 2.",
    "MR et MRS sont des sigles, Mrx un nom de code.",
    "L'État, les États-Unis, l'École, l'Église, l'Île-de-France, Évry.",
    "L'Europe, l'Est et l'Ouest.",
    "Est-ce vrai ? Est-il venu ?",
    "Le vent d'Est souffle sur l'Est de la France.",
    "Eric et Emile sont venus.",
    "ETAT ECOLE en capitales.",
    "Un coefficient, coexister, coercition, la moelle, un goéland.",
    "Le cœur, l'œuvre, la sœur, le vœu, l'œil.",
    "Un Boeing 747.",
    "La version 1.2.3 du logiciel.",
    "Rust 1.75 est sorti.",
    "La version 2.5 apporte 3 nouveautés.",
    "Le 09.08.2012 à Paris.",
    "La section 2.3.1 et la section 2.3.",
    "Voir le chapitre 4.2.",
    "L'adresse IP 192.168.1.1 du routeur.",
    "Il est 14.30 h.",
    "Soit 1 500 000 habitants, ou 12,5 % de plus.",
    "Soit 1,5 million ou 1.500 habitants.",
    "Un prix de 1,500 euros.",
    "Le numéro 1.500.000.1 est étrange.",
    "v1.500.000 et ID-1.500.000.",
    "Le 3 janvier 2020.",
    "Janvier fut froid.",
    "# Janvier",
    "En Mars, la planète rouge.",
    "Sur Mars, il fait froid. Mars est rouge.",
    "Le 14 Juillet et le 8 Mai sont fériés, le 11 Novembre aussi.",
    "Rue du 4 Septembre.",
    "Mai 68 a changé la France.",
    "Lundi 3 mars, il pleuvait.",
    "Le lundi 3 mars.",
    "Le Lundi de Pâques.",
    "Un mot, puis un autre ; enfin : la fin.",
    "Et ... puis plus rien [...] ni . . .",
    "Les fichiers .md et le framework .NET.",
    "Le nombre 12,5 et la liste 1,2,3.",
    "Il est 14:30 et le ratio 3:2.",
    "Nous nous sommes vus, vous vous trompez.",
    "Le fait fait débat.",
    "Il chantait la la la.",
    "Il dit « bonjour » (deux fois) et “salut”.",
    "Les points a) premier, b) second, 1) troisième.",
    "Un sourire :) et voilà.",
    "« Une citation sur deux paragraphes.\n\n« Qui continue ici. »",
    "Un mot  \nà la ligne.",
    "| Colonne | 1.5 |\n|---|---|\n| cœur | 2.3.1 |\n\n<!-- presse: allow typo-ligature -->\nPlus de coeur.",
    "<!-- presse: allow typo-* -->\nLa 1ère fois, Mr Dupont, 1.500.000.",
    "Un lien [https://x.org/1ère](https://x.org/1ère) ou [cœur](coeur.md \"coeur\").",
];

#[test]
fn each_error_is_found_with_its_correction() {
    let mut failures = Vec::new();
    for (markdown, code, old, new) in FOUND {
        let found = lint(markdown);
        if found != [(code, old.to_string(), new.to_string())] {
            failures.push(format!("{markdown:?}: {found:?}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn traps_stay_silent() {
    let failures: Vec<String> = SILENT
        .iter()
        .map(|markdown| (markdown, lint(markdown)))
        .filter(|(_, found)| !found.is_empty())
        .map(|(markdown, found)| format!("{markdown:?}: {found:?}"))
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn the_table_holds_at_least_120_cases_about_half_of_them_traps() {
    assert!(FOUND.len() + SILENT.len() >= 120);
    assert!(SILENT.len() * 2 >= FOUND.len() + SILENT.len());
}

fn finding_at(line: u32, column: u32, old: &str, new: &str) -> Finding {
    Finding {
        file: PathBuf::from("a.md"),
        pos: Pos::new(line, column),
        old: old.into(),
        new: Some(new.into()),
        code: "typo-ordinal",
        message: String::new(),
        certain: true,
    }
}

#[test]
fn corrections_are_written_at_their_column_and_stale_or_overlapping_ones_left() {
    let text = "La 1ère fois,\nl'Etat et l'Etat.\n";
    let fixes = [
        finding_at(1, 4, "1ère", "1re"),
        finding_at(2, 3, "Etat", "État"),
        finding_at(2, 13, "Etat", "État"),
        finding_at(2, 12, "'Etat", "’État"),
        finding_at(1, 1, "Le", "La"),
    ];
    let (fixed, applied) = apply(text, &fixes.iter().collect::<Vec<_>>());
    assert_eq!(fixed, "La 1re fois,\nl'État et l'État.\n");
    let lines: Vec<u32> = applied.iter().map(|a| a.line).collect();
    assert_eq!(lines, [1, 2, 2], "the stale `Le` and the overlapping `'Etat` are left");
}

proptest::proptest! {
    #[test]
    fn any_text_lints_and_fixes_without_panic_and_fixing_again_changes_nothing(
        markdown in "([a-zA-Zé0-9 .,;«»()“”…*`\\[\\]<>:/@\\\\\n-]|1ère|Mr|Etat|coeur|etc|Janvier|le le|1\\.500\\.000|https://x\\.fr/1ère|\n```\n){0,40}"
    ) {
        let publication = crate::load::from_markdown(&markdown);
        let fixes = fixes(&publication);
        let (once, _) = apply(&markdown, &fixes.iter().collect::<Vec<_>>());
        let again = fixes_of(&once);
        let (twice, applied) = apply(&once, &again.iter().collect::<Vec<_>>());
        proptest::prop_assert!(applied.is_empty(), "{:?} then {:?}", once, applied);
        proptest::prop_assert_eq!(twice, once);
    }
}

fn fixes_of(markdown: &str) -> Vec<Finding> {
    fixes(&crate::load::from_markdown(markdown))
}
