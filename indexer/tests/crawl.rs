#![allow(clippy::unwrap_used)]
//! The crawler against a local GitHub-like server built from the 358 seed servers'
//! repositories (see `common::fake_github`).

mod common;

use std::collections::HashSet;
use std::sync::Arc;

use common::fake_github::{FakeGithub, Settings, seed_repos};
use common::{MemStore, TestClock, crawler};

fn seed_names() -> HashSet<String> {
    seed_repos()
        .iter()
        .map(|r| r.full_name().to_lowercase())
        .collect()
}

async fn discovers_all_with_cap(cap: usize) {
    let gh = FakeGithub::start(
        seed_repos(),
        Settings {
            search_cap: cap,
            ..Settings::default()
        },
    )
    .await;
    let store = Arc::new(MemStore::default());
    let clock = Arc::new(TestClock::default());
    let summary = crawler(&gh.url, cap as u64, clock)
        .crawl(store.clone())
        .await
        .unwrap();
    let found: HashSet<String> = store.seen_names().into_iter().collect();
    let missing: Vec<_> = seed_names().difference(&found).cloned().collect();
    assert!(
        missing.is_empty(),
        "not discovered with cap {cap}: {missing:?}"
    );
    println!(
        "cap {cap}: {} ranges, {} search pages, {} requests for {} repositories ({:.2} each)",
        summary.ranges,
        summary.pages_fetched,
        summary.requests.requests,
        summary.repositories,
        summary.requests.requests as f64 / summary.repositories as f64
    );
    assert_eq!(summary.truncated_ranges, 0, "{summary:?}");
    // No search asked for a page past the cap.
    assert!(
        gh.log().iter().all(|l| l.status != 422),
        "a page past the cap was asked for"
    );
    if cap < 358 {
        // 7 queries: more ranges than queries means ranges were split.
        assert!(summary.ranges > 7, "{summary:?}");
    }
}

#[tokio::test]
async fn every_seed_repository_is_discovered_with_the_real_cap() {
    discovers_all_with_cap(1000).await;
}

#[tokio::test]
async fn every_seed_repository_is_discovered_with_a_small_cap_by_splitting_dates() {
    discovers_all_with_cap(50).await;
}

#[tokio::test]
async fn a_no_change_recrawl_makes_only_conditional_requests_all_answered_304() {
    let gh = FakeGithub::start(seed_repos(), Settings::default()).await;
    let store = Arc::new(MemStore::default());
    let clock = Arc::new(TestClock::default());
    let c = crawler(&gh.url, 1000, clock);
    let first = c.crawl(store.clone()).await.unwrap();
    let repos = first.repositories;
    assert_eq!(repos, seed_names().len() as u64);
    gh.clear_log();
    store.clear_records();
    let second = c.crawl(store.clone()).await.unwrap();
    let log = gh.log();
    assert!(!log.is_empty());
    let bad: Vec<_> = log
        .iter()
        .filter(|l| !l.conditional || l.status != 304)
        .collect();
    assert!(
        bad.is_empty(),
        "unconditional or changed requests on a no-change re-crawl: {bad:?}"
    );
    assert!(
        store.records().is_empty(),
        "nothing changed, nothing is recorded"
    );
    assert_eq!(second.read, 0);
    println!(
        "first crawl: {} requests for {repos} repositories ({:.2} per repository); \
         no-change re-crawl: {} requests ({:.3} per repository), all conditional, all 304",
        first.requests.requests,
        first.requests.requests as f64 / repos as f64,
        second.requests.requests,
        second.requests.requests as f64 / repos as f64,
    );
}

