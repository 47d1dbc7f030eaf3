//! The crawler against a local GitHub-like server built from the 358 seed servers'
//! repositories (testkit's fake GitHub).

use std::collections::HashSet;
use std::sync::Arc;

use crate::support::{MemStore, TestClock, crawler};
use testkit::github::{FakeGithub, Settings, seed_repos};

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

/// The retry list the crawl state holds: lower-case names.
fn retry_list(store: &MemStore) -> Vec<String> {
    let text = store
        .kv
        .lock()
        .unwrap()
        .get(indexer::retry::RETRY_KEY)
        .cloned();
    indexer::retry::RetryList::from_json(text.as_deref())
        .names()
        .iter()
        .map(|n| n.to_lowercase())
        .collect()
}

/// Search requests in the log, and how many of them were conditional and answered 304.
fn search_requests(gh: &FakeGithub) -> (usize, usize) {
    let log = gh.log();
    let searches: Vec<_> = log
        .iter()
        .filter(|l| l.path.starts_with("/search/"))
        .collect();
    let unchanged = searches
        .iter()
        .filter(|l| l.conditional && l.status == 304)
        .count();
    (searches.len(), unchanged)
}

/// What octocrab's strict models refuse, and GitHub sometimes sends.
const OPTIONAL_FIELDS: [&str; 9] = [
    "/owner/gravatar_id",
    "/owner/node_id",
    "/owner/avatar_url",
    "/owner/followers_url",
    "/node_id",
    "/url",
    "/license",
    "/created_at",
    "/private",
];

#[tokio::test]
async fn a_result_without_gravatar_id_and_other_optional_fields_is_fully_crawled() {
    let mut repos = seed_repos();
    repos[0].omit = OPTIONAL_FIELDS.iter().map(|s| s.to_string()).collect();
    repos[5].omit = vec!["/owner/gravatar_id".to_string()];
    // The bug: octocrab's model refuses these results.
    for r in [&repos[0], &repos[5]] {
        let item = testkit::github::repo_json("http://localhost", r);
        assert!(serde_json::from_value::<octocrab::models::Repository>(item).is_err());
    }
    let (lean, lean_gravatar) = (repos[0].clone(), repos[5].clone());
    let gh = FakeGithub::start(repos, Settings::default()).await;
    let store = Arc::new(MemStore::default());
    let s = crawler(&gh.url, 1000, Arc::new(TestClock::default()))
        .crawl(store.clone())
        .await
        .unwrap();
    assert_eq!(s.skipped, 0, "{s:?}");
    assert!(s.skips.is_empty(), "{s:?}");
    let found: HashSet<String> = store.seen_names().into_iter().collect();
    assert!(seed_names().is_subset(&found));
    let recs = store.records();
    let rec = recs.iter().find(|r| r.github_id == lean.id).unwrap();
    assert_eq!(rec.full_name, lean.full_name());
    assert!(rec.files_read, "{rec:?}");
    assert_eq!(rec.stars, lean.stars);
    assert_eq!(rec.topics, lean.topics);
    assert_eq!(rec.owner_type.as_deref(), Some("Organization"));
    assert_eq!(rec.license, None);
    assert_eq!(rec.created_at, None);
    assert_eq!(rec.pushed_at.as_deref(), Some("2025-10-01T12:00:00+00:00"));
    assert_eq!(
        rec.html_url,
        format!("https://github.com/{}", lean.full_name())
    );
    assert_eq!(
        rec.key_file.is_some(),
        lean.files.contains_key(".well-known/mcp-sign.pub")
    );
    let rec = recs
        .iter()
        .find(|r| r.github_id == lean_gravatar.id)
        .unwrap();
    assert_eq!(rec.license.as_deref(), Some("MIT"));
    assert!(retry_list(&store).is_empty());
}

