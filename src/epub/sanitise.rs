//! Raw HTML from the Markdown made into well-formed, script-free XHTML through a small allow-list.
//!
//! Allowed elements keep allowed attributes; other tags are dropped (their text stays), and
//! `script`, `style` and other active elements are dropped with their content. Every element
//! opened is closed, stray closing tags are dropped, and what was dropped is reported.

use super::xml;
use crate::html::{Tag, decode_entities, parse_tag};
use crate::url::is_safe_url;

/// Where the HTML stands: between blocks (flow content) or inside a paragraph (phrasing only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Between blocks: flow and phrasing elements.
    Block,
    /// Inside a paragraph, heading or cell: phrasing elements only.
    Inline,
}

const PHRASING: [&str; 28] = [
    "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "del", "dfn", "em", "i", "ins",
    "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
    "wbr",
];
const FLOW: [&str; 30] = [
    "address",
    "aside",
    "blockquote",
    "caption",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
];
const MORE_FLOW: [&str; 2] = ["tr", "ul"];
/// Flow elements whose content is phrasing only.
const PHRASING_CONTAINERS: [&str; 8] = ["p", "h1", "h2", "h3", "h4", "h5", "h6", "pre"];
const VOID: [&str; 3] = ["br", "hr", "wbr"];
/// Elements dropped together with everything inside them.
const ACTIVE: [&str; 12] = [
    "script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math",
    "textarea", "select", "frameset",
];
const GLOBAL_ATTRIBUTES: [&str; 4] = ["class", "title", "lang", "dir"];

/// A sanitiser that can be fed HTML in pieces (inline HTML comes one tag at a time).
pub struct Sanitiser<'a> {
    context: Context,
    open: Vec<String>,
    skipping: Option<String>,
    out: String,
    dropped: Vec<String>,
    /// Elements whose opening tag was dropped: their closing tags go silently.
    dropped_open: Vec<String>,
    resolve_fragment: &'a dyn Fn(&str) -> Option<String>,
}

impl<'a> Sanitiser<'a> {
    /// A sanitiser for one context; `resolve_fragment` maps `#id` links to the right file.
    pub fn new(context: Context, resolve_fragment: &'a dyn Fn(&str) -> Option<String>) -> Self {
        Sanitiser {
            context,
            open: Vec::new(),
            skipping: None,
            out: String::new(),
            dropped: Vec::new(),
            dropped_open: Vec::new(),
            resolve_fragment,
        }
    }

    /// Sanitises one piece of HTML, appending to the output.
    pub fn feed(&mut self, html: &str) {
        let mut rest = html;
        while let Some(start) = rest.find('<') {
            self.push_text(&rest[..start]);
            rest = self.markup(&rest[start..]);
        }
        self.push_text(rest);
    }

    /// The XHTML written since the last call.
    pub fn take_output(&mut self) -> String {
        std::mem::take(&mut self.out)
    }

    /// What was dropped since the last call, for warnings.
    pub fn take_dropped(&mut self) -> Vec<String> {
        std::mem::take(&mut self.dropped)
    }

    /// Closes every element still open; returns the last output.
    pub fn finish(&mut self) -> String {
        while let Some(name) = self.open.pop() {
            self.out.push_str(&format!("</{name}>"));
        }
        self.skipping = None;
        self.take_output()
    }

    fn push_text(&mut self, text: &str) {
        if self.skipping.is_none() {
            self.out.push_str(&xml::text(&decode_entities(text)));
        }
    }

