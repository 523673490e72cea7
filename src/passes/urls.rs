//! External link targets made valid URLs: unsafe characters percent-encoded, unusable ones
//! reported and turned back into plain text, so that both editions carry the same links.

use crate::diag::{Diagnostic, Diagnostics};
use crate::epub::sanitise::is_safe_url;
use crate::model::{InlineKind, LinkTarget, Publication};

/// Normalises every external URL; a URL that cannot be one keeps its text without a link.
pub fn run(mut publication: Publication, diagnostics: &mut Diagnostics) -> Publication {
    for chapter in &mut publication.chapters {
        let path = chapter.path.clone();
        chapter.visit_inlines_mut(&mut |inline| {
            let InlineKind::Link { target, .. } = &mut inline.kind else { return };
            let LinkTarget::Url(url) = target else { return };
            match usable(url) {
                Ok(valid) => *url = valid,
                Err((message, hint)) => {
                    diagnostics.push(
                        Diagnostic::warning(&path, inline.pos, message)
                            .with_code("bad-url")
                            .with_hint(hint),
                    );
                    *target = LinkTarget::Local(url.clone());
                }
            }
        });
    }
    publication
}

/// The URL made valid, or why neither edition may link to it: only web and e-mail addresses
/// are kept, so that no `file:`, `javascript:` or other local link reaches a reader.
fn usable(url: &str) -> Result<String, (String, &'static str)> {
    if !is_safe_url(url) {
        return Err((
            format!("the link `{url}` is not a web or e-mail address"),
            "link to http, https, mailto or tel addresses; the text is kept without a link",
        ));
    }
    normalise(url).ok_or_else(|| {
        (
            format!("`{url}` is not a usable link"),
            "write a full address such as https://www.paris.fr/; the text is kept without a link",
        )
    })
}

/// The URL with characters outside RFC 3986 percent-encoded, or `None` when its host is unusable.
pub fn normalise(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once(':')?;
    if matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") {
        let authority = rest.strip_prefix("//")?;
        let host = authority.split(['/', '?', '#']).next()?;
        let host = host.rsplit('@').next()?.split(':').next()?;
        let labels_ok = host.split('.').all(|label| {
            !label.is_empty() && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
        if host.is_empty() || !labels_ok {
            return None;
        }
    }
    Some(encode(url))
}

/// Percent-encodes every character that may not appear in a URL; `%` stays as written.
fn encode(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if c.is_ascii_alphanumeric() || "-._~:/?#@!$&'()*+,;=%".contains(c) {
            out.push(c);
        } else {
            let mut bytes = [0; 4];
            for byte in c.encode_utf8(&mut bytes).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_encoded_or_refused() {
        assert_eq!(normalise("https://paris.fr/a b").as_deref(), Some("https://paris.fr/a%20b"));
        assert_eq!(
            normalise("https://example.com?find=\\*").as_deref(),
            Some("https://example.com?find=%5C*")
        );
        assert_eq!(
            normalise("https://example.com/?search=](uri)").as_deref(),
            Some("https://example.com/?search=%5D(uri)")
        );
        assert_eq!(
            normalise("https://fr.wikipedia.org/wiki/Île-de-France").as_deref(),
            Some("https://fr.wikipedia.org/wiki/%C3%8Ele-de-France")
        );
        assert_eq!(normalise("mailto:foo@bar.example").as_deref(), Some("mailto:foo@bar.example"));
        assert_eq!(normalise("https://../"), None);
        assert_eq!(normalise("http://"), None);
    }

    #[test]
    fn only_web_and_mail_links_are_usable() {
        assert_eq!(usable("tel:+33142765555").as_deref(), Ok("tel:+33142765555"));
        for url in
            ["file:///etc/passwd", "javascript:alert(1)", " JavaScript:x", "data:text/html,x"]
        {
            let (message, _) = usable(url).unwrap_err();
            assert!(message.contains("not a web or e-mail address"), "{url}: {message}");
        }
    }
}