#[tokio::test]
async fn only_pushed_repositories_are_reread() {
    let gh = FakeGithub::start(seed_repos(), Settings::default()).await;
    let store = Arc::new(MemStore::default());
    let c = crawler(&gh.url, 1000, Arc::new(TestClock::default()));
    c.crawl(store.clone()).await.unwrap();
    let (pushed, starred) = gh.with(|w| {
        w.repos[3].pushed_at = "2025-11-20T00:00:00Z".to_string();
        w.repos[4].stars += 1;
        (w.repos[3].full_name(), w.repos[4].full_name())
    });
    store.clear_records();
    gh.clear_log();
    let s = c.crawl(store.clone()).await.unwrap();
    assert_eq!(s.read, 1, "{s:?}");
    let recs = store.records();
    let p = recs.iter().find(|r| r.full_name == pushed).unwrap();
    assert!(p.files_read);
    let st = recs.iter().find(|r| r.full_name == starred).unwrap();
    assert!(!st.files_read, "a star is metadata: files are not re-read");
    // Contents were requested for the pushed repository only.
    let contents: HashSet<String> = gh
        .log()
        .iter()
        .filter(|l| l.path.contains("/contents/"))
        .map(|l| l.path.split("/contents/").next().unwrap().to_string())
        .collect();
    assert_eq!(contents, HashSet::from([format!("/repos/{pushed}")]));
}

#[tokio::test]
async fn a_crawl_that_hits_the_rate_limit_waits_and_completes() {
    let gh = FakeGithub::start(
        seed_repos(),
        Settings {
            search_cap: 50,
            search_limit: 12,
            code_search_limit: 4,
            window_secs: 2,
            ..Settings::default()
        },
    )
    .await;
    let store = Arc::new(MemStore::default());
    let clock = Arc::new(TestClock::default());
    let s = crawler(&gh.url, 50, clock.clone())
        .crawl(store.clone())
        .await
        .unwrap();
    assert!(s.requests.rate_limit_waits > 0, "{s:?}");
    assert!(!clock.sleeps.lock().unwrap().is_empty());
    let found: HashSet<String> = store.seen_names().into_iter().collect();
    assert!(seed_names().is_subset(&found));
}

#[tokio::test]
async fn secondary_limits_and_502s_are_retried() {
    let gh = FakeGithub::start(
        seed_repos(),
        Settings {
            fail_every: 29,
            secondary_at: vec![3, 200],
            ..Settings::default()
        },
    )
    .await;
    let store = Arc::new(MemStore::default());
    let clock = Arc::new(TestClock::default());
    let s = crawler(&gh.url, 1000, clock.clone())
        .crawl(store.clone())
        .await
        .unwrap();
    assert!(s.requests.retries > 0, "{s:?}");
    assert_eq!(s.requests.secondary_waits, 2, "{s:?}");
    // retry-after: 1 was honoured.
    assert!(
        clock
            .sleeps
            .lock()
            .unwrap()
            .contains(&std::time::Duration::from_secs(1))
    );
    let found: HashSet<String> = store.seen_names().into_iter().collect();
    assert!(seed_names().is_subset(&found));
}

#[tokio::test]
async fn a_killed_crawl_resumes_without_starting_over() {
    let gh = FakeGithub::start(
        seed_repos(),
        Settings {
            search_cap: 50,
            ..Settings::default()
        },
    )
    .await;
    let store = Arc::new(MemStore::default());
    let c = crawler(&gh.url, 50, Arc::new(TestClock::default()));
    let task = {
        let c = c.clone();
        let store = store.clone();
        tokio::spawn(async move { c.crawl(store).await })
    };
    while store.count.load(std::sync::atomic::Ordering::SeqCst) < 200 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    task.abort();
    let _ = task.await;
    let before = store.seen_names().len();
    assert!(before >= 200 && before < seed_names().len(), "{before}");
    let killed_requests = gh.log().len();
    gh.clear_log();
    let s = c.crawl(store.clone()).await.unwrap();
    assert!(s.resumed, "{s:?}");
    assert!(s.pages_resumed > 0, "{s:?}");
    let found: HashSet<String> = store.seen_names().into_iter().collect();
    assert!(seed_names().is_subset(&found));
    // Repositories recorded before the kill are not read again.
    let reread = s.read as usize;
    assert!(
        reread <= seed_names().len() - before + 8,
        "read {reread} again after {before}"
    );
    assert!(gh.log().len() < killed_requests + 40 || reread < seed_names().len());
    // The next run is a new one.
    let again = c.crawl(store.clone()).await.unwrap();
    assert!(!again.resumed);
    assert_eq!(again.read, 0);
}

