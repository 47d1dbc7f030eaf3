//! The registry's one error type, and its one JSON shape on the wire:
//! `{"error":{"code":"not_found","message":"..."}}`.
//!
//! Messages are for the person who has to act: they say what is wrong and how to fix it.
//! Internal failures (database, bugs) are logged in full and answered with a generic message.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use protocol::api::{ErrorBody, ErrorDetail};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No such server, release, key or route.
    #[error("{0}")]
    NotFound(String),
    /// The path exists, the method does not.
    #[error("{0}")]
    MethodNotAllowed(String),
    /// A query parameter or body field is invalid.
    #[error("{0}")]
    BadRequest(String),
    /// The body is not the JSON the endpoint takes.
    #[error("{0}")]
    InvalidJson(String),
    #[error("the request body is too large: at most {limit} bytes are accepted")]
    PayloadTooLarge { limit: usize },
    /// The manifest does not validate.
    #[error("{0}")]
    InvalidManifest(String),
    /// The signature is malformed, or does not verify over the data.
    #[error("{0}")]
    InvalidSignature(String),
    /// The key is unknown, or not proven for what it signed.
    #[error("{0}")]
    NotAuthorized(String),
    #[error("{0}")]
    KeyRevoked(String),
    /// A namespace proof did not hold (repository not owned, key file missing or different).
    #[error("{0}")]
    ProofFailed(String),
    /// The (name, version) exists already; releases are immutable.
    #[error("{0}")]
    AlreadyExists(String),
    /// A statement's time is too far from the registry's clock, or was already superseded.
    #[error("{0}")]
    StaleStatement(String),
    #[error(
        "too many write requests from your address: at most {per_minute} a minute; try again in \
         {retry_after_secs} s"
    )]
    RateLimited {
        per_minute: u32,
        retry_after_secs: u64,
    },
    /// GitHub or a domain could not be reached or answered nonsense.
    #[error("{0}")]
    Upstream(String),
    /// Bad configuration (database URL, data dir, ...). Only at start-up.
    #[error("{0}")]
    Config(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("internal error: {0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn status(&self) -> StatusCode {
        match self {
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Error::BadRequest(_) | Error::InvalidJson(_) | Error::InvalidSignature(_) => {
                StatusCode::BAD_REQUEST
            }
            Error::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Error::InvalidManifest(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::NotAuthorized(_) | Error::KeyRevoked(_) | Error::ProofFailed(_) => {
                StatusCode::FORBIDDEN
            }
            Error::AlreadyExists(_) => StatusCode::CONFLICT,
            Error::StaleStatement(_) => StatusCode::BAD_REQUEST,
            Error::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::Upstream(_) => StatusCode::BAD_GATEWAY,
            Error::Config(_) | Error::Database(_) | Error::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    /// The stable code programs match on.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound(_) => "not_found",
            Error::MethodNotAllowed(_) => "method_not_allowed",
            Error::BadRequest(_) => "bad_request",
            Error::InvalidJson(_) => "invalid_json",
            Error::PayloadTooLarge { .. } => "payload_too_large",
            Error::InvalidManifest(_) => "invalid_manifest",
            Error::InvalidSignature(_) => "invalid_signature",
            Error::NotAuthorized(_) => "not_authorized",
            Error::KeyRevoked(_) => "key_revoked",
            Error::ProofFailed(_) => "proof_failed",
            Error::AlreadyExists(_) => "already_exists",
            Error::StaleStatement(_) => "stale_statement",
            Error::RateLimited { .. } => "rate_limited",
            Error::Upstream(_) => "upstream_error",
            Error::Config(_) | Error::Database(_) | Error::Internal(_) => "internal",
        }
    }

    pub fn body(&self) -> ErrorBody {
        let message = match self {
            // Do not leak SQL or internals to clients; the log has the details.
            Error::Config(_) | Error::Database(_) | Error::Internal(_) => {
                "the registry failed to handle the request; try again later".to_string()
            }
            other => other.to_string(),
        };
        ErrorBody {
            error: ErrorDetail {
                code: self.code().to_string(),
                message,
            },
        }
    }
}

/// The message of an error response, kept as a response extension so a layer can answer it in
/// another shape (the official one on `/v0*`) without parsing the body back.
#[derive(Debug, Clone)]
pub struct ErrorMessage(pub String);

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let body = self.body();
        let message = ErrorMessage(body.error.message.clone());
        let mut resp = (status, axum::Json(body)).into_response();
        resp.extensions_mut().insert(message);
        if let Error::RateLimited {
            retry_after_secs, ..
        } = self
        {
            resp.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, retry_after_secs.into());
        }
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_a_status_code_and_our_shape() {
        let cases = [
            (Error::NotFound("x".into()), 404, "not_found"),
            (
                Error::MethodNotAllowed("x".into()),
                405,
                "method_not_allowed",
            ),
            (Error::BadRequest("x".into()), 400, "bad_request"),
            (Error::InvalidJson("x".into()), 400, "invalid_json"),
            (
                Error::PayloadTooLarge { limit: 1 },
                413,
                "payload_too_large",
            ),
            (Error::InvalidManifest("x".into()), 422, "invalid_manifest"),
            (
                Error::InvalidSignature("x".into()),
                400,
                "invalid_signature",
            ),
            (Error::NotAuthorized("x".into()), 403, "not_authorized"),
            (Error::KeyRevoked("x".into()), 403, "key_revoked"),
            (Error::ProofFailed("x".into()), 403, "proof_failed"),
            (Error::AlreadyExists("x".into()), 409, "already_exists"),
            (Error::StaleStatement("x".into()), 400, "stale_statement"),
            (Error::Upstream("x".into()), 502, "upstream_error"),
            (
                Error::RateLimited {
                    per_minute: 1,
                    retry_after_secs: 2,
                },
                429,
                "rate_limited",
            ),
            (Error::Internal("secret detail".into()), 500, "internal"),
        ];
        for (err, status, code) in cases {
            assert_eq!(err.status().as_u16(), status, "{err:?}");
            let body = err.body();
            assert_eq!(body.error.code, code);
            assert!(!body.error.message.is_empty());
        }
    }

    #[test]
    fn internal_details_are_not_sent() {
        let body = Error::Internal("SELECT secret".into()).body();
        assert!(!body.error.message.contains("SELECT"));
    }
}
