//! `mcp-registry-bench`: builds a corpus of N synthetic servers from the seed data set, loads
//! it into a registry (SQLite), builds the search index, measures in-process and HTTP search
//! (with `wrk` on loopback), and runs the official MCP registry's method — `ILIKE '%term%'` on
//! the name and description in PostgreSQL, without and with `pg_trgm` indexes — on the same
//! corpus and queries. Prints a markdown table. See README.md.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use serde_json::Value;
use sqlx::Connection;

use bench::{corpus, percentile};

/// Search benchmark: our tantivy index against the official registry's ILIKE method.
#[derive(Debug, Parser)]
#[command(name = "mcp-registry-bench", max_term_width = 100)]
struct Args {
    /// Synthetic servers in the corpus (the 358 seed servers, then mutated copies).
    #[arg(long, default_value_t = 100_000)]
    servers: usize,
    /// Working folder (database, index); emptied first unless `--reuse`.
    #[arg(long, default_value = "/tmp/mcp-registry-bench")]
    workdir: PathBuf,
    /// The `mcp-registry` binary to start [default: next to this one].
    #[arg(long)]
    server_bin: Option<PathBuf>,
    /// Port for the server under load.
    #[arg(long, default_value_t = 18_181)]
    port: u16,
    /// wrk: duration (seconds), connections and threads.
    #[arg(long, default_value_t = 10)]
    wrk_seconds: u32,
    #[arg(long, default_value_t = 32)]
    wrk_connections: u32,
    #[arg(long, default_value_t = 1)]
    wrk_threads: u32,
    /// PostgreSQL server for the ILIKE comparison (a `mcp_bench` database is created there and
    /// dropped afterwards); `none` skips it.
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    postgres_url: String,
    /// Rounds over the query set for the ILIKE method without indexes (each query takes
    /// hundreds of milliseconds at 100,000 servers).
    #[arg(long, default_value_t = 2)]
    ilike_rounds: usize,
    /// Rounds over the query set for in-process and pg_trgm measurements.
    #[arg(long, default_value_t = 20)]
    rounds: usize,
    /// Page size asked for (`limit`), the same for every method.
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// Keep the loaded database and index from an earlier run with the same `--servers` and
    /// `--workdir` (skips the minute-long load and the index builds; their rows say so).
    /// For tuning: measure the search again without loading the corpus again.
    #[arg(long)]
    reuse: bool,
}

/// What people type: names, purposes, package identifiers, and common words (the slow case
/// for trigram indexes).
const QUERIES: &[&str] = &[
    "kubernetes",
    "mongodb",
    "obsidian",
    "redis",
    "docker",
    "excel",
    "blender",
    "notion",
    "firecrawl",
    "playwright",
    "grafana",
    "stripe",
    "weather",
    "elasticsearch",
    "todoist",
    "aws athena",
    "video editing",
    "mysql database",
    "filesystem",
    "send notifications",
    "google calendar",
    "web scraping",
    "home assistant",
    "crypto news",
    "stock market data",
    "jira confluence",
    "bigquery",
    "execute python code",
    "browser automation",
    "magic-mcp",
    "@21st-dev/magic",
    "mcp-server-bigquery",
    "github",
    "model context protocol server",
    "mcp server",
    "data",
    "api",
    "search",
    "ai agents",
    "database",
];

/// (misspelled, the word meant): found when a top hit's name contains the word meant.
const MISSPELLED: &[(&str, &str)] = &[
    ("githb", "github"),
    ("kubernets", "kubernetes"),
    ("gogle calender", "google-calendar"),
    ("obsidain", "obsidian"),
    ("playwrigth", "playwright"),
    ("mongodbb", "mongodb"),
    ("spotfy", "spotify"),
    ("discrod", "discord"),
    ("elasticsaerch", "elasticsearch"),
    ("yuotube", "youtube"),
    ("grafna", "grafana"),
    ("dokcer", "docker"),
    ("notoin", "notion"),
    ("redsi", "redis"),
    ("exel", "excel"),
    ("blendr", "blender"),
    ("firecrwl", "firecrawl"),
    ("todoits", "todoist"),
    ("weahter", "weather"),
    ("bigqeury", "bigquery"),
];

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(run(args))
}

fn ms(d: Duration) -> String {
    let m = d.as_secs_f64() * 1000.0;
    if m < 10.0 {
        format!("{m:.2} ms")
    } else {
        format!("{m:.0} ms")
    }
}

#[derive(Debug, Default)]
struct Latencies {
    all: Vec<Duration>,
    typos: Vec<Duration>,
    typos_found: usize,
}

