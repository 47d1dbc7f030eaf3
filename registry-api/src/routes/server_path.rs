//! `/v0.1/servers/{name}/versions[/{version}]` with a name that contains `/`.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

use super::{server_version, server_versions};
use crate::error::Error;
use crate::state::AppState;

pub(super) async fn dispatch(State(state): State<AppState>, Path(path): Path<String>) -> Response {
    let path = path.trim_end_matches('/');
    if let Some(name) = path.strip_suffix("/versions") {
        return server_versions::versions(state, name.to_string())
            .await
            .into_response();
    }
    if let Some((name, version)) = path.rsplit_once("/versions/")
        && !version.contains('/')
    {
        return server_version::version(state, name.to_string(), version.to_string())
            .await
            .into_response();
    }
    Error::NotFound(format!(
        "no such endpoint /v0.1/servers/{path}: use /v0.1/servers/{{name}}/versions or \
         /v0.1/servers/{{name}}/versions/{{version}}"
    ))
    .into_response()
}
