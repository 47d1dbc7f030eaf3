//! Crawled and mirrored servers in the registry: GitHub repositories (from a local GitHub-like
//! server built from the 358 seed servers' repositories) become `listed` servers with their
//! GitHub facts, in `/v0.1/servers` and in search; seed servers are enriched; signed releases
//! are never replaced; a re-created repository is noticed; a second registry mirrors a first.
//! Each test runs on SQLite, and on PostgreSQL when MCP_REGISTRY_TEST_POSTGRES_URL is set.

use std::time::{Duration, Instant};

use indexer::{CrawlOptions, GithubConfig};
use reqwest::StatusCode;
use serde_json::Value;
use testkit::app::{
    Backend, Options, TestApp, backends, enc, manifest, new_key, publish_body, register_github_body,
};
use testkit::github::{FakeGithub, Settings, seed_repos};

async fn crawl(app: &TestApp, gh: &FakeGithub) -> indexer::CrawlSummary {
    let mut config = GithubConfig::new(&gh.url, Some("ghp_test".to_string()));
    config.retry_base = Duration::from_millis(10);
    registry::service::crawl::crawl_github(&app.state.db, config, CrawlOptions::default(), None)
        .await
        .unwrap()
}

async fn all_servers(app: &TestApp) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor = String::new();
    loop {
        let (status, page) = app
            .get(&format!("/v0.1/servers?limit=100&cursor={}", enc(&cursor)))
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        out.extend(page["servers"].as_array().unwrap().iter().cloned());
        match page["metadata"]["nextCursor"].as_str() {
            Some(c) => cursor = c.to_string(),
            None => return out,
        }
    }
}

fn meta(v: &Value) -> &Value {
    &v["_meta"]["dev.mcp-trust/registry"]
}

