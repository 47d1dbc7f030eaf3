use axum::Json;
use axum::extract::State;
use protocol::api::Stats;

use crate::error::Result;
use crate::service::reads;
use crate::state::AppState;

/// Counts of servers, releases and keys.
#[utoipa::path(get, path = "/v1/stats", tag = "registry", responses((status = 200, body = Stats)))]
pub(super) async fn stats(State(state): State<AppState>) -> Result<Json<Stats>> {
    Ok(Json(reads::stats(&state.db).await?))
}
