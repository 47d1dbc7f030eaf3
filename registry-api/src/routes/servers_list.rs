use axum::Json;
use axum::extract::State;
use protocol::api::{ErrorBody, ServerList};

use crate::error::Result;
use crate::extract::ApiQuery;
use crate::service::reads::{self, ListParams};
use crate::state::AppState;

/// List server releases, as the official MCP registry does.
#[utoipa::path(
    get,
    path = "/v0.1/servers",
    tag = "official",
    params(ListParams),
    responses(
        (status = 200, description = "A page of server releases", body = ServerList),
        (status = 400, description = "Invalid parameters", body = ErrorBody),
    )
)]
pub(super) async fn list(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<ServerList>> {
    Ok(Json(reads::list(&state.db, &params).await?))
}
