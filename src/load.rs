//! Reading a publication folder: `publication.toml`, the chapters in order, their front matter.

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics, Pos, pos_of_offset};
use crate::files::read_text;
use crate::limits;
use crate::manifest::{LINT_CODES, Manifest};
use crate::memo;
use crate::model::{
    BlockKind, Chapter, FRONT_MATTER_KEYS, ForeignKey, ForeignValue, FrontMatter, Inline,
    Publication, plain_text,
};
use crate::parse;
use crate::paths::markdown_files;
use crate::slug::slugify;
use crate::suggest::near_miss;

/// The publications under `<root>/sources/`, by folder name; `only` narrows the list. None at
/// all is an error.
pub fn publication_dirs(root: &Path, only: &[String]) -> Result<Vec<String>, Diagnostic> {
    let sources = root.join("sources");
    let entries = fs::read_dir(&sources).map_err(|err| {
        Diagnostic::error("sources", Pos::default(), format!("cannot read sources/: {err}"))
            .with_code("no-sources")
            .with_hint("run presse from the project root, the folder that holds sources/")
    })?;
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().join("publication.toml").is_file())
        .filter_map(|e| e.file_name().into_string().ok())
        // Hidden folders (`.draft/`, an editor's backup) are not publications.
        .filter(|name| !name.starts_with('.'))
        .collect();
    names.sort();
    for wanted in only {
        if !names.contains(wanted) {
            return Err(Diagnostic::error(
                Path::new("sources").join(wanted),
                Pos::default(),
                format!("no publication named `{wanted}`"),
            )
            .with_code("unknown-publication")
            .with_hint(format!("the publications are: {}", names.join(", "))));
        }
    }
    if names.is_empty() {
        return Err(Diagnostic::error("sources", Pos::default(), "no publication found")
            .with_code("no-publication")
            .with_hint("make a folder sources/<name>/ with a publication.toml and chapters"));
    }
    if !only.is_empty() {
        names.retain(|n| only.contains(n));
    }
    Ok(names)
}

/// Loads `sources/<name>/` under the project root into a publication (chapters parsed).
pub fn load(root: &Path, name: &str) -> Result<Publication, Diagnostics> {
    memo::stage(|| load_publication(root, name))
}

fn load_publication(root: &Path, name: &str) -> Result<Publication, Diagnostics> {
    let dir = Path::new("sources").join(name);
    let manifest_path = dir.join("publication.toml");
    let text = read_text(root, &manifest_path).map_err(one)?;
    let manifest = Manifest::parse(&text, &manifest_path).map_err(one)?;
    let (files, not_chapters) = chapter_files(root, &dir, &manifest, &text).map_err(one)?;
    let mut diagnostics = Diagnostics::default();
    let mut chapters = Vec::new();
    let loaded: Vec<_> = files.par_iter().map(|file| load_chapter(root, file)).collect();
    for result in loaded {
        match result {
            Ok(chapter) => chapters.push(chapter),
            Err(found) => diagnostics.extend(found),
        }
    }
    let is_empty = |c: &Chapter| c.blocks.is_empty() && c.front.title.is_none();
    if !diagnostics.has_errors() && chapters.iter().all(is_empty) {
        diagnostics.push(empty_publication(&manifest_path, &manifest));
    }
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    Ok(Publication { name: name.to_string(), dir, manifest, chapters, cover: None, not_chapters })
}

fn one(d: Diagnostic) -> Diagnostics {
    d.into()
}

/// A publication whose chapters hold nothing to print.
fn empty_publication(manifest_path: &Path, manifest: &Manifest) -> Diagnostic {
    let at = match manifest.chapters {
        Some(_) => manifest.key_pos("chapters"),
        None => Pos::new(1, 1),
    };
    Diagnostic::error(manifest_path, at, "the publication is empty: its chapters hold no text")
        .with_code("empty-publication")
        .with_hint("write the chapters, or check that this publication lists the right files")
}

/// Files that describe a folder in a repository (or list an mdBook's chapters) rather than hold
/// a chapter: not chapters unless the manifest lists them.
const NOT_CHAPTERS: [&str; 5] =
    ["readme.md", "license.md", "licence.md", "changelog.md", "summary.md"];

