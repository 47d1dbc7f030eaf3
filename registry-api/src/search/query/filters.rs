//! Search filters (trust, registry type, transport, update time, tier, the official name
//! match) and the facet counts a search reports beside its hits.

use std::sync::Arc;

#[cfg(doc)]
use super::{MatchTier, NAME_CONTAINS_TIER};
#[cfg(doc)]
use crate::search::schema;

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
    pub(super) fn keeps(&self, trust: u64, registry: u64, transport: u64) -> (bool, bool, bool) {
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
    pub(super) fn add(&mut self, o: &FacetCounts) {
        for i in 0..8 {
            self.trust[i] += o.trust[i];
            self.registry_types[i] += o.registry_types[i];
            self.transports[i] += o.transports[i];
        }
    }
}
