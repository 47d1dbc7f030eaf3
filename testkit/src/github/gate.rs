//! What every request goes through: configured 502s, the secondary limit and the primary rate
//! limit per resource, and ETag/304 answers that cost nothing.

// Handlers answer early with a whole response; boxing it would only add noise here.
#![allow(clippy::result_large_err)]

use std::hash::{DefaultHasher, Hash, Hasher};

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::{Logged, World};

fn now_secs() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn etag_of(body: &[u8]) -> String {
    let mut h = DefaultHasher::new();
    body.hash(&mut h);
    format!("W/\"{:016x}\"", h.finish())
}

/// What every request goes through: the 502s, the secondary limit, the primary limit. Returns
/// the rate-limit headers, or the answer to send instead.
pub(super) fn gate(
    w: &mut World,
    resource: &'static str,
    path: &str,
    headers: &HeaderMap,
) -> Result<(HeaderMap, Option<String>), Response> {
    w.counter += 1;
    let n = w.counter;
    let conditional = headers
        .get("if-none-match")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let mut log = Logged {
        path: path.to_string(),
        authorization: headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        conditional: conditional.is_some(),
        status: 200,
    };
    let failing = w.settings.fail_prefixes.iter().any(|p| path.starts_with(p));
    if failing || (w.settings.fail_every > 0 && n.is_multiple_of(w.settings.fail_every)) {
        log.status = 502;
        w.log.push(log);
        return Err((StatusCode::BAD_GATEWAY, "<html>502 Bad Gateway</html>").into_response());
    }
    if w.settings.secondary_at.contains(&n) {
        log.status = 403;
        w.log.push(log);
        return Err((
            StatusCode::FORBIDDEN,
            [("retry-after", "1")],
            axum::Json(json!({"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."})),
        )
            .into_response());
    }
    let limit = match resource {
        "search" => w.settings.search_limit,
        "code_search" => w.settings.code_search_limit,
        _ => w.settings.core_limit,
    };
    let now = now_secs();
    let window = w.settings.window_secs;
    let entry = w.limits.entry(resource).or_insert((limit, now + window));
    if entry.1 <= now {
        *entry = (limit, now + window);
    }
    let (remaining, reset) = *entry;
    let mut h = HeaderMap::new();
    let hv = |v: String| HeaderValue::from_str(&v).expect("header");
    h.insert("x-ratelimit-limit", hv(limit.to_string()));
    h.insert("x-ratelimit-reset", hv(reset.to_string()));
    h.insert("x-ratelimit-resource", HeaderValue::from_static(resource));
    if remaining <= 0 {
        h.insert("x-ratelimit-remaining", hv("0".to_string()));
        log.status = 403;
        w.log.push(log);
        return Err((
            StatusCode::FORBIDDEN,
            h,
            axum::Json(json!({"message": "API rate limit exceeded"})),
        )
            .into_response());
    }
    w.log.push(log);
    Ok((h, conditional))
}

/// Sends `body` with an ETag, or 304 when the client has it (free: the count is given back).
pub(super) fn answer(
    w: &mut World,
    resource: &'static str,
    mut h: HeaderMap,
    conditional: Option<String>,
    body: Vec<u8>,
    content_type: &'static str,
) -> Response {
    let etag = etag_of(&body);
    let remaining = w.limits.get(resource).map(|e| e.0).unwrap_or(0);
    h.insert("etag", HeaderValue::from_str(&etag).expect("etag"));
    if conditional.as_deref() == Some(etag.as_str()) {
        h.insert(
            "x-ratelimit-remaining",
            HeaderValue::from_str(&remaining.to_string()).expect("h"),
        );
        if let Some(l) = w.log.last_mut() {
            l.status = 304;
        }
        return (StatusCode::NOT_MODIFIED, h).into_response();
    }
    if let Some(e) = w.limits.get_mut(resource) {
        e.0 -= 1;
    }
    h.insert(
        "x-ratelimit-remaining",
        HeaderValue::from_str(&(remaining - 1).to_string()).expect("h"),
    );
    h.insert("content-type", HeaderValue::from_static(content_type));
    (StatusCode::OK, h, body).into_response()
}
