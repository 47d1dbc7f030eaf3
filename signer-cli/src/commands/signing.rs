//! `keygen`, `sign` and `verify`: minisign-compatible key files and signatures on this machine.
//! (Registering a key with a registry is `key_registration.rs`.)

use std::fs::File;
use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, anyhow, bail};
use protocol::formats::{MANIFEST_MAX_LEN, WELL_KNOWN_KEY_PATH, minisign as layout};
use protocol::minisign::{TrustedComment, Zeroizing, check_trusted_comment};
use protocol::{PublicKey, SecretKey, Signature};
use rand_core::OsRng;
use serde_json::json;

use crate::VerificationFailed;
use crate::cli::{KeygenArgs, SignArgs, VerifyArgs};
use crate::files::{self, Mode};
use crate::output::Output;
use crate::password;

pub(crate) fn keygen(args: KeygenArgs, out: &Output) -> Result<()> {
    if args.public_key == args.secret_key {
        bail!(
            "the public and secret key paths are both {}; choose two files",
            args.public_key.display()
        );
    }
    // Check both paths before writing either: never leave half a key pair behind.
    files::ensure_writable(&args.secret_key, args.force)?;
    files::ensure_writable(&args.public_key, args.force)?;
    let password = if args.no_password {
        None
    } else {
        Some(Zeroizing::new(password::for_new_key()?))
    };

    let secret = SecretKey::generate(&mut OsRng);
    let public = secret.public_key();
    if password.is_some() {
        out.note("Encrypting the secret key (scrypt with 1 GiB of memory; a few seconds)...");
    }
    let secret_file = secret.to_file_string(password.as_ref().map(|p| p.as_str()), &mut OsRng)?;
    files::write(&args.secret_key, secret_file.as_bytes(), Mode::Private)?;
    files::write(
        &args.public_key,
        public.to_file_string().as_bytes(),
        Mode::Public,
    )?;

    let encrypted = password.is_some();
    let protection = if encrypted {
        "encrypted with your password"
    } else {
        "not encrypted"
    };
    let sign_hint = if args.secret_key == Path::new("mcp-sign.key") {
        String::new()
    } else {
        format!(" -s {}", args.secret_key.display())
    };
    let human = format!(
        "Created key pair {id}\n  \
         secret key: {sk} ({protection}; keep it private, never commit it)\n  \
         public key: {pk}\n\n\
         Next steps:\n  \
         1. Commit the public key to your repository as {WELL_KNOWN_KEY_PATH}\n     \
         (or serve it at https://<your domain>/{WELL_KNOWN_KEY_PATH} for a domain namespace).\n  \
         2. Sign each release: mcp-sign sign server.json{sign_hint}\n",
        id = public.key_id(),
        sk = args.secret_key.display(),
        pk = args.public_key.display(),
    );
    out.result(
        &human,
        json!({
            "ok": true,
            "keyId": public.key_id(),
            "publicKey": args.public_key,
            "secretKey": args.secret_key,
            "encrypted": encrypted,
            "publicKeyBase64": public.to_base64(),
        }),
    );
    Ok(())
}

pub(crate) fn sign(args: SignArgs, out: &Output) -> Result<()> {
    let sig_path = args
        .output
        .clone()
        .unwrap_or_else(|| default_signature_path(&args.file));
    // Everything that can fail cheaply fails before the password prompt and the key derivation.
    files::ensure_writable(&sig_path, args.force)?;
    let explicit_comment = args.trusted_comment.filter(|c| !c.is_empty());
    if let Some(comment) = &explicit_comment {
        check_trusted_comment(comment).context("invalid --trusted-comment")?;
    }
    let mut input = open_input(&args.file)?;
    let secret = load_secret_key(&args.secret_key)?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);

    // Read up to one byte past the manifest size cap (not trusting the file's reported size,
    // which pipes do not have). A file that fits may be a manifest: the bytes checked for its
    // name and version are then exactly the bytes signed. A larger one is streamed.
    let mut head = Vec::new();
    let cap = u64::try_from(MANIFEST_MAX_LEN)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    (&mut input)
        .take(cap)
        .read_to_end(&mut head)
        .with_context(|| cannot_read(&args.file))?;
    let whole = head.len() <= MANIFEST_MAX_LEN;
    let comment = match explicit_comment {
        Some(comment) => comment,
        None => default_comment(&args.file, whole.then_some(head.as_slice()), now, out),
    };
    let mut signer = secret.signer(&comment)?;
    signer.update(&head);
    if !whole {
        files::stream(&mut input, &args.file, |chunk| signer.update(chunk))?;
    }
    let signature = signer.finalize();
    files::write(
        &sig_path,
        signature.to_file_string().as_bytes(),
        Mode::Public,
    )?;

    let key_id = signature.key_id().to_string();
    report(
        out,
        format!("Signed {} with key {key_id}", args.file.display()),
        &[
            ("signature", sig_path.display().to_string()),
            ("trusted comment", comment.to_string()),
        ],
        &args.file,
        &sig_path,
        [("keyId", json!(key_id)), ("trustedComment", json!(comment))],
    );
    Ok(())
}

