//! What `mcp-sign run` adds to an MCP stdio session: the round-trip latency of a `tools/call`
//! (p50/p99) and the messages per second through it, against the same server spoken to
//! directly.
//!
//! ```sh
//! cargo build --release -p mcp-sign -p mcp-registry-bench
//! target/release/stdio_proxy_bench [--round-trips N] [--calls N] [--window N]
//! ```
//!
//! Both columns talk to `mcp_echo_server` (built beside this bench) with the same client: one
//! request at a time for latency, then `--calls` requests kept `--window` deep in flight for
//! throughput. The gateway runs with no registry (the verdict before start is not timed here,
//! only the relay), a fresh pins file in a temporary folder, and its usual checks on every
//! `tools/call`: the tool's pin, its scan and the policy.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use clap::Parser;
use serde_json::{Value, json};

#[derive(Parser)]
#[command(about = "Latency and throughput that `mcp-sign run` adds to an MCP stdio session")]
struct Args {
    /// Sequential tools/call round trips timed for latency (after 1,000 untimed ones).
    #[arg(long, default_value_t = 20_000)]
    round_trips: usize,
    /// tools/call requests sent for throughput.
    #[arg(long, default_value_t = 200_000)]
    calls: usize,
    /// How many throughput requests are in flight at once.
    #[arg(long, default_value_t = 64)]
    window: usize,
    /// The mcp-sign binary [default: beside this bench].
    #[arg(long, value_name = "FILE")]
    mcp_sign: Option<PathBuf>,
    /// The MCP server [default: mcp_echo_server beside this bench].
    #[arg(long, value_name = "FILE")]
    server: Option<PathBuf>,
}

struct Measured {
    p50: Duration,
    p99: Duration,
    round_trips_per_sec: f64,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let here = std::env::current_exe()?
        .parent()
        .context("the bench's own folder")?
        .to_path_buf();
    let mcp_sign = args
        .mcp_sign
        .clone()
        .unwrap_or_else(|| here.join("mcp-sign"));
    let server = args
        .server
        .clone()
        .unwrap_or_else(|| here.join("mcp_echo_server"));
    for bin in [&mcp_sign, &server] {
        ensure!(
            bin.is_file(),
            "{} not found: build it first (cargo build --release -p mcp-sign -p mcp-registry-bench) or pass its path",
            bin.display()
        );
    }
    let work = tempfile::tempdir()?;

    let mut direct = Command::new(&server);
    let direct = measure(&mut direct, &args, work.path(), "direct")?;

    let mut gateway = Command::new(&mcp_sign);
    gateway
        .args(["run", "--name", "bench-echo", "--pins"])
        .arg(work.path().join("pins.json"))
        .arg("--audit-log")
        .arg(work.path().join("audit.jsonl"))
        .arg("--")
        .arg(&server)
        .env("XDG_STATE_HOME", work.path().join("state"))
        .env("XDG_CONFIG_HOME", work.path().join("config"))
        .env_remove("MCP_SIGN_REGISTRY");
    let proxied = measure(&mut gateway, &args, work.path(), "gateway")?;

    println!(
        "\n{} sequential round trips; {} calls {} in flight (a round trip is 2 messages)\n",
        args.round_trips, args.calls, args.window
    );
    println!("| path | p50 | p99 | round trips/s | messages/s |");
    println!("|---|---:|---:|---:|---:|");
    for (name, m) in [("direct", &direct), ("mcp-sign run", &proxied)] {
        println!(
            "| {name} | {:.1} µs | {:.1} µs | {:.0} | {:.0} |",
            micros(m.p50),
            micros(m.p99),
            m.round_trips_per_sec,
            2.0 * m.round_trips_per_sec
        );
    }
    println!(
        "| added by run | {:+.1} µs | {:+.1} µs | | |",
        micros(proxied.p50) - micros(direct.p50),
        micros(proxied.p99) - micros(direct.p99)
    );
    Ok(())
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// Start the command, shake hands, then time it.
fn measure(command: &mut Command, args: &Args, work: &Path, label: &str) -> Result<Measured> {
    let stderr = std::fs::File::create(work.join(format!("{label}.stderr")))?;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .with_context(|| format!("starting {label}"))?;
    let result = session(&mut child, args);
    drop(child.stdin.take());
    let _ = child.wait();
    result.with_context(|| {
        let log = std::fs::read_to_string(work.join(format!("{label}.stderr"))).unwrap_or_default();
        format!("{label} failed; its stderr:\n{log}")
    })
}

fn session(child: &mut Child, args: &Args) -> Result<Measured> {
    let mut input = BufWriter::new(child.stdin.take().context("stdin")?);
    let mut output = BufReader::new(child.stdout.take().context("stdout")?);

    let init = call(
        &mut input,
        &mut output,
        &request(
            0,
            "initialize",
            json!({
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "stdio_proxy_bench", "version": "1.0.0"},
            }),
        ),
    )?;
    ensure!(init.get("result").is_some(), "initialize failed: {init}");
    send(
        &mut input,
        &json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
    )?;
    input.flush()?;
    let tools = call(
        &mut input,
        &mut output,
        &request(1, "tools/list", json!({})),
    )?;
    ensure!(
        tools["result"]["tools"][0]["name"] == "echo",
        "the echo tool is not listed: {tools}"
    );

