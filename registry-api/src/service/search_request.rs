//! The typed search request: what `GET /v1/search`, the official `/v0.1/servers?search=` and
//! the website's search page build, each once from its parameters, and what
//! [`crate::service::search`] runs. Lists are split and values checked here only.

use std::str::FromStr;
use std::sync::Arc;

use protocol::formats::{
    API_DEFAULT_PAGE_SIZE, API_MAX_PAGE_SIZE, SEARCH_DEFAULT_PAGE_SIZE, SEARCH_MAX_PAGE_SIZE,
    SEARCH_MAX_QUERY_LEN,
};
use protocol::trust::TrustLevel;
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::search::{Filters, MatchTier, RankKey, schema};
use crate::service::paging::{Cursor, VersionFilter, parse_limit};
use crate::service::reads::ListParams;

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

/// A search, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    /// Trimmed; empty browses every server.
    pub query: String,
    pub filters: SearchFilters,
    pub sort: SearchSort,
    pub limit: usize,
    /// Where the page starts: [`Cursor::Rank`], or [`Cursor::RankReleases`] for an official
    /// search listing every release; `None` on the first page.
    pub cursor: Option<Cursor>,
}

/// Which servers a search keeps. Values within one list are alternatives, lists combine.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchFilters {
    pub trust: Vec<TrustLevel>,
    /// At or above this level (never a negative state).
    pub min_trust: Option<TrustLevel>,
    /// Values of [`schema::REGISTRY_TYPES`].
    pub registry_types: Vec<&'static str>,
    /// Values of [`schema::TRANSPORTS`].
    pub transports: Vec<&'static str>,
    /// Only servers changed at or after this time (unix ms).
    pub updated_since_ms: Option<i64>,
    /// Leave out what the official API calls deleted (yanked, or taken down).
    pub hide_deleted: bool,
}

/// How hits are chosen and ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SearchSort {
    /// `GET /v1/search`: exact name or package, then name prefix, then every word, then some
    /// words; trusted and popular first when the query is empty.
    #[default]
    Relevance,
    /// The official `search=`: every server whose name contains the query first, then the
    /// servers that match all its words; nothing that matches only some.
    NameContainsFirst,
}

/// The lists of a search as a form gives them, not yet checked.
#[derive(Debug, Clone, Default)]
pub struct SearchInput<'a> {
    pub q: &'a str,
    pub trust: Vec<&'a str>,
    pub min_trust: Option<&'a str>,
    pub registry_types: Vec<&'a str>,
    pub transports: Vec<&'a str>,
    pub limit: Option<&'a str>,
    pub cursor: Option<&'a str>,
}

/// The values of a comma-separated parameter.
fn split(raw: Option<&str>) -> Vec<&str> {
    raw.unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

fn query_text(q: &str) -> Result<String> {
    let q = q.trim();
    if q.len() > SEARCH_MAX_QUERY_LEN {
        return Err(Error::BadRequest(format!(
            "the query is too long ({} bytes; at most {SEARCH_MAX_QUERY_LEN})",
            q.len()
        )));
    }
    Ok(q.to_string())
}

/// Each value, lower-cased, as the one of `values` it names.
fn one_of(param: &str, raw: &[&str], values: &'static [&'static str]) -> Result<Vec<&'static str>> {
    raw.iter()
        .map(|v| {
            let v = v.to_ascii_lowercase();
            values
                .iter()
                .find(|known| **known == v)
                .copied()
                .ok_or_else(|| {
                    Error::BadRequest(format!("{param}={v:?} is not one of {}", values.join(", ")))
                })
        })
        .collect()
}

fn trust_levels(raw: &[&str]) -> Result<Vec<TrustLevel>> {
    raw.iter()
        .map(|v| TrustLevel::from_str(v).map_err(|e| Error::BadRequest(format!("trust: {e}"))))
        .collect()
}

fn min_trust(raw: Option<&str>) -> Result<Option<TrustLevel>> {
    let Some(raw) = raw.filter(|m| !m.is_empty()) else {
        return Ok(None);
    };
    let min =
        TrustLevel::from_str(raw).map_err(|e| Error::BadRequest(format!("min_trust: {e}")))?;
    if min.is_negative() {
        return Err(Error::BadRequest(format!(
            "min_trust={min} is a negative state, which no server satisfies; use trust={min} \
             to find those"
        )));
    }
    Ok(Some(min))
}

impl SearchRequest {
    /// `GET /v1/search`.
    pub fn from_params(p: &SearchParams) -> Result<SearchRequest> {
        SearchRequest::parse(&SearchInput {
            q: p.q.as_deref().unwrap_or(""),
            trust: split(p.trust.as_deref()),
            min_trust: p.min_trust.as_deref(),
            registry_types: split(p.registry_type.as_deref()),
            transports: split(p.transport.as_deref()),
            limit: p.limit.as_deref(),
            cursor: p.cursor.as_deref(),
        })
    }

    /// A search with relevance order, from lists already split (the website's form).
    pub fn parse(input: &SearchInput<'_>) -> Result<SearchRequest> {
        let query = query_text(input.q)?;
        let limit = parse_limit(input.limit, SEARCH_DEFAULT_PAGE_SIZE, SEARCH_MAX_PAGE_SIZE)?;
        let filters = SearchFilters {
            trust: trust_levels(&input.trust)?,
            min_trust: min_trust(input.min_trust)?,
            registry_types: one_of(
                "registry_type",
                &input.registry_types,
                schema::REGISTRY_TYPES,
            )?,
            transports: one_of("transport", &input.transports, schema::TRANSPORTS)?,
            ..SearchFilters::default()
        };
        let cursor = Cursor::read_rank(input.cursor)?.map(Cursor::Rank);
        Ok(SearchRequest {
            query,
            filters,
            sort: SearchSort::Relevance,
            limit,
            cursor,
        })
    }

