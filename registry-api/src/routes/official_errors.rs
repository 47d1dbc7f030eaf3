//! The official registry's error shape on `/v0` and `/v0.1`: `{"error": "..."}` (its OpenAPI
//! document), where the rest of our API answers `{"error": {"code", "message"}}`. The status
//! code and headers (`Retry-After`) stay; only the body changes.

use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use protocol::api::OfficialErrorBody;

use crate::error::ErrorMessage;

pub(super) async fn rewrite(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    official_shape(response)
}

/// Rewrites a response made from our [`crate::error::Error`] (it carries the message as an
/// extension); any other response passes unchanged.
pub(crate) fn official_shape(response: Response) -> Response {
    let Some(ErrorMessage(message)) = response.extensions().get::<ErrorMessage>().cloned() else {
        return response;
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    let body = axum::Json(OfficialErrorBody { error: message });
    let mut out = body.into_response();
    *out.status_mut() = parts.status;
    for (name, value) in &parts.headers {
        out.headers_mut().insert(name.clone(), value.clone());
    }
    out
}
