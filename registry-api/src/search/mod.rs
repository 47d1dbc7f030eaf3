//! Search: one tantivy index per replica, owned by [`SearchIndex`], derived from the database
//! and rebuildable at any time.
//!
//! - **Where:** `<data-dir>/search/` (memory-mapped), with a `SCHEMA_VERSION` file. An index
//!   that is missing, unreadable or from another schema version is rebuilt on start.
//! - **What:** one document per server, from its latest release (see [`document`] and
//!   [`schema`]); ranking in [`query`].
//! - **Freshness:** triggers append the id of every changed server to `search_changes` in the
//!   same transaction as the change (migrations `0003_search.sql`). A background task polls
//!   the table every [`POLL_INTERVAL`] and re-indexes those servers, so every replica follows
//!   the database within a second. The index's commit payload records the *floor*: every
//!   change at or below it is in the index. On restart the task resumes above the floor.
//! - **Out-of-order commits (PostgreSQL):** a transaction may take sequence number 5, and
//!   commit after 6 is already visible. The poller applies whatever it sees above the floor
//!   (remembering what it applied, so nothing is applied twice), but moves the floor past a
//!   number only once every transaction that was running when it saw that number has ended
//!   (`pg_snapshot_xmin` of a later snapshot has passed the `pg_snapshot_xmax` it noted). Until
//!   then it re-reads above the floor, which picks up late commits. SQLite has one writer at a
//!   time, so numbers become visible in order and the floor follows at once.

mod answers;
pub mod document;
pub mod highlight;
pub mod query;
pub mod schema;

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use protocol::trust::TrustLevel;
use tantivy::schema::Value as _;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::db::{self, Db};
use crate::error::{Error, Result};
use answers::AnswerCache;
pub use query::{FacetCounts, Filters, MatchTier, RankKey};
use schema::Fields;

/// How often each replica looks for changes.
pub const POLL_INTERVAL: Duration = Duration::from_millis(200);
/// Changes read per query while catching up.
const CHANGE_BATCH: i64 = 20_000;
/// Servers read per query during a rebuild.
const REBUILD_PAGE: i64 = 1_000;
/// Longest a rebuild waits for PostgreSQL transactions that were running when it started.
const REBUILD_SETTLE_MAX: Duration = Duration::from_secs(30);
/// The indexing writer's memory budget.
const WRITER_HEAP_BYTES: usize = 64 * 1024 * 1024;

const VERSION_FILE: &str = "SCHEMA_VERSION";

fn ix(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("search index: {e}"))
}

/// How the index was found on start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opened {
    /// Reused; changes since its floor were applied.
    Existing,
    /// There was none: built from the database.
    Created,
    /// It was from another schema version, unreadable, or from another database: rebuilt.
    Rebuilt,
}

#[derive(Debug, Clone, Copy)]
pub struct RebuildReport {
    pub servers: u64,
    pub elapsed: Duration,
}

/// A hit, with what the API shows.
#[derive(Debug, Clone)]
pub struct Hit {
    pub key: RankKey,
    pub server_id: i64,
    pub name: String,
    pub version: String,
    pub title: Option<String>,
    pub description: Option<String>,
    /// HTML: escaped, matches in `<mark>`.
    pub name_html: String,
    pub description_html: Option<String>,
    pub trust: TrustLevel,
    pub registry_types: Vec<String>,
    pub transports: Vec<String>,
    pub stars: u64,
    pub updated_ms: i64,
}

#[derive(Debug, Clone)]
pub struct Results {
    pub hits: Vec<Hit>,
    pub total: u64,
    pub facets: FacetCounts,
    /// Rank key of the last hit when more follow.
    pub next: Option<RankKey>,
}

/// What the poller knows beyond the floor.
#[derive(Debug, Default)]
struct SyncState {
    /// Every change at or below this is in the index (persisted in the commit payload).
    floor: i64,
    /// Changes above the floor already applied.
    applied: HashSet<i64>,
    /// Highest change seen since the last mark was noted.
    pending_max: i64,
    /// (highest change seen, PostgreSQL xmax noted after seeing it).
    marks: Vec<(i64, i64)>,
}

struct Inner {
    path: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    columns: Arc<query::ColumnCache>,
    writer: Mutex<Option<IndexWriter<TantivyDocument>>>,
    /// Held for a whole sync step or rebuild, so they never interleave.
    sync: tokio::sync::Mutex<SyncState>,
    stopped: AtomicBool,
    stop: tokio::sync::Notify,
}

/// The search index. Cheap to clone.
#[derive(Clone)]
pub struct SearchIndex {
    inner: Arc<Inner>,
    /// Finished answers of `GET /v1/search`, per index generation (off until configured).
    answers: Arc<AnswerCache>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("path", &self.inner.path)
            .finish_non_exhaustive()
    }
}

