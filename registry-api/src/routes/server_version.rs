use axum::Json;
use protocol::api::{ErrorBody, ServerResponse};

use crate::error::Result;
use crate::service::reads;
use crate::state::AppState;

/// One version of a server (`latest` for the latest).
#[utoipa::path(
    get,
    path = "/v0.1/servers/{name}/versions/{version}",
    tag = "official",
    params(
        ("name" = String, Path, description = "Server name, URL-encoded (io.github.o%2Fs)"),
        ("version" = String, Path, description = "Exact version, or `latest`"),
    ),
    responses(
        (status = 200, description = "The release", body = ServerResponse),
        (status = 404, description = "Unknown server or version", body = ErrorBody),
    )
)]
pub(super) async fn version(
    state: AppState,
    name: String,
    version: String,
) -> Result<Json<ServerResponse>> {
    Ok(Json(
        reads::version(&state.db, &state.log, &name, &version).await?,
    ))
}
