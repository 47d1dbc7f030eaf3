use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use protocol::api::{ErrorBody, SearchResponse};

use crate::error::Result;
use crate::extract::ApiQuery;
use crate::service::search;
use crate::service::search_request::{SearchParams, SearchRequest};
use crate::state::AppState;

/// Search servers: ranked (exact name or package first, then name prefix, then relevance),
/// typo-tolerant, with facet counts and highlighted snippets.
#[utoipa::path(
    get,
    path = "/v1/search",
    tag = "registry",
    params(SearchParams),
    responses(
        (status = 200, description = "A ranked page of servers", body = SearchResponse),
        (status = 400, description = "Invalid parameters", body = ErrorBody),
    )
)]
pub(super) async fn search(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> Result<impl IntoResponse> {
    let request = SearchRequest::from_params(&params)?;
    let body = search::search_json(&state.search, &request)?;
    Ok(([(CONTENT_TYPE, "application/json")], body))
}

/// After a successful write, brings this replica's index up to date before answering, so a
/// client that publishes (or yanks, or revokes) finds the change in its next search here.
/// Other replicas follow within a second (their pollers).
pub(super) async fn sync_after_writes(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let write = !matches!(
        *request.method(),
        axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS
    );
    let response = next.run(request).await;
    if write
        && response.status().is_success()
        && let Err(e) = state.search.sync_once(&state.db).await
    {
        tracing::warn!(error = %e, "search index update after a write failed; the poller retries");
    }
    response
}
