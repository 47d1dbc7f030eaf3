//! Error bodies: ours (`{"error":{"code","message"}}`) and the official read API's
//! (`{"error":"..."}`).

use serde::{Deserialize, Serialize};

/// Every error response: `{"error":{"code":"not_found","message":"..."}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// Every error response on the official read API (`/v0`, `/v0.1`), in the official registry's
/// shape: `{"error":"Server not found"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficialErrorBody {
    /// What went wrong and how to fix it, for people.
    pub error: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// A stable, snake_case code for programs.
    pub code: String,
    /// What went wrong and how to fix it, for people.
    pub message: String,
}
