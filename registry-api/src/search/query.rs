//! Turning what a person typed into a ranked, faceted page of servers.
//!
//! Ranking, in tiers that boosts never cross:
//! 1. `exact`: the query is a server name (whole, the part after `/`, or that part without
//!    `mcp`/`server` affixes), a package identifier or `owner/repo`;
//! 2. `prefix`: a server name (or its part after `/`) starts with the query;
//! 3. `all_terms`: every word matched somewhere (name, package, title, description, tools,
//!    owner, topics);
//! 4. `some_terms`: only when fewer than [`MIN_ALL_TERMS_HITS`] servers match every word.
//!
//! Within a tier, BM25 over the fields (name words weigh most) times a bounded boost
//! (≤ 1.25×) for trust level and GitHub stars; yanked, revoked and malicious servers get half.
//! Words of 4+ letters also match as prefixes (`postgres` → `postgresql`) and, when a word is
//! rare in the index (fewer than [`FUZZY_BELOW_DOCS`] servers), within one edit, a
//! transposition counting as one (`githb` → `github`). Ties break on the server id, so pages
//! are stable: a cursor is the rank key of the last hit, and the next page holds what ranks
//! strictly after it.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::ops::Bound;
use std::sync::Arc;

use protocol::trust::TrustLevel;
use tantivy::collector::{Collector, DocSetCollector, SegmentCollector};
use tantivy::columnar::ColumnValues;
use tantivy::query::{
    AllQuery, AutomatonWeight, BitSetDocSet, BooleanQuery, BoostQuery, ConstScoreQuery,
    ConstScorer, EnableScoring, Explanation, Occur, Query, RangeQuery, Scorer, TermQuery, Weight,
};
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    BitSet, DocAddress, DocId, DocSet, Score, Searcher, SearcherGeneration, SegmentOrdinal,
    SegmentReader, TERMINATED, Term, Warmer,
};

use super::schema::{self, Fields};

/// Below this many servers matching every word, servers matching some words are shown too.
pub const MIN_ALL_TERMS_HITS: usize = 3;
/// A word found in fewer servers than this also matches within one edit.
pub const FUZZY_BELOW_DOCS: u64 = 3;
/// A word in fewer servers than this (or 1 % of them) also matches as a prefix.
pub const PREFIX_BELOW_DOCS: u64 = 50;
/// Words shorter than this match exactly only (no prefix, no typo tolerance).
pub const MIN_EXPAND_LEN: usize = 4;
/// Longest query looked at, in characters, and most words used.
pub const MAX_QUERY_CHARS: usize = 200;
pub const MAX_WORDS: usize = 8;

/// How a hit matched, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchTier {
    SomeTerms = 0,
    AllTerms = 1,
    Prefix = 2,
    Exact = 3,
}

/// Added to the tier of every hit whose name contains the official search term
/// ([`Filters::name_contains`]), so all of them rank before the hits that match only by words.
pub const NAME_CONTAINS_TIER: u8 = 4;

impl MatchTier {
    fn from_u8(t: u8) -> MatchTier {
        match t % NAME_CONTAINS_TIER {
            3 => MatchTier::Exact,
            2 => MatchTier::Prefix,
            1 => MatchTier::AllTerms,
            _ => MatchTier::SomeTerms,
        }
    }
}

/// Where a hit ranks: higher tier, then higher score, then lower server id.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RankKey {
    pub tier: u8,
    pub score: f32,
    pub server_id: u64,
}

impl RankKey {
    /// `Greater` means ranks first.
    pub fn cmp_rank(&self, other: &RankKey) -> Ordering {
        self.tier
            .cmp(&other.tier)
            .then(self.score.total_cmp(&other.score))
            .then(other.server_id.cmp(&self.server_id))
    }

    pub fn tier(&self) -> MatchTier {
        MatchTier::from_u8(self.tier)
    }

    /// The opaque cursor text.
    pub fn to_cursor(&self) -> String {
        format!(
            "s1.{}.{:08x}.{}",
            self.tier,
            self.score.to_bits(),
            self.server_id
        )
    }

