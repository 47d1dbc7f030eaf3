#![doc = include_str!("../README.md")]

use std::time::Duration;

use protocol::SecretKey;
use protocol::api::PublishRequest;
use registry::{AppState, db, service};
use serde_json::{Value, json};

/// splitmix64: a small deterministic generator, so every run builds the same corpus.
#[derive(Debug)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

/// The seed servers, then copies with mutated names, descriptions and packages.
pub fn corpus(n: usize) -> anyhow::Result<Vec<Value>> {
    let seed: Vec<Value> = serde_json::from_slice(registry::service::import::SEED)?;
    let mut vocab: Vec<String> = seed
        .iter()
        .filter_map(|s| s["description"].as_str())
        .flat_map(|d| {
            d.split(|c: char| !c.is_ascii_alphabetic())
                .filter(|w| w.len() >= 4)
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
        })
        .collect();
    vocab.sort();
    vocab.dedup();
    let mut rng = Rng(42);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let mut s = seed[i % seed.len()].clone();
        let copy = i / seed.len();
        if copy > 0 {
            let name = s["name"].as_str().unwrap_or("io.github.x/y").to_string();
            let (ns, leaf) = name.split_once('/').unwrap_or((&name, "server"));
            let w1 = rng.pick(&vocab).clone();
            let w2 = rng.pick(&vocab).clone();
            s["name"] = json!(format!("{ns}{copy}/{leaf}-{w1}"));
            let desc = s["description"].as_str().unwrap_or("").to_string();
            s["description"] = json!(format!("{desc} {w1} {w2}").trim().to_string());
            if let Some(pkgs) = s["packages"].as_array_mut() {
                for p in pkgs {
                    let id = p["identifier"].as_str().unwrap_or("pkg").to_string();
                    p["identifier"] = json!(format!("{id}-{w1}-{copy}"));
                }
            }
        }
        out.push(s);
    }
    Ok(out)
}

/// The value at quantile `p` (0–1) of sorted durations; zero when there are none.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// A fresh key granted `io.github.bench` through the `bench/server` repository, written
/// straight to the database (no GitHub to ask) and logged, as a proven registration would be.
pub async fn register_bench_key(state: &AppState) -> anyhow::Result<SecretKey> {
    let key = SecretKey::generate(&mut rand_core::OsRng);
    let key_id = key.key_id().to_string();
    let mut tx = state.db.begin().await?;
    db::keys::insert_grant(
        &mut tx,
        &db::keys::NewGrant {
            key_id: &key_id,
            public_key: &key.public_key().to_base64(),
            namespace: "io.github.bench",
            proof_kind: "github",
            proof_target: "bench/server",
            proof_repository_id: Some(1),
            proof_url: "https://github.com/bench/server/blob/HEAD/.well-known/mcp-sign.pub",
            rotated_from: None,
            rotation_signature: None,
        },
        0,
    )
    .await?;
    tx.commit().await?;
    service::log::backfill(&state.db).await?;
    Ok(key)
}

/// Signs `manifest` with `key` (a fixed trusted comment) and publishes it, as `mcp-sign
/// publish` would.
pub async fn publish_with(
    state: &AppState,
    key: &SecretKey,
    manifest: String,
) -> anyhow::Result<()> {
    let signature = key
        .sign(manifest.as_bytes(), "timestamp:0\tfile:bench")?
        .to_file_string();
    let req = PublishRequest {
        manifest: Some(manifest),
        manifest_base64: None,
        signature,
    };
    service::publish::publish(&state.db, &state.log, &req).await?;
    Ok(())
}
