//! The website's data: `web::SiteData` over the service layer, so the pages show exactly what
//! the API serves. The `web` crate renders; nothing here builds HTML.

use protocol::api::{
    LogEntrySummary, LogSummary, NamespaceListing, SearchResponse, ServerDetail, VerifyResponse,
};
use web::{SearchQuery, SiteData, SiteError};

use crate::db;
use crate::error::Error;
use crate::service::{log, reads, search, views};
use crate::state::AppState;

/// The registry as the website's data source.
#[derive(Debug, Clone)]
pub struct Site {
    state: AppState,
}

impl Site {
    pub fn new(state: AppState) -> Self {
        Site { state }
    }
}

fn site_error(e: Error) -> SiteError {
    match e {
        Error::NotFound(m) => SiteError::NotFound(m),
        Error::BadRequest(m) => SiteError::BadRequest(m),
        other => SiteError::Internal(other.to_string()),
    }
}

fn joined(values: &[String]) -> Option<String> {
    (!values.is_empty()).then(|| values.join(","))
}

impl SiteData for Site {
    async fn search(&self, q: &SearchQuery) -> Result<SearchResponse, SiteError> {
        let params = search::SearchParams {
            q: Some(q.q.clone()),
            trust: joined(&q.trust),
            min_trust: None,
            registry_type: joined(&q.registry_type),
            transport: joined(&q.transport),
            limit: Some(q.limit.to_string()),
            cursor: q.cursor.clone(),
        };
        search::search(&self.state.search, &params).map_err(site_error)
    }

    async fn server(&self, name: &str) -> Result<Option<ServerDetail>, SiteError> {
        match reads::detail(&self.state.db, name).await {
            Ok(d) => Ok(Some(d)),
            Err(Error::NotFound(_)) => Ok(None),
            Err(e) => Err(site_error(e)),
        }
    }

    async fn release(&self, name: &str, version: &str) -> Result<VerifyResponse, SiteError> {
        let params = reads::VerifyParams {
            server: Some(name.to_string()),
            version: Some(version.to_string()),
            package: None,
        };
        reads::verify(&self.state.db, &self.state.log, &params)
            .await
            .map_err(site_error)
    }

    async fn namespace(
        &self,
        namespace: &str,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Option<NamespaceListing>, SiteError> {
        let db = &self.state.db;
        let limit = limit.clamp(1, 500);
        // One more than the page, to know whether another follows.
        let mut rows = db::releases::latest_in_namespace(
            db,
            namespace,
            after.unwrap_or(""),
            i64::from(limit) + 1,
        )
        .await
        .map_err(site_error)?;
        let next_after = if rows.len() > limit as usize {
            rows.truncate(limit as usize);
            rows.last().map(|r| r.name.clone())
        } else {
            None
        };
        let keys = db::keys::grants_in_namespace(db, namespace)
            .await
            .map_err(site_error)?;
        if rows.is_empty() && keys.is_empty() && after.is_none() {
            return Ok(None);
        }
        Ok(Some(NamespaceListing {
            namespace: namespace.to_string(),
            servers: rows
                .iter()
                .map(views::server_response)
                .collect::<Result<_, _>>()
                .map_err(site_error)?,
            keys: keys
                .iter()
                .map(views::key_info)
                .collect::<Result<_, _>>()
                .map_err(site_error)?,
            next_after,
        }))
    }

    async fn log(&self, entries: u64) -> Result<LogSummary, SiteError> {
        let db = &self.state.db;
        let cp = log::checkpoint(db, &self.state.log)
            .await
            .map_err(site_error)?;
        let rows = db::log::entries(db, cp.size.saturating_sub(entries), cp.size)
            .await
            .map_err(site_error)?;
        Ok(LogSummary {
            checkpoint: cp.note,
            tree_size: cp.size,
            entries: rows
                .into_iter()
                .rev()
                .map(|e| LogEntrySummary {
                    index: e.idx,
                    kind: e.kind,
                    record: String::from_utf8_lossy(&e.record).into_owned(),
                })
                .collect(),
        })
    }
}