/// The chapter files in reading order: the manifest's `chapters`, else every `*.md` by name but
/// `README.md`, `LICENSE.md`, `CHANGELOG.md` and `SUMMARY.md`; and those left out.
fn chapter_files(
    root: &Path,
    dir: &Path,
    manifest: &Manifest,
    text: &str,
) -> Result<(Vec<PathBuf>, Vec<PathBuf>), Diagnostic> {
    let manifest_path = dir.join("publication.toml");
    let Some(listed) = &manifest.chapters else {
        let (files, left_out): (Vec<PathBuf>, Vec<PathBuf>) = markdown_files(&root.join(dir))
            .map_err(|err| {
                Diagnostic::error(dir, Pos::default(), format!("cannot list the folder: {err}"))
                    .with_code("io")
            })?
            .iter()
            .filter_map(|p| p.file_name().map(|n| dir.join(n)))
            .partition(|file| !is_about_the_folder(file));
        if files.is_empty() {
            let hint = match left_out.first() {
                Some(file) => format!(
                    "{} describes the folder and is not a chapter: list it in publication.toml \
                     (chapters = [\"{}\"]) to print it",
                    file.display(),
                    file.file_name().unwrap_or_default().to_string_lossy()
                ),
                None => "add a Markdown file (*.md) beside publication.toml".to_string(),
            };
            return Err(Diagnostic::error(&manifest_path, Pos::new(1, 1), "no chapter found")
                .with_code("no-chapter")
                .with_hint(hint));
        }
        return Ok((files, left_out));
    };
    let at = manifest.key_pos("chapters");
    let positions = entry_positions(text, at, listed);
    let mut files = Vec::new();
    for (name, &pos) in listed.iter().zip(&positions) {
        let file = dir.join(name);
        let bad = |message: String| {
            Diagnostic::error(&manifest_path, pos, message).with_code("bad-chapter-list").with_hint(
                "list the chapter files by their names in this folder, e.g. \"01-edito.md\"",
            )
        };
        if name.contains("..") || Path::new(name).is_absolute() || !name.ends_with(".md") {
            return Err(bad(format!("`{name}` is not a Markdown file of this publication")));
        }
        if !root.join(&file).is_file() {
            return Err(bad(format!("the chapter `{name}` does not exist")));
        }
        if files.contains(&file) {
            return Err(bad(format!("the chapter `{name}` is listed twice")));
        }
        files.push(file);
    }
    if files.is_empty() {
        return Err(Diagnostic::error(&manifest_path, at, "the chapter list is empty")
            .with_code("bad-chapter-list")
            .with_hint("name at least one chapter file, or remove `chapters` to take every *.md"));
    }
    Ok((files, Vec::new()))
}

/// Whether a Markdown file describes the folder (`README.md` …) rather than holds a chapter.
fn is_about_the_folder(file: &Path) -> bool {
    let name = file.file_name().map(|n| n.to_string_lossy().to_lowercase());
    name.is_some_and(|name| NOT_CHAPTERS.contains(&name.as_str()))
}

fn load_chapter(root: &Path, file: &Path) -> Result<Chapter, Diagnostics> {
    let text = read_text(root, file).map_err(one)?;
    parse_chapter(file, &text)
}

/// The chapter a Markdown file's text holds. Memoised: `presse watch` parses again only the
/// chapters whose text changed.
#[comemo::memoize]
fn parse_chapter(file: &Path, text: &str) -> Result<Chapter, Diagnostics> {
    let (front, body, first_line) = split_front_matter(text, file).map_err(one)?;
    let parsed = parse::parse(body, first_line);
    if let Some(pos) = parsed.too_deep {
        return Err(one(limits::too_deep(file, pos)));
    }
    let slug = file.file_stem().and_then(|s| s.to_str()).unwrap_or("chapitre");
    let mut chapter = Chapter {
        path: file.to_path_buf(),
        slug: slugify(slug),
        front,
        blocks: parsed.blocks,
        notes: parsed.notes,
        loose_notes: parsed.loose_notes,
        prose: parsed.prose,
    };
    let over_limits = over_limits(&mut chapter);
    if !over_limits.is_empty() {
        return Err(over_limits);
    }
    Ok(chapter)
}

/// What a parsed chapter holds beyond the limits: a paragraph too long, too many footnotes.
fn over_limits(chapter: &mut Chapter) -> Diagnostics {
    let file = chapter.path.clone();
    let mut found = Diagnostics::default();
    if chapter.notes.len() > limits::MAX_FOOTNOTES_PER_CHAPTER {
        let pos = chapter.notes[limits::MAX_FOOTNOTES_PER_CHAPTER].pos;
        found.push(limits::too_many_footnotes(&file, pos, chapter.notes.len()));
    }
    chapter.visit_blocks_mut(&mut |block| {
        let longest = match &block.kind {
            BlockKind::Paragraph(content) | BlockKind::Heading { content, .. } => {
                text_length(content)
            }
            BlockKind::Table(table) => {
                let cells = table.header.iter().chain(table.rows.iter().flatten());
                cells.map(|cell| text_length(cell)).max().unwrap_or(0)
            }
            _ => 0,
        };
        if longest > limits::MAX_PARAGRAPH_CHARS {
            found.push(limits::paragraph_too_long(&file, block.pos, longest));
        }
    });
    found
}

