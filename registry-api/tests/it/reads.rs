//! The read API on the seed data set: official-compatible shapes and pagination, our detail,
//! verify and stats, health and OpenAPI. Each test runs on SQLite, and on PostgreSQL when
//! MCP_REGISTRY_TEST_POSTGRES_URL is set.

use std::collections::HashSet;

use reqwest::StatusCode;
use serde_json::Value;
use testkit::app::{Backend, Options, TestApp, backends, enc, error_code, official_error};

const SEED_COUNT: usize = 358;
const SEED_NAME: &str = "io.github.21st-dev/magic-mcp";

async fn seeded(backend: Backend) -> TestApp {
    TestApp::start(
        backend,
        Options {
            seed: true,
            ..Options::default()
        },
    )
    .await
}

/// Replaces every timestamp with a fixed string so snapshots are stable.
fn redact_times(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, val) in map.iter_mut() {
                if k.ends_with("At") && val.is_string() {
                    *val = Value::String("[time]".into());
                } else {
                    redact_times(val);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_times),
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paginating_with_next_cursor_returns_every_seed_server_exactly_once() {
    for backend in backends() {
        let app = seeded(backend).await;
        for limit in [100, 30, 7] {
            let mut seen = HashSet::new();
            let mut cursor: Option<String> = None;
            let mut pages = 0;
            loop {
                let mut path = format!("/v0.1/servers?limit={limit}");
                if let Some(c) = &cursor {
                    path.push_str(&format!("&cursor={}", urlencode(c)));
                }
                let (status, body) = app.get(&path).await;
                assert_eq!(status, StatusCode::OK, "{body}");
                let servers = body["servers"].as_array().expect("servers");
                assert_eq!(body["metadata"]["count"], servers.len());
                assert!(servers.len() <= limit);
                for s in servers {
                    let name = s["server"]["name"].as_str().expect("name").to_string();
                    assert!(
                        seen.insert(name.clone()),
                        "{name} twice ({backend:?}, limit {limit})"
                    );
                }
                pages += 1;
                match body["metadata"]["nextCursor"].as_str() {
                    Some(c) => cursor = Some(c.to_string()),
                    None => break,
                }
                assert!(pages < 1000, "pagination does not end");
            }
            assert_eq!(seen.len(), SEED_COUNT, "{backend:?} limit {limit}");
        }
        app.stop().await;
    }
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_defaults_filters_and_official_meta() {
    for backend in backends() {
        let app = seeded(backend).await;
        let (status, body) = app.get("/v0.1/servers").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            body["servers"].as_array().map(Vec::len),
            Some(30),
            "default page size"
        );
        assert!(body["metadata"]["nextCursor"].is_string());

        let (_, latest) = app.get("/v0.1/servers?version=latest&limit=100").await;
        assert_eq!(latest["servers"].as_array().map(Vec::len), Some(100));
        let first = &latest["servers"][0]["_meta"];
        let official = &first[protocol::formats::OFFICIAL_META_KEY];
        assert_eq!(official["status"], "active");
        assert_eq!(official["isLatest"], true);
        assert!(
            official["publishedAt"]
                .as_str()
                .is_some_and(|t| t.ends_with('Z'))
        );
        let ours = &first[protocol::formats::REGISTRY_META_KEY];
        assert_eq!(ours["trust"]["level"], "listed");
        assert_eq!(ours["origin"], "seed");

        let (_, found) = app.get("/v0.1/servers?search=MAGIC-mcp").await;
        let names: Vec<&str> = found["servers"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|s| s["server"]["name"].as_str())
            .collect();
        assert!(names.contains(&SEED_NAME), "{names:?}");
        assert!(names.iter().all(|n| n.to_lowercase().contains("magic-mcp")));

        let (_, none) = app.get("/v0.1/servers?search=%25_").await;
        assert_eq!(none["metadata"]["count"], 0, "LIKE wildcards are escaped");

        let (_, future) = app
            .get("/v0.1/servers?updated_since=2999-01-01T00:00:00Z")
            .await;
        assert_eq!(future["metadata"]["count"], 0);
        assert!(future["metadata"].get("nextCursor").is_none());
        let (_, past) = app
            .get("/v0.1/servers?updated_since=2000-01-01T00:00:00Z&limit=5")
            .await;
        assert_eq!(past["metadata"]["count"], 5);
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_list_parameters_are_400_with_the_official_error_shape() {
    for backend in backends() {
        let app = seeded(backend).await;
        for q in [
            "limit=0",
            "limit=101",
            "limit=ten",
            "cursor=nocolon",
            "updated_since=yesterday",
            "include_deleted=maybe",
        ] {
            for prefix in ["/v0.1", "/v0"] {
                let (status, body) = app.get(&format!("{prefix}/servers?{q}")).await;
                assert_eq!(status, StatusCode::BAD_REQUEST, "{prefix} {q}: {body}");
                official_error(&body);
            }
        }
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn versions_and_version_by_encoded_and_plain_names() {
    for backend in backends() {
        let app = seeded(backend).await;
        for name in [enc(SEED_NAME), SEED_NAME.to_string()] {
            let (status, body) = app.get(&format!("/v0.1/servers/{name}/versions")).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(body["metadata"]["count"], 1);
            assert_eq!(body["servers"][0]["server"]["name"], SEED_NAME);

            for v in ["0.0.1-seed", "latest"] {
                let (status, body) = app.get(&format!("/v0.1/servers/{name}/versions/{v}")).await;
                assert_eq!(status, StatusCode::OK, "{body}");
                assert_eq!(body["server"]["version"], "0.0.1-seed");
                assert!(body["_meta"][protocol::formats::OFFICIAL_META_KEY]["isLatest"] == true);
            }
        }
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_servers_versions_and_routes_are_404() {
    for backend in backends() {
        let app = seeded(backend).await;
        for prefix in ["/v0.1", "/v0"] {
            for path in [
                "/servers/io.github.nobody%2Fnothing/versions".to_string(),
                "/servers/io.github.nobody%2Fnothing/versions/1.0.0".to_string(),
                format!("/servers/{}/versions/9.9.9", enc(SEED_NAME)),
                "/servers/x/y/z".to_string(),
                "/nothing-here".to_string(),
            ] {
                let path = format!("{prefix}{path}");
                let (status, body) = app.get(&path).await;
                assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
                official_error(&body);
            }
        }
        for path in ["/v1/servers/io.github.nobody%2Fnothing", "/nope"] {
            let (status, body) = app.get(path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
            assert_eq!(error_code(&body), "not_found");
        }
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn response_shapes_snapshot() {
    // One backend is enough for shapes, and the seed's order is the same everywhere.
    let app = seeded(Backend::Sqlite).await;
    let (_, mut list) = app.get("/v0.1/servers?search=21st-dev/magic-mcp").await;
    redact_times(&mut list);
    insta::assert_json_snapshot!("list_page", list);

    let (_, mut version) = app
        .get(&format!("/v0.1/servers/{}/versions/latest", enc(SEED_NAME)))
        .await;
    redact_times(&mut version);
    insta::assert_json_snapshot!("server_version", version);

    let (_, mut detail) = app.get(&format!("/v1/servers/{}", enc(SEED_NAME))).await;
    redact_times(&mut detail);
    insta::assert_json_snapshot!("server_detail", detail);

    let (_, error) = app
        .get("/v0.1/servers/io.github.nobody%2Fnothing/versions")
        .await;
    insta::assert_json_snapshot!("error_not_found", error);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_stats_health_and_openapi() {
    for backend in backends() {
        let app = seeded(backend).await;
        let (status, v) = app
            .get(&format!("/v1/verify?server={}", enc(SEED_NAME)))
            .await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert_eq!(v["verdict"]["level"], "listed");
        assert_eq!(v["verdict"]["reasons"][0]["code"], "listed_only");
        assert!(
            v["manifest"]
                .as_str()
                .is_some_and(|m| m.contains(SEED_NAME))
        );
        assert!(v.get("signature").is_none());

        let (_, by_pkg) = app
            .get("/v1/verify?package=npm:%4021st-dev/magic@0.0.46")
            .await;
        assert_eq!(by_pkg["name"], SEED_NAME, "{by_pkg}");
        assert_eq!(by_pkg["verdict"]["level"], "listed");

        let (status, unknown) = app
            .get("/v1/verify?server=io.github.nobody/nothing&version=1.0.0")
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(unknown["verdict"]["level"], "unknown");
        assert_eq!(unknown["verdict"]["reasons"][0]["code"], "not_in_registry");

        for bad in [
            "/v1/verify",
            "/v1/verify?server=no-slash",
            "/v1/verify?package=cargo:x",
            "/v1/verify?server=a.b/c&package=npm:x",
        ] {
            let (status, body) = app.get(bad).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
            assert_eq!(error_code(&body), "bad_request");
        }

        let (_, stats) = app.get("/v1/stats").await;
        assert_eq!(stats["servers"], SEED_COUNT);
        assert_eq!(stats["releases"], SEED_COUNT);
        assert_eq!(stats["signedReleases"], 0);

        let (status, health) = app.get("/healthz").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(health["status"], "ok");

        let (status, doc) = app.get("/openapi.json").await;
        assert_eq!(status, StatusCode::OK);
        for path in [
            "/v0.1/servers",
            "/v0.1/servers/{serverName}/versions/{version}",
            "/v0/servers/{serverName}/versions",
            "/v1/publish",
            "/v1/keys",
            "/v1/verify",
        ] {
            assert!(
                doc["paths"].get(path).is_some(),
                "{path} missing from OpenAPI"
            );
        }
        assert!(doc["components"]["schemas"].get("PublishRequest").is_some());
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_loads_once_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let config = registry::Config::for_data_dir(dir.path());
    for _ in 0..2 {
        let state = registry::open(&config, true).await.unwrap();
        let stats = registry::service::reads::stats(&state.db).await.unwrap();
        assert_eq!(stats.releases, SEED_COUNT as i64);
        state.db.close().await;
    }
    assert!(dir.path().join("registry.db").exists());
}

/// The seed servers' names.
fn seed_names() -> Vec<String> {
    let seed: Value =
        serde_json::from_slice(registry::service::import::SEED).expect("the seed is JSON");
    seed.as_array()
        .expect("an array")
        .iter()
        .filter_map(|s| s["name"].as_str().map(str::to_string))
        .collect()
}

/// Pages through `/v0.1/servers?search=TERM` and returns the names in order.
async fn search_all(app: &TestApp, prefix: &str, term: &str, extra: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..200 {
        let mut path = format!("{prefix}/servers?search={}&limit=9{extra}", urlencode(term));
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={}", urlencode(c)));
        }
        let (status, body) = app.get(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        for s in body["servers"].as_array().expect("servers") {
            names.push(s["server"]["name"].as_str().expect("name").to_string());
        }
        match body["metadata"]["nextCursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return names,
        }
    }
    panic!("{term}: the pages never ended");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_search_lists_every_server_whose_name_contains_the_term_first() {
    let seed = seed_names();
    for backend in backends() {
        let app = seeded(backend).await;
        for term in [
            "github",
            "flare",
            "x",
            "GitHub",
            "mcp",
            "io.github",
            "sql",
            "ai",
            "-server",
            "google",
            "data",
            "/",
            "weather",
            "zzzz-no-such",
        ] {
            let needle = term.to_lowercase();
            let expected: HashSet<&str> = seed
                .iter()
                .filter(|n| n.to_lowercase().contains(&needle))
                .map(String::as_str)
                .collect();
            for (prefix, extra) in [("/v0.1", ""), ("/v0.1", "&version=latest"), ("/v0", "")] {
                let names = search_all(&app, prefix, term, extra).await;
                let unique: HashSet<&str> = names.iter().map(String::as_str).collect();
                assert_eq!(
                    unique.len(),
                    names.len(),
                    "{term}{extra}: a server listed twice"
                );
                let missing: Vec<&&str> = expected.difference(&unique).collect();
                assert!(
                    missing.is_empty(),
                    "{prefix} search={term}{extra} lacks {} of {} names containing it: {missing:?}",
                    missing.len(),
                    expected.len()
                );
                // Every name that contains the term ranks before every other match.
                let first_other = names
                    .iter()
                    .position(|n| !n.to_lowercase().contains(&needle))
                    .unwrap_or(names.len());
                assert_eq!(
                    first_other,
                    expected.len(),
                    "search={term}{extra}: names containing the term come first"
                );
            }
        }
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v0_mirrors_v0_1_and_exact_versions_filter() {
    let app = seeded(Backend::Sqlite).await;
    for path in [
        "/servers?limit=5".to_string(),
        format!("/servers/{}/versions", enc(SEED_NAME)),
        format!("/servers/{}/versions/latest", enc(SEED_NAME)),
        // The name alone: its latest version.
        format!("/servers/{SEED_NAME}"),
    ] {
        let (s1, mut a) = app.get(&format!("/v0.1{path}")).await;
        let (s0, mut b) = app.get(&format!("/v0{path}")).await;
        assert_eq!(
            (s1, s0),
            (StatusCode::OK, StatusCode::OK),
            "{path}: {a} {b}"
        );
        redact_times(&mut a);
        redact_times(&mut b);
        assert_eq!(a, b, "{path}");
    }
    let (_, one) = app.get(&format!("/v0/servers/{SEED_NAME}")).await;
    assert_eq!(one["server"]["name"], SEED_NAME);

    let (_, exact) = app.get("/v0.1/servers?version=0.0.1-seed&limit=100").await;
    let list = exact["servers"].as_array().expect("servers");
    assert!(!list.is_empty(), "{exact}");
    assert!(list.iter().all(|s| s["server"]["version"] == "0.0.1-seed"));
    let (_, none) = app.get("/v0.1/servers?version=99.99.99-none").await;
    assert_eq!(none["metadata"]["count"], 0);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn responses_are_compressed_when_the_client_asks() {
    let app = seeded(Backend::Sqlite).await;
    let plain = app
        .client
        .get(format!("{}/v0.1/servers?limit=100", app.url))
        .send()
        .await
        .expect("GET");
    assert!(plain.headers().get("content-encoding").is_none());
    let plain_len = plain.bytes().await.expect("body").len();
    for (path, accept) in [
        ("/v0.1/servers?limit=100", "gzip"),
        ("/v0.1/servers?limit=100", "zstd"),
        ("/search?q=github", "gzip"),
        ("/openapi.json", "zstd"),
    ] {
        let resp = app
            .client
            .get(format!("{}{path}", app.url))
            .header("accept-encoding", accept)
            .send()
            .await
            .expect("GET");
        assert_eq!(resp.status(), StatusCode::OK, "{path}");
        assert_eq!(
            resp.headers()
                .get("content-encoding")
                .and_then(|v| v.to_str().ok()),
            Some(accept),
            "{path} with Accept-Encoding: {accept}"
        );
        if path.starts_with("/v0.1") {
            let len = resp.bytes().await.expect("body").len();
            assert!(len * 3 < plain_len, "{accept}: {len} vs {plain_len} bytes");
        }
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_requests_by_route_and_describe_the_registry() {
    let app = seeded(Backend::Sqlite).await;
    for _ in 0..3 {
        app.get(&format!("/v0.1/servers/{}/versions", enc(SEED_NAME)))
            .await;
    }
    app.get("/v0.1/servers/io.github.nobody%2Fnothing/versions")
        .await;
    let text = app
        .client
        .get(format!("{}/metrics", app.url))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    for needle in [
        // The route pattern, never the server name (one series per route).
        "http_requests_total{method=\"GET\",route=\"/v0.1/servers/{serverName}/versions\",status=\"200\"}",
        "http_requests_total{method=\"GET\",route=\"/v0.1/servers/{serverName}/versions\",status=\"404\"}",
        "http_request_duration_seconds_bucket{method=\"GET\",route=\"/v0.1/servers/{serverName}/versions\"",
        "registry_log_size",
        "registry_search_index_lag",
        "registry_db_pool_connections",
    ] {
        assert!(text.contains(needle), "/metrics lacks {needle}:\n{text}");
    }
    assert!(!text.contains("magic-mcp"), "a raw path became a label");
    app.stop().await;
}

/// Every path and method in the OpenAPI document is served (not the fallback's 404 or 405),
/// and the document is the one the router was built from.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_route_is_served() {
    let app = seeded(Backend::Sqlite).await;
    let (_, doc) = app.get("/openapi.json").await;
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.len() >= 20, "{} paths", paths.len());
    let (_, built) = registry::routes::api();
    assert_eq!(
        serde_json::to_value(&built).expect("document"),
        doc,
        "/openapi.json is the router's own document"
    );
    for (path, item) in paths {
        let concrete = path
            .replace("{serverName}", &enc(SEED_NAME))
            .replace("{version}", "latest")
            .replace("{name}", &enc(SEED_NAME))
            .replace("{key_id}", "0000000000000000")
            .replace("{path}", "0/000");
        for method in item.as_object().expect("item").keys() {
            let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            let resp = app
                .client
                .request(m, format!("{}{concrete}", app.url))
                .header("accept", "application/json")
                .json(&serde_json::json!({}))
                .send()
                .await
                .expect("request");
            let status = resp.status();
            let body = resp.text().await.unwrap_or_default();
            assert!(
                !body.contains("no such endpoint") && status != StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path} is documented but not served: {status} {body}"
            );
        }
    }
    app.stop().await;
}

/// The venv of scripts/python-venv (the test setup makes it: scripts/test runs it).
fn python_venv() -> std::path::PathBuf {
    let venv = std::env::var_os("MCP_TRUST_PY_VENV")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/py-venv")
        });
    assert!(
        venv.join("bin/python").exists(),
        "no Python venv at {}: run scripts/python-venv (scripts/test does) to install the \
         pinned PyPI clients",
        venv.display()
    );
    venv
}

fn run_python(venv: &std::path::Path, program: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(venv.join("bin").join(program))
        .args(args)
        .output()
        .expect("run a Python tool");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Clients written for the official registry and published on PyPI (`mcp-lookup`,
/// `mcp-registry-cli`, pinned in scripts/python-requirements.txt) search, get and list
/// versions against us.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_official_registry_clients_from_pypi_work_against_us() {
    let venv = python_venv();
    let app = seeded(Backend::Sqlite).await;
    let url = app.url.clone();
    let github: usize = seed_names()
        .iter()
        .filter(|n| n.to_lowercase().contains("github"))
        .count();

    // mcp-lookup: its CLI, the registry source only (the others are services on the internet).
    let venv2 = venv.clone();
    let url2 = url.clone();
    let (search, get) = tokio::task::spawn_blocking(move || {
        let base = ["--base-url", url2.as_str(), "--source", "registry"];
        let search = run_python(
            &venv2,
            "mcp-lookup",
            &[&base[..], &["search", "github", "--limit", "50", "--json"]].concat(),
        );
        let get = run_python(
            &venv2,
            "mcp-lookup",
            &[&base[..], &["get", SEED_NAME, "--no-enrich"]].concat(),
        );
        (search, get)
    })
    .await
    .expect("mcp-lookup");
    let found: Value = serde_json::from_str(&search).expect("mcp-lookup --json");
    let found = found.as_array().expect("a list");
    assert_eq!(found.len(), github.min(50), "{search}");
    assert!(found.iter().all(|s| {
        s["server"]["name"]
            .as_str()
            .is_some_and(|n| n.contains("github"))
    }));
    let one: Value = serde_json::from_str(&get).expect("mcp-lookup get");
    assert_eq!(one["server"]["name"], SEED_NAME, "{get}");
    assert_eq!(one["_source"], "registry");

    // mcp-registry-cli: its API client as a library (its base URL is a class attribute).
    let script = format!(
        r#"
import json, sys
from mcp_registry_cli.api import MCPRegistryAPI
MCPRegistryAPI.BASE_URL = sys.argv[1]
api = MCPRegistryAPI()
names, cursor = [], None
while True:
    page = api.list_servers(cursor=cursor, limit=30)
    names += [s.name for s in page["servers"]]
    cursor = page["next_cursor"]
    if not cursor:
        break
details = api.get_server_details("{SEED_NAME}")
versions = api.get_server_versions("{SEED_NAME}")
found = api.search_servers("grafana", limit=5)
print(json.dumps({{
    "listed": len(names), "unique": len(set(names)),
    "detail": [details.name, details.status, details.version],
    "versions": [v.version for v in versions],
    "search": [s.name for s in found["servers"]],
}}))
"#
    );
    let out = tokio::task::spawn_blocking(move || {
        run_python(&venv, "python", &["-c", &script, url.as_str()])
    })
    .await
    .expect("mcp-registry-cli");
    let r: Value = serde_json::from_str(&out).expect("the script's JSON");
    assert_eq!(r["listed"], SEED_COUNT, "{out}");
    assert_eq!(r["unique"], SEED_COUNT, "{out}");
    assert_eq!(r["detail"][0], SEED_NAME);
    assert_eq!(r["detail"][1], "active");
    assert_eq!(r["versions"], serde_json::json!(["0.0.1-seed"]));
    assert!(
        r["search"].as_array().is_some_and(|s| !s.is_empty()
            && s.iter()
                .all(|n| n.as_str().is_some_and(|n| n.contains("grafana")))),
        "{out}"
    );
    app.stop().await;
}

/// schemathesis (pinned in scripts/python-requirements.txt) generates requests from our
/// OpenAPI document: no answer may be a 5xx, or have a status, content type or body the
/// document does not describe.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_no_undocumented_answer() {
    let venv = python_venv();
    let app = seeded(Backend::Sqlite).await;
    let schema = format!("{}/openapi.json", app.url);
    // Its crash cache goes to the working folder: a scratch one, so runs neither write into
    // the repository nor replay each other.
    let work = tempfile::tempdir().unwrap();
    let work_dir = work.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(venv.join("bin/schemathesis"))
            .current_dir(&work_dir)
            .args([
                "run",
                schema.as_str(),
                "--checks",
                "not_a_server_error,status_code_conformance,content_type_conformance,\
                 response_schema_conformance",
                "--phases",
                "coverage,fuzzing",
                "--max-examples",
                "10",
                "--seed",
                "17",
                // One worker: with threads, Python 3.11.7 (this machine's) can raise a spurious
                // "AST constructor recursion depth mismatch" inside hypothesis (CPython
                // gh-106905, fixed in 3.11.8), failing the run for no fault of ours.
                "--workers",
                "1",
                "--request-timeout",
                "20",
            ])
            .env("NO_COLOR", "1")
            .output()
            .expect("run schemathesis")
    })
    .await
    .expect("schemathesis");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "schemathesis found answers outside the OpenAPI document ({}):\n{report}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    app.stop().await;
}
