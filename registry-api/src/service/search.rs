//! `GET /v1/search` and the `search` parameter of `GET /v0.1/servers`, both answered from the
//! tantivy index ([`crate::search`]).

use std::collections::HashMap;
use std::str::FromStr;

use protocol::api::{
    FacetCount, ListMetadata, SearchFacets, SearchHighlight, SearchHit, SearchMatch,
    SearchResponse, ServerList,
};
use protocol::formats::{
    API_DEFAULT_PAGE_SIZE, API_MAX_PAGE_SIZE, SEARCH_DEFAULT_PAGE_SIZE, SEARCH_MAX_PAGE_SIZE,
    SEARCH_MAX_QUERY_LEN,
};
use protocol::trust::TrustLevel;
use serde::Deserialize;

use crate::clock::rfc3339;
use crate::db::{self, Db};
use crate::error::{Error, Result};
use crate::search::{FacetCounts, Filters, MatchTier, RankKey, SearchIndex, schema};
use crate::service::paging::{Cursor, VersionFilter, parse_limit};
use crate::service::reads::ListParams;
use crate::service::views;

/// `GET /v1/search` query parameters. Lists are comma-separated; values within one parameter
/// are alternatives (OR), parameters combine (AND).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// What to look for: a server name, a package identifier, or words
    /// (`postgres database`). Typos are tolerated. Empty: every server, trusted and popular
    /// first.
    pub q: Option<String>,
    /// Trust levels to keep, e.g. `signed,verified,official`.
    pub trust: Option<String>,
    /// Keep servers at or above this level (`signed`): the client-policy filter.
    pub min_trust: Option<String>,
    /// Package registry types to keep: `npm`, `pypi`, `oci`, `nuget`, `mcpb`, `other`.
    pub registry_type: Option<String>,
    /// Transports to keep: `stdio`, `streamable-http`, `sse`, `other`.
    pub transport: Option<String>,
    /// Page size, 1–100 (default 20).
    pub limit: Option<String>,
    /// Opaque cursor from the previous page's `metadata.nextCursor`.
    pub cursor: Option<String>,
}

