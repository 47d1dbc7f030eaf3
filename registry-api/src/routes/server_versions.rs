use axum::Json;
use axum::extract::{Path, State};
use protocol::api::ServerList;

use super::responses::{OfficialVersionErrors, ServerNameParam};
use super::server_version::VersionQuery;
use crate::error::Result;
use crate::extract::ApiQuery;
use crate::service::reads;
use crate::state::AppState;

/// Every version of a server, newest first.
#[utoipa::path(
    get,
    path = "/servers/{serverName}/versions",
    tag = "official",
    params(
        ServerNameParam,
        VersionQuery,
    ),
    responses(
        (status = 200, description = "All versions", body = ServerList),
        OfficialVersionErrors,
    )
)]
pub(super) async fn versions(
    State(state): State<AppState>,
    Path(name): Path<String>,
    ApiQuery(query): ApiQuery<VersionQuery>,
) -> Result<Json<ServerList>> {
    answer(state, name, query).await
}

pub(super) async fn answer(
    state: AppState,
    name: String,
    query: VersionQuery,
) -> Result<Json<ServerList>> {
    let include_deleted = query.include_deleted()?;
    Ok(Json(
        reads::versions(&state.db, &state.log, &name, include_deleted).await?,
    ))
}
