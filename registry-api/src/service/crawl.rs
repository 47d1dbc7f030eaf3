//! The indexer's records into the registry: GitHub repositories become `listed` servers (or
//! enrich the servers that name them), upstream registries' releases become `listed` mirror
//! releases. A maintainer-published (signed) release is never replaced or outranked: the
//! crawler only adds GitHub facts to such a server.
//!
//! Crawled releases use the version `0.0.0-crawled.<push time>` (like the seed's
//! `0.0.1-seed`): a pre-release below every real version, so it never blocks a maintainer
//! from publishing a version and never outranks a published one. A new one is stored only
//! when what the repository's files say changed.

use std::str::FromStr;
use std::sync::Arc;

use indexer::mirror::{MirrorStore, MirroredServer};
use indexer::{
    BoxFuture, CrawlOptions, CrawlProgress, CrawlStore, CrawlSummary, Crawler, Github,
    GithubConfig, Mirror, MirrorSummary, RepoRecord, SeenRepo,
};
use protocol::api::{GithubFacts, ReleaseOrigin};
use protocol::{PublicKey, ServerName, Version};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::clock::rfc3339;
use crate::db::{self, Db};
use crate::error::{Error, Result};
use crate::service::store_release::{self, ReleaseToStore};
use crate::service::{latest, manifest_facts};

/// Pre-release tag of crawled versions.
pub const CRAWLED_VERSION_PREFIX: &str = "0.0.0-crawled.";

/// The registry's side of the indexer's traits: state in `crawl_state`, records stored here.
#[derive(Debug, Clone)]
pub struct RegistryStore {
    db: Db,
}

impl RegistryStore {
    pub fn new(db: Db) -> Self {
        RegistryStore { db }
    }
}

fn store_err(e: Error) -> indexer::Error {
    indexer::Error::Store(e.to_string())
}

impl CrawlStore for RegistryStore {
    fn load<'a>(&'a self, key: &'a str) -> BoxFuture<'a, indexer::Result<Option<String>>> {
        Box::pin(async move { db::crawl::state_get(&self.db, key).await.map_err(store_err) })
    }

    fn save<'a>(&'a self, key: &'a str, value: &'a str) -> BoxFuture<'a, indexer::Result<()>> {
        Box::pin(async move {
            db::crawl::state_set(&self.db, key, value, self.db.now_ms())
                .await
                .map_err(store_err)
        })
    }

    fn seen<'a>(&'a self, full_name: &'a str) -> BoxFuture<'a, indexer::Result<Option<SeenRepo>>> {
        Box::pin(async move {
            Ok(db::crawl::live_by_name(&self.db, full_name)
                .await
                .map_err(store_err)?
                .map(|r| SeenRepo {
                    github_id: r.github_id,
                    pushed_at: r.pushed_at,
                }))
        })
    }

    fn record(&self, record: RepoRecord) -> BoxFuture<'_, indexer::Result<()>> {
        Box::pin(async move { store_record(&self.db, &record).await.map_err(store_err) })
    }
}

impl MirrorStore for RegistryStore {
    fn load<'a>(&'a self, key: &'a str) -> BoxFuture<'a, indexer::Result<Option<String>>> {
        CrawlStore::load(self, key)
    }

    fn save<'a>(&'a self, key: &'a str, value: &'a str) -> BoxFuture<'a, indexer::Result<()>> {
        CrawlStore::save(self, key, value)
    }

    fn servers(&self, page: Vec<MirroredServer>) -> BoxFuture<'_, indexer::Result<()>> {
        Box::pin(async move { store_mirrored(&self.db, page).await.map_err(store_err) })
    }
}

fn indexer_err(e: indexer::Error) -> Error {
    match e {
        indexer::Error::Config(m) => Error::Config(m),
        other => Error::Upstream(other.to_string()),
    }
}

/// Runs one GitHub crawl (continuing an interrupted one) and stores what it finds.
pub async fn crawl_github(
    db: &Db,
    github: GithubConfig,
    options: CrawlOptions,
    progress: Option<Arc<dyn Fn(CrawlProgress) + Send + Sync>>,
) -> Result<CrawlSummary> {
    let clock = db.clock().clone();
    let client = Github::new(github, clock.clone()).map_err(indexer_err)?;
    let mut crawler = Crawler::new(client, options, clock);
    if let Some(p) = progress {
        crawler = crawler.with_progress(p);
    }
    let store: Arc<dyn CrawlStore> = Arc::new(RegistryStore::new(db.clone()));
    crawler.crawl(store).await.map_err(indexer_err)
}

