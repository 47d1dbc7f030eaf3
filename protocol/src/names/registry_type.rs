//! [`RegistryType`]: the package registries a package reference can name.

use std::fmt;
use std::str::FromStr;

use super::{excerpt, string_serde};
use crate::error::Error;
use crate::formats::registry::{MCPB, NPM, NUGET, OCI, PYPI};

/// The package registries a [`PackageRef`] can name, spelled as in server.json's
/// `registryType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RegistryType {
    Npm,
    Pypi,
    Oci,
    Nuget,
    /// An MCP bundle downloaded from a URL.
    Mcpb,
}

impl RegistryType {
    pub const ALL: [RegistryType; 5] = [Self::Npm, Self::Pypi, Self::Oci, Self::Nuget, Self::Mcpb];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Npm => NPM,
            Self::Pypi => PYPI,
            Self::Oci => OCI,
            Self::Nuget => NUGET,
            Self::Mcpb => MCPB,
        }
    }
}

impl FromStr for RegistryType {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| Error::InvalidPackageRef {
                input: excerpt(s),
                reason: "unknown registry type; expected npm, pypi, oci, nuget or mcpb".to_owned(),
            })
    }
}

impl fmt::Display for RegistryType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

string_serde!(
    RegistryType,
    "a registry type (npm, pypi, oci, nuget or mcpb)"
);
