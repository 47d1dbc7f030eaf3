use axum::Json;
use axum::extract::{Path, State};
use protocol::api::{ErrorBody, KeyInfo};

use super::responses::{KeyIdParam, WriteLimits};
use crate::error::Result;
use crate::service::keys;
use crate::state::AppState;

/// Check a key's proofs again; a proof that no longer holds (key file removed or replaced)
/// revokes the key. For maintainers who lost the secret key and cannot sign a revocation.
#[utoipa::path(
    post,
    path = "/v1/keys/{key_id}/recheck",
    tag = "registry",
    params(KeyIdParam),
    responses(
        (status = 200, description = "Every grant of the key, revoked if a proof failed", body = [KeyInfo]),
        (status = 400, description = "Not a key id", body = ErrorBody),
        (status = 404, description = "Unknown key", body = ErrorBody),
        (status = 502, description = "GitHub or the domain could not be reached; nothing changed", body = ErrorBody),
        WriteLimits,
    )
)]
pub(super) async fn recheck(
    State(state): State<AppState>,
    Path(key_id): Path<String>,
) -> Result<Json<Vec<KeyInfo>>> {
    Ok(Json(
        keys::recheck(&state.db, &state.log, &state.proofs, &key_id).await?,
    ))
}
