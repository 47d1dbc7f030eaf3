//! The rank collector: the page (top `limit` after the cursor), the total and the facet counts
//! in one pass over the matches.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::ColumnValues;
use tantivy::{BitSet, DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use super::column_cache::{ColumnCache, SegmentColumns};
use super::doc_bits::{DocBits, has};
use super::{FacetCounts, Filters, NAME_CONTAINS_TIER, RankKey};
use crate::search::schema::{self, Fields};

/// Collects the page (top `limit` after the cursor), the total and the facet counts in one
/// pass.
pub(super) struct RankCollector {
    pub(super) cache: Arc<ColumnCache>,
    pub(super) fields: Fields,
    pub(super) filters: Filters,
    pub(super) limit: usize,
    pub(super) after: Option<RankKey>,
    pub(super) exact: DocBits,
    /// Servers whose name (or its part after `/`) starts with this are in the prefix tier.
    pub(super) prefix: Option<Arc<str>>,
    /// `None`: every match matched all words.
    pub(super) all_terms: Option<DocBits>,
    pub(super) browse: bool,
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

pub(super) type Fruit = (Vec<(RankKey, DocAddress)>, u64, FacetCounts, bool);

pub(super) struct RankSegment {
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
