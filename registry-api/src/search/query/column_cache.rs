//! Per-segment arrays of what every match reads (facets, boost, update time, name keys), filled
//! by a tantivy warmer when a searcher is made.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tantivy::schema::IndexRecordOption;
use tantivy::{
    BitSet, DocId, DocSet, Searcher, SearcherGeneration, SegmentReader, TERMINATED, Warmer,
};

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
pub(super) struct SegmentColumns {
    /// Per document, the index in `combos` of its facet values: a match then costs one counter
    /// increment, and the facet counts are worked out per combination at the end.
    pub(super) combo: Vec<u32>,
    /// The distinct packed facet values ([`schema::pack_facets`]) of the segment.
    pub(super) combos: Vec<u64>,
    pub(super) boost: Vec<f32>,
    pub(super) updated: Vec<i64>,
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
    pub(super) fn name_contains_docs(&self, needle: &[u8], max_doc: u32) -> BitSet {
        self.names.containing(needle, max_doc)
    }

    pub(super) fn name_prefix_docs(&self, prefix: &[u8], max_doc: u32) -> BitSet {
        self.names.with_prefix(prefix, max_doc)
    }
}

impl ColumnCache {
    pub fn new(name_keys: tantivy::schema::Field) -> ColumnCache {
        ColumnCache {
            name_keys,
            segments: std::sync::Mutex::default(),
        }
    }

    pub(super) fn get(&self, reader: &SegmentReader) -> tantivy::Result<Arc<SegmentColumns>> {
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
