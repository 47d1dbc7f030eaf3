use axum::Json;
use axum::extract::State;
use protocol::api::{ConsistencyProofResponse, ErrorBody, InclusionProofResponse};
use protocol::log::hash_to_base64;
use serde::Deserialize;

use crate::db;
use crate::error::{Error, Result};
use crate::extract::ApiQuery;
use crate::service::log;
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

async fn check_size(state: &AppState, size: u64) -> Result<()> {
    let have = db::log::size(&state.db).await?;
    if size > have {
        return Err(Error::NotFound(format!(
            "the log has {have} entries, not {size}"
        )));
    }
    Ok(())
}

/// The RFC 6962 inclusion proof of a leaf in a tree size, with the leaf's record.
#[utoipa::path(
    get,
    path = "/v1/log/proof/inclusion",
    tag = "log",
    params(InclusionParams),
    responses(
        (status = 200, body = InclusionProofResponse),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
pub(super) async fn inclusion(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<InclusionParams>,
) -> Result<Json<InclusionProofResponse>> {
    if p.index >= p.size {
        return Err(Error::BadRequest(format!(
            "leaf {} is not in a tree of {} entries: need index < size",
            p.index, p.size
        )));
    }
    check_size(&state, p.size).await?;
    let entry = db::log::entries(&state.db, p.index, p.index + 1)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| Error::NotFound(format!("no log entry {}", p.index)))?;
    let proof = log::inclusion(&state.db, p.index, p.size).await?;
    Ok(Json(InclusionProofResponse {
        index: p.index,
        tree_size: p.size,
        record: String::from_utf8_lossy(&entry.record).into_owned(),
        proof: proof.iter().map(hash_to_base64).collect(),
    }))
}

/// The RFC 6962 consistency proof between two tree sizes.
#[utoipa::path(
    get,
    path = "/v1/log/proof/consistency",
    tag = "log",
    params(ConsistencyParams),
    responses(
        (status = 200, body = ConsistencyProofResponse),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
pub(super) async fn consistency(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<ConsistencyParams>,
) -> Result<Json<ConsistencyProofResponse>> {
    if p.from == 0 || p.from > p.to {
        return Err(Error::BadRequest(format!(
            "no consistency proof from {} to {}: need 1 <= from <= to",
            p.from, p.to
        )));
    }
    check_size(&state, p.to).await?;
    let proof = log::consistency(&state.db, p.from, p.to).await?;
    Ok(Json(ConsistencyProofResponse {
        from: p.from,
        to: p.to,
        proof: proof.iter().map(hash_to_base64).collect(),
    }))
}
