//! Heading levels made consecutive, as screen readers and PDF/UA want them: a heading more than
//! one level below the one before it (`#` then `###`) is set one level below, in both editions,
//! with a warning. A chapter's front-matter title counts as its level-1 heading, as the styles
//! set it.

use crate::diag::{Diagnostic, Diagnostics, Warned};
use crate::model::{BlockKind, Publication, visit_blocks_mut};

/// The code of the warning.
pub const HEADING_SKIP: &str = "heading-skip";

/// Raises every heading that skips levels to one below the heading before it, in reading order
/// across the chapters.
pub fn run(mut publication: Publication) -> Warned<Publication> {
    let mut found = Diagnostics::default();
    let mut last = 0;
    for chapter in &mut publication.chapters {
        if chapter.front.title.is_some() {
            last = 1;
        }
        let file = chapter.path.clone();
        visit_blocks_mut(&mut chapter.blocks, &mut |block| {
            let BlockKind::Heading { level, .. } = &mut block.kind else { return };
            if *level > last + 1 {
                found.push(skip(&file, block.pos, *level, last));
                *level = last + 1;
            }
            last = *level;
        });
    }
    Warned::new(publication, found)
}

fn skip(file: &std::path::Path, pos: crate::diag::Pos, level: u8, last: u8) -> Diagnostic {
    let message = match last {
        0 => format!("the first heading is of level {level}; it is set as level 1"),
        _ => format!(
            "this heading skips from level {last} to {level}; it is set as level {}",
            last + 1
        ),
    };
    Diagnostic::warning(file, pos, message).with_code(HEADING_SKIP).with_hint(
        "give headings consecutive levels (#, then ##, then ###): readers of the EPUB and of \
         the accessible PDF move through a document by its levels",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::from_markdown;
    use crate::model::{Inline, InlineKind};

    fn levels(publication: &Publication) -> Vec<u8> {
        let headings = publication.chapters.iter().flat_map(|chapter| &chapter.blocks);
        let levels = headings.filter_map(|block| match block.kind {
            BlockKind::Heading { level, .. } => Some(level),
            _ => None,
        });
        levels.collect()
    }

    #[test]
    fn skipped_levels_are_closed_with_a_warning_at_each_heading() {
        let mut publication = from_markdown("### A\n\n# B\n\n#### C\n\n##### D\n");
        // A second chapter whose front-matter title is its level-1 heading.
        let mut second = from_markdown("\n\n\n### E\n\n## F\n").chapters.remove(0);
        let title = Inline::new(crate::diag::Pos::new(2, 8), InlineKind::Text("Titre".into()));
        second.front.title = Some(vec![title]);
        publication.chapters.push(second);
        let Warned { output, findings } = run(publication);
        assert_eq!(levels(&output), [1, 1, 2, 3, 2, 2]);
        let lines: Vec<u32> = findings.iter().map(|d| d.pos.line).collect();
        assert_eq!(lines, [1, 5, 7, 4]);
        assert!(findings.iter().all(|d| d.code == HEADING_SKIP));
        let first = findings.iter().next().unwrap();
        assert!(first.message.contains("first heading"), "{}", first.message);
    }
}
