//! Which release of a server is its "latest", kept in `releases.is_latest`.

use std::cmp::Ordering;
use std::str::FromStr;

use protocol::Version;

use crate::db::{self, Tx};
use crate::error::Result;

/// Picks the latest of (id, version, yanked): the highest version by the official registry's
/// precedence among releases that are not yanked (all of them when every one is yanked);
/// between versions that are not semantic versions, the later upload (higher id) wins, as the
/// official registry uses the publication time there.
pub fn pick(releases: &[(i64, String, bool)]) -> Option<i64> {
    let live: Vec<&(i64, String, bool)> = releases.iter().filter(|r| !r.2).collect();
    let candidates: Vec<&(i64, String, bool)> = if live.is_empty() {
        releases.iter().collect()
    } else {
        live
    };
    candidates
        .into_iter()
        .max_by(|a, b| compare(a, b))
        .map(|r| r.0)
}

fn compare(a: &(i64, String, bool), b: &(i64, String, bool)) -> Ordering {
    match (Version::from_str(&a.1), Version::from_str(&b.1)) {
        (Ok(va), Ok(vb)) if va.semver().is_some() || vb.semver().is_some() => {
            va.cmp_precedence(&vb).then(a.0.cmp(&b.0))
        }
        _ => a.0.cmp(&b.0),
    }
}

/// Recomputes the latest flag of one server inside a write transaction; returns the id of
/// the latest release.
/// After `release_id` was added to the server: refreshes which release is latest, and when it
/// is the new one, the server shows what it says (description, repository).
pub async fn refresh_after_insert(
    tx: &mut Tx,
    server_id: i64,
    release_id: i64,
    facts: &super::ManifestFacts,
    now_ms: i64,
) -> Result<()> {
    if refresh(tx, server_id, now_ms).await? == Some(release_id) {
        db::servers::set_display(
            tx,
            server_id,
            facts.description.as_deref(),
            facts.repository_url.as_deref(),
        )
        .await?;
    }
    Ok(())
}

pub async fn refresh(tx: &mut Tx, server_id: i64, now_ms: i64) -> Result<Option<i64>> {
    let releases = db::releases::versions_of(tx, server_id).await?;
    let latest = pick(&releases);
    if let Some(id) = latest {
        db::releases::set_latest(tx, server_id, id, now_ms).await?;
    }
    Ok(latest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(id: i64, v: &str, yanked: bool) -> (i64, String, bool) {
        (id, v.to_string(), yanked)
    }

    #[test]
    fn highest_semver_wins_regardless_of_upload_order() {
        assert_eq!(
            pick(&[r(1, "1.10.0", false), r(2, "1.9.0", false)]),
            Some(1)
        );
        assert_eq!(
            pick(&[r(1, "1.0.0", false), r(2, "2.0.0-rc.1", false)]),
            Some(2)
        );
    }

    #[test]
    fn yanked_releases_are_skipped_unless_all_are_yanked() {
        assert_eq!(pick(&[r(1, "1.0.0", false), r(2, "2.0.0", true)]), Some(1));
        assert_eq!(pick(&[r(1, "1.0.0", true), r(2, "2.0.0", true)]), Some(2));
    }

    #[test]
    fn non_semver_falls_back_to_upload_order() {
        assert_eq!(
            pick(&[r(1, "2024-05", false), r(2, "2024-01", false)]),
            Some(2)
        );
        assert_eq!(
            pick(&[r(1, "2024-05", false), r(2, "1.0.0", false)]),
            Some(2)
        );
        assert_eq!(pick(&[]), None);
    }
}