fn text_length(inlines: &[Inline]) -> usize {
    plain_text(inlines).chars().count()
}

/// The position of each name of the manifest's `chapters` list, the key's when not found.
fn entry_positions(text: &str, at: Pos, listed: &[String]) -> Vec<Pos> {
    let line_start: usize =
        text.split_inclusive('\n').take(at.line.saturating_sub(1) as usize).map(str::len).sum();
    let mut from = line_start;
    let mut positions = Vec::new();
    for name in listed {
        let found = [format!("\"{name}\""), format!("'{name}'")]
            .iter()
            .filter_map(|quoted| {
                text[from..].find(quoted.as_str()).map(|i| (from + i, quoted.len()))
            })
            .min();
        match found {
            Some((offset, len)) => {
                positions.push(pos_of_offset(text, offset));
                from = offset + len;
            }
            None => positions.push(at),
        }
    }
    positions
}

/// Splits `---` YAML front matter from the Markdown; returns the body and its first line number.
fn split_front_matter<'t>(
    text: &'t str,
    file: &Path,
) -> Result<(FrontMatter, &'t str, u32), Diagnostic> {
    let Some(rest) = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n")) else {
        return Ok((FrontMatter::default(), text, 1));
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if matches!(line.trim_end(), "---" | "...") {
            let yaml = &rest[..offset];
            let body = &rest[offset + line.len()..];
            let lines = yaml.matches('\n').count() as u32 + 2;
            let front = parse_front_matter(yaml, file)?;
            return Ok((front, body, lines + 1));
        }
        offset += line.len();
    }
    Err(Diagnostic::error(file, Pos::new(1, 1), "the front matter is never closed")
        .with_code("bad-front-matter")
        .with_hint("end the YAML front matter with a line holding only ---"))
}

fn parse_front_matter(yaml: &str, file: &Path) -> Result<FrontMatter, Diagnostic> {
    if yaml.trim().is_empty() {
        return Ok(FrontMatter::default());
    }
    let mut front: FrontMatter = serde_yaml_ng::from_str(yaml).map_err(|err| {
        let message = err.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message).to_string();
        // The YAML starts on line 2 of the file. A value refused once read (a language that is
        // no language tag) is placed by the YAML reader at the start of the mapping: its line is
        // the one holding it.
        let pos = match (quoted_value_line(yaml, &message), err.location()) {
            (Some(line), _) => Pos::new(line + 2, 1),
            (None, Some(at)) => Pos::new(at.line() as u32 + 1, at.column() as u32),
            (None, None) => Pos::new(2, 1),
        };
        Diagnostic::error(file, pos, format!("bad front matter: {message}")).with_code("bad-front-matter").with_hint(
            "front matter takes title, author, lang, description, kicker, standfirst, typography (true or false) and lint-off (a list of lint codes)",
        )
    })?;
    front.foreign = foreign_keys(yaml, file)?;
    unknown_lint_code(&front.lint_off, yaml, file)?;
    Ok(front)
}

/// A code of `lint-off` that the lint does not have, as in `[lint]` of `publication.toml`.
fn unknown_lint_code(codes: &[String], yaml: &str, file: &Path) -> Result<(), Diagnostic> {
    let known = |code: &&String| *code == "typo-*" || LINT_CODES.contains(&code.as_str());
    let Some(unknown) = codes.iter().find(|code| !known(code)) else { return Ok(()) };
    let hint = match near_miss(unknown, &LINT_CODES) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!("the codes are {} and \"typo-*\" for all", LINT_CODES.join(", ")),
    };
    let message = format!("unknown lint code `{unknown}`");
    Err(Diagnostic::error(file, key_pos(yaml, "lint-off"), message)
        .with_code("bad-front-matter")
        .with_hint(hint))
}

/// The keys of pandoc's metadata, with the `publication.toml` field that holds each.
const PANDOC_KEYS: [(&str, &str); 4] = [
    ("subtitle", "subtitle"),
    ("date", "date"),
    ("abstract", "description"),
    ("keywords", "keywords"),
];

