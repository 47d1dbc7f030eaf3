//! Provenance as the transparency log records it, and its re-verification by a monitor
//! (`mcp-sign log verify`): the leaf names the package (`npm:NAME@VERSION`, or `pypi:FILENAME`),
//! its digest ([`Digest`]'s `ALGORITHM:HEX`), the server and its repository, and carries the
//! attestation document the registry verified, so anyone re-runs the same verification offline.

use crate::{
    Digest, Error, ExpectedSource, NpmPackage, Provenance, PypiFile, TrustRoot, verify_npm,
    verify_pypi,
};

/// The package of a logged provenance leaf, as the registry writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoggedPackage {
    Npm { name: String, version: String },
    Pypi { filename: String },
}

impl LoggedPackage {
    /// Reads `npm:NAME@VERSION` (a scoped name keeps its `@`) or `pypi:FILENAME`.
    pub fn parse(package: &str) -> Result<Self, Error> {
        let invalid = || {
            Error::MalformedDocument(format!(
                "the logged package {package:?} is neither npm:NAME@VERSION nor pypi:FILENAME"
            ))
        };
        match package.split_once(':') {
            Some(("npm", rest)) => {
                let (name, version) = rest.rsplit_once('@').ok_or_else(invalid)?;
                if name.is_empty() || version.is_empty() {
                    return Err(invalid());
                }
                Ok(Self::Npm {
                    name: name.to_owned(),
                    version: version.to_owned(),
                })
            }
            Some(("pypi", filename)) if !filename.is_empty() => Ok(Self::Pypi {
                filename: filename.to_owned(),
            }),
            _ => Err(invalid()),
        }
    }
}

/// Re-verifies a logged provenance leaf: `document` (the leaf's evidence) must prove that
/// `package` with `digest` was built from `repository` (`github.com/OWNER/NAME`, as logged) for
/// the server `server_name`. Returns what it proves, for the caller to compare with the rest of
/// the leaf.
pub fn reverify(
    root: &TrustRoot,
    server_name: &str,
    package: &str,
    digest: &str,
    repository: &str,
    document: &[u8],
) -> Result<Provenance, Error> {
    let digest: Digest = digest.parse()?;
    let expected = ExpectedSource::new(server_name, &format!("https://{repository}"))?;
    match LoggedPackage::parse(package)? {
        LoggedPackage::Npm { name, version } => {
            let package = NpmPackage {
                name,
                version,
                integrity: digest,
            };
            verify_npm(root, document, &package, &expected)
        }
        LoggedPackage::Pypi { filename } => {
            let file = PypiFile {
                filename,
                sha256: digest,
            };
            verify_pypi(root, document, &file, &expected)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logged_packages_read_back() {
        assert_eq!(
            LoggedPackage::parse("npm:@scope/pkg@1.2.3").unwrap(),
            LoggedPackage::Npm {
                name: "@scope/pkg".into(),
                version: "1.2.3".into()
            }
        );
        assert_eq!(
            LoggedPackage::parse("pypi:a-1.0.tar.gz").unwrap(),
            LoggedPackage::Pypi {
                filename: "a-1.0.tar.gz".into()
            }
        );
        for bad in ["npm:nover", "npm:@1", "oci:x", "pypi:", "plain"] {
            assert!(LoggedPackage::parse(bad).is_err(), "{bad}");
        }
    }
}
