//! Following the database: applying the changes recorded in `search_changes` above the floor,
//! and moving the floor only past what every transaction has committed (see the module docs of
//! [`crate::search`]).

use std::collections::{BTreeSet, HashSet};
use std::sync::atomic::Ordering;
use std::time::Duration;

use tantivy::Term;

use super::document;
use super::index::{SearchIndex, ix};
use crate::db::{self, Db};
use crate::error::Result;

/// How often each replica looks for changes.
pub const POLL_INTERVAL: Duration = Duration::from_millis(200);
/// Changes read per query while catching up.
const CHANGE_BATCH: i64 = 20_000;

/// What the poller knows beyond the floor.
#[derive(Debug, Default)]
pub(super) struct SyncState {
    /// Every change at or below this is in the index (persisted in the commit payload).
    pub(super) floor: i64,
    /// Changes above the floor already applied.
    pub(super) applied: HashSet<i64>,
    /// Highest change seen since the last mark was noted.
    pub(super) pending_max: i64,
    /// (highest change seen, PostgreSQL xmax noted after seeing it).
    pub(super) marks: Vec<(i64, i64)>,
}

impl SearchIndex {
    /// Applies the changes recorded since the last step; returns how many servers were
    /// re-indexed.
    pub async fn sync_once(&self, db: &Db) -> Result<usize> {
        let mut state = self.inner.sync.lock().await;
        let horizon = db::search::xid_horizon(db).await?;
        if let Some((_, xmax)) = horizon
            && state.pending_max > state.floor
        {
            let m = state.pending_max;
            state.marks.push((m, xmax));
            state.pending_max = 0;
        }
        let mut changes = Vec::new();
        let mut from = state.floor;
        loop {
            let batch = db::search::changes_after(db, from, CHANGE_BATCH).await?;
            let full = batch.len() as i64 == CHANGE_BATCH;
            if let Some(last) = batch.last() {
                from = last.0;
            }
            changes.extend(batch);
            if !full {
                break;
            }
        }
        let new: Vec<(i64, i64)> = changes
            .iter()
            .copied()
            .filter(|(seq, _)| !state.applied.contains(seq))
            .collect();
        let ids: Vec<i64> = new
            .iter()
            .map(|c| c.1)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let max_seen = changes.last().map_or(state.floor, |c| c.0);
        let new_floor = match horizon {
            None => max_seen.max(state.floor),
            Some((xmin, _)) => {
                let safe = state
                    .marks
                    .iter()
                    .filter(|(_, xmax)| *xmax <= xmin)
                    .map(|(seq, _)| *seq)
                    .max();
                safe.unwrap_or(state.floor).max(state.floor)
            }
        };
        if ids.is_empty() && new_floor == state.floor {
            if horizon.is_some() {
                state.pending_max = state.pending_max.max(max_seen);
            }
            return Ok(0);
        }
        let rows = if ids.is_empty() {
            Vec::new()
        } else {
            db::search::by_ids(db, &ids).await?
        };
        let deletes = ids.clone();
        self.write(new_floor, move |w, fields| {
            for id in deletes {
                w.delete_term(Term::from_field_u64(
                    fields.server_id,
                    u64::try_from(id).unwrap_or(0),
                ));
            }
            for row in &rows {
                w.add_document(document::build(fields, row)).map_err(ix)?;
            }
            Ok(())
        })
        .await?;
        for (seq, _) in &new {
            state.applied.insert(*seq);
        }
        if horizon.is_some() {
            state.pending_max = state.pending_max.max(max_seen);
            state.marks.retain(|(seq, _)| *seq > new_floor);
        }
        state.floor = new_floor;
        state.applied.retain(|seq| *seq > new_floor);
        Ok(ids.len())
    }

    /// Polls the database every [`POLL_INTERVAL`] until [`close`](Self::close) or the pool
    /// closes.
    pub fn spawn_sync(&self, db: Db) -> Option<tokio::task::JoinHandle<()>> {
        if self.inner.writer.lock().map_or(true, |w| w.is_none()) {
            return None;
        }
        let me = self.clone();
        Some(tokio::spawn(async move {
            let mut failing = false;
            loop {
                tokio::select! {
                    () = tokio::time::sleep(POLL_INTERVAL) => {}
                    () = me.inner.stop.notified() => {}
                }
                if me.inner.stopped.load(Ordering::SeqCst) || db.pool().is_closed() {
                    break;
                }
                match me.sync_once(&db).await {
                    Ok(n) => {
                        if n > 0 {
                            tracing::debug!(servers = n, "search index updated");
                        }
                        failing = false;
                    }
                    Err(e) if !failing => {
                        tracing::warn!(error = %e, "search index update failed; retrying");
                        failing = true;
                    }
                    Err(_) => {}
                }
            }
        }))
    }
}
