//! The HTTP side of `presse serve`: a fixed pool of workers answering requests from the store,
//! and one thread writing the server-sent events of every open page.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::{Context, Result};
use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

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
        let _ = request.respond(Response::empty(405));
        return;
    }
    let response = match route(request.url()) {
        Ok(Route::Events) => return follow(request, store, streams),
        Ok(Route::Index) => text(INDEX, "text/html; charset=utf-8"),
        Ok(Route::Script) => text(SCRIPT, "text/javascript; charset=utf-8"),
        Ok(Route::Style) => text(STYLE, "text/css; charset=utf-8"),
        Ok(Route::State) => text(&store.state().to_string(), "application/json"),
        Ok(Route::Page { publication, hash }) => page(store, &publication, hash),
        Ok(Route::Epub { publication, path }) => epub_file(&request, store, &publication, &path),
        Err(Refusal::BadPath) => status(400, "bad path"),
        Err(Refusal::NotFound) => status(404, "not found"),
    };
    let _ = request.respond(response);
}

type Answer = Response<std::io::Cursor<Vec<u8>>>;

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a header of plain ASCII")
}

/// A file of the page itself, checked again on every load.
fn text(body: &str, kind: &str) -> Answer {
    Response::from_string(body)
        .with_header(header("Content-Type", kind))
        .with_header(header("Cache-Control", "no-store"))
}

fn status(code: u16, message: &str) -> Answer {
    Response::from_string(message).with_status_code(StatusCode(code))
}

/// A page's PNG: its URL names its hash, so it never changes and is cached for good.
fn page(store: &Store, publication: &str, hash: u64) -> Answer {
    let png = store.pages(publication).and_then(|pages| pages.png(hash, &store.pngs));
    let Some(png) = png else { return status(404, "no such page (any more)") };
    Response::from_data(png.as_slice())
        .with_header(header("Content-Type", "image/png"))
        .with_header(header("Cache-Control", "public, max-age=31536000, immutable"))
}

/// A file of an EPUB, revalidated on every use by its hash (`ETag`).
fn epub_file(request: &Request, store: &Store, publication: &str, path: &str) -> Answer {
    let book = store.book(publication);
    let Some(bytes) = book.as_ref().and_then(|book| book.file(path)) else {
        return status(404, "not found");
    };
    let tag = format!("\"{:016x}\"", xxhash_rust::xxh3::xxh3_64(bytes));
    let cached = request.headers().iter().any(|h| h.field.equiv("If-None-Match") && h.value == tag);
    let response = if cached { status(304, "") } else { Response::from_data(bytes) };
    response
        .with_header(header("Content-Type", content_type(path)))
        .with_header(header("Cache-Control", "no-cache"))
        .with_header(header("ETag", &tag))
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
        let _ = request.respond(status(503, "too many pages open"));
        return;
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
