use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

use crate::error::Result;
use crate::service::log;
use crate::state::AppState;

/// The latest signed checkpoint of the transparency log (C2SP tlog-checkpoint as a signed
/// note). Verify it with the key from `GET /log/key`.
#[utoipa::path(
    get,
    path = "/log/checkpoint",
    tag = "log",
    responses((status = 200, description = "The signed note", content_type = "text/plain"))
)]
pub(super) async fn checkpoint(State(state): State<AppState>) -> Result<impl IntoResponse> {
    let cp = log::checkpoint(&state.db, &state.log).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        cp.note,
    ))
}
