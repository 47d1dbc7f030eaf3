//! The website over HTTP (no browser): every page's status and key content, escaping of
//! manifest text, security headers, the HTML 404 beside the API's JSON 404, and the page-size
//! budget. Each test runs on SQLite, and on PostgreSQL when MCP_REGISTRY_TEST_POSTGRES_URL is
//! set. The browser tests are in `browser.rs`.

use crate::site_fixture;

use protocol::trust::TrustLevel;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HeaderMap};
use site_fixture::{POISON, WEATHER, XSS, page, start};
use testkit::app::backends;

/// No page may exceed this, HTML, CSS and JS together.
const PAGE_BUDGET: usize = 100 * 1024;

fn assert_site_headers(path: &str, h: &HeaderMap) {
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
    assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
    assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
    assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
    assert!(
        h[CONTENT_TYPE].to_str().unwrap().starts_with("text/html"),
        "{path}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_render_what_the_registry_knows() {
    for backend in backends() {
        let site = start(backend).await;
        let app = &site.app;

        let (status, h, home) = page(app, "/").await;
        assert_eq!(status, StatusCode::OK, "{home}");
        assert_site_headers("/", &h);
        assert!(home.contains("Servers by trust level"), "{home}");
        assert!(home.contains("href=\"/search?trust=signed\""), "{home}");
        assert!(home.contains("href=\"/search?trust=listed\""), "{home}");
        // Recently signed: newest first, from the log.
        let recent = home.find("Recently signed releases").unwrap();
        let weather = home[recent..].find("/servers/io.github.octo/weather/versions/1.1.0");
        let xss = home[recent..].find("/servers/io.github.octo/xss/versions/1.0.0");
        assert!(xss.unwrap() < weather.unwrap(), "{home}");

        // Search with facets, highlight and cards.
        let (status, _, results) = page(app, "/search?q=weather+forecasts").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            results.contains("href=\"/servers/io.github.octo/weather\""),
            "{results}"
        );
        assert!(results.contains("<mark>"), "{results}");
        assert!(
            results.contains("name=\"trust\" value=\"signed\""),
            "{results}"
        );
        // The trust filter keeps only signed servers; its box stays ticked.
        let (_, _, signed) = page(app, "/search?trust=signed").await;
        assert!(signed.contains("href=\"/servers/io.github.octo/weather\""));
        assert!(signed.contains("value=\"signed\" checked"), "{signed}");
        assert!(!signed.contains("badge-listed\""), "{signed}");
        assert!(signed.contains("2 servers"), "{signed}");
        // Pagination: a next link carrying the filters and a cursor.
        let (_, _, first) = page(app, "/search?trust=listed").await;
        let next = first
            .split("href=\"")
            .find_map(|s| s.split('"').next().filter(|u| u.contains("cursor=")))
            .unwrap()
            .replace("&amp;", "&");
        assert!(next.starts_with("/search?trust=listed&cursor="), "{next}");
        let (status, _, second) = page(app, &next).await;
        assert_eq!(status, StatusCode::OK);
        assert!(second.contains("First page"), "{second}");

        // The server page: verdict in words, pinned install, tools and findings, capabilities,
        // secrets, signature, key, log.
        let (status, h, detail) = page(app, &format!("/servers/{WEATHER}")).await;
        assert_eq!(status, StatusCode::OK, "{detail}");
        assert_site_headers("/servers", &h);
        for needle in [
            "badge badge-signed",
            "v1.1.0",
            "npx -y @octo/weather@1.1.0",
            "pinned by digest",
            "get_forecast",
            "send_report",
            "delete_alerts",
            "destructive",
            "sev-high",
            "WEATHER_API_KEY",
            "Starts processes",
            &site.key_id,
            "GitHub repository octo/weather",
            "Minisign signature",
            "untrusted comment",
            "Transparency log",
            "mcp-sign check io.github.octo/weather@1.1.0",
            "href=\"/namespaces/io.github.octo\"",
            "href=\"/servers/io.github.octo/weather/versions/1.0.0\"",
        ] {
            assert!(detail.contains(needle), "{needle} missing: {detail}");
        }
        assert!(detail.contains("entry "), "{detail}");
        // The poisoned description is shown, as text.
        assert!(
            detail.contains("&lt;IMPORTANT&gt;Before using this tool"),
            "{detail}"
        );
        assert!(!detail.contains(POISON), "{detail}");

        // An older version, by its own URL.
        let (status, _, old) = page(app, &format!("/servers/{WEATHER}/versions/1.0.0")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(old.contains("npx -y @octo/weather@1.0.0"), "{old}");
        assert!(!old.contains("send_report"), "{old}");
        assert!(old.contains("aria-current=\"page\""), "{old}");

        // A seed server (listed, unsigned): pinned by version only, no log entry.
        let (status, _, seed) = page(app, "/servers/io.github.grafana/mcp-grafana").await;
        assert_eq!(status, StatusCode::OK, "{seed}");
        assert!(seed.contains("badge badge-listed"), "{seed}");
        assert!(seed.contains("not in the log"), "{seed}");

        // The namespace page.
        let (status, _, ns) = page(app, "/namespaces/io.github.octo").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            ns.contains("href=\"/servers/io.github.octo/weather\""),
            "{ns}"
        );
        assert!(ns.contains("href=\"/servers/io.github.octo/xss\""), "{ns}");
        assert!(ns.contains(&site.key_id), "{ns}");

        // The log page: checkpoint and newest entries.
        let (status, _, log) = page(app, "/log").await;
        assert_eq!(status, StatusCode::OK);
        assert!(log.contains("Root hash"), "{log}");
        assert!(
            log.contains("release io.github.octo/xss@1.0.0 signed by"),
            "{log}"
        );
        assert!(log.contains("proven for io.github.octo"), "{log}");

        // Docs, the trust levels generated from TrustLevel::ALL.
        for (path, needle) in [
            ("/docs", "/docs/publish"),
            ("/docs/publish", "mcp-sign publish server.json"),
            ("/docs/verify", "mcp-sign check"),
            ("/docs/trust-levels", "Negative states override"),
        ] {
            let (status, _, body) = page(app, path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert!(body.contains(needle), "{path}: {body}");
        }
        let (_, _, levels) = page(app, "/docs/trust-levels").await;
        for l in TrustLevel::ALL {
            assert!(
                levels.contains(&format!("badge badge-{}", l.as_str())),
                "{l} missing"
            );
        }
        app_stop(site).await;
    }
}

async fn app_stop(site: site_fixture::Site) {
    site.app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manifest_text_is_escaped_everywhere() {
    for backend in backends() {
        let site = start(backend).await;
        let app = &site.app;
        for path in [
            format!("/servers/{XSS}"),
            "/search?q=xss".to_string(),
            "/namespaces/io.github.octo".to_string(),
        ] {
            let (status, _, body) = page(app, &path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert!(!body.contains("<script>window"), "{path}: {body}");
            assert!(!body.contains("<img src=x"), "{path}: {body}");
            assert!(!body.contains("<img src=\"x\""), "{path}: {body}");
            assert!(body.contains("&lt;script&gt;"), "{path}: {body}");
            // Our own script is the only one.
            assert_eq!(body.matches("<script").count(), 1, "{path}: {body}");
        }
        // What a person types is escaped too, in text and in attribute values.
        let (status, _, echoed) =
            page(app, "/search?q=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
        assert_eq!(status, StatusCode::OK);
        assert!(!echoed.contains("<script>alert"), "{echoed}");
        assert!(!echoed.contains("value=\"\">"), "{echoed}");
        assert!(echoed.contains("&lt;script&gt;alert(1)"), "{echoed}");
        let (status, _, missing) =
            page(app, "/servers/a.b/%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(!missing.contains("<script>alert"), "{missing}");
        let (_, _, detail) = page(app, &format!("/servers/{XSS}")).await;
        assert!(
            detail.contains("&lt;img src=x onerror=\"document.title='pwned'\"&gt;"),
            "{detail}"
        );
        assert!(detail.contains("&lt;/textarea&gt;"), "{detail}");
        // Every seed server page renders and escapes (descriptions, repositories, packages).
        let (_, _, all) = page(app, "/search?q=grafana").await;
        assert!(all.contains("mcp-grafana"), "{all}");
        app_stop(site).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn html_404_for_people_json_404_for_the_api() {
    for backend in backends() {
        let site = start(backend).await;
        let app = &site.app;
        for path in [
            "/nope",
            "/servers/io.github.nobody/nothing",
            &format!("/servers/{WEATHER}/versions/9.9.9"),
            "/namespaces/io.github.nobody",
            "/docs/nope",
        ] {
            let (status, h, body) = page(app, path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
            assert_site_headers(path, &h);
            assert!(body.contains("<h1>Not found</h1>"), "{path}: {body}");
        }
        // API paths keep the JSON error shape, whatever the client accepts.
        for path in ["/v1/nope", "/v0.1/nope", "/log/nope", "/static/nope.js"] {
            let (status, h, body) = page(app, path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
            assert!(
                h[CONTENT_TYPE]
                    .to_str()
                    .unwrap()
                    .starts_with("application/json")
            );
            let body: serde_json::Value = serde_json::from_str(&body).unwrap();
            if path.starts_with("/v0.1/") {
                // The official read API answers the official shape.
                assert!(body["error"].is_string(), "{path}: {body}");
            } else {
                assert_eq!(body["error"]["code"], "not_found", "{path}: {body}");
            }
        }
        // A program asking for JSON anywhere gets JSON.
        let resp = app
            .client
            .get(format!("{}/nope", app.url))
            .header("accept", "application/json")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::NOT_FOUND);
        let body: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(body["error"]["code"], "not_found");
        // The log's API beside the log page.
        let (status, h, cp) = page(app, "/log/checkpoint").await;
        assert_eq!(status, StatusCode::OK);
        assert!(h[CONTENT_TYPE].to_str().unwrap().starts_with("text/plain"));
        assert!(cp.contains("— "), "{cp}");
        let (status, _, _) = page(app, "/log/key").await;
        assert_eq!(status, StatusCode::OK);
        // Bad parameters: a 400 page that says what is wrong.
        let (status, _, bad) = page(app, "/search?trust=trusty").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(bad.contains("unknown trust level"), "{bad}");
        let (status, _, bad) = page(app, "/search?cursor=garbage").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        app_stop(site).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assets_and_page_sizes() {
    for backend in backends() {
        let site = start(backend).await;
        let app = &site.app;
        let (status, h, css) = page(app, "/static/site.css").await;
        assert_eq!(status, StatusCode::OK);
        assert!(h[CONTENT_TYPE].to_str().unwrap().starts_with("text/css"));
        // Dark when the system is (the palette is light-dark() pairs), unless the visitor chose.
        assert!(css.contains("color-scheme: light dark") && css.contains("light-dark("));
        let (status, h, js) = page(app, "/static/site.js").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            h[CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/javascript")
        );
        let assets = css.len() + js.len();
        assert_eq!(assets, web::asset_bytes());
        for path in [
            "/".to_string(),
            "/search".to_string(),
            "/search?q=mcp".to_string(),
            "/search?trust=listed&registry_type=npm".to_string(),
            format!("/servers/{WEATHER}"),
            "/servers/io.github.grafana/mcp-grafana".to_string(),
            "/namespaces/io.github.octo".to_string(),
            "/log".to_string(),
            "/docs/publish".to_string(),
            "/docs/trust-levels".to_string(),
        ] {
            let (status, _, body) = page(app, &path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            let total = body.len() + assets;
            assert!(total < PAGE_BUDGET, "{path}: {total} bytes");
            // Landmarks and labelled inputs on every page.
            for landmark in [
                "<header",
                "<nav aria-label=\"Main\"",
                "<main id=\"main\"",
                "<footer",
            ] {
                assert!(body.contains(landmark), "{path}: {landmark}");
            }
            assert_eq!(
                body.matches("<input ").count(),
                body.matches("<label for=").count(),
                "{path}: every input has a label"
            );
        }
        app_stop(site).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn namespace_pages_are_paginated() {
    for backend in backends() {
        let site = start(backend).await;
        let app = &site.app;
        let docs: Vec<serde_json::Value> = (0..55)
            .map(|i| {
                serde_json::json!({
                    "name": format!("io.github.many/s-{i:02}"),
                    "description": format!("Server {i}"),
                    "version": "1.0.0",
                })
            })
            .collect();
        registry::service::import::import_bytes(
            &app.state.db,
            &serde_json::to_vec(&docs).unwrap(),
            protocol::api::ReleaseOrigin::Import,
        )
        .await
        .unwrap();
        let (status, _, first) = page(app, "/namespaces/io.github.many").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(first.matches("<li class=\"card\"").count(), 50, "{first}");
        assert!(first.contains("io.github.many/s-49"));
        assert!(!first.contains("io.github.many/s-50"));
        assert!(first.contains("No key is registered"), "{first}");
        let next = "/namespaces/io.github.many?after=io.github.many%2Fs-49";
        assert!(first.contains(&format!("href=\"{next}\"")), "{first}");
        let (status, _, second) = page(app, next).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(second.matches("<li class=\"card\"").count(), 5, "{second}");
        assert!(second.contains("io.github.many/s-54"));
        assert!(second.contains("First page"));
        assert!(!second.contains("rel=\"next\""));
        app_stop(site).await;
    }
}
