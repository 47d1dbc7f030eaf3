//! The website in a real browser: Debian's headless Chromium driven over WebDriver
//! (`chromedriver` + `fantoccini`). Searches for a server, filters by trust level, opens its
//! page, follows to its namespace; checks that script payloads in a manifest render as text and
//! never run; saves screenshots of the main pages (desktop, dark theme, phone width) under
//! `target/screenshots/` for CI artifacts.
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (`apt-get install chromium
//! chromium-driver`; `scripts/test` installs them). Without them the test fails, unless
//! `MCP_REGISTRY_SKIP_BROWSER=1` says to skip it.

use crate::site_fixture;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use site_fixture::{WEATHER, XSS, XSS_DESCRIPTION};
use testkit::app::Backend;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const SKIP_ENV: &str = "MCP_REGISTRY_SKIP_BROWSER";

/// Kills chromedriver (and with it the browser) when the test ends, even on failure.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start_driver() -> (Driver, String) {
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {CHROMEDRIVER}: {e}"));
    let driver = Driver(child);
    let url = format!("http://127.0.0.1:{port}");
    // Ready when /status answers.
    for _ in 0..200 {
        if reqwest::get(format!("{url}/status"))
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return (driver, url);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{CHROMEDRIVER} did not answer on port {port}");
}

async fn browser(driver_url: &str, profile: &Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--hide-scrollbars",
                format!("--user-data-dir={}", profile.display()),
                "--window-size=1280,1600",
            ]
        }),
    );
    ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(driver_url)
        .await
        .unwrap_or_else(|e| panic!("cannot start Chromium through chromedriver: {e}"))
}

fn screenshot_dir() -> PathBuf {
    // scripts/screenshots points this at docs/screenshots, the README's pictures.
    if let Some(dir) = std::env::var_os("MCP_REGISTRY_SCREENSHOT_DIR") {
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).unwrap();
        return dir;
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let dir = target.join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"), "{name}: not a PNG");
    std::fs::write(screenshot_dir().join(format!("{name}.png")), png).unwrap();
}