    /// Handles the markup at the start of `rest` (which starts with `<`); returns what follows.
    fn markup<'t>(&mut self, rest: &'t str) -> &'t str {
        if let Some(after) = rest.strip_prefix("<!--") {
            return after.find("-->").map_or("", |end| &after[end + 3..]);
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            return rest.find('>').map_or("", |end| &rest[end + 1..]);
        }
        match parse_tag(rest) {
            Some((tag, after)) => {
                self.tag(tag);
                after
            }
            None => {
                self.push_text("<");
                &rest[1..]
            }
        }
    }

    fn tag(&mut self, tag: Tag) {
        if let Some(skipped) = &self.skipping {
            if tag.closing && &tag.name == skipped {
                self.skipping = None;
            }
            return;
        }
        if tag.closing {
            self.close(&tag.name);
        } else if ACTIVE.contains(&tag.name.as_str()) {
            self.dropped.push(format!("<{}> and its content", tag.name));
            if !tag.self_closing {
                self.skipping = Some(tag.name);
            }
        } else if self.allows(&tag.name) {
            self.open_element(tag);
        } else {
            self.dropped.push(format!("<{}>", tag.name));
            if !tag.self_closing {
                self.dropped_open.push(tag.name);
            }
        }
    }

    /// Whether an element may open here, by the allow-list and the content model.
    fn allows(&self, name: &str) -> bool {
        if PHRASING.contains(&name) {
            return true;
        }
        let flow = FLOW.contains(&name) || MORE_FLOW.contains(&name);
        let inside_phrasing = self.open.iter().any(|open| {
            PHRASING.contains(&open.as_str()) || PHRASING_CONTAINERS.contains(&open.as_str())
        });
        flow && self.context == Context::Block && !inside_phrasing && self.has_parent_for(name)
    }

    /// Table parts, list items and definition parts open only inside their own parents.
    fn has_parent_for(&self, name: &str) -> bool {
        let parents: &[&str] = match name {
            "tr" => &["table", "thead", "tbody", "tfoot"],
            "td" | "th" => &["tr"],
            "thead" | "tbody" | "tfoot" | "caption" => &["table"],
            "li" => &["ul", "ol"],
            "dt" | "dd" => &["dl"],
            _ => return true,
        };
        self.open.last().is_some_and(|open| parents.contains(&open.as_str()))
    }

    fn open_element(&mut self, tag: Tag) {
        let mut written = format!("<{}", tag.name);
        for (key, value) in &tag.attributes {
            match self.attribute(&tag.name, key, value) {
                Some(value) => written.push_str(&format!(" {key}=\"{}\"", xml::attr(&value))),
                None => self.dropped.push(format!("the attribute `{key}` of <{}>", tag.name)),
            }
        }
        if VOID.contains(&tag.name.as_str()) {
            written.push_str("/>");
        } else {
            written.push('>');
            self.open.push(tag.name);
        }
        self.out.push_str(&written);
    }

    /// The value to write for an attribute, or `None` to drop it.
    fn attribute(&self, element: &str, key: &str, value: &str) -> Option<String> {
        let value = decode_entities(value);
        match (element, key) {
            (_, k) if GLOBAL_ATTRIBUTES.contains(&k) => Some(value),
            ("a", "href") => self.href(&value),
            ("td" | "th", "colspan" | "rowspan") | ("ol", "start") => {
                value.trim().parse::<u32>().ok().map(|n| n.to_string())
            }
            ("time", "datetime") | ("data", "value") | ("abbr", "title") => Some(value),
            _ => None,
        }
    }

    fn href(&self, value: &str) -> Option<String> {
        let value = value.trim();
        match value.strip_prefix('#') {
            Some(fragment) => (self.resolve_fragment)(fragment),
            None => is_safe_url(value).then(|| value.to_string()),
        }
    }

    fn close(&mut self, name: &str) {
        match self.open.iter().rposition(|open| open == name) {
            Some(index) => {
                while self.open.len() > index {
                    let open = self.open.pop().unwrap_or_default();
                    self.out.push_str(&format!("</{open}>"));
                }
            }
            None if VOID.contains(&name) => {}
            None => match self.dropped_open.iter().rposition(|dropped| dropped == name) {
                Some(index) => {
                    self.dropped_open.remove(index);
                }
                None => self.dropped.push(format!("the unmatched </{name}>")),
            },
        }
    }
}

