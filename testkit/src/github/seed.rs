//! The seed servers' repositories as a crawl's world.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use serde_json::{Value, json};
use time::{Date, Duration as Days};

use super::{KEY_PATH, Repo};

/// A valid minisign public key file (from protocol's tests).
pub const KEY_FILE: &str = "untrusted comment: minisign public key DA6F35CE8D9D93C2
RWTCk52NzjVv2gsuIzF7WvuDEKQh8ouxapRuWCqbUt37r7qwZin5yotg
";

fn seed() -> Vec<Value> {
    let text = include_str!("../../../seed/official-registry-seed.json");
    serde_json::from_str(text).expect("seed")
}

/// The seed servers' repositories, with plausible GitHub facts: creation dates spread over
/// 2016–2025, topics on three quarters of them (the rest are found by keywords or code
/// search), the seed's server.json in most, package.json / pyproject.toml from their packages,
/// and a key file in every tenth.
pub fn seed_repos() -> Vec<Repo> {
    let mut by_name: HashMap<String, Repo> = HashMap::new();
    let mut order = Vec::new();
    let start = Date::from_calendar_date(2016, time::Month::January, 1).expect("date");
    for (i, s) in seed().iter().enumerate() {
        let url = s["repository"]["url"].as_str().unwrap_or_default();
        let mut parts = url.trim_start_matches("https://github.com/").split('/');
        let (Some(owner), Some(name)) = (parts.next(), parts.next()) else {
            continue;
        };
        let name = name.trim_end_matches(".git");
        let key = format!("{owner}/{name}").to_lowercase();
        if by_name.contains_key(&key) {
            continue;
        }
        let n = order.len();
        let id = s["repository"]["id"]
            .as_str()
            .and_then(|v| v.parse().ok())
            .unwrap_or(500_000_000 + i64::try_from(i).unwrap_or(0));
        // Spread over ten years, deterministic, not in seed order.
        let mut h = DefaultHasher::new();
        key.hash(&mut h);
        let created = start + Days::days(i64::try_from(h.finish() % 3650).unwrap_or(0));
        let topics: Vec<String> = match n % 4 {
            0 => vec!["mcp-server".into()],
            1 => vec!["model-context-protocol".into(), "ai".into()],
            2 => vec!["mcp".into(), "llm".into()],
            _ => vec![],
        };
        let mut files = HashMap::new();
        let mut server = s.clone();
        server["$schema"] = json!(protocol::formats::SERVER_SCHEMA_URL);
        server["version"] = json!("1.0.0");
        // Every topic-less repository has a server.json (code search finds it); most others too.
        if n % 4 == 3 || n % 3 != 0 {
            files.insert(
                "server.json".to_string(),
                serde_json::to_vec_pretty(&server).expect("json"),
            );
        }
        for p in s["packages"].as_array().into_iter().flatten() {
            match p["registryType"].as_str() {
                Some("npm") => {
                    files.insert(
                        "package.json".to_string(),
                        serde_json::to_vec_pretty(&json!({
                            "name": p["identifier"],
                            "version": p["version"],
                            "mcpName": s["name"],
                        }))
                        .expect("json"),
                    );
                }
                Some("pypi") => {
                    files.insert(
                        "pyproject.toml".to_string(),
                        format!(
                            "[project]\nname = {:?}\nversion = {:?}\n",
                            p["identifier"].as_str().unwrap_or("x"),
                            p["version"].as_str().unwrap_or("0.1.0")
                        )
                        .into_bytes(),
                    );
                }
                _ => {}
            }
        }
        if n % 10 == 0 {
            files.insert(KEY_PATH.to_string(), KEY_FILE.as_bytes().to_vec());
        }
        files.insert("README.md".to_string(), b"# readme\n".to_vec());
        order.push(key.clone());
        by_name.insert(
            key,
            Repo {
                id,
                owner: owner.to_string(),
                name: name.to_string(),
                description: s["description"].as_str().map(str::to_string),
                topics,
                created,
                pushed_at: "2025-10-01T12:00:00Z".to_string(),
                former_names: Vec::new(),
                stars: i64::try_from(h.finish() % 5000).unwrap_or(0),
                forks: i64::try_from(h.finish() % 300).unwrap_or(0),
                archived: n % 37 == 5,
                fork: n % 41 == 7,
                org: n % 2 == 0,
                files,
                listed_sizes: HashMap::new(),
                omit: Vec::new(),
            },
        );
    }
    order
        .into_iter()
        .filter_map(|k| by_name.remove(&k))
        .collect()
}
