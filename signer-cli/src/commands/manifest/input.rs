//! Reading the files the manifest commands take, never more than a manifest can hold.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use anyhow::{Context, Result, bail};
use protocol::formats::MANIFEST_MAX_LEN;
use serde_json::Value;

/// The file's bytes, but no more than one past the manifest size limit: enough for the checker
/// to say it is too large without reading a huge file into memory.
pub(super) fn read_bounded(path: &Path) -> Result<Vec<u8>> {
    let file = File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let limit = u64::try_from(MANIFEST_MAX_LEN)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    let mut bytes = Vec::new();
    file.take(limit)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {}", path.display()))?;
    Ok(bytes)
}

/// A JSON input of `init` (server.json, package.json, the tools file), refused if it is larger
/// than any manifest can be.
pub(super) fn read_json(path: &Path) -> Result<Value> {
    let bytes = read_bounded(path)?;
    if bytes.len() > MANIFEST_MAX_LEN {
        bail!("{} is larger than {MANIFEST_MAX_LEN} bytes", path.display());
    }
    serde_json::from_slice(&bytes).with_context(|| format!("{} is not valid JSON", path.display()))
}

pub(super) fn str_field<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}