#[tokio::test]
async fn a_result_missing_an_essential_field_is_skipped_with_a_reason_and_its_page_kept() {
    let mut repos = seed_repos();
    // No id: named, so it goes on the retry list.
    repos[0].omit = vec!["/id".to_string()];
    // Nothing that names it: only its pages bring it back.
    repos[1].omit = vec!["/full_name".into(), "/name".into(), "/owner".into()];
    let (no_id, anonymous) = (repos[0].clone(), repos[1].clone());
    let gh = FakeGithub::start(repos, Settings::default()).await;
    let store = Arc::new(MemStore::default());
    let c = crawler(&gh.url, 1000, Arc::new(TestClock::default()));
    let s = c.crawl(store.clone()).await.unwrap();
    assert!(s.skipped >= 2, "{s:?}");
    assert_eq!(s.skipped, s.skips.len() as u64, "{s:?}");
    let no_id_skip = s
        .skips
        .iter()
        .find(|k| k.repository.as_deref() == Some(no_id.full_name().as_str()))
        .unwrap_or_else(|| panic!("no skip for {}: {s:?}", no_id.full_name()));
    assert!(no_id_skip.reason.contains("`id`"), "{no_id_skip:?}");
    assert!(
        s.skips
            .iter()
            .any(|k| k.repository.is_none() && k.reason.contains("full_name")),
        "{s:?}"
    );
    // Everything else on the pages was kept.
    let found: HashSet<String> = store.seen_names().into_iter().collect();
    let mut expected = seed_names();
    expected.remove(&no_id.full_name().to_lowercase());
    expected.remove(&anonymous.full_name().to_lowercase());
    let missing: Vec<_> = expected.difference(&found).collect();
    assert!(missing.is_empty(), "lost with the bad results: {missing:?}");
    assert!(!found.contains(&no_id.full_name().to_lowercase()));
    assert!(retry_list(&store).contains(&no_id.full_name().to_lowercase()));
    // Pages with a result that names nothing keep no ETag, and say why.
    let withheld: Vec<String> = store
        .kv
        .lock()
        .unwrap()
        .iter()
        .filter(|(k, _)| k.starts_with("github:page:"))
        .filter_map(|(_, v)| {
            let v: serde_json::Value = serde_json::from_str(v).unwrap();
            v.get("unreadable").map(|_| v.to_string())
        })
        .collect();
    assert!(!withheld.is_empty());
    for page in &withheld {
        assert!(page.contains("\"etag\":null"), "{page}");
    }

    // The next crawl: those pages are fetched in full, the others answer 304, and both skips
    // are reported again.
    gh.clear_log();
    let s2 = c.crawl(store.clone()).await.unwrap();
    let (searches, unchanged) = search_requests(&gh);
    assert_eq!(searches - unchanged, withheld.len(), "{s2:?}");
    assert!(unchanged > 0);
    assert!(
        s2.skips
            .iter()
            .any(|k| k.repository.as_deref() == Some(no_id.full_name().as_str())),
        "{s2:?}"
    );
    assert!(s2.skips.iter().any(|k| k.repository.is_none()), "{s2:?}");
    assert!(
        gh.log()
            .iter()
            .any(|l| l.path == format!("/repos/{}", no_id.full_name()) && !l.conditional),
        "the listed repository was asked for again"
    );
    // Both stay listed (the anonymous result's repository is also a code search hit, asked
    // for by name).
    assert!(s2.retry_pending >= 1, "{s2:?}");
    assert!(retry_list(&store).contains(&no_id.full_name().to_lowercase()));
}