fn payload(floor: i64) -> String {
    serde_json::json!({ "floor": floor, "schema": schema::SCHEMA_VERSION }).to_string()
}

fn floor_of(index: &Index) -> Option<i64> {
    let meta = index.load_metas().ok()?;
    let v: serde_json::Value = serde_json::from_str(meta.payload.as_deref()?).ok()?;
    v.get("floor")?.as_i64()
}

/// Opens the index in `path`, or creates it empty (wiping what is there) when it is missing,
/// unreadable or from another schema version. Returns whether it was reused.
fn open_dir(path: &Path) -> Result<(Index, Opened)> {
    std::fs::create_dir_all(path)
        .map_err(|e| Error::Config(format!("cannot create {}: {e}", path.display())))?;
    let version = std::fs::read_to_string(path.join(VERSION_FILE)).unwrap_or_default();
    let has_meta = path.join("meta.json").exists();
    if has_meta && version.trim() == schema::SCHEMA_VERSION.to_string() {
        match Index::open_in_dir(path) {
            Ok(index) => return Ok((index, Opened::Existing)),
            Err(e) => tracing::warn!(error = %e, "the search index is unreadable; rebuilding it"),
        }
    } else if has_meta {
        tracing::info!(
            found = version.trim(),
            want = schema::SCHEMA_VERSION,
            "the search index is from another schema version; rebuilding it"
        );
    }
    let entries = std::fs::read_dir(path)
        .map_err(|e| Error::Config(format!("cannot read {}: {e}", path.display())))?;
    for entry in entries.flatten() {
        let p = entry.path();
        let res = if p.is_dir() {
            std::fs::remove_dir_all(&p)
        } else {
            std::fs::remove_file(&p)
        };
        res.map_err(|e| Error::Config(format!("cannot remove {}: {e}", p.display())))?;
    }
    let (schema, _) = schema::build();
    // Hits are fetched from the store one by one: small uncompressed blocks fetch fastest.
    let settings = tantivy::IndexSettings {
        docstore_compression: tantivy::store::Compressor::None,
        docstore_blocksize: 4096,
        ..tantivy::IndexSettings::default()
    };
    let index = Index::builder()
        .schema(schema)
        .settings(settings)
        .create_in_dir(path)
        .map_err(ix)?;
    std::fs::write(path.join(VERSION_FILE), schema::SCHEMA_VERSION.to_string())
        .map_err(|e| Error::Config(format!("cannot write in {}: {e}", path.display())))?;
    Ok((
        index,
        if has_meta {
            Opened::Rebuilt
        } else {
            Opened::Created
        },
    ))
}

impl SearchIndex {
    /// Where the index of a data folder lives.
    pub fn dir_in(data_dir: &Path) -> PathBuf {
        data_dir.join("search")
    }

    /// Opens the index in `path` and brings it up to date with the database: a full rebuild
    /// when it is new, from another schema version or from another database; otherwise the
    /// changes above its floor.
    pub async fn open(path: &Path, db: &Db) -> Result<(SearchIndex, Opened)> {
        Self::open_inner(path, db, true).await
    }

    /// Opens (or creates) the index without bringing it up to date, for a rebuild. Fails when
    /// another process writes it.
    pub async fn open_for_rebuild(path: &Path, db: &Db) -> Result<SearchIndex> {
        Ok(Self::open_inner(path, db, false).await?.0)
    }

