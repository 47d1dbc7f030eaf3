//! Recording repositories: unchanged ones by metadata, new or pushed ones after reading their
//! files (server.json, package.json, pyproject.toml, the well-known key) concurrently.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use serde_json::Value;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::Crawler;
use super::run::Run;
use super::skip_and_retry::temporary;
use crate::error::{Error, Result};
use crate::github::{ACCEPT_JSON, ACCEPT_RAW, MAX_JSON_BODY};
use crate::record::{
    self, FileProblem, KEY_FILE_MAX_BYTES, PACKAGE_JSON, PYPROJECT_TOML, RepoRecord, SERVER_JSON,
};
use crate::store::CrawlStore;

impl Crawler {
    /// Records the repositories: files are read (concurrently) for new or pushed ones. A
    /// repository whose files could not be read is skipped (not recorded, so the retry reads
    /// it as new or pushed); returns how many were.
    pub(super) async fn process(
        &self,
        store: &Arc<dyn CrawlStore>,
        run: &Run,
        recs: Vec<RepoRecord>,
    ) -> Result<u64> {
        let semaphore = Arc::new(Semaphore::new(self.inner.options.concurrency.max(1)));
        let mut tasks: JoinSet<Result<(RepoRecord, Option<Error>)>> = JoinSet::new();
        let mut skipped = 0;
        for mut rec in recs {
            let id = rec.github_id;
            if !run.seen.lock().is_ok_and(|mut s| s.insert(id)) {
                continue;
            }
            let seen = store.seen(&rec.full_name).await?;
            let unchanged = seen
                .as_ref()
                .is_some_and(|s| s.github_id == id && s.pushed_at == rec.pushed_at);
            if unchanged {
                run.counters.metadata_only.fetch_add(1, Ordering::Relaxed);
                let name = rec.full_name.clone();
                store.record(rec).await?;
                run.retry().remove(&name);
                continue;
            }
            let this = self.clone();
            let semaphore = semaphore.clone();
            tasks.spawn(async move {
                let _permit = semaphore
                    .acquire_owned()
                    .await
                    .map_err(|e| Error::Http(format!("the crawl was stopped: {e}")))?;
                match this.read_files(&mut rec).await {
                    Ok(()) => Ok((rec, None)),
                    Err(e) if temporary(&e) => Ok((rec, Some(e))),
                    Err(e) => Err(e),
                }
            });
        }
        while let Some(done) = tasks.join_next().await {
            let (rec, failed) =
                done.map_err(|e| Error::Http(format!("a repository task failed: {e}")))??;
            if let Some(e) = failed {
                skipped += 1;
                self.skip(
                    run,
                    Some(&rec.full_name),
                    &format!("reading its files failed: {e}"),
                );
                self.report(run);
                continue;
            }
            run.counters.read.fetch_add(1, Ordering::Relaxed);
            run.counters.problems.fetch_add(
                u64::try_from(rec.problems.len()).unwrap_or(0),
                Ordering::Relaxed,
            );
            let name = rec.full_name.clone();
            store.record(rec).await?;
            run.retry().remove(&name);
            self.report(run);
        }
        Ok(skipped)
    }

    /// Reads the root listing, then the files that are there.
    pub(super) async fn read_files(&self, rec: &mut RepoRecord) -> Result<()> {
        rec.files_read = true;
        let gh = &self.inner.github;
        let listing = gh
            .get(
                &format!("/repos/{}/contents/", rec.full_name),
                None,
                ACCEPT_JSON,
                MAX_JSON_BODY,
            )
            .await?;
        if listing.status != 200 {
            // An empty repository has no contents (404).
            return Ok(());
        }
        // A 200 that is not a listing is a broken answer: the repository is tried again.
        let entries: Vec<Value> = serde_json::from_slice(&listing.body).map_err(|e| {
            Error::Http(format!(
                "GET /repos/{}/contents/: the listing is not a JSON list: {e}",
                rec.full_name
            ))
        })?;
        let entry = |name: &str| {
            entries
                .iter()
                .find(|e| e.get("name").and_then(Value::as_str) == Some(name))
        };
        let max = self.inner.options.max_file_bytes;
        for name in [SERVER_JSON, PACKAGE_JSON, PYPROJECT_TOML] {
            let Some(e) = entry(name) else { continue };
            if e.get("type").and_then(Value::as_str) != Some("file") {
                continue;
            }
            let size = e.get("size").and_then(Value::as_u64).unwrap_or(0);
            if size > max {
                rec.problems.push(FileProblem {
                    path: name.to_string(),
                    reason: format!("too large ({size} bytes; at most {max} are read)"),
                });
                continue;
            }
            let bytes = match self.raw_file(&rec.full_name, name, max).await? {
                Ok(Some(b)) => b,
                Ok(None) => continue,
                Err(reason) => {
                    rec.problems.push(FileProblem {
                        path: name.to_string(),
                        reason,
                    });
                    continue;
                }
            };
            let parsed = match name {
                SERVER_JSON => record::parse_server_json(&bytes).map(|f| rec.server_json = Some(f)),
                PACKAGE_JSON => {
                    record::parse_package_json(&bytes).map(|f| rec.package_json = Some(f))
                }
                _ => record::parse_pyproject(&bytes).map(|f| rec.pyproject = Some(f)),
            };
            if let Err(p) = parsed {
                rec.problems.push(p);
            }
        }
        if entry(".well-known")
            .is_some_and(|e| e.get("type").and_then(Value::as_str) == Some("dir"))
        {
            let path = protocol::formats::WELL_KNOWN_KEY_PATH;
            match self
                .raw_file(&rec.full_name, path, KEY_FILE_MAX_BYTES as u64)
                .await?
            {
                Ok(Some(bytes)) => match record::parse_key_file(&bytes) {
                    Ok(key) => rec.key_file = Some(key),
                    Err(p) => rec.problems.push(p),
                },
                Ok(None) => {}
                Err(reason) => rec.problems.push(FileProblem {
                    path: path.to_string(),
                    reason,
                }),
            }
        }
        Ok(())
    }

    /// A file's bytes (`Ok(None)`: not there; inner `Err`: skipped, with the reason).
    pub(super) async fn raw_file(
        &self,
        full_name: &str,
        path: &str,
        max: u64,
    ) -> Result<std::result::Result<Option<Vec<u8>>, String>> {
        let max = usize::try_from(max).unwrap_or(usize::MAX);
        match self
            .inner
            .github
            .get(
                &format!("/repos/{full_name}/contents/{path}"),
                None,
                ACCEPT_RAW,
                max,
            )
            .await
        {
            Ok(r) if r.status == 200 => Ok(Ok(Some(r.body))),
            Ok(r) if r.status == 404 => Ok(Ok(None)),
            Ok(r) => Ok(Err(format!("GitHub answered {}", r.status))),
            // A body above the cap is the file's fault, not the crawl's.
            Err(Error::Http(m)) if m.contains("larger than") => {
                Ok(Err(format!("too large (more than {max} bytes)")))
            }
            Err(e) => Err(e),
        }
    }
}
