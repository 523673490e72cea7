//! SVG made safe for e-readers: the drawing rewritten from its parsed tree, without scripts,
//! event handlers, links to anything outside it (`javascript:` included) or embedded HTML, and
//! without the editors' private namespaces. What was left out is named, for a warning.

use std::fmt::Write;

use roxmltree::{Document, Node, NodeType, ParsingOptions};

use crate::xml::{allowed_chars, attr, text};

const SVG_NS: &str = "http://www.w3.org/2000/svg";
const XLINK_NS: &str = "http://www.w3.org/1999/xlink";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// The most nodes a drawing may have: a bound against entity expansion.
const MAX_NODES: u32 = 1_000_000;

/// Elements that run code or show another document: left out with all they hold.
const ACTIVE_ELEMENTS: [&str; 6] =
    ["script", "foreignObject", "handler", "listener", "iframe", "discard"];

/// Elements that animate an attribute: left out when they animate a link or a handler.
const ANIMATIONS: [&str; 3] = ["set", "animate", "animateTransform"];

/// Picture types an `<image>` may hold inline as `data:`.
const DATA_PICTURES: [&str; 5] =
    ["data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp", "data:image/jpg"];

/// A drawing rewritten, and what was left out of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cleaned {
    /// The drawing, as an XML document.
    pub svg: String,
    /// What was left out, each once, in the order met (`a script`, `the event handler
    /// onclick` …).
    pub dropped: Vec<String>,
}

/// Rewrites an SVG document; an error says why it is not one.
pub fn clean(text: &str) -> Result<Cleaned, String> {
    let options = ParsingOptions { allow_dtd: true, nodes_limit: MAX_NODES, ..Default::default() };
    let document = Document::parse_with_options(text.trim_start_matches('\u{feff}'), options)
        .map_err(|err| err.to_string())?;
    let root = document.root_element();
    if root.tag_name().name() != "svg" {
        return Err(format!("its root element is `{}`, not `svg`", root.tag_name().name()));
    }
    if root.tag_name().namespace().is_some_and(|ns| ns != SVG_NS) {
        return Err("its root element is not in the SVG namespace".into());
    }
    // A drawing without the SVG namespace is read as SVG, and written with it.
    let namespace = root.tag_name().namespace().map(str::to_string);
    let mut writer = Writer { out: String::new(), dropped: Vec::new(), namespace };
    writer.out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    for node in document.root().children() {
        match node.node_type() {
            NodeType::Element => writer.element(node, true),
            NodeType::PI => writer.drop(format!("the instruction <?{}?>", pi_name(node))),
            _ => {}
        }
    }
    writer.out.push('\n');
    Ok(Cleaned { svg: writer.out, dropped: writer.dropped })
}

fn pi_name(node: Node) -> String {
    node.pi().map_or(String::new(), |pi| pi.target.to_string())
}

struct Writer {
    out: String,
    dropped: Vec<String>,
    /// The drawing's namespace: SVG's, or none.
    namespace: Option<String>,
}

impl Writer {
    fn drop(&mut self, what: String) {
        if !self.dropped.contains(&what) {
            self.dropped.push(what);
        }
    }

