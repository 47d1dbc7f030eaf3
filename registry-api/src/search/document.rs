//! A server (its latest release) → one index document.

use protocol::manifest::ReleaseExtension;
use serde_json::Value;
use tantivy::TantivyDocument;

use super::schema::{self, Fields};
use crate::db::search::SearchRow;
use crate::service::views;

/// Affixes that say nothing about what a server does; a name without them is also a key
/// (`mcp-server-postgres` → `postgres`).
const NAME_AFFIXES: &[&str] = &["mcp-server-", "server-mcp-", "mcp-", "server-"];
const NAME_SUFFIXES: &[&str] = &["-mcp-server", "-server-mcp", "-mcp", "-server"];

fn strs<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// The name and its shorter forms, lower-case: `io.github.o/mcp-server-x` →
/// [`io.github.o/mcp-server-x`, `mcp-server-x`, `x`].
pub fn name_keys(name: &str) -> Vec<String> {
    let name = name.to_lowercase();
    let mut keys = vec![name.clone()];
    if let Some((_, leaf)) = name.split_once('/') {
        keys.push(leaf.to_string());
        let mut short = leaf;
        for p in NAME_AFFIXES {
            if let Some(rest) = short.strip_prefix(p) {
                short = rest;
                break;
            }
        }
        for s in NAME_SUFFIXES {
            if let Some(rest) = short.strip_suffix(s) {
                short = rest;
                break;
            }
        }
        if !short.is_empty() && short != leaf {
            keys.push(short.to_string());
        }
    }
    keys.dedup();
    keys
}

/// Words of the namespace that name its owner: `io.github.octo` → `octo`, `com.example` →
/// `example`.
fn owner_text(namespace: &str) -> String {
    let ns = namespace.to_lowercase();
    if let Some(owner) = ns.strip_prefix("io.github.") {
        return owner.to_string();
    }
    let mut parts: Vec<&str> = ns.split('.').collect();
    if parts.len() > 1 {
        // Drop the top-level domain (`com`, `io`, ...).
        parts.remove(0);
    }
    parts.join(" ")
}

pub fn build(fields: &Fields, row: &SearchRow) -> TantivyDocument {
    let r = &row.release;
    let manifest: Value = serde_json::from_slice(&r.manifest).unwrap_or(Value::Null);
    let mut doc = TantivyDocument::default();
    doc.add_u64(fields.server_id, u64::try_from(r.server_id).unwrap_or(0));
    let leaf = r.name.split_once('/').map_or(r.name.as_str(), |(_, l)| l);
    doc.add_text(fields.name, leaf);
    for k in name_keys(&r.name) {
        doc.add_text(fields.name_keys, &k);
    }
    doc.add_text(fields.display_name, &r.name);
    doc.add_text(fields.version, &r.version);
    let mut owner = owner_text(&r.namespace);
    if let Some(repo) = manifest
        .get("repository")
        .and_then(|v| strs(v, "url"))
        .and_then(crate::service::github_repository)
    {
        doc.add_text(fields.ident_keys, &repo);
        if let Some((o, _)) = repo.split_once('/')
            && !owner.split(' ').any(|w| w == o)
        {
            owner.push(' ');
            owner.push_str(o);
        }
    }
    doc.add_text(fields.owner, &owner);
    if let Some(t) = strs(&manifest, "title") {
        doc.add_text(fields.title, t);
    }
    if let Some(d) = strs(&manifest, "description") {
        doc.add_text(fields.description, d);
    }

    let mut registry_mask = 0u64;
    let mut transport_mask = 0u64;
    let mut registry_names: Vec<&str> = Vec::new();
    let mut transport_names: Vec<&str> = Vec::new();
    let add_transport = |t: &str, mask: &mut u64, names: &mut Vec<&'static str>| {
        let bit = schema::bit_of(schema::TRANSPORTS, t);
        if *mask & bit == 0 {
            *mask |= bit;
            if let Some(name) = schema::TRANSPORTS.get(bit.trailing_zeros() as usize) {
                names.push(name);
            }
        }
    };
    for p in protocol::manifest::packages(&manifest) {
        if let Some(rt) = strs(p, "registryType") {
            let bit = schema::bit_of(schema::REGISTRY_TYPES, rt);
            if registry_mask & bit == 0 {
                registry_mask |= bit;
                if let Some(name) = schema::REGISTRY_TYPES.get(bit.trailing_zeros() as usize) {
                    registry_names.push(name);
                }
            }
        }
        if let Some(id) = strs(p, "identifier") {
            let id = id.to_lowercase();
            doc.add_text(fields.packages, &id);
            // Also without an OCI tag or digest, and its last path part
            // (`@scope/server-x` → `server-x`).
            let bare = id.split(['@', ':']).find(|s| !s.is_empty()).unwrap_or("");
            let bare = if id.starts_with('@') {
                format!("@{bare}")
            } else {
                bare.to_string()
            };
            doc.add_text(fields.ident_keys, &id);
            if bare != id && !bare.is_empty() {
                doc.add_text(fields.ident_keys, &bare);
            }
            if let Some((_, last)) = bare.rsplit_once('/') {
                doc.add_text(fields.ident_keys, last);
            }
        }
        if let Some(t) = p.get("transport").and_then(|t| strs(t, "type")) {
            add_transport(t, &mut transport_mask, &mut transport_names);
        }
    }
    for remote in protocol::manifest::remotes(&manifest) {
        if let Some(t) = strs(remote, "type") {
            add_transport(t, &mut transport_mask, &mut transport_names);
        }
    }
    for n in registry_names {
        doc.add_text(fields.registry_types, n);
    }
    for n in transport_names {
        doc.add_text(fields.transports, n);
    }

    for tool in ReleaseExtension::of(&manifest)
        .map(|ext| ext.tools)
        .unwrap_or_default()
    {
        // Tool names are identifiers: index their words (`send_message` → send message).
        doc.add_text(fields.tools, tool.name.replace(['_', '-', '.'], " "));
        if let Some(d) = &tool.description {
            doc.add_text(fields.tools, d);
        }
    }

    for topic in row
        .topics
        .as_deref()
        .and_then(|t| serde_json::from_str::<Vec<String>>(t).ok())
        .unwrap_or_default()
    {
        doc.add_text(fields.topics, &topic);
    }

    let level = views::verdict(r).level;
    doc.add_text(fields.trust, level.as_str());
    let rank = schema::trust_rank(level);
    let stars = row.stars.and_then(|s| u64::try_from(s).ok()).unwrap_or(0);
    doc.add_u64(
        fields.facets,
        schema::pack_facets(rank, registry_mask, transport_mask),
    );
    doc.add_u64(
        fields.boost,
        u64::from(super::query::boost(rank, stars).to_bits()),
    );
    doc.add_u64(fields.stars, stars);
    doc.add_i64(fields.updated, row.updated_at);
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_keys_strip_affixes() {
        assert_eq!(
            name_keys("io.github.o/MCP-Server-Postgres"),
            [
                "io.github.o/mcp-server-postgres",
                "mcp-server-postgres",
                "postgres"
            ]
        );
        assert_eq!(
            name_keys("io.github.github/github-mcp-server"),
            [
                "io.github.github/github-mcp-server",
                "github-mcp-server",
                "github"
            ]
        );
        assert_eq!(
            name_keys("com.example/weather"),
            ["com.example/weather", "weather"]
        );
    }

    #[test]
    fn owner_words() {
        assert_eq!(owner_text("io.github.Octo"), "octo");
        assert_eq!(owner_text("com.example.tools"), "example tools");
    }
}
