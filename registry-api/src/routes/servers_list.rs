use axum::Json;
use axum::extract::State;
use protocol::api::{OfficialErrorBody, ServerList};

use crate::error::Result;
use crate::extract::ApiQuery;
use crate::service::reads::{self, ListParams};
use crate::service::search;
use crate::service::search_request::SearchRequest;
use crate::state::AppState;

/// List server releases, as the official MCP registry does.
#[utoipa::path(
    get,
    path = "/servers",
    tag = "official",
    params(ListParams),
    responses(
        (status = 200, description = "A page of server releases", body = ServerList),
        (status = 400, description = "Invalid parameters", body = OfficialErrorBody),
    )
)]
pub(super) async fn list(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<ServerList>> {
    // A search is answered from the index: every server whose name contains the term, ranked.
    if params
        .search
        .as_deref()
        .is_some_and(|s| !s.trim().is_empty())
    {
        let request = SearchRequest::official(&params)?;
        let version = params.version_filter();
        return Ok(Json(
            search::official_list(&state.search, &state.db, &request, version).await?,
        ));
    }
    Ok(Json(reads::list(&state.db, &state.log, &params).await?))
}