/// Sanitises a whole piece of HTML: the XHTML and what was dropped.
pub fn sanitise(
    html: &str,
    context: Context,
    resolve_fragment: &dyn Fn(&str) -> Option<String>,
) -> (String, Vec<String>) {
    let mut sanitiser = Sanitiser::new(context, resolve_fragment);
    sanitiser.feed(html);
    let mut out = sanitiser.take_output();
    out.push_str(&sanitiser.finish());
    (out, sanitiser.take_dropped())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(html: &str, context: Context) -> (String, Vec<String>) {
        let resolve = |id: &str| (id == "known").then(|| "ch02.xhtml#known".to_string());
        sanitise(html, context, &resolve)
    }

    fn assert_well_formed(xhtml: &str) {
        let wrapped = format!("<div xmlns=\"http://www.w3.org/1999/xhtml\">{xhtml}</div>");
        if let Err(err) = roxmltree::Document::parse(&wrapped) {
            panic!("not well-formed ({err}): {xhtml}");
        }
    }

    #[test]
    fn table_parts_and_list_items_need_their_parents() {
        let (out, dropped) = clean("<tr><td>a</td></tr><li>b</li>", Context::Block);
        assert_eq!(out, "ab");
        assert!(dropped.iter().any(|d| d.contains("<tr>")), "{dropped:?}");
        let (out, _) =
            clean("<table><tr><td>a</td></tr></table><ul><li>b</li></ul>", Context::Block);
        assert_eq!(out, "<table><tr><td>a</td></tr></table><ul><li>b</li></ul>");
    }

    #[test]
    fn scripts_and_event_handlers_never_pass() {
        let (out, dropped) = clean(
            "<p onclick=\"steal()\">hi<script>alert(1)</script> <a href=\" JaVa\tscript:x()\">x</a></p>",
            Context::Block,
        );
        assert_eq!(out, "<p>hi <a>x</a></p>");
        assert_eq!(dropped.len(), 3, "{dropped:?}");
        assert_well_formed(&out);
    }

    #[test]
    fn unmatched_and_unknown_tags_are_balanced() {
        let (out, dropped) =
            clean("<div><em>a</div></strong><blink>b</blink> c < d", Context::Block);
        assert_eq!(out, "<div><em>a</em></div>b c &lt; d");
        assert!(dropped.iter().any(|d| d.contains("</strong>")), "{dropped:?}");
        assert_well_formed(&out);
    }

    #[test]
    fn inline_context_keeps_phrasing_only_and_resolves_fragments() {
        let (out, _) = clean(
            "<div><span class=x>a</span><a href='#known'>k</a><a href='#gone'>g</a>",
            Context::Inline,
        );
        assert_eq!(out, "<span class=\"x\">a</span><a href=\"ch02.xhtml#known\">k</a><a>g</a>");
    }

    #[test]
    fn entities_become_characters_and_voids_close_themselves() {
        let (out, _) = clean("a&nbsp;b &eacute;&#233;&#xE9; &unknown; ]]> <br>", Context::Inline);
        assert_eq!(out, "a\u{A0}b ééé &amp;unknown; ]]&gt; <br/>");
        let (out, _) =
            clean("<span title=\"for&ecirc;t &oelig;uvre\">&Ccedil;a</span>", Context::Inline);
        assert_eq!(out, "<span title=\"forêt œuvre\">Ça</span>");
    }

    #[test]
    fn hostile_input_is_always_well_formed() {
        let inputs = [
            "<p title='\"><x'>t</p",
            "<a href=\"http://x\" href2=<>>",
            "<<<>>> &#0; &#xD800; \u{1}\u{B}",
            "<style>p{}</style><svg><script>x</script></svg>ok",
            "<table><tr><td>1<td>2</table></tr>",
            "<!-- unterminated",
            "<p =\"x\" ==== a=\"b\">",
        ];
        for input in inputs {
            for context in [Context::Block, Context::Inline] {
                assert_well_formed(&clean(input, context).0);
            }
        }
    }
}
