//! Paging and the list parameters every list shares: one page-size rule ([`parse_limit`]), one
//! cursor format ([`Cursor`]) and one reading of `version=latest` ([`VersionFilter`]).
//!
//! A cursor is opaque to clients: base64url (no padding) of a small JSON object with a format
//! version `v` and a kind `k`, e.g. `{"v":1,"k":"release","name":"…","version":"…"}`. Each
//! list reads only its own kind, so a cursor from one list is refused by another. The formats
//! of earlier releases are still read, as clients (mirrors) keep cursors between runs:
//! `name:version` (server lists), `s1.<tier>.<score bits>.<id>` (search) and
//! `<s1 key>~<releases to skip>` (`/v0.1/servers?search=` with every version).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::search::RankKey;

/// The page size in `raw`: `default` when absent or empty, else a whole number from 1 to `max`.
pub fn parse_limit(raw: Option<&str>, default: u32, max: u32) -> Result<usize> {
    let Some(raw) = raw.filter(|r| !r.is_empty()) else {
        return Ok(default as usize);
    };
    match raw.parse::<u32>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n as usize),
        _ => Err(Error::BadRequest(format!(
            "limit must be a whole number from 1 to {max}, not {raw:?}"
        ))),
    }
}

/// What `version=` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionFilter<'a> {
    Any,
    Latest,
    Exact(&'a str),
}

impl<'a> VersionFilter<'a> {
    /// Absent or empty: any version; `latest`: the latest; anything else: that exact version.
    pub fn parse(raw: Option<&'a str>) -> VersionFilter<'a> {
        match raw.map(str::trim) {
            None | Some("") => VersionFilter::Any,
            Some(v) if is_latest(v) => VersionFilter::Latest,
            Some(v) => VersionFilter::Exact(v),
        }
    }
}

/// Whether a version (a parameter or a path segment) names the latest release.
pub fn is_latest(version: &str) -> bool {
    version.trim() == "latest"
}

/// Where the next page starts.
#[derive(Debug, Clone, PartialEq)]
pub enum Cursor {
    /// A server list: after this release (lists are ordered by name, then version).
    Release { name: String, version: String },
    /// A search: after this rank key.
    Rank(RankKey),
    /// A search listing every release: after the server ranked `after` (from the top when
    /// `None`), skipping the first `skip` releases of the next one (already listed).
    RankReleases { after: Option<RankKey>, skip: usize },
}

/// The format version written in every cursor.
const FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Wire {
    v: u32,
    #[serde(flatten)]
    cursor: WireCursor,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "k", rename_all = "snake_case")]
enum WireCursor {
    Release {
        name: String,
        version: String,
    },
    Rank(WireRank),
    RankReleases {
        after: Option<WireRank>,
        skip: usize,
    },
}

/// A rank key with the score's exact bits, so a cursor repeats the key to the bit.
#[derive(Serialize, Deserialize)]
struct WireRank {
    tier: u8,
    score_bits: u32,
    id: u64,
}

impl From<RankKey> for WireRank {
    fn from(k: RankKey) -> WireRank {
        WireRank {
            tier: k.tier,
            score_bits: k.score.to_bits(),
            id: k.server_id,
        }
    }
}

impl WireRank {
    fn key(&self) -> Option<RankKey> {
        let score = f32::from_bits(self.score_bits);
        score.is_finite().then_some(RankKey {
            tier: self.tier,
            score,
            server_id: self.id,
        })
    }
}

/// What a reader says when a cursor is not one of its kind.
const PAGE_HINT: &str = "pass back metadata.nextCursor from the previous page";

fn invalid(raw: &str, of_search: bool) -> Error {
    let same = if of_search { " of the same search" } else { "" };
    Error::BadRequest(format!("invalid cursor {raw:?}: {PAGE_HINT}{same}"))
}

