//! `/search/repositories` and `/search/code`: GitHub's qualifiers the crawler uses (`topic:`,
//! `created:`, `in:`, `filename:`, `size:`), `Link` pagination and the result cap.

// Handlers answer early with a whole response; boxing it would only add noise here.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use time::Date;

use super::gate::{answer, gate};
use super::json::{owner_json, repo_json};
use super::{Repo, St};

/// Splits a query into words, keeping quoted phrases together.
fn tokens(q: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in q.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn date_range(v: &str) -> Option<(Date, Date)> {
    let parse = |d: &str| -> Option<Date> {
        let mut it = d.split('-');
        let y: i32 = it.next()?.parse().ok()?;
        let m: u8 = it.next()?.parse().ok()?;
        let day: u8 = it.next()?.parse().ok()?;
        Date::from_calendar_date(y, time::Month::try_from(m).ok()?, day).ok()
    };
    let (a, b) = v.split_once("..")?;
    Some((parse(a)?, parse(b)?))
}

fn page_of(
    base: &str,
    path: &str,
    q: &str,
    per_page: usize,
    page: usize,
    total: usize,
    cap: usize,
) -> Result<(std::ops::Range<usize>, Option<String>), Response> {
    let visible = total.min(cap);
    let start = (page - 1) * per_page;
    if start >= cap && page > 1 {
        return Err((
            StatusCode::UNPROCESSABLE_ENTITY,
            axum::Json(json!({"message": "Only the first 1000 search results are available"})),
        )
            .into_response());
    }
    let end = (start + per_page).min(visible);
    let last = visible.div_ceil(per_page).max(1);
    let enc: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
    let link = |p: usize, rel: &str| {
        format!("<{base}{path}?q={enc}&per_page={per_page}&page={p}>; rel=\"{rel}\"")
    };
    let mut links = Vec::new();
    if page < last {
        links.push(link(page + 1, "next"));
        links.push(link(last, "last"));
    }
    if page > 1 {
        links.push(link(1, "first"));
        links.push(link(page - 1, "prev"));
    }
    let link = (!links.is_empty()).then(|| links.join(", "));
    Ok((start.min(end)..end, link))
}

fn params(p: &HashMap<String, String>) -> (String, usize, usize) {
    let q = p.get("q").cloned().unwrap_or_default();
    let per_page = p
        .get("per_page")
        .and_then(|v| v.parse().ok())
        .unwrap_or(30usize)
        .clamp(1, 100);
    let page = p
        .get("page")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1usize)
        .max(1);
    (q, per_page, page)
}

pub(super) fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get("host")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}")
}

pub(super) async fn repositories(
    State(w): St,
    headers: HeaderMap,
    Query(p): Query<HashMap<String, String>>,
) -> Response {
    let mut w = w.lock().expect("lock");
    let base = base_url(&headers);
    let (q, per_page, page) = params(&p);
    let (h, cond) = match gate(
        &mut w,
        "search",
        &format!("/search/repositories?q={q}&page={page}"),
        &headers,
    ) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let toks = tokens(&q);
    let mut matched: Vec<&Repo> = w
        .repos
        .iter()
        .filter(|r| {
            let mut ok = true;
            let mut words = Vec::new();
            let mut in_fields: Option<Vec<String>> = None;
            for t in &toks {
                if let Some(v) = t.strip_prefix("topic:") {
                    ok &= r.topics.iter().any(|x| x == v);
                } else if let Some(v) = t.strip_prefix("created:") {
                    ok &= date_range(v).is_some_and(|(a, b)| a <= r.created && r.created <= b);
                } else if let Some(v) = t.strip_prefix("in:") {
                    in_fields = Some(v.split(',').map(str::to_string).collect());
                } else {
                    words.push(t.to_lowercase());
                }
            }
            let fields = in_fields.unwrap_or_else(|| vec!["name".into(), "description".into()]);
            let mut hay = String::new();
            if fields.iter().any(|f| f == "name") {
                hay.push_str(&r.name.to_lowercase().replace(['-', '_'], " "));
                hay.push(' ');
            }
            if fields.iter().any(|f| f == "description") {
                hay.push_str(&r.description.clone().unwrap_or_default().to_lowercase());
            }
            ok && words.iter().all(|wd| hay.contains(wd.as_str()))
        })
        .collect();
    matched.sort_by_key(|r| r.id);
    let total = matched.len();
    let (range, link) = match page_of(
        &base,
        "/search/repositories",
        &q,
        per_page,
        page,
        total,
        w.settings.search_cap,
    ) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let items: Vec<Value> = matched[range].iter().map(|r| repo_json(&base, r)).collect();
    let body = serde_json::to_vec(&json!({
        "total_count": total, "incomplete_results": false, "items": items
    }))
    .expect("json");
    let mut h = h;
    if let Some(l) = link {
        h.insert("link", HeaderValue::from_str(&l).expect("link"));
    }
    answer(&mut w, "search", h, cond, body, "application/json")
}

pub(super) async fn code(
    State(w): St,
    headers: HeaderMap,
    Query(p): Query<HashMap<String, String>>,
) -> Response {
    let mut w = w.lock().expect("lock");
    let base = base_url(&headers);
    let (q, per_page, page) = params(&p);
    let (h, cond) = match gate(
        &mut w,
        "code_search",
        &format!("/search/code?q={q}&page={page}"),
        &headers,
    ) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let toks = tokens(&q);
    let mut hits: Vec<(&Repo, String)> = Vec::new();
    for r in &w.repos {
        let mut filename = None;
        let mut size = None;
        let mut words = Vec::new();
        for t in &toks {
            if let Some(v) = t.strip_prefix("filename:") {
                filename = Some(v.to_string());
            } else if let Some(v) = t.strip_prefix("size:") {
                size = v
                    .split_once("..")
                    .and_then(|(a, b)| Some((a.parse::<usize>().ok()?, b.parse::<usize>().ok()?)));
            } else {
                words.push(t.clone());
            }
        }
        for (name, bytes) in &r.files {
            if filename.as_deref().is_some_and(|f| f != name) {
                continue;
            }
            if size.is_some_and(|(a, b)| bytes.len() < a || bytes.len() > b) {
                continue;
            }
            let text = String::from_utf8_lossy(bytes);
            if words.iter().all(|wd| text.contains(wd.as_str())) {
                hits.push((r, name.clone()));
            }
        }
    }
    hits.sort_by_key(|(r, n)| (r.id, n.clone()));
    let total = hits.len();
    let (range, link) = match page_of(
        &base,
        "/search/code",
        &q,
        per_page,
        page,
        total,
        w.settings.search_cap,
    ) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let items: Vec<Value> = hits[range]
        .iter()
        .map(|(r, name)| {
            json!({
                "name": name, "path": name, "sha": "0000",
                "repository": {"id": r.id, "name": r.name, "full_name": r.full_name(),
                               "owner": owner_json(&base, &r.owner, r.org)},
            })
        })
        .collect();
    let body = serde_json::to_vec(&json!({
        "total_count": total, "incomplete_results": false, "items": items
    }))
    .expect("json");
    let mut h = h;
    if let Some(l) = link {
        h.insert("link", HeaderValue::from_str(&l).expect("link"));
    }
    answer(&mut w, "code_search", h, cond, body, "application/json")
}
