use axum::Json;
use axum::extract::State;
use protocol::api::{ConsistencyProofResponse, InclusionProofResponse};
use serde::Deserialize;

use super::responses::LogProofErrors;
use crate::error::Result;
use crate::extract::ApiQuery;
use crate::service::log_reads;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct InclusionParams {
    /// Leaf index, below `size`.
    #[param(minimum = 0)]
    index: u64,
    /// Tree size (of a checkpoint), at most the log's size.
    #[param(minimum = 1)]
    size: u64,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ConsistencyParams {
    /// The older tree size (at least 1).
    #[param(minimum = 1)]
    from: u64,
    /// The newer tree size, at least `from` and at most the log's size.
    #[param(minimum = 1)]
    to: u64,
}

/// The RFC 6962 inclusion proof of a leaf in a tree size, with the leaf's record.
#[utoipa::path(
    get,
    path = "/v1/log/proof/inclusion",
    tag = "log",
    params(InclusionParams),
    responses(
        (status = 200, body = InclusionProofResponse),
        LogProofErrors,
    )
)]
pub(super) async fn inclusion(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<InclusionParams>,
) -> Result<Json<InclusionProofResponse>> {
    Ok(Json(
        log_reads::inclusion_proof(&state.db, p.index, p.size).await?,
    ))
}

/// The RFC 6962 consistency proof between two tree sizes.
#[utoipa::path(
    get,
    path = "/v1/log/proof/consistency",
    tag = "log",
    params(ConsistencyParams),
    responses(
        (status = 200, body = ConsistencyProofResponse),
        LogProofErrors,
    )
)]
pub(super) async fn consistency(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<ConsistencyParams>,
) -> Result<Json<ConsistencyProofResponse>> {
    Ok(Json(
        log_reads::consistency_proof(&state.db, p.from, p.to).await?,
    ))
}
