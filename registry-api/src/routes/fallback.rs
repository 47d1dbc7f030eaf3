//! Unknown paths and methods: our JSON error shape for the API, the site's HTML 404 for
//! everything else (a person who mistyped a page address).

use axum::http::{HeaderMap, Method, Uri, header};
use axum::response::{IntoResponse, Response};

use crate::error::Error;

/// Paths that belong to the API: they always answer JSON errors.
const API_PREFIXES: &[&str] = &[
    "/v0.1/",
    "/v0/",
    "/v1/",
    "/log/",
    "/healthz",
    "/metrics",
    "/openapi.json",
];

/// The official read API's prefixes: errors there take the official shape.
fn is_official(path: &str) -> bool {
    path == "/v0" || path == "/v0.1" || path.starts_with("/v0/") || path.starts_with("/v0.1/")
}

fn wants_json(uri: &Uri, headers: &HeaderMap) -> bool {
    let path = uri.path();
    if API_PREFIXES.iter().any(|p| path.starts_with(p))
        || is_official(path)
        || path == "/v1"
        || path.starts_with(web::STATIC_PREFIX)
    {
        return true;
    }
    // Elsewhere HTML, unless the client asks for JSON and not HTML.
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    accept.contains("application/json") && !accept.contains("text/html")
}

pub(super) async fn not_found(uri: Uri, headers: HeaderMap) -> Response {
    if !wants_json(&uri, &headers) {
        return web::not_found_page(uri.path());
    }
    let response = Error::NotFound(format!(
        "no such endpoint {}; see /openapi.json for the API",
        uri.path()
    ))
    .into_response();
    if is_official(uri.path()) {
        return super::official_errors::official_shape(response);
    }
    response
}

pub(super) async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    let response = Error::MethodNotAllowed(format!(
        "{method} is not allowed on {}; see /openapi.json for the API",
        uri.path()
    ))
    .into_response();
    if is_official(uri.path()) {
        return super::official_errors::official_shape(response);
    }
    response
}
