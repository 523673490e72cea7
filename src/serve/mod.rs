//! `presse serve`: a local web page that shows every publication as it will print (its PDF's
//! pages) and as it will read (its EPUB's chapters), with the findings of the last build, and
//! follows every saved edit: it rebuilds as `presse watch` does, and the open page fetches again
//! only what changed.
//!
//! From the bottom up: `route` (what a URL asks for, traversal refused), `snapshot` (an edition
//! on disk, mapped as it was when shown), `pages` and `book` (the editions as
//! shown), `store` (what the last builds left to show), `http` (the
//! workers and the event stream), and this module, which starts them and the build loop.

mod book;
mod http;
mod pages;
mod route;
mod snapshot;
mod store;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::process::{Command, Stdio};
use std::sync::Arc;

use anyhow::{Context, Result, anyhow};

use crate::build::BuildConfig;
use crate::watch::{WatchOutput, watch_with};
use store::Store;

/// Where to listen, and whether to open the page.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The address to listen on: loopback unless told otherwise.
    pub host: IpAddr,
    /// The port; 0 picks a free one.
    pub port: u16,
    /// Whether to open the page in the default browser.
    pub open: bool,
}

/// Serves the page, builds the publications of `config`, then rebuilds them on every change
/// until interrupted.
pub fn serve(config: &BuildConfig, output: WatchOutput, options: &ServeOptions) -> Result<()> {
    let asked = SocketAddr::new(options.host, options.port);
    let server =
        tiny_http::Server::http(asked).map_err(|err| anyhow!("cannot listen on {asked}: {err}"))?;
    let address = server.server_addr().to_ip().context("the server has no IP address")?;
    // The viewer fetches again only the pages whose hash changed.
    let config = &BuildConfig { page_hashes: true, ..config.clone() };
    let store = Arc::new(Store::new(config));
    http::start(server, Arc::clone(&store))?;
    let url = format!("http://{}/", reachable(address));
    if !options.host.is_loopback() {
        eprintln!(
            "warning: listening on {address}: whoever reaches this machine sees the editions"
        );
    }
    eprintln!("serving {url} (Ctrl-C stops)");
    if options.open {
        open_in_browser(&url);
    }
    watch_with(config, output, &mut |built| store.update(built))
}

/// The address to open the page at: listening on every address (0.0.0.0, ::) includes
/// loopback, which a browser can open.
fn reachable(address: SocketAddr) -> SocketAddr {
    match address.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(Ipv4Addr::LOCALHOST.into(), address.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(Ipv6Addr::LOCALHOST.into(), address.port())
        }
        _ => address,
    }
}

/// Opens `url` in the default browser; a failure is only a warning, the page stays served.
fn open_in_browser(url: &str) {
    let mut command = if cfg!(target_os = "macos") {
        Command::new("open")
    } else if cfg!(windows) {
        let mut start = Command::new("cmd");
        start.args(["/C", "start", ""]);
        start
    } else {
        Command::new("xdg-open")
    };
    command.arg(url).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
    let program = command.get_program().to_string_lossy().into_owned();
    match command.spawn() {
        Ok(mut child) => {
            std::thread::spawn(move || match child.wait() {
                Ok(status) if !status.success() => {
                    eprintln!(
                        "warning: {program} could not open the page ({status}); open it by hand"
                    )
                }
                _ => {}
            });
        }
        Err(err) => {
            eprintln!("warning: cannot run {program} to open the page ({err}); open it by hand")
        }
    }
}