/// The keys of the front matter that presse does not read: pandoc's metadata, with its
/// `publication.toml` equivalent, and other tools' keys, ignored. A near miss of one of
/// presse's own keys (`titel`, `standfist`) is an error, as it is surely a mistake.
fn foreign_keys(yaml: &str, file: &Path) -> Result<Vec<ForeignKey>, Diagnostic> {
    let Ok(serde_yaml_ng::Value::Mapping(mapping)) = serde_yaml_ng::from_str(yaml) else {
        return Ok(Vec::new());
    };
    let mut foreign = Vec::new();
    for (key, value) in mapping {
        let Some(key) = key.as_str().map(str::to_string) else { continue };
        let pos = key_pos(yaml, &key);
        if key == "author" && value.is_sequence() {
            let value = ForeignValue::List(texts(&value));
            foreign.push(ForeignKey { key, pos, manifest: Some(("authors", value)) });
            continue;
        }
        if FRONT_MATTER_KEYS.contains(&key.as_str()) {
            continue;
        }
        if let Some((_, field)) = PANDOC_KEYS.iter().find(|(pandoc, _)| *pandoc == key) {
            let value = match value.is_sequence() {
                true => ForeignValue::List(texts(&value)),
                false => ForeignValue::Text(texts(&value).join(", ")),
            };
            foreign.push(ForeignKey { key, pos, manifest: Some((field, value)) });
            continue;
        }
        if let Some(near) = near_miss(&key, &FRONT_MATTER_KEYS) {
            return Err(Diagnostic::error(file, pos, format!("unknown front matter key `{key}`"))
                .with_code("bad-front-matter")
                .with_hint(format!("did you mean `{near}`?")));
        }
        foreign.push(ForeignKey { key, pos, manifest: None });
    }
    Ok(foreign)
}

/// The texts a YAML value holds: itself, or the items of a list (a name from `name:`).
fn texts(value: &serde_yaml_ng::Value) -> Vec<String> {
    use serde_yaml_ng::Value;
    match value {
        Value::Sequence(items) => items.iter().flat_map(texts).collect(),
        Value::Mapping(map) => map.get("name").map(texts).unwrap_or_default(),
        Value::String(text) => vec![text.clone()],
        Value::Number(n) => vec![n.to_string()],
        Value::Bool(b) => vec![b.to_string()],
        Value::Tagged(tagged) => texts(&tagged.value),
        Value::Null => Vec::new(),
    }
}

/// Where a top-level key of the front matter is written (the YAML starts on line 2).
fn key_pos(yaml: &str, key: &str) -> Pos {
    let written =
        |line: &str| line.strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with(':'));
    let index = yaml.lines().position(written).unwrap_or(0);
    Pos::new(index as u32 + 2, 1)
}

/// The index of the first line of `yaml` holding, after a key, the value an error message
/// quotes between backticks.
fn quoted_value_line(yaml: &str, message: &str) -> Option<u32> {
    let value = message.split('`').nth(1).filter(|value| !value.is_empty())?;
    let holds = |line: &str| line.split_once(':').is_some_and(|(_, v)| v.contains(value));
    yaml.lines().position(holds).map(|index| index as u32)
}

