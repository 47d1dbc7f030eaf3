//! Candidate discovery by search: one query's pages, range by range, each page asked for with
//! its last ETag, its results handed to the repository readers.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use serde_json::Value;

use super::Crawler;
use super::range::{Kind, Range};
use super::run::Run;
use super::state::{PageState, load_json, page_key, save_json};
use crate::error::{Error, Result};
use crate::github::{ACCEPT_JSON, MAX_JSON_BODY};
use crate::github_models::{CodeHitJson, RepoJson};
use crate::store::CrawlStore;

/// What a search page needs done.
pub(super) enum PageItems {
    /// Finished earlier in this run.
    Resumed,
    /// Unchanged since the last crawl.
    NotModified,
    Fresh(Vec<Value>),
}

/// Percent-encodes a search query for a URL.
fn encode(q: &str) -> String {
    url::form_urlencoded::byte_serialize(q.as_bytes()).collect()
}

impl Crawler {
    pub(super) fn search_url(&self, kind: Kind, q: &str, range: Range) -> String {
        let endpoint = match kind {
            Kind::Repos => "repositories",
            Kind::Code => "code",
        };
        format!(
            "/search/{endpoint}?q={}&per_page={}&page=1",
            encode(&format!("{q} {}", range.qualifier())),
            self.inner.options.per_page
        )
    }

    /// Searches one query over `range`, splitting ranges above the cap.
    pub(super) async fn search(
        &self,
        store: &Arc<dyn CrawlStore>,
        run: &Run,
        kind: Kind,
        q: &str,
        range: Range,
    ) -> Result<()> {
        let mut stack = vec![range];
        while let Some(range) = stack.pop() {
            run.counters.ranges.fetch_add(1, Ordering::Relaxed);
            let mut url = Some(self.search_url(kind, q, range));
            let mut first = true;
            while let Some(page_url) = url.take() {
                let (state, items) = self.page(store, run, &page_url).await?;
                if first && state.total > self.inner.options.search_cap {
                    if let Some((a, b)) = range.split() {
                        save_json(store.as_ref(), &page_key(&page_url), &state).await?;
                        stack.push(b);
                        stack.push(a);
                        break;
                    }
                    run.counters.truncated.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(query = q, range = %range.qualifier(), total = state.total,
                        "more results than the search cap in one day; only the first are seen");
                }
                first = false;
                let mut state = state;
                match (kind, items) {
                    (Kind::Code, PageItems::Resumed) => {}
                    (Kind::Repos, PageItems::Resumed | PageItems::NotModified) => {
                        if let Ok(mut seen) = run.seen.lock() {
                            seen.extend(state.ids.iter().copied());
                        }
                    }
                    (Kind::Repos, PageItems::Fresh(items)) => {
                        state.ids = items
                            .iter()
                            .filter_map(|i| i.get("id").and_then(Value::as_i64))
                            .collect();
                        state.unreadable = self.repos(store, run, items).await?;
                    }
                    (Kind::Code, PageItems::NotModified) => {
                        let names = state.repos.clone();
                        self.code_hits(store, run, names).await?;
                    }
                    (Kind::Code, PageItems::Fresh(items)) => {
                        let mut names = Vec::with_capacity(items.len());
                        for item in items {
                            match CodeHitJson::full_name(item) {
                                Ok(n) => names.push(n),
                                Err(u) => {
                                    self.skip(run, None, &u.reason);
                                    state.unreadable.push(u.reason);
                                }
                            }
                        }
                        names.dedup();
                        self.code_hits(store, run, names.clone()).await?;
                        state.repos = names;
                    }
                }
                if !state.unreadable.is_empty() {
                    // Nothing names these results: only the whole page brings them back.
                    state.etag = None;
                }
                // The retry list first: a crash before the page's ETag is saved costs the
                // page again, never a skipped result.
                self.save_retry(store, run).await?;
                save_json(store.as_ref(), &page_key(&page_url), &state).await?;
                self.report(run);
                url = state.next.clone();
            }
        }
        Ok(())
    }

    /// One search page: its state, and its items when they must be looked at (not when it is
    /// unchanged since the last crawl or was finished earlier in this run).
    pub(super) async fn page(
        &self,
        store: &Arc<dyn CrawlStore>,
        run: &Run,
        url: &str,
    ) -> Result<(PageState, PageItems)> {
        let cached: Option<PageState> = load_json(store.as_ref(), &page_key(url)).await?;
        if let Some(c) = &cached
            && c.run == run.id
        {
            run.counters.pages_resumed.fetch_add(1, Ordering::Relaxed);
            return Ok((c.clone(), PageItems::Resumed));
        }
        let etag = cached.as_ref().and_then(PageState::usable_etag);
        let reply = self
            .inner
            .github
            .get(url, etag, ACCEPT_JSON, MAX_JSON_BODY)
            .await?;
        match (reply.status, cached) {
            (304, Some(c)) => {
                run.counters
                    .pages_not_modified
                    .fetch_add(1, Ordering::Relaxed);
                Ok((
                    PageState {
                        total: c.total,
                        next: c.next,
                        repos: c.repos,
                        ids: c.ids,
                        ..PageState::new(run.id, reply.etag.or(c.etag))
                    },
                    PageItems::NotModified,
                ))
            }
            (200, _) => {
                run.counters.pages_fetched.fetch_add(1, Ordering::Relaxed);
                let body: Value = serde_json::from_slice(&reply.body)
                    .map_err(|e| Error::Http(format!("GET {url}: the answer is not JSON: {e}")))?;
                let total = body.get("total_count").and_then(Value::as_u64).unwrap_or(0);
                let items = match body.get("items") {
                    Some(Value::Array(items)) => items.clone(),
                    _ => Vec::new(),
                };
                Ok((
                    PageState {
                        total,
                        next: reply.next,
                        ..PageState::new(run.id, reply.etag)
                    },
                    PageItems::Fresh(items),
                ))
            }
            // Past the search cap GitHub answers 422: the range ends here.
            (422, _) => Ok((PageState::new(run.id, None), PageItems::Resumed)),
            (status, _) => Err(Error::Status {
                url: url.to_string(),
                status,
                message: String::from_utf8_lossy(&reply.body[..reply.body.len().min(200)])
                    .into_owned(),
            }),
        }
    }

    /// Repository search items: full repository objects, each read on its own. Returns why
    /// the results that named no repository were skipped (the others were recorded, or are
    /// on the retry list).
    pub(super) async fn repos(
        &self,
        store: &Arc<dyn CrawlStore>,
        run: &Run,
        items: Vec<Value>,
    ) -> Result<Vec<String>> {
        let mut recs = Vec::with_capacity(items.len());
        let mut unreadable = Vec::new();
        for item in items {
            match RepoJson::from_value(item).and_then(RepoJson::into_record) {
                Ok(r) => recs.push(r),
                Err(u) => {
                    if !self.skip(run, u.full_name.as_deref(), &u.reason) {
                        unreadable.push(u.reason);
                    }
                }
            }
        }
        self.process(store, run, recs).await?;
        Ok(unreadable)
    }
}
