//! Front matter written for other tools: pandoc's metadata belongs in `publication.toml` (a
//! one-chapter publication takes it from its chapter), other tools' keys are ignored, with one
//! note per publication.

use crate::diag::{Diagnostic, Diagnostics, Warned};
use crate::manifest::Manifest;
use crate::model::{ForeignKey, ForeignValue, Publication, field_from, plain_text};

/// The code of the findings about pandoc's metadata in a chapter.
const FOREIGN_METADATA: &str = "foreign-metadata";

/// Reports the foreign keys of every chapter; fills the manifest from a lone chapter's.
pub fn run(mut publication: Publication) -> Warned<Publication> {
    let mut found = Diagnostics::default();
    let single = publication.chapters.len() == 1;
    let toml = publication.dir.join("publication.toml");
    let mut ignored: Vec<(&ForeignKey, &std::path::Path)> = Vec::new();
    let manifest = &mut publication.manifest;
    for chapter in &publication.chapters {
        for key in &chapter.front.foreign {
            let Some((field, value)) = &key.manifest else {
                if !ignored.iter().any(|(seen, _)| seen.key == key.key) {
                    ignored.push((key, &chapter.path));
                }
                continue;
            };
            if holds(manifest, field, value) {
                continue;
            }
            let line = toml_line(field, value);
            let finding = if single && take(manifest, field, value) {
                let message = format!("`{}` is taken as the publication's `{field}`", key.key);
                Diagnostic::note(&chapter.path, key.pos, message).with_hint(format!(
                    "a one-chapter publication takes pandoc's metadata; to keep it with the other \
                     settings, write in {}: {line}",
                    toml.display()
                ))
            } else {
                let message = match (key.key.as_str(), *field) {
                    ("author", _) => "`author` as a list is the document's authors in pandoc: \
                                      presse prints the names as this chapter's author"
                        .to_string(),
                    (written, _) => format!(
                        "`{written}` in front matter is pandoc's metadata: presse reads it from \
                         publication.toml and leaves it out here"
                    ),
                };
                Diagnostic::warning(&chapter.path, key.pos, message)
                    .with_hint(format!("write in {}: {line}", toml.display()))
            };
            found.push(finding.with_code(FOREIGN_METADATA));
        }
    }
    if let Some((first, file)) = ignored.first() {
        let keys: Vec<&str> = ignored.iter().map(|(key, _)| key.key.as_str()).collect();
        let message = format!(
            "front matter keys of other tools are ignored: {} (first here)",
            keys.join(", ")
        );
        let hint = "presse reads title, author, lang, description, kicker, standfirst and \
                    typography; publication settings go in publication.toml";
        found.push(
            Diagnostic::note(file, first.pos, message).with_code("foreign-keys").with_hint(hint),
        );
    }
    Warned::new(publication, found)
}

/// The `publication.toml` line that holds the value.
fn toml_line(field: &str, value: &ForeignValue) -> String {
    let value = match value {
        ForeignValue::Text(text) => toml::Value::String(text.clone()),
        ForeignValue::List(items) => {
            toml::Value::Array(items.iter().cloned().map(toml::Value::String).collect())
        }
    };
    format!("{field} = {value}")
}

/// The value as a list (`keywords: a, b` as pandoc also takes them).
fn as_list(value: &ForeignValue) -> Vec<String> {
    match value {
        ForeignValue::List(items) => items.clone(),
        ForeignValue::Text(text) => text.split(',').map(|item| item.trim().to_string()).collect(),
    }
}

fn as_text(value: &ForeignValue) -> String {
    match value {
        ForeignValue::Text(text) => text.clone(),
        ForeignValue::List(items) => items.join(", "),
    }
}

/// Whether the manifest already holds this value.
fn holds(manifest: &Manifest, field: &str, value: &ForeignValue) -> bool {
    match field {
        "subtitle" => manifest.subtitle.as_deref().map(plain_text) == Some(as_text(value)),
        "description" => manifest.description.as_deref() == Some(as_text(value).as_str()),
        "date" => manifest.date.to_string() == as_text(value),
        "keywords" => manifest.keywords == as_list(value),
        "authors" => manifest.authors == as_list(value),
        _ => false,
    }
}

/// Puts the value in the manifest when the manifest has none; says whether it did.
fn take(manifest: &mut Manifest, field: &str, value: &ForeignValue) -> bool {
    match field {
        "subtitle" if manifest.subtitle.is_none() => {
            manifest.subtitle = Some(field_from(as_text(value)))
        }
        "description" if manifest.description.is_none() => {
            manifest.description = Some(as_text(value))
        }
        "keywords" if manifest.keywords.is_empty() => manifest.keywords = as_list(value),
        "authors" if manifest.authors.is_empty() => manifest.authors = as_list(value),
        _ => return false,
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Pos, Severity};
    use crate::load::from_markdown;

    fn key(name: &str, manifest: Option<(&'static str, ForeignValue)>) -> ForeignKey {
        ForeignKey { key: name.into(), pos: Pos::new(2, 1), manifest }
    }

    fn text(value: &str) -> ForeignValue {
        ForeignValue::Text(value.into())
    }

    #[test]
    fn a_one_chapter_publication_takes_pandoc_metadata_and_says_so() {
        let mut publication = from_markdown("Texte.\n");
        publication.chapters[0].front.foreign = vec![
            key("subtitle", Some(("subtitle", text("Un guide")))),
            key("date", Some(("date", text("2011-10-01")))),
        ];
        let Warned { output, findings } = run(publication);
        assert_eq!(output.manifest.subtitle.as_deref().map(plain_text), Some("Un guide".into()));
        let found: Vec<Diagnostic> = findings.into();
        assert_eq!(found.len(), 1, "the date is the manifest's: {found:?}");
        assert_eq!(found[0].severity, Severity::Note);
        assert!(
            found[0].hint.as_deref().unwrap().ends_with("subtitle = \"Un guide\""),
            "{found:?}"
        );
    }

    #[test]
    fn other_tools_keys_get_one_note_and_pandoc_metadata_a_warning_with_its_toml_line() {
        let mut publication = from_markdown("Texte.\n");
        let second = publication.chapters[0].clone();
        publication.chapters.push(second);
        for chapter in &mut publication.chapters {
            chapter.front.foreign = vec![
                key("permalink", None),
                key("layout", None),
                key(
                    "keywords",
                    Some(("keywords", ForeignValue::List(vec!["a".into(), "b".into()]))),
                ),
            ];
        }
        let found: Vec<Diagnostic> = run(publication).findings.into();
        let summary: Vec<(Severity, &str)> = found.iter().map(|d| (d.severity, d.code())).collect();
        let warning = (Severity::Warning, FOREIGN_METADATA);
        assert_eq!(summary, [warning, warning, (Severity::Note, "foreign-keys")]);
        assert!(
            found[0].hint.as_deref().unwrap().ends_with("keywords = [\"a\", \"b\"]"),
            "{found:?}"
        );
        assert!(found[2].message.contains("permalink, layout"), "{found:?}");
    }
}
