use axum::Json;
use axum::extract::State;
use protocol::api::{ReleaseInfo, YankRequest};

use super::responses::{ReleaseStatementErrors, WriteLimits};
use crate::error::Result;
use crate::extract::ApiJson;
use crate::service::statements;
use crate::state::AppState;

/// Yank a release (a statement signed by a key proven for its name). It stays stored and
/// readable, with the verdict `yanked` (`deleted` in the official status).
#[utoipa::path(
    post,
    path = "/v1/yank",
    tag = "registry",
    request_body = YankRequest,
    responses(
        (status = 200, description = "Done", body = ReleaseInfo),
        ReleaseStatementErrors,
        WriteLimits,
    )
)]
pub(super) async fn yank(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<YankRequest>,
) -> Result<Json<ReleaseInfo>> {
    modify_yank(state, req, true).await
}

/// Un-yank a release (a statement signed by a key proven for its name).
#[utoipa::path(
    post,
    path = "/v1/unyank",
    tag = "registry",
    request_body = YankRequest,
    responses(
        (status = 200, description = "Done", body = ReleaseInfo),
        ReleaseStatementErrors,
        WriteLimits,
    )
)]
pub(super) async fn unyank(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<YankRequest>,
) -> Result<Json<ReleaseInfo>> {
    modify_yank(state, req, false).await
}

/// Both directions are one service call (as crates.io's `modify_yank`).
async fn modify_yank(state: AppState, req: YankRequest, yank: bool) -> Result<Json<ReleaseInfo>> {
    Ok(Json(
        statements::set_yanked(&state.db, &state.log, &req, yank).await?,
    ))
}
