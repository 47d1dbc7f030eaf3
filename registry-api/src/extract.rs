//! Extractors that answer bad input with our JSON error shape instead of axum's plain text.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::Error;

/// A JSON body. Too large → 413 `payload_too_large`; anything else wrong → 400 `invalid_json`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Error> {
        let axum::Json(value) = axum::Json::from_request(req, state)
            .await
            .map_err(json_rejection)?;
        Ok(ApiJson(value))
    }
}

fn json_rejection(rejection: JsonRejection) -> Error {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return Error::PayloadTooLarge {
            limit: protocol::formats::API_MAX_BODY_BYTES,
        };
    }
    match rejection {
        JsonRejection::MissingJsonContentType(_) => Error::InvalidJson(
            "the request body must be JSON: send the header Content-Type: application/json"
                .to_string(),
        ),
        other => Error::InvalidJson(format!(
            "the request body is not valid: {}",
            other.body_text()
        )),
    }
}

/// Query parameters. Anything wrong → 400 `bad_request`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Error> {
        let Query(value) = Query::from_request_parts(parts, state)
            .await
            .map_err(query_rejection)?;
        Ok(ApiQuery(value))
    }
}

fn query_rejection(rejection: QueryRejection) -> Error {
    Error::BadRequest(format!(
        "invalid query parameters: {}",
        rejection.body_text()
    ))
}
