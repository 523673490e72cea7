//! Asides (a remark, advice, a warning …) written without a title get the usual one, in their
//! chapter's language: « Remarque », « Attention » in French.

use crate::lang::Lang;
use crate::model::{BlockKind, Inline, InlineKind, Publication};

/// Gives every aside without a title its kind's title.
pub fn run(mut publication: Publication) -> Publication {
    let lang = publication.manifest.lang.clone();
    for chapter in &mut publication.chapters {
        let lang = chapter.front.lang.clone().unwrap_or_else(|| lang.clone());
        chapter.visit_blocks_mut(&mut |block| {
            if let BlockKind::Editorial { kind, title, .. } = &mut block.kind
                && title.is_empty()
                && let Some(label) = aside_title(kind, &lang)
            {
                *title = vec![Inline::new(block.pos, InlineKind::Text(label.to_string()))];
            }
        });
    }
    publication
}

/// The title of an aside of this kind in this language (English for the languages presse has
/// no words for); `None` for the kinds that are no aside.
fn aside_title(kind: &str, lang: &Lang) -> Option<&'static str> {
    let french = lang.is_french();
    let title = match kind {
        "note" if french => "Remarque",
        "tip" if french => "Conseil",
        "warning" if french => "Attention",
        "caution" if french => "Mise en garde",
        "note" => "Note",
        "tip" => "Tip",
        "warning" => "Warning",
        "caution" => "Caution",
        "important" => "Important",
        _ => return None,
    };
    Some(title)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::from_markdown;
    use crate::model::plain_text;

    fn titles(markdown: &str) -> Vec<(String, String)> {
        let publication = run(from_markdown(markdown));
        let mut found = Vec::new();
        for block in &publication.chapters[0].blocks {
            if let BlockKind::Editorial { kind, title, .. } = &block.kind {
                found.push((kind.clone(), plain_text(title)));
            }
        }
        found
    }

    #[test]
    fn alerts_and_containers_of_other_tools_become_titled_asides() {
        let markdown = "> [!NOTE]\n> Lu.\n\n> [!WARNING] Fragile\n> Oui.\n\n::: tip\nAstuce.\n:::\n\n\
                        ::: danger Risque\nNon.\n:::\n\n::: details\nPlus.\n:::\n\n::: encadre\nX.\n:::\n";
        let expected = [
            ("note", "Remarque"),
            ("warning", "Fragile"),
            ("tip", "Conseil"),
            ("caution", "Risque"),
            ("note", "Remarque"),
            ("encadre", ""),
        ];
        let expected: Vec<(String, String)> =
            expected.iter().map(|(k, t)| (k.to_string(), t.to_string())).collect();
        assert_eq!(titles(markdown), expected);
    }
}