    let mut next_id = 2u64;
    for _ in 0..1_000 {
        echo(&mut input, &mut output, next_id)?;
        next_id += 1;
    }
    let mut times = Vec::with_capacity(args.round_trips);
    for _ in 0..args.round_trips {
        let start = Instant::now();
        echo(&mut input, &mut output, next_id)?;
        times.push(start.elapsed());
        next_id += 1;
    }
    times.sort();

    let round_trips_per_sec = throughput(input, output, next_id, args)?;
    Ok(Measured {
        p50: bench::percentile(&times, 0.50),
        p99: bench::percentile(&times, 0.99),
        round_trips_per_sec,
    })
}

/// `calls` requests from one thread, their answers read on this one, at most `window` apart.
fn throughput(
    mut input: BufWriter<ChildStdin>,
    mut output: BufReader<ChildStdout>,
    first_id: u64,
    args: &Args,
) -> Result<f64> {
    let (slots, freed) = mpsc::sync_channel::<()>(args.window.max(1));
    let calls = args.calls;
    let start = Instant::now();
    let writer = thread::spawn(move || -> Result<()> {
        for i in 0..calls as u64 {
            if slots.try_send(()).is_err() {
                // The window is full: let the answers come, then wait for a free slot.
                input.flush()?;
                slots.send(()).context("the reader stopped")?;
            }
            send(&mut input, &echo_request(first_id + i))?;
        }
        input.flush()?;
        Ok(())
    });
    let mut line = Vec::new();
    for i in 0..calls as u64 {
        line.clear();
        if output.read_until(b'\n', &mut line)? == 0 {
            bail!("the server closed its output after {i} answers");
        }
        let _ = freed.recv();
        if i == 0 || i + 1 == calls as u64 {
            let answer: Value = serde_json::from_slice(&line)?;
            ensure!(
                answer["id"] == first_id + i,
                "answers out of order: {answer}"
            );
        }
    }
    let secs = start.elapsed().as_secs_f64();
    writer
        .join()
        .map_err(|_| anyhow::anyhow!("the writer panicked"))??;
    Ok(calls as f64 / secs)
}

fn request(id: u64, method: &str, params: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
}

fn echo_request(id: u64) -> Value {
    request(
        id,
        "tools/call",
        json!({"name": "echo", "arguments": {"text": "hello from the bench"}}),
    )
}

fn echo(input: &mut impl Write, output: &mut impl BufRead, id: u64) -> Result<()> {
    let answer = call(input, output, &echo_request(id))?;
    ensure!(
        answer["id"] == id && answer["result"]["content"][0]["text"] == "hello from the bench",
        "unexpected answer: {answer}"
    );
    Ok(())
}

fn send(input: &mut impl Write, message: &Value) -> Result<()> {
    serde_json::to_writer(&mut *input, message)?;
    input.write_all(b"\n")?;
    Ok(())
}

fn call(input: &mut impl Write, output: &mut impl BufRead, message: &Value) -> Result<Value> {
    send(input, message)?;
    input.flush()?;
    let mut line = Vec::new();
    if output.read_until(b'\n', &mut line)? == 0 {
        bail!("the server closed its output");
    }
    Ok(serde_json::from_slice(&line)?)
}
