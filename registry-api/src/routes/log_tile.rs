use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;

use crate::error::Result;
use crate::service::log;
use crate::state::AppState;

/// C2SP tlog-tiles: `tile/<L>/<N>[.p/<W>]` (hashes) and `tile/entries/<N>[.p/<W>]` (records,
/// each prefixed with its big-endian u16 length). Full tiles never change and are cached
/// forever; partial ones are replaced by wider ones as the log grows.
#[utoipa::path(
    get,
    path = "/log/tile/{*path}",
    tag = "log",
    params(("path" = String, Path, description = "e.g. 0/000.p/5 or entries/000")),
    responses(
        (status = 200, description = "Tile bytes", content_type = "application/octet-stream"),
        (status = 404, description = "No such tile (yet)"),
    )
)]
pub(super) async fn tile(
    State(state): State<AppState>,
    Path(path): Path<String>,
) -> Result<impl IntoResponse> {
    let (tile, bytes) = log::tile(&state.db, &path).await?;
    let cache = if tile.is_full() {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=1"
    };
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream"),
            (header::CACHE_CONTROL, cache),
        ],
        bytes,
    ))
}
