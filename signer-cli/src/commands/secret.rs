//! `mcp-sign secret set|list|rm`: the secret store from the command line. Values come from a
//! hidden prompt or standard input, never from an argument, and are never printed.

use std::io::{BufRead, IsTerminal, Read};

use anyhow::{Context, Result, bail};
use serde_json::json;
use zeroize::Zeroizing;

use crate::output::Output;
use crate::secrets::{SecretKey, SecretStore};

/// The longest value read from standard input (a private key in PEM is a few KB).
const VALUE_MAX_LEN: u64 = 64 * 1024;

pub(crate) fn set(key: &SecretKey, out: &Output) -> Result<()> {
    let value = read_value(key)?;
    let store = SecretStore::open()?;
    store.set(key, &value)?;
    out.result(
        &format!("stored the secret {key} in {}", store.describe()),
        json!({"ok": true, "key": key.as_str(), "backend": store.backend_name()}),
    );
    Ok(())
}

pub(crate) fn list(out: &Output) -> Result<()> {
    let store = SecretStore::open()?;
    let keys = store.list()?;
    let human = if keys.is_empty() {
        format!("no secrets in {}", store.describe())
    } else {
        keys.iter().map(|k| format!("{k}\n")).collect()
    };
    out.result(
        &human,
        json!({
            "ok": true,
            "backend": store.backend_name(),
            "secrets": keys.iter().map(SecretKey::as_str).collect::<Vec<_>>(),
        }),
    );
    Ok(())
}

pub(crate) fn rm(key: &SecretKey, out: &Output) -> Result<()> {
    let store = SecretStore::open()?;
    if !store.remove(key)? {
        bail!(
            "no secret {key} in {}; `mcp-sign secret list` shows the names",
            store.describe()
        );
    }
    out.result(
        &format!("removed the secret {key}"),
        json!({"ok": true, "key": key.as_str(), "removed": true}),
    );
    Ok(())
}

/// The value: a prompt without echo on a terminal, else the first line of standard input
/// (its line ending removed).
fn read_value(key: &SecretKey) -> Result<Zeroizing<String>> {
    let value = if std::io::stdin().is_terminal() {
        Zeroizing::new(
            rpassword::prompt_password(format!("Value for {key}: "))
                .context("could not read the value from the terminal")?,
        )
    } else {
        let mut line = Zeroizing::new(String::new());
        std::io::stdin()
            .lock()
            .take(VALUE_MAX_LEN + 1)
            .read_line(&mut line)
            .context("could not read the value from standard input (it must be UTF-8 text)")?;
        if line.len() as u64 > VALUE_MAX_LEN {
            bail!("the value is longer than {VALUE_MAX_LEN} bytes");
        }
        let trimmed = line.trim_end_matches(['\n', '\r']).len();
        line.truncate(trimmed);
        line
    };
    if value.is_empty() {
        bail!(
            "the value is empty; type it at the prompt or pipe it in: \
             printf %s \"$VALUE\" | mcp-sign secret set {key}"
        );
    }
    Ok(value)
}
