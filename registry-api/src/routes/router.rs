//! Every route of the registry, in one list: the axum router and the OpenAPI document are both
//! built from it (`utoipa_axum::routes!`), so a route cannot be served without being documented
//! or documented without being served.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use protocol::formats::API_MAX_BODY_BYTES;
use tower_http::compression::CompressionLayer;
use tower_http::cors::CorsLayer;
use tower_http::trace::TraceLayer;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::*;
use crate::state::AppState;

/// The official MCP registry's read API. Served twice, under `/v0.1` and `/v0`, as the official
/// registry does (clients published for it call either).
fn official() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(servers_list::list))
        .routes(routes!(server_versions::versions))
        .routes(routes!(server_version::version))
        // Names typed with a plain `/` instead of the official `%2F`, and `/servers/{name}`
        // alone (its latest version, which some clients call): other spellings of the routes
        // above, answered by the same code. matchit wants one parameter name per position.
        .route("/servers/{serverName}", get(server_path::latest_encoded))
        .route("/servers/{serverName}/{name}", get(server_path::latest))
        .route(
            "/servers/{serverName}/{name}/versions",
            get(server_path::versions),
        )
        .route(
            "/servers/{serverName}/{name}/versions/{version}",
            get(server_path::version),
        )
        // Official clients get the official error shape, `{"error": "..."}`.
        .layer(axum::middleware::from_fn(official_errors::rewrite))
}

/// Our API, the transparency log and operations.
fn ours() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(server_detail::detail))
        .routes(routes!(verify::verify))
        .routes(routes!(stats::stats))
        .routes(routes!(search::search))
        .routes(routes!(publish::publish))
        .routes(routes!(keys_register::register))
        .routes(routes!(keys_revoke::revoke))
        .routes(routes!(keys_recheck::recheck))
        .routes(routes!(yank::yank))
        .routes(routes!(yank::unyank))
        .routes(routes!(deprecate::deprecate))
        .routes(routes!(deprecate::undeprecate))
        // The transparency log: C2SP tlog-tiles reads, the log key, proofs.
        .routes(routes!(log_checkpoint::checkpoint))
        .routes(routes!(log_key::key))
        .routes(routes!(log_tile::tile))
        .routes(routes!(log_proofs::inclusion))
        .routes(routes!(log_proofs::consistency))
        .routes(routes!(health::health))
        .routes(routes!(metrics::metrics))
        .routes(routes!(openapi::openapi_json))
}

/// The API's routes and its OpenAPI document, from the one list above.
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut doc) = OpenApiRouter::with_openapi(openapi::base())
        .nest("/v0.1", official())
        .nest("/v0", official())
        .merge(ours())
        .split_for_parts();
    openapi::finish(&mut doc);
    (router, doc)
}

pub fn router(state: AppState) -> Router {
    let (api, _) = api();
    api
        // The website (`web`): `/`, `/search`, `/servers/...`, `/namespaces/...`, `/log`,
        // `/docs/...`, `/static/...`. Its paths never overlap the API's.
        .merge(web::router(crate::site::Site::new(state.clone())))
        .fallback(fallback::not_found)
        .method_not_allowed_fallback(fallback::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            search::sync_after_writes,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            rate_limit::limit_writes,
        ))
        .layer(DefaultBodyLimit::max(API_MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(metrics::track))
        // gzip and zstd for JSON, HTML and log entry bundles (tlog-tiles: they SHOULD be
        // compressed), as the client's Accept-Encoding allows; headers such as the tiles'
        // immutable Cache-Control pass unchanged.
        .layer(CompressionLayer::new().gzip(true).zstd(true))
        .layer(CorsLayer::permissive())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
