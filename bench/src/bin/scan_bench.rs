//! How long the tool-poisoning scanner (`protocol::scan::scan_tool`) takes per tool definition,
//! over 1,000 scans of real tools: the tools/list captures of real servers in
//! protocol/tests/corpus/benign, the tools of the Damn Vulnerable MCP Server
//! (protocol/tests/data/scan/dvmcp.jsonl) and the real tool lists of the reference servers and
//! github-mcp-server (protocol/tests/data/scan/real-benign.jsonl), repeated in order until the
//! count is reached.
//!
//! ```sh
//! cargo run --release -p mcp-registry-bench --bin scan_bench -- [COUNT] [ROUNDS]
//! ```
//!
//! Each scan is timed alone; the table gives p50, p99 and the slowest over every round.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use serde_json::Value;

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(1_000);
    let rounds: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(5);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let tools = real_tools(&root)?;
    ensure!(!tools.is_empty(), "no tools found under {}", root.display());

    let mut times = Vec::with_capacity(count * rounds);
    let mut findings = 0usize;
    let start = Instant::now();
    for _ in 0..rounds {
        for tool in tools.iter().cycle().take(count) {
            let t = Instant::now();
            findings += std::hint::black_box(protocol::scan::scan_tool(tool)).len();
            times.push(t.elapsed());
        }
    }
    let total = start.elapsed();
    times.sort();
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "\n{} distinct real tools, {count} scans per round, {rounds} rounds ({findings} findings)\n",
        tools.len()
    );
    println!("| scans | p50 per tool | p99 per tool | slowest | tools/s |");
    println!("|---:|---:|---:|---:|---:|");
    println!(
        "| {} | {:.1} µs | {:.1} µs | {:.1} µs | {:.0} |",
        times.len(),
        us(bench::percentile(&times, 0.50)),
        us(bench::percentile(&times, 0.99)),
        us(times.last().copied().unwrap_or_default()),
        times.len() as f64 / total.as_secs_f64()
    );
    Ok(())
}

/// The real tool definitions in the repository's scan corpora.
fn real_tools(root: &Path) -> Result<Vec<Value>> {
    let mut tools = Vec::new();
    let captures = root.join("protocol/tests/corpus/benign");
    let mut files: Vec<_> = std::fs::read_dir(&captures)
        .with_context(|| format!("reading {}", captures.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    for file in files {
        let doc: Value = serde_json::from_slice(&std::fs::read(&file)?)
            .with_context(|| format!("parsing {}", file.display()))?;
        if let Some(list) = doc["tools"].as_array() {
            tools.extend(list.iter().cloned());
        }
    }
    // The real tool lists of the scan corpus: DVMCP, the reference servers' tools/list and
    // github-mcp-server's tools.
    for name in ["dvmcp.jsonl", "real-benign.jsonl"] {
        let path = root.join("protocol/tests/data/scan").join(name);
        for line in std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?
            .lines()
            .filter(|l| !l.trim().is_empty())
        {
            let entry: Value = serde_json::from_str(line)
                .with_context(|| format!("parsing a line of {}", path.display()))?;
            tools.push(entry["tool"].clone());
        }
    }
    Ok(tools)
}
