//! HTML tags read from the raw HTML written in Markdown: their names and attributes.

/// One parsed tag.
#[derive(Debug, PartialEq)]
pub struct Tag {
    /// The element's name, lowercase.
    pub name: String,
    /// `</name>`.
    pub closing: bool,
    /// `<name/>`.
    pub self_closing: bool,
    /// Its attributes.
    pub attributes: Attributes,
}

/// Attribute names (lowercase) and raw values, in order.
pub type Attributes = Vec<(String, String)>;

/// Parses the tag at the start of `text`; `None` when it is not a tag (a lone `<`).
pub fn parse_tag(text: &str) -> Option<(Tag, &str)> {
    let (closing, body) = match text.strip_prefix("</") {
        Some(body) => (true, body),
        None => (false, &text[1..]),
    };
    if !body.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let name_end =
        body.find(|c: char| !c.is_ascii_alphanumeric() && c != '-').unwrap_or(body.len());
    let name = body[..name_end].to_ascii_lowercase();
    let (attributes, self_closing, after) = parse_attributes(&body[name_end..])?;
    Some((Tag { name, closing, self_closing, attributes }, after))
}

/// Attributes up to the closing `>`: (attributes, self-closing, the text after `>`).
fn parse_attributes(mut text: &str) -> Option<(Attributes, bool, &str)> {
    let mut attributes = Vec::new();
    let mut self_closing = false;
    loop {
        text = text.trim_start();
        if let Some(after) = text.strip_prefix('>') {
            return Some((attributes, self_closing, after));
        }
        if let Some(after) = text.strip_prefix('/') {
            self_closing = true;
            text = after;
            continue;
        }
        if text.is_empty() {
            return None;
        }
        self_closing = false;
        let end = text.find(|c: char| c.is_whitespace() || "=>/".contains(c)).unwrap_or(text.len());
        let key = text[..end].to_ascii_lowercase();
        text = text[end..].trim_start();
        let value = match text.strip_prefix('=') {
            Some(after) => {
                let (value, after) = attribute_value(after.trim_start())?;
                text = after;
                value
            }
            None => String::new(),
        };
        if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || "-_:".contains(c)) {
            attributes.push((key, value));
        }
    }
}

fn attribute_value(text: &str) -> Option<(String, &str)> {
    if let Some(quote) = text.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let inner = &text[1..];
        let end = inner.find(quote)?;
        return Some((inner[..end].to_string(), &inner[end + 1..]));
    }
    let end = text.find(|c: char| c.is_whitespace() || c == '>').unwrap_or(text.len());
    Some((text[..end].to_string(), &text[end..]))
}

/// Replaces character references (every named one of HTML, and numeric ones) by the
/// characters they stand for; a reference HTML does not know stays as written.
pub fn decode_entities(text: &str) -> String {
    html_escape::decode_html_entities(text).into_owned()
}

impl Tag {
    /// The value of an attribute, entities decoded.
    pub fn attribute(&self, name: &str) -> Option<String> {
        let value = self.attributes.iter().find(|(key, _)| key == name);
        value.map(|(_, value)| decode_entities(value))
    }
}
