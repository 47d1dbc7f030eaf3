//! How long a change written by another replica takes to reach this replica's search index:
//! one replica imports a release into the shared database and another replica's index is
//! polled until a search finds it. The search tests once
//! asserted this latency (`< 1 s`); it is measured here instead.
//!
//! ```sh
//! cargo run --release -p mcp-registry-bench --bin sync_bench -- [ROUNDS]
//! MCP_REGISTRY_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \
//!     cargo run --release -p mcp-registry-bench --bin sync_bench -- 50
//! ```

use std::time::{Duration, Instant};

use bench::percentile;
use registry::{Config, service};

/// A word no seed server uses, different for each round (letters only, one token).
fn marker(i: usize) -> String {
    let mut word = String::from("syncmark");
    let mut n = i;
    loop {
        word.push(char::from(b'a' + u8::try_from(n % 26).unwrap_or(0)));
        n /= 26;
        if n == 0 {
            return word;
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let rounds: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(30);
    let dir = tempfile::tempdir()?;
    let mut config = Config::for_data_dir(&dir.path().join("writer"));
    config.database_url = std::env::var("MCP_REGISTRY_DATABASE_URL").ok();
    // Two replicas on one database, each with its own index: one writes, the other's change
    // poller (started by `open`, as `serve` runs it) must bring the change into its index.
    let writer = registry::open(&config, true).await?;
    let mut reader_config = Config::for_data_dir(&dir.path().join("reader"));
    reader_config.database_url = Some(config.database_url()?);
    let reader = registry::open(&reader_config, false).await?;

    let mut took = Vec::with_capacity(rounds);
    for i in 0..rounds {
        let word = marker(i);
        let name = format!("io.github.bench/sync-{i}");
        let doc = serde_json::json!({
            "name": name,
            "description": format!("Sync benchmark {word}"),
            "version": "1.0.0",
        });
        // Timed from before the write: the commit's moment is not visible from here, so this
        // is the write plus its way into the other index (an upper bound on the latter).
        let written = Instant::now();
        service::import::import_bytes(
            &writer.db,
            doc.to_string().as_bytes(),
            protocol::api::ReleaseOrigin::Import,
        )
        .await?;
        loop {
            // Typo tolerance also finds earlier rounds' markers: wait for this round's server.
            let hits = reader
                .search
                .search(&word, Default::default(), 50, None)?
                .hits;
            if hits.iter().any(|h| h.name == name) {
                took.push(written.elapsed());
                break;
            }
            anyhow::ensure!(
                written.elapsed() < Duration::from_secs(60),
                "round {i}: the change never reached the index"
            );
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
    took.sort();
    let ms = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1000.0);
    println!("| backend | rounds | write to visible: p50 ms | p90 ms | p99 ms | max ms |");
    println!("|---|---|---|---|---|---|");
    println!(
        "| {} | {rounds} | {} | {} | {} | {} |",
        if config.database_url.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        ms(percentile(&took, 0.5)),
        ms(percentile(&took, 0.9)),
        ms(percentile(&took, 0.99)),
        ms(took.last().copied().unwrap_or_default()),
    );
    Ok(())
}