/// Waits (bounded) until the browser has left `from`.
async fn navigated_from(c: &Client, from: &str) -> String {
    for _ in 0..200 {
        let now = c.current_url().await.unwrap().to_string();
        if now != from {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the browser stayed on {from}");
}

async fn text_of(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Whether a payload ran: it would set `window.__pwned` or put "pwned" in the title.
async fn pwned(c: &Client) -> Value {
    c.execute(
        "return {pwned: typeof window.__pwned !== 'undefined', title: document.title};",
        vec![],
    )
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_site_works_in_a_browser() {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .collect();
    if !missing.is_empty() {
        if std::env::var(SKIP_ENV).is_ok_and(|v| v == "1") {
            eprintln!("skipping the browser test ({SKIP_ENV}=1): {missing:?} missing");
            return;
        }
        panic!(
            "the browser test needs {missing:?}: apt-get install -y chromium chromium-driver \
             (scripts/test does this), or set {SKIP_ENV}=1 to skip it"
        );
    }
    let site = site_fixture::start(Backend::Sqlite).await;
    let base = site.app.url.clone();
    let (_driver, driver_url) = start_driver().await;
    let profile = tempfile::tempdir().unwrap();
    let c = browser(&driver_url, profile.path()).await;
    c.set_window_size(1280, 1600).await.unwrap();

    // Home: search for the seed server from the big search box.
    c.goto(&base).await.unwrap();
    assert_eq!(c.title().await.unwrap(), "Home · MCP Trust Registry");
    shot(&c, "home").await;
    let input = c.find(Locator::Id("home-q")).await.unwrap();
    input.send_keys("grafana").await.unwrap();
    let here = c.current_url().await.unwrap().to_string();
    c.find(Locator::Css(".big-search button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let url = navigated_from(&c, &here).await;
    assert!(url.contains("/search?q=grafana"), "{url}");
    let first = text_of(&c, ".cards .card h3 a").await;
    assert_eq!(first, "io.github.grafana/mcp-grafana");
    shot(&c, "search").await;

    // Filter by trust level: ticking the box applies it (the script submits the form).
    c.goto(&format!("{base}/search?q=weather")).await.unwrap();
    let here = c.current_url().await.unwrap().to_string();
    c.find(Locator::Id("f-trust-signed"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let url = navigated_from(&c, &here).await;
    assert!(url.contains("trust=signed"), "{url}");
    let badges = c.find_all(Locator::Css(".cards .badge")).await.unwrap();
    assert!(!badges.is_empty());
    for b in &badges {
        assert!(b.text().await.unwrap().ends_with("signed"));
    }
    let checked = c
        .find(Locator::Id("f-trust-signed"))
        .await
        .unwrap()
        .prop("checked")
        .await
        .unwrap();
    assert_eq!(checked.as_deref(), Some("true"));
    shot(&c, "search-filtered").await;

    // Open the server's page from its card, then follow to the namespace.
    let here = c.current_url().await.unwrap().to_string();
    c.find(Locator::Css(&format!(
        ".cards a[href='/servers/{WEATHER}']"
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    let url = navigated_from(&c, &here).await;
    assert!(url.ends_with(&format!("/servers/{WEATHER}")), "{url}");
    assert_eq!(text_of(&c, "h1").await, WEATHER);
    assert!(text_of(&c, ".verdict").await.contains("signed"));
    assert!(
        text_of(&c, "#install-title + .snippet pre")
            .await
            .contains("npx -y @octo/weather@1.1.0")
    );
    shot(&c, "detail").await;
    let here = c.current_url().await.unwrap().to_string();
    c.find(Locator::Css(".crumbs a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let url = navigated_from(&c, &here).await;
    assert!(url.ends_with("/namespaces/io.github.octo"), "{url}");
    assert_eq!(text_of(&c, "h1").await, "io.github.octo");
    shot(&c, "namespace").await;

    // Script payloads in a description and a tool render as text and never run.
    c.goto(&format!("{base}/servers/{XSS}")).await.unwrap();
    assert_eq!(text_of(&c, ".server-head .desc").await, XSS_DESCRIPTION);
    assert!(
        text_of(&c, ".tool-desc")
            .await
            .contains("<img src=x onerror=")
    );
    let state = pwned(&c).await;
    assert_eq!(state["pwned"], false, "{state}");
    assert!(
        !state["title"].as_str().unwrap().contains("pwned"),
        "{state}"
    );
    assert!(
        c.find_all(Locator::Css("main img, main script"))
            .await
            .unwrap()
            .is_empty()
    );
    c.goto(&format!("{base}/search?q=xss")).await.unwrap();
    assert_eq!(pwned(&c).await["pwned"], false);
    c.goto(&format!("{base}/namespaces/io.github.octo"))
        .await
        .unwrap();
    assert_eq!(pwned(&c).await["pwned"], false);

    // The log and the docs.
    c.goto(&format!("{base}/log")).await.unwrap();
    assert_eq!(text_of(&c, "h1").await, "Transparency log");
    shot(&c, "log").await;
    c.goto(&format!("{base}/docs/trust-levels")).await.unwrap();
    shot(&c, "docs").await;

    // The theme toggle switches to dark and remembers it.
    c.goto(&format!("{base}/servers/{WEATHER}")).await.unwrap();
    c.find(Locator::Id("theme-toggle"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let theme = c
        .execute(
            "return document.documentElement.getAttribute('data-theme');",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(theme, "dark");
    shot(&c, "detail-dark").await;
    c.goto(&base).await.unwrap();
    let theme = c
        .execute(
            "return document.documentElement.getAttribute('data-theme');",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(theme, "dark");
    shot(&c, "home-dark").await;
    c.execute("localStorage.removeItem('theme');", vec![])
        .await
        .unwrap();

    // Phone width: nothing wider than the screen.
    c.set_window_size(360, 780).await.unwrap();
    for (path, name) in [
        (format!("/servers/{WEATHER}"), "detail-phone"),
        ("/search?q=weather".to_string(), "search-phone"),
    ] {
        c.goto(&format!("{base}{path}")).await.unwrap();
        let widths = c
            .execute(
                "return [document.documentElement.scrollWidth, window.innerWidth];",
                vec![],
            )
            .await
            .unwrap();
        shot(&c, name).await;
        let (scroll, inner) = (widths[0].as_u64().unwrap(), widths[1].as_u64().unwrap());
        let wide = c
            .execute(
                "return Array.from(document.querySelectorAll('body *'))\
                   .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 || (e.scrollWidth > window.innerWidth && getComputedStyle(e).overflowX === 'visible'))\
                   .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + e.scrollWidth);",
                vec![],
            )
            .await
            .unwrap();
        assert!(
            scroll <= inner,
            "{path}: {scroll} px wide on a {inner} px screen; too wide: {wide}"
        );
    }

    // Keyboard: the first Tab reaches the skip link, which is then visible.
    c.goto(&base).await.unwrap();
    c.execute("document.body.focus();", vec![]).await.unwrap();
    c.active_element()
        .await
        .unwrap()
        .send_keys("\u{E004}")
        .await
        .unwrap();
    let focused = c
        .execute("return document.activeElement.className;", vec![])
        .await
        .unwrap();
    assert_eq!(focused, "skip");

    c.close().await.unwrap();
    site.app.stop().await;
}
