//! `deprecate` and `undeprecate`: statements signed by a key of the server's namespace. A
//! deprecated release stays installable and keeps its trust level; the registry shows the
//! message to its users and the official status `deprecated`.

use anyhow::{Result, anyhow};
use protocol::api::{DeprecateRequest, ReleaseInfo, check_status_message};
use serde_json::json;

use super::registry_client::{
    RegistryClient, now_secs, sign_statement, split_release, verdict_line,
};
use super::signing::load_secret_key;
use crate::cli::{DeprecateArgs, ReleaseStatementArgs};
use crate::output::Output;

pub(crate) fn deprecate(args: DeprecateArgs, out: &Output) -> Result<()> {
    let message = args.message.as_deref().filter(|m| !m.is_empty());
    // Before the key's password prompt: a message the registry would refuse.
    if let Some(m) = message {
        check_status_message(m).map_err(|e| anyhow!("--message: {e}"))?;
    }
    let release = modify(&args.target, message, true)?;
    let (name, version) = (&release.name, &release.version);
    let human = format!(
        "Deprecated {name}@{version}{}\n  {}\n",
        message.map(|m| format!(": {m}")).unwrap_or_default(),
        verdict_line(&release.trust)
    );
    out.result(&human, json!({"ok": true, "release": release}));
    Ok(())
}

pub(crate) fn undeprecate(args: ReleaseStatementArgs, out: &Output) -> Result<()> {
    let release = modify(&args, None, false)?;
    let human = format!(
        "Un-deprecated {}@{}\n  {}\n",
        release.name,
        release.version,
        verdict_line(&release.trust)
    );
    out.result(&human, json!({"ok": true, "release": release}));
    Ok(())
}

/// Signs the statement and sends it: `POST /v1/deprecate` or `/v1/undeprecate`.
fn modify(
    target: &ReleaseStatementArgs,
    message: Option<&str>,
    deprecate: bool,
) -> Result<ReleaseInfo> {
    let (name, version) = split_release(&target.release)?;
    let client = RegistryClient::new(&target.registry.registry)?;
    let secret = load_secret_key(&target.secret_key)?;
    let mut req = DeprecateRequest {
        name: name.to_string(),
        version: version.to_string(),
        message: message.map(str::to_string),
        issued_at: now_secs(),
        signature: String::new(),
    };
    req.signature = sign_statement(&secret, &req.statement(deprecate))?.to_file_string();
    let path = if deprecate {
        "/v1/deprecate"
    } else {
        "/v1/undeprecate"
    };
    client.post(path, &req)
}
