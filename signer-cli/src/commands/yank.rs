//! `yank` and `unyank`: statements signed by a key of the server's namespace.

use anyhow::Result;
use protocol::api::{ReleaseInfo, Statement, YankRequest};
use serde_json::json;

use super::registry_client::{
    RegistryClient, now_secs, sign_statement, split_release, verdict_line,
};
use super::signing::load_secret_key;
use crate::cli::{UnyankArgs, YankArgs};
use crate::output::Output;

pub(crate) fn yank(args: YankArgs, out: &Output) -> Result<()> {
    let (name, version) = split_release(&args.release)?;
    let client = RegistryClient::new(&args.registry.registry)?;
    let secret = load_secret_key(&args.secret_key)?;
    let issued_at = now_secs();
    let reason = args.reason.as_deref().filter(|r| !r.is_empty());
    let signature = sign_statement(
        &secret,
        &Statement::Yank {
            name,
            version,
            reason,
            issued_at,
        },
    )?;
    let req = YankRequest {
        name: name.to_string(),
        version: version.to_string(),
        reason: reason.map(str::to_string),
        issued_at,
        signature: signature.to_file_string(),
    };
    let release: ReleaseInfo = client.post("/v1/yank", &req)?;
    let human = format!(
        "Yanked {name}@{version}\n  {}\n",
        verdict_line(&release.trust)
    );
    out.result(&human, json!({"ok": true, "release": release}));
    Ok(())
}

pub(crate) fn unyank(args: UnyankArgs, out: &Output) -> Result<()> {
    let (name, version) = split_release(&args.release)?;
    let client = RegistryClient::new(&args.registry.registry)?;
    let secret = load_secret_key(&args.secret_key)?;
    let issued_at = now_secs();
    let signature = sign_statement(
        &secret,
        &Statement::Unyank {
            name,
            version,
            issued_at,
        },
    )?;
    let req = YankRequest {
        name: name.to_string(),
        version: version.to_string(),
        reason: None,
        issued_at,
        signature: signature.to_file_string(),
    };
    let release: ReleaseInfo = client.post("/v1/unyank", &req)?;
    let human = format!(
        "Un-yanked {name}@{version}\n  {}\n",
        verdict_line(&release.trust)
    );
    out.result(&human, json!({"ok": true, "release": release}));
    Ok(())
}