    pub fn from_cursor(s: &str) -> Option<RankKey> {
        let mut parts = s.strip_prefix("s1.")?.split('.');
        let tier = parts.next()?.parse().ok()?;
        let score = f32::from_bits(u32::from_str_radix(parts.next()?, 16).ok()?);
        let server_id = parts.next()?.parse().ok()?;
        if parts.next().is_some() || !score.is_finite() {
            return None;
        }
        Some(RankKey {
            tier,
            score,
            server_id,
        })
    }
}

/// Filters; facet counts for one dimension ignore that dimension's own filter.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Trust ranks allowed (bit per rank); 0 = any.
    pub trust_mask: u64,
    pub registry_mask: u64,
    pub transport_mask: u64,
    pub updated_since_ms: Option<i64>,
    /// Hits below this tier ([`MatchTier`] as u8) are left out.
    pub min_tier: u8,
    /// The official `search=` meaning: every server whose name contains this (lower-case)
    /// matches, whatever its words, and ranks above the rest ([`NAME_CONTAINS_TIER`]).
    pub name_contains: Option<Arc<str>>,
}

impl Filters {
    /// Whether facet values (trust rank, registry type mask, transport mask) pass the trust,
    /// registry type and transport filters, each on its own.
    fn keeps(&self, trust: u64, registry: u64, transport: u64) -> (bool, bool, bool) {
        (
            self.trust_mask == 0 || self.trust_mask & (1 << trust.min(63)) != 0,
            self.registry_mask == 0 || self.registry_mask & registry != 0,
            self.transport_mask == 0 || self.transport_mask & transport != 0,
        )
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FacetCounts {
    /// Indexed by trust rank.
    pub trust: [u64; 8],
    /// Indexed by bit of [`schema::REGISTRY_TYPES`].
    pub registry_types: [u64; 8],
    /// Indexed by bit of [`schema::TRANSPORTS`].
    pub transports: [u64; 8],
}

impl FacetCounts {
    fn add(&mut self, o: &FacetCounts) {
        for i in 0..8 {
            self.trust[i] += o.trust[i];
            self.registry_types[i] += o.registry_types[i];
            self.transports[i] += o.transports[i];
        }
    }
}

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

#[derive(Debug)]
pub struct Ranked {
    pub hits: Vec<(RankKey, DocAddress)>,
    pub total: u64,
    pub facets: FacetCounts,
    /// Whether more hits follow the page.
    pub more: bool,
    pub words: Vec<Word>,
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

fn term_q(field: tantivy::schema::Field, text: &str, boost: f32) -> (Occur, Box<dyn Query>) {
    let q = TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    );
    (Occur::Should, Box::new(BoostQuery::new(Box::new(q), boost)))
}

/// Terms within one edit of a word (a transposition counting as one), as an automaton over
/// term bytes. Built once per word and shared by every field the word is looked up in; tantivy's
/// `FuzzyTermQuery` would build one per field, and building is most of a typo query's cost.
struct OneEdit(levenshtein_automata::DFA);

static ONE_EDIT: std::sync::LazyLock<levenshtein_automata::LevenshteinAutomatonBuilder> =
    std::sync::LazyLock::new(|| levenshtein_automata::LevenshteinAutomatonBuilder::new(1, true));

impl OneEdit {
    fn of(word: &str) -> Arc<OneEdit> {
        Arc::new(OneEdit(ONE_EDIT.build_dfa(word)))
    }
}

impl tantivy_fst::Automaton for OneEdit {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(
            self.0.distance(*state),
            levenshtein_automata::Distance::Exact(_)
        )
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != levenshtein_automata::SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

/// The documents with a term of `field` within one edit of the word (a constant score).
#[derive(Clone)]
struct OneEditQuery {
    field: tantivy::schema::Field,
    dfa: Arc<OneEdit>,
}

impl std::fmt::Debug for OneEditQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OneEditQuery")
            .field("field", &self.field)
            .finish_non_exhaustive()
    }
}

impl Query for OneEditQuery {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(AutomatonWeight::<OneEdit>::new(
            self.field,
            self.dfa.clone(),
        )))
    }
}

fn one_edit_q(
    field: tantivy::schema::Field,
    dfa: &Arc<OneEdit>,
    boost: f32,
) -> (Occur, Box<dyn Query>) {
    let q = OneEditQuery {
        field,
        dfa: dfa.clone(),
    };
    (Occur::Should, Box::new(BoostQuery::new(Box::new(q), boost)))
}

