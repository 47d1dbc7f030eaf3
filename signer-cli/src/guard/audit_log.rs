//! Every decision `mcp-sign run` makes, as one JSON line in a local audit log and one line on
//! stderr for people (stdout carries protocol messages only).

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The log.
#[derive(Debug)]
pub(crate) struct AuditLog {
    server: String,
    file: File,
    path: PathBuf,
}

/// The default log file.
pub(crate) fn default_path() -> Result<PathBuf> {
    Ok(crate::dirs::state_dir()?.join("run-audit.jsonl"))
}

/// Now, as RFC 3339 UTC.
pub(crate) fn now() -> String {
    OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| OffsetDateTime::now_utc())
        .format(&Rfc3339)
        .unwrap_or_default()
}

impl AuditLog {
    pub(crate) fn open(path: &Path, server: &str) -> Result<AuditLog> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::dirs::create_private(dir)?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options
            .open(path)
            .with_context(|| format!("cannot open the audit log {}", path.display()))?;
        Ok(AuditLog {
            server: server.to_owned(),
            file,
            path: path.to_owned(),
        })
    }

    /// Name the server differently from now on (the registry's name, once known).
    pub(crate) fn set_server(&mut self, server: &str) {
        server.clone_into(&mut self.server);
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Record `event` with `fields` (an object) and say `line` on stderr.
    pub(crate) fn record(&mut self, event: &str, fields: Value, line: &str) {
        let mut entry = Map::new();
        entry.insert("time".into(), json!(now()));
        entry.insert("server".into(), json!(self.server));
        entry.insert("event".into(), json!(event));
        if let Value::Object(fields) = fields {
            entry.extend(fields);
        }
        let mut bytes = serde_json::to_vec(&Value::Object(entry)).unwrap_or_default();
        bytes.push(b'\n');
        // A full disk must not stop the session; the stderr line below still says it.
        if let Err(e) = self.file.write_all(&bytes) {
            eprintln!(
                "mcp-sign run: cannot write the audit log {}: {e}",
                self.path.display()
            );
        }
        eprintln!("mcp-sign run: {}: {line}", self.server);
    }
}