impl Cursor {
    /// The opaque text clients pass back.
    pub fn encode(&self) -> String {
        let cursor = match self {
            Cursor::Release { name, version } => WireCursor::Release {
                name: name.clone(),
                version: version.clone(),
            },
            Cursor::Rank(k) => WireCursor::Rank((*k).into()),
            Cursor::RankReleases { after, skip } => WireCursor::RankReleases {
                after: after.map(WireRank::from),
                skip: *skip,
            },
        };
        let json = serde_json::to_vec(&Wire { v: FORMAT, cursor }).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json)
    }

    /// A cursor in the current format, of any kind.
    fn decode(raw: &str) -> Option<Cursor> {
        let bytes = URL_SAFE_NO_PAD.decode(raw).ok()?;
        let wire: Wire = serde_json::from_slice(&bytes).ok()?;
        if wire.v != FORMAT {
            return None;
        }
        Some(match wire.cursor {
            WireCursor::Release { name, version } => Cursor::Release { name, version },
            WireCursor::Rank(k) => Cursor::Rank(k.key()?),
            WireCursor::RankReleases { after, skip } => Cursor::RankReleases {
                after: match after {
                    None => None,
                    Some(k) => Some(k.key()?),
                },
                skip,
            },
        })
    }

    /// A server list's cursor: (name, version) of the last release of the previous page.
    pub fn read_release(raw: Option<&str>) -> Result<Option<(String, String)>> {
        let Some(raw) = raw.filter(|c| !c.is_empty()) else {
            return Ok(None);
        };
        match Cursor::decode(raw) {
            Some(Cursor::Release { name, version }) => Ok(Some((name, version))),
            Some(_) => Err(invalid(raw, false)),
            // Earlier releases: `name:version` (a server name cannot contain `:`).
            None => raw
                .split_once(':')
                .map(|(n, v)| Some((n.to_string(), v.to_string())))
                .ok_or_else(|| invalid(raw, false)),
        }
    }

    /// A search's cursor: the rank key of the last hit of the previous page.
    pub fn read_rank(raw: Option<&str>) -> Result<Option<RankKey>> {
        let Some(raw) = raw.filter(|c| !c.is_empty()) else {
            return Ok(None);
        };
        match Cursor::decode(raw) {
            Some(Cursor::Rank(k)) => Ok(Some(k)),
            Some(_) => Err(invalid(raw, true)),
            None => RankKey::from_cursor(raw)
                .map(Some)
                .ok_or_else(|| invalid(raw, true)),
        }
    }

    /// The cursor of a search that lists every release: (rank key of the server before,
    /// releases of the next server already listed); `(None, 0)` at the top.
    pub fn read_rank_releases(raw: Option<&str>) -> Result<(Option<RankKey>, usize)> {
        let Some(raw) = raw.filter(|c| !c.is_empty()) else {
            return Ok((None, 0));
        };
        match Cursor::decode(raw) {
            Some(Cursor::RankReleases { after, skip }) => Ok((after, skip)),
            Some(_) => Err(invalid(raw, true)),
            // Earlier releases: `<s1 key or nothing>~<skip>`.
            None => {
                let bad = || invalid(raw, true);
                let (key, n) = raw.rsplit_once('~').ok_or_else(bad)?;
                let after = if key.is_empty() {
                    None
                } else {
                    Some(RankKey::from_cursor(key).ok_or_else(bad)?)
                };
                Ok((after, n.parse().map_err(|_| bad())?))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: RankKey = RankKey {
        tier: 2,
        score: 12.5,
        server_id: 42,
    };

    #[test]
    fn each_kind_round_trips_and_is_read_only_by_its_reader() {
        let release = Cursor::Release {
            name: "io.github.o/s".into(),
            version: "1.0.0".into(),
        }
        .encode();
        let rank = Cursor::Rank(KEY).encode();
        let releases = Cursor::RankReleases {
            after: Some(KEY),
            skip: 3,
        }
        .encode();
        let top = Cursor::RankReleases {
            after: None,
            skip: 1,
        }
        .encode();
        for c in [&release, &rank, &releases, &top] {
            assert!(
                c.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                "{c}"
            );
        }
        assert_eq!(
            Cursor::read_release(Some(&release)).ok().flatten(),
            Some(("io.github.o/s".into(), "1.0.0".into()))
        );
        assert_eq!(Cursor::read_rank(Some(&rank)).ok().flatten(), Some(KEY));
        assert_eq!(
            Cursor::read_rank_releases(Some(&releases)).ok(),
            Some((Some(KEY), 3))
        );
        assert_eq!(Cursor::read_rank_releases(Some(&top)).ok(), Some((None, 1)));
        assert!(Cursor::read_release(Some(&rank)).is_err());
        assert!(Cursor::read_rank(Some(&release)).is_err());
        assert!(Cursor::read_rank(Some(&releases)).is_err());
        assert!(Cursor::read_rank_releases(Some(&rank)).is_err());
    }

    #[test]
    fn cursors_of_earlier_releases_are_still_read() {
        assert_eq!(
            Cursor::read_release(Some("io.github.o/s:1.0.0"))
                .ok()
                .flatten(),
            Some(("io.github.o/s".into(), "1.0.0".into()))
        );
        assert_eq!(
            Cursor::read_rank(Some(&KEY.to_cursor())).ok().flatten(),
            Some(KEY)
        );
        assert_eq!(
            Cursor::read_rank_releases(Some(&format!("{}~2", KEY.to_cursor()))).ok(),
            Some((Some(KEY), 2))
        );
        assert_eq!(Cursor::read_rank_releases(Some("~4")).ok(), Some((None, 4)));
    }

    #[test]
    fn absent_or_empty_is_the_first_page_and_garbage_is_refused() {
        assert_eq!(Cursor::read_release(None).ok(), Some(None));
        assert_eq!(Cursor::read_rank(Some("")).ok(), Some(None));
        assert_eq!(Cursor::read_rank_releases(Some("")).ok(), Some((None, 0)));
        assert!(Cursor::read_release(Some("nocolon")).is_err());
        assert!(Cursor::read_rank(Some("nonsense")).is_err());
        assert!(Cursor::read_rank(Some("a:b")).is_err());
        assert!(Cursor::read_rank_releases(Some("a:b")).is_err());
        let other_format = URL_SAFE_NO_PAD.encode(r#"{"v":2,"k":"rank","tier":1}"#);
        assert!(Cursor::read_rank(Some(&other_format)).is_err());
    }

    #[test]
    fn limits_and_versions() {
        assert_eq!(parse_limit(None, 30, 100).ok(), Some(30));
        assert_eq!(parse_limit(Some(""), 30, 100).ok(), Some(30));
        assert_eq!(parse_limit(Some("100"), 30, 100).ok(), Some(100));
        for bad in ["0", "101", "ten", "-1"] {
            assert!(parse_limit(Some(bad), 30, 100).is_err(), "{bad}");
        }
        assert_eq!(VersionFilter::parse(None), VersionFilter::Any);
        assert_eq!(
            VersionFilter::parse(Some(" latest ")),
            VersionFilter::Latest
        );
        assert_eq!(
            VersionFilter::parse(Some("1.2.3")),
            VersionFilter::Exact("1.2.3")
        );
    }
}