/// Terms starting with `prefix`: a range of the term dictionary (cheaper than an automaton).
/// U+10FFFF sorts after every character that can follow.
fn prefix_query(field: tantivy::schema::Field, prefix: &str) -> Box<dyn Query> {
    Box::new(RangeQuery::new(
        Bound::Included(Term::from_field_text(field, prefix)),
        Bound::Excluded(Term::from_field_text(field, &format!("{prefix}\u{10FFFF}"))),
    ))
}

/// Every way one word may match, with the field weights.
fn word_query(fields: &Fields, w: &Word) -> Box<dyn Query> {
    if w.generic {
        // In most servers anyway (`mcp`, `server`): match the name only, the cheapest
        // postings that say the most (these words would match nearly every document).
        return Box::new(BooleanQuery::new(vec![term_q(fields.name, &w.raw, 3.0)]));
    }
    let mut c = vec![
        term_q(fields.name, &w.raw, 3.0),
        term_q(fields.packages, &w.raw, 2.0),
        term_q(fields.owner, &w.raw, 1.5),
        term_q(fields.topics, &w.raw, 1.5),
    ];
    if let Some(stem) = &w.stem {
        c.push(term_q(fields.title, stem, 2.0));
        c.push(term_q(fields.description, stem, 1.0));
        c.push(term_q(fields.tools, stem, 0.8));
    }
    let stem = w.stem.as_deref().unwrap_or(&w.raw);
    if w.prefix && !w.generic {
        c.push((
            Occur::Should,
            Box::new(BoostQuery::new(prefix_query(fields.name, &w.raw), 2.0)),
        ));
        c.push((
            Occur::Should,
            Box::new(BoostQuery::new(prefix_query(fields.description, stem), 0.5)),
        ));
    }
    if w.fuzzy {
        let raw = OneEdit::of(&w.raw);
        c.push(one_edit_q(fields.name, &raw, 2.0));
        c.push(one_edit_q(fields.packages, &raw, 1.0));
        c.push(one_edit_q(fields.owner, &raw, 1.0));
        let stemmed = if stem == w.raw {
            raw
        } else {
            OneEdit::of(stem)
        };
        c.push(one_edit_q(fields.description, &stemmed, 0.5));
        c.push(one_edit_q(fields.title, &stemmed, 0.5));
    }
    Box::new(BooleanQuery::new(c))
}

/// The whole query as keys: as typed, and with spaces as `-` (`magic mcp` → `magic-mcp`).
fn key_forms(q: &str) -> Vec<String> {
    let q = q.trim().to_lowercase();
    let mut forms = vec![q.clone()];
    let dashed = q.split_whitespace().collect::<Vec<_>>().join("-");
    if dashed != q {
        forms.push(dashed);
    }
    forms.retain(|f| !f.is_empty());
    forms
}

/// Per-segment bitsets of the docs in a (small) set.
#[derive(Debug, Default, Clone)]
struct DocBits(HashMap<SegmentOrdinal, Arc<Vec<u64>>>);

impl DocBits {
    fn from_set(set: &HashSet<DocAddress>, searcher: &Searcher) -> DocBits {
        let mut m: HashMap<SegmentOrdinal, Vec<u64>> = HashMap::new();
        for a in set {
            let max = searcher
                .segment_readers()
                .get(a.segment_ord as usize)
                .map_or(0, |r| r.max_doc());
            let bits = m
                .entry(a.segment_ord)
                .or_insert_with(|| vec![0; (max as usize).div_ceil(64)]);
            if let Some(w) = bits.get_mut((a.doc_id / 64) as usize) {
                *w |= 1 << (a.doc_id % 64);
            }
        }
        DocBits(m.into_iter().map(|(k, v)| (k, Arc::new(v))).collect())
    }

    fn segment(&self, ord: SegmentOrdinal) -> Option<Arc<Vec<u64>>> {
        self.0.get(&ord).cloned()
    }
}

fn has(bits: &Option<Arc<Vec<u64>>>, doc: DocId) -> bool {
    bits.as_ref().is_some_and(|b| {
        b.get((doc / 64) as usize)
            .is_some_and(|w| w & (1 << (doc % 64)) != 0)
    })
}

