//! Small document sets (the exact tier, the all-words tier) as per-segment bitsets, which a
//! collector tests per match.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tantivy::{DocAddress, DocId, Searcher, SegmentOrdinal};

/// Per-segment bitsets of the docs in a (small) set.
#[derive(Debug, Default, Clone)]
pub(super) struct DocBits(HashMap<SegmentOrdinal, Arc<Vec<u64>>>);

impl DocBits {
    pub(super) fn from_set(set: &HashSet<DocAddress>, searcher: &Searcher) -> DocBits {
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

    pub(super) fn segment(&self, ord: SegmentOrdinal) -> Option<Arc<Vec<u64>>> {
        self.0.get(&ord).cloned()
    }
}

pub(super) fn has(bits: &Option<Arc<Vec<u64>>>, doc: DocId) -> bool {
    bits.as_ref().is_some_and(|b| {
        b.get((doc / 64) as usize)
            .is_some_and(|w| w & (1 << (doc % 64)) != 0)
    })
}
