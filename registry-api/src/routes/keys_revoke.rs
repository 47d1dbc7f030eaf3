use axum::Json;
use axum::extract::{Path, State};
use protocol::api::{ErrorBody, KeyInfo, KeyRevokeRequest};

use super::responses::{KeyIdParam, WriteLimits};
use crate::error::Result;
use crate::extract::ApiJson;
use crate::service::keys;
use crate::state::AppState;

/// Revoke a key with a statement signed by the key itself. Its releases lose their trust.
#[utoipa::path(
    post,
    path = "/v1/keys/{key_id}/revoke",
    tag = "registry",
    params(KeyIdParam),
    request_body = KeyRevokeRequest,
    responses(
        (status = 200, description = "Revoked: every grant of the key", body = [KeyInfo]),
        (status = 400, description = "Malformed, badly signed or stale statement", body = ErrorBody),
        (status = 404, description = "Unknown key", body = ErrorBody),
        WriteLimits,
    )
)]
pub(super) async fn revoke(
    State(state): State<AppState>,
    Path(key_id): Path<String>,
    ApiJson(req): ApiJson<KeyRevokeRequest>,
) -> Result<Json<Vec<KeyInfo>>> {
    Ok(Json(
        keys::revoke(&state.db, &state.log, &key_id, &req).await?,
    ))
}
