//! The registry's verdict on a configured package: `GET {registry}/v1/verify?package=...`.

use anyhow::Result;
use protocol::api::VerifyResponse;

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
