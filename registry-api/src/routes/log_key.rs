use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

use crate::state::AppState;

/// The log's verifier key (`<origin>+<key hash>+<base64 Ed25519 key>`), which signs every
/// checkpoint. Clients should pin it from a trusted channel, not only from here.
#[utoipa::path(
    get,
    path = "/log/key",
    tag = "log",
    responses((status = 200, description = "The verifier key", content_type = "text/plain"))
)]
pub(super) async fn key(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{}\n", state.log.verifier_key()),
    )
}