/// A one-chapter publication from Markdown in memory, as if it were `sources/memoire/texte.md`.
pub fn from_markdown(markdown: &str) -> Publication {
    let dir = PathBuf::from("sources/memoire");
    let path = dir.join("texte.md");
    let manifest = Manifest::parse("title = \"Texte\"\ndate = \"2011-10-01\"\n", &path)
        .expect("a fixed, valid manifest");
    let parsed = parse::parse(markdown, 1);
    let chapter = Chapter {
        path,
        slug: "texte".into(),
        front: FrontMatter::default(),
        blocks: parsed.blocks,
        notes: parsed.notes,
        loose_notes: parsed.loose_notes,
        prose: parsed.prose,
    };
    let chapters = vec![chapter];
    Publication {
        name: "memoire".into(),
        dir,
        manifest,
        chapters,
        cover: None,
        not_chapters: vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_split_and_lines_stay_true() {
        let text = "---\ntitle: Édito\n---\n# Titre\n";
        let (front, body, first) = split_front_matter(text, Path::new("a.md")).unwrap();
        assert_eq!(front.title.as_deref().map(plain_text), Some("Édito".into()));
        assert_eq!(body, "# Titre\n");
        assert_eq!(first, 4);
    }

    #[test]
    fn unknown_front_matter_keys_name_their_line() {
        let text = "---\ntitle: x\ntitel: y\n---\n";
        let err = split_front_matter(text, Path::new("a.md")).unwrap_err();
        assert_eq!(err.pos.line, 3, "{err}");
        assert!(err.message.contains("titel"), "{err}");
    }

    #[test]
    fn front_matter_written_for_other_tools_is_kept_aside() {
        let text = "---\ntitle: x\npermalink: /guide/\nsidebar: auto\nsubtitle: Un guide\n\
                    author:\n  - Anne\n  - Paul\nkeywords: [a, b]\ndate: 2020-01-05\n---\n";
        let (front, ..) = split_front_matter(text, Path::new("a.md")).unwrap();
        let keys: Vec<(&str, u32)> =
            front.foreign.iter().map(|k| (k.key.as_str(), k.pos.line)).collect();
        let expected = [
            ("permalink", 3),
            ("sidebar", 4),
            ("subtitle", 5),
            ("author", 6),
            ("keywords", 9),
            ("date", 10),
        ];
        assert_eq!(keys, expected);
        assert_eq!(front.foreign[0].manifest, None);
        let authors = ForeignValue::List(vec!["Anne".into(), "Paul".into()]);
        assert_eq!(front.foreign[3].manifest, Some(("authors", authors)));
        assert_eq!(front.author.as_deref().map(plain_text), Some("Anne, Paul".into()));
        let date = ForeignValue::Text("2020-01-05".into());
        assert_eq!(front.foreign[5].manifest, Some(("date", date)));
    }

    #[test]
    fn a_near_miss_of_a_key_of_presse_is_an_error_with_the_key_meant() {
        for (written, meant) in
            [("titel", "title"), ("autor", "author"), ("standfist", "standfirst")]
        {
            let text = format!("---\n{written}: x\n---\n");
            let err = split_front_matter(&text, Path::new("a.md")).unwrap_err();
            assert_eq!(err.pos.line, 2, "{err}");
            assert_eq!(err.hint.as_deref(), Some(format!("did you mean `{meant}`?").as_str()));
        }
    }

    #[test]
    fn lint_off_takes_only_the_lint_codes() {
        let text = "---\ntitle: x\nlint-off: [typo-number, typo-ordinals]\n---\n";
        let err = split_front_matter(text, Path::new("a.md")).unwrap_err();
        assert_eq!((err.pos.line, err.code()), (3, "bad-front-matter"), "{err}");
        assert_eq!(err.hint.as_deref(), Some("did you mean `typo-ordinal`?"));
        let text = "---\nlint-off: [typo-number, \"typo-*\"]\nlint_off: [x]\n---\n";
        let err = split_front_matter(text, Path::new("a.md")).unwrap_err();
        assert_eq!(err.hint.as_deref(), Some("did you mean `lint-off`?"), "{err}");
        let text = "---\nlint-off: [typo-number, \"typo-*\"]\n---\n";
        let (front, _, _) = split_front_matter(text, Path::new("a.md")).unwrap();
        assert_eq!(front.lint_off, ["typo-number", "typo-*"]);
    }

    #[test]
    fn a_front_matter_lang_must_be_a_language_tag() {
        let text = "---\ntitle: x\nlang: français\n---\n";
        let err = split_front_matter(text, Path::new("a.md")).unwrap_err();
        assert_eq!((err.pos.line, err.code()), (3, "bad-front-matter"), "{err}");
        assert!(split_front_matter("---\nlang: de-CH\n---\n", Path::new("a.md")).is_ok());
    }

    #[test]
    fn an_unclosed_front_matter_is_an_error() {
        assert!(split_front_matter("---\ntitle: x\n", Path::new("a.md")).is_err());
    }

    #[test]
    fn a_long_paragraph_is_reported_at_its_line() {
        let text = format!("court\n\n{}\n", "mot ".repeat(limits::MAX_PARAGRAPH_CHARS / 4 + 1));
        let mut publication = from_markdown(&text);
        let found: Vec<Diagnostic> = over_limits(&mut publication.chapters[0]).into();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].pos.line, found[0].code()), (3, "paragraph-too-long"));
    }

    #[test]
    fn too_many_footnotes_are_reported_at_the_first_one_past_the_limit() {
        let count = limits::MAX_FOOTNOTES_PER_CHAPTER + 1;
        let refs: String = (0..count).map(|i| format!("a[^{i}] ")).collect();
        let defs: String = (0..count).map(|i| format!("[^{i}]: n\n")).collect();
        let mut publication = from_markdown(&format!("{refs}\n\n{defs}"));
        let found: Vec<Diagnostic> = over_limits(&mut publication.chapters[0]).into();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].code(), "too-many-footnotes");
        assert_eq!(found[0].pos.line, 3 + limits::MAX_FOOTNOTES_PER_CHAPTER as u32);
    }
}
