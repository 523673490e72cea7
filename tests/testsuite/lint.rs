//! The French editorial lint through the real binary: findings with their suggestions, how
//! users silence them, and `presse check --fix` on copies (certain corrections only, each file
//! rewritten whole, code, addresses and raw blocks left byte for byte).

use std::path::Path;

use crate::common::{copy_tree, manifest, project, repository, run_presse};

use presse::passes::lint;

/// A chapter with an error of each certain family, and the same words where none may change.
const CHAPTER: &str = "---\ntitle: Essai\n---\n\
# Le XIXème siècle\n\
\n\
La 1ère fois, Mr Dupont vit l'Etat, etc... Le coeur  de l'oeuvre, le 3 Janvier.\n\
Soit 1.500.000 habitants.\n\
\n\
Voir `1ère coeur Mr` et <https://exemple.fr/1ère/coeur> ou [Etat](https://exemple.fr/Etat).\n\
\n\
```\nLa 1ère fois, Mr Dupont, coeur\n```\n\
\n\
```{=typst}\n#text[1ère coeur Etat]\n```\n";

/// The chapter as `--fix` leaves it.
const FIXED: &str = "---\ntitle: Essai\n---\n\
# Le XIXe siècle\n\
\n\
La 1re fois, M. Dupont vit l'État, etc. Le cœur de l'œuvre, le 3 janvier.\n\
Soit 1.500.000 habitants.\n\
\n\
Voir `1ère coeur Mr` et <https://exemple.fr/1ère/coeur> ou [État](https://exemple.fr/Etat).\n\
\n\
```\nLa 1ère fois, Mr Dupont, coeur\n```\n\
\n\
```{=typst}\n#text[1ère coeur Etat]\n```\n";

fn one_chapter(extra_manifest: &str, chapter: &str) -> tempfile::TempDir {
    let toml = manifest(extra_manifest);
    project(&[("sources/p/publication.toml", &toml), ("sources/p/a.md", chapter.as_bytes())])
}

fn check(root: &Path, extra: &[&str]) -> (i32, String) {
    let mut args = vec!["check", "--root", root.to_str().unwrap()];
    args.extend_from_slice(extra);
    run_presse(&args)
}

fn chapter_text(root: &Path) -> String {
    std::fs::read_to_string(root.join("sources/p/a.md")).unwrap()
}

#[test]
fn check_reports_each_finding_with_its_place_and_suggestion_and_writes_nothing() {
    let tmp = one_chapter("", CHAPTER);
    let (code, stderr) = check(tmp.path(), &[]);
    assert_eq!(code, 0, "warnings only: {stderr}");
    for expected in [
        "typo-ordinal",
        "sources/p/a.md:4:6",
        "suggestion: XIXe",
        "sources/p/a.md:6:4",
        "suggestion: 1re",
        "typo-number",
        "sources/p/a.md:7:6",
        "suggestion: 1 500 000",
        "typo-spacing",
        "typo-month",
        "typo-ligature",
        "typo-accent",
        "typo-abbreviation",
    ] {
        assert!(stderr.contains(expected), "no {expected:?} in {stderr}");
    }
    assert_eq!(chapter_text(tmp.path()), CHAPTER, "check alone never writes into sources/");
}