    async fn open_inner(path: &Path, db: &Db, catch_up: bool) -> Result<(SearchIndex, Opened)> {
        let p = path.to_path_buf();
        let (index, mut opened) = tokio::task::spawn_blocking(move || open_dir(&p))
            .await
            .map_err(ix)??;
        let (schema, fields) = schema::build();
        if index.schema() != schema {
            return Err(Error::Config(format!(
                "the search index in {} does not have this version's fields; delete the folder \
                 and start again",
                path.display()
            )));
        }
        index
            .tokenizers()
            .register(schema::NAME_ANALYZER, schema::name_analyzer());
        index
            .tokenizers()
            .register(schema::TEXT_ANALYZER, schema::text_analyzer());
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(2);
        let writer = match index.writer_with_num_threads(threads, WRITER_HEAP_BYTES) {
            Ok(w) => Some(w),
            // Another process (a running server) keeps this index up to date: read it only.
            Err(tantivy::TantivyError::LockFailure(..))
                if catch_up && opened == Opened::Existing =>
            {
                tracing::info!(
                    path = %path.display(),
                    "the search index is written by another process; reading it only"
                );
                None
            }
            Err(e) => {
                return Err(Error::Config(format!(
                    "cannot write the search index in {}: {e} (is another mcp-registry using \
                     this data folder? stop it first)",
                    path.display()
                )));
            }
        };
        let read_only = writer.is_none();
        let columns = Arc::new(query::ColumnCache::new(fields.name_keys));
        let warmer: std::sync::Weak<dyn tantivy::Warmer> = Arc::downgrade(&columns) as _;
        let reader = index
            .reader_builder()
            .warmers(vec![warmer])
            .reload_policy(if read_only {
                ReloadPolicy::OnCommitWithDelay
            } else {
                ReloadPolicy::Manual
            })
            .try_into()
            .map_err(ix)?;
        let floor = floor_of(&index);
        let search = SearchIndex {
            inner: Arc::new(Inner {
                path: path.to_path_buf(),
                index,
                reader,
                fields,
                columns,
                writer: Mutex::new(writer),
                sync: tokio::sync::Mutex::new(SyncState {
                    floor: floor.unwrap_or(0),
                    ..SyncState::default()
                }),
                stopped: AtomicBool::new(false),
                stop: tokio::sync::Notify::new(),
            }),
            answers: Arc::new(AnswerCache::new(0)),
        };
        if read_only || !catch_up {
            return Ok((search, opened));
        }
        let max_seq = db::search::max_seq(db).await?;
        match floor {
            Some(f) if f <= max_seq && opened == Opened::Existing => {
                let n = search.sync_once(db).await?;
                tracing::info!(floor = f, servers = n, "search index reused");
            }
            _ => {
                if opened == Opened::Existing {
                    // An unfinished rebuild, or an index of another database.
                    opened = Opened::Rebuilt;
                }
                let report = search.rebuild(db, None).await?;
                tracing::info!(
                    servers = report.servers,
                    ms = report.elapsed.as_millis() as u64,
                    "search index built"
                );
            }
        }
        Ok((search, opened))
    }

    /// Keeps up to `max_bytes` of finished answers for [`SearchIndex::cached_answer`]; 0 keeps
    /// none.
    pub fn with_answer_cache(mut self, max_bytes: u64) -> SearchIndex {
        self.answers = Arc::new(AnswerCache::new(max_bytes));
        self
    }

