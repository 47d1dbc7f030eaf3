//! `GET /v1/search` and the `search` parameter of `GET /v0.1/servers`, both answered from the
//! tantivy index ([`crate::search`]).

use std::collections::HashMap;

use protocol::api::{
    FacetCount, ListMetadata, SearchFacets, SearchHighlight, SearchHit, SearchMatch,
    SearchResponse, ServerList,
};
use protocol::trust::TrustLevel;

use crate::clock::rfc3339;
use crate::db::{self, Db};
use crate::error::{Error, Result};
use crate::search::{FacetCounts, MatchTier, RankKey, SearchIndex, schema};
use crate::service::paging::{Cursor, VersionFilter};
pub use crate::service::search_request::{SearchParams, SearchRequest};
use crate::service::views;

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
pub fn search_json(index: &SearchIndex, req: &SearchRequest) -> Result<bytes::Bytes> {
    index.cached_answer(&req.cache_key(), || {
        let answer = search(index, req)?;
        serde_json::to_vec(&answer)
            .map(bytes::Bytes::from)
            .map_err(|e| Error::Internal(format!("cannot serialize a search answer: {e}")))
    })
}

/// `GET /v1/search`.
pub fn search(index: &SearchIndex, req: &SearchRequest) -> Result<SearchResponse> {
    let q = req.query.as_str();
    let results = index.search(q, req.index_filters(), req.limit, req.after())?;
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

/// `GET /v0.1/servers?search=...`: the official meaning and response shape. Every server whose
/// name contains the term (case-insensitive) is listed, ranked by relevance, and after them the
/// servers that match all its words (in the description too, or within one typo). With
/// `version=latest` each server appears once (its latest release); with an exact version, the
/// release of that version; otherwise all its releases, newest first, as the official registry
/// lists every version that matches.
pub async fn official_list(
    index: &SearchIndex,
    db: &Db,
    req: &SearchRequest,
    version: VersionFilter<'_>,
) -> Result<ServerList> {
    let q = req.query.as_str();
    let limit = req.limit;
    let filters = req.index_filters();
    let (updated_since_ms, hide_deleted) = (req.filters.updated_since_ms, req.filters.hide_deleted);
    let keep = |r: &db::releases::ReleaseRow| {
        updated_since_ms.is_none_or(|since| r.updated_at >= since)
            && (!hide_deleted || (r.yanked_at.is_none() && r.malicious_reason.is_none()))
            && match version {
                VersionFilter::Exact(v) => r.version == v,
                _ => true,
            }
    };
    if version == VersionFilter::Latest {
        let results = index.search(q, filters, limit, req.after())?;
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
    let mut after = req.after();
    let mut skip = match req.cursor {
        Some(Cursor::RankReleases { skip, .. }) => skip,
        _ => 0,
    };
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