#[test]
fn json_findings_carry_the_suggestion() {
    let tmp = one_chapter("", "La 1ère fois.\n");
    let output = crate::common::presse()
        .args(["check", "--message-format", "json", "--root", tmp.path().to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("\"code\":\"typo-ordinal\""), "{stdout}");
    assert!(stdout.contains("\"line\":1,\"column\":4"), "{stdout}");
    assert!(stdout.contains("\"suggestion\":\"1re\""), "{stdout}");
}

#[test]
fn fix_writes_the_certain_corrections_once_and_leaves_code_and_addresses() {
    let tmp = one_chapter("", CHAPTER);
    let (code, stderr) = check(tmp.path(), &["--fix"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(chapter_text(tmp.path()), FIXED);
    assert!(stderr.contains("sources/p/a.md:6: 1ère → 1re"), "{stderr}");
    assert!(stderr.contains("sources/p/a.md:4: XIXème → XIXe"), "{stderr}");
    assert!(stderr.contains("fixed: 10 corrections in 1 file"), "{stderr}");
    assert!(stderr.contains("grouped the English way"), "what is not certain stays: {stderr}");
    let (_, again) = check(tmp.path(), &["--fix"]);
    assert!(again.contains("fixed: 0 corrections"), "{again}");
    assert_eq!(chapter_text(tmp.path()), FIXED, "a second run changes nothing");
}

#[test]
fn fix_on_the_clean_samples_changes_no_byte() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&repository().join("sources"), &tmp.path().join("sources"));
    let before = tree_bytes(&tmp.path().join("sources"));
    let (code, stderr) = check(tmp.path(), &["--fix"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("fixed: 0 corrections"), "{stderr}");
    assert_eq!(tree_bytes(&tmp.path().join("sources")), before);
}

#[test]
fn the_samples_give_no_finding() {
    let (code, stderr) = check(repository(), &["--strict"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("no findings"), "{stderr}");
}

#[test]
fn the_commonmark_spec_examples_read_as_french_give_no_finding() {
    let spec_path = repository().join("tests/data/commonmark/spec.txt");
    let spec = std::fs::read_to_string(spec_path).unwrap();
    let fence = "`".repeat(32);
    let mut found = Vec::new();
    for (number, example) in spec.split(&format!("{fence} example\n")).skip(1).enumerate() {
        let markdown = example.split("\n.\n").next().unwrap().replace('→', "\t");
        let publication = presse::load::from_markdown(&markdown);
        found.extend(lint::findings(&publication).into_iter().map(|f| (number + 1, f.code, f.old)));
    }
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_commonmark_spec_prose_read_as_french_gives_no_finding() {
    let spec_path = repository().join("tests/data/commonmark/spec.txt");
    let spec = std::fs::read_to_string(spec_path).unwrap();
    let publication = presse::load::from_markdown(&spec);
    let found = lint::findings(&publication);
    let found: Vec<_> = found.iter().map(|f| (f.pos.line, f.code, f.old.as_str())).collect();
    assert_eq!(found, []);
}

#[test]
fn the_benchmark_corpus_gives_no_finding() {
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("sources/corpus");
    let status = std::process::Command::new("python3")
        .arg(repository().join("bench/make-corpus"))
        .arg(&dest)
        .args(["--chapters", "6", "--images", "1", "--image-size", "20x20"])
        .stdout(std::process::Stdio::null())
        .status();
    let Ok(status) = status else { return eprintln!("python3 missing: corpus not checked") };
    assert!(status.success());
    let (code, stderr) = check(tmp.path(), &["--strict"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("no findings"), "{stderr}");
}

#[test]
fn users_turn_codes_off_make_them_errors_and_allow_a_line() {
    let tmp = project(&[
        (
            "sources/p/publication.toml",
            &manifest("[lint]\noff = [\"typo-number\"]\nerror = [\"typo-ordinal\"]\n"),
        ),
        ("sources/p/a.md", b"---\nlint-off: [typo-ligature]\n---\nLe coeur, 1.500.000, la 1ere.\n"),
        ("sources/p/b.md", b"Le coeur.\n<!-- presse: allow typo-accent -->\nL'Etat.\nL'Etat.\n"),
    ]);
    let (code, stderr) = check(tmp.path(), &[]);
    assert_eq!(code, 1, "typo-ordinal is an error: {stderr}");
    assert!(stderr.contains("error: the ordinal"), "{stderr}");
    assert!(!stderr.contains("grouped the English way"), "off in the manifest: {stderr}");
    assert!(!stderr.contains("a.md:4:4"), "ligatures off in a.md: {stderr}");
    assert!(stderr.contains("b.md:1:4"), "but not in b.md: {stderr}");
    assert!(!stderr.contains("b.md:3:"), "line 3 of b.md is allowed: {stderr}");
    assert!(stderr.contains("b.md:4:3"), "line 4 is not: {stderr}");
}

#[test]
fn strict_makes_lint_warnings_errors() {
    let tmp = one_chapter("", "La 1ère fois.\n");
    let (code, stderr) = check(tmp.path(), &["--strict"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("error: the ordinal"), "{stderr}");
}

#[test]
fn an_unknown_lint_code_is_refused_with_the_nearest() {
    let tmp = one_chapter("[lint]\noff = [\"typo-ordinals\"]\n", "Texte.\n");
    let (code, stderr) = check(tmp.path(), &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("unknown lint code `typo-ordinals`"), "{stderr}");
    assert!(stderr.contains("did you mean `typo-ordinal`?"), "{stderr}");
}

#[test]
fn english_chapters_are_not_linted() {
    let tmp = one_chapter("", "---\nlang: en\n---\nThe 1ère time, Mr Smith, 1,500,000.\n");
    let (code, stderr) = check(tmp.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
}

/// Pieces that `--fix` must leave byte for byte, each holding words it would correct in prose.
const PROTECTED: [&str; 7] = [
    "`1ère coeur Mr`",
    "<https://exemple.fr/1ère/coeur>",
    "[lien](https://exemple.fr/Etat/coeur \"Mr\")",
    "jean.coeur@exemple.fr",
    "\n\n```\nLa 1ère, Mr, coeur, Etat\n```\n\n",
    "\n\n```{=typst}\n#text[3 Janvier, XIXème]\n```\n\n",
    "\n\n<div>La 1ère, Mr, coeur</div>\n\n",
];

/// Prose pieces, with and without errors.
const PROSE: [&str; 14] = [
    "La 1ère fois",
    "Mr Dupont",
    "l'Etat",
    "etc...",
    "le coeur",
    "3 Janvier",
    "XIXème",
    "soit 1.500.000",
    "le le",
    "mot  mot",
    "(ouvert",
    "Mme. Durand",
    "*coeur*",
    "**Ile**-de-France",
];

/// A Markdown text made of pieces chosen by a small deterministic generator.
fn generated(seed: u64) -> String {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut next = |n: usize| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 33) as usize % n
    };
    let mut text = String::new();
    for _ in 0..12 {
        match next(3) {
            0 => text.push_str(PROTECTED[next(PROTECTED.len())]),
            _ => text.push_str(PROSE[next(PROSE.len())]),
        }
        text.push_str([" ", ", ", ".\n", " ", "\n\n"][next(5)]);
    }
    text
}

/// The text with the lint's certain corrections written in.
fn fixed(markdown: &str) -> String {
    let publication = presse::load::from_markdown(markdown);
    let fixes = lint::fixes(&publication);
    let fixes: Vec<&lint::Finding> = fixes.iter().collect();
    lint::apply(markdown, &fixes).0
}

#[test]
fn fixing_twice_is_fixing_once_and_never_touches_code_addresses_or_raw_blocks() {
    for seed in 0..400 {
        let markdown = generated(seed);
        let once = fixed(&markdown);
        assert_eq!(fixed(&once), once, "seed {seed}:\n{markdown}");
        for piece in PROTECTED {
            let count = |text: &str| text.matches(piece.trim()).count();
            assert_eq!(count(&once), count(&markdown), "seed {seed}, {piece:?}:\n{markdown}");
        }
    }
}

/// Every file under a folder with its bytes, in order.
fn tree_bytes(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        match path.is_dir() {
            true => files.extend(tree_bytes(&path)),
            false => files.push((path.clone(), std::fs::read(&path).unwrap())),
        }
    }
    files.sort();
    files
}
