//! `POST /v1/deprecate` and `POST /v1/undeprecate`: one statement, two directions.

use axum::Json;
use axum::extract::State;
use protocol::api::{DeprecateRequest, ErrorBody, ReleaseInfo};

use super::responses::{ReleaseStatementErrors, WriteLimits};
use crate::error::Result;
use crate::extract::ApiJson;
use crate::service::statements;
use crate::state::AppState;

/// Deprecate a release (a statement signed by a key proven for its name), with a message for
/// its users. It stays installable and keeps its trust level; the official `_meta` status
/// becomes `deprecated` and the verdict gives the `deprecated` reason.
#[utoipa::path(
    post,
    path = "/v1/deprecate",
    tag = "registry",
    request_body = DeprecateRequest,
    responses(
        (status = 200, description = "Done", body = ReleaseInfo),
        ReleaseStatementErrors,
        (status = 400, description = "Malformed, badly signed or stale statement, or a message over 500 characters", body = ErrorBody),
        WriteLimits,
    )
)]
pub(super) async fn deprecate(
    state: State<AppState>,
    req: ApiJson<DeprecateRequest>,
) -> Result<Json<ReleaseInfo>> {
    modify(state, req, true).await
}

/// Withdraw a deprecation (a statement signed by a key proven for the release's name).
#[utoipa::path(
    post,
    path = "/v1/undeprecate",
    tag = "registry",
    request_body = DeprecateRequest,
    responses(
        (status = 200, description = "Done", body = ReleaseInfo),
        ReleaseStatementErrors,
        WriteLimits,
    )
)]
pub(super) async fn undeprecate(
    state: State<AppState>,
    req: ApiJson<DeprecateRequest>,
) -> Result<Json<ReleaseInfo>> {
    modify(state, req, false).await
}

async fn modify(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<DeprecateRequest>,
    deprecate: bool,
) -> Result<Json<ReleaseInfo>> {
    Ok(Json(
        statements::set_deprecated(&state.db, &state.log, &req, deprecate).await?,
    ))
}
