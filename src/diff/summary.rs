//! What a comparison says: one line per publication ("lettre: pages 3 and 4 changed; page 5
//! added"), and `summary.md`, those lines then the images of the changed pages and the changed
//! paragraphs of the EPUB, short enough for a pull request.

use std::fmt::Write;

use super::chapters::{ChapterChange, ChapterKind, Hunk};
use super::{PageChange, PageKind, Presence, PublicationDiff};

/// At most this many page images are shown per publication in `summary.md`; all are written.
const MAX_IMAGES_SHOWN: usize = 20;

/// At most this many changed paragraphs are quoted per chapter.
const MAX_PARAGRAPHS_SHOWN: usize = 20;

/// The line that says what changed in one publication.
pub fn line(publication: &PublicationDiff) -> String {
    let name = &publication.name;
    match publication.presence {
        Presence::Added => return format!("{name}: new publication"),
        Presence::Removed => return format!("{name}: publication removed"),
        Presence::Both => {}
    }
    let mut parts = page_parts(&publication.pages);
    parts.extend(publication.one_sided.iter().map(|&(edition, presence)| {
        let verb = if presence == Presence::Added { "added" } else { "removed" };
        format!("{} {verb}", edition.name())
    }));
    parts.extend(chapter_parts(&publication.chapters));
    if parts.is_empty() {
        parts.push("no change".to_string());
    }
    format!("{name}: {}", parts.join("; "))
}

/// "pages 3 and 4 changed", "page 5 added", "old page 6 removed", "page 2 moved (was 1)".
fn page_parts(pages: &[PageChange]) -> Vec<String> {
    let numbers = |kind: PageKind, old: bool| -> Vec<usize> {
        let of = |p: &PageChange| if old { p.old } else { p.new };
        pages.iter().filter(|p| p.kind == kind).filter_map(of).collect()
    };
    let mut parts = Vec::new();
    // A removed page has only its old number.
    let plain = [
        (PageKind::Changed, "", "changed"),
        (PageKind::Added, "", "added"),
        (PageKind::Removed, "old ", "removed"),
    ];
    for (kind, old, verb) in plain {
        let named = numbers(kind, kind == PageKind::Removed);
        if !named.is_empty() {
            parts.push(format!("{old}{} {verb}", pages_named(&named)));
        }
    }
    let moved = numbers(PageKind::Moved, false);
    if !moved.is_empty() {
        let from = list(&numbers(PageKind::Moved, true));
        let were = if moved.len() == 1 { "was" } else { "were" };
        parts.push(format!("{} moved ({were} {from})", pages_named(&moved)));
    }
    parts
}

/// "EPUB: chapter 10-conference changed", "EPUB: chapters 02-a and 03-b changed".
fn chapter_parts(chapters: &[ChapterChange]) -> Vec<String> {
    let kinds = [
        (ChapterKind::Changed, "changed"),
        (ChapterKind::Added, "added"),
        (ChapterKind::Removed, "removed"),
    ];
    let parts: Vec<String> = kinds
        .iter()
        .filter_map(|&(kind, verb)| {
            let names: Vec<&str> =
                chapters.iter().filter(|c| c.kind == kind).map(|c| chapter_name(&c.file)).collect();
            let noun = if names.len() == 1 { "chapter" } else { "chapters" };
            (!names.is_empty()).then(|| format!("{noun} {} {verb}", and_list(&names)))
        })
        .collect();
    if parts.is_empty() { parts } else { vec![format!("EPUB: {}", parts.join(", "))] }
}

/// A chapter as its writer knows it: its Markdown file's name (`10-conference`).
pub fn chapter_name(file: &str) -> &str {
    let key = super::chapters::key(file);
    key.strip_suffix(".xhtml").unwrap_or(key)
}

/// "page 4", "pages 3 and 4", "pages 2–5 and 9".
fn pages_named(numbers: &[usize]) -> String {
    let noun = if numbers.len() == 1 { "page" } else { "pages" };
    format!("{noun} {}", list(numbers))
}

/// Numbers in order, runs of three or more as a range: "2–5, 7 and 9".
fn list(numbers: &[usize]) -> String {
    let mut runs: Vec<String> = Vec::new();
    let mut start = 0;
    while start < numbers.len() {
        let mut end = start;
        while end + 1 < numbers.len() && numbers[end + 1] == numbers[end] + 1 {
            end += 1;
        }
        match end - start {
            0 => runs.push(numbers[start].to_string()),
            1 => runs.extend([numbers[start].to_string(), numbers[end].to_string()]),
            _ => runs.push(format!("{}–{}", numbers[start], numbers[end])),
        }
        start = end + 1;
    }
    let runs: Vec<&str> = runs.iter().map(String::as_str).collect();
    and_list(&runs)
}

/// "a", "a and b", "a, b and c".
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// `summary.md`: a heading, one line per publication, then the images of the changed pages and
/// the paragraphs that changed in the EPUB, linked relatively to the file.
pub fn markdown(old: &str, new: &str, publications: &[PublicationDiff]) -> String {
    let mut md = format!("## presse diff: `{old}` → `{new}`\n\n");
    for publication in publications {
        let _ = writeln!(md, "- {}", line(publication));
    }
    for publication in publications {
        page_details(&mut md, publication);
        chapter_details(&mut md, publication);
    }
    md
}

