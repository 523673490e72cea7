//! External link targets made valid URLs: unsafe characters percent-encoded, unusable ones
//! reported and turned back into plain text, so that both editions carry the same links.

use crate::diag::{Diagnostic, Diagnostics, Warned};
use crate::model::{InlineKind, LinkTarget, Publication};
use crate::url::{is_safe_url, normalise};

/// Normalises every external URL; a URL that cannot be one keeps its text without a link.
pub fn run(mut publication: Publication) -> Warned<Publication> {
    let mut diagnostics = Diagnostics::default();
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
    Warned::new(publication, diagnostics)
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

#[cfg(test)]
mod tests {
    use super::*;

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
