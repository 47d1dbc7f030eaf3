//! A full rebuild of the index from the database, page by page, ending with one segment.

use std::time::{Duration, Instant};

use super::document;
use super::index::{SearchIndex, ix};
use super::sync::SyncState;
use crate::db::{self, Db};
use crate::error::Result;

/// Servers read per query during a rebuild.
const REBUILD_PAGE: i64 = 1_000;
/// Longest a rebuild waits for PostgreSQL transactions that were running when it started.
const REBUILD_SETTLE_MAX: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Copy)]
pub struct RebuildReport {
    pub servers: u64,
    pub elapsed: Duration,
}

impl SearchIndex {
    /// Rebuilds the whole index from the database. Searches see the old index until the new
    /// one is committed. `progress(done, total)` is called after each page.
    pub async fn rebuild(
        &self,
        db: &Db,
        progress: Option<&(dyn Fn(u64, u64) + Sync)>,
    ) -> Result<RebuildReport> {
        let started = Instant::now();
        let mut state = self.inner.sync.lock().await;
        // Every change up to `seq` must be committed before the servers are read, or the floor
        // would claim changes the index has not seen.
        let mut seq = db::search::max_seq(db).await?;
        if let Some((_, xmax)) = db::search::xid_horizon(db).await? {
            let waited = Instant::now();
            loop {
                match db::search::xid_horizon(db).await? {
                    Some((xmin, _)) if xmin < xmax => {}
                    _ => break,
                }
                if waited.elapsed() > REBUILD_SETTLE_MAX {
                    tracing::warn!(
                        "a database transaction has been running for over 30 s; the index will \
                         re-apply every recorded change after the rebuild"
                    );
                    seq = 0;
                    break;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        let total = u64::try_from(db::servers::count(db).await?).unwrap_or(0);
        self.with_writer(|w, _| {
            w.delete_all_documents().map_err(ix)?;
            Ok(())
        })
        .await?;
        let mut after = 0;
        let mut done = 0u64;
        loop {
            let rows = db::search::page(db, after, REBUILD_PAGE).await?;
            let Some(last) = rows.last() else { break };
            after = last.release.server_id;
            let n = rows.len() as u64;
            self.with_writer(move |writer, inner| {
                for row in &rows {
                    writer
                        .add_document(document::build(&inner.fields, row))
                        .map_err(ix)?;
                }
                Ok(())
            })
            .await?;
            done += n;
            if let Some(p) = progress {
                p(done, total.max(done));
            }
        }
        self.write(seq, |_, _| Ok(())).await?;
        // One segment answers fastest: every query pays per segment for its term look-ups.
        self.with_writer(|writer, inner| {
            let ids = inner.index.searchable_segment_ids().map_err(ix)?;
            if ids.len() > 1 {
                writer.merge(&ids).wait().map_err(ix)?;
            }
            inner.reader.reload().map_err(ix)
        })
        .await?;
        *state = SyncState {
            floor: seq,
            ..SyncState::default()
        };
        Ok(RebuildReport {
            servers: done,
            elapsed: started.elapsed(),
        })
    }
}
