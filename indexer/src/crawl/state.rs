//! What the crawler stores between runs: each search page's (or repository's) last answer
//! and ETag, under keys of its own, as JSON.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::CrawlStore;

/// The version of the models that read the stored pages. Pages stored by an older crawler
/// (0: octocrab's strict models, which skipped results silently) are fetched in full once,
/// so what that crawler skipped behind their ETags is read again.
pub(super) const MODELS_VERSION: u32 = 1;

/// A search page's (or a repository's) last answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct PageState {
    /// Never stored while the page had results that named no repository (see `unreadable`).
    pub(super) etag: Option<String>,
    /// The run that last finished this page.
    pub(super) run: u64,
    pub(super) total: u64,
    pub(super) next: Option<String>,
    /// Code search pages: the repositories named on the page. Code results hold no push time,
    /// so an unchanged page still has each of its repositories asked about (conditionally).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) repos: Vec<String>,
    /// Repository pages: the ids on the page, counted as seen when the page is unchanged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) ids: Vec<i64>,
    /// [`MODELS_VERSION`] of the crawler that stored this (0: before versions).
    #[serde(default)]
    pub(super) models: u32,
    /// Why results on the page that named no repository were skipped.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) unreadable: Vec<String>,
}

impl PageState {
    pub(super) fn new(run: u64, etag: Option<String>) -> Self {
        PageState {
            etag,
            run,
            total: 0,
            next: None,
            repos: Vec::new(),
            ids: Vec::new(),
            models: MODELS_VERSION,
            unreadable: Vec::new(),
        }
    }

    /// The ETag to send: none for a state stored by older models.
    pub(super) fn usable_etag(&self) -> Option<&str> {
        (self.models >= MODELS_VERSION)
            .then_some(self.etag.as_deref())
            .flatten()
    }
}

pub(super) fn page_key(url: &str) -> String {
    format!("github:page:{url}")
}

pub(super) fn repo_key(full_name: &str) -> String {
    format!("github:repo:{}", full_name.to_lowercase())
}

pub(super) async fn load_json<T: for<'de> Deserialize<'de>>(
    store: &dyn CrawlStore,
    key: &str,
) -> Result<Option<T>> {
    Ok(store
        .load(key)
        .await?
        .and_then(|s| serde_json::from_str(&s).ok()))
}

pub(super) async fn save_json<T: Serialize>(
    store: &dyn CrawlStore,
    key: &str,
    value: &T,
) -> Result<()> {
    let text = serde_json::to_string(value)
        .map_err(|e| Error::Store(format!("cannot serialize the crawl state: {e}")))?;
    store.save(key, &text).await
}
