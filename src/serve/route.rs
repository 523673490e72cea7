//! What a request's URL asks for, read strictly: a path of plain names, or a refusal, so that no
//! URL (`/../`, `%2e%2e`, `%2f`, a backslash, an absolute path) can name anything else.

use percent_encoding::percent_decode_str;

/// What a request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The page itself.
    Index,
    /// Its script.
    Script,
    /// Its style sheet.
    Style,
    /// What there is to show, as JSON.
    State,
    /// The stream of server-sent events telling the page that a build ended.
    Events,
    /// One PDF page as PNG, named by its hash.
    Page {
        /// The publication.
        publication: String,
        /// The page's hash.
        hash: u64,
    },
    /// One file of an EPUB (a chapter, its style sheet, an image).
    Epub {
        /// The publication.
        publication: String,
        /// The file's path inside the EPUB.
        path: String,
    },
}

/// Why a URL is not served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The URL is malformed or tries to leave what is served: 400.
    BadPath,
    /// Nothing is served under this name: 404.
    NotFound,
}

/// Reads the URL of a request (its path and query, as sent).
pub fn route(url: &str) -> Result<Route, Refusal> {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let Some(rest) = path.strip_prefix('/') else { return Err(Refusal::BadPath) };
    let segments = if rest.is_empty() { Vec::new() } else { decoded_segments(rest)? };
    let names: Vec<&str> = segments.iter().map(String::as_str).collect();
    match names.as_slice() {
        [] | ["index.html"] => Ok(Route::Index),
        ["app.js"] => Ok(Route::Script),
        ["app.css"] => Ok(Route::Style),
        ["api", "state"] => Ok(Route::State),
        ["events"] => Ok(Route::Events),
        ["pdf", publication, file] => page(publication, file),
        ["epub", publication, inside @ ..] if !inside.is_empty() => {
            Ok(Route::Epub { publication: publication.to_string(), path: inside.join("/") })
        }
        _ => Err(Refusal::NotFound),
    }
}

/// Each segment of a path, percent-decoded, or a refusal when one is empty, `.` or `..`, or
/// holds what a file name must not (a slash or a backslash once decoded, a NUL, a colon).
fn decoded_segments(path: &str) -> Result<Vec<String>, Refusal> {
    path.split('/')
        .map(|raw| {
            let segment = percent_decode_str(raw).decode_utf8().map_err(|_| Refusal::BadPath)?;
            let forbidden = |c: char| matches!(c, '/' | '\\' | '\0' | ':') || c.is_control();
            if matches!(&*segment, "" | "." | "..") || segment.contains(forbidden) {
                return Err(Refusal::BadPath);
            }
            Ok(segment.into_owned())
        })
        .collect()
}

/// `/pdf/<publication>/<hash>.png`: sixteen hexadecimal digits.
fn page(publication: &str, file: &str) -> Result<Route, Refusal> {
    let hex = file.strip_suffix(".png").filter(|hex| hex.len() == 16);
    let hash = hex.and_then(|hex| u64::from_str_radix(hex, 16).ok()).ok_or(Refusal::NotFound)?;
    Ok(Route::Page { publication: publication.to_string(), hash })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_its_files_and_what_it_shows_have_their_routes() {
        assert_eq!(route("/"), Ok(Route::Index));
        assert_eq!(route("/app.js?v=2"), Ok(Route::Script));
        assert_eq!(route("/api/state"), Ok(Route::State));
        let page = Route::Page { publication: "lettre".into(), hash: 0xab };
        assert_eq!(route("/pdf/lettre/00000000000000ab.png"), Ok(page));
        let chapter =
            Route::Epub { publication: "été".into(), path: "EPUB/text/ch1.xhtml".into() };
        assert_eq!(route("/epub/%C3%A9t%C3%A9/EPUB/text/ch1.xhtml?v=1"), Ok(chapter));
    }

    #[test]
    fn a_path_that_could_leave_what_is_served_is_refused() {
        for url in [
            "/../etc/passwd",
            "/epub/lettre/../../secret",
            "/epub/lettre/%2e%2e/%2E%2E/secret",
            "/epub/lettre/a%2fb",
            "/epub/lettre/a%5cb",
            "/epub/lettre/a\\b",
            "/epub/lettre/./a",
            "/epub//etc/passwd",
            "//etc/passwd",
            "http://elsewhere/",
            "/epub/lettre/C:%5cwindows",
            "/epub/lettre/a%00b",
            "/epub/lettre/%ff",
            "",
        ] {
            assert_eq!(route(url), Err(Refusal::BadPath), "{url}");
        }
    }

    #[test]
    fn an_unknown_name_or_a_malformed_page_is_not_found() {
        for url in
            ["/secret.txt", "/pdf/lettre/12.png", "/pdf/lettre/zzzzzzzzzzzzzzzz.png", "/epub"]
        {
            assert_eq!(route(url), Err(Refusal::NotFound), "{url}");
        }
    }
}
