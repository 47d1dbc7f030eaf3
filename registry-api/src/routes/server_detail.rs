use axum::Json;
use axum::extract::{Path, State};
use protocol::api::{ErrorBody, ServerDetail};

use crate::error::Result;
use crate::service::reads;
use crate::state::AppState;

/// A server with all its versions, the keys of its namespace, and the latest verdict.
#[utoipa::path(
    get,
    path = "/v1/servers/{name}",
    tag = "registry",
    params(("name" = String, Path, description = "Server name (the `/` may be URL-encoded)")),
    responses(
        (status = 200, description = "The server", body = ServerDetail),
        (status = 404, description = "Unknown server", body = ErrorBody),
    )
)]
pub(super) async fn detail(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<ServerDetail>> {
    Ok(Json(
        reads::detail(&state.db, name.trim_end_matches('/')).await?,
    ))
}
