//! OpenAPI responses and parameters that several routes document alike, written once here so
//! a wording or a status cannot drift between twin routes.

use std::collections::BTreeMap;

use protocol::api::{ErrorBody, OfficialErrorBody};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{IntoResponses, ToSchema};

/// One JSON error response with its description, its body the schema named `schema_name`.
fn error_response(schema_name: &str, description: &str) -> RefOr<Response> {
    let schema = Ref::from_schema_name(schema_name);
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new().schema(Some(schema)).build(),
        )
        .build()
        .into()
}

/// (status, description) pairs as responses whose body is `B` (`ErrorBody`, or the official
/// `OfficialErrorBody`).
fn responses_of<B: ToSchema>(list: &[(&str, &str)]) -> BTreeMap<String, RefOr<Response>> {
    let schema = B::name();
    list.iter()
        .map(|(status, description)| (status.to_string(), error_response(&schema, description)))
        .collect()
}

/// [`responses_of`] in our error shape.
fn responses(list: &[(&str, &str)]) -> BTreeMap<String, RefOr<Response>> {
    responses_of::<ErrorBody>(list)
}

/// Every write route's limits: the body cap and the per-address write rate.
pub(super) struct WriteLimits;

impl IntoResponses for WriteLimits {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        responses(&[
            ("413", "Body over the size limit"),
            (
                "429",
                "Too many writes from this address; retry after Retry-After seconds",
            ),
        ])
    }
}

/// A signed statement about a release (yank, deprecate and their reverses) whose key or
/// release is not there; each route says what its 400 means.
pub(super) struct ReleaseStatementErrors;

impl IntoResponses for ReleaseStatementErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        responses(&[
            ("403", "Key unknown, revoked, or not proven for this name"),
            ("404", "Unknown release"),
        ])
    }
}

/// The `{key_id}` of the key routes.
#[derive(utoipa::IntoParams)]
#[into_params(names("key_id"), parameter_in = Path)]
#[allow(dead_code)] // read by axum's `Path<String>`; this type only documents it
pub(super) struct KeyIdParam(
    /// minisign key id, 16 hex digits
    #[param(pattern = "^[0-9A-Fa-f]{16}$")]
    String,
);

/// The `{serverName}` of the official reads.
#[derive(utoipa::IntoParams)]
#[into_params(names("serverName"), parameter_in = Path)]
#[allow(dead_code)] // read by axum's `Path`; this type only documents it
pub(super) struct ServerNameParam(
    /// Server name, URL-encoded (io.github.o%2Fs)
    String,
);

/// A log proof asked for sizes that do not make a proof, or beyond the log's size.
pub(super) struct LogProofErrors;

impl IntoResponses for LogProofErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        responses(&[
            (
                "400",
                "The index or sizes do not make a proof (need index < size, 1 <= from <= to)",
            ),
            ("404", "The log is smaller than the size asked for"),
        ])
    }
}

/// The official version reads' failures, in the official error shape.
pub(super) struct OfficialVersionErrors;

impl IntoResponses for OfficialVersionErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        responses_of::<OfficialErrorBody>(&[
            ("400", "Invalid parameters"),
            ("404", "Unknown server, or no such version of it"),
        ])
    }
}
