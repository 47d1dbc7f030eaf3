//! `mcp-registry crawl`, `mcp-registry mirror` and the periodic crawl of `serve`.

use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use indexer::{CrawlOptions, CrawlProgress, GithubConfig};
use registry::{AppState, Config};

/// `crawl`'s flags.
#[derive(Debug, Clone, Args)]
pub(crate) struct CrawlArgs {
    /// Also mirror this upstream registry (one speaking the official MCP registry API).
    #[arg(long, value_name = "URL")]
    pub(crate) upstream: Option<String>,
    /// Repositories read at the same time.
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub(crate) concurrency: usize,
    /// Results GitHub returns per query at most (its search cap; for tests and GHE).
    #[arg(long, value_name = "N", default_value_t = indexer::crawl::GITHUB_SEARCH_CAP, hide = true)]
    pub(crate) search_cap: u64,
    /// Print the summary as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

/// `serve`'s background jobs.
#[derive(Debug, Clone, Args)]
pub(crate) struct PeriodicArgs {
    /// Crawl GitHub every SECS seconds while serving (off unless set).
    #[arg(long, env = "MCP_REGISTRY_CRAWL_INTERVAL", value_name = "SECS")]
    pub(crate) crawl_interval: Option<u64>,
    /// Mirror this upstream registry at each crawl interval (every hour when no interval is set).
    #[arg(long, env = "MCP_REGISTRY_MIRROR_URL", value_name = "URL")]
    pub(crate) mirror_url: Option<String>,
}

/// The token: `--github-token` / `MCP_REGISTRY_GITHUB_TOKEN`, else `GITHUB_TOKEN`.
fn github_config(config: &Config) -> GithubConfig {
    let token = config
        .github_token
        .clone()
        .or_else(|| std::env::var("GITHUB_TOKEN").ok());
    GithubConfig::new(&config.github_api_url, token)
}

pub(crate) async fn crawl(config: &Config, args: CrawlArgs) -> anyhow::Result<()> {
    let state = registry::open(config, false).await?;
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} crawling GitHub: {msg} [{elapsed_precise}]",
        )
        .map_err(|e| anyhow::anyhow!("progress bar: {e}"))?,
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    let progress_bar = bar.clone();
    let progress: Arc<dyn Fn(CrawlProgress) + Send + Sync> = Arc::new(move |p: CrawlProgress| {
        progress_bar.set_message(format!(
            "{} pages, {} repositories, {} read, {} skipped, {} requests",
            p.pages, p.repositories, p.read, p.skipped, p.requests
        ));
    });
    let options = CrawlOptions {
        concurrency: args.concurrency.max(1),
        search_cap: args.search_cap,
        ..CrawlOptions::default()
    };
    let summary = tokio::select! {
        r = registry::service::crawl::crawl_github(&state.db, github_config(config), options, Some(progress)) => r?,
        () = ctrl_c() => {
            bar.finish_and_clear();
            state.db.close().await;
            anyhow::bail!("interrupted; run `mcp-registry crawl` again to resume where it stopped");
        }
    };
    bar.finish_and_clear();
    let mirror = match &args.upstream {
        Some(url) => Some(registry::service::crawl::mirror(&state.db, url).await?),
        None => None,
    };
    state.db.close().await;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({"github": summary, "mirror": mirror})
            )?
        );
        return Ok(());
    }
    let r = &summary.requests;
    println!(
        "crawl {}{}: {} repositories ({} read, {} with new metadata only), {} files skipped",
        summary.run,
        if summary.resumed { " (resumed)" } else { "" },
        summary.repositories,
        summary.read,
        summary.metadata_only,
        summary.problems
    );
    println!(
        "  {} search ranges ({} pages fetched, {} unchanged, {} done before the interruption)",
        summary.ranges, summary.pages_fetched, summary.pages_not_modified, summary.pages_resumed
    );
    println!(
        "  {} requests ({} conditional, {} answered 304), {} rate-limit waits, {} secondary-limit waits, {} retries",
        r.requests, r.conditional, r.not_modified, r.rate_limit_waits, r.secondary_waits, r.retries
    );
    if summary.skipped > 0 || summary.retried > 0 {
        println!(
            "  {} search results or repositories skipped, {} skipped earlier now recorded; \
             {} repositories wait on the retry list",
            summary.skipped, summary.retried, summary.retry_pending
        );
        for s in &summary.skips {
            println!(
                "    {}: {}",
                s.repository.as_deref().unwrap_or("(unnamed result)"),
                s.reason
            );
        }
        if summary.skipped > summary.skips.len() as u64 {
            println!(
                "    ... and {} more (see the log)",
                summary.skipped - summary.skips.len() as u64
            );
        }
        if summary.skipped > 0 {
            println!(
                "  skipped ones are retried by the next `mcp-registry crawl`, even where GitHub \
                 reports no change"
            );
        }
    }
    if summary.truncated_ranges > 0 {
        println!(
            "  {} ranges had more results than GitHub returns in one day: some repositories may be missing",
            summary.truncated_ranges
        );
    }
    if let Some(m) = mirror {
        println!(
            "mirrored {} releases in {} pages{}",
            m.servers,
            m.pages,
            if m.resumed { " (resumed)" } else { "" }
        );
    }
    Ok(())
}

pub(crate) async fn mirror(config: &Config, url: &str, json: bool) -> anyhow::Result<()> {
    let state = registry::open(config, false).await?;
    let summary = registry::service::crawl::mirror(&state.db, url).await?;
    state.db.close().await;
    if json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        println!(
            "mirrored {} releases from {url} in {} pages{}",
            summary.servers,
            summary.pages,
            if summary.resumed { " (resumed)" } else { "" }
        );
    }
    Ok(())
}

/// Starts the periodic crawl and mirror of `serve`, when configured.
pub(crate) fn spawn_periodic(config: &Config, state: &AppState, args: PeriodicArgs) {
    if args.crawl_interval.is_none() && args.mirror_url.is_none() {
        return;
    }
    let every = Duration::from_secs(args.crawl_interval.unwrap_or(3600).max(60));
    let db = state.db.clone();
    let github = args.crawl_interval.map(|_| github_config(config));
    tokio::spawn(async move {
        loop {
            if let Some(gh) = &github {
                match registry::service::crawl::crawl_github(
                    &db,
                    gh.clone(),
                    CrawlOptions::default(),
                    None,
                )
                .await
                {
                    Ok(s) => tracing::info!(
                        repositories = s.repositories,
                        read = s.read,
                        skipped = s.skipped,
                        retried = s.retried,
                        requests = s.requests.requests,
                        not_modified = s.requests.not_modified,
                        "crawled GitHub"
                    ),
                    Err(e) => tracing::warn!("the GitHub crawl failed (it resumes next time): {e}"),
                }
            }
            if let Some(url) = &args.mirror_url {
                match registry::service::crawl::mirror(&db, url).await {
                    Ok(s) => {
                        tracing::info!(servers = s.servers, %url, "mirrored the upstream registry")
                    }
                    Err(e) => tracing::warn!(%url, "mirroring failed: {e}"),
                }
            }
            tokio::time::sleep(every).await;
        }
    });
}

async fn ctrl_c() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}
