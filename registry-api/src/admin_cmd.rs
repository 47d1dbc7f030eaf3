//! `mcp-registry admin ...` (operator statements) and `mcp-registry verify-artifacts`.

use std::path::PathBuf;

use anyhow::{Context, anyhow};
use clap::{Args, Subcommand};
use protocol::SecretKey;
use protocol::api::OperatorAction;
use protocol::minisign::TrustedComment;
use registry::Config;
use registry::db::Db;
use registry::service::log::Log;
use registry::service::operator::{self, OperatorStatement, Subject};
use serde_json::json;
use zeroize::Zeroizing;

#[derive(Debug, Args)]
pub(crate) struct AdminArgs {
    #[command(subcommand)]
    pub(crate) action: AdminAction,

    /// The operator's minisign secret key. Its password comes from
    /// MCP_REGISTRY_OPERATOR_PASSWORD or is asked on the terminal (unencrypted keys need none).
    /// Its public key must be one of --operator-public-key.
    #[arg(
        long,
        global = true,
        env = "MCP_REGISTRY_OPERATOR_KEY_FILE",
        value_name = "PATH"
    )]
    pub(crate) operator_key_file: Option<PathBuf>,

    /// Print the result as JSON.
    #[arg(long, global = true)]
    pub(crate) json: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum AdminAction {
    /// Vet a namespace's publisher: its verified releases become `official`.
    Official {
        /// e.g. io.github.owner or com.example
        #[arg(value_name = "NAMESPACE")]
        namespace: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Withdraw `official` from a namespace.
    Unofficial {
        #[arg(value_name = "NAMESPACE")]
        namespace: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Flag a server (every release) or one release as malicious; the reason is shown in every
    /// verdict.
    Flag {
        #[arg(value_name = "NAME[@VERSION]")]
        subject: String,
        #[arg(long)]
        reason: String,
    },
    /// Withdraw a flag.
    Unflag {
        #[arg(value_name = "NAME[@VERSION]")]
        subject: String,
        #[arg(long)]
        reason: Option<String>,
    },
}

fn load_key(path: &PathBuf) -> anyhow::Result<SecretKey> {
    let text = Zeroizing::new(
        std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the operator key {}", path.display()))?,
    );
    let context = || format!("cannot use the operator key {}", path.display());
    let password = if SecretKey::is_encrypted(&text).with_context(context)? {
        Some(Zeroizing::new(
            match std::env::var("MCP_REGISTRY_OPERATOR_PASSWORD") {
                Ok(p) => p,
                Err(_) => rpassword::prompt_password(format!("password for {}: ", path.display()))
                    .context("cannot read the password (set MCP_REGISTRY_OPERATOR_PASSWORD)")?,
            },
        ))
    } else {
        None
    };
    SecretKey::from_file_str(&text, password.as_ref().map(|p| p.as_str())).with_context(context)
}

/// Opens the database and the log key only: admin statements work beside a running `serve`
/// (the search triggers carry the change to it).
async fn open_db(config: &Config) -> anyhow::Result<(Db, Log)> {
    let db = Db::connect(&config.database_url()?).await?;
    db.migrate().await?;
    let log = Log::open(&config.log_key_path(), &config.log_origin)?;
    Ok((db, log))
}

pub(crate) async fn admin(config: &Config, args: AdminArgs) -> anyhow::Result<()> {
    let (action, subject, reason) = match args.action {
        AdminAction::Official { namespace, reason } => {
            (OperatorAction::Official, namespace, reason)
        }
        AdminAction::Unofficial { namespace, reason } => {
            (OperatorAction::Unofficial, namespace, reason)
        }
        AdminAction::Flag { subject, reason } => (OperatorAction::Flag, subject, Some(reason)),
        AdminAction::Unflag { subject, reason } => (OperatorAction::Unflag, subject, reason),
    };
    let keys = config.operator_keys()?;
    if keys.is_empty() {
        return Err(anyhow!(
            "no operator public key is configured: pass --operator-public-key KEY (or set \
             MCP_REGISTRY_OPERATOR_PUBLIC_KEYS) with the public key of --operator-key-file"
        ));
    }
    let key_file = args.operator_key_file.ok_or_else(|| {
        anyhow!("pass --operator-key-file PATH (or MCP_REGISTRY_OPERATOR_KEY_FILE): the operator's secret key")
    })?;
    let key = load_key(&key_file)?;
    let (db, log) = open_db(config).await?;
    // Signed by the registry's clock, the one `operator::apply` checks freshness against.
    let issued_at = db.clock().now_secs();
    let text = OperatorStatement::text(action, &subject, reason.as_deref(), issued_at)?;
    let signature = key
        .sign(
            text.as_bytes(),
            &TrustedComment::operator(u64::try_from(issued_at).unwrap_or(0), action, &subject)
                .to_string(),
        )
        .map_err(|e| anyhow!("cannot sign the statement: {e}"))?;
    let st = OperatorStatement {
        action,
        subject: subject.clone(),
        reason,
        issued_at,
        signature: signature.to_file_string(),
    };
    let result = operator::apply(&db, &log, &keys, &st).await;
    db.close().await;
    let applied = result?;
    let what = match &applied.subject {
        Subject::Namespace(ns) => format!("namespace {ns}"),
        Subject::Server(n) => format!("server {n} (every release)"),
        Subject::Release(n, v) => format!("release {n}@{v}"),
    };
    if args.json {
        println!(
            "{}",
            json!({
                "ok": true,
                "action": action.as_str(),
                "subject": subject,
                "keyId": applied.key_id,
                "logIndex": applied.log_index,
                "changed": applied.changed,
            })
        );
    } else {
        let note = if applied.changed {
            ""
        } else {
            " (it was not so before; nothing changed)"
        };
        println!(
            "{action}: {what}, signed by operator key {}, log entry {}{note}",
            applied.key_id, applied.log_index
        );
    }
    Ok(())
}

/// `mcp-registry verify-artifacts`: runs the artifact checks that are due once, with progress.
pub(crate) async fn verify_artifacts(config: &Config, json: bool) -> anyhow::Result<()> {
    let (db, log) = open_db(config).await?;
    let checker = registry::artifacts::Checker::new(&config.artifacts)?;
    let bar = indicatif::ProgressBar::new(0);
    if !json {
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} checking [{bar:40}] {pos}/{len} {msg}",
            )
            .map_err(|e| anyhow!("progress bar: {e}"))?
            .progress_chars("=> "),
        );
    } else {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let report = registry::artifacts::run_due(&db, &log, &checker, &|done, total, release| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        bar.set_message(release.to_string());
    })
    .await;
    bar.finish_and_clear();
    db.close().await;
    let r = report?;
    if json {
        println!(
            "{}",
            json!({
                "checked": r.checked,
                "verified": r.verified,
                "downgraded": r.downgraded,
                "pending": r.pending,
                "problems": r.problems,
                "provenanceChecked": r.provenance_checked,
                "attested": r.attested,
                "attestationsLost": r.attestations_lost,
            })
        );
    } else {
        println!(
            "checked {} releases: {} verified, {} with problems, {} pending (temporary \
             failures, retried later), {} downgraded",
            r.checked, r.verified, r.problems, r.pending, r.downgraded
        );
        println!(
            "checked the build provenance of {} releases: {} attested, {} lost it",
            r.provenance_checked, r.attested, r.attestations_lost
        );
    }
    Ok(())
}
