//! Running a query: the words, the exact and prefix tiers, the all-words query and, when too
//! few servers match every word, the some-words query, each collected in one pass.

use std::collections::HashSet;
use std::sync::Arc;

use tantivy::collector::DocSetCollector;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, Searcher, Term};

use super::collector::RankCollector;
use super::column_cache::ColumnCache;
use super::doc_bits::DocBits;
use super::name_key_query::{NameKeyQuery, NameMatch};
use super::word_query::{key_forms, word_query};
use super::words::words;
use super::{FacetCounts, Filters, RankKey, Word};
use crate::search::schema::Fields;

/// Below this many servers matching every word, servers matching some words are shown too.
pub const MIN_ALL_TERMS_HITS: usize = 3;
/// Longest query looked at, in characters.
pub const MAX_QUERY_CHARS: usize = 200;

#[derive(Debug)]
pub struct Ranked {
    pub hits: Vec<(RankKey, DocAddress)>,
    pub total: u64,
    pub facets: FacetCounts,
    /// Whether more hits follow the page.
    pub more: bool,
    pub words: Vec<Word>,
}

#[derive(Debug)]
pub struct Request<'a> {
    pub q: &'a str,
    pub filters: Filters,
    pub limit: usize,
    pub after: Option<RankKey>,
}

pub fn run(
    searcher: &Searcher,
    fields: &Fields,
    cache: &Arc<ColumnCache>,
    name_an: &mut TextAnalyzer,
    text_an: &mut TextAnalyzer,
    req: &Request<'_>,
) -> tantivy::Result<Ranked> {
    let q: String = req.q.chars().take(MAX_QUERY_CHARS).collect();
    let words = words(searcher, fields, name_an, text_an, &q)?;
    if words.is_empty() && q.trim().is_empty() {
        // Browse: everything, trusted and popular first.
        let collector = RankCollector {
            cache: cache.clone(),
            fields: fields.clone(),
            filters: req.filters.clone(),
            limit: req.limit,
            after: req.after,
            exact: DocBits::default(),
            prefix: None,
            all_terms: None,
            browse: true,
        };
        let (hits, total, facets, more) = searcher.search(&AllQuery, &collector)?;
        return Ok(Ranked {
            hits,
            total,
            facets,
            more,
            words,
        });
    }

    // Exact and prefix tiers: small doc sets.
    let mut exact_c: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for f in key_forms(&q) {
        for field in [fields.name_keys, fields.ident_keys] {
            exact_c.push((
                Occur::Should,
                Box::new(TermQuery::new(
                    Term::from_field_text(field, &f),
                    IndexRecordOption::Basic,
                )),
            ));
        }
    }
    let exact_q = BooleanQuery::new(exact_c);
    let exact_set = searcher.search(&exact_q, &DocSetCollector)?;
    let compact: String = q.trim().to_lowercase();
    // Name prefixes come from each segment's in-memory key table, not from expanding the
    // range of the term dictionary: a common prefix (`redis`) spans thousands of keys, and
    // opening a postings list for each was most of the cost of such a query.
    let prefix: Option<Arc<str>> = (compact.chars().count() >= 3
        && !compact.contains(char::is_whitespace))
    .then(|| Arc::from(compact.as_str()));
    let prefix_q: Option<Box<dyn Query>> = prefix.as_ref().map(|p| {
        Box::new(NameKeyQuery {
            how: NameMatch::Prefix,
            text: p.clone(),
            cache: cache.clone(),
        }) as Box<dyn Query>
    });

    let contains_q: Option<Box<dyn Query>> = req.filters.name_contains.as_ref().map(|c| {
        Box::new(NameKeyQuery {
            how: NameMatch::Contains,
            text: c.clone(),
            cache: cache.clone(),
        }) as Box<dyn Query>
    });

    let groups: Vec<Box<dyn Query>> = words.iter().map(|w| word_query(fields, w)).collect();
    let all_generic = words.iter().all(|w| w.generic);
    let build = |occur: Occur| -> Box<dyn Query> {
        let text = if occur == Occur::Must || all_generic {
            let mut c: Vec<(Occur, Box<dyn Query>)> =
                groups.iter().map(|g| (occur, g.box_clone())).collect();
            if c.len() == 1 {
                c[0].0 = Occur::Should;
            }
            BooleanQuery::new(c)
        } else {
            // Some words: at least one that says something, the generic ones add rank.
            let specific: Vec<(Occur, Box<dyn Query>)> = groups
                .iter()
                .zip(&words)
                .filter(|(_, w)| !w.generic)
                .map(|(g, _)| (Occur::Should, g.box_clone()))
                .collect();
            let mut c: Vec<(Occur, Box<dyn Query>)> =
                vec![(Occur::Must, Box::new(BooleanQuery::new(specific)))];
            c.extend(
                groups
                    .iter()
                    .zip(&words)
                    .filter(|(_, w)| w.generic)
                    .map(|(g, _)| (Occur::Should, g.box_clone())),
            );
            BooleanQuery::new(c)
        };
        let mut outer: Vec<(Occur, Box<dyn Query>)> = vec![(
            Occur::Should,
            if all_generic {
                // Only words most servers have (`mcp server`): their BM25 says next to nothing,
                // so rank by trust and popularity, and skip scoring every server.
                Box::new(ConstScoreQuery::new(Box::new(text), 1.0))
            } else {
                Box::new(text)
            },
        )];
        outer.push((
            Occur::Should,
            Box::new(BoostQuery::new(Box::new(exact_q.clone()), 0.0)),
        ));
        if let Some(p) = &prefix_q {
            outer.push((Occur::Should, Box::new(BoostQuery::new(p.box_clone(), 0.0))));
        }
        if let Some(c) = &contains_q {
            outer.push((Occur::Should, Box::new(BoostQuery::new(c.box_clone(), 0.0))));
        }
        Box::new(BooleanQuery::new(outer))
    };
    let exact = DocBits::from_set(&exact_set, searcher);

    let and_query = build(Occur::Must);
    let collector = |all_terms: Option<DocBits>| RankCollector {
        cache: cache.clone(),
        fields: fields.clone(),
        filters: req.filters.clone(),
        limit: req.limit,
        after: req.after,
        exact: exact.clone(),
        prefix: prefix.clone(),
        all_terms,
        browse: false,
    };
    let (mut hits, mut total, mut facets, mut more) =
        searcher.search(and_query.as_ref(), &collector(None))?;
    if words.len() > 1 && (total as usize) < MIN_ALL_TERMS_HITS {
        // Few servers match every word: show those first, then the rest.
        let all: HashSet<DocAddress> = if hits.len() as u64 == total {
            hits.iter().map(|h| h.1).collect()
        } else {
            searcher.search(and_query.as_ref(), &DocSetCollector)?
        };
        let or_query = build(Occur::Should);
        (hits, total, facets, more) = searcher.search(
            or_query.as_ref(),
            &collector(Some(DocBits::from_set(&all, searcher))),
        )?;
    }
    Ok(Ranked {
        hits,
        total,
        facets,
        more,
        words,
    })
}
