//! The registry's verdict on a configured package: `GET {registry}/v1/verify?package=...`, and
//! the finding it makes.

use std::collections::BTreeMap;

use anyhow::Result;
use protocol::api::VerifyResponse;
use protocol::scan::Severity;
use protocol::trust::TrustLevel;

use super::report::{ServerReport, Verdict, finding};
use super::safe_display::printable;
use crate::commands::registry_client::{RegistryClient, query_value};

/// Asks one registry for verdicts on packages.
#[derive(Debug)]
pub(crate) struct Verifier {
    client: RegistryClient,
}

impl Verifier {
    pub(crate) fn new(base: &str) -> Result<Self> {
        Ok(Self {
            client: RegistryClient::new(base)?,
        })
    }

    /// The verdict on `package` (`npm:@scope/pkg@1.2.3`, `pypi:pkg==1.0`, `oci:...`).
    pub(crate) fn verify(&self, package: &str) -> Result<VerifyResponse> {
        self.client
            .get_json(&format!("/v1/verify?package={}", query_value(package)))
    }
}

/// Asks the registry about every server with a package reference (each reference once) and
/// adds its verdict, or why there is none, to the server's findings.
pub(super) fn add_verdicts(verifier: &Verifier, servers: &mut [ServerReport]) {
    let mut cache: BTreeMap<String, Result<Verdict, String>> = BTreeMap::new();
    for server in servers {
        let Some(reference) = server.package.as_ref().and_then(|p| p.registry_ref.clone()) else {
            continue;
        };
        let answer = cache
            .entry(reference.clone())
            .or_insert_with(|| {
                verifier
                    .verify(&reference)
                    .map(|r| Verdict {
                        level: r.verdict.level,
                        reasons: r.verdict.reasons.into_iter().map(|r| r.message).collect(),
                    })
                    .map_err(|e| format!("{e:#}"))
            })
            .clone();
        apply_verdict(server, &reference, answer);
    }
}

fn apply_verdict(server: &mut ServerReport, reference: &str, answer: Result<Verdict, String>) {
    match answer {
        Ok(verdict) => {
            let level = verdict.level;
            let (severity, what) = if level.is_negative() {
                (Severity::High, "the registry flags it")
            } else if level == TrustLevel::Attested {
                // Its own tier: nobody signed it, but its package provably came from the
                // server's repository, which a listed one does not show.
                (
                    Severity::Warning,
                    "built by CI from the server's own repository (Sigstore build provenance) \
                     but not signed by its maintainer: below the default client policy \
                     (signed); `mcp-sign check --min-level attested` accepts it",
                )
            } else if level < TrustLevel::Signed {
                (
                    Severity::Warning,
                    "below the default client policy (signed): no valid signed release",
                )
            } else {
                (Severity::Info, "meets the default client policy (signed)")
            };
            let reasons = if verdict.reasons.is_empty() {
                String::new()
            } else {
                format!(": {}", printable(&verdict.reasons.join("; ")))
            };
            server.findings.push(finding(
                "registry-verdict",
                severity,
                format!("registry verdict for {reference}: {level}, {what}{reasons}"),
                None,
            ));
            server.verdict = Some(verdict);
        }
        Err(error) => server.findings.push(finding(
            "registry-error",
            Severity::Warning,
            format!("no registry verdict for {reference}: {}", printable(&error)),
            None,
        )),
    }
}
