//! `publish`: upload a signed release manifest and show the registry's verdict.

use anyhow::{Context, Result};
use protocol::api::{PublishRequest, ReleaseInfo};
use protocol::formats::minisign::SIGNATURE_SUFFIX;
use protocol::{Manifest, PublicKey, Signature};
use serde_json::json;

use super::keys::load_secret_key;
use super::registry_client::{RegistryClient, now_secs, verdict_line};
use crate::cli::PublishArgs;
use crate::files::{self, Mode};
use crate::output::Output;

pub(crate) fn publish(args: PublishArgs, out: &Output) -> Result<()> {
    let client = RegistryClient::new(&args.registry.registry)?;
    let bytes = files::read(&args.manifest)?;
    // Refuse locally what the registry would refuse, with the same message.
    let manifest = Manifest::parse(bytes.as_slice()).with_context(|| {
        format!(
            "{} is not a valid release manifest",
            args.manifest.display()
        )
    })?;
    let text = String::from_utf8(bytes.clone())
        .with_context(|| format!("{} is not UTF-8 text", args.manifest.display()))?;

    let sig_path = args.signature.clone().unwrap_or_else(|| {
        let mut p = args.manifest.clone().into_os_string();
        p.push(SIGNATURE_SUFFIX);
        p.into()
    });
    let from_file = sig_path.exists();
    let signature = if from_file {
        let sig_text = files::read_to_string(&sig_path)?;
        let sig: Signature = sig_text
            .parse()
            .with_context(|| format!("{} is not a minisign signature", sig_path.display()))?;
        out.note(&format!(
            "Using the signature {} (key {})",
            sig_path.display(),
            sig.key_id()
        ));
        sig
    } else {
        let secret = load_secret_key(&args.secret_key)?;
        let comment = format!(
            "timestamp:{}\tserver:{}@{}",
            now_secs(),
            manifest.name(),
            manifest.version()
        );
        let sig = secret.sign(&bytes, &comment)?;
        // Check before upload and before writing: a signature that does not verify helps no one.
        PublicKey::verify(&secret.public_key(), &bytes, &sig, false)?;
        files::write(&sig_path, sig.to_file_string().as_bytes(), Mode::Public)?;
        out.note(&format!(
            "Signed {} with key {} → {}",
            args.manifest.display(),
            sig.key_id(),
            sig_path.display()
        ));
        sig
    };

    let req = PublishRequest {
        manifest: Some(text),
        manifest_base64: None,
        signature: signature.to_file_string(),
    };
    let release: ReleaseInfo = client.post("/v1/publish", &req).map_err(|err| {
        if from_file && format!("{err}").contains("invalid_signature") {
            err.context(format!(
                "the existing signature {} was used; if it belongs to an older version of the \
                 manifest, delete it and publish again to sign afresh",
                sig_path.display()
            ))
        } else {
            err
        }
    })?;
    let human = format!(
        "Published {}@{}\n  {}\n  sha256: {}\n",
        release.name,
        release.version,
        verdict_line(&release.trust),
        release.manifest_sha256
    );
    out.result(&human, json!({"ok": true, "release": release}));
    Ok(())
}