/// Mirrors an upstream registry speaking the official MCP registry API.
pub async fn mirror(db: &Db, upstream: &str) -> Result<MirrorSummary> {
    let m = Mirror::new(upstream, db.clock().clone()).map_err(indexer_err)?;
    m.run(&RegistryStore::new(db.clone()))
        .await
        .map_err(indexer_err)
}

/// The name a repository's files give it: its server.json's or package.json's name when the
/// repository may claim it (`io.github.<its owner>/...`), else `io.github.<owner>/<repo>`.
fn derive_name(rec: &RepoRecord, problems: &mut Vec<Value>) -> Option<String> {
    let owner = rec.owner_login.to_lowercase();
    let claims = [
        rec.server_json
            .as_ref()
            .map(|s| ("server.json", s.name.clone())),
        rec.package_json
            .as_ref()
            .and_then(|p| p.mcp_name.clone().map(|n| ("package.json", n))),
    ];
    for (file, name) in claims.into_iter().flatten() {
        let ok = ServerName::from_str(&name).ok().is_some_and(|n| {
            n.namespace()
                .github_owner()
                .is_some_and(|o| o.eq_ignore_ascii_case(&owner))
        });
        if ok {
            return Some(name);
        }
        problems.push(json!({
            "path": file,
            "reason": format!(
                "names {name:?}, which this repository cannot claim (only io.github.{owner}/...); \
                 listed under its repository name instead"
            ),
        }));
    }
    let repo = rec.full_name.split_once('/').map_or("", |(_, r)| r);
    let name = format!("io.github.{}/{}", rec.owner_login, repo);
    ServerName::from_str(&name)
        .ok()
        .map(|n| n.as_str().to_string())
}

/// The official schema's description: 1 to 100 characters. Longer texts (GitHub descriptions
/// often are) are cut at a word with an ellipsis; a repository without one gets a plain
/// sentence naming it.
fn official_description(found: Option<&str>, full_name: &str) -> String {
    const MAX: usize = 100;
    let text = found
        .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| format!("MCP server from github.com/{full_name}"));
    if text.chars().count() <= MAX {
        return text;
    }
    let cut: String = text.chars().take(MAX - 1).collect();
    let cut = match cut.rfind(' ') {
        Some(at) if at > MAX / 2 => cut[..at].trim_end_matches([',', '.', ';', ':']).to_string(),
        _ => cut,
    };
    format!("{cut}…")
}

/// The listing a repository's files describe, without a version.
fn listing(rec: &RepoRecord, name: &str) -> Value {
    let sj = rec.server_json.as_ref();
    let description = sj
        .and_then(|s| s.description.clone())
        .or_else(|| {
            rec.package_json
                .as_ref()
                .and_then(|p| p.description.clone())
        })
        .or_else(|| rec.pyproject.as_ref().and_then(|p| p.description.clone()))
        .or_else(|| rec.description.clone());
    let description = official_description(description.as_deref(), &rec.full_name);
    let mut packages: Vec<Value> = sj.map(|s| s.packages.clone()).unwrap_or_default();
    if packages.is_empty() {
        if let Some(p) = &rec.package_json
            && let Some(n) = &p.name
        {
            packages.push(json!({
                "registryType": "npm", "identifier": n,
                "version": p.version.clone().unwrap_or_default(),
                "transport": {"type": "stdio"},
            }));
        }
        if let Some(p) = &rec.pyproject
            && let Some(n) = &p.name
        {
            packages.push(json!({
                "registryType": "pypi", "identifier": n,
                "version": p.version.clone().unwrap_or_default(),
                "transport": {"type": "stdio"},
            }));
        }
    }
    let mut m = serde_json::Map::new();
    m.insert(
        "$schema".into(),
        json!(protocol::formats::SERVER_SCHEMA_URL),
    );
    m.insert("name".into(), json!(name));
    m.insert("description".into(), json!(description));
    if let Some(t) = sj.and_then(|s| s.title.clone()) {
        m.insert("title".into(), json!(t));
    }
    m.insert(
        "repository".into(),
        json!({"url": rec.repository_url(), "source": "github", "id": rec.github_id.to_string()}),
    );
    if !packages.is_empty() {
        m.insert("packages".into(), Value::Array(packages));
    }
    if let Some(s) = sj
        && !s.remotes.is_empty()
    {
        m.insert("remotes".into(), Value::Array(s.remotes.clone()));
    }
    Value::Object(m)
}

fn crawled_version(rec: &RepoRecord, now_ms: i64) -> String {
    use time::format_description::well_known::Rfc3339;
    let secs = rec
        .pushed_at
        .as_deref()
        .and_then(|p| time::OffsetDateTime::parse(p, &Rfc3339).ok())
        .map(|t| t.unix_timestamp())
        .unwrap_or_else(|| now_ms.div_euclid(1000));
    format!("{CRAWLED_VERSION_PREFIX}{}", secs.max(0))
}