    fn element(&mut self, node: Node, root: bool) {
        let name = node.tag_name().name();
        if node.tag_name().namespace() != self.namespace.as_deref() {
            // An editor's private data (Inkscape, RDF); HTML outside a foreignObject.
            if name.eq_ignore_ascii_case("script") {
                self.drop("a script".into());
            }
            return;
        }
        if ACTIVE_ELEMENTS.contains(&name) {
            let what = if name == "script" { "a script".into() } else { format!("a <{name}>") };
            return self.drop(what);
        }
        if ANIMATIONS.contains(&name) && animates_link(node) {
            return self.drop(format!("a <{name}> that changes a link or a handler"));
        }
        if name == "style" && !self.safe_style(&node_text(node)) {
            return;
        }
        let _ = write!(self.out, "<{name}");
        if root {
            self.out.push_str(" xmlns=\"http://www.w3.org/2000/svg\"");
            self.out.push_str(" xmlns:xlink=\"http://www.w3.org/1999/xlink\"");
        }
        for attribute in node.attributes() {
            self.attribute(name, attribute);
        }
        if !node.has_children() {
            self.out.push_str("/>");
            return;
        }
        self.out.push('>');
        let opened = self.out.len();
        for child in node.children() {
            match child.node_type() {
                NodeType::Element => self.element(child, false),
                NodeType::Text => self.out.push_str(&text(child.text().unwrap_or(""))),
                NodeType::PI => self.drop(format!("the instruction <?{}?>", pi_name(child))),
                _ => {}
            }
        }
        // Every child left out: an empty element, written as such, as a second cleaning would.
        if self.out.len() == opened {
            self.out.pop();
            self.out.push_str("/>");
            return;
        }
        let _ = write!(self.out, "</{name}>");
    }

    fn attribute(&mut self, element: &str, attribute: roxmltree::Attribute) {
        // Checked as it will be written: without the characters XML forbids, which a DTD's
        // entity may carry and which could otherwise hide a `url(` or a `javascript:`.
        let value = &allowed_chars(attribute.value());
        let name = attribute.name();
        let prefix = match attribute.namespace() {
            None => "",
            Some(XLINK_NS) => "xlink:",
            Some(XML_NS) => "xml:",
            // An editor's private attribute.
            Some(_) => return,
        };
        // Every name that begins with "on", as a browser might read a handler in it.
        if name.len() >= 2 && name.as_bytes()[..2].eq_ignore_ascii_case(b"on") {
            return self.drop(format!("the event handler {name}"));
        }
        if name == "href" && !safe_link(element, value) {
            return self.drop(format!("the link to {}", shorten(value)));
        }
        if runs_script(value) {
            return self.drop(format!("the script in {name}"));
        }
        if name == "style" && !self.safe_style(value) {
            return;
        }
        if name != "style" && !safe_urls(value) {
            return self.drop(format!("the outside reference in {name}"));
        }
        let _ = write!(self.out, " {prefix}{name}=\"{}\"", attr(value));
    }

    /// Whether CSS is kept: it imports nothing and refers to nothing outside the drawing.
    fn safe_style(&mut self, css: &str) -> bool {
        let lower = css.to_ascii_lowercase();
        if lower.contains("@import") {
            self.drop("a stylesheet import".into());
            return false;
        }
        if !safe_urls(css) || lower.contains("javascript:") || lower.contains("expression(") {
            self.drop("a style that refers outside the drawing".into());
            return false;
        }
        true
    }
}

/// Whether a value holds a script URL, however spaced (browsers ignore tabs and line breaks
/// inside a URL).
fn runs_script(value: &str) -> bool {
    let squeezed: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:text/html"].iter().any(|scheme| squeezed.contains(scheme))
}

/// Whether an animation element changes a link or an event handler.
fn animates_link(node: Node) -> bool {
    let target = node.attribute("attributeName").unwrap_or("").to_ascii_lowercase();
    target.ends_with("href") || target.starts_with("on")
}

/// Whether a link stays: to a part of the drawing; an `<a>` to the web or to an address;
/// an `<image>` holding its picture.
fn safe_link(element: &str, target: &str) -> bool {
    let target = target.trim();
    let lower = target.to_ascii_lowercase();
    if target.starts_with('#') {
        return true;
    }
    match element {
        "a" => ["https://", "http://", "mailto:"].iter().any(|scheme| lower.starts_with(scheme)),
        "image" | "feImage" => DATA_PICTURES.iter().any(|data| lower.starts_with(data)),
        _ => false,
    }
}

/// Whether every `url(…)` of a value points inside the drawing.
fn safe_urls(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    lower.match_indices("url(").all(|(at, _)| {
        let inside = lower[at + 4..].trim_start().trim_start_matches(['"', '\'']);
        inside.starts_with('#')
    })
}

