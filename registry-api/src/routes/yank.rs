//! `POST /v1/yank` and `POST /v1/unyank`: one statement, two directions (as crates.io's
//! `modify_yank`).

use axum::Json;
use axum::extract::State;
use protocol::api::{ErrorBody, ReleaseInfo, YankRequest};

use super::release_statement::release_statement_route;
use super::responses::{ReleaseStatementErrors, WriteLimits};
use crate::error::Result;
use crate::extract::ApiJson;
use crate::service::statements;
use crate::state::AppState;

release_statement_route! {
    /// Yank a release (a statement signed by a key proven for its name). It stays stored and
    /// readable, with the verdict `yanked` (`deleted` in the official status).
    yank: "/v1/yank", YankRequest, "Malformed, badly signed or stale statement"
        => statements::set_yanked, true
}

release_statement_route! {
    /// Un-yank a release (a statement signed by a key proven for its name).
    unyank: "/v1/unyank", YankRequest, "Malformed, badly signed or stale statement, or a reason given"
        => statements::set_yanked, false
}
