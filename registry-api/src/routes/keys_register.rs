use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use protocol::api::{ErrorBody, KeyInfo, KeyRegisterRequest};

use super::responses::WriteLimits;
use crate::error::Result;
use crate::extract::ApiJson;
use crate::service::keys;
use crate::state::AppState;

/// Register a public key for a namespace; the registry checks the proof itself.
#[utoipa::path(
    post,
    path = "/v1/keys",
    tag = "registry",
    request_body = KeyRegisterRequest,
    responses(
        (status = 201, description = "Registered", body = KeyInfo),
        (status = 200, description = "This proof was registered before", body = KeyInfo),
        (status = 400, description = "Malformed request", body = ErrorBody),
        (status = 403, description = "The proof does not hold, or the key is revoked", body = ErrorBody),
        (status = 502, description = "GitHub or the domain could not be reached", body = ErrorBody),
        WriteLimits,
    )
)]
pub(super) async fn register(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<KeyRegisterRequest>,
) -> Result<(StatusCode, Json<KeyInfo>)> {
    let (key, created) = keys::register(&state.db, &state.log, &state.proofs, &req).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(key)))
}
