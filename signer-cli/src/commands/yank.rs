//! `yank` and `unyank`: statements signed by a key of the server's namespace.

use anyhow::Result;
use protocol::api::{ReleaseInfo, YankRequest};
use serde_json::json;

use super::registry_client::{
    RegistryClient, now_secs, sign_statement, split_release, verdict_line,
};
use super::signing::load_secret_key;
use crate::cli::{ReleaseStatementArgs, YankArgs};
use crate::output::Output;

pub(crate) fn yank(args: YankArgs, out: &Output) -> Result<()> {
    let reason = args.reason.as_deref().filter(|r| !r.is_empty());
    let release = modify(&args.target, reason, true)?;
    let human = format!(
        "Yanked {}@{}\n  {}\n",
        release.name,
        release.version,
        verdict_line(&release.trust)
    );
    out.result(&human, json!({"ok": true, "release": release}));
    Ok(())
}

pub(crate) fn unyank(args: ReleaseStatementArgs, out: &Output) -> Result<()> {
    let release = modify(&args, None, false)?;
    let human = format!(
        "Un-yanked {}@{}\n  {}\n",
        release.name,
        release.version,
        verdict_line(&release.trust)
    );
    out.result(&human, json!({"ok": true, "release": release}));
    Ok(())
}

/// Signs the statement and sends it: `POST /v1/yank` or `/v1/unyank`.
fn modify(target: &ReleaseStatementArgs, reason: Option<&str>, yank: bool) -> Result<ReleaseInfo> {
    let (name, version) = split_release(&target.release)?;
    let client = RegistryClient::new(&target.registry.registry)?;
    let secret = load_secret_key(&target.secret_key)?;
    let mut req = YankRequest {
        name: name.to_string(),
        version: version.to_string(),
        reason: reason.map(str::to_string),
        issued_at: now_secs(),
        signature: String::new(),
    };
    req.signature = sign_statement(&secret, &req.statement(yank))?.to_file_string();
    client.post(if yank { "/v1/yank" } else { "/v1/unyank" }, &req)
}
