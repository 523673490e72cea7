//! The HTTP side of `presse serve`: a fixed pool of workers answering requests from the store,
//! and one thread writing the server-sent events of every open page.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::{Context, Result};
use tiny_http::{Method, Request, Server};

use super::route::{Refusal, Route, route};
use super::store::Store;

/// Threads answering requests: enough for a page loading its images, few enough that a storm
/// of requests waits in line rather than renders on every core at once.
const WORKERS: usize = 4;

/// Pages open at once that are told of each build; one more is refused (503).
const MAX_STREAMS: usize = 32;

/// How often an open page is sent a comment, so that a page closed is noticed and let go.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

const INDEX: &str = include_str!("index.html");
const SCRIPT: &str = include_str!("app.js");
const STYLE: &str = include_str!("app.css");

/// The pages following the builds: the writers of their event streams.
#[derive(Default)]
struct Streams {
    open: Mutex<Vec<Box<dyn Write + Send>>>,
}

/// Starts the workers and the events' thread, which serve `store` until the process ends.
pub fn start(server: Server, store: Arc<Store>) -> Result<()> {
    let (server, streams) = (Arc::new(server), Arc::new(Streams::default()));
    for index in 0..WORKERS {
        let (server, store, streams) = (server.clone(), store.clone(), streams.clone());
        std::thread::Builder::new()
            .name(format!("serve-{index}"))
            .spawn(move || {
                for request in server.incoming_requests() {
                    answer(request, &store, &streams);
                }
            })
            .context("cannot start the server's threads")?;
    }
    std::thread::Builder::new()
        .name("serve-events".into())
        .spawn(move || tell_each_build(&store, &streams))
        .context("cannot start the server's threads")?;
    Ok(())
}

/// Answers one request; a client gone before its answer is no error.
fn answer(request: Request, store: &Store, streams: &Streams) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        return send(request, Reply::status(405, "only GET and HEAD"));
    }
    let reply = match route(request.url()) {
        Ok(Route::Events) => return follow(request, store, streams),
        Ok(Route::Index) => Reply::text(INDEX, "text/html; charset=utf-8"),
        Ok(Route::Script) => Reply::text(SCRIPT, "text/javascript; charset=utf-8"),
        Ok(Route::Style) => Reply::text(STYLE, "text/css; charset=utf-8"),
        Ok(Route::State) => Reply::text(&store.state().to_string(), "application/json"),
        Ok(Route::Page { publication, hash }) => page(store, &publication, hash),
        Ok(Route::Epub { publication, path }) => epub_file(&request, store, &publication, &path),
        Err(Refusal::BadPath) => Reply::status(400, "bad path"),
        Err(Refusal::NotFound) => Reply::status(404, "not found"),
    };
    send(request, reply);
}

/// An answer, written by hand rather than by tiny_http so that it can close the connection:
/// tiny_http gives each open connection a thread of its own, and a browser keeps its
/// connections open; closed after each answer, they cannot hold threads.
struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Reply {
    /// A file of the page itself, checked again on every load.
    fn text(body: &str, kind: &str) -> Reply {
        let headers = vec![("Content-Type", kind.into()), ("Cache-Control", "no-store".into())];
        Reply { status: 200, headers, body: body.as_bytes().to_vec() }
    }

    fn status(status: u16, message: &str) -> Reply {
        let headers = vec![("Content-Type", "text/plain; charset=utf-8".into())];
        Reply { status, headers, body: message.as_bytes().to_vec() }
    }
}

/// Writes `reply` and closes the connection.
fn send(request: Request, reply: Reply) {
    let with_body = request.method() != &Method::Head;
    let mut writer = request.into_writer();
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\nConnection: close\r\n\r\n", reply.body.len()));
    let body: &[u8] = if with_body { &reply.body } else { &[] };
    let _ = writer.write_all(head.as_bytes()).and_then(|()| writer.write_all(body));
    let _ = writer.flush();
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        304 => "Not Modified",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// A page's PNG: its URL names its hash, so it never changes and is cached for good.
fn page(store: &Store, publication: &str, hash: u64) -> Reply {
    let png = store.pages(publication).and_then(|pages| pages.png(hash, &store.pngs));
    let Some(png) = png else { return Reply::status(404, "no such page (any more)") };
    let cache = "public, max-age=31536000, immutable";
    let headers = vec![("Content-Type", "image/png".into()), ("Cache-Control", cache.into())];
    Reply { status: 200, headers, body: png.to_vec() }
}

/// A file of an EPUB, revalidated on every use by its hash (`ETag`).
fn epub_file(request: &Request, store: &Store, publication: &str, path: &str) -> Reply {
    let Some(bytes) = store.book(publication).and_then(|book| book.file(path)) else {
        return Reply::status(404, "not found");
    };
    let tag = format!("\"{:016x}\"", xxhash_rust::xxh3::xxh3_64(&bytes));
    let cached = request.headers().iter().any(|h| h.field.equiv("If-None-Match") && h.value == tag);
    let (status, body) = if cached { (304, Vec::new()) } else { (200, bytes) };
    let headers = vec![
        ("Content-Type", content_type(path).into()),
        ("Cache-Control", "no-cache".into()),
        ("ETag", tag),
    ];
    Reply { status, headers, body }
}

/// The type of an EPUB's file, by its extension.
fn content_type(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map_or("", |(_, e)| e).to_ascii_lowercase();
    match extension.as_str() {
        "xhtml" => "application/xhtml+xml; charset=utf-8",
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "otf" => "font/otf",
        "ttf" => "font/ttf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// Opens an event stream for a page: the generation shown now, then one event per build.
fn follow(request: Request, store: &Store, streams: &Streams) {
    let mut open = streams.open.lock().unwrap_or_else(PoisonError::into_inner);
    if open.len() >= MAX_STREAMS {
        drop(open);
        return send(request, Reply::status(503, "too many pages open"));
    }
    let mut writer = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
                Connection: close\r\n\r\nretry: 500\n\n";
    let first = format!("{head}data: {}\n\n", store.generation());
    if writer.write_all(first.as_bytes()).and_then(|()| writer.flush()).is_ok() {
        open.push(writer);
    }
}

/// Sends every open page the generation after each build, and a comment now and then; a page
/// that cannot be written to any more is let go.
fn tell_each_build(store: &Store, streams: &Streams) {
    let mut seen = store.generation();
    loop {
        let now = store.wait_past(seen, KEEP_ALIVE);
        let message = if now > seen { format!("data: {now}\n\n") } else { ":\n\n".to_string() };
        seen = now;
        let mut open = streams.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.retain_mut(|writer| {
            writer.write_all(message.as_bytes()).and_then(|()| writer.flush()).is_ok()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_epub_file_is_sent_with_its_type() {
        assert_eq!(content_type("EPUB/text/ch01.xhtml"), "application/xhtml+xml; charset=utf-8");
        assert_eq!(content_type("EPUB/images/a.JPG"), "image/jpeg");
        assert_eq!(content_type("mimetype"), "application/octet-stream");
    }
}
