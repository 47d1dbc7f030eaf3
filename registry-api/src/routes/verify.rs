use axum::Json;
use axum::extract::State;
use protocol::api::{ErrorBody, VerifyResponse};

use crate::error::Result;
use crate::extract::ApiQuery;
use crate::service::reads::{self, VerifyParams};
use crate::state::AppState;

/// The trust verdict on a release, with the evidence to re-check it offline. A release the
/// registry has never seen is `unknown` (200), not an error.
#[utoipa::path(
    get,
    path = "/v1/verify",
    tag = "registry",
    params(VerifyParams),
    responses(
        (status = 200, description = "The verdict", body = VerifyResponse),
        (status = 400, description = "Invalid query", body = ErrorBody),
    )
)]
pub(super) async fn verify(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<VerifyParams>,
) -> Result<Json<VerifyResponse>> {
    Ok(Json(reads::verify(&state.db, &state.log, &params).await?))
}
