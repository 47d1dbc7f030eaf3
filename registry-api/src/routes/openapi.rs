//! `/openapi.json`, generated from the handlers and wire types.

use axum::Json;
use utoipa::OpenApi;

use super::*;

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "MCP Trust Registry",
        description = "The official MCP registry's read API (/v0.1) plus signed publishing, \
                       namespace proofs and trust verdicts (/v1)."
    ),
    paths(
        servers_list::list,
        server_versions::versions,
        server_version::version,
        server_detail::detail,
        verify::verify,
        stats::stats,
        search::search,
        publish::publish,
        keys_register::register,
        keys_revoke::revoke,
        keys_recheck::recheck,
        yank::yank,
        unyank::unyank,
        deprecate::deprecate,
        deprecate::undeprecate,
        health::health,
        log_checkpoint::checkpoint,
        log_key::key,
        log_tile::tile,
        log_proofs::inclusion,
        log_proofs::consistency,
    )
)]
pub struct ApiDoc;

pub(super) async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
