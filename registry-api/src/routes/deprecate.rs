//! `POST /v1/deprecate` and `POST /v1/undeprecate`: one statement, two directions.

use axum::Json;
use axum::extract::State;
use protocol::api::{DeprecateRequest, ErrorBody, ReleaseInfo};

use super::release_statement::release_statement_route;
use super::responses::{ReleaseStatementErrors, WriteLimits};
use crate::error::Result;
use crate::extract::ApiJson;
use crate::service::statements;
use crate::state::AppState;

release_statement_route! {
    /// Deprecate a release (a statement signed by a key proven for its name), with a message
    /// for its users. It stays installable and keeps its trust level; the official `_meta`
    /// status becomes `deprecated` and the verdict gives the `deprecated` reason.
    deprecate: "/v1/deprecate", DeprecateRequest,
        "Malformed, badly signed or stale statement, or a message over 500 characters"
        => statements::set_deprecated, true
}

release_statement_route! {
    /// Withdraw a deprecation (a statement signed by a key proven for the release's name).
    undeprecate: "/v1/undeprecate", DeprecateRequest,
        "Malformed, badly signed or stale statement, or a message given"
        => statements::set_deprecated, false
}
