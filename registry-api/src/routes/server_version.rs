use axum::Json;
use axum::extract::{Path, State};
use protocol::api::ServerResponse;
use serde::Deserialize;

use super::responses::{OfficialVersionErrors, ServerNameParam};
use crate::error::Result;
use crate::extract::ApiQuery;
use crate::service::reads;
use crate::state::AppState;

/// The official `include_deleted` of the version reads.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct VersionQuery {
    /// `true` also answers deleted (yanked or taken down) releases; default `false`.
    #[param(value_type = Option<bool>)]
    include_deleted: Option<String>,
}

impl VersionQuery {
    pub(super) fn include_deleted(&self) -> Result<bool> {
        reads::parse_bool("include_deleted", self.include_deleted.as_deref())
    }
}

/// One version of a server (`latest` for the latest).
#[utoipa::path(
    get,
    path = "/servers/{serverName}/versions/{version}",
    tag = "official",
    params(
        ServerNameParam,
        ("version" = String, Path, description = "Exact version (URL-encoded), or `latest`"),
        VersionQuery,
    ),
    responses(
        (status = 200, description = "The release", body = ServerResponse),
        OfficialVersionErrors,
    )
)]
pub(super) async fn version(
    State(state): State<AppState>,
    Path((name, version)): Path<(String, String)>,
    ApiQuery(query): ApiQuery<VersionQuery>,
) -> Result<Json<ServerResponse>> {
    answer(state, name, version, query).await
}

pub(super) async fn answer(
    state: AppState,
    name: String,
    version: String,
    query: VersionQuery,
) -> Result<Json<ServerResponse>> {
    let include_deleted = query.include_deleted()?;
    Ok(Json(
        reads::version(&state.db, &state.log, &name, &version, include_deleted).await?,
    ))
}