fn is_this_repo(s: &db::crawl::LinkedServer, rec: &RepoRecord) -> bool {
    s.github_repository_id == Some(rec.github_id)
        || s.repository_url
            .as_deref()
            .and_then(crate::service::github_repository)
            .is_some_and(|r| r == rec.full_name.to_lowercase())
}

/// Stores one crawled repository.
pub async fn store_record(db: &Db, rec: &RepoRecord) -> Result<()> {
    metrics::counter!("registry_crawl_repositories_total").increment(1);
    let now = db.now_ms();
    let topics =
        serde_json::to_string(&rec.topics).map_err(|e| Error::Internal(format!("topics: {e}")))?;
    let mut problems: Vec<Value> = rec
        .problems
        .iter()
        .map(|p| json!({"path": p.path, "reason": p.reason}))
        .collect();
    let derived = if rec.files_read {
        let name = derive_name(rec, &mut problems);
        let listing = name.as_ref().map(|n| listing(rec, n));
        let sha = listing
            .as_ref()
            .map(|l| serde_json::to_vec(l).map(|b| hex::encode(Sha256::digest(&b))))
            .transpose()
            .map_err(|e| Error::Internal(format!("listing: {e}")))?;
        Some((name, listing, sha))
    } else {
        None
    };
    let key_id = rec
        .key_file
        .as_deref()
        .and_then(|k| PublicKey::from_str(k).ok())
        .map(|k| k.key_id().to_string());

    let mut tx = db.begin().await?;
    // The first statement writes (SQLite takes the write lock here).
    let replaced = db::crawl::replace_others(&mut tx, &rec.full_name, rec.github_id, now).await?;
    if !replaced.is_empty() {
        tracing::warn!(repository = %rec.full_name, old = ?replaced, new = rec.github_id,
            "the repository was deleted and re-created under the same name");
        problems.push(json!({
            "path": "",
            "reason": format!(
                "the repository was deleted and re-created (GitHub id {replaced:?} → {}); \
                 signed servers proven with the old repository keep their old link",
                rec.github_id
            ),
        }));
    }
    let previous = db::crawl::by_id(&mut tx, rec.github_id).await?;
    let problems_text =
        serde_json::to_string(&problems).map_err(|e| Error::Internal(format!("problems: {e}")))?;
    let (name, listing, sha) = match &derived {
        Some((n, l, s)) => (n.clone(), l.clone(), s.clone()),
        None => (
            previous.as_ref().and_then(|p| p.server_name.clone()),
            None,
            previous.as_ref().and_then(|p| p.listing_sha256.clone()),
        ),
    };
    db::crawl::upsert(
        &mut tx,
        &db::crawl::RepoFacts {
            github_id: rec.github_id,
            display_name: &rec.full_name,
            owner_type: rec.owner_type.as_deref(),
            description: rec.description.as_deref(),
            stars: rec.stars,
            forks: rec.forks,
            license: rec.license.as_deref(),
            archived: rec.archived,
            is_fork: rec.fork,
            default_branch: rec.default_branch.as_deref(),
            topics: &topics,
            pushed_at: rec.pushed_at.as_deref(),
            repo_created_at: rec.created_at.as_deref(),
            files: derived.as_ref().map(|_| db::crawl::RepoFiles {
                key_file: rec.key_file.as_deref(),
                key_id: key_id.as_deref(),
                problems: &problems_text,
                server_name: name.as_deref(),
                listing_sha256: sha.as_deref(),
            }),
        },
        now,
    )
    .await?;

    let servers =
        db::crawl::servers_for(&mut tx, &rec.full_name, rec.github_id, name.as_deref()).await?;
    let mut any_for_repo = false;
    for s in &servers {
        if !is_this_repo(s, rec) {
            continue;
        }
        any_for_repo = true;
        let signed = s
            .origins
            .iter()
            .any(|o| o == ReleaseOrigin::Publish.as_str());
        if signed
            && s.github_repository_id
                .is_some_and(|other| other != rec.github_id)
        {
            // The proof was made with the repository that was deleted: no facts carry over.
            continue;
        }
        if s.github_repository_id != Some(rec.github_id) || s.stars != Some(rec.stars) {
            db::crawl::link_server(&mut tx, s.id, rec.github_id, rec.stars, now).await?;
        }
    }

    // A crawled release: for a repository no server names yet, or for a server that only
    // the crawler fills; only when the files changed what they say.
    let changed =
        derived.is_some() && previous.as_ref().and_then(|p| p.listing_sha256.clone()) != sha;
    let crawl_only =
        |s: &db::crawl::LinkedServer| s.origins.iter().all(|o| o == ReleaseOrigin::Crawl.as_str());
    let target_ok = match name.as_deref() {
        Some(n) => match servers.iter().find(|s| s.name == n) {
            Some(s) => is_this_repo(s, rec) && crawl_only(s) && (changed || s.origins.is_empty()),
            None => !any_for_repo,
        },
        None => false,
    };
    if target_ok && let (Some(name), Some(mut listing)) = (name, listing) {
        let version = crawled_version(rec, now);
        if Version::from_str(&version).is_ok() {
            listing["version"] = json!(version);
            let bytes = serde_json::to_vec_pretty(&listing)
                .map_err(|e| Error::Internal(format!("listing: {e}")))?;
            let facts = manifest_facts(&bytes)?;
            let server_name =
                ServerName::from_str(&name).map_err(|e| Error::Internal(e.to_string()))?;
            let release = ReleaseToStore {
                name: &name,
                namespace: server_name.namespace().as_str(),
                version: &version,
                bytes: &bytes,
                facts: &facts,
                signed: None,
                origin: ReleaseOrigin::Crawl.as_str(),
            };
            let stored = store_release::store(&mut tx, &release, now).await?;
            let (server_id, inserted) = (stored.server_id, stored.release_id);
            if let Some(release_id) = inserted {
                // The scanner's findings are stored with every release (issue 7).
                crate::service::scan::scan_and_store(&mut tx, release_id, &bytes, now).await?;
                latest::refresh_after_insert(&mut tx, server_id, release_id, &facts, now).await?;
            }
            db::crawl::link_server(&mut tx, server_id, rec.github_id, rec.stars, now).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Stores one page of an upstream registry's releases as `listed` mirror releases; existing
/// (name, version) pairs are left as they are (releases are immutable).
pub async fn store_mirrored(db: &Db, page: Vec<MirroredServer>) -> Result<()> {
    let mut docs = Vec::with_capacity(page.len());
    for m in page {
        let ok = m
            .server
            .get("name")
            .and_then(Value::as_str)
            .is_some_and(|n| ServerName::from_str(n).is_ok())
            && m.server
                .get("version")
                .and_then(Value::as_str)
                .is_some_and(|v| Version::from_str(v).is_ok());
        if ok {
            docs.push(m.server);
        } else {
            tracing::warn!("skipped an upstream entry without a valid name and version");
        }
    }
    if docs.is_empty() {
        return Ok(());
    }
    let bytes = serde_json::to_vec(&Value::Array(docs))
        .map_err(|e| Error::Internal(format!("mirror page: {e}")))?;
    let report = crate::service::import::import_bytes(db, &bytes, ReleaseOrigin::Mirror).await?;
    for c in &report.conflicting {
        tracing::info!(release = %c, "kept the stored release: the upstream has different bytes");
    }
    Ok(())
}

/// The GitHub facts of these servers, for responses: server id → facts.
pub async fn github_facts(
    db: &Db,
    server_ids: &[i64],
) -> Result<std::collections::HashMap<i64, GithubFacts>> {
    let rows = db::crawl::facts_for_servers(db, server_ids).await?;
    Ok(rows
        .into_iter()
        .map(|(id, r)| {
            (
                id,
                GithubFacts {
                    repository: r.display_name,
                    repository_id: r.github_id,
                    stars: r.stars,
                    forks: r.forks,
                    license: r.license,
                    archived: r.archived,
                    fork: r.is_fork,
                    owner_type: r.owner_type,
                    topics: serde_json::from_str(&r.topics).unwrap_or_default(),
                    pushed_at: r.pushed_at,
                    default_branch: r.default_branch,
                    published_key_id: r.key_id,
                    crawled_at: rfc3339(r.updated_at),
                },
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_fit_the_official_limits() {
        assert_eq!(official_description(Some("  a  b "), "o/r"), "a b");
        assert_eq!(
            official_description(Some(""), "o/r"),
            "MCP server from github.com/o/r"
        );
        assert_eq!(
            official_description(None, "o/r"),
            "MCP server from github.com/o/r"
        );
        let long = "word ".repeat(60);
        let d = official_description(Some(&long), "o/r");
        assert!(d.chars().count() <= 100 && d.ends_with('…'), "{d}");
        let unbroken = "x".repeat(300);
        assert_eq!(
            official_description(Some(&unbroken), "o/r").chars().count(),
            100
        );
    }
}
