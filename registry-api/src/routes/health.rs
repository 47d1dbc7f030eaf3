use axum::Json;
use axum::extract::State;
use protocol::api::{ErrorBody, Health};

use crate::error::Result;
use crate::state::AppState;

/// Liveness and database reachability.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "operations",
    responses(
        (status = 200, body = Health),
        (status = 500, description = "The database does not answer", body = ErrorBody),
    )
)]
pub(super) async fn health(State(state): State<AppState>) -> Result<Json<Health>> {
    state.db.ping().await?;
    Ok(Json(Health {
        status: "ok".to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
    }))
}
