//! The read side: official-compatible lists, our server detail, verify and stats.

use std::str::FromStr;

use protocol::api::{
    ListMetadata, NamespaceListing, ServerDetail, ServerList, ServerResponse, Stats, VerifyResponse,
};
use protocol::formats::{API_DEFAULT_PAGE_SIZE, API_MAX_PAGE_SIZE};
use protocol::trust::{self, TrustFacts};
use protocol::{PackageRef, ServerName};
use serde::Deserialize;

use crate::clock::parse_rfc3339;
use crate::db::{self, Db};
use crate::error::{Error, Result};
use crate::service::log::{self as tlog, Log};
pub use crate::service::paging::VersionFilter;
use crate::service::paging::{Cursor, is_latest, parse_limit};
use crate::service::{scan, views};

/// `GET /v0.1/servers` query parameters, as the official registry names them.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Opaque cursor from a previous page's `metadata.nextCursor`.
    pub cursor: Option<String>,
    /// Page size, 1–100 (default 30).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// Every server whose name contains this, case-insensitive (the official meaning), ranked
    /// by relevance; then servers that match it only by words or within one typo. One entry
    /// per server (its latest release) with `version=latest`.
    #[param(max_length = 200)]
    pub search: Option<String>,
    /// Only releases created or changed at or after this RFC 3339 time (deleted ones included,
    /// as the official registry does, so mirrors see deletions).
    #[param(value_type = Option<String>, format = DateTime)]
    pub updated_since: Option<String>,
    /// `latest`: only the latest version of each server; an exact version (`1.2.3`): only
    /// releases with that version.
    pub version: Option<String>,
    /// `true` also lists deleted releases (yanked, or taken down by the operators); default
    /// `false`, and always `true` with `updated_since`.
    #[param(value_type = Option<bool>)]
    pub include_deleted: Option<String>,
}

impl ListParams {
    pub fn version_filter(&self) -> VersionFilter<'_> {
        VersionFilter::parse(self.version.as_deref())
    }

    /// `include_deleted`, which `updated_since` implies.
    pub fn include_deleted(&self) -> Result<bool> {
        let asked = parse_bool("include_deleted", self.include_deleted.as_deref())?;
        Ok(asked || self.updated_since.as_deref().is_some_and(|s| !s.is_empty()))
    }

    pub fn updated_since_ms(&self) -> Result<Option<i64>> {
        self.updated_since
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(|s| parse_rfc3339("updated_since", s))
            .transpose()
    }
}

/// A boolean query parameter: `true`/`false` (also `1`/`0`); absent or empty is `false`.
pub fn parse_bool(param: &str, raw: Option<&str>) -> Result<bool> {
    match raw.map(str::trim) {
        None | Some("") => Ok(false),
        Some(v) if v.eq_ignore_ascii_case("true") || v == "1" => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("false") || v == "0" => Ok(false),
        Some(v) => Err(Error::BadRequest(format!(
            "{param} must be true or false, not {v:?}"
        ))),
    }
}

pub async fn list(db: &Db, log: &Log, p: &ListParams) -> Result<ServerList> {
    let limit = parse_limit(p.limit.as_deref(), API_DEFAULT_PAGE_SIZE, API_MAX_PAGE_SIZE)?;
    let version = p.version_filter();
    let after = Cursor::read_release(p.cursor.as_deref())?;
    let updated_since_ms = p.updated_since_ms()?;
    let query = db::releases::ListQuery {
        latest_only: version == VersionFilter::Latest,
        version: match version {
            VersionFilter::Exact(v) => Some(v),
            _ => None,
        },
        include_deleted: p.include_deleted()?,
        after: after.as_ref().map(|(n, v)| (n.as_str(), v.as_str())),
        search: p.search.as_deref().filter(|s| !s.is_empty()),
        updated_since_ms,
        // One more than asked tells whether another page follows.
        limit: i64::try_from(limit).unwrap_or(i64::MAX) + 1,
    };
    let mut rows = db::releases::list(db, &query).await?;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next_cursor = if more {
        rows.last().map(|r| {
            Cursor::Release {
                name: r.name.clone(),
                version: r.version.clone(),
            }
            .encode()
        })
    } else {
        None
    };
    let servers = responses_with_log(db, log, &rows).await?;
    Ok(ServerList {
        metadata: ListMetadata {
            next_cursor,
            count: servers.len(),
        },
        servers,
    })
}

fn not_found_server(name: &str) -> Error {
    Error::NotFound(format!(
        "no server named {name:?} in this registry; search with GET /v0.1/servers?search=..."
    ))
}

/// Deleted in the official sense: yanked, or taken down by the operators.
fn is_deleted(row: &db::releases::ReleaseRow) -> bool {
    row.yanked_at.is_some() || row.malicious_reason.is_some()
}

