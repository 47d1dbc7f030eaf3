//! `publish`: upload a signed release manifest and show the registry's verdict.
//!
//! Which signature is uploaded:
//! - `--secret-key KEY`: the manifest is signed as it is now, and the signature file replaced,
//!   so publishing 1.0.0 and then an edited 2.0.0 from one folder just works;
//! - no `--secret-key`, a signature file exists: it is used only if it verifies over the
//!   current bytes with a local public key (`--public-key`, or one found beside the manifest),
//!   checked before anything is uploaded; a stale signature is a clear local error;
//! - neither: `mcp-sign.key` signs, as with `--secret-key mcp-sign.key`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use protocol::api::{PublishRequest, ReleaseInfo};
use protocol::formats::WELL_KNOWN_KEY_PATH;
use protocol::formats::minisign::SIGNATURE_SUFFIX;
use protocol::minisign::TrustedComment;
use protocol::{Manifest, PublicKey, Signature};
use serde_json::json;

use super::registry_client::{RegistryClient, now_secs, verdict_line};
use super::signing::load_secret_key;
use crate::cli::PublishArgs;
use crate::files::{self, Mode};
use crate::output::Output;

/// The secret key `publish` signs with when no `--secret-key` is given and there is no
/// signature file (the default of `keygen`).
const DEFAULT_SECRET_KEY: &str = "mcp-sign.key";
/// The public key file `keygen` writes by default.
const DEFAULT_PUBLIC_KEY: &str = "mcp-sign.pub";

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
    let signature = match (&args.secret_key, sig_path.exists()) {
        (None, true) => existing_signature(&args, &manifest, &bytes, &sig_path, out)?,
        (key, _) => {
            let key = key.clone().unwrap_or_else(|| DEFAULT_SECRET_KEY.into());
            sign_now(&key, &args.manifest, &manifest, &bytes, &sig_path, out)?
        }
    };

    let req = PublishRequest {
        manifest: Some(text),
        manifest_base64: None,
        signature: signature.to_file_string(),
    };
    let release: ReleaseInfo = client.post("/v1/publish", &req)?;
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

/// Signs the manifest's current bytes and writes the signature file (replacing an older one).
fn sign_now(
    key_path: &Path,
    manifest_path: &Path,
    manifest: &Manifest,
    bytes: &[u8],
    sig_path: &Path,
    out: &Output,
) -> Result<Signature> {
    let secret = load_secret_key(key_path)?;
    let comment = TrustedComment::release(
        u64::try_from(now_secs()).unwrap_or(0),
        manifest.name(),
        manifest.version(),
    );
    let sig = secret.sign(bytes, &comment.to_string())?;
    // Check before upload and before writing: a signature that does not verify helps no one.
    PublicKey::verify(&secret.public_key(), bytes, &sig, false)?;
    files::write(sig_path, sig.to_file_string().as_bytes(), Mode::Public)?;
    out.note(&format!(
        "Signed {} ({}@{}) with key {} → {}",
        manifest_path.display(),
        manifest.name(),
        manifest.version(),
        sig.key_id(),
        sig_path.display()
    ));
    Ok(sig)
}

/// The existing signature file, if it verifies over the manifest as it is now.
fn existing_signature(
    args: &PublishArgs,
    manifest: &Manifest,
    bytes: &[u8],
    sig_path: &Path,
    out: &Output,
) -> Result<Signature> {
    let sig_text = files::read_to_string(sig_path)?;
    let sig: Signature = sig_text
        .parse()
        .with_context(|| format!("{} is not a minisign signature", sig_path.display()))?;
    let resign = format!(
        "sign the manifest as it is now with `mcp-sign publish {} --secret-key <KEY>` (it \
         replaces {})",
        args.manifest.display(),
        sig_path.display()
    );
    // What the signature's own (signed) comment says it was made for, to explain a mismatch.
    let made_for = sig
        .trusted_comment()
        .parse::<TrustedComment>()
        .ok()
        .and_then(|c| c.release_of().map(|(n, v)| format!("{n}@{v}")));
    let now = format!("{}@{}", manifest.name(), manifest.version());

    let (public, key_path) = public_key_for(args, &sig)?.with_context(|| {
        format!(
            "cannot check {} before upload: no public key with its key id {} was found (looked \
             for {WELL_KNOWN_KEY_PATH} in {}'s folder and its parents, and {DEFAULT_PUBLIC_KEY}); \
             pass --public-key PATH, or {resign}",
            sig_path.display(),
            sig.key_id(),
            args.manifest.display(),
        )
    })?;
    if let Err(e) = public.verify(bytes, &sig, false) {
        let why = match &made_for {
            Some(old) if *old != now => format!(
                "it was made for {old}, and the manifest is now {now}: a stale signature of an \
                 earlier release"
            ),
            _ => format!("{e}; the manifest was changed after it was signed"),
        };
        bail!(
            "{} does not verify over the current {} with key {} ({}): {why}. Nothing was \
             uploaded; {resign}",
            sig_path.display(),
            args.manifest.display(),
            sig.key_id(),
            key_path.display()
        );
    }
    out.note(&format!(
        "Using the signature {} (key {}, verified with {})",
        sig_path.display(),
        sig.key_id(),
        key_path.display()
    ));
    Ok(sig)
}

/// The local public key to check `sig` with: `--public-key`, or the first candidate file
/// whose key id is the signature's.
fn public_key_for(args: &PublishArgs, sig: &Signature) -> Result<Option<(PublicKey, PathBuf)>> {
    let read = |path: &Path| -> Result<PublicKey> {
        let text = files::read_to_string(path)?;
        PublicKey::from_file_str(&text)
            .with_context(|| format!("{} is not a minisign public key", path.display()))
    };
    if let Some(path) = &args.public_key {
        // An explicit key is used even if its id differs: verification then says so.
        return Ok(Some((read(path)?, path.clone())));
    }
    let dir = match args.manifest.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let dir = dir.canonicalize().unwrap_or(dir);
    let mut candidates: Vec<PathBuf> = dir
        .ancestors()
        .map(|d| d.join(WELL_KNOWN_KEY_PATH))
        .collect();
    candidates.push(dir.join(DEFAULT_PUBLIC_KEY));
    candidates.push(PathBuf::from(DEFAULT_PUBLIC_KEY));
    for path in candidates {
        // Files that are not keys are skipped: they are only candidates.
        if path.is_file()
            && let Ok(key) = read(&path)
            && key.key_id() == sig.key_id()
        {
            return Ok(Some((key, path)));
        }
    }
    Ok(None)
}