/// All the text inside an element, as it will be written (without the characters XML forbids).
fn node_text(node: Node) -> String {
    let all: String = node.descendants().filter(|n| n.is_text()).filter_map(|n| n.text()).collect();
    allowed_chars(&all)
}

/// A link target short enough to quote in a warning.
fn shorten(target: &str) -> String {
    let target: String = target.chars().filter(|c| !c.is_control()).collect();
    match target.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &target[..at]),
        None => target,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = r##"<?xml version="1.0"?>
<?xml-stylesheet href="https://evil.example/x.css"?>
<!DOCTYPE svg [<!ENTITY who "Ville &amp; Paris">]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" viewBox="0 0 10 10"
     onload="alert(1)" inkscape:version="1.2">
  <script>alert(2)</script>
  <defs><linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient></defs>
  <a xlink:href="javascript:alert(3)"><rect fill="url(#g)" ONCLICK="alert(4)" width="5" height="5"/></a>
  <a href="https://www.paris.fr"><circle r="2"/></a>
  <image href="photo.png" width="1" height="1"/>
  <image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>
  <use xlink:href="other.svg#x"/>
  <use href="#g"/>
  <foreignObject><div xmlns="http://www.w3.org/1999/xhtml"><script>alert(5)</script></div></foreignObject>
  <style>@import url(https://evil.example/y.css); rect { stroke: black; }</style>
  <style>circle { fill: url( 'https://evil.example/p.png' ); }</style>
  <set attributeName="href" to="javascript:alert(6)"/>
  <text>&who; &lt; 3</text>
  <a xlink:href.="java&#9;script:alert(7)" data-x="vbscript:msgbox"/>
</svg>"##;

    #[test]
    fn nothing_active_or_outside_survives_and_the_drawing_stays() {
        let cleaned = clean(HOSTILE).unwrap();
        let svg = &cleaned.svg;
        roxmltree::Document::parse(svg).expect("well-formed");
        let lower = svg.to_ascii_lowercase();
        for gone in ["script", "onload", "onclick", "javascript", "photo.png", "other.svg"] {
            assert!(!lower.contains(gone), "{gone} left in:\n{svg}");
        }
        for gone in ["evil.example", "foreignobject", "<set", "inkscape", "xml-stylesheet"] {
            assert!(!lower.contains(gone), "{gone} left in:\n{svg}");
        }
        for kept in ["fill=\"url(#g)\"", "href=\"https://www.paris.fr\"", "data:image/png"] {
            assert!(svg.contains(kept), "{kept} lost:\n{svg}");
        }
        assert!(svg.contains("href=\"#g\"") && svg.contains("Ville &amp; Paris &lt; 3"), "{svg}");
        assert_eq!(
            cleaned.dropped,
            [
                "the instruction <?xml-stylesheet?>",
                "the event handler onload",
                "a script",
                "the link to javascript:alert(3)",
                "the event handler ONCLICK",
                "the link to photo.png",
                "the link to other.svg#x",
                "a <foreignObject>",
                "a stylesheet import",
                "a style that refers outside the drawing",
                "a <set> that changes a link or a handler",
                "the script in href.",
                "the script in data-x",
            ]
        );
    }

    #[test]
    fn a_clean_drawing_loses_nothing_and_a_foreign_root_is_refused() {
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"><g><path d=\"M0 0\"/></g></svg>";
        assert_eq!(clean(svg).unwrap().dropped, Vec::<String>::new());
        assert!(clean("<html/>").unwrap_err().contains("`html`"));
        assert!(clean("<svg").is_err());
        // An attribute name that begins with a character of several bytes (a fuzz finding).
        assert!(clean("<svg \u{feff}o=\"1\"><g/></svg>").is_ok());
        let bare = clean("<svg><rect width=\"1\"/></svg>").unwrap().svg;
        assert!(bare.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""), "{bare}");
        assert!(bare.contains("<rect width=\"1\"/>"), "{bare}");
    }
}
