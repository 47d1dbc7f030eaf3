//! Typo tolerance: terms within one edit of a word (a transposition counting as one), as a
//! tantivy query, and the same test on two strings for highlighting.

use std::sync::Arc;

use tantivy::query::{AutomatonWeight, BoostQuery, EnableScoring, Occur, Query, Weight};

/// Terms within one edit of a word (a transposition counting as one), as an automaton over
/// term bytes. Built once per word and shared by every field the word is looked up in; tantivy's
/// `FuzzyTermQuery` would build one per field, and building is most of a typo query's cost.
pub(super) struct OneEdit(levenshtein_automata::DFA);

static ONE_EDIT: std::sync::LazyLock<levenshtein_automata::LevenshteinAutomatonBuilder> =
    std::sync::LazyLock::new(|| levenshtein_automata::LevenshteinAutomatonBuilder::new(1, true));

impl OneEdit {
    pub(super) fn of(word: &str) -> Arc<OneEdit> {
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

pub(super) fn one_edit_q(
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
}
