//! The words of a query and how each may match: exactly, as a prefix, within one edit, or only
//! to rank (a generic word such as `mcp`).

use std::collections::HashSet;

use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

use crate::search::schema::Fields;

/// A word found in fewer servers than this also matches within one edit.
pub const FUZZY_BELOW_DOCS: u64 = 3;
/// A word in fewer servers than this (or 1 % of them) also matches as a prefix.
pub const PREFIX_BELOW_DOCS: u64 = 50;
/// Words shorter than this match exactly only (no prefix, no typo tolerance).
pub const MIN_EXPAND_LEN: usize = 4;
/// Most words of a query used.
pub const MAX_WORDS: usize = 8;

/// A query word and how it may match.
#[derive(Debug, Clone)]
pub struct Word {
    /// As the name analyzer makes it (lower-case, no punctuation).
    pub raw: String,
    /// As the text analyzer makes it (stemmed); `None` for a stop word.
    pub stem: Option<String>,
    pub prefix: bool,
    pub fuzzy: bool,
    /// In more than a quarter of the servers (`mcp`, `server`): it ranks, but matching it
    /// alone does not make a server a hit.
    pub generic: bool,
}

fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// The query's words, deduplicated, stop words dropped unless nothing else is left.
pub fn words(
    searcher: &Searcher,
    fields: &Fields,
    name: &mut TextAnalyzer,
    text: &mut TextAnalyzer,
    q: &str,
) -> tantivy::Result<Vec<Word>> {
    let mut seen = HashSet::new();
    let mut all = Vec::new();
    for raw in tokens(name, q) {
        if !seen.insert(raw.clone()) {
            continue;
        }
        let stem = tokens(text, &raw).into_iter().next();
        all.push((raw, stem));
    }
    let any_content = all.iter().any(|(_, s)| s.is_some());
    let mut out = Vec::new();
    for (raw, stem) in all {
        if any_content && stem.is_none() {
            continue;
        }
        let long = raw.chars().count() >= MIN_EXPAND_LEN;
        let fuzzy = long && {
            let stem_text = stem.as_deref().unwrap_or(&raw);
            let mut df = 0;
            for (f, t) in [
                (fields.name, raw.as_str()),
                (fields.packages, raw.as_str()),
                (fields.owner, raw.as_str()),
                (fields.description, stem_text),
                (fields.title, stem_text),
                (fields.tools, stem_text),
            ] {
                df += searcher.doc_freq(&Term::from_field_text(f, t))?;
                if df >= FUZZY_BELOW_DOCS {
                    break;
                }
            }
            df < FUZZY_BELOW_DOCS
        };
        let df = {
            let stem_text = stem.as_deref().unwrap_or(&raw);
            searcher.doc_freq(&Term::from_field_text(fields.name, &raw))?
                + searcher.doc_freq(&Term::from_field_text(fields.description, stem_text))?
        };
        let docs = searcher.num_docs();
        let generic = df * 4 > docs;
        out.push(Word {
            // Prefixes widen rare words only: a common word has plenty of hits already, and
            // expanding it (`data` → database, datadog, dataset, ...) costs the most.
            prefix: long && df < PREFIX_BELOW_DOCS.max(docs / 100),
            fuzzy,
            generic,
            raw,
            stem,
        });
        if out.len() >= MAX_WORDS {
            break;
        }
    }
    Ok(out)
}