#[tokio::test]
async fn a_repository_whose_reads_failed_is_retried_and_recorded_while_its_page_answers_304() {
    let repos = seed_repos();
    let target = repos[0].clone();
    let gh = FakeGithub::start(
        repos,
        Settings {
            fail_prefixes: vec![format!("/repos/{}/contents/", target.full_name())],
            ..Settings::default()
        },
    )
    .await;
    let store = Arc::new(MemStore::default());
    let c = crawler(&gh.url, 1000, Arc::new(TestClock::default()));
    let s = c.crawl(store.clone()).await.unwrap();
    assert_eq!(s.skipped, 1, "{s:?}");
    let skip = &s.skips[0];
    assert_eq!(
        skip.repository.as_deref(),
        Some(target.full_name().as_str())
    );
    assert!(skip.reason.contains("502"), "{skip:?}");
    assert!(s.requests.retries > 0, "{s:?}");
    assert_eq!(s.retry_pending, 1, "{s:?}");
    assert!(store.records().iter().all(|r| r.github_id != target.id));
    assert_eq!(retry_list(&store), vec![target.full_name().to_lowercase()]);
    // Every other repository was crawled.
    assert_eq!(s.read, seed_names().len() as u64 - 1, "{s:?}");

    // GitHub recovers; nothing else changed, so every search page answers 304.
    gh.with(|w| w.settings.fail_prefixes.clear());
    gh.clear_log();
    store.clear_records();
    let s2 = c.crawl(store.clone()).await.unwrap();
    let (searches, unchanged) = search_requests(&gh);
    assert!(searches > 0);
    assert_eq!(searches, unchanged, "every search page answers 304: {s2:?}");
    let recs = store.records();
    let rec = recs
        .iter()
        .find(|r| r.github_id == target.id)
        .unwrap_or_else(|| panic!("{} was not retried: {s2:?}", target.full_name()));
    assert!(rec.files_read, "{rec:?}");
    assert_eq!(s2.retried, 1, "{s2:?}");
    assert_eq!(s2.read, 1, "{s2:?}");
    assert_eq!(s2.skipped, 0, "{s2:?}");
    assert_eq!(s2.retry_pending, 0, "{s2:?}");
    assert!(retry_list(&store).is_empty());

    // Off the list: the crawl after is a no-change crawl.
    gh.clear_log();
    let s3 = c.crawl(store.clone()).await.unwrap();
    let bad: Vec<_> = gh
        .log()
        .into_iter()
        .filter(|l| !l.conditional || l.status != 304)
        .collect();
    assert!(bad.is_empty(), "{bad:?}");
    assert_eq!((s3.read, s3.retried), (0, 0), "{s3:?}");
}

#[tokio::test]
async fn pages_stored_by_the_strict_crawler_are_fetched_in_full_once() {
    let mut repos = seed_repos();
    repos[0].omit = vec!["/owner/gravatar_id".to_string()];
    let lost = repos[0].clone();
    let gh = FakeGithub::start(repos, Settings::default()).await;
    let store = Arc::new(MemStore::default());
    let c = crawler(&gh.url, 1000, Arc::new(TestClock::default()));
    c.crawl(store.clone()).await.unwrap();
    // As the strict crawler left it: the result skipped, its pages stored without a version.
    store
        .seen
        .lock()
        .unwrap()
        .remove(&lost.full_name().to_lowercase());
    for (k, v) in store.kv.lock().unwrap().iter_mut() {
        if k.starts_with("github:page:") || k.starts_with("github:repo:") {
            let mut state: serde_json::Value = serde_json::from_str(v).unwrap();
            assert!(state.as_object_mut().unwrap().remove("models").is_some());
            *v = state.to_string();
        }
    }
    store.clear_records();
    gh.clear_log();
    let s = c.crawl(store.clone()).await.unwrap();
    let (searches, unchanged) = search_requests(&gh);
    assert!(searches > 0);
    assert_eq!(
        unchanged, 0,
        "pages of the old crawler are fetched in full: {s:?}"
    );
    let recs = store.records();
    let rec = recs.iter().find(|r| r.github_id == lost.id).unwrap();
    assert!(rec.files_read, "{rec:?}");
    // Once: the next crawl is a no-change crawl again.
    gh.clear_log();
    c.crawl(store.clone()).await.unwrap();
    assert!(gh.log().iter().all(|l| l.conditional && l.status == 304));
}
