//! Answering a query: the ranked page from [`super::query`], with the stored fields and
//! highlights of each hit.

use protocol::trust::TrustLevel;
use tantivy::TantivyDocument;
use tantivy::schema::Value as _;

use super::index::{SearchIndex, ix};
use super::query::{self, FacetCounts, Filters, RankKey};
use super::{highlight, schema};
use crate::error::Result;

/// A hit, with what the API shows.
#[derive(Debug, Clone)]
pub struct Hit {
    pub key: RankKey,
    pub server_id: i64,
    pub name: String,
    pub version: String,
    pub title: Option<String>,
    pub description: Option<String>,
    /// HTML: escaped, matches in `<mark>`.
    pub name_html: String,
    pub description_html: Option<String>,
    pub trust: TrustLevel,
    pub registry_types: Vec<String>,
    pub transports: Vec<String>,
    pub stars: u64,
    pub updated_ms: i64,
}

#[derive(Debug, Clone)]
pub struct Results {
    pub hits: Vec<Hit>,
    pub total: u64,
    pub facets: FacetCounts,
    /// Rank key of the last hit when more follow.
    pub next: Option<RankKey>,
}

impl SearchIndex {
    /// Runs a query; see [`query`] for the ranking.
    pub fn search(
        &self,
        q: &str,
        filters: Filters,
        limit: usize,
        after: Option<RankKey>,
    ) -> Result<Results> {
        let inner = &self.inner;
        let searcher = inner.reader.searcher();
        let tokenizers = inner.index.tokenizers();
        let mut name_an = tokenizers
            .get(schema::NAME_ANALYZER)
            .ok_or_else(|| ix("the name analyzer is missing"))?;
        let mut text_an = tokenizers
            .get(schema::TEXT_ANALYZER)
            .ok_or_else(|| ix("the text analyzer is missing"))?;
        let req = query::Request {
            q,
            filters,
            limit,
            after,
        };
        let ranked = query::run(
            &searcher,
            &inner.fields,
            &inner.columns,
            &mut name_an,
            &mut text_an,
            &req,
        )
        .map_err(ix)?;
        let f = &inner.fields;
        let mut hits = Vec::with_capacity(ranked.hits.len());
        for (key, addr) in &ranked.hits {
            let doc: TantivyDocument = searcher.doc(*addr).map_err(ix)?;
            let text = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            };
            let all = |field| {
                doc.get_all(field)
                    .filter_map(|v| v.as_str())
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            };
            let name = text(f.display_name).unwrap_or_default();
            let description = text(f.description);
            let name_html = highlight::highlight(&name, &mut name_an, &ranked.words, false);
            let description_html = description
                .as_deref()
                .map(|d| highlight::highlight(d, &mut name_an, &ranked.words, true));
            let trust = text(f.trust)
                .and_then(|t| t.parse::<TrustLevel>().ok())
                .unwrap_or(TrustLevel::Unknown);
            hits.push(Hit {
                key: *key,
                server_id: i64::try_from(key.server_id).unwrap_or(0),
                version: text(f.version).unwrap_or_default(),
                title: text(f.title),
                name,
                description,
                name_html,
                description_html,
                trust,
                registry_types: all(f.registry_types),
                transports: all(f.transports),
                stars: doc.get_first(f.stars).and_then(|v| v.as_u64()).unwrap_or(0),
                updated_ms: doc
                    .get_first(f.updated)
                    .and_then(|v| v.as_i64())
                    .unwrap_or(0),
            });
        }
        let next = if ranked.more {
            hits.last().map(|h| h.key)
        } else {
            None
        };
        Ok(Results {
            hits,
            total: ranked.total,
            facets: ranked.facets,
            next,
        })
    }
}
