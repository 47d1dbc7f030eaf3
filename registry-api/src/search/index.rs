//! The index handle: opening it (and bringing it up to date), the writer, and what it reports
//! about itself (size, floor, lag).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument};

use super::answers::AnswerCache;
use super::index_dir::{floor_of, open_dir, payload};
use super::query::ColumnCache;
use super::schema::{self, Fields};
use super::sync::SyncState;
use crate::db::{self, Db};
use crate::error::{Error, Result};

/// The indexing writer's memory budget.
const WRITER_HEAP_BYTES: usize = 64 * 1024 * 1024;

pub(super) fn ix(e: impl std::fmt::Display) -> Error {
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

pub(super) struct Inner {
    pub(super) path: PathBuf,
    pub(super) index: Index,
    pub(super) reader: IndexReader,
    pub(super) fields: Fields,
    pub(super) columns: Arc<ColumnCache>,
    pub(super) writer: Mutex<Option<IndexWriter<TantivyDocument>>>,
    /// Held for a whole sync step or rebuild, so they never interleave.
    pub(super) sync: tokio::sync::Mutex<SyncState>,
    pub(super) stopped: AtomicBool,
    pub(super) stop: tokio::sync::Notify,
}

/// The search index. Cheap to clone.
#[derive(Clone)]
pub struct SearchIndex {
    pub(super) inner: Arc<Inner>,
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
        let columns = Arc::new(ColumnCache::new(fields.name_keys));
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

    /// Runs `f` with the writer on a blocking thread, without committing.
    pub(super) async fn with_writer<F>(&self, f: F) -> Result<()>
    where
        F: FnOnce(&mut IndexWriter<TantivyDocument>, &Inner) -> Result<()> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = inner
                .writer
                .lock()
                .map_err(|_| ix("the writer lock is poisoned"))?;
            let writer = guard.as_mut().ok_or_else(|| ix("the index is closed"))?;
            f(writer, &inner)
        })
        .await
        .map_err(ix)?
    }

    /// Runs `f` with the writer on a blocking thread, commits with `floor` and reloads; rolls
    /// back what `f` did when it fails.
    pub(super) async fn write<F>(&self, floor: i64, f: F) -> Result<()>
    where
        F: FnOnce(&mut IndexWriter<TantivyDocument>, &Fields) -> Result<()> + Send + 'static,
    {
        self.with_writer(move |writer, inner| {
            if let Err(e) = f(writer, &inner.fields) {
                let _ = writer.rollback();
                return Err(e);
            }
            let mut commit = writer.prepare_commit().map_err(ix)?;
            commit.set_payload(&payload(floor));
            commit.commit().map_err(ix)?;
            inner.reader.reload().map_err(ix)
        })
        .await
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
}