async fn search_until(app: &TestApp, q: &str, name: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, body) = app.get(&format!("/v1/search?q={q}")).await;
        if let Some(hit) = body["hits"]
            .as_array()
            .and_then(|h| h.iter().find(|h| h["name"] == name))
        {
            return hit.clone();
        }
        assert!(Instant::now() < deadline, "{name} not found by {q}: {body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn start(backend: Backend, seed: bool) -> TestApp {
    TestApp::start(
        backend,
        Options {
            seed,
            ..Options::default()
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crawled_servers_are_listed_with_their_github_facts_in_lists_and_search() {
    for backend in backends() {
        let app = start(backend, false).await;
        let repos = seed_repos();
        let gh = FakeGithub::start(repos.clone(), Settings::default()).await;
        let summary = crawl(&app, &gh).await;
        assert_eq!(summary.repositories, repos.len() as u64, "{backend:?}");

        let servers = all_servers(&app).await;
        assert_eq!(
            servers.len(),
            repos.len(),
            "one listed server per repository"
        );
        for s in &servers {
            assert_eq!(meta(s)["origin"], "crawl", "{s}");
            assert_eq!(meta(s)["trust"]["level"], "listed", "{s}");
            assert!(meta(s)["github"]["repositoryId"].is_i64(), "{s}");
        }
        // The first repository's server.json names io.github.21st-dev/magic-mcp, its own.
        let r0 = &repos[0];
        let name = "io.github.21st-dev/magic-mcp";
        let (status, latest) = app
            .get(&format!("/v0.1/servers/{}/versions/latest", enc(name)))
            .await;
        assert_eq!(status, StatusCode::OK, "{latest}");
        let g = &meta(&latest)["github"];
        assert_eq!(g["repository"], r0.full_name());
        assert_eq!(g["repositoryId"], r0.id);
        assert_eq!(g["stars"], r0.stars);
        assert_eq!(g["license"], "MIT");
        assert_eq!(g["ownerType"], "Organization");
        assert_eq!(g["topics"], serde_json::json!(r0.topics));
        assert!(
            g["publishedKeyId"].is_string(),
            "key published in repository: {g}"
        );
        assert_eq!(latest["server"]["repository"]["id"], r0.id.to_string());
        assert!(
            latest["server"]["version"]
                .as_str()
                .unwrap()
                .starts_with("0.0.0-crawled.")
        );
        // Archived repositories and forks are marked.
        assert!(
            servers
                .iter()
                .any(|s| meta(s)["github"]["archived"] == true)
        );
        assert!(servers.iter().any(|s| meta(s)["github"]["fork"] == true));
        // A server.json naming another namespace is not believed.
        assert!(
            servers
                .iter()
                .all(|s| s["server"]["name"] != "com.cloudflare/mcp-server-cloudflare")
        );

        let hit = search_until(&app, "magic-mcp", name).await;
        assert_eq!(hit["stars"], r0.stars);
        assert_eq!(hit["trust"], "listed");

        // Nothing changed: no new release, the same facts.
        let releases = app.get("/v1/stats").await.1["releases"].clone();
        let again = crawl(&app, &gh).await;
        assert_eq!(again.read, 0);
        assert_eq!(app.get("/v1/stats").await.1["releases"], releases);

        // A push that changes the description gives a new crawled release; stars follow.
        gh.with(|w| {
            let r = &mut w.repos[0];
            r.pushed_at = "2025-11-01T00:00:00Z".to_string();
            r.stars += 10;
            let sj = serde_json::json!({
                "$schema": protocol::formats::SERVER_SCHEMA_URL,
                "name": name, "version": "0.1.0", "description": "Now with more magic",
            });
            r.files
                .insert("server.json".into(), serde_json::to_vec(&sj).unwrap());
        });
        crawl(&app, &gh).await;
        let (_, latest) = app
            .get(&format!("/v0.1/servers/{}/versions/latest", enc(name)))
            .await;
        assert_eq!(latest["server"]["description"], "Now with more magic");
        assert_eq!(meta(&latest)["github"]["stars"], r0.stars + 10);
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_servers_are_enriched_and_signed_releases_are_never_replaced() {
    for backend in backends() {
        let repos = seed_repos();
        let gh = FakeGithub::start(repos.clone(), Settings::default()).await;
        let app = TestApp::start(
            backend,
            Options {
                seed: true,
                github_api_url: Some(gh.url.clone()),
                ..Options::default()
            },
        )
        .await;
        // A maintainer signs a release for a repository the crawler will also find.
        let key = new_key();
        gh.add_repo("octo", "weather", Some(key.public_key().to_file_string()));
        let (status, body) = app
            .post("/v1/keys", &register_github_body(&key, "octo", "weather"))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let m = manifest("io.github.octo/weather", "1.0.0", "octo/weather");
        let (status, body) = app.post("/v1/publish", &publish_body(&key, &m)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");

        // The repository the crawler finds claims the name with another description.
        let weather_id = gh.with(|w| {
            let weather = w.repos.last_mut().unwrap();
            weather.topics = repos[1].topics.clone();
            weather.description = repos[1].description.clone();
            let mut sj: Value = serde_json::from_slice(&repos[1].files["server.json"]).unwrap();
            sj["name"] = "io.github.octo/weather".into();
            sj["description"] = "An impostor description".into();
            weather
                .files
                .insert("server.json".into(), serde_json::to_vec(&sj).unwrap());
            weather.id
        });
        crawl(&app, &gh).await;

        let (_, versions) = app
            .get(&format!(
                "/v0.1/servers/{}/versions",
                enc("io.github.octo/weather")
            ))
            .await;
        let versions = versions["servers"].as_array().unwrap();
        assert_eq!(versions.len(), 1, "no crawled release next to a signed one");
        assert_eq!(meta(&versions[0])["origin"], "publish");
        assert_eq!(meta(&versions[0])["trust"]["level"], "signed");
        assert_eq!(meta(&versions[0])["github"]["repositoryId"], weather_id);
        assert_eq!(versions[0]["server"]["description"], "A test server");

        // Seed servers keep their seed release and gain the facts.
        let servers = all_servers(&app).await;
        assert_eq!(servers.len(), 359);
        let seed_name = "io.github.21st-dev/magic-mcp";
        let s = servers
            .iter()
            .find(|s| s["server"]["name"] == seed_name)
            .unwrap();
        assert_eq!(meta(s)["origin"], "seed");
        assert_eq!(meta(s)["github"]["stars"], repos[0].stars);
        assert!(
            servers.iter().all(|s| meta(s)["origin"] != "crawl"),
            "seed repos get no crawl release"
        );
        let hit = search_until(&app, "magic-mcp", seed_name).await;
        assert_eq!(hit["stars"], repos[0].stars);
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repository_deleted_and_recreated_under_its_name_is_noticed() {
    for backend in backends() {
        let app = start(backend, false).await;
        let repos: Vec<_> = seed_repos().into_iter().take(40).collect();
        let gh = FakeGithub::start(repos.clone(), Settings::default()).await;
        crawl(&app, &gh).await;
        let name = "io.github.21st-dev/magic-mcp";
        gh.with(|w| {
            w.repos[0].id = 999_999;
            w.repos[0].pushed_at = "2025-11-02T00:00:00Z".to_string();
        });
        crawl(&app, &gh).await;
        let (_, latest) = app
            .get(&format!("/v0.1/servers/{}/versions/latest", enc(name)))
            .await;
        assert_eq!(meta(&latest)["github"]["repositoryId"], 999_999);
        let old = registry::db::crawl::live_by_name(&app.state.db, &repos[0].full_name())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(old.github_id, 999_999);
        assert!(
            old.problems.contains("deleted and re-created"),
            "{}",
            old.problems
        );
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registry_mirrors_another_and_then_only_what_changed() {
    for backend in backends() {
        let upstream = start(backend, true).await;
        let app = start(backend, false).await;
        let s = registry::service::crawl::mirror(&app.state.db, &upstream.url)
            .await
            .unwrap();
        assert_eq!(s.servers, 358, "{s:?}");
        assert!(s.pages >= 4, "paged with cursors: {s:?}");
        let servers = all_servers(&app).await;
        assert_eq!(servers.len(), 358);
        assert!(
            servers
                .iter()
                .all(|s| meta(s)["origin"] == "mirror" && meta(s)["trust"]["level"] == "listed")
        );

        // Nothing new upstream: the releases at the `updated_since` boundary (the whole seed,
        // imported at one instant) are asked for again, and nothing changes.
        let again = registry::service::crawl::mirror(&app.state.db, &upstream.url)
            .await
            .unwrap();
        assert_eq!(again.next_since, s.next_since);
        assert_eq!(all_servers(&app).await.len(), 358);

        // A new release upstream arrives with the next run.
        let doc = serde_json::json!({
            "$schema": protocol::formats::SERVER_SCHEMA_URL,
            "name": "io.github.newcomer/tool", "version": "2.0.0", "description": "New upstream",
        });
        registry::service::import::import_bytes(
            &upstream.state.db,
            &serde_json::to_vec(&doc).unwrap(),
            protocol::api::ReleaseOrigin::Import,
        )
        .await
        .unwrap();
        let third = registry::service::crawl::mirror(&app.state.db, &upstream.url)
            .await
            .unwrap();
        assert!(third.servers >= 1, "{third:?}");
        assert_ne!(third.next_since, s.next_since, "{third:?}");
        // From now on only the newest boundary comes back.
        let fourth = registry::service::crawl::mirror(&app.state.db, &upstream.url)
            .await
            .unwrap();
        assert_eq!(fourth.servers, 1, "{fourth:?}");
        let (status, got) = app
            .get(&format!(
                "/v0.1/servers/{}/versions/2.0.0",
                enc("io.github.newcomer/tool")
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{got}");
        assert_eq!(meta(&got)["origin"], "mirror");
        upstream.stop().await;
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_crawl_command_shows_a_summary_and_never_prints_the_token() {
    const TOKEN: &str = "ghp_very_secret_token_123";
    let gh = FakeGithub::start(
        seed_repos().into_iter().take(30).collect(),
        Settings::default(),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let run = |json: bool| {
        let url = gh.url.clone();
        let data = dir.path().join("data");
        tokio::task::spawn_blocking(move || {
            let mut cmd = assert_cmd::Command::cargo_bin("mcp-registry").unwrap();
            cmd.arg("--data-dir")
                .arg(&data)
                .args(["--github-api-url", &url, "crawl"])
                .env("GITHUB_TOKEN", TOKEN)
                .env_remove("MCP_REGISTRY_GITHUB_TOKEN")
                .env_remove("MCP_REGISTRY_DATABASE_URL")
                .env("RUST_LOG", "trace");
            if json {
                cmd.arg("--json");
            }
            cmd.output().unwrap()
        })
    };
    let out = run(true).await.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        !stdout.contains(TOKEN) && !stderr.contains(TOKEN),
        "the token was printed"
    );
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["github"]["repositories"], 30, "{v}");
    // The token went to the API, in the header.
    assert!(
        gh.log()
            .iter()
            .all(|l| l.authorization.as_deref() == Some(&format!("Bearer {TOKEN}"))),
        "every request carries the token"
    );
    gh.clear_log();
    let out = run(false).await.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("30 repositories"), "{stdout}");
    assert!(stdout.contains("answered 304"), "{stdout}");
    assert!(
        gh.log().iter().all(|l| l.status == 304),
        "a no-change re-crawl"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_crawl_resumes_from_the_database() {
    for backend in backends() {
        let app = start(backend, false).await;
        let repos = seed_repos();
        let gh = FakeGithub::start(
            repos.clone(),
            Settings {
                search_cap: 50,
                ..Settings::default()
            },
        )
        .await;
        let read = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let progress: std::sync::Arc<dyn Fn(indexer::CrawlProgress) + Send + Sync> = {
            let read = read.clone();
            std::sync::Arc::new(move |p: indexer::CrawlProgress| {
                read.store(p.read, std::sync::atomic::Ordering::SeqCst);
            })
        };
        let options = || CrawlOptions {
            search_cap: 50,
            ..CrawlOptions::default()
        };
        let config = || {
            let mut c = GithubConfig::new(&gh.url, None);
            c.retry_base = Duration::from_millis(10);
            c
        };
        let db = app.state.db.clone();
        let (o, c) = (options(), config());
        let task = tokio::spawn(async move {
            registry::service::crawl::crawl_github(&db, c, o, Some(progress)).await
        });
        while read.load(std::sync::atomic::Ordering::SeqCst) < 150 {
            assert!(
                !task.is_finished(),
                "the crawl ended before it could be killed"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        task.abort();
        let _ = task.await;
        let (before, _) = registry::db::crawl::counts(&app.state.db).await.unwrap();
        assert!(before >= 150 && (before as usize) < repos.len(), "{before}");
        let s = registry::service::crawl::crawl_github(&app.state.db, config(), options(), None)
            .await
            .unwrap();
        assert!(s.resumed && s.pages_resumed > 0, "{s:?}");
        assert!(
            (s.read as usize) < repos.len() - 100,
            "repositories recorded before the kill are not read again: {s:?}"
        );
        assert_eq!(all_servers(&app).await.len(), repos.len());
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lenient_results_are_listed_and_a_skipped_repository_is_listed_by_the_next_crawl() {
    for backend in backends() {
        let app = start(backend, false).await;
        let mut repos: Vec<_> = seed_repos().into_iter().take(40).collect();
        // octocrab's models refused such results; the crawler's own do not.
        repos[1].omit = vec![
            "/owner/gravatar_id".into(),
            "/node_id".into(),
            "/url".into(),
        ];
        let failing = repos[0].full_name();
        let gh = FakeGithub::start(
            repos.clone(),
            Settings {
                fail_prefixes: vec![format!("/repos/{failing}/contents/")],
                ..Settings::default()
            },
        )
        .await;
        let s = crawl(&app, &gh).await;
        assert_eq!(s.skipped, 1, "{backend:?}: {s:?}");
        assert_eq!(
            s.skips[0].repository.as_deref(),
            Some(failing.as_str()),
            "{s:?}"
        );
        assert_eq!(
            all_servers(&app).await.len(),
            repos.len() - 1,
            "{backend:?}"
        );
        let retry = registry::db::crawl::state_get(&app.state.db, indexer::retry::RETRY_KEY)
            .await
            .unwrap()
            .unwrap_or_default();
        assert!(retry.contains(&failing), "{backend:?}: {retry}");

        gh.with(|w| w.settings.fail_prefixes.clear());
        gh.clear_log();
        let s = crawl(&app, &gh).await;
        assert_eq!((s.retried, s.skipped, s.retry_pending), (1, 0, 0), "{s:?}");
        assert!(
            gh.log()
                .iter()
                .filter(|l| l.path.starts_with("/search/"))
                .all(|l| l.status == 304),
            "{backend:?}: the search pages were unchanged"
        );
        assert_eq!(all_servers(&app).await.len(), repos.len(), "{backend:?}");
        let (_, latest) = app
            .get(&format!(
                "/v0.1/servers/{}/versions/latest",
                enc("io.github.21st-dev/magic-mcp")
            ))
            .await;
        assert_eq!(meta(&latest)["github"]["repository"], failing, "{latest}");
        app.stop().await;
    }
}
