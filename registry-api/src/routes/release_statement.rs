//! The routes that take a maintainer's signed statement about one release (yank, unyank,
//! deprecate, undeprecate) are one shape: a POST of the statement, answered with the release.
//! [`release_statement_route!`] writes that shape once; `yank.rs` and `deprecate.rs` list the
//! routes.

/// A `POST` route for a signed release statement: `handler: "/path", Request, "what a 400
/// means" => service_fn(db, log, &request, flag)`.
macro_rules! release_statement_route {
    (
        $(#[doc = $doc:literal])*
        $handler:ident: $path:tt, $request:ident, $bad_request:tt => $apply:path, $flag:tt
    ) => {
        $(#[doc = $doc])*
        #[utoipa::path(
            post,
            path = $path,
            tag = "registry",
            request_body = $request,
            responses(
                (status = 200, description = "Done", body = ReleaseInfo),
                (status = 400, description = $bad_request, body = ErrorBody),
                ReleaseStatementErrors,
                WriteLimits,
            )
        )]
        pub(super) async fn $handler(
            State(state): State<AppState>,
            ApiJson(req): ApiJson<$request>,
        ) -> Result<Json<ReleaseInfo>> {
            Ok(Json($apply(&state.db, &state.log, &req, $flag).await?))
        }
    };
}

pub(super) use release_statement_route;