pub async fn versions(db: &Db, log: &Log, name: &str, include_deleted: bool) -> Result<ServerList> {
    let mut rows = db::releases::of_server(db, name).await?;
    if rows.is_empty() {
        return Err(not_found_server(name));
    }
    if !include_deleted {
        rows.retain(|r| !is_deleted(r));
        if rows.is_empty() {
            return Err(Error::NotFound(format!(
                "every version of {name:?} is deleted (yanked or taken down); add \
                 include_deleted=true to list them"
            )));
        }
    }
    let servers = responses_with_log(db, log, &rows).await?;
    Ok(ServerList {
        metadata: ListMetadata {
            next_cursor: None,
            count: servers.len(),
        },
        servers,
    })
}

pub async fn version(
    db: &Db,
    log: &Log,
    name: &str,
    version: &str,
    include_deleted: bool,
) -> Result<ServerResponse> {
    let row = if is_latest(version) {
        db::releases::find_latest(db, name).await?
    } else {
        db::releases::find(db, name, version).await?
    };
    match row {
        Some(row) if !include_deleted && is_deleted(&row) => Err(Error::NotFound(format!(
            "{name}@{} is deleted (yanked or taken down); add include_deleted=true to read it, \
             or see GET /v1/verify?server=...&version=... for why",
            row.version
        ))),
        Some(row) => Ok(responses_with_log(db, log, std::slice::from_ref(&row))
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| Error::Internal("no response for a release".to_string()))?),
        None if db::servers::find_by_name(db, name).await?.is_some() => {
            Err(Error::NotFound(format!(
                "server {name:?} has no version {version:?}; list them with \
                 GET /v0.1/servers/{{name}}/versions"
            )))
        }
        None => Err(not_found_server(name)),
    }
}

pub async fn detail(db: &Db, name: &str) -> Result<ServerDetail> {
    let server = db::servers::find_by_name(db, name)
        .await?
        .ok_or_else(|| not_found_server(name))?;
    let rows = db::releases::of_server(db, name).await?;
    let latest = rows.iter().find(|r| r.is_latest).or(rows.first());
    let mut scans = scan::scans_of(db, &rows).await?;
    let mut trust = trust::compute(&TrustFacts {
        known: true,
        ..TrustFacts::default()
    });
    let mut versions = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut info = views::release_info(row)?;
        let diff = scan::tools_diff(row, &rows);
        let release_scan = scans.remove(&row.id);
        info.trust = views::verdict_with(row, release_scan.as_ref(), diff.as_ref());
        info.scan = release_scan;
        if latest.is_some_and(|l| l.id == row.id) {
            trust = info.trust.clone();
        }
        versions.push(info);
    }
    let keys = db::keys::grants_in_namespace(db, &server.namespace)
        .await?
        .iter()
        .map(views::key_info)
        .collect::<Result<Vec<_>>>()?;
    Ok(ServerDetail {
        name: server.name,
        namespace: server.namespace,
        description: server.description,
        repository_url: server.repository_url,
        latest_version: latest.map(|r| r.version.clone()),
        trust,
        versions,
        keys,
    })
}

/// A page of a namespace's servers (latest releases, by name after `after`) and the keys
/// granted in it; `None` when the namespace has neither (on the first page).
pub async fn namespace(
    db: &Db,
    namespace: &str,
    after: Option<&str>,
    limit: u32,
) -> Result<Option<NamespaceListing>> {
    let limit = limit.clamp(1, 500);
    // One more than the page, to know whether another follows.
    let mut rows =
        db::releases::latest_in_namespace(db, namespace, after.unwrap_or(""), i64::from(limit) + 1)
            .await?;
    let next_after = if rows.len() > limit as usize {
        rows.truncate(limit as usize);
        rows.last().map(|r| r.name.clone())
    } else {
        None
    };
    let keys = db::keys::grants_in_namespace(db, namespace).await?;
    if rows.is_empty() && keys.is_empty() && after.is_none() {
        return Ok(None);
    }
    Ok(Some(NamespaceListing {
        namespace: namespace.to_string(),
        servers: rows
            .iter()
            .map(views::server_response)
            .collect::<Result<_>>()?,
        keys: keys.iter().map(views::key_info).collect::<Result<_>>()?,
        next_after,
    }))
}

/// `GET /v1/verify` query parameters: `server` (with optional `version`, default latest) or
/// `package` (`npm:@scope/pkg@1.2.3`, `pypi:name==1.0`, `oci:ghcr.io/o/i:1.0`, ...).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VerifyParams {
    /// A server name (`io.github.owner/name`). Give exactly one of `server` or `package`.
    #[param(pattern = "^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$")]
    pub server: Option<String>,
    /// With `server` only: an exact version, or `latest` (the default).
    pub version: Option<String>,
    /// A package with its version: `npm:@scope/pkg@1.2.3`, `pypi:name==1.0`,
    /// `oci:ghcr.io/o/i@sha256:...`, `mcpb:URL`. Give exactly one of `server` or `package`.
    pub package: Option<String>,
}

