//! Unknown paths and methods, in our error shape.

use axum::http::{Method, Uri};

use crate::error::Error;

pub(super) async fn not_found(uri: Uri) -> Error {
    Error::NotFound(format!(
        "no such endpoint {}; see /openapi.json for the API",
        uri.path()
    ))
}

pub(super) async fn method_not_allowed(method: Method, uri: Uri) -> Error {
    Error::MethodNotAllowed(format!(
        "{method} is not allowed on {}; see /openapi.json for the API",
        uri.path()
    ))
}