fn page_details(md: &mut String, publication: &PublicationDiff) {
    let name = &publication.name;
    let images: Vec<(&PageChange, String)> =
        publication.pages.iter().filter_map(|p| Some((p, p.image()?))).collect();
    for (page, image) in images.iter().take(MAX_IMAGES_SHOWN) {
        let what = page_title(page);
        let boxes = match page.regions {
            0 => String::new(),
            1 => "; the change boxed".to_string(),
            n => format!("; {n} changes boxed"),
        };
        let _ = write!(
            md,
            "\n**{name}, {what}** (old left, new right{boxes})\n\n![{name}, {what}]({name}/{image})\n"
        );
    }
    if images.len() > MAX_IMAGES_SHOWN {
        let more = images.len() - MAX_IMAGES_SHOWN;
        let _ = write!(md, "\n… and {more} more images in `{name}/`.\n");
    }
}

/// "page 4 changed", "page 5 added", "old page 6 removed".
fn page_title(page: &PageChange) -> String {
    let number = |n: Option<usize>| n.unwrap_or_default();
    match page.kind {
        PageKind::Changed => format!("page {} changed", number(page.new)),
        PageKind::Added => format!("page {} added", number(page.new)),
        PageKind::Removed => format!("old page {} removed", number(page.old)),
        PageKind::Moved => format!("page {} moved (was {})", number(page.new), number(page.old)),
    }
}

fn chapter_details(md: &mut String, publication: &PublicationDiff) {
    for chapter in &publication.chapters {
        let verb = match chapter.kind {
            ChapterKind::Changed => "changed",
            ChapterKind::Added => "added",
            ChapterKind::Removed => "removed",
        };
        let name = chapter_name(&chapter.file);
        let _ = write!(md, "\n**{}, EPUB chapter {name} {verb}**\n\n```diff\n", publication.name);
        let lines: Vec<String> = chapter.hunks.iter().flat_map(hunk_lines).collect();
        for line in lines.iter().take(MAX_PARAGRAPHS_SHOWN) {
            let _ = writeln!(md, "{line}");
        }
        md.push_str("```\n");
        if lines.len() > MAX_PARAGRAPHS_SHOWN {
            let _ = write!(md, "\n… and {} more paragraphs.\n", lines.len() - MAX_PARAGRAPHS_SHOWN);
        }
    }
}

/// A hunk as diff lines: `- old paragraph`, then `+ new paragraph`.
fn hunk_lines(hunk: &Hunk) -> Vec<String> {
    let old = hunk.old.iter().map(|p| format!("- {p}"));
    old.chain(hunk.new.iter().map(|p| format!("+ {p}"))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(kind: PageKind, old: Option<usize>, new: Option<usize>) -> PageChange {
        PageChange { kind, old, new, regions: 1 }
    }

    fn publication(pages: Vec<PageChange>) -> PublicationDiff {
        PublicationDiff {
            name: "lettre".into(),
            presence: Presence::Both,
            pages,
            one_sided: Vec::new(),
            chapters: Vec::new(),
        }
    }

    #[test]
    fn numbers_read_as_a_list_with_ranges() {
        assert_eq!(list(&[4]), "4");
        assert_eq!(list(&[3, 4]), "3 and 4");
        assert_eq!(list(&[2, 3, 4, 5, 7, 9]), "2–5, 7 and 9");
    }

    #[test]
    fn one_line_says_what_changed_added_removed_and_moved() {
        let changes = vec![
            page(PageKind::Changed, Some(3), Some(3)),
            page(PageKind::Changed, Some(4), Some(4)),
            page(PageKind::Added, None, Some(5)),
        ];
        assert_eq!(line(&publication(changes)), "lettre: pages 3 and 4 changed; page 5 added");
        let changes =
            vec![page(PageKind::Moved, Some(1), Some(2)), page(PageKind::Removed, Some(6), None)];
        assert_eq!(line(&publication(changes)), "lettre: old page 6 removed; page 2 moved (was 1)");
        assert_eq!(line(&publication(Vec::new())), "lettre: no change");
    }

    #[test]
    fn the_markdown_has_one_heading_a_line_per_publication_and_the_changes() {
        let mut changed = publication(vec![page(PageKind::Changed, Some(4), Some(4))]);
        changed.chapters.push(ChapterChange {
            file: "ch10-10-conference.xhtml".into(),
            kind: ChapterKind::Changed,
            hunks: vec![Hunk { old: vec!["Un mot.".into()], new: vec!["Un autre.".into()] }],
        });
        let same = PublicationDiff { name: "cahiers".into(), ..publication(Vec::new()) };
        let md = markdown("HEAD~1", "output", &[changed, same]);
        assert_eq!(
            md,
            "## presse diff: `HEAD~1` → `output`\n\n\
             - lettre: page 4 changed; EPUB: chapter 10-conference changed\n\
             - cahiers: no change\n\n\
             **lettre, page 4 changed** (old left, new right; the change boxed)\n\n\
             ![lettre, page 4 changed](lettre/page-004.png)\n\n\
             **lettre, EPUB chapter 10-conference changed**\n\n\
             ```diff\n- Un mot.\n+ Un autre.\n```\n"
        );
    }
}