/// The verdict on a release. Something the registry has never seen is not an error: its
/// verdict is `unknown`.
pub async fn verify(db: &Db, log: &Log, p: &VerifyParams) -> Result<VerifyResponse> {
    let row = match (p.server.as_deref(), p.package.as_deref()) {
        (Some(server), None) => {
            ServerName::from_str(server).map_err(|e| Error::BadRequest(e.to_string()))?;
            match p.version.as_deref() {
                Some(v) if !is_latest(v) => db::releases::find(db, server, v).await?,
                _ => db::releases::find_latest(db, server).await?,
            }
        }
        (None, Some(package)) => {
            if p.version.is_some() {
                return Err(Error::BadRequest(
                    "give the package version inside package= (npm:pkg@1.2.3, pypi:pkg==1.0), \
                     not as version="
                        .to_string(),
                ));
            }
            let pkg =
                PackageRef::from_str(package).map_err(|e| Error::BadRequest(e.to_string()))?;
            let rows = db::releases::by_package(
                db,
                pkg.registry_type().as_str(),
                &pkg.normalized_name(),
                pkg.version().map(|v| v.as_str()),
            )
            .await?;
            // Several releases may name one package version; the newest upload answers.
            rows.into_iter().next()
        }
        _ => {
            return Err(Error::BadRequest(
                "give exactly one of server=NAME (with optional version=V) or \
                 package=npm:@scope/pkg@1.2.3"
                    .to_string(),
            ));
        }
    };
    let Some(row) = row else {
        return Ok(VerifyResponse {
            name: p.server.clone(),
            version: p.version.clone(),
            verdict: trust::compute(&TrustFacts::default()),
            manifest: None,
            manifest_sha256: None,
            signature: None,
            key: None,
            log: None,
            scan: None,
            tools_diff: None,
            artifacts: Vec::new(),
            provenance: None,
        });
    };
    let key = match &row.key_id {
        Some(key_id) => {
            let grants = db::keys::grants_of_key(db, key_id).await?;
            let grant = grants
                .iter()
                .find(|g| g.namespace == row.namespace)
                .or(grants.first());
            grant.map(views::key_info).transpose()?
        }
        None => None,
    };
    let evidence = tlog::release_evidence(
        db,
        log,
        &row.name,
        &row.version,
        row.key_id.as_deref().map(|k| (k, row.namespace.as_str())),
    )
    .await?;
    let release_scan = scan::scans_of(db, std::slice::from_ref(&row))
        .await?
        .remove(&row.id);
    let siblings = db::releases::of_server(db, &row.name).await?;
    let tools_diff = scan::tools_diff(&row, &siblings);
    Ok(VerifyResponse {
        name: Some(row.name.clone()),
        version: Some(row.version.clone()),
        verdict: views::verdict_with(&row, release_scan.as_ref(), tools_diff.as_ref()),
        manifest: Some(String::from_utf8_lossy(&row.manifest).into_owned()),
        manifest_sha256: Some(row.manifest_sha256.clone()),
        signature: row.signature.clone(),
        key,
        log: evidence,
        scan: release_scan,
        tools_diff,
        artifacts: views::artifact_checks(db, row.id).await?,
        provenance: views::trust_facts(&row).provenance,
    })
}

/// The official `{server, _meta}` objects, with the log evidence of each signed release
/// (all against one checkpoint) in our `_meta` block.
async fn responses_with_log(
    db: &Db,
    log: &Log,
    rows: &[db::releases::ReleaseRow],
) -> Result<Vec<ServerResponse>> {
    let mut out = Vec::with_capacity(rows.len());
    let mut checkpoint = None;
    let mut server_ids: Vec<i64> = rows.iter().map(|r| r.server_id).collect();
    server_ids.dedup();
    let github = crate::service::crawl::github_facts(db, &server_ids).await?;
    let scans = scan::scans_of(db, rows).await?;
    for row in rows {
        let mut resp = views::server_response(row)?;
        if let Some(meta) = resp.meta.registry.as_mut() {
            meta.github = github.get(&row.server_id).cloned();
            let release_scan = scans.get(&row.id);
            meta.trust = views::verdict_with(row, release_scan, None);
            meta.scan = release_scan.map(|s| s.summary.clone());
        }
        if row.signature.is_some()
            && let Some(entry) = tlog::release_entry(db, &row.name, &row.version).await?
        {
            let cp = match &checkpoint {
                Some(cp) => cp,
                None => checkpoint.insert(tlog::checkpoint(db, log).await?),
            };
            if entry.idx < cp.size {
                let proof = tlog::entry_proof(db, &entry, cp).await?;
                if let Some(meta) = resp.meta.registry.as_mut() {
                    meta.log = Some(protocol::api::LogEvidence {
                        checkpoint: cp.note.clone(),
                        tree_size: cp.size,
                        release: Some(proof),
                        key: None,
                    });
                }
            }
        }
        out.push(resp);
    }
    Ok(out)
}

pub async fn stats(db: &Db) -> Result<Stats> {
    let servers = db::servers::count(db).await?;
    let releases = db::releases::counts(db).await?;
    let keys = db::keys::counts(db).await?;
    Ok(Stats {
        servers,
        releases: releases.releases,
        signed_releases: releases.signed,
        yanked_releases: releases.yanked,
        keys: keys.keys,
        revoked_keys: keys.revoked,
    })
}
