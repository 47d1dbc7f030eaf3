//! Test support: an in-memory crawl store and a clock that records its waits.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use indexer::{
    BoxFuture, Clock, CrawlOptions, CrawlStore, Crawler, Github, GithubConfig, RepoRecord, SeenRepo,
};
use tokio::sync::Notify;

/// The crawl state and records in memory, as the registry keeps them in its database.
#[derive(Debug, Default)]
pub struct MemStore {
    pub kv: Mutex<HashMap<String, String>>,
    pub records: Mutex<Vec<RepoRecord>>,
    pub seen: Mutex<HashMap<String, SeenRepo>>,
    /// Notified after each record.
    pub recorded: Notify,
    pub count: AtomicUsize,
}

impl MemStore {
    pub fn records(&self) -> Vec<RepoRecord> {
        self.records.lock().unwrap().clone()
    }

    pub fn clear_records(&self) {
        self.records.lock().unwrap().clear();
    }

    pub fn seen_names(&self) -> Vec<String> {
        self.seen.lock().unwrap().keys().cloned().collect()
    }
}

impl CrawlStore for MemStore {
    fn load<'a>(&'a self, key: &'a str) -> BoxFuture<'a, indexer::Result<Option<String>>> {
        Box::pin(async move { Ok(self.kv.lock().unwrap().get(key).cloned()) })
    }

    fn save<'a>(&'a self, key: &'a str, value: &'a str) -> BoxFuture<'a, indexer::Result<()>> {
        Box::pin(async move {
            self.kv
                .lock()
                .unwrap()
                .insert(key.to_string(), value.to_string());
            Ok(())
        })
    }

    fn seen<'a>(&'a self, full_name: &'a str) -> BoxFuture<'a, indexer::Result<Option<SeenRepo>>> {
        Box::pin(async move {
            Ok(self
                .seen
                .lock()
                .unwrap()
                .get(&full_name.to_lowercase())
                .cloned())
        })
    }

    fn record(&self, record: RepoRecord) -> BoxFuture<'_, indexer::Result<()>> {
        Box::pin(async move {
            self.seen.lock().unwrap().insert(
                record.full_name.to_lowercase(),
                SeenRepo {
                    github_id: record.github_id,
                    pushed_at: record.pushed_at.clone(),
                },
            );
            self.records.lock().unwrap().push(record);
            self.count.fetch_add(1, Ordering::SeqCst);
            self.recorded.notify_waiters();
            Ok(())
        })
    }
}

/// The system clock, recording every wait (and keeping each short).
#[derive(Debug, Default)]
pub struct TestClock {
    pub sleeps: Mutex<Vec<Duration>>,
}

impl Clock for TestClock {
    fn now_ms(&self) -> i64 {
        indexer::SystemClock.now_ms()
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'_, ()> {
        self.sleeps.lock().unwrap().push(duration);
        Box::pin(tokio::time::sleep(duration.min(Duration::from_secs(3))))
    }
}

pub fn crawler(url: &str, cap: u64, clock: Arc<TestClock>) -> Crawler {
    let mut config = GithubConfig::new(url, Some("ghp_test_token".to_string()));
    config.retry_base = Duration::from_millis(10);
    let github = Github::new(config, clock.clone()).unwrap();
    let options = CrawlOptions {
        search_cap: cap,
        concurrency: 4,
        ..CrawlOptions::default()
    };
    Crawler::new(github, options, clock)
}
