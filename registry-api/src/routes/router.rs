//! Every route of the registry, in one place.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use protocol::formats::API_MAX_BODY_BYTES;
use tower_http::cors::CorsLayer;
use tower_http::trace::TraceLayer;

use super::*;
use crate::state::AppState;

pub fn router(state: AppState) -> Router {
    Router::new()
        // Official MCP registry API (reads).
        .route("/v0.1/servers", get(servers_list::list))
        // `{name}/versions` and `{name}/versions/{version}`; the name holds a `/`, sent
        // URL-encoded (`%2F`) by official clients or plain by people typing URLs.
        .route("/v0.1/servers/{*path}", get(server_path::dispatch))
        // Ours.
        .route("/v1/servers/{*name}", get(server_detail::detail))
        .route("/v1/verify", get(verify::verify))
        .route("/v1/stats", get(stats::stats))
        .route("/v1/search", get(search::search))
        .route("/v1/publish", post(publish::publish))
        .route("/v1/keys", post(keys_register::register))
        .route("/v1/keys/{key_id}/revoke", post(keys_revoke::revoke))
        .route("/v1/keys/{key_id}/recheck", post(keys_recheck::recheck))
        .route("/v1/yank", post(yank::yank))
        .route("/v1/unyank", post(unyank::unyank))
        .route("/v1/deprecate", post(deprecate::deprecate))
        .route("/v1/undeprecate", post(deprecate::undeprecate))
        // The transparency log: C2SP tlog-tiles reads, the log key, proofs.
        .route("/log/checkpoint", get(log_checkpoint::checkpoint))
        .route("/log/key", get(log_key::key))
        .route("/log/tile/{*path}", get(log_tile::tile))
        .route("/v1/log/proof/inclusion", get(log_proofs::inclusion))
        .route("/v1/log/proof/consistency", get(log_proofs::consistency))
        .route("/healthz", get(health::health))
        .route("/openapi.json", get(openapi::openapi_json))
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
        .layer(CorsLayer::permissive())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
