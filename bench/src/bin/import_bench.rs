//! `mcp-registry import` at scale: how long loading N server.json documents takes (the path
//! the seed, `import` and the benchmark's own load share), on SQLite or PostgreSQL.
//!
//! ```sh
//! cargo run --release -p mcp-registry-bench --bin import_bench -- [SERVERS] [DATABASE_URL]
//! cargo run --release -p mcp-registry-bench --bin import_bench -- 100000 \
//!     postgres://postgres@127.0.0.1:5432/import_bench
//! ```
//!
//! Without a URL it imports into a fresh SQLite database in a temporary folder. A PostgreSQL
//! database is emptied first (every table dropped), so give it one of its own. Prints a table:
//! corpus size, the import's time, releases per second, and a second import of the same file
//! (everything unchanged: the idempotent path).

use std::time::{Duration, Instant};

use protocol::api::ReleaseOrigin;
use registry::db::Db;
use registry::service::import::import_bytes;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let servers: usize = args
        .next()
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(100_000);
    let url = args.next();
    let tmp = tempfile::tempdir()?;
    let url = match url {
        Some(url) => url,
        None => registry::Config::for_data_dir(tmp.path()).database_url()?,
    };
    let backend = if url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };

    let docs = bench::corpus(servers)?;
    let bytes = serde_json::to_vec(&docs)?;
    let db = Db::connect(&url).await?;
    if backend == "PostgreSQL" {
        sqlx::query("DROP SCHEMA public CASCADE")
            .execute(db.pool())
            .await?;
        sqlx::query("CREATE SCHEMA public")
            .execute(db.pool())
            .await?;
    }
    db.migrate().await?;

    let t = Instant::now();
    let first = import_bytes(&db, &bytes, ReleaseOrigin::Import).await?;
    let first_time = t.elapsed();
    let t = Instant::now();
    let again = import_bytes(&db, &bytes, ReleaseOrigin::Import).await?;
    let again_time = t.elapsed();

    let rate = |n: usize, d: Duration| format!("{:.0}", n as f64 / d.as_secs_f64());
    println!(
        "| import ({backend}, {servers} servers, {:.1} MiB) | value |",
        bytes.len() as f64 / (1024.0 * 1024.0)
    );
    println!("|---|---:|");
    println!("| first import: time | {:.2} s |", first_time.as_secs_f64());
    println!(
        "| first import: releases/s | {} |",
        rate(first.added, first_time)
    );
    println!(
        "| again (all unchanged): time | {:.2} s |",
        again_time.as_secs_f64()
    );
    println!(
        "| added / unchanged / conflicting | {} / {} / {} |",
        first.added,
        again.unchanged,
        again.conflicting.len()
    );
    Ok(())
}
