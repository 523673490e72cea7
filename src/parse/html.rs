//! Raw HTML that has a clear meaning, read as model content: in a paragraph `<sup>`, `<sub>`,
//! `<kbd>`, `<b>`, `<i>`, `<a href>`, `<span lang>`, `<abbr>`, `<br>`, `<img>`; as a block, an
//! `<img>` alone (in a `<p>`, a `<div>`, or a `<figure>` with its `<figcaption>`). Any other raw
//! HTML stays raw.

use super::link_target;
use crate::diag::Pos;
use crate::html::{Tag, decode_entities, parse_tag};
use crate::model::{BlockKind, Image, Inline, InlineKind, plain_text};

/// The elements that hold text and become model inlines (or a plain span of it).
const CONTAINERS: [&str; 22] = [
    "sup", "sub", "b", "strong", "i", "em", "s", "del", "strike", "kbd", "code", "samp", "a",
    "span", "abbr", "small", "mark", "u", "cite", "q", "ins", "dfn",
];

/// The elements around a lone image in an HTML block.
const FIGURE_WRAPPERS: [&str; 6] = ["p", "div", "figure", "center", "a", "picture"];

/// The inlines with the raw HTML elements that have a meaning made into model inlines; an
/// element left open, or one of another kind, stays raw.
pub fn nest(inlines: Vec<Inline>) -> Vec<Inline> {
    // The elements open, each with its opening inline and the inlines before it.
    let mut open: Vec<(Tag, Inline, Vec<Inline>)> = Vec::new();
    let mut current = Vec::new();
    for inline in inlines {
        let InlineKind::Html(fragment) = &inline.kind else {
            current.push(inline);
            continue;
        };
        match one_tag(fragment) {
            Some(tag) if !tag.closing && tag.name == "br" => {
                current.push(Inline::new(inline.pos, InlineKind::LineBreak))
            }
            Some(tag) if !tag.closing && tag.name == "img" => match image(&tag) {
                Some(image) => current.push(Inline::new(inline.pos, InlineKind::Image(image))),
                None => current.push(inline),
            },
            Some(tag) if !tag.closing && !tag.self_closing && is_container(&tag) => {
                open.push((tag, inline, std::mem::take(&mut current)))
            }
            Some(tag) if tag.closing && open.last().is_some_and(|(o, ..)| o.name == tag.name) => {
                let (tag, opening, before) = open.pop().expect("an open element");
                let content = std::mem::replace(&mut current, before);
                current.push(Inline::new(opening.pos, element(&tag, content)));
            }
            _ => current.push(inline),
        }
    }
    // Elements never closed stay as written.
    while let Some((_, opening, mut before)) = open.pop() {
        before.push(opening);
        before.append(&mut current);
        current = before;
    }
    current
}

/// The tag a fragment of inline HTML is, when it is exactly one tag.
fn one_tag(fragment: &str) -> Option<Tag> {
    let (tag, rest) = parse_tag(fragment)?;
    rest.trim().is_empty().then_some(tag)
}

fn is_container(tag: &Tag) -> bool {
    CONTAINERS.contains(&tag.name.as_str())
}

/// The inline an element holding `content` stands for.
fn element(tag: &Tag, content: Vec<Inline>) -> InlineKind {
    match tag.name.as_str() {
        "sup" => InlineKind::Super(content),
        "sub" => InlineKind::Sub(content),
        "b" | "strong" => InlineKind::Strong(content),
        "i" | "em" => InlineKind::Emph(content),
        "s" | "del" | "strike" => InlineKind::Strike(content),
        "kbd" | "code" | "samp" => InlineKind::Code(plain_text(&content)),
        "a" => match tag.attribute("href").filter(|href| !href.trim().is_empty()) {
            Some(href) => InlineKind::Link {
                target: link_target(href.trim()),
                title: tag.attribute("title").unwrap_or_default(),
                content,
            },
            None => InlineKind::Span { lang: None, content },
        },
        _ => InlineKind::Span { lang: tag.attribute("lang"), content },
    }
}

/// The image an `<img>` tag shows, when it names its source.
fn image(tag: &Tag) -> Option<Image> {
    let src = tag.attribute("src").filter(|src| !src.trim().is_empty())?;
    Some(Image {
        src: src.trim().to_string(),
        path: None,
        format: None,
        alt: tag.attribute("alt").unwrap_or_default(),
        title: tag.attribute("title").unwrap_or_default(),
        credit: None,
        unknown_attributes: Vec::new(),
    })
}

