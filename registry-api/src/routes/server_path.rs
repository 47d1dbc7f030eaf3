//! The official reads with a name typed with a plain `/` (`/servers/io.github.o/s/versions`)
//! instead of the official `%2F`, and `/servers/{name}` alone (its latest version, which
//! clients written for older registry versions call). A server name has exactly one `/`, so
//! these fixed shapes cover every plain spelling; they answer with the documented handlers.

use axum::Json;
use axum::extract::{Path, State};
use protocol::api::{ServerList, ServerResponse};

use super::server_version::{self, VersionQuery};
use super::server_versions;
use crate::error::Result;
use crate::extract::ApiQuery;
use crate::state::AppState;

/// `/servers/{name}` with the name URL-encoded: its latest version.
pub(super) async fn latest_encoded(
    State(state): State<AppState>,
    Path(name): Path<String>,
    ApiQuery(query): ApiQuery<VersionQuery>,
) -> Result<Json<ServerResponse>> {
    server_version::answer(state, name, "latest".to_string(), query).await
}

/// `/servers/{namespace}/{name}`: its latest version.
pub(super) async fn latest(
    State(state): State<AppState>,
    Path((namespace, name)): Path<(String, String)>,
    ApiQuery(query): ApiQuery<VersionQuery>,
) -> Result<Json<ServerResponse>> {
    server_version::answer(state, format!("{namespace}/{name}"), "latest".into(), query).await
}

/// `/servers/{namespace}/{name}/versions`.
pub(super) async fn versions(
    State(state): State<AppState>,
    Path((namespace, name)): Path<(String, String)>,
    ApiQuery(query): ApiQuery<VersionQuery>,
) -> Result<Json<ServerList>> {
    server_versions::answer(state, format!("{namespace}/{name}"), query).await
}

/// `/servers/{namespace}/{name}/versions/{version}`.
pub(super) async fn version(
    State(state): State<AppState>,
    Path((namespace, name, version)): Path<(String, String, String)>,
    ApiQuery(query): ApiQuery<VersionQuery>,
) -> Result<Json<ServerResponse>> {
    server_version::answer(state, format!("{namespace}/{name}"), version, query).await
}
