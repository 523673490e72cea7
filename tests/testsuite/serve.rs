//! `presse serve` with the real binary: a real browser (headless Chromium, driven by puppeteer
//! through `serve.js`) sees the pages and the findings and follows an edit; paths that try to
//! leave what is served are refused; a storm of requests leaves the server's memory flat.

use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::validators::{tool, tools, tools_dir};
use common::{Running, manifest, png, project};

/// A publication `p` of two chapters, the first with a broken link (a finding); `secret.txt` at
/// the root, which nothing may serve.
fn publication() -> tempfile::TempDir {
    let png = png(400, 300);
    project(&[
        ("sources/p/publication.toml", &manifest("")),
        (
            "sources/p/01.md",
            "# Premier\n\n![Vue](images/vue.png)\n\nVoir [ailleurs](#nulle-part).\n".as_bytes(),
        ),
        ("sources/p/02.md", "# Second\n\nUn autre paragraphe.\n".as_bytes()),
        ("sources/p/images/vue.png", &png),
        ("secret.txt", b"SECRET-MARKER"),
    ])
}

/// `presse serve` on `root`, on a free port, once its first build is done; and its address.
fn serving(root: &Path) -> (Running, String) {
    let mut serve = Running::start(&["serve", "--root", root.to_str().unwrap(), "--port", "0"]);
    let said = serve.wait_for("serving http://");
    let address = said.last().unwrap()["serving http://".len()..].split('/').next().unwrap();
    let address = address.to_string();
    serve.wait_for("built p in ");
    // The build's line comes before the page is told of it.
    let started = std::time::Instant::now();
    while state(&address)["generation"].as_u64() < Some(1) {
        assert!(started.elapsed() < common::PATIENCE, "the first build is never shown");
        std::thread::sleep(Duration::from_millis(20));
    }
    (serve, address)
}

/// One request for `path`, sent as it is (no normalisation): the status and the body.
fn get(address: &str, path: &str) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(address).expect("the server accepts");
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("the server answers");
    let head_end = answer.windows(4).position(|w| w == b"\r\n\r\n").expect("an HTTP head");
    let head = String::from_utf8_lossy(&answer[..head_end]).into_owned();
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status");
    (status, answer[head_end + 4..].to_vec())
}

fn state(address: &str) -> serde_json::Value {
    let (status, body) = get(address, "/api/state");
    assert_eq!(status, 200);
    serde_json::from_slice(&body).expect("the state is JSON")
}

/// The first URL of `key` (`pages`, `chapters`) of the first publication.
fn first_url(state: &serde_json::Value, key: &str) -> String {
    let first = &state["publications"][0][key][0];
    first.get("url").unwrap_or(first).as_str().expect("a URL").to_string()
}

/// What the browser saw, one snapshot (see serve.js).
fn snapshot(lines: &mut impl BufRead) -> serde_json::Value {
    let mut line = String::new();
    lines.read_line(&mut line).expect("serve.js answers");
    serde_json::from_str(&line).unwrap_or_else(|_| panic!("serve.js said: {line:?}"))
}

fn strings(value: &serde_json::Value) -> Vec<String> {
    let items = value.as_array().expect("a list");
    items.iter().map(|v| v.as_str().unwrap().to_string()).collect()
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as i64
}

