//! `key register`, `key revoke` and `key recheck`: binding a key to a namespace at a registry.
//! (Key files and signatures on this machine are `signing.rs`.)

use anyhow::{Context, Result};
use protocol::api::{KeyInfo, KeyRegisterRequest, KeyRevokeRequest, Statement};
use protocol::{Namespace, PublicKey};
use serde_json::json;

use super::registry_client::{RegistryClient, now_secs, sign_statement};
use super::signing::load_secret_key;
use crate::cli::{KeyRecheckArgs, KeyRegisterArgs, KeyRevokeArgs};
use crate::files;
use crate::output::Output;

fn read_public_key(path: &std::path::Path) -> Result<PublicKey> {
    let text = files::read_to_string(path)?;
    text.trim()
        .parse()
        .with_context(|| format!("{} is not a minisign public key", path.display()))
}

pub(crate) fn register(args: KeyRegisterArgs, out: &Output) -> Result<()> {
    let public = read_public_key(&args.public_key)?;
    // Check the namespace here, with the same rules the registry applies, for a quick answer.
    args.namespace
        .parse::<Namespace>()
        .context("invalid --namespace")?;
    let client = RegistryClient::new(&args.registry.registry)?;
    let new_key_id = public.key_id().to_string();

    let mut req = KeyRegisterRequest {
        public_key: public.to_file_string(),
        namespace: args.namespace.clone(),
        repository: args.repository.clone(),
        domain: args.domain.clone(),
        rotated_from: None,
        rotation_signature: None,
        issued_at: None,
    };
    if let Some(old_path) = &args.rotate_from {
        let old = load_secret_key(old_path)?;
        let old_key_id = old.key_id().to_string();
        let issued_at = now_secs();
        let statement = Statement::RotateKey {
            old_key_id: &old_key_id,
            new_key_id: &new_key_id,
            // The registry compares namespaces case-insensitively and signs over lower case.
            namespace: &args.namespace.to_ascii_lowercase(),
            issued_at,
        };
        req.rotation_signature = Some(sign_statement(&old, &statement)?.to_file_string());
        req.rotated_from = Some(old_key_id);
        req.issued_at = Some(issued_at);
    }
    let key: KeyInfo = client.post("/v1/keys", &req)?;
    let proof = key
        .proof
        .repository
        .clone()
        .or_else(|| key.proof.domain.clone())
        .unwrap_or_default();
    let mut human = format!(
        "Registered key {} for {} (proof: {} {}, {})\n",
        key.key_id,
        key.namespace,
        key.proof.kind.as_str(),
        proof,
        key.proof.url
    );
    if let Some(old) = &key.rotated_from {
        human.push_str(&format!("  rotated from key {old}\n"));
    }
    out.result(&human, json!({"ok": true, "key": key}));
    Ok(())
}

pub(crate) fn revoke(args: KeyRevokeArgs, out: &Output) -> Result<()> {
    let client = RegistryClient::new(&args.registry.registry)?;
    let secret = load_secret_key(&args.secret_key)?;
    let key_id = secret.key_id().to_string();
    let issued_at = now_secs();
    let statement = Statement::RevokeKey {
        key_id: &key_id,
        reason: args.reason.as_deref(),
        issued_at,
    };
    let signature = sign_statement(&secret, &statement)?;
    let req = KeyRevokeRequest {
        reason: args.reason.clone(),
        issued_at,
        signature: signature.to_file_string(),
    };
    let keys: Vec<KeyInfo> = client.post(&format!("/v1/keys/{key_id}/revoke"), &req)?;
    let human = format!(
        "Revoked key {key_id}; releases it signed are no longer trusted ({} grant{}).\n",
        keys.len(),
        if keys.len() == 1 { "" } else { "s" }
    );
    out.result(&human, json!({"ok": true, "keys": keys}));
    Ok(())
}

pub(crate) fn recheck(args: KeyRecheckArgs, out: &Output) -> Result<()> {
    let client = RegistryClient::new(&args.registry.registry)?;
    let key_id = read_public_key(&args.public_key)?.key_id().to_string();
    let keys: Vec<KeyInfo> = client.post(
        &format!("/v1/keys/{key_id}/recheck"),
        &serde_json::Value::Null,
    )?;
    let revoked = keys
        .iter()
        .find_map(|k| k.revoked_at.as_ref().map(|_| k.revoke_reason.clone()));
    let human = match revoked {
        Some(reason) => format!(
            "Key {key_id} is revoked{}\n",
            reason.map(|r| format!(": {r}")).unwrap_or_default()
        ),
        None => format!("Every proof of key {key_id} still holds; it stays valid.\n"),
    };
    out.result(&human, json!({"ok": true, "keys": keys}));
    Ok(())
}
