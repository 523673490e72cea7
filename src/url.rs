//! Addresses: which link schemes a reader may follow, external URLs made valid, and `%XX`
//! escapes in local paths decoded.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// The characters a URL keeps as written (RFC 3986's unreserved and reserved ones, and `%`, so
/// that escapes already written stay as they are); every other one is percent-encoded.
const KEPT_IN_URLS: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b':')
    .remove(b'/')
    .remove(b'?')
    .remove(b'#')
    .remove(b'@')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b'%');

/// Whether an external link may be followed from an edition: http(s), mailto and tel only,
/// however the scheme is disguised (case, spaces, control characters).
pub fn is_safe_url(url: &str) -> bool {
    let scheme: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .take_while(|c| *c != ':')
        .collect::<String>()
        .to_ascii_lowercase();
    url.contains(':') && ["http", "https", "mailto", "tel"].contains(&scheme.as_str())
}

/// The URL with characters outside RFC 3986 percent-encoded, or `None` when its host is
/// unusable.
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
    Some(utf8_percent_encode(url, KEPT_IN_URLS).to_string())
}

/// Decodes `%XX` escapes in a link or image path (invalid UTF-8 replaced).
pub fn percent_decode(text: &str) -> String {
    percent_decode_str(text).decode_utf8_lossy().into_owned()
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
    fn schemes_are_read_however_disguised() {
        assert!(is_safe_url("HTTPS://paris.fr") && is_safe_url("tel:+33142765555"));
        for url in ["javascript:x", " JaVa\tscript:x()", "file:///etc", "data:,x", "paris.fr"] {
            assert!(!is_safe_url(url), "{url}");
        }
    }

    #[test]
    fn escapes_in_paths_are_decoded() {
        assert_eq!(percent_decode("mon%20fichier.md"), "mon fichier.md");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%C3%A9t%C3%A9"), "été");
    }
}