/// Boost for trust and popularity: 1.0 to 1.25, or half for negative trust states.
pub fn boost(trust_rank: u64, stars: u64) -> f32 {
    let level = schema::trust_from_rank(trust_rank);
    if level.is_negative() {
        return 0.5;
    }
    let trust = match level {
        TrustLevel::Official => 0.15,
        TrustLevel::Verified => 0.1,
        TrustLevel::Signed => 0.05,
        _ => 0.0,
    };
    // log10(stars) / 5 saturates at 100k stars.
    let pop = ((1.0 + stars as f32).log10() / 5.0).min(1.0) * 0.1;
    1.0 + trust + pop
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
        Box::new(NameKeyPrefixQuery {
            prefix: p.clone(),
            cache: cache.clone(),
        }) as Box<dyn Query>
    });

    let contains_q: Option<Box<dyn Query>> = req.filters.name_contains.as_ref().map(|c| {
        Box::new(NameContainsQuery {
            needle: c.clone(),
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

/// Per-segment copies of the fast fields every match reads (facets, boost, update time) and the
/// segment's name-key table, as plain arrays: reading them is most of the per-match cost
/// otherwise. Segments are immutable, so an entry stays valid while its segment lives. Filled
/// when a searcher is made (a tantivy [`Warmer`]: the first query after a commit does not pay
/// for it), dropped when no live searcher has the segment.
#[derive(Debug)]
pub struct ColumnCache {
    name_keys: tantivy::schema::Field,
    segments: std::sync::Mutex<HashMap<tantivy::index::SegmentId, Arc<SegmentColumns>>>,
}

#[derive(Debug)]
struct SegmentColumns {
    /// Per document, the index in `combos` of its facet values: a match then costs one counter
    /// increment, and the facet counts are worked out per combination at the end.
    combo: Vec<u32>,
    /// The distinct packed facet values ([`schema::pack_facets`]) of the segment.
    combos: Vec<u64>,
    boost: Vec<f32>,
    updated: Vec<i64>,
    names: NameKeys,
}

/// Every `name_keys` term of a segment with its document, sorted by key: prefix lookups by
/// binary search. Keys share one buffer (a few MiB at 100,000 servers).
#[derive(Debug, Default)]
struct NameKeys {
    text: Vec<u8>,
    /// (start, end) in `text`, and the document.
    entries: Vec<(u32, u32, DocId)>,
}

impl NameKeys {
    fn load(reader: &SegmentReader, field: tantivy::schema::Field) -> tantivy::Result<NameKeys> {
        let inverted = reader.inverted_index(field)?;
        let mut keys = NameKeys::default();
        let mut terms = inverted.terms().stream()?;
        while terms.advance() {
            let start = u32::try_from(keys.text.len()).unwrap_or(u32::MAX);
            keys.text.extend_from_slice(terms.key());
            let end = u32::try_from(keys.text.len()).unwrap_or(u32::MAX);
            let mut postings =
                inverted.read_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)?;
            let mut doc = postings.doc();
            while doc != TERMINATED {
                keys.entries.push((start, end, doc));
                doc = postings.advance();
            }
        }
        Ok(keys)
    }

    fn key(&self, e: &(u32, u32, DocId)) -> &[u8] {
        self.text
            .get(e.0 as usize..e.1 as usize)
            .unwrap_or_default()
    }

    /// The documents with a key that starts with `prefix`.
    fn with_prefix(&self, prefix: &[u8], max_doc: u32) -> BitSet {
        let mut docs = BitSet::with_max_value(max_doc);
        let first = self.entries.partition_point(|e| self.key(e) < prefix);
        for e in self.entries.get(first..).unwrap_or_default() {
            if !self.key(e).starts_with(prefix) {
                break;
            }
            if e.2 < max_doc {
                docs.insert(e.2);
            }
        }
        docs
    }
}

impl NameKeys {
    /// The documents whose full name contains `needle` (lower-case). Only full names are
    /// looked at: the shorter forms are parts of them.
    fn containing(&self, needle: &[u8], max_doc: u32) -> BitSet {
        let mut docs = BitSet::with_max_value(max_doc);
        let finder = memchr::memmem::Finder::new(needle);
        for e in &self.entries {
            let key = self.key(e);
            if e.2 < max_doc && key.contains(&b'/') && finder.find(key).is_some() {
                docs.insert(e.2);
            }
        }
        docs
    }
}

impl SegmentColumns {
    fn name_contains_docs(&self, needle: &[u8], max_doc: u32) -> BitSet {
        self.names.containing(needle, max_doc)
    }

    fn name_prefix_docs(&self, prefix: &[u8], max_doc: u32) -> BitSet {
        self.names.with_prefix(prefix, max_doc)
    }
}

/// Servers whose name or one of its shorter forms starts with a prefix (the prefix tier), from
/// the segments' key tables; a constant score (the tier decides the rank, not the score).
#[derive(Clone, Debug)]
struct NameKeyPrefixQuery {
    prefix: Arc<str>,
    cache: Arc<ColumnCache>,
}

impl Query for NameKeyPrefixQuery {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for NameKeyPrefixQuery {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let docs = self
            .cache
            .get(reader)?
            .name_prefix_docs(self.prefix.as_bytes(), reader.max_doc());
        Ok(Box::new(ConstScorer::new(BitSetDocSet::from(docs), boost)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let docs = self
            .cache
            .get(reader)?
            .name_prefix_docs(self.prefix.as_bytes(), reader.max_doc());
        if docs.contains(doc) {
            Ok(Explanation::new("name starts with the query", 0.0))
        } else {
            Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} has no name starting with {:?}",
                self.prefix
            )))
        }
    }
}

/// Servers whose full name contains a string (the official `search=`), from the segments' key
/// tables; a constant score, like the prefix tier.
#[derive(Clone, Debug)]
struct NameContainsQuery {
    needle: Arc<str>,
    cache: Arc<ColumnCache>,
}

impl Query for NameContainsQuery {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for NameContainsQuery {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let docs = self
            .cache
            .get(reader)?
            .name_contains_docs(self.needle.as_bytes(), reader.max_doc());
        Ok(Box::new(ConstScorer::new(BitSetDocSet::from(docs), boost)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let docs = self
            .cache
            .get(reader)?
            .name_contains_docs(self.needle.as_bytes(), reader.max_doc());
        if docs.contains(doc) {
            Ok(Explanation::new("name contains the search term", 0.0))
        } else {
            Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} has no name containing {:?}",
                self.needle
            )))
        }
    }
}

