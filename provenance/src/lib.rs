//! Sigstore build provenance for the packages MCP servers ship: npm's SLSA provenance and PyPI's
//! PEP 740 attestations, verified against the Sigstore public-good trusted root and held against
//! the server's own repository. No I/O: callers fetch the documents and pass their bytes.
//!
//! ```no_run
//! use provenance::{Digest, ExpectedSource, NpmPackage, TrustRoot, verify_npm};
//! # fn main() -> Result<(), provenance::Error> {
//! let root = TrustRoot::public_good()?;
//! let expected = ExpectedSource::new("io.github.sigstore/sigstore-js", "https://github.com/sigstore/sigstore-js")?;
//! let package = NpmPackage {
//!     name: "sigstore".into(),
//!     version: "5.0.0".into(),
//!     integrity: Digest::from_npm_integrity("sha512-hJqJfoG/e4qFQaauQL00c6J6FrHLBGKtkFvW3JbTSIEFOhLrSjdSM/gWd/yUOfYo/gsERehTXGC1VZWX+9X4Dg==")?,
//! };
//! let document = b"..."; // GET {registry}/-/npm/v1/attestations/sigstore@5.0.0
//! let provenance = verify_npm(&root, document, &package, &expected)?;
//! println!("built from {} at {}", provenance.repository, provenance.commit);
//! # Ok(()) }
//! ```

mod bundle;
mod check;
mod digest;
mod error;
mod identity;
mod logged;
mod npm;
mod provenance;
mod pypi;
mod source;
mod statement;
mod trust_root;

pub use digest::Digest;
pub use error::Error;
pub use logged::{LoggedPackage, reverify};
pub use npm::{NpmPackage, verify_npm};
pub use provenance::Provenance;
pub use pypi::{PypiFile, verify_pypi};
pub use source::{ExpectedSource, Forge, Repository};
pub use trust_root::{PUBLIC_GOOD_TRUSTED_ROOT, TrustRoot};
