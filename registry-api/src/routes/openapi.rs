//! `/openapi.json`, generated from the handlers and wire types of the route list in
//! [`super::router`].

use std::sync::OnceLock;

use axum::Json;
use utoipa::OpenApi;
use utoipa::openapi::OpenApi as Document;

#[derive(Debug, OpenApi)]
#[openapi(info(
    title = "MCP Trust Registry",
    description = "The official MCP registry's read API (/v0.1, and /v0 for older clients) \
                   plus signed publishing, namespace proofs, trust verdicts and the \
                   transparency log (/v1, /log). Errors on /v0 and /v0.1 have the official \
                   shape {\"error\": \"...\"}; elsewhere {\"error\": {\"code\", \"message\"}}."
))]
struct ApiDoc;

/// The document's head; the route list adds the paths and schemas.
pub(super) fn base() -> Document {
    ApiDoc::openapi()
}

/// Finishing touches on the generated document: operation ids stay unique although the
/// official routes are served under two prefixes, and axum's catch-all parameters
/// (`{*path}`) read as OpenAPI's `{path}`.
pub(super) fn finish(doc: &mut Document) {
    let catch_alls: Vec<String> = doc
        .paths
        .paths
        .keys()
        .filter(|p| p.contains("{*"))
        .cloned()
        .collect();
    for path in catch_alls {
        if let Some(item) = doc.paths.paths.remove(&path) {
            doc.paths.paths.insert(path.replace("{*", "{"), item);
        }
    }
    for (path, item) in doc.paths.paths.iter_mut() {
        if !path.starts_with("/v0/") {
            continue;
        }
        for op in [
            item.get.as_mut(),
            item.post.as_mut(),
            item.put.as_mut(),
            item.delete.as_mut(),
            item.patch.as_mut(),
        ]
        .into_iter()
        .flatten()
        {
            if let Some(id) = op.operation_id.as_mut() {
                *id = format!("v0_{id}");
            }
        }
    }
}

/// The document, built once from the route list.
pub fn document() -> &'static Document {
    static DOC: OnceLock<Document> = OnceLock::new();
    DOC.get_or_init(|| super::router::api().1)
}

/// This document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "operations",
    responses((status = 200, description = "The OpenAPI 3.1 document of this API", content_type = "application/json"))
)]
pub(super) async fn openapi_json() -> Json<&'static Document> {
    Json(document())
}
