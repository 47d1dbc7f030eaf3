#![doc = include_str!("../README.md")]

mod install;
mod layout;
mod pages;

use std::future::Future;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use protocol::api::{LogSummary, NamespaceListing, SearchResponse, ServerDetail, VerifyResponse};

pub use install::{Snippet, snippets};

/// What went wrong fetching a page's data.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    /// The thing asked for does not exist; the page says what to try instead.
    #[error("{0}")]
    NotFound(String),
    /// The request's parameters are wrong (a bad filter value, an invalid cursor).
    #[error("{0}")]
    BadRequest(String),
    /// The registry failed; logged, and shown to people without detail.
    #[error("{0}")]
    Internal(String),
}

/// A search as the site asks for it: values within one list are alternatives, lists combine.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    pub q: String,
    pub trust: Vec<String>,
    pub registry_type: Vec<String>,
    pub transport: Vec<String>,
    /// `metadata.nextCursor` of the previous page.
    pub cursor: Option<String>,
    pub limit: u32,
}

/// Results per search page.
pub const SEARCH_PAGE_SIZE: u32 = 20;
/// Servers per namespace page.
pub const NAMESPACE_PAGE_SIZE: u32 = 50;
/// Log entries shown on the log page (and scanned for recent releases on the home page).
pub const LOG_PAGE_ENTRIES: u64 = 50;

/// Where the pages get their data. The registry implements it over its service layer; the site
/// never touches a database, so every value here is a wire type of `protocol::api`.
pub trait SiteData: Clone + Send + Sync + 'static {
    /// A ranked, faceted page of servers.
    fn search(
        &self,
        query: &SearchQuery,
    ) -> impl Future<Output = Result<SearchResponse, SiteError>> + Send;
    /// A server with its versions and namespace keys; `None` when unknown.
    fn server(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Option<ServerDetail>, SiteError>> + Send;
    /// The evidence for one release (manifest, signature, key, log proof, scan).
    fn release(
        &self,
        name: &str,
        version: &str,
    ) -> impl Future<Output = Result<VerifyResponse, SiteError>> + Send;
    /// A page of a namespace's servers (names after `after`, at most `limit`) and its keys;
    /// `None` when it has neither.
    fn namespace(
        &self,
        namespace: &str,
        after: Option<&str>,
        limit: u32,
    ) -> impl Future<Output = Result<Option<NamespaceListing>, SiteError>> + Send;
    /// The latest checkpoint and the `entries` newest log entries.
    fn log(&self, entries: u64) -> impl Future<Output = Result<LogSummary, SiteError>> + Send;
}

/// The site's paths, for the registry to keep its JSON errors away from them.
pub const STATIC_PREFIX: &str = "/static/";
const CSS: &str = include_str!("../static/site.css");
const JS: &str = include_str!("../static/site.js");

/// The site's routes: `/`, `/search`, `/servers/{name}[/versions/{version}]`,
/// `/namespaces/{namespace}`, `/log`, `/docs/...` and `/static/...`. It has no fallback, so
/// the caller keeps its own and calls [`not_found_page`] for unknown paths that want HTML.
pub fn router<D: SiteData, S: Clone + Send + Sync + 'static>(data: D) -> Router<S> {
    Router::new()
        .route("/", get(home::<D>))
        .route("/search", get(search::<D>))
        .route("/servers/{*path}", get(server::<D>))
        .route("/namespaces/{namespace}", get(namespace::<D>))
        .route("/log", get(log::<D>))
        .route("/docs", get(docs_index))
        .route("/docs/{page}", get(docs))
        .route("/static/site.css", get(css))
        .route("/static/site.js", get(js))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(data)
}

/// The HTML 404 page, with the site's headers, for the caller's fallback.
pub fn not_found_page(path: &str) -> Response {
    with_headers(html(
        StatusCode::NOT_FOUND,
        pages::errors::not_found(&format!("There is no page at {path}.")),
    ))
}

