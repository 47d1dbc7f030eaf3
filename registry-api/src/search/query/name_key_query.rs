//! Name matches from the segments' in-memory key tables: the prefix tier (a server name, or one
//! of its shorter forms, starts with the query) and the official `search=` (a full name contains
//! the term). Both give a constant score: the tier decides the rank, not the score.

use std::sync::Arc;

use tantivy::query::{
    BitSetDocSet, ConstScorer, EnableScoring, Explanation, Query, Scorer, Weight,
};
use tantivy::{BitSet, DocId, Score, SegmentReader};

use super::column_cache::ColumnCache;

/// How a name must relate to the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum NameMatch {
    /// A name or one of its shorter forms starts with it (the prefix tier).
    Prefix,
    /// A full name contains it (the official `search=`).
    Contains,
}

/// The servers whose names match `text` as `how` says.
#[derive(Clone, Debug)]
pub(super) struct NameKeyQuery {
    pub(super) how: NameMatch,
    pub(super) text: Arc<str>,
    pub(super) cache: Arc<ColumnCache>,
}

impl NameKeyQuery {
    fn docs(&self, reader: &SegmentReader) -> tantivy::Result<BitSet> {
        let cols = self.cache.get(reader)?;
        let text = self.text.as_bytes();
        Ok(match self.how {
            NameMatch::Prefix => cols.name_prefix_docs(text, reader.max_doc()),
            NameMatch::Contains => cols.name_contains_docs(text, reader.max_doc()),
        })
    }
}

impl Query for NameKeyQuery {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for NameKeyQuery {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let docs = self.docs(reader)?;
        Ok(Box::new(ConstScorer::new(BitSetDocSet::from(docs), boost)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let (matched, missing) = match self.how {
            NameMatch::Prefix => ("name starts with the query", "starting with"),
            NameMatch::Contains => ("name contains the search term", "containing"),
        };
        if self.docs(reader)?.contains(doc) {
            Ok(Explanation::new(matched, 0.0))
        } else {
            Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} has no name {missing} {:?}",
                self.text
            )))
        }
    }
}