impl ColumnCache {
    pub fn new(name_keys: tantivy::schema::Field) -> ColumnCache {
        ColumnCache {
            name_keys,
            segments: std::sync::Mutex::default(),
        }
    }

    fn get(&self, reader: &SegmentReader) -> tantivy::Result<Arc<SegmentColumns>> {
        let id = reader.segment_id();
        if let Some(c) = self.segments.lock().ok().and_then(|m| m.get(&id).cloned()) {
            return Ok(c);
        }
        let ff = reader.fast_fields();
        let packed = ff.u64("facets")?.first_or_default_col(0);
        let boost = ff.u64("boost")?.first_or_default_col(0);
        let updated = ff.i64("updated")?.first_or_default_col(0);
        let n = reader.max_doc();
        let names = NameKeys::load(reader, self.name_keys)?;
        let mut ids: HashMap<u64, u32> = HashMap::new();
        let mut combos = Vec::new();
        let combo = (0..n)
            .map(|d| {
                let v = packed.get_val(d);
                *ids.entry(v).or_insert_with(|| {
                    combos.push(v);
                    u32::try_from(combos.len() - 1).unwrap_or(u32::MAX)
                })
            })
            .collect();
        let cols = Arc::new(SegmentColumns {
            combo,
            combos,
            boost: (0..n)
                .map(|d| f32::from_bits(boost.get_val(d) as u32))
                .collect(),
            updated: (0..n).map(|d| updated.get_val(d)).collect(),
            names,
        });
        if let Ok(mut m) = self.segments.lock() {
            m.insert(id, cols.clone());
        }
        Ok(cols)
    }
}

impl Warmer for ColumnCache {
    fn warm(&self, searcher: &Searcher) -> tantivy::Result<()> {
        for reader in searcher.segment_readers() {
            self.get(reader)?;
        }
        Ok(())
    }

