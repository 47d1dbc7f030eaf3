//! C2SP `tlog-tiles` paths and entry bundles.
//!
//! - hash tiles: `tile/<L>/<N>[.p/<W>]`: `W` (1..=256, 256 when there is no `.p`) consecutive
//!   hashes at Merkle level `8·L`, starting at hash number `N·256`;
//! - entry bundles: `tile/entries/<N>[.p/<W>]`: entries `N·256 ..`, each a big-endian `u16`
//!   length and the record bytes.
//!
//! `N` is written in groups of three digits, every group but the last prefixed with `x`
//! (`1234067` → `x001/x234/067`). Paths parse strictly: a path parses only if it is the one
//! [`TilePath::path`] writes.

use super::log_err;
use crate::error::Result;
use crate::formats::log::{RECORD_MAX_LEN, TILE_HEIGHT, TILE_WIDTH};

/// A tile or entry bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TilePath {
    /// `None` for an entry bundle, `Some(L)` for a hash tile at tile level L.
    pub level: Option<u8>,
    pub index: u64,
    /// 1..=256.
    pub width: u64,
}

impl TilePath {
    pub fn is_full(&self) -> bool {
        self.width == TILE_WIDTH
    }

    /// The path under the log prefix, e.g. `tile/0/x001/234.p/5` or `tile/entries/000`.
    pub fn path(&self) -> String {
        let mut n = self.index;
        let mut s = format!("{:03}", n % 1000);
        while n >= 1000 {
            n /= 1000;
            s = format!("x{:03}/{s}", n % 1000);
        }
        let level = match self.level {
            Some(l) => l.to_string(),
            None => "entries".to_string(),
        };
        let partial = if self.is_full() {
            String::new()
        } else {
            format!(".p/{}", self.width)
        };
        format!("tile/{level}/{s}{partial}")
    }

    /// Parses a path written by [`path`](Self::path) (with or without a leading `tile/`).
    pub fn parse(path: &str) -> Result<Self> {
        let bad = || log_err(format!("{path:?} is not a tlog-tiles tile path"));
        let rest = path.strip_prefix("tile/").unwrap_or(path);
        if rest.len() > 64 {
            return Err(bad());
        }
        let (level_s, rest) = rest.split_once('/').ok_or_else(bad)?;
        let level = if level_s == "entries" {
            None
        } else {
            let l: u8 = level_s.parse().map_err(|_| bad())?;
            // 8·L must be a Merkle level below 64.
            if u32::from(l) * u32::from(TILE_HEIGHT) >= 64 {
                return Err(bad());
            }
            Some(l)
        };
        let (digits, width) = match rest.split_once(".p/") {
            Some((d, w)) => {
                let w: u64 = w.parse().map_err(|_| bad())?;
                if w == 0 || w >= TILE_WIDTH {
                    return Err(bad());
                }
                (d, w)
            }
            None => (rest, TILE_WIDTH),
        };
        let mut index: u64 = 0;
        for group in digits.split('/') {
            let g = group.strip_prefix('x').unwrap_or(group);
            if g.len() != 3 || !g.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            let v: u64 = g.parse().map_err(|_| bad())?;
            index = index
                .checked_mul(1000)
                .and_then(|i| i.checked_add(v))
                .ok_or_else(bad)?;
        }
        let tile = TilePath {
            level,
            index,
            width,
        };
        let canonical = tile.path();
        if canonical.strip_prefix("tile/") != Some(path.strip_prefix("tile/").unwrap_or(path)) {
            return Err(bad());
        }
        Ok(tile)
    }

    /// The Merkle level of a hash tile's hashes.
    pub fn merkle_level(&self) -> Option<u8> {
        self.level.map(|l| l * TILE_HEIGHT)
    }

    /// The first hash (at [`merkle_level`](Self::merkle_level)) or entry number.
    pub fn first(&self) -> Option<u64> {
        self.index.checked_mul(TILE_WIDTH)
    }

    /// Whether the tile exists in a tree of `size` leaves: every hash (or entry) it lists is
    /// complete. Tiles never change once they exist; a wider partial tile or the full tile
    /// appears as the tree grows.
    pub fn exists_in(&self, size: u64) -> bool {
        let Some(first) = self.first() else {
            return false;
        };
        let Some(end) = first.checked_add(self.width) else {
            return false;
        };
        let shift = u32::from(self.merkle_level().unwrap_or(0));
        // Hash j at level k exists when (j + 1) · 2^k <= size.
        match end.checked_shl(shift) {
            Some(leaves) if leaves >> shift == end => leaves <= size,
            _ => false,
        }
    }

    /// The tiles a tree of `size` leaves has at tile level `level` (or the entry bundles for
    /// `None`): full tiles, then the partial right edge when there is one.
    pub fn tiles_for(size: u64, level: Option<u8>) -> Vec<TilePath> {
        let shift = u32::from(level.map(|l| l * TILE_HEIGHT).unwrap_or(0));
        let count = if shift >= 64 { 0 } else { size >> shift };
        let mut out = Vec::new();
        let full = count / TILE_WIDTH;
        for index in 0..full {
            out.push(TilePath {
                level,
                index,
                width: TILE_WIDTH,
            });
        }
        let rest = count % TILE_WIDTH;
        if rest > 0 {
            out.push(TilePath {
                level,
                index: full,
                width: rest,
            });
        }
        out
    }
}

/// Encodes records as an entry bundle.
pub fn encode_bundle<'a>(records: impl IntoIterator<Item = &'a [u8]>) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    for r in records {
        let len = u16::try_from(r.len()).map_err(|_| {
            log_err(format!(
                "a record of {} bytes does not fit an entry bundle (at most {RECORD_MAX_LEN})",
                r.len()
            ))
        })?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(r);
    }
    Ok(out)
}

/// Splits an entry bundle into its records.
pub fn decode_bundle(bytes: &[u8]) -> Result<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let (len, tail) = rest
            .split_first_chunk::<2>()
            .ok_or_else(|| log_err("the entry bundle ends inside a length prefix"))?;
        let len = usize::from(u16::from_be_bytes(*len));
        if tail.len() < len {
            return Err(log_err("the entry bundle ends inside a record"));
        }
        let (rec, tail) = tail.split_at(len);
        out.push(rec.to_vec());
        rest = tail;
    }
    Ok(out)
}