    /// `GET /v0.1/servers?search=...`: the official meaning. The cursor's kind follows
    /// `version=`: one entry per server with `latest`, else every matching release.
    pub fn official(p: &ListParams) -> Result<SearchRequest> {
        let query = query_text(p.search.as_deref().unwrap_or(""))?;
        let limit = parse_limit(p.limit.as_deref(), API_DEFAULT_PAGE_SIZE, API_MAX_PAGE_SIZE)?;
        let filters = SearchFilters {
            updated_since_ms: p.updated_since_ms()?,
            hide_deleted: !p.include_deleted()?,
            ..SearchFilters::default()
        };
        let cursor = if p.version_filter() == VersionFilter::Latest {
            Cursor::read_rank(p.cursor.as_deref())?.map(Cursor::Rank)
        } else {
            match Cursor::read_rank_releases(p.cursor.as_deref())? {
                (None, 0) => None,
                (after, skip) => Some(Cursor::RankReleases { after, skip }),
            }
        };
        Ok(SearchRequest {
            query,
            filters,
            sort: SearchSort::NameContainsFirst,
            limit,
            cursor,
        })
    }

    /// The rank key the page starts after, for either cursor kind.
    pub fn after(&self) -> Option<RankKey> {
        match &self.cursor {
            Some(Cursor::Rank(k)) => Some(*k),
            Some(Cursor::RankReleases { after, .. }) => *after,
            _ => None,
        }
    }

    /// A canonical form of the whole request, for the answer cache: requests that parse alike
    /// share an answer.
    pub fn cache_key(&self) -> String {
        format!("{self:?}")
    }

    /// The index's filters for this request.
    pub fn index_filters(&self) -> Filters {
        let f = &self.filters;
        let mut trust_mask = f
            .trust
            .iter()
            .fold(0u64, |m, l| m | 1 << schema::trust_rank(*l));
        for (keep, on) in [
            (f.min_trust.map(at_least_mask), f.min_trust.is_some()),
            (Some(not_deleted_mask()), f.hide_deleted),
        ] {
            if let (Some(keep), true) = (keep, on) {
                trust_mask = if trust_mask == 0 {
                    keep
                } else {
                    trust_mask & keep
                };
                if trust_mask == 0 {
                    // Contradictory filters: nothing can match. Keep an impossible bit set.
                    trust_mask = 1 << 63;
                }
            }
        }
        let mask = |values: &[&str], all: &[&str]| {
            values.iter().fold(0u64, |m, v| m | schema::bit_of(all, v))
        };
        let official = self.sort == SearchSort::NameContainsFirst;
        Filters {
            trust_mask,
            registry_mask: mask(&f.registry_types, schema::REGISTRY_TYPES),
            transport_mask: mask(&f.transports, schema::TRANSPORTS),
            updated_since_ms: f.updated_since_ms,
            min_tier: if official {
                MatchTier::AllTerms as u8
            } else {
                0
            },
            name_contains: official.then(|| Arc::from(self.query.to_lowercase().as_str())),
        }
    }
}

/// Trust ranks of the levels that satisfy `min`.
fn at_least_mask(min: TrustLevel) -> u64 {
    TrustLevel::ALL
        .iter()
        .filter(|l| l.satisfies(min))
        .fold(0u64, |m, l| m | 1 << schema::trust_rank(*l))
}

/// Trust ranks of the releases the official API calls `deleted`: kept out of official lists
/// unless `include_deleted`.
fn not_deleted_mask() -> u64 {
    TrustLevel::ALL
        .iter()
        .filter(|l| !matches!(l, TrustLevel::Yanked | TrustLevel::Malicious))
        .fold(0u64, |m, l| m | 1 << schema::trust_rank(*l))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comma_lists_are_split_once_and_checked() {
        let p = SearchParams {
            q: Some("  postgres ".into()),
            trust: Some("signed, verified,".into()),
            registry_type: Some("NPM,pypi".into()),
            transport: Some("stdio".into()),
            ..SearchParams::default()
        };
        let r = SearchRequest::from_params(&p).expect("valid");
        assert_eq!(r.query, "postgres");
        assert_eq!(r.filters.trust, [TrustLevel::Signed, TrustLevel::Verified]);
        assert_eq!(r.filters.registry_types, ["npm", "pypi"]);
        assert_eq!(r.filters.transports, ["stdio"]);
        assert_eq!(r.limit, SEARCH_DEFAULT_PAGE_SIZE as usize);
        // The website gives the same lists already split: the same request.
        let site = SearchRequest::parse(&SearchInput {
            q: "postgres",
            trust: vec!["signed", "verified"],
            registry_types: vec!["npm", "pypi"],
            transports: vec!["stdio"],
            ..SearchInput::default()
        })
        .expect("valid");
        assert_eq!(site, r);
        assert_eq!(site.cache_key(), r.cache_key());
    }

    #[test]
    fn contradictory_trust_filters_match_nothing() {
        let r = SearchRequest::parse(&SearchInput {
            trust: vec!["listed"],
            min_trust: Some("verified"),
            ..SearchInput::default()
        })
        .expect("valid");
        assert_eq!(r.index_filters().trust_mask, 1 << 63);
        assert!(
            SearchRequest::parse(&SearchInput {
                min_trust: Some("yanked"),
                ..SearchInput::default()
            })
            .is_err()
        );
    }
}