pub(crate) fn verify(args: VerifyArgs, out: &Output) -> Result<()> {
    let sig_path = args
        .signature
        .clone()
        .unwrap_or_else(|| default_signature_path(&args.file));
    let public_text = files::read_to_string(&args.public_key)?;
    let public = PublicKey::from_file_str(&public_text)
        .with_context(|| format!("cannot use the public key {}", args.public_key.display()))?;
    let sig_text = files::read_to_string(&sig_path)?;
    let sig = Signature::from_file_str(&sig_text)
        .with_context(|| format!("cannot use the signature {}", sig_path.display()))?;
    let mut input = open_input(&args.file)?;

    // A signature that ran and said no is exit code 1; everything above is exit code 2.
    let failed = |err: protocol::Error| {
        anyhow::Error::new(VerificationFailed(
            anyhow!(err).context(format!("{} does not verify", args.file.display())),
        ))
    };
    let mut verifier = public.verifier(&sig, args.allow_legacy).map_err(failed)?;
    files::stream(&mut input, &args.file, |chunk| verifier.update(chunk))?;
    verifier.finalize().map_err(failed)?;

    if sig.is_legacy() {
        out.note(&format!(
            "warning: {} is a legacy (non-prehashed) signature; ask the signer to re-sign with a \
             current minisign or mcp-sign",
            sig_path.display()
        ));
    }
    report(
        out,
        format!("Signature OK: {}", args.file.display()),
        &[
            ("key id", sig.key_id().to_string()),
            ("trusted comment", sig.trusted_comment().to_string()),
        ],
        &args.file,
        &sig_path,
        [
            ("publicKey", json!(args.public_key)),
            ("keyId", json!(sig.key_id())),
            ("trustedComment", json!(sig.trusted_comment())),
            ("legacy", json!(sig.is_legacy())),
        ],
    );
    Ok(())
}

/// What `sign` and `verify` print: a headline and labelled lines for people; for JSON `ok`,
/// `file` and `signature`, then `fields` in order.
fn report<const N: usize>(
    out: &Output,
    headline: String,
    lines: &[(&str, String)],
    file: &Path,
    sig_path: &Path,
    fields: [(&str, serde_json::Value); N],
) {
    let mut human = headline;
    human.push('\n');
    for (label, value) in lines {
        human.push_str(&format!("  {:<17}{value}\n", format!("{label}:")));
    }
    let mut json = serde_json::Map::new();
    json.insert("ok".into(), json!(true));
    json.insert("file".into(), json!(file));
    json.insert("signature".into(), json!(sig_path));
    json.extend(fields.map(|(key, value)| (key.to_string(), value)));
    out.result(&human, serde_json::Value::Object(json));
}

/// FILE.minisig, as minisign names it.
fn default_signature_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(layout::SIGNATURE_SUFFIX);
    PathBuf::from(name)
}

fn cannot_read(path: &Path) -> String {
    format!("cannot read {}", path.display())
}

fn open_input(path: &Path) -> Result<File> {
    let file = File::open(path).with_context(|| cannot_read(path))?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        bail!("{} is a directory, not a file", path.display());
    }
    Ok(file)
}

/// Read a secret key, asking for its password only if it is encrypted.
pub(crate) fn load_secret_key(path: &Path) -> Result<SecretKey> {
    let text = match std::fs::read(path) {
        Ok(bytes) => Zeroizing::new(bytes),
        Err(err) if err.kind() == ErrorKind::NotFound => bail!(
            "there is no secret key at {}: create one with `mcp-sign keygen`, or pass -s PATH",
            path.display()
        ),
        Err(err) => return Err(err).with_context(|| cannot_read(path)),
    };
    let context = || format!("cannot use the secret key {}", path.display());
    let text = std::str::from_utf8(&text)
        .map_err(|_| anyhow!("it is not a minisign key file (not text)"))
        .with_context(context)?;
    let encrypted = SecretKey::is_encrypted(text).with_context(context)?;
    let password = if encrypted {
        Some(Zeroizing::new(password::for_unlock(path)?))
    } else {
        None
    };
    SecretKey::from_file_str(text, password.as_ref().map(|p| p.as_str())).with_context(context)
}

/// minisign's default trusted comment (`timestamp:<unix>\tfile:<name>\thashed`), or for a
/// release manifest `timestamp:<unix>\tserver:<name>@<version>`, so the signed comment says
/// which release it is.
fn default_comment(file: &Path, data: Option<&[u8]>, now: u64, out: &Output) -> String {
    if let Some(data) = data {
        match protocol::Manifest::parse(data) {
            Ok(manifest) => {
                return TrustedComment::release(now, manifest.name(), manifest.version())
                    .to_string();
            }
            Err(err)
                if file
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("json")) =>
            {
                out.note(&format!(
                    "note: {} is not a valid release manifest ({}), so the trusted comment names \
                     the file instead; `mcp-sign manifest check` lists the problems",
                    file.display(),
                    first_line(&err.to_string())
                ));
            }
            Err(_) => {}
        }
    }
    // `TrustedComment::file` keeps the name one field whatever the file is called.
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    TrustedComment::file(now, &name).to_string()
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or_default()
}