#[tokio::test]
async fn hostile_repository_files_are_skipped_with_a_recorded_reason() {
    let mut repos = seed_repos();
    let huge = vec![b' '; 2 * 1024 * 1024];
    repos[0].files.insert("server.json".into(), huge.clone());
    repos[1].files.insert("server.json".into(), huge);
    repos[1].listed_sizes.insert("server.json".into(), 100);
    repos[2]
        .files
        .insert("server.json".into(), b"{\"name\": ".to_vec());
    let wrong = format!(
        r#"{{"$schema":"{}","name":42,"version":"1"}}"#,
        protocol::formats::SERVER_SCHEMA_URL
    );
    repos[3]
        .files
        .insert("server.json".into(), wrong.into_bytes());
    repos[4]
        .files
        .insert("package.json".into(), b"[1,2,3]".to_vec());
    repos[5]
        .files
        .insert("pyproject.toml".into(), b"[project\nname=".to_vec());
    repos[6].files.insert(
        ".well-known/mcp-sign.pub".into(),
        b"<script>alert(1)</script>".to_vec(),
    );
    let names: Vec<String> = repos[..7].iter().map(|r| r.full_name()).collect();
    let gh = FakeGithub::start(repos, Settings::default()).await;
    let store = Arc::new(MemStore::default());
    let s = crawler(&gh.url, 1000, Arc::new(TestClock::default()))
        .crawl(store.clone())
        .await
        .unwrap();
    assert!(s.problems >= 7, "{s:?}");
    let recs = store.records();
    let reason = |i: usize, path: &str| -> String {
        let r = recs.iter().find(|r| r.full_name == names[i]).unwrap();
        r.problems
            .iter()
            .find(|p| p.path == path)
            .unwrap_or_else(|| panic!("no problem for {path} in {r:?}"))
            .reason
            .clone()
    };
    assert!(reason(0, "server.json").contains("too large"));
    assert!(reason(1, "server.json").contains("too large"));
    assert!(reason(2, "server.json").contains("not valid JSON"));
    assert!(reason(3, "server.json").contains("`name` must be a string"));
    assert!(reason(4, "package.json").contains("JSON object"));
    assert!(reason(5, "pyproject.toml").contains("TOML"));
    assert!(reason(6, ".well-known/mcp-sign.pub").contains("minisign"));
    let r0 = recs.iter().find(|r| r.full_name == names[0]).unwrap();
    assert!(r0.server_json.is_none());
    // Everything else was still discovered.
    let found: HashSet<String> = store.seen_names().into_iter().collect();
    assert!(seed_names().is_subset(&found));
}

#[tokio::test]
async fn records_carry_the_github_facts_and_key_files() {
    let gh = FakeGithub::start(seed_repos(), Settings::default()).await;
    let store = Arc::new(MemStore::default());
    crawler(&gh.url, 1000, Arc::new(TestClock::default()))
        .crawl(store.clone())
        .await
        .unwrap();
    let repos = seed_repos();
    let recs = store.records();
    let first = recs.iter().find(|r| r.github_id == repos[0].id).unwrap();
    assert_eq!(first.full_name, repos[0].full_name());
    assert_eq!(first.stars, repos[0].stars);
    assert_eq!(first.license.as_deref(), Some("MIT"));
    assert_eq!(first.owner_type.as_deref(), Some("Organization"));
    assert_eq!(first.topics, repos[0].topics);
    assert!(
        first.key_file.is_some(),
        "every tenth repository publishes a key"
    );
    assert!(recs.iter().any(|r| r.archived));
    assert!(recs.iter().any(|r| r.fork));
    assert!(recs.iter().any(|r| r.server_json.is_some()));
    assert!(recs.iter().any(|r| {
        r.package_json
            .as_ref()
            .is_some_and(|p| p.mcp_name.is_some())
    }));
}