#[test]
fn a_browser_sees_the_pages_and_findings_then_each_rebuild_within_two_seconds() {
    let dir = publication();
    let (mut serve, address) = serving(dir.path());
    let tools = tools();
    let mut browser = Command::new("node")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testsuite/serve.js"))
        .arg(format!("http://{address}/"))
        .env("PRESSE_NODE_MODULES", tools_dir().join("node_modules"))
        .env("PUPPETEER_EXECUTABLE_PATH", tool(&tools, "PUPPETEER_EXECUTABLE_PATH"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node runs (scripts/install-validators installs puppeteer)");
    let mut commands = browser.stdin.take().unwrap();
    let mut lines = BufReader::new(browser.stdout.take().unwrap());

    let first = snapshot(&mut lines);
    let pages = strings(&first["pages"]);
    assert!(pages.len() >= 2 && first["loaded"].as_u64().unwrap() >= 1, "{first}");
    let findings = first["findings"].as_str().unwrap();
    assert!(
        findings.contains("sources/p/01.md:3:1"),
        "the finding, as the terminal says it: {findings}"
    );

    std::fs::write(
        dir.path().join("sources/p/01.md"),
        "# Premier\n\n![Une vue](images/vue.png)\n\nUn paragraphe changé.\n",
    )
    .unwrap();
    writeln!(commands, "wait").unwrap();
    serve.wait_for("rebuilt p in ");
    let rebuilt_at = now_ms();
    let second = snapshot(&mut lines);
    let updated_at = second["updatedAt"].as_i64().unwrap();
    eprintln!("the page showed the rebuild {} ms after its line", updated_at - rebuilt_at);
    assert!(
        updated_at - rebuilt_at <= 2000,
        "shown {} ms after the rebuild",
        updated_at - rebuilt_at
    );
    let new_pages = strings(&second["pages"]);
    let changed: Vec<&String> = new_pages.iter().filter(|url| !pages.contains(url)).collect();
    assert!(!changed.is_empty() && changed.len() < new_pages.len(), "{pages:?} → {new_pages:?}");
    let requested = strings(&second["requested"]);
    assert!(!requested.is_empty(), "the changed pages are fetched");
    for url in &requested {
        assert!(changed.contains(&url), "{url} did not change, yet was fetched again");
    }
    assert!(second["findings"].as_str().unwrap().contains("No findings"), "{second}");

    std::fs::write(dir.path().join("sources/p/01.md"), "# Premier\n\n![Vue](images/absente.png)\n")
        .unwrap();
    writeln!(commands, "wait").unwrap();
    serve.wait_for("p: not rebuilt");
    let failed = snapshot(&mut lines);
    assert_eq!(strings(&failed["pages"]), new_pages, "the last good pages are kept");
    let said = failed["findings"].as_str().unwrap();
    assert!(said.contains("sources/p/01.md:3:1") && said.contains("absente.png"), "{said}");
    assert!(strings(&failed["states"])[0].starts_with("Not rebuilt"), "{failed}");
    drop(commands);
    let _ = browser.wait();
}

#[test]
fn paths_that_leave_what_is_served_are_refused_and_nothing_else_is_read() {
    let dir = publication();
    let (_serve, address) = serving(dir.path());
    let chapter = first_url(&state(&address), "chapters");
    let (status, body) = get(&address, &chapter);
    assert_eq!(status, 200, "a chapter is served");
    assert!(String::from_utf8_lossy(&body).contains("<html"), "the chapter's XHTML");
    let chapter_path = chapter.split('?').next().unwrap();
    for path in [
        "/../secret.txt".to_string(),
        "/%2e%2e/secret.txt".into(),
        "/epub/p/../../../secret.txt".into(),
        "/epub/p/%2e%2e/%2e%2e/%2e%2e/secret.txt".into(),
        "/epub/p/..%2f..%2f..%2fsecret.txt".into(),
        "/epub/p/..%5c..%5csecret.txt".into(),
        "/epub/p/..\\..\\secret.txt".into(),
        format!("{chapter_path}/../../../../secret.txt"),
        format!("//{}/secret.txt", dir.path().display()),
        format!("/epub/p/{}/secret.txt", dir.path().display()),
        "/secret.txt".into(),
        "/sources/p/01.md".into(),
        "/etc/passwd".into(),
        "/pdf/p/0000000000000000.png".into(),
    ] {
        let (status, body) = get(&address, &path);
        assert!(status == 400 || status == 404, "{path}: {status}");
        let body = String::from_utf8_lossy(&body);
        assert!(!body.contains("SECRET") && !body.contains("root:"), "{path}: {body}");
    }
}

/// The resident memory of a process, in KiB.
fn resident_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// The resident memory may grow this much over a thousand requests: allocator noise, never a
/// copy of what is served per request (a page's PNG is some 100 KiB).
const STORM_GROWTH_KIB: u64 = 16 * 1024;

#[test]
fn a_storm_of_a_thousand_requests_leaves_the_server_up_and_its_memory_flat() {
    let dir = publication();
    let (serve, address) = serving(dir.path());
    let shown = state(&address);
    let paths = [
        "/".to_string(),
        "/api/state".into(),
        "/app.js".into(),
        first_url(&shown, "pages"),
        first_url(&shown, "chapters"),
        "/nothing".into(),
        "/epub/p/%2e%2e/secret.txt".into(),
    ];
    let round = |count: usize| {
        for path in paths.iter().cycle().take(count) {
            let (status, _) = get(&address, path);
            assert!(matches!(status, 200 | 400 | 404), "{path}: {status}");
        }
    };
    round(100); // the pages rendered and cached, the server's threads started
    let before = resident_kib(serve.pid());
    round(1000);
    let after = resident_kib(serve.pid());
    eprintln!("resident memory: {before} KiB before 1,000 requests, {after} KiB after");
    assert!(
        after <= before + STORM_GROWTH_KIB,
        "resident memory grew from {before} KiB to {after} KiB over 1,000 requests"
    );
    assert_eq!(get(&address, "/api/state").0, 200, "the server still answers");
}