    fn garbage_collect(&self, live: &[&SearcherGeneration]) {
        let live: HashSet<tantivy::index::SegmentId> = live
            .iter()
            .flat_map(|g| g.segments().keys().copied())
            .collect();
        if let Ok(mut m) = self.segments.lock() {
            m.retain(|id, _| live.contains(id));
        }
    }
}

/// Collects the page (top `limit` after the cursor), the total and the facet counts in one
/// pass.
struct RankCollector {
    cache: Arc<ColumnCache>,
    fields: Fields,
    filters: Filters,
    limit: usize,
    after: Option<RankKey>,
    exact: DocBits,
    /// Servers whose name (or its part after `/`) starts with this are in the prefix tier.
    prefix: Option<Arc<str>>,
    /// `None`: every match matched all words.
    all_terms: Option<DocBits>,
    browse: bool,
}

#[derive(Debug, Clone, Copy)]
struct Entry(RankKey, DocAddress);

impl PartialEq for Entry {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Entry {
    /// Reversed rank: the heap's top is the worst kept hit.
    fn cmp(&self, o: &Self) -> Ordering {
        o.0.cmp_rank(&self.0)
    }
}

type Fruit = (Vec<(RankKey, DocAddress)>, u64, FacetCounts, bool);

struct RankSegment {
    segment: SegmentOrdinal,
    keep: usize,
    after: Option<RankKey>,
    filters: Filters,
    exact: Option<Arc<Vec<u64>>>,
    prefix: Option<BitSet>,
    contains: Option<BitSet>,
    all_terms: Option<Option<Arc<Vec<u64>>>>,
    browse: bool,
    server_id: Arc<dyn ColumnValues<u64>>,
    cols: Arc<SegmentColumns>,
    heap: BinaryHeap<Entry>,
    /// Matches per facet combination (`cols.combos`).
    counts: Vec<u64>,
    /// Whether a combination passes every filter.
    pass: Vec<bool>,
}

impl Collector for RankCollector {
    type Fruit = Fruit;
    type Child = RankSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<RankSegment> {
        let ff = reader.fast_fields();
        let u = |name: &str| -> tantivy::Result<Arc<dyn ColumnValues<u64>>> {
            Ok(ff.u64(name)?.first_or_default_col(0))
        };
        let _ = &self.fields;
        let cols = self.cache.get(reader)?;
        let prefix = self
            .prefix
            .as_ref()
            .map(|p| cols.name_prefix_docs(p.as_bytes(), reader.max_doc()));
        let contains = self
            .filters
            .name_contains
            .as_ref()
            .map(|c| cols.name_contains_docs(c.as_bytes(), reader.max_doc()));
        Ok(RankSegment {
            segment,
            keep: self.limit + 1,
            after: self.after,
            filters: self.filters.clone(),
            exact: self.exact.segment(segment),
            prefix,
            contains,
            all_terms: self.all_terms.as_ref().map(|a| a.segment(segment)),
            browse: self.browse,
            server_id: u("server_id")?,
            counts: vec![0; cols.combos.len()],
            pass: cols
                .combos
                .iter()
                .map(|c| {
                    let (t, rm, tm) = schema::unpack_facets(*c);
                    self.filters.keeps(t, rm, tm) == (true, true, true)
                })
                .collect(),
            cols,
            heap: BinaryHeap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Fruit>) -> tantivy::Result<Fruit> {
        let mut all = Vec::new();
        let mut total = 0;
        let mut facets = FacetCounts::default();
        for (hits, t, f, _) in fruits {
            all.extend(hits);
            total += t;
            facets.add(&f);
        }
        all.sort_by(|a, b| b.0.cmp_rank(&a.0));
        let more = all.len() > self.limit;
        all.truncate(self.limit);
        Ok((all, total, facets, more))
    }
}

impl SegmentCollector for RankSegment {
    type Fruit = Fruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        if let Some(since) = self.filters.updated_since_ms
            && self
                .cols
                .updated
                .get(doc as usize)
                .is_some_and(|u| *u < since)
        {
            return;
        }
        let tier = if has(&self.exact, doc) {
            3
        } else if self.prefix.as_ref().is_some_and(|p| p.contains(doc)) {
            2
        } else {
            match &self.all_terms {
                None => u8::from(!self.browse),
                Some(bits) => u8::from(has(bits, doc)),
            }
        };
        let tier = if self.contains.as_ref().is_some_and(|c| c.contains(doc)) {
            tier + NAME_CONTAINS_TIER
        } else {
            tier
        };
        if tier < self.filters.min_tier {
            return;
        }
        let combo = self.cols.combo.get(doc as usize).copied().unwrap_or(0) as usize;
        if let Some(c) = self.counts.get_mut(combo) {
            *c += 1;
        }
        if !self.pass.get(combo).copied().unwrap_or(false) {
            return;
        }
        let score = score * self.cols.boost.get(doc as usize).copied().unwrap_or(1.0);
        // Most matches cannot enter the page: decide on tier and score before reading the id.
        if self.heap.len() >= self.keep
            && let Some(worst) = self.heap.peek()
            && (tier, score) < (worst.0.tier, worst.0.score)
        {
            return;
        }
        let key = RankKey {
            tier,
            score,
            server_id: self.server_id.get_val(doc),
        };
        if let Some(after) = &self.after
            && key.cmp_rank(after) != Ordering::Less
        {
            return;
        }
        let entry = Entry(key, DocAddress::new(self.segment, doc));
        if self.heap.len() < self.keep {
            self.heap.push(entry);
        } else if let Some(worst) = self.heap.peek()
            && entry < *worst
        {
            self.heap.pop();
            self.heap.push(entry);
        }
    }

    fn harvest(self) -> Fruit {
        let hits = self.heap.into_iter().map(|e| (e.0, e.1)).collect();
        let mut total = 0;
        let mut facets = FacetCounts::default();
        for (n, combo) in self.counts.iter().zip(&self.cols.combos) {
            if *n == 0 {
                continue;
            }
            let (t, rm, tm) = schema::unpack_facets(*combo);
            let (trust_ok, reg_ok, tr_ok) = self.filters.keeps(t, rm, tm);
            if reg_ok
                && tr_ok
                && let Some(c) = facets.trust.get_mut(t as usize)
            {
                *c += n;
            }
            if trust_ok && tr_ok {
                for (i, c) in facets.registry_types.iter_mut().enumerate() {
                    *c += ((rm >> i) & 1) * n;
                }
            }
            if trust_ok && reg_ok {
                for (i, c) in facets.transports.iter_mut().enumerate() {
                    *c += ((tm >> i) & 1) * n;
                }
            }
            if trust_ok && reg_ok && tr_ok {
                total += n;
            }
        }
        (hits, total, facets, false)
    }
}

/// Optimal string alignment distance is at most one (one insertion, deletion, substitution or
/// transposition of neighbours).
pub fn within_one_edit(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a == b {
        return true;
    }
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > 1 {
        return false;
    }
    let mut i = 0;
    while i < la.min(lb) && a[i] == b[i] {
        i += 1;
    }
    if la == lb {
        // substitution, or transposition of i and i+1
        if a[i + 1..] == b[i + 1..] {
            return true;
        }
        return i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] && a[i + 2..] == b[i + 2..];
    }
    let (long, short) = if la > lb { (&a, &b) } else { (&b, &a) };
    long[i + 1..] == short[i..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_edit() {
        assert!(within_one_edit("github", "githb"));
        assert!(within_one_edit("github", "gihtub"));
        assert!(within_one_edit("slack", "slakc"));
        assert!(within_one_edit("postgres", "postgras"));
        assert!(!within_one_edit("github", "gitlab"));
        assert!(within_one_edit("abc", "abc"));
        assert!(!within_one_edit("ab", "abcd"));
    }

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        let k = RankKey {
            tier: 2,
            score: 12.5,
            server_id: 42,
        };
        assert_eq!(RankKey::from_cursor(&k.to_cursor()), Some(k));
        for bad in [
            "",
            "s1.",
            "s1.1.zz.3",
            "x.1.0.1",
            "s1.1.7fc00000.1",
            "s1.1.0.1.9",
        ] {
            assert_eq!(RankKey::from_cursor(bad), None, "{bad}");
        }
    }

    #[test]
    fn boosts_are_bounded() {
        for rank in 0..8 {
            for stars in [0, 10, 1_000, 10_000_000] {
                let b = boost(rank, stars);
                assert!((0.5..=1.25).contains(&b), "{rank} {stars} {b}");
            }
        }
    }
}
