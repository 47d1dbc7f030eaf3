//! Asking for one repository by name (`GET /repos/{owner}/{name}`, conditionally): for code
//! search hits, which name a repository only, and for the retry list.

use std::sync::Arc;

use super::Crawler;
use super::run::Run;
use super::skip_and_retry::temporary;
use super::state::{PageState, load_json, repo_key, save_json};
use crate::error::Result;
use crate::github::{ACCEPT_JSON, MAX_JSON_BODY};
use crate::github_models::RepoJson;
use crate::store::CrawlStore;

/// What asking for one repository by name gave.
pub(super) enum RepoAnswer {
    /// Read and recorded (or already recorded in this run).
    Recorded { etag: Option<String> },
    /// Unchanged since the ETag sent.
    NotModified { etag: Option<String> },
    /// GitHub says it is not there (any more).
    Gone(u16),
    /// Skipped, with a logged reason, and on the retry list.
    Skipped,
}

impl Crawler {
    /// `GET /repos/{full_name}` (conditional on `etag`), recorded when it answers. A request
    /// that fails, or an answer that is not a usable repository, is skipped and put on the
    /// retry list.
    pub(super) async fn repo_by_name(
        &self,
        store: &Arc<dyn CrawlStore>,
        run: &Run,
        full_name: &str,
        etag: Option<&str>,
    ) -> Result<RepoAnswer> {
        let path = format!("/repos/{full_name}");
        let reply = match self
            .inner
            .github
            .get(&path, etag, ACCEPT_JSON, MAX_JSON_BODY)
            .await
        {
            Ok(r) => r,
            Err(e) if temporary(&e) => {
                self.skip(run, Some(full_name), &format!("reading it failed: {e}"));
                return Ok(RepoAnswer::Skipped);
            }
            Err(e) => return Err(e),
        };
        match reply.status {
            200 => match RepoJson::from_slice(&reply.body).and_then(RepoJson::into_record) {
                Ok(rec) => {
                    let skipped = self.process(store, run, vec![rec]).await?;
                    Ok(if skipped > 0 {
                        RepoAnswer::Skipped
                    } else {
                        RepoAnswer::Recorded { etag: reply.etag }
                    })
                }
                Err(u) => {
                    self.skip(run, Some(full_name), &u.reason);
                    Ok(RepoAnswer::Skipped)
                }
            },
            304 => Ok(RepoAnswer::NotModified { etag: reply.etag }),
            404 | 410 | 451 => Ok(RepoAnswer::Gone(reply.status)),
            status => {
                self.skip(
                    run,
                    Some(full_name),
                    &format!("GitHub answered {status} for {path}"),
                );
                Ok(RepoAnswer::Skipped)
            }
        }
    }

    /// Code search items name a repository only: its metadata is asked for (conditionally:
    /// a 304 means it was not pushed and its stars and topics did not change).
    pub(super) async fn code_hits(
        &self,
        store: &Arc<dyn CrawlStore>,
        run: &Run,
        names: Vec<String>,
    ) -> Result<()> {
        for full_name in &names {
            let full_name = full_name.as_str();
            let seen_now = store.seen(full_name).await?;
            if let Some(s) = &seen_now
                && run.seen.lock().is_ok_and(|set| set.contains(&s.github_id))
            {
                continue;
            }
            let key = repo_key(full_name);
            let cached: Option<PageState> = load_json(store.as_ref(), &key).await?;
            if cached.as_ref().is_some_and(|c| c.run == run.id) {
                continue;
            }
            let etag = cached.as_ref().and_then(PageState::usable_etag);
            let answer = self.repo_by_name(store, run, full_name, etag).await?;
            let etag = match answer {
                RepoAnswer::Recorded { etag } => etag,
                RepoAnswer::NotModified { etag } => {
                    if let Some(s) = seen_now
                        && let Ok(mut set) = run.seen.lock()
                    {
                        set.insert(s.github_id);
                    }
                    etag.or(cached.and_then(|c| c.etag))
                }
                RepoAnswer::Gone(status) => {
                    tracing::debug!(%full_name, status, "repository not readable");
                    None
                }
                // On the retry list; asked for in full next time.
                RepoAnswer::Skipped => None,
            };
            let state = PageState {
                total: 1,
                ..PageState::new(run.id, etag)
            };
            self.save_retry(store, run).await?;
            save_json(store.as_ref(), &key, &state).await?;
        }
        Ok(())
    }
}
