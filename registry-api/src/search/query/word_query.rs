//! The tantivy query of one word over the fields, with the field weights, and the whole query
//! as exact keys.

use std::ops::Bound;

use tantivy::Term;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::IndexRecordOption;

use super::Word;
use super::one_edit::{OneEdit, one_edit_q};
use crate::search::schema::Fields;

fn term_q(field: tantivy::schema::Field, text: &str, boost: f32) -> (Occur, Box<dyn Query>) {
    let q = TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    );
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
pub(super) fn word_query(fields: &Fields, w: &Word) -> Box<dyn Query> {
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
pub(super) fn key_forms(q: &str) -> Vec<String> {
    let q = q.trim().to_lowercase();
    let mut forms = vec![q.clone()];
    let dashed = q.split_whitespace().collect::<Vec<_>>().join("-");
    if dashed != q {
        forms.push(dashed);
    }
    forms.retain(|f| !f.is_empty());
    forms
}
