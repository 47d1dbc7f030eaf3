//! Where a hit ranks: its match tier, score and server id, the order every page follows.

use std::cmp::Ordering;

#[cfg(doc)]
use super::Filters;

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

    /// The cursor text of earlier releases (`s1.<tier>.<score bits>.<id>`), still read by
    /// [`crate::service::paging::Cursor`]; new cursors are written there.
    pub fn to_cursor(&self) -> String {
        format!(
            "s1.{}.{:08x}.{}",
            self.tier,
            self.score.to_bits(),
            self.server_id
        )
    }

    /// Reads [`RankKey::to_cursor`]'s text.
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
