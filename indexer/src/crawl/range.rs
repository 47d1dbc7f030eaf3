//! The slices a search query is split into until each is under the search cap: creation dates
//! for repositories, file sizes for code.

use time::{Date, Duration as Days};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Repos,
    Code,
}

/// A slice of one query: creation dates (repositories) or file sizes (code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Range {
    Created(Date, Date),
    Size(u64, u64),
}

impl Range {
    pub(super) fn qualifier(&self) -> String {
        match *self {
            Range::Created(a, b) => format!("created:{a}..{b}"),
            Range::Size(a, b) => format!("size:{a}..{b}"),
        }
    }

    pub(super) fn split(&self) -> Option<(Range, Range)> {
        match *self {
            Range::Created(a, b) if a < b => {
                let mid = a + Days::days((b - a).whole_days() / 2);
                Some((
                    Range::Created(a, mid),
                    Range::Created(mid + Days::days(1), b),
                ))
            }
            Range::Size(a, b) if a < b => {
                let mid = a + (b - a) / 2;
                Some((Range::Size(a, mid), Range::Size(mid + 1, b)))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_split_in_halves_without_overlap() {
        let a = Date::from_calendar_date(2020, time::Month::January, 1).unwrap();
        let b = Date::from_calendar_date(2020, time::Month::January, 4).unwrap();
        let (l, r) = Range::Created(a, b).split().unwrap();
        assert_eq!(l.qualifier(), "created:2020-01-01..2020-01-02");
        assert_eq!(r.qualifier(), "created:2020-01-03..2020-01-04");
        assert!(Range::Created(a, a).split().is_none());
        let (l, r) = Range::Size(0, 9).split().unwrap();
        assert_eq!((l, r), (Range::Size(0, 4), Range::Size(5, 9)));
    }
}