/// The same Content Security Policy for every page: only our own stylesheet and script, no
/// inline code, no framing, forms only to ourselves.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; \
     script-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; \
     base-uri 'none'; frame-ancestors 'none'";

async fn security_headers(response: Response) -> Response {
    with_headers(response)
}

fn with_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

fn page(result: Result<String, SiteError>) -> Response {
    match result {
        Ok(body) => html(StatusCode::OK, body),
        Err(e) => error_page(e),
    }
}

fn error_page(e: SiteError) -> Response {
    match e {
        SiteError::NotFound(msg) => html(StatusCode::NOT_FOUND, pages::errors::not_found(&msg)),
        SiteError::BadRequest(msg) => {
            html(StatusCode::BAD_REQUEST, pages::errors::bad_request(&msg))
        }
        SiteError::Internal(msg) => {
            tracing::error!(error = %msg, "a site page failed");
            html(StatusCode::INTERNAL_SERVER_ERROR, pages::errors::internal())
        }
    }
}

async fn home<D: SiteData>(State(data): State<D>) -> Response {
    page(pages::home::render(&data).await)
}

async fn search<D: SiteData>(State(data): State<D>, RawQuery(raw): RawQuery) -> Response {
    let query = pages::search::parse_query(raw.as_deref().unwrap_or(""));
    page(pages::search::render(&data, &query).await)
}

async fn server<D: SiteData>(State(data): State<D>, Path(path): Path<String>) -> Response {
    let path = path.trim_end_matches('/');
    // Names hold one `/` and versions none, so `/versions/` after the name splits them.
    let (name, version) = match path.split_once("/versions/") {
        Some((name, version)) if name.contains('/') && !version.contains('/') => {
            (name, Some(version))
        }
        _ => (path, None),
    };
    page(pages::server::render(&data, name, version).await)
}

async fn namespace<D: SiteData>(
    State(data): State<D>,
    Path(ns): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let after = url::form_urlencoded::parse(raw.as_deref().unwrap_or("").as_bytes())
        .find(|(k, v)| k == "after" && !v.is_empty())
        .map(|(_, v)| v.into_owned());
    page(pages::namespace::render(&data, &ns, after.as_deref()).await)
}

async fn log<D: SiteData>(State(data): State<D>) -> Response {
    page(pages::log::render(&data).await)
}

async fn docs_index() -> Response {
    page(Ok(pages::docs::index()))
}

async fn docs(Path(name): Path<String>) -> Response {
    page(pages::docs::render(&name))
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

async fn css() -> Response {
    asset("text/css; charset=utf-8", CSS)
}

async fn js() -> Response {
    asset("text/javascript; charset=utf-8", JS)
}

/// The bytes of the stylesheet and script every page loads, for page-size budgets.
pub fn asset_bytes() -> usize {
    CSS.len() + JS.len()
}

/// Renders pages without HTTP, for benchmarks: each returns the page's HTML.
pub mod render {
    use super::{SearchQuery, SiteData, SiteError, pages};

    pub async fn home<D: SiteData>(data: &D) -> Result<String, SiteError> {
        pages::home::render(data).await
    }
    pub async fn search<D: SiteData>(data: &D, q: &SearchQuery) -> Result<String, SiteError> {
        pages::search::render(data, q).await
    }
    pub async fn server<D: SiteData>(
        data: &D,
        name: &str,
        version: Option<&str>,
    ) -> Result<String, SiteError> {
        pages::server::render(data, name, version).await
    }
    pub async fn namespace<D: SiteData>(
        data: &D,
        ns: &str,
        after: Option<&str>,
    ) -> Result<String, SiteError> {
        pages::namespace::render(data, ns, after).await
    }
    pub async fn log<D: SiteData>(data: &D) -> Result<String, SiteError> {
        pages::log::render(data).await
    }
    pub fn docs(slug: &str) -> Result<String, SiteError> {
        pages::docs::render(slug)
    }
}