fn list(raw: Option<&str>) -> impl Iterator<Item = &str> {
    raw.unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn mask_of(param: &str, raw: Option<&str>, values: &[&str]) -> Result<u64> {
    let mut mask = 0;
    for v in list(raw) {
        let v = v.to_ascii_lowercase();
        if !values.contains(&v.as_str()) {
            return Err(Error::BadRequest(format!(
                "{param}={v:?} is not one of {}",
                values.join(", ")
            )));
        }
        mask |= schema::bit_of(values, &v);
    }
    Ok(mask)
}

fn trust_mask(trust: Option<&str>, min_trust: Option<&str>) -> Result<u64> {
    let mut mask = 0u64;
    for v in list(trust) {
        let level =
            TrustLevel::from_str(v).map_err(|e| Error::BadRequest(format!("trust: {e}")))?;
        mask |= 1 << schema::trust_rank(level);
    }
    if let Some(min) = min_trust.filter(|m| !m.is_empty()) {
        let min =
            TrustLevel::from_str(min).map_err(|e| Error::BadRequest(format!("min_trust: {e}")))?;
        let mut at_least = 0u64;
        for l in TrustLevel::ALL {
            if l.satisfies(min) {
                at_least |= 1 << schema::trust_rank(l);
            }
        }
        if min.is_negative() {
            return Err(Error::BadRequest(format!(
                "min_trust={min} is a negative state, which no server satisfies; use \
                 trust={min} to find those"
            )));
        }
        mask = if mask == 0 { at_least } else { mask & at_least };
        if mask == 0 {
            // Contradictory filters: nothing can match. Keep an impossible bit set.
            mask = 1 << 63;
        }
    }
    Ok(mask)
}

fn query_text(q: Option<&str>) -> Result<&str> {
    let q = q.unwrap_or("").trim();
    if q.len() > SEARCH_MAX_QUERY_LEN {
        return Err(Error::BadRequest(format!(
            "the query is too long ({} bytes; at most {SEARCH_MAX_QUERY_LEN})",
            q.len()
        )));
    }
    Ok(q)
}

fn facet_list(counts: &[u64; 8], name: impl Fn(usize) -> Option<&'static str>) -> Vec<FacetCount> {
    let mut out: Vec<FacetCount> = counts
        .iter()
        .enumerate()
        .filter(|(_, c)| **c > 0)
        .filter_map(|(i, c)| {
            name(i).map(|n| FacetCount {
                value: n.to_string(),
                count: *c,
            })
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
    out
}

fn facets(f: &FacetCounts) -> SearchFacets {
    SearchFacets {
        trust: facet_list(&f.trust, |i| TrustLevel::ALL.get(i).map(|l| l.as_str())),
        registry_type: facet_list(&f.registry_types, |i| {
            schema::REGISTRY_TYPES.get(i).copied()
        }),
        transport: facet_list(&f.transports, |i| schema::TRANSPORTS.get(i).copied()),
    }
}

fn match_kind(key: &RankKey, browse: bool) -> SearchMatch {
    if browse {
        return SearchMatch::Browse;
    }
    match key.tier() {
        MatchTier::Exact => SearchMatch::Exact,
        MatchTier::Prefix => SearchMatch::Prefix,
        MatchTier::AllTerms => SearchMatch::AllTerms,
        MatchTier::SomeTerms => SearchMatch::SomeTerms,
    }
}

/// `GET /v1/search`, serialized: from the index's answer cache when the same request was
/// answered since the index last changed.
pub fn search_json(index: &SearchIndex, p: &SearchParams) -> Result<bytes::Bytes> {
    let part = |v: &Option<String>| v.as_deref().unwrap_or("").trim().to_string();
    let request = [
        &p.q,
        &p.trust,
        &p.min_trust,
        &p.registry_type,
        &p.transport,
        &p.limit,
        &p.cursor,
    ]
    .map(part)
    .join("\u{1f}");
    index.cached_answer(&request, || {
        let answer = search(index, p)?;
        serde_json::to_vec(&answer)
            .map(bytes::Bytes::from)
            .map_err(|e| Error::Internal(format!("cannot serialize a search answer: {e}")))
    })
}

/// `GET /v1/search`.
pub fn search(index: &SearchIndex, p: &SearchParams) -> Result<SearchResponse> {
    let q = query_text(p.q.as_deref())?;
    let limit = parse_limit(
        p.limit.as_deref(),
        SEARCH_DEFAULT_PAGE_SIZE,
        SEARCH_MAX_PAGE_SIZE,
    )?;
    let filters = Filters {
        trust_mask: trust_mask(p.trust.as_deref(), p.min_trust.as_deref())?,
        registry_mask: mask_of(
            "registry_type",
            p.registry_type.as_deref(),
            schema::REGISTRY_TYPES,
        )?,
        transport_mask: mask_of("transport", p.transport.as_deref(), schema::TRANSPORTS)?,
        ..Filters::default()
    };
    let after = Cursor::read_rank(p.cursor.as_deref())?;
    let results = index.search(q, filters, limit, after)?;
    let browse = q.is_empty();
    let hits: Vec<SearchHit> = results
        .hits
        .into_iter()
        .map(|h| SearchHit {
            match_kind: match_kind(&h.key, browse),
            score: h.key.score,
            name: h.name,
            version: h.version,
            title: h.title,
            description: h.description,
            highlight: SearchHighlight {
                name: h.name_html,
                description: h.description_html,
            },
            trust: h.trust,
            registry_types: h.registry_types,
            transports: h.transports,
            stars: h.stars,
            updated_at: rfc3339(h.updated_ms),
        })
        .collect();
    Ok(SearchResponse {
        query: q.to_string(),
        total: results.total,
        facets: facets(&results.facets),
        metadata: ListMetadata {
            next_cursor: results.next.map(|k| Cursor::Rank(k).encode()),
            count: hits.len(),
        },
        hits,
    })
}

/// Trust ranks of the releases the official API calls `deleted`: kept out of official lists
/// unless `include_deleted`.
fn not_deleted_mask() -> u64 {
    TrustLevel::ALL
        .iter()
        .filter(|l| !matches!(l, TrustLevel::Yanked | TrustLevel::Malicious))
        .fold(0u64, |m, l| m | 1 << schema::trust_rank(*l))
}

/// `GET /v0.1/servers?search=...`: the official meaning and response shape. Every server whose
/// name contains the term (case-insensitive) is listed, ranked by relevance, and after them the
/// servers that match all its words (in the description too, or within one typo). With
/// `version=latest` each server appears once (its latest release); with an exact version, the
/// release of that version; otherwise all its releases, newest first, as the official registry
/// lists every version that matches.
pub async fn official_list(index: &SearchIndex, db: &Db, p: &ListParams) -> Result<ServerList> {
    let q = query_text(p.search.as_deref())?;
    let limit = parse_limit(p.limit.as_deref(), API_DEFAULT_PAGE_SIZE, API_MAX_PAGE_SIZE)?;
    let version = p.version_filter();
    let updated_since_ms = p.updated_since_ms()?;
    let include_deleted = p.include_deleted()?;
    let filters = Filters {
        updated_since_ms,
        min_tier: MatchTier::AllTerms as u8,
        name_contains: Some(std::sync::Arc::from(q.to_lowercase().as_str())),
        trust_mask: if include_deleted {
            0
        } else {
            not_deleted_mask()
        },
        ..Filters::default()
    };
    let keep = |r: &db::releases::ReleaseRow| {
        updated_since_ms.is_none_or(|since| r.updated_at >= since)
            && (include_deleted || (r.yanked_at.is_none() && r.malicious_reason.is_none()))
            && match version {
                VersionFilter::Exact(v) => r.version == v,
                _ => true,
            }
    };
    if version == VersionFilter::Latest {
        let after = Cursor::read_rank(p.cursor.as_deref())?;
        let results = index.search(q, filters, limit, after)?;
        let ids: Vec<i64> = results.hits.iter().map(|h| h.server_id).collect();
        let mut rows: HashMap<i64, db::search::SearchRow> = db::search::by_ids(db, &ids)
            .await?
            .into_iter()
            .map(|r| (r.release.server_id, r))
            .collect();
        let servers = ids
            .iter()
            .filter_map(|id| rows.remove(id))
            .map(|r| views::server_response(&r.release))
            .collect::<Result<Vec<_>>>()?;
        return Ok(ServerList {
            metadata: ListMetadata {
                next_cursor: results.next.map(|k| Cursor::Rank(k).encode()),
                count: servers.len(),
            },
            servers,
        });
    }

    // Every version (or one exact version): the cursor names the server before and how many
    // releases of the next one were listed already.
    let (mut after, mut skip) = Cursor::read_rank_releases(p.cursor.as_deref())?;
    // (release, cursor that starts at it)
    let mut items = Vec::with_capacity(limit + 1);
    'pages: loop {
        let results = index.search(q, filters.clone(), limit + 1, after)?;
        // The releases of the whole page of servers in one query.
        let ids: Vec<i64> = results.hits.iter().map(|h| h.server_id).collect();
        let mut by_server: HashMap<i64, Vec<db::releases::ReleaseRow>> = HashMap::new();
        for row in db::releases::of_servers(db, &ids).await? {
            by_server.entry(row.server_id).or_default().push(row);
        }
        for hit in &results.hits {
            let rows = by_server.remove(&hit.server_id).unwrap_or_default();
            for (i, row) in rows.into_iter().filter(keep).enumerate().skip(skip) {
                let cursor = Cursor::RankReleases { after, skip: i }.encode();
                items.push((row, cursor));
                if items.len() > limit {
                    break 'pages;
                }
            }
            skip = 0;
            after = Some(hit.key);
        }
        if results.next.is_none() {
            break;
        }
    }
    let next_cursor = if items.len() > limit {
        items.pop().map(|(_, c)| c)
    } else {
        None
    };
    let servers = items
        .iter()
        .map(|(r, _)| views::server_response(r))
        .collect::<Result<Vec<_>>>()?;
    Ok(ServerList {
        metadata: ListMetadata {
            next_cursor,
            count: servers.len(),
        },
        servers,
    })
}