    /// The answer to `request` (a canonical form of the whole request), from the answer cache
    /// when the index has not changed since it was computed, else from `compute`.
    pub fn cached_answer(
        &self,
        request: &str,
        compute: impl FnOnce() -> Result<bytes::Bytes>,
    ) -> Result<bytes::Bytes> {
        // Read the generation before computing: the answer is then at least as new as its key.
        let generation = self.inner.reader.searcher().generation().generation_id();
        self.answers.get_or_compute(generation, request, compute)
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Documents (servers) in the searchable index.
    pub fn num_docs(&self) -> u64 {
        self.inner.reader.searcher().num_docs()
    }

    /// Bytes the index takes on disk.
    pub fn size_bytes(&self) -> u64 {
        fn walk(p: &Path) -> u64 {
            std::fs::read_dir(p).map_or(0, |entries| {
                entries
                    .flatten()
                    .map(|e| match e.metadata() {
                        Ok(m) if m.is_dir() => walk(&e.path()),
                        Ok(m) => m.len(),
                        Err(_) => 0,
                    })
                    .sum()
            })
        }
        walk(&self.inner.path)
    }

    /// The highest change sequence number known to be in the index.
    pub async fn floor(&self) -> i64 {
        self.inner.sync.lock().await.floor
    }

    /// Database changes this replica's index has not applied yet.
    pub async fn lag(&self, db: &Db) -> Result<i64> {
        let floor = self.floor().await;
        db::search::changes_count_after(db, floor).await
    }

    /// Runs `f` with the writer on a blocking thread, commits with `floor` and reloads.
    async fn write<F>(&self, floor: i64, f: F) -> Result<()>
    where
        F: FnOnce(&mut IndexWriter<TantivyDocument>, &Fields) -> Result<()> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = inner
                .writer
                .lock()
                .map_err(|_| ix("the writer lock is poisoned"))?;
            let writer = guard.as_mut().ok_or_else(|| ix("the index is closed"))?;
            if let Err(e) = f(writer, &inner.fields) {
                let _ = writer.rollback();
                return Err(e);
            }
            let mut commit = writer.prepare_commit().map_err(ix)?;
            commit.set_payload(&payload(floor));
            commit.commit().map_err(ix)?;
            inner.reader.reload().map_err(ix)?;
            Ok(())
        })
        .await
        .map_err(ix)?
    }

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
        self.write_raw(|w, _| {
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
            let inner = self.inner.clone();
            tokio::task::spawn_blocking(move || {
                let guard = inner
                    .writer
                    .lock()
                    .map_err(|_| ix("the writer lock is poisoned"))?;
                let writer = guard.as_ref().ok_or_else(|| ix("the index is closed"))?;
                for row in &rows {
                    writer
                        .add_document(document::build(&inner.fields, row))
                        .map_err(ix)?;
                }
                Ok::<_, Error>(())
            })
            .await
            .map_err(ix)??;
            done += n;
            if let Some(p) = progress {
                p(done, total.max(done));
            }
        }
        self.write(seq, |_, _| Ok(())).await?;
        // One segment answers fastest: every query pays per segment for its term look-ups.
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let ids = inner.index.searchable_segment_ids().map_err(ix)?;
            if ids.len() > 1 {
                let mut guard = inner
                    .writer
                    .lock()
                    .map_err(|_| ix("the writer lock is poisoned"))?;
                let writer = guard.as_mut().ok_or_else(|| ix("the index is closed"))?;
                writer.merge(&ids).wait().map_err(ix)?;
            }
            inner.reader.reload().map_err(ix)
        })
        .await
        .map_err(ix)??;
        *state = SyncState {
            floor: seq,
            ..SyncState::default()
        };
        Ok(RebuildReport {
            servers: done,
            elapsed: started.elapsed(),
        })
    }

    /// Runs `f` with the writer without committing.
    async fn write_raw<F>(&self, f: F) -> Result<()>
    where
        F: FnOnce(&mut IndexWriter<TantivyDocument>, &Fields) -> Result<()> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = inner
                .writer
                .lock()
                .map_err(|_| ix("the writer lock is poisoned"))?;
            let writer = guard.as_mut().ok_or_else(|| ix("the index is closed"))?;
            f(writer, &inner.fields)
        })
        .await
        .map_err(ix)?
    }

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

    /// Stops the poller and releases the writer (and its lock on the folder).
    pub async fn close(&self) {
        self.inner.stopped.store(true, Ordering::SeqCst);
        self.inner.stop.notify_waiters();
        let _state = self.inner.sync.lock().await;
        let writer = self.inner.writer.lock().ok().and_then(|mut w| w.take());
        if let Some(w) = writer {
            let _ = tokio::task::spawn_blocking(move || w.wait_merging_threads()).await;
        }
    }

    /// Runs a query; see [`query`] for the ranking.
    pub fn search(
        &self,
        q: &str,
        filters: Filters,
        limit: usize,
        after: Option<RankKey>,
    ) -> Result<Results> {
        let inner = &self.inner;
        let searcher = inner.reader.searcher();
        let tokenizers = inner.index.tokenizers();
        let mut name_an = tokenizers
            .get(schema::NAME_ANALYZER)
            .ok_or_else(|| ix("the name analyzer is missing"))?;
        let mut text_an = tokenizers
            .get(schema::TEXT_ANALYZER)
            .ok_or_else(|| ix("the text analyzer is missing"))?;
        let req = query::Request {
            q,
            filters,
            limit,
            after,
        };
        let ranked = query::run(
            &searcher,
            &inner.fields,
            &inner.columns,
            &mut name_an,
            &mut text_an,
            &req,
        )
        .map_err(ix)?;
        let f = &inner.fields;
        let mut hits = Vec::with_capacity(ranked.hits.len());
        for (key, addr) in &ranked.hits {
            let doc: TantivyDocument = searcher.doc(*addr).map_err(ix)?;
            let text = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            };
            let all = |field| {
                doc.get_all(field)
                    .filter_map(|v| v.as_str())
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            };
            let name = text(f.display_name).unwrap_or_default();
            let description = text(f.description);
            let name_html = highlight::highlight(&name, &mut name_an, &ranked.words, false);
            let description_html = description
                .as_deref()
                .map(|d| highlight::highlight(d, &mut name_an, &ranked.words, true));
            let trust = text(f.trust)
                .and_then(|t| t.parse::<TrustLevel>().ok())
                .unwrap_or(TrustLevel::Unknown);
            hits.push(Hit {
                key: *key,
                server_id: i64::try_from(key.server_id).unwrap_or(0),
                version: text(f.version).unwrap_or_default(),
                title: text(f.title),
                name,
                description,
                name_html,
                description_html,
                trust,
                registry_types: all(f.registry_types),
                transports: all(f.transports),
                stars: doc.get_first(f.stars).and_then(|v| v.as_u64()).unwrap_or(0),
                updated_ms: doc
                    .get_first(f.updated)
                    .and_then(|v| v.as_i64())
                    .unwrap_or(0),
            });
        }
        let next = if ranked.more {
            hits.last().map(|h| h.key)
        } else {
            None
        };
        Ok(Results {
            hits,
            total: ranked.total,
            facets: ranked.facets,
            next,
        })
    }
}
