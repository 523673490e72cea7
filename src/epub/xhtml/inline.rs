//! The inline content of a chapter's XHTML: text, emphasis, links, images, raw HTML and
//! footnotes.

use super::{Writer, plain, prose};
use crate::diag::Pos;
use crate::epub::sanitise::{Context, Sanitiser};
use crate::epub::xml::{attr, id_part, text};
use crate::model::{Block, BlockKind, Footnote, Image, Inline, InlineKind, LinkTarget, plain_text};
use crate::url::is_safe_url;

impl Writer<'_> {
    pub(super) fn inlines(&mut self, inlines: &[Inline]) {
        let (anchors, file) = (self.book.anchors, self.file);
        let resolve = |id: &str| anchors.href(id, file);
        let mut html = Sanitiser::new(Context::Inline, &resolve);
        for inline in inlines {
            match &inline.kind {
                InlineKind::Html(fragment) => {
                    html.feed(fragment);
                    self.out.push_str(&html.take_output());
                    self.note_dropped(inline.pos, html.take_dropped());
                }
                _ => self.inline(inline),
            }
        }
        self.out.push_str(&html.finish());
    }

    fn inline(&mut self, inline: &Inline) {
        match &inline.kind {
            InlineKind::Text(t) => self.out.push_str(&prose(t)),
            InlineKind::Emph(c) => self.wrap("em", c),
            InlineKind::Strong(c) => self.wrap("strong", c),
            InlineKind::Strike(c) => self.wrap("s", c),
            InlineKind::Super(c) => self.wrap("sup", c),
            InlineKind::Sub(c) => self.wrap("sub", c),
            InlineKind::Span { lang: Some(lang), content } => {
                let lang = attr(lang);
                self.out.push_str(&format!("<span lang=\"{lang}\" xml:lang=\"{lang}\">"));
                self.inlines(content);
                self.out.push_str("</span>");
            }
            InlineKind::Span { lang: None, content } => self.inlines(content),
            InlineKind::Code(code) => self.out.push_str(&format!("<code>{}</code>", text(code))),
            InlineKind::Link { target, title, content } => {
                self.link(target, title, content, inline.pos)
            }
            InlineKind::Image(image) => self.inline_image(image),
            InlineKind::NoteRef(label) => self.note_call(label),
            InlineKind::LineBreak => self.out.push_str("<br/>\n"),
            InlineKind::SoftBreak => self.out.push('\n'),
            InlineKind::Html(_) => {}
        }
    }

    fn link(&mut self, target: &LinkTarget, title: &str, content: &[Inline], pos: Pos) {
        let href = match target {
            LinkTarget::Url(url) if is_safe_url(url) => Some(url.clone()),
            LinkTarget::Url(url) => {
                self.warn(
                    pos,
                    "bad-url",
                    format!("the link `{url}` is left out of the EPUB"),
                    "link to http, https or mailto addresses",
                );
                None
            }
            LinkTarget::Anchor(id) => self.book.anchors.href(id, self.file),
            LinkTarget::Local(_) => None,
        };
        let Some(href) = href else {
            return self.inlines(content);
        };
        let title =
            if title.is_empty() { String::new() } else { format!(" title=\"{}\"", attr(title)) };
        self.out.push_str(&format!("<a href=\"{}\"{title}>", attr(&href)));
        if plain_text(content).trim().is_empty() && !content.iter().any(is_image) {
            // A link needs a name a reader can hear: its address, when it has no text.
            self.out.push_str(&text(&href));
        }
        self.inlines(content);
        self.out.push_str("</a>");
    }

    fn inline_image(&mut self, image: &Image) {
        match self.image_href(image) {
            Some(src) => self.out.push_str(&format!(
                "<img class=\"inline\" src=\"{}\" alt=\"{}\"/>",
                attr(&src),
                attr(&plain(&image.alt))
            )),
            None => self.out.push_str(&prose(&image.alt)),
        }
    }

    /// A footnote call: `noteref` to the note's `aside`, with an id unique across the book.
    fn note_call(&mut self, label: &str) {
        let Some(note) = self.chapter.notes.iter().find(|n| n.label == label) else {
            return self.out.push_str(&text(&format!("[^{label}]")));
        };
        let calls = self.note_calls.entry(label.to_string()).or_insert(0);
        *calls += 1;
        let id = note_id("fnref", &self.chapter.slug, note.number);
        let id = if *calls == 1 { id } else { format!("{id}-{calls}") };
        self.out.push_str(&format!(
            "<a class=\"noteref\" epub:type=\"noteref\" role=\"doc-noteref\" href=\"#{}\" id=\"{id}\">{}</a>",
            note_id("fn", &self.chapter.slug, note.number),
            note.number
        ));
    }

    /// A footnote at the chapter's end, its number linking back to the first call.
    pub(super) fn note(&mut self, note: &Footnote) {
        let slug = &self.chapter.slug;
        self.out.push_str(&format!(
            "<aside class=\"footnote\" epub:type=\"footnote\" role=\"doc-footnote\" id=\"{}\">\n",
            note_id("fn", slug, note.number)
        ));
        let back = format!(
            "<a class=\"note-back\" role=\"doc-backlink\" href=\"#{}\" title=\"{}\">{}.</a> ",
            note_id("fnref", slug, note.number),
            attr(self.labels.back),
            note.number
        );
        match note.blocks.split_first() {
            Some((Block { kind: BlockKind::Paragraph(inlines), .. }, rest)) => {
                self.out.push_str(&format!("<p>{back}"));
                self.inlines(inlines);
                self.out.push_str("</p>\n");
                self.blocks(rest);
            }
            _ => {
                self.out.push_str(&format!("<p>{back}</p>\n"));
                self.blocks(&note.blocks);
            }
        }
        self.out.push_str("</aside>\n");
    }
}

fn is_image(inline: &Inline) -> bool {
    matches!(inline.kind, InlineKind::Image(_))
}

/// A footnote or footnote-call id, unique across the book.
fn note_id(prefix: &str, slug: &str, number: u32) -> String {
    format!("{prefix}-{}-{number}", id_part(slug))
}
