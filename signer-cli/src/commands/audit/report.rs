//! What `audit` reports: per configuration file, and per configured server with its findings.
//! The JSON output is these types serialized.

use protocol::scan::Severity;
use protocol::trust::TrustLevel;
use serde::Serialize;

/// One thing found about a configured server.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Finding {
    pub(super) code: &'static str,
    pub(super) severity: Severity,
    pub(super) message: String,
    /// Where in the entry (`env.GITHUB_TOKEN`, `args[3]`, `headers.Authorization`, `url`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) field: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Package {
    /// `npm:@scope/pkg@1.2.3`, `pypi:name==1.0`, `oci:image:tag`, a URL, or a local program.
    pub(super) source: String,
    /// The exact version (or digest) it resolves to, when pinned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) version: Option<String>,
    pub(super) pinned: bool,
    /// What the registry is asked about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) registry_ref: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Verdict {
    pub(super) level: TrustLevel,
    pub(super) reasons: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ServerReport {
    pub(super) name: String,
    pub(super) client: &'static str,
    pub(super) config: String,
    /// Where in the file (`mcpServers.github`).
    pub(super) at: String,
    /// `stdio`, `http`, `sse` or `streamable-http`.
    pub(super) transport: String,
    /// The command line or URL, with secrets masked.
    pub(super) runs: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) package: Option<Package>,
    /// `none` (runs as you), `container`, or `remote` (runs elsewhere).
    pub(super) sandbox: &'static str,
    pub(super) disabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) verdict: Option<Verdict>,
    pub(super) highest: Option<Severity>,
    pub(super) findings: Vec<Finding>,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct Problem {
    pub(super) server: String,
    pub(super) message: String,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct ConfigReport {
    pub(super) path: String,
    pub(super) client: &'static str,
    /// `ok`, or `skipped` (unreadable or invalid; see `error`).
    pub(super) status: &'static str,
    pub(super) servers: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) error: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) problems: Vec<Problem>,
}

pub(super) fn finding(
    code: &'static str,
    severity: Severity,
    message: String,
    field: Option<String>,
) -> Finding {
    Finding {
        code,
        severity,
        message,
        field,
    }
}

impl ConfigReport {
    /// A file that could not be read or is not a configuration.
    pub(super) fn skipped(path: &str, client: &'static str, error: String) -> Self {
        Self {
            path: path.to_owned(),
            client,
            status: "skipped",
            servers: 0,
            error: Some(error),
            problems: Vec::new(),
        }
    }
}