/// A figure, when a block of HTML is one `<img>` and what wraps it: the `<figcaption>` is its
/// caption, else its title or alternative text (as for a Markdown image alone).
pub fn figure(html: &str, pos: Pos) -> Option<BlockKind> {
    let (mut found, mut caption, mut in_caption) = (None, String::new(), false);
    let mut rest = html;
    loop {
        let start = rest.find('<').unwrap_or(rest.len());
        if !text_allowed(&rest[..start], in_caption, &mut caption) {
            return None;
        }
        if start == rest.len() {
            break;
        }
        let (tag, after) = parse_tag(&rest[start..])?;
        match tag.name.as_str() {
            "img" if !tag.closing && found.is_none() => found = Some(image(&tag)?),
            "figcaption" => in_caption = !tag.closing,
            name if FIGURE_WRAPPERS.contains(&name) => {}
            _ => return None,
        }
        rest = after;
    }
    finish(found, caption, pos)
}

/// Whether text between tags may stand there (white space, or a caption's words).
fn text_allowed(text: &str, in_caption: bool, caption: &mut String) -> bool {
    if in_caption {
        caption.push_str(&decode_entities(text));
        return true;
    }
    text.trim().is_empty()
}

fn finish(found: Option<Image>, caption: String, pos: Pos) -> Option<BlockKind> {
    let image = found?;
    let caption = match caption.split_whitespace().collect::<Vec<_>>().join(" ") {
        written if !written.is_empty() => written,
        _ if !image.title.trim().is_empty() => image.title.trim().to_string(),
        _ => image.alt.clone(),
    };
    let caption = vec![Inline::new(pos, InlineKind::Text(caption))];
    Some(BlockKind::Figure { image, caption })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(fragment: &str) -> Inline {
        Inline::new(Pos::new(1, 1), InlineKind::Html(fragment.into()))
    }

    fn text(t: &str) -> Inline {
        Inline::new(Pos::new(1, 1), InlineKind::Text(t.into()))
    }

    #[test]
    fn elements_with_a_meaning_become_inlines() {
        let nested = nest(vec![
            text("CO"),
            html("<sub>"),
            text("2"),
            html("</sub>"),
            html("<br/>"),
            html("<span lang=\"en\">"),
            text("open "),
            html("<kbd>"),
            text("data"),
            html("</kbd>"),
            html("</span>"),
        ]);
        let kinds: Vec<&InlineKind> = nested.iter().map(|i| &i.kind).collect();
        assert!(matches!(kinds[1], InlineKind::Sub(c) if plain_text(c) == "2"), "{kinds:?}");
        assert!(matches!(kinds[2], InlineKind::LineBreak), "{kinds:?}");
        let InlineKind::Span { lang, content } = kinds[3] else { panic!("{kinds:?}") };
        assert_eq!(lang.as_deref(), Some("en"));
        assert!(matches!(&content[1].kind, InlineKind::Code(c) if c == "data"), "{content:?}");
    }

    #[test]
    fn links_and_images_are_read_from_their_tags() {
        let nested = nest(vec![
            html("<a href=\"2-suite.html\" title=\"La suite\">"),
            text("suite"),
            html("</a>"),
            html("<img src=\"images/a.png\" alt=\"Une &eacute;cole\">"),
        ]);
        assert!(matches!(&nested[0].kind, InlineKind::Link { title, .. } if title == "La suite"));
        let InlineKind::Image(image) = &nested[1].kind else { panic!("{nested:?}") };
        assert_eq!((image.src.as_str(), image.alt.as_str()), ("images/a.png", "Une école"));
    }

    #[test]
    fn elements_left_open_or_unknown_stay_raw() {
        let nested = nest(vec![html("<sup>"), text("x"), html("<blink>"), html("</blink>")]);
        let raw = nested.iter().filter(|i| matches!(i.kind, InlineKind::Html(_))).count();
        assert_eq!(raw, 3, "{nested:?}");
    }

    #[test]
    fn a_lone_image_block_is_a_figure_with_its_caption() {
        let pos = Pos::new(1, 1);
        let got = figure(
            "<figure>\n<img src=\"a.png\" alt=\"Vue\">\n<figcaption>La &laquo; vue &raquo;</figcaption>\n</figure>\n",
            pos,
        );
        let Some(BlockKind::Figure { image, caption }) = got else { panic!("{got:?}") };
        assert_eq!((image.src.as_str(), plain_text(&caption).as_str()), ("a.png", "La « vue »"));
        let got = figure(
            "<img alt=\"String in memory\" src=\"img/trpl04-01.svg\" class=\"center\" />\n",
            pos,
        );
        assert!(
            matches!(got, Some(BlockKind::Figure { caption, .. }) if plain_text(&caption) == "String in memory")
        );
        assert!(figure("<div>du texte <img src=\"a.png\"></div>", pos).is_none());
        assert!(figure("<table><tr><td><img src=\"a.png\"></td></tr></table>", pos).is_none());
    }
}
