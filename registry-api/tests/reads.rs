//! The read API on the seed data set: official-compatible shapes and pagination, our detail,
//! verify and stats, health and OpenAPI. Each test runs on SQLite, and on PostgreSQL when
//! MCP_REGISTRY_TEST_POSTGRES_URL is set.

mod common;

use std::collections::HashSet;

use common::{Backend, Options, TestApp, backends, enc, error_code};
use reqwest::StatusCode;
use serde_json::Value;

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
async fn bad_list_parameters_are_400_with_our_error_shape() {
    for backend in backends() {
        let app = seeded(backend).await;
        for q in [
            "limit=0",
            "limit=101",
            "limit=ten",
            "cursor=nocolon",
            "updated_since=yesterday",
            "version=1.0.0",
        ] {
            let (status, body) = app.get(&format!("/v0.1/servers?{q}")).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{q}: {body}");
            assert_eq!(error_code(&body), "bad_request");
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
        for path in [
            "/v0.1/servers/io.github.nobody%2Fnothing/versions".to_string(),
            "/v0.1/servers/io.github.nobody%2Fnothing/versions/1.0.0".to_string(),
            format!("/v0.1/servers/{}/versions/9.9.9", enc(SEED_NAME)),
            "/v1/servers/io.github.nobody%2Fnothing".to_string(),
            "/v0.1/servers/x/y/z".to_string(),
            "/nope".to_string(),
        ] {
            let (status, body) = app.get(&path).await;
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
            "/v0.1/servers/{name}/versions/{version}",
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
