//! Search results and repositories a crawl skipped, and the retry list that brings them back.
//!
//! Search pages are requested with the ETag of their last answer, and a 304 has no body: a
//! result skipped on a page would never be looked at again while the page is unchanged. So no
//! skip is left behind a 304:
//!
//! - A skipped result that names its repository (`owner/name`) goes on the **retry list**,
//!   kept in the crawl state under [`RETRY_KEY`]: its files could not be read (a 5xx after
//!   retries, a timeout, a rate limit that stayed exhausted), or its JSON lacked an `id`.
//!   Every crawl starts by asking for each listed repository on its own
//!   (`GET /repos/{owner}/{name}`, unconditionally, one core request each) and recording it;
//!   an entry leaves the list once its repository is recorded, or when GitHub says it is gone
//!   (404, 410, 451). Until then every crawl reports it again.
//! - A result that names no repository cannot be asked for on its own: the page's ETag is not
//!   stored (its state keeps the reasons instead), so the next crawl fetches the page in full.
//!
//! The list is saved before the ETag of the page that added to it, so a crawl killed in
//! between loses nothing: the page is fetched again.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

/// Where the crawl state keeps the retry list.
pub const RETRY_KEY: &str = "github:retry";

/// At most this many skips are listed in a crawl's summary (all are counted and logged).
pub const MAX_LISTED_SKIPS: usize = 100;

/// Something a crawl skipped, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Skipped {
    /// `owner/name`, when known (it is then on the retry list).
    pub repository: Option<String>,
    pub reason: String,
}

/// One repository waiting to be retried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryEntry {
    /// `owner/name`, as GitHub spelled it.
    pub full_name: String,
    /// Why it was last skipped.
    pub reason: String,
    /// The run that first skipped it.
    pub first_run: u64,
    /// Crawls that skipped it.
    pub attempts: u32,
}

/// The repositories to ask for again, by lower-case `owner/name`.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct RetryList {
    entries: BTreeMap<String, RetryEntry>,
    /// Changed since it was last saved.
    #[serde(skip)]
    dirty: bool,
    /// Names skipped by this process (an entry that was retried and is not here succeeded).
    #[serde(skip)]
    touched: HashSet<String>,
}

impl RetryList {
    /// The list saved as `text` (an unreadable list is empty: its entries' pages were saved
    /// with their ETags, so they would be lost, but it is only ever written by this code).
    pub fn from_json(text: Option<&str>) -> RetryList {
        text.and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or_default()
    }

    /// Puts `full_name` on the list (again), for `reason`.
    pub fn add(&mut self, full_name: &str, reason: &str, run: u64) {
        let key = full_name.to_lowercase();
        let entry = self.entries.entry(key.clone()).or_insert(RetryEntry {
            full_name: full_name.to_string(),
            reason: String::new(),
            first_run: run,
            attempts: 0,
        });
        entry.reason = reason.to_string();
        entry.attempts = entry.attempts.saturating_add(1);
        self.touched.insert(key);
        self.dirty = true;
    }

    /// Takes `full_name` off the list; whether it was on it.
    pub fn remove(&mut self, full_name: &str) -> bool {
        let removed = self.entries.remove(&full_name.to_lowercase()).is_some();
        self.dirty |= removed;
        removed
    }

    /// Forgets that this process skipped `full_name` (before it is tried again).
    pub fn untouch(&mut self, full_name: &str) {
        self.touched.remove(&full_name.to_lowercase());
    }

    /// Whether this process skipped `full_name` since [`untouch`](Self::untouch).
    pub fn touched(&self, full_name: &str) -> bool {
        self.touched.contains(&full_name.to_lowercase())
    }

    pub fn names(&self) -> Vec<String> {
        self.entries.values().map(|e| e.full_name.clone()).collect()
    }

    pub fn entries(&self) -> impl Iterator<Item = &RetryEntry> {
        self.entries.values()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The JSON to save, when the list changed since it was last taken.
    pub fn take_changes(&mut self) -> Option<String> {
        if !self.dirty {
            return None;
        }
        self.dirty = false;
        // A map of strings and numbers always serializes.
        serde_json::to_string(self).ok()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn entries_are_counted_saved_and_removed_case_insensitively() {
        let mut l = RetryList::default();
        assert_eq!(l.take_changes(), None);
        l.add("Acme/Tool", "timeout", 3);
        l.add("acme/tool", "502", 4);
        assert!(l.touched("ACME/tool"));
        let text = l.take_changes().unwrap();
        assert_eq!(l.take_changes(), None);
        let mut back = RetryList::from_json(Some(&text));
        let e = back.entries().next().unwrap().clone();
        assert_eq!(
            e,
            RetryEntry {
                full_name: "Acme/Tool".into(),
                reason: "502".into(),
                first_run: 3,
                attempts: 2
            }
        );
        assert!(!back.touched("acme/tool"), "touches are per process");
        assert!(back.remove("ACME/TOOL"));
        assert!(back.is_empty());
        assert!(back.take_changes().is_some());
        assert!(RetryList::from_json(Some("not json")).is_empty());
    }
}
