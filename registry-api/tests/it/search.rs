//! Search: relevance over the 358 real seed servers, the `/v1/search` API (facets,
//! highlights, filters, pagination), the official `search` parameter, and freshness (publish,
//! yank, flag and revoke reach the index; restarts keep it). Each test runs on SQLite, and on
//! PostgreSQL when MCP_REGISTRY_TEST_POSTGRES_URL is set.

use std::collections::HashSet;

use registry::search::{Opened, SearchIndex};
use reqwest::StatusCode;
use serde_json::Value;
use testkit::app::{
    Backend, Options, TestApp, backends, error_code, manifest, new_key, publish_body,
    register_github_body, revoke_body, yank_body,
};
use testkit::eventually;
use testkit::github::FakeGithub;

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

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn search(app: &TestApp, query: &str) -> Value {
    let (status, body) = app.get(&format!("/v1/search?{query}")).await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    body
}

fn names(body: &Value) -> Vec<String> {
    body["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap().to_string())
        .collect()
}

/// (what a person types, the server they want, the worst acceptable rank (1 = first)).
/// Each expectation was checked against the seed data (seed/official-registry-seed.json):
/// names, descriptions and package identifiers, not against this ranker's output.
const RELEVANCE: &[(&str, &str, usize)] = &[
    // Names, whole or in part.
    (
        "io.github.21st-dev/magic-mcp",
        "io.github.21st-dev/magic-mcp",
        1,
    ),
    ("magic-mcp", "io.github.21st-dev/magic-mcp", 1),
    ("magic mcp", "io.github.21st-dev/magic-mcp", 1),
    (
        "mcp-server-kubernetes",
        "io.github.flux159/mcp-server-kubernetes",
        1,
    ),
    ("kubernetes", "io.github.flux159/mcp-server-kubernetes", 1),
    ("kubernetes", "io.github.strowk/mcp-k8s-go", 3),
    ("mongodb", "io.github.mongodb-js/mongodb-mcp-server", 1),
    ("obsidian", "io.github.calclavia/mcp-obsidian", 2),
    ("obsidian", "io.github.stevenstavrakis/obsidian-mcp", 2),
    ("redis", "io.github.prajwalnayak7/mcp-server-redis", 3),
    ("docker", "io.github.ckreiling/mcp-server-docker", 1),
    ("excel", "io.github.haris-musa/excel-mcp-server", 1),
    ("blender", "io.github.ahujasid/blender-mcp", 1),
    ("notion", "io.github.suekou/mcp-notion-server", 2),
    ("notion", "io.github.v-3/notion-server", 2),
    ("firecrawl", "io.github.mendableai/firecrawl-mcp-server", 2),
    ("firecrawl", "io.github.vrknetha/mcp-server-firecrawl", 2),
    (
        "playwright",
        "io.github.executeautomation/mcp-playwright",
        1,
    ),
    ("grafana", "io.github.grafana/mcp-grafana", 1),
    ("stripe", "io.github.atharvagupta2003/mcp-stripe", 1),
    ("weather", "io.github.isdaniel/mcp_weather_server", 1),
    (
        "elasticsearch",
        "io.github.elastic/mcp-server-elasticsearch",
        1,
    ),
    ("todoist", "io.github.abhiz123/todoist-mcp-server", 1),
    ("aws athena", "io.github.lishenxydlgzs/aws-athena-mcp", 1),
    ("video editing", "io.github.burningion/video-editing-mcp", 1),
    // Package identifiers.
    (
        "@benborla29/mcp-server-mysql",
        "io.github.benborla/mcp-server-mysql",
        1,
    ),
    ("@21st-dev/magic", "io.github.21st-dev/magic-mcp", 1),
    (
        "mcp-server-bigquery",
        "io.github.lucashild/mcp-server-bigquery",
        1,
    ),
    (
        "@executeautomation/playwright-mcp-server",
        "io.github.executeautomation/mcp-playwright",
        1,
    ),
    (
        "mark3labs/mcp-filesystem-server",
        "io.github.mark3labs/mcp-filesystem-server",
        1,
    ),
    (
        "firecrawl-mcp",
        "io.github.mendableai/firecrawl-mcp-server",
        2,
    ),
    (
        "todoist-mcp-server",
        "io.github.abhiz123/todoist-mcp-server",
        1,
    ),
    // What it is for.
    ("mysql database", "io.github.benborla/mcp-server-mysql", 3),
    (
        "mysql database",
        "io.github.designcomputer/mysql_mcp_server",
        3,
    ),
    ("filesystem", "io.github.mark3labs/mcp-filesystem-server", 1),
    ("send notifications", "io.github.ashiknesin/pushover-mcp", 2),
    ("send notifications", "io.github.gitmotion/ntfy-me-mcp", 2),
    ("google calendar", "io.github.nspady/google-calendar-mcp", 2),
    (
        "web scraping",
        "io.github.mendableai/firecrawl-mcp-server",
        3,
    ),
    ("home assistant", "io.github.tevonsb/homeassistant-mcp", 2),
    ("home assistant", "io.github.voska/hass-mcp", 2),
    ("crypto news", "io.github.kukapay/cryptopanic-mcp-server", 3),
    ("stock market data", "io.github.calvernaz/alphavantage", 3),
    (
        "stock market data",
        "io.github.financial-datasets/mcp-server",
        3,
    ),
    ("jira confluence", "io.github.sooperset/mcp-atlassian", 1),
    ("bigquery", "io.github.ergut/mcp-bigquery-server", 2),
    (
        "execute python code",
        "io.github.bazinga012/mcp_code_executor",
        3,
    ),
    (
        "terminal command execution",
        "io.github.gongrzhe/terminal-controller-mcp",
        3,
    ),
    (
        "browser automation",
        "io.github.executeautomation/mcp-playwright",
        3,
    ),
    (
        "cryptocurrency trading bot",
        "io.github.kukapay/freqtrade-mcp",
        1,
    ),
    // Misspelled.
    ("githb", "io.github.ko1ynnky/github-actions-mcp-server", 2),
    ("githb", "io.github.ddukbg/github-enterprise-mcp", 2),
    ("kubernets", "io.github.flux159/mcp-server-kubernetes", 3),
    ("gogle calender", "io.github.nspady/google-calendar-mcp", 2),
    ("obsidain", "io.github.calclavia/mcp-obsidian", 2),
    (
        "playwrigth",
        "io.github.executeautomation/mcp-playwright",
        1,
    ),
    ("mongodbb", "io.github.mongodb-js/mongodb-mcp-server", 2),
    ("spotfy", "io.github.varunneal/spotify-mcp", 1),
    ("discrod", "io.github.v-3/discordmcp", 1),
    (
        "elasticsaerch",
        "io.github.elastic/mcp-server-elasticsearch",
        1,
    ),
    ("youtub", "io.github.zubeidhendricks/youtube-mcp-server", 1),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relevance_over_the_seed_servers() {
    assert!(RELEVANCE.len() >= 40);
    for backend in backends() {
        let app = seeded(backend).await;
        let mut failures = Vec::new();
        for (q, want, max_rank) in RELEVANCE {
            let body = search(&app, &format!("q={}&limit=10", urlencode(q))).await;
            let got = names(&body);
            match got.iter().position(|n| n == want) {
                Some(i) if i < *max_rank => {}
                other => failures.push(format!(
                    "{q:?}: wanted {want} at rank <= {max_rank}, got {:?} in {got:?}",
                    other.map(|i| i + 1)
                )),
            }
        }
        assert!(failures.is_empty(), "{backend:?}:\n{}", failures.join("\n"));

        // Nonsense finds nothing; punctuation alone finds nothing.
        for q in ["xyzzyq plughzz", "%_", "---"] {
            let body = search(&app, &format!("q={}", urlencode(q))).await;
            assert_eq!(body["total"], 0, "{q}: {body}");
        }
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_api_facets_highlights_filters_and_stable_pages() {
    for backend in backends() {
        let app = seeded(backend).await;
        let body = search(&app, "q=mysql%20database").await;
        let hit = &body["hits"][0];
        assert!(hit["match"].is_string());
        assert_eq!(hit["trust"], "listed");
        assert!(hit["updatedAt"].as_str().unwrap().ends_with('Z'));
        let html = hit["highlight"]["description"].as_str().unwrap();
        assert!(html.contains("<mark>MySQL</mark>"), "{html}");
        let total = body["total"].as_u64().unwrap();
        let facet_sum = |f: &str| -> u64 {
            body["facets"][f]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["count"].as_u64().unwrap())
                .sum()
        };
        assert_eq!(facet_sum("trust"), total);
        assert!(facet_sum("registryType") >= total);
        assert!(facet_sum("transport") >= total);

        // Highlights are escaped HTML.
        let body = search(&app, "q=magic").await;
        let html = body["hits"][0]["highlight"]["description"]
            .as_str()
            .unwrap();
        assert!(html.contains("It&#39;s like v0"), "{html}");

        // A filter narrows hits; its own facet still counts every value.
        let all = search(&app, "q=server&limit=100").await;
        let pypi = search(&app, "q=server&registry_type=pypi&limit=100").await;
        assert!(pypi["total"].as_u64().unwrap() < all["total"].as_u64().unwrap());
        for h in pypi["hits"].as_array().unwrap() {
            assert!(
                h["registryTypes"]
                    .as_array()
                    .unwrap()
                    .contains(&"pypi".into())
            );
        }
        assert_eq!(
            pypi["facets"]["registryType"],
            all["facets"]["registryType"]
        );
        let signed = search(&app, "q=server&min_trust=signed").await;
        assert_eq!(signed["total"], 0, "seed servers are listed");
        let listed = search(&app, "q=server&trust=listed,signed&transport=stdio").await;
        assert!(listed["total"].as_u64().unwrap() > 0);

        // Pages: every hit once, in rank order, for words and for browsing.
        for q in ["q=mcp%20server", "q=", "q=data"] {
            let first = search(&app, &format!("{q}&limit=100")).await;
            let total = first["total"].as_u64().unwrap() as usize;
            let mut seen = Vec::new();
            let mut cursor: Option<String> = None;
            loop {
                let mut path = format!("{q}&limit=7");
                if let Some(c) = &cursor {
                    path.push_str(&format!("&cursor={}", urlencode(c)));
                }
                let page = search(&app, &path).await;
                seen.extend(names(&page));
                match page["metadata"]["nextCursor"].as_str() {
                    Some(c) => cursor = Some(c.to_string()),
                    None => break,
                }
                assert!(seen.len() <= total, "{q}: pagination does not end");
            }
            assert_eq!(seen.len(), total, "{q}");
            assert_eq!(
                seen.iter().collect::<HashSet<_>>().len(),
                total,
                "{q}: duplicates"
            );
            let top: Vec<String> = names(&first).into_iter().take(7).collect();
            assert_eq!(seen[..top.len().min(7)], top[..], "{q}: page 1 = top 7");
        }

        for bad in [
            "q=x&limit=0",
            "q=x&limit=101",
            "q=x&cursor=nonsense",
            "q=x&trust=great",
            "q=x&min_trust=yanked",
            "q=x&registry_type=cargo",
            "q=x&transport=carrier-pigeon",
            &format!("q={}", "a".repeat(201)),
        ] {
            let (status, body) = app.get(&format!("/v1/search?{bad}")).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
            assert_eq!(error_code(&body), "bad_request");
        }
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_search_parameter_answers_from_the_index() {
    for backend in backends() {
        let app = seeded(backend).await;
        let (status, body) = app.get("/v0.1/servers?search=kubernets&limit=2").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let servers = body["servers"].as_array().unwrap();
        assert_eq!(servers.len(), 2);
        assert_eq!(body["metadata"]["count"], 2);
        assert!(servers[0]["server"]["name"].is_string());
        assert!(servers[0]["_meta"][protocol::formats::OFFICIAL_META_KEY]["isLatest"] == true);
        let next = body["metadata"]["nextCursor"].as_str().unwrap().to_string();
        let (_, rest) = app
            .get(&format!(
                "/v0.1/servers?search=kubernets&limit=2&cursor={}",
                urlencode(&next)
            ))
            .await;
        let mut all: Vec<String> = servers
            .iter()
            .chain(rest["servers"].as_array().unwrap())
            .map(|s| s["server"]["name"].as_str().unwrap().to_string())
            .collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 3, "{all:?}");
        assert!(all.contains(&"io.github.flux159/mcp-server-kubernetes".to_string()));

        // Only servers that match every word are listed, as a filter should.
        let (_, body) = app.get("/v0.1/servers?search=magic-mcp").await;
        assert_eq!(body["metadata"]["count"], 1, "{body}");
        let (status, _) = app.get("/v0.1/servers?search=x&cursor=a:b").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        app.stop().await;
    }
}

async fn start_with_github(backend: Backend) -> (TestApp, FakeGithub) {
    let gh = FakeGithub::empty().await;
    let app = TestApp::start(
        backend,
        Options {
            seed: true,
            github_api_url: Some(gh.url.clone()),
            domain_proof_base_url: Some(gh.url.clone()),
            ..Options::default()
        },
    )
    .await;
    (app, gh)
}

/// Publishes into the database without going through this replica's HTTP API, as another
/// replica would: only the poller can bring it into this index.
async fn import_elsewhere(app: &TestApp, name: &str, description: &str) {
    let doc = serde_json::json!({
        "name": name,
        "description": description,
        "version": "1.0.0",
        "packages": [{"registryType": "pypi", "identifier": name.replace(['.', '/'], "-"),
                      "version": "1.0.0", "transport": {"type": "stdio"}}]
    });
    registry::service::import::import_bytes(
        &app.state.db,
        doc.to_string().as_bytes(),
        protocol::api::ReleaseOrigin::Import,
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_reach_the_index() {
    for backend in backends() {
        let (app, gh) = start_with_github(backend).await;

        // Another replica's write: the poller finds it, and an answer kept
        // from before it (the answer cache) is not served after it.
        assert_eq!(search(&app, "q=quokka").await["total"], 0);
        assert_eq!(search(&app, "q=quokka").await["total"], 0);
        import_elsewhere(&app, "io.github.zed/quokkadb", "Quokka key value store").await;
        eventually("the index to show the change", async || {
            names(&search(&app, "q=quokka").await)
                .first()
                .map(String::as_str)
                == Some("io.github.zed/quokkadb")
        })
        .await;

        // A publish through this replica is searchable when the response arrives.
        let key = new_key();
        gh.add_repo("octo", "wombat", Some(key.public_key().to_file_string()));
        let (status, body) = app
            .post("/v1/keys", &register_github_body(&key, "octo", "wombat"))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        for (name, version) in [
            ("io.github.octo/wombat", "1.0.0"),
            ("io.github.octo/wombat-tools", "1.0.0"),
        ] {
            let m = manifest(name, version, "octo/wombat");
            let (status, body) = app.post("/v1/publish", &publish_body(&key, &m)).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
        let body = search(&app, "q=wombat").await;
        assert_eq!(
            names(&body),
            ["io.github.octo/wombat", "io.github.octo/wombat-tools"]
        );
        assert_eq!(body["hits"][0]["trust"], "signed");
        assert_eq!(body["hits"][0]["match"], "exact");
        assert_eq!(body["facets"]["trust"][0]["value"], "signed");

        // A yank changes the facet and the rank (below its equally relevant sibling).
        let body = search(&app, "q=wombat%20test").await;
        assert_eq!(names(&body)[0], "io.github.octo/wombat");
        let (status, body) = app
            .post(
                "/v1/yank",
                &yank_body(&key, "io.github.octo/wombat", "1.0.0", Some("broken"), true),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let body = search(&app, "q=wombat%20test").await;
        assert_eq!(
            names(&body)[..2],
            ["io.github.octo/wombat-tools", "io.github.octo/wombat"],
            "{body}"
        );
        assert_eq!(body["hits"][1]["trust"], "yanked");
        let yanked = search(&app, "q=wombat&trust=yanked").await;
        assert_eq!(names(&yanked), ["io.github.octo/wombat"]);

        // An operator flag written by another replica (no API yet: straight to the database).
        sqlx::query("UPDATE servers SET malicious_reason = 'steals keys' WHERE name = $1")
            .bind("io.github.octo/wombat-tools")
            .execute(app.state.db.pool())
            .await
            .unwrap();
        eventually("the index to show the change", async || {
            search(&app, "q=wombat&trust=malicious").await["total"] == 1
        })
        .await;

        // Revoking the key revokes what it signed (the trigger on keys).
        let key_id = key.key_id().to_string();
        let (status, body) = app
            .post(
                &format!("/v1/keys/{key_id}/revoke"),
                &revoke_body(&key, Some("lost")),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let body = search(&app, "q=wombat").await;
        let trusts: Vec<&str> = body["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["trust"].as_str().unwrap())
            .collect();
        assert_eq!(trusts.len(), 2, "{body}");
        assert!(!trusts.contains(&"signed"), "{body}");
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_keeps_the_index_and_catches_up() {
    for backend in backends() {
        let app = seeded(backend).await;
        let dir = app.state.search.path().to_path_buf();
        assert_eq!(app.state.search.num_docs(), 358);
        app.state.search.close().await;
        let db = app.state.db.clone();

        // Changed while no index was running: applied on open, without a rebuild.
        import_elsewhere(&app, "io.github.zed/platypus", "Platypus egg counter").await;
        let (index, opened) = SearchIndex::open(&dir, &db).await.unwrap();
        assert_eq!(opened, Opened::Existing);
        assert_eq!(index.num_docs(), 359);
        let hits = index
            .search("platypus", Default::default(), 5, None)
            .unwrap()
            .hits;
        assert_eq!(hits[0].name, "io.github.zed/platypus");
        index.close().await;

        // An index from another schema version is rebuilt; a missing one is created.
        std::fs::write(dir.join("SCHEMA_VERSION"), "0").unwrap();
        let (index, opened) = SearchIndex::open(&dir, &db).await.unwrap();
        assert_eq!(opened, Opened::Rebuilt);
        assert_eq!(index.num_docs(), 359);
        index.close().await;
        std::fs::remove_dir_all(&dir).unwrap();
        let (index, opened) = SearchIndex::open(&dir, &db).await.unwrap();
        assert_eq!(opened, Opened::Created);
        assert_eq!(index.num_docs(), 359);
        index.close().await;
        app.stop().await;
    }
}

/// Stars and topics live in the crawler's repository row: a re-crawl that changes only that
/// row still reaches the index (the trigger on `github_repos`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repository_facts_reach_the_index() {
    for backend in backends() {
        let app = seeded(backend).await;
        let db = app.state.db.pool();
        sqlx::query(
            "INSERT INTO github_repos (github_id, full_name, display_name, stars, forks, \
             archived, is_fork, topics, problems, first_seen_at, updated_at) \
             VALUES (4242, 'voska/hass-mcp', 'voska/hass-mcp', 5, 0, 0, 0, '[]', '[]', 0, 0)",
        )
        .execute(db)
        .await
        .unwrap();
        sqlx::query(
            "UPDATE servers SET github_repository_id = 4242 WHERE name = 'io.github.voska/hass-mcp'",
        )
        .execute(db)
        .await
        .unwrap();
        let stars = async || -> u64 {
            let body = search(&app, "q=io.github.voska%2Fhass-mcp").await;
            body["hits"][0]["stars"].as_u64().unwrap_or(0)
        };
        eventually("the index to show the change", async || stars().await == 5).await;

        // Only the repository row changes, as a re-crawl does. (This test is about the trigger.)
        sqlx::query(
            "UPDATE github_repos SET stars = 777, topics = '[\"zebrafish\"]' WHERE github_id = 4242",
        )
        .execute(db)
        .await
        .unwrap();
        eventually("the index to show the change", async || {
            stars().await == 777
        })
        .await;
        let body = search(&app, "q=zebrafish").await;
        assert_eq!(names(&body), ["io.github.voska/hass-mcp"], "{body}");
        app.stop().await;
    }
}

/// PostgreSQL only: a transaction that took a lower change number but commits after a higher
/// one was applied must still reach the index (the poller does not skip past it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL (MCP_REGISTRY_TEST_POSTGRES_URL); scripts/test runs it when that is set"]
async fn late_commits_on_postgres_are_not_skipped() {
    testkit::app::postgres_url();
    let app = seeded(Backend::Postgres).await;
    let db = &app.state.db;
    let mut slow = db.begin().await.unwrap();
    sqlx::query("UPDATE servers SET stars = 111 WHERE name = 'io.github.voska/hass-mcp'")
        .execute(&mut *slow)
        .await
        .unwrap();
    sqlx::query(
        "UPDATE servers SET stars = 222 WHERE name = 'io.github.tevonsb/homeassistant-mcp'",
    )
    .execute(db.pool())
    .await
    .unwrap();
    let stars = async |name: &str| -> u64 {
        let body = search(&app, "q=home%20assistant").await;
        body["hits"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["name"] == name)
            .map_or(0, |h| h["stars"].as_u64().unwrap())
    };
    eventually("the index to show the change", async || {
        stars("io.github.tevonsb/homeassistant-mcp").await == 222
    })
    .await;
    // Several polls pass with the early transaction still open.
    for _ in 0..3 {
        app.state.search.sync_once(db).await.unwrap();
    }
    slow.commit().await.unwrap();
    eventually("the index to show the change", async || {
        stars("io.github.voska/hass-mcp").await == 111
    })
    .await;
    app.stop().await;
}