impl Latencies {
    fn finish(&mut self) {
        self.all.sort();
        self.typos.sort();
    }
}

fn dir_size(p: &Path) -> u64 {
    std::fs::read_dir(p).map_or(0, |entries| {
        entries
            .flatten()
            .map(|e| match e.metadata() {
                Ok(m) if m.is_dir() => dir_size(&e.path()),
                Ok(m) => m.len(),
                Err(_) => 0,
            })
            .sum()
    })
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `mcp-registry serve`; `cache_mib` sets its search answer cache (0 turns it off).
fn start_server(bin: &Path, data: &Path, port: u16, cache_mib: u32) -> anyhow::Result<Server> {
    let child = Command::new(bin)
        .arg("--data-dir")
        .arg(data)
        .arg("serve")
        .arg("--no-seed")
        .arg("--listen")
        .arg(format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .env("MCP_REGISTRY_SEARCH_CACHE_MIB", cache_mib.to_string())
        // The corpus's packages are real: checking their provenance would ask the real npm
        // and PyPI for every one while the load runs.
        .env("MCP_REGISTRY_NO_PROVENANCE_CHECKS", "true")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("cannot start {}", bin.display()))?;
    Ok(Server(child))
}

async fn wait_serving(port: u16, limit: Duration) -> anyhow::Result<Duration> {
    let client = reqwest::Client::new();
    let start = Instant::now();
    loop {
        let r = client
            .get(format!("http://127.0.0.1:{port}/v1/search?q=kubernetes"))
            .send()
            .await;
        if r.is_ok_and(|r| r.status().is_success()) {
            return Ok(start.elapsed());
        }
        if start.elapsed() > limit {
            bail!("the server did not answer within {limit:?}");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn query_path(q: &str, limit: usize) -> String {
    let enc: String = q
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("/v1/search?q={enc}&limit={limit}")
}

/// wrk's `Latency Distribution` value (`1.23ms`, `850.00us`, `1.01s`).
fn wrk_duration(s: &str) -> Option<Duration> {
    let (num, unit) = s.split_at(s.find(|c: char| c.is_ascii_alphabetic())?);
    let v: f64 = num.parse().ok()?;
    let secs = match unit {
        "us" => v / 1e6,
        "ms" => v / 1e3,
        "s" => v,
        "m" => v * 60.0,
        _ => return None,
    };
    Some(Duration::from_secs_f64(secs))
}

#[derive(Debug)]
struct WrkResult {
    rps: f64,
    p50: Duration,
    p99: Duration,
    requests: u64,
    errors: String,
}

fn run_wrk(args: &Args, paths: &[String]) -> anyhow::Result<WrkResult> {
    let mut lua = String::from("local paths = {\n");
    for p in paths {
        writeln!(lua, "  {p:?},")?;
    }
    lua.push_str(
        "}\nlocal i = math.random(#paths)\nrequest = function()\n  i = i % #paths + 1\n  \
         return wrk.format(\"GET\", paths[i])\nend\n",
    );
    let script = args.workdir.join("queries.lua");
    std::fs::write(&script, lua)?;
    let out = Command::new("wrk")
        .arg(format!("-t{}", args.wrk_threads))
        .arg(format!("-c{}", args.wrk_connections))
        .arg(format!("-d{}s", args.wrk_seconds))
        .arg("--latency")
        .arg("-s")
        .arg(&script)
        .arg(format!("http://127.0.0.1:{}", args.port))
        .output()
        .context("cannot run wrk (apt-get install -y wrk)")?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    eprintln!("{text}");
    let mut result = WrkResult {
        rps: 0.0,
        p50: Duration::ZERO,
        p99: Duration::ZERO,
        requests: 0,
        errors: "none".into(),
    };
    for line in text.lines() {
        let t: Vec<&str> = line.split_whitespace().collect();
        match t.as_slice() {
            ["Requests/sec:", v] => result.rps = v.parse().unwrap_or(0.0),
            ["50%", v] => result.p50 = wrk_duration(v).unwrap_or_default(),
            ["99%", v] => result.p99 = wrk_duration(v).unwrap_or_default(),
            [n, "requests", "in", ..] => result.requests = n.parse().unwrap_or(0),
            ["Non-2xx", ..] | ["Socket", "errors:", ..] => result.errors = line.trim().to_string(),
            _ => {}
        }
    }
    Ok(result)
}

async fn ilike(pool: &sqlx::PgPool, rounds: usize, limit: usize) -> anyhow::Result<Latencies> {
    let mut l = Latencies::default();
    for round in 0..rounds {
        for q in QUERIES {
            let t = Instant::now();
            let _rows = ilike_query(pool, q, limit).await?;
            l.all.push(t.elapsed());
        }
        for (q, meant) in MISSPELLED {
            let t = Instant::now();
            let rows = ilike_query(pool, q, limit).await?;
            let d = t.elapsed();
            l.all.push(d);
            l.typos.push(d);
            if round == 0 && rows.iter().any(|n| n.to_lowercase().contains(meant)) {
                l.typos_found += 1;
            }
        }
    }
    l.finish();
    Ok(l)
}

/// The official registry's search: a case-insensitive substring of the name (and here the
/// description too), sorted by name.
async fn ilike_query(pool: &sqlx::PgPool, q: &str, limit: usize) -> anyhow::Result<Vec<String>> {
    let pattern = format!("%{q}%");
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT server_name FROM servers WHERE server_name ILIKE $1 OR description ILIKE $1 \
         ORDER BY server_name LIMIT $2",
    )
    .bind(&pattern)
    .bind(limit as i64)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

async fn run(args: Args) -> anyhow::Result<()> {
    let bin = match &args.server_bin {
        Some(b) => b.clone(),
        None => std::env::current_exe()?
            .parent()
            .context("no parent folder")?
            .join("mcp-registry"),
    };
    if !bin.exists() {
        bail!(
            "{} is missing: cargo build --release -p mcp-registry -p mcp-registry-bench",
            bin.display()
        );
    }
    let data = args.workdir.join("data");
    let stamp = args.workdir.join("servers.txt");
    let reusable = args.reuse
        && std::fs::read_to_string(&stamp).is_ok_and(|s| s.trim() == args.servers.to_string());
    if args.reuse && !reusable {
        eprintln!(
            "--reuse: no earlier run with --servers {} in {}; loading from scratch",
            args.servers,
            args.workdir.display()
        );
    }
    if !reusable {
        let _ = std::fs::remove_dir_all(&args.workdir);
    }
    std::fs::create_dir_all(&data)?;
    let mut rows: Vec<(String, String)> = Vec::new();

    // 1. Corpus and load.
    let t = Instant::now();
    let docs = corpus(args.servers)?;
    let corpus_time = t.elapsed();
    eprintln!("corpus: {} servers in {corpus_time:?}", docs.len());
    let config = registry::Config::for_data_dir(&data);
    let db = registry::db::Db::connect(&config.database_url()?).await?;
    db.migrate().await?;
    let index_dir = registry::search::SearchIndex::dir_in(&data);
    let (load_time, build_time, rebuild_time, index) = if reusable {
        let (index, _) = registry::search::SearchIndex::open(&index_dir, &db).await?;
        (None, None, None, index)
    } else {
        let t = Instant::now();
        let bytes = serde_json::to_vec(&docs)?;
        let report = registry::service::import::import_bytes(
            &db,
            &bytes,
            protocol::api::ReleaseOrigin::Import,
        )
        .await?;
        // Popularity: a skewed star count.
        sqlx::query("UPDATE servers SET stars = (id * 7919) % 97 * (id % 13) * (id % 7)")
            .execute(db.pool())
            .await?;
        let load_time = t.elapsed();
        eprintln!("loaded {} releases in {load_time:?}", report.added);

        // 2. Full build, then a rebuild (what `mcp-registry reindex` does).
        let t = Instant::now();
        let (index, _) = registry::search::SearchIndex::open(&index_dir, &db).await?;
        let build_time = t.elapsed();
        let rebuild = index.rebuild(&db, None).await?;
        std::fs::write(&stamp, args.servers.to_string())?;
        (
            Some(load_time),
            Some(build_time),
            Some(rebuild.elapsed),
            index,
        )
    };
    let size = index.size_bytes();
    eprintln!("index: {} docs", index.num_docs());

    // 3. In-process latency over the query set, typo-tolerant queries included.
    let mut inproc = Latencies::default();
    for round in 0..args.rounds {
        for q in QUERIES {
            let t = Instant::now();
            index.search(q, Default::default(), args.limit, None)?;
            inproc.all.push(t.elapsed());
        }
        for (q, meant) in MISSPELLED {
            let t = Instant::now();
            let r = index.search(q, Default::default(), args.limit, None)?;
            let d = t.elapsed();
            inproc.all.push(d);
            inproc.typos.push(d);
            if round == 0 && r.hits.iter().any(|h| h.name.contains(meant)) {
                inproc.typos_found += 1;
            }
        }
    }
    inproc.finish();
    // The slowest queries, for whoever tunes the ranking.
    let mut slowest: Vec<(Duration, &str)> = Vec::new();
    for q in QUERIES
        .iter()
        .copied()
        .chain(MISSPELLED.iter().map(|m| m.0))
    {
        let t = Instant::now();
        for _ in 0..5 {
            index.search(q, Default::default(), args.limit, None)?;
        }
        slowest.push((t.elapsed() / 5, q));
    }
    slowest.sort_by(|a, b| b.cmp(a));
    for (d, q) in slowest.iter().take(8) {
        eprintln!("slow query {q:?}: {}", ms(*d));
    }
    index.close().await;
    db.close().await;

    // 4. Cold start of the real server, then load with wrk.
    let t = Instant::now();
    // The answer cache off first: every request is a search.
    let server = start_server(&bin, &data, args.port, 0)?;
    let cold = wait_serving(args.port, Duration::from_secs(60)).await?;
    let cold_total = t.elapsed();
    let rss_idle = rss_kib(server.0.id());
    let paths: Vec<String> = QUERIES
        .iter()
        .copied()
        .chain(MISSPELLED.iter().map(|m| m.0))
        .map(|q| query_path(q, args.limit))
        .collect();
    // Warm up, then measure.
    let client = reqwest::Client::new();
    for p in &paths {
        client
            .get(format!("http://127.0.0.1:{}{p}", args.port))
            .send()
            .await?
            .error_for_status()?;
    }
    let wrk = run_wrk(&args, &paths)?;
    let rss_loaded = rss_kib(server.0.id());
    drop(server);
    // Then as deployed: the 60 queries repeat, so after the first round they are answered
    // from the answer cache (as popular queries are in production).
    let server = start_server(&bin, &data, args.port, 64)?;
    wait_serving(args.port, Duration::from_secs(60)).await?;
    let wrk_cached = run_wrk(&args, &paths)?;
    let rss_cached = rss_kib(server.0.id());
    drop(server);

    // 5. The official method on PostgreSQL.
    let pg = if args.postgres_url == "none" {
        None
    } else {
        Some(official_method(&args, &docs).await?)
    };

    // 6. The table.
    let mut table = String::new();
    writeln!(
        table,
        "| measurement ({} servers, {} queries incl. {} misspelled, limit {}) | value |",
        docs.len(),
        QUERIES.len() + MISSPELLED.len(),
        MISSPELLED.len(),
        args.limit
    )?;
    table.push_str("|---|---|\n");
    rows.push(("corpus generation".into(), ms(corpus_time)));
    let secs = |d: Option<Duration>| {
        d.map_or("skipped (--reuse)".to_string(), |d| {
            format!("{:.1} s", d.as_secs_f64())
        })
    };
    rows.push(("load into SQLite (import)".into(), secs(load_time)));
    rows.push(("index build on first start".into(), secs(build_time)));
    rows.push(("full rebuild (`reindex`)".into(), secs(rebuild_time)));
    rows.push((
        "index size on disk".into(),
        format!(
            "{:.1} MiB (whole data folder with SQLite: {:.0} MiB)",
            size as f64 / 1048576.0,
            dir_size(&data) as f64 / 1048576.0
        ),
    ));
    rows.push((
        "cold start to first answer (existing index)".into(),
        format!(
            "{} (process start to first 200: {})",
            ms(cold),
            ms(cold_total)
        ),
    ));
    rows.push((
        "server memory (RSS) idle / after load / after load with the answer cache".into(),
        format!(
            "{:.0} MiB / {:.0} MiB / {:.0} MiB",
            rss_idle as f64 / 1024.0,
            rss_loaded as f64 / 1024.0,
            rss_cached as f64 / 1024.0
        ),
    ));
    rows.push((
        "in-process search p50 / p99 (all queries)".into(),
        format!(
            "{} / {}",
            ms(percentile(&inproc.all, 0.5)),
            ms(percentile(&inproc.all, 0.99))
        ),
    ));
    rows.push((
        "in-process search p50 / p99 (misspelled only)".into(),
        format!(
            "{} / {}",
            ms(percentile(&inproc.typos, 0.5)),
            ms(percentile(&inproc.typos, 0.99))
        ),
    ));
    rows.push((
        "misspelled queries found (tantivy)".into(),
        format!("{} of {}", inproc.typos_found, MISSPELLED.len()),
    ));
    for (label, w) in [
        ("answer cache off: every request searched", &wrk),
        ("answer cache on (64 MiB, the default)", &wrk_cached),
    ] {
        rows.push((
            format!(
                "HTTP `/v1/search` under load, {label} (wrk -t{} -c{} -d{}s, loopback)",
                args.wrk_threads, args.wrk_connections, args.wrk_seconds
            ),
            format!(
                "{:.0} requests/s, p50 {}, p99 {} ({} requests, errors: {})",
                w.rps,
                ms(w.p50),
                ms(w.p99),
                w.requests,
                w.errors
            ),
        ));
    }
    if let Some(pg) = &pg {
        for (label, l) in [
            ("without indexes", &pg.plain),
            ("with pg_trgm GIN indexes", &pg.trgm),
        ] {
            rows.push((
                format!("official ILIKE method {label}: p50 / p99 (all queries)"),
                format!(
                    "{} / {}",
                    ms(percentile(&l.all, 0.5)),
                    ms(percentile(&l.all, 0.99))
                ),
            ));
            rows.push((
                format!("official ILIKE method {label}: misspelled found"),
                format!("{} of {}", l.typos_found, MISSPELLED.len()),
            ));
        }
        let ours = percentile(&inproc.all, 0.99);
        let theirs = percentile(&pg.trgm.all, 0.99);
        rows.push((
            "p99 ratio: ILIKE with pg_trgm / tantivy in-process".into(),
            format!(
                "{:.0}x",
                theirs.as_secs_f64() / ours.as_secs_f64().max(1e-9)
            ),
        ));
        let http = wrk.p99;
        rows.push((
            "p99 ratio: ILIKE with pg_trgm (one query, no HTTP) / `/v1/search` under load, cache off"
                .into(),
            format!(
                "{:.1}x",
                theirs.as_secs_f64() / http.as_secs_f64().max(1e-9)
            ),
        ));
    }
    for (k, v) in rows {
        writeln!(table, "| {k} | {v} |")?;
    }
    println!("{table}");
    Ok(())
}

#[derive(Debug)]
struct PgResults {
    plain: Latencies,
    trgm: Latencies,
}

async fn official_method(args: &Args, docs: &[Value]) -> anyhow::Result<PgResults> {
    let mut admin = sqlx::PgConnection::connect(&args.postgres_url).await?;
    sqlx::query("DROP DATABASE IF EXISTS mcp_bench WITH (FORCE)")
        .execute(&mut admin)
        .await?;
    sqlx::query("CREATE DATABASE mcp_bench")
        .execute(&mut admin)
        .await?;
    let mut url = reqwest::Url::parse(&args.postgres_url)?;
    url.set_path("/mcp_bench");
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(2)
        .connect(url.as_str())
        .await?;
    sqlx::query(
        "CREATE TABLE servers (id BIGSERIAL PRIMARY KEY, server_name TEXT NOT NULL, \
         description TEXT NOT NULL)",
    )
    .execute(&pool)
    .await?;
    for chunk in docs.chunks(10_000) {
        let names: Vec<String> = chunk
            .iter()
            .map(|d| d["name"].as_str().unwrap_or("").to_string())
            .collect();
        let descs: Vec<String> = chunk
            .iter()
            .map(|d| d["description"].as_str().unwrap_or("").to_string())
            .collect();
        sqlx::query(
            "INSERT INTO servers (server_name, description) \
             SELECT * FROM UNNEST($1::text[], $2::text[])",
        )
        .bind(&names)
        .bind(&descs)
        .execute(&pool)
        .await?;
    }
    sqlx::query("ANALYZE servers").execute(&pool).await?;
    eprintln!("ILIKE without indexes...");
    let plain = ilike(&pool, args.ilike_rounds, args.limit).await?;
    sqlx::query("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        .execute(&pool)
        .await?;
    sqlx::query("CREATE INDEX servers_name_trgm ON servers USING gin (server_name gin_trgm_ops)")
        .execute(&pool)
        .await?;
    sqlx::query(
        "CREATE INDEX servers_description_trgm ON servers USING gin (description gin_trgm_ops)",
    )
    .execute(&pool)
    .await?;
    sqlx::query("ANALYZE servers").execute(&pool).await?;
    eprintln!("ILIKE with pg_trgm indexes...");
    let trgm = ilike(&pool, args.rounds.min(5), args.limit).await?;
    pool.close().await;
    sqlx::query("DROP DATABASE IF EXISTS mcp_bench WITH (FORCE)")
        .execute(&mut admin)
        .await?;
    Ok(PgResults { plain, trgm })
}
