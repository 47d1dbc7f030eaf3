//! The website's data: `web::SiteData` over the service layer, so the pages show exactly what
//! the API serves. The `web` crate renders; nothing here builds HTML.

use protocol::api::{LogSummary, NamespaceListing, SearchResponse, ServerDetail, VerifyResponse};
use web::{SearchQuery, SiteData, SiteError};

use crate::error::Error;
use crate::service::search_request::{SearchInput, SearchRequest};
use crate::service::{log_reads, reads, search};
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

/// The values of a list the website's form gave.
fn strs(values: &[String]) -> Vec<&str> {
    values.iter().map(String::as_str).collect()
}

fn site_error(e: Error) -> SiteError {
    match e {
        Error::NotFound(m) => SiteError::NotFound(m),
        Error::BadRequest(m) => SiteError::BadRequest(m),
        other => SiteError::Internal(other.to_string()),
    }
}

impl SiteData for Site {
    async fn search(&self, q: &SearchQuery) -> Result<SearchResponse, SiteError> {
        let limit = q.limit.to_string();
        let request = SearchRequest::parse(&SearchInput {
            q: &q.q,
            trust: strs(&q.trust),
            min_trust: None,
            registry_types: strs(&q.registry_type),
            transports: strs(&q.transport),
            limit: Some(&limit),
            cursor: q.cursor.as_deref(),
        })
        .map_err(site_error)?;
        search::search(&self.state.search, &request).map_err(site_error)
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
        reads::namespace(&self.state.db, namespace, after, limit)
            .await
            .map_err(site_error)
    }

    async fn log(&self, entries: u64) -> Result<LogSummary, SiteError> {
        log_reads::summary(&self.state.db, &self.state.log, entries)
            .await
            .map_err(site_error)
    }
}
