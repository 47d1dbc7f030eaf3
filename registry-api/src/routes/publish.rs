use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use protocol::api::{ErrorBody, PublishRequest, ReleaseInfo};

use super::responses::WriteLimits;
use crate::error::Result;
use crate::extract::ApiJson;
use crate::service::publish;
use crate::state::AppState;

/// Publish a release: the manifest's exact bytes and the maintainer's minisign signature over
/// them, made with a key registered for the server's namespace. Answers with the verdict.
#[utoipa::path(
    post,
    path = "/v1/publish",
    tag = "registry",
    request_body = PublishRequest,
    responses(
        (status = 201, description = "Published", body = ReleaseInfo),
        (status = 400, description = "Malformed body or signature", body = ErrorBody),
        (status = 403, description = "Key unknown, revoked, or not proven for this name", body = ErrorBody),
        (status = 409, description = "This version exists already", body = ErrorBody),
        (status = 422, description = "Invalid manifest", body = ErrorBody),
        WriteLimits,
    )
)]
pub(super) async fn publish(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<PublishRequest>,
) -> Result<(StatusCode, Json<ReleaseInfo>)> {
    let release = publish::publish(&state.db, &state.log, &req).await?;
    Ok((StatusCode::CREATED, Json(release)))
}
