//! Publishes per second with the transparency log, through the service layer (validation,
//! signature check, release insert, log append, checkpoint signing, inclusion proof): the work
//! of `POST /v1/publish` without HTTP.
//!
//! ```sh
//! cargo run --release -p mcp-registry-bench --bin log_bench -- DATA_DIR [COUNT] [CONCURRENCY]
//! MCP_REGISTRY_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \
//!     cargo run --release -p mcp-registry-bench --bin log_bench -- DATA_DIR 500 8
//! ```
//!
//! The data folder is left behind (key registered for io.github.bench via bench/server), so
//! `mcp-registry --data-dir DATA_DIR serve --no-seed` serves the releases for timing
//! `mcp-sign check io.github.bench/server@1.0.0 --registry URL`.

use std::sync::Arc;
use std::time::Instant;

use registry::Config;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: log_bench DATA_DIR [COUNT] [CONCURRENCY]"))?;
    let count: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(500);
    let concurrency: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(8);
    let mut config = Config::for_data_dir(std::path::Path::new(&dir));
    config.database_url = std::env::var("MCP_REGISTRY_DATABASE_URL").ok();
    let state = registry::open(&config, false).await?;

    let key = Arc::new(bench::register_bench_key(&state).await?);

    let start = Instant::now();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (state, key, next) = (state.clone(), key.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                if i >= count {
                    return Ok::<(), anyhow::Error>(());
                }
                let version = format!("1.0.{i}");
                let manifest = serde_json::to_string_pretty(&serde_json::json!({
                    "$schema": protocol::formats::SERVER_SCHEMA_URL,
                    "name": "io.github.bench/server",
                    "description": "bench",
                    "version": version,
                    "repository": {"url": "https://github.com/bench/server", "source": "github"},
                }))?;
                bench::publish_with(&state, &key, manifest).await?;
            }
        }));
    }
    for t in tasks {
        t.await??;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{count} publishes with {concurrency} concurrent writers in {secs:.2} s: {:.0} publishes/s ({:?})",
        count as f64 / secs,
        state.db.backend()
    );
    println!("log verifier key: {}", state.log.verifier_key());
    state.db.close().await;
    Ok(())
}
