use axum::Json;
use protocol::api::{ErrorBody, ServerList};

use crate::error::Result;
use crate::service::reads;
use crate::state::AppState;

/// Every version of a server.
#[utoipa::path(
    get,
    path = "/v0.1/servers/{name}/versions",
    tag = "official",
    params(("name" = String, Path, description = "Server name, URL-encoded (io.github.o%2Fs)")),
    responses(
        (status = 200, description = "All versions", body = ServerList),
        (status = 404, description = "Unknown server", body = ErrorBody),
    )
)]
pub(super) async fn versions(state: AppState, name: String) -> Result<Json<ServerList>> {
    Ok(Json(reads::versions(&state.db, &state.log, &name).await?))
}
