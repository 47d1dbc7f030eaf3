//! `mcp-registry`: the MCP Trust Registry server.

mod admin_cmd;
mod crawl_cmd;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use protocol::api::ReleaseOrigin;
use registry::Config;
use tracing_subscriber::EnvFilter;

/// The MCP Trust Registry server: signed releases, namespace proofs, trust verdicts, and the
/// official MCP registry's read API.
///
/// With no configuration it keeps a SQLite database in ./data and loads the seed data set, so
/// `mcp-registry serve` is all it takes. Every flag can also be set with the environment
/// variable shown. Logging follows RUST_LOG (default: info).
#[derive(Debug, Parser)]
#[command(name = "mcp-registry", version, max_term_width = 100)]
struct Cli {
    #[command(flatten)]
    config: Config,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create or migrate the database, load the seed data set (once), and serve the API.
    Serve {
        /// Address to listen on.
        #[arg(
            long,
            env = "MCP_REGISTRY_LISTEN",
            value_name = "ADDR",
            default_value = "127.0.0.1:8080"
        )]
        listen: SocketAddr,
        /// Do not load the embedded seed data set.
        #[arg(long, env = "MCP_REGISTRY_NO_SEED")]
        no_seed: bool,
        #[command(flatten)]
        periodic: crawl_cmd::PeriodicArgs,
    },
    /// Crawl GitHub for MCP servers once, with a progress bar and a summary: new and pushed
    /// repositories become `listed` servers (signed releases are never replaced). An
    /// interrupted crawl resumes where it stopped. Token: --github-token or GITHUB_TOKEN.
    Crawl(crawl_cmd::CrawlArgs),
    /// Mirror a registry that speaks the official MCP registry API (`/v0.1/servers`): its
    /// releases become `listed` ones here; later runs fetch only what changed.
    Mirror {
        /// The upstream registry's URL.
        #[arg(value_name = "URL")]
        url: String,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Create or migrate the database, then exit.
    Migrate,
    /// Rebuild the search index from the database, showing progress. Stop `serve` on this data
    /// folder first; a server also rebuilds by itself when its index is missing or outdated.
    Reindex,
    /// Load a server.json file, or a JSON array of them, as listed (unsigned) releases.
    /// Idempotent: releases that exist are left as they are.
    Import {
        /// The file to load.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Operator statements, signed with the operator key and logged: vet a namespace
    /// (`official`) or flag a server or release as malicious. Works beside a running server.
    Admin(admin_cmd::AdminArgs),
    /// Run the artifact checks that are due (first checks of signed releases, re-checks,
    /// retries) once, with progress, and exit. `serve` runs them by itself.
    VerifyArtifacts {
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        // Colour codes only for a terminal: logs piped to a file or journald stay plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve {
            listen,
            no_seed,
            periodic,
        } => {
            let state = registry::open(&cli.config, !no_seed).await?;
            crawl_cmd::spawn_periodic(&cli.config, &state, periodic);
            // Artifact checks: new signed releases are picked up within seconds of publishing.
            registry::artifacts::spawn_scheduler(
                state.db.clone(),
                state.log.clone(),
                state.artifacts.clone(),
                std::time::Duration::from_secs(2),
            );
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .map_err(|e| anyhow::anyhow!("cannot listen on {listen}: {e}"))?;
            let addr = listener.local_addr()?;
            println!("log verifier key: {}", state.log.verifier_key());
            tracing::info!(
                origin = %state.log.origin(),
                key = %state.log.verifier_key(),
                "transparency log (pin this key: mcp-sign check --registry-key KEY)"
            );
            tracing::info!("serving on http://{addr} (try http://{addr}/v0.1/servers)");
            registry::serve(listener, state, shutdown_signal()).await?;
        }
        Command::Reindex => {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} indexing [{bar:40}] {pos}/{len} servers ({per_sec}, {eta} left)",
                )
                .map_err(|e| anyhow::anyhow!("progress bar: {e}"))?
                .progress_chars("=> "),
            );
            let report = registry::reindex(&cli.config, &|done, total| {
                bar.set_length(total);
                bar.set_position(done);
            })
            .await?;
            bar.finish_and_clear();
            println!(
                "indexed {} servers in {:.1} s",
                report.servers,
                report.elapsed.as_secs_f64()
            );
        }
        Command::Crawl(args) => crawl_cmd::crawl(&cli.config, args).await?,
        Command::Admin(args) => admin_cmd::admin(&cli.config, args).await?,
        Command::VerifyArtifacts { json } => {
            admin_cmd::verify_artifacts(&cli.config, json).await?;
        }
        Command::Mirror { url, json } => crawl_cmd::mirror(&cli.config, &url, json).await?,
        Command::Migrate => {
            let state = registry::open(&cli.config, false).await?;
            state.db.close().await;
            println!("the database is up to date");
        }
        Command::Import { file } => {
            let bytes = std::fs::read(&file)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let state = registry::open(&cli.config, false).await?;
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} importing [{bar:40}] {pos}/{len} releases ({per_sec}, {eta} left)",
                )
                .map_err(|e| anyhow::anyhow!("progress bar: {e}"))?
                .progress_chars("=> "),
            );
            let report = registry::service::import::import_with_progress(
                &state.db,
                &bytes,
                ReleaseOrigin::Import,
                &|done, total| {
                    bar.set_length(total);
                    bar.set_position(done);
                },
            )
            .await;
            bar.finish_and_clear();
            state.db.close().await;
            let report = report?;
            println!(
                "imported {}: {} added, {} already there",
                file.display(),
                report.added,
                report.unchanged
            );
            for c in &report.conflicting {
                println!(
                    "  kept {c}: a different release with this version exists (releases are immutable)"
                );
            }
        }
    }
    Ok(())
}

/// Ctrl-C or SIGTERM: finish in-flight requests, then stop.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down");
}
