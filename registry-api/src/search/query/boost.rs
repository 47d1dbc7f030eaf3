//! The bounded rank boost for trust level and GitHub stars, stored per document at index time.

use protocol::trust::TrustLevel;

use crate::search::schema;

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

#[cfg(test)]
mod tests {
    use super::*;

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
