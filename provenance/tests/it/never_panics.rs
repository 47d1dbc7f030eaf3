//! Whatever bytes arrive as an attestation document, verification answers with a refusal and
//! never panics: random bytes, and the real documents with random bytes changed.

use proptest::prelude::*;
use provenance::{
    Digest, ExpectedSource, NpmPackage, PypiFile, TrustRoot, verify_npm, verify_pypi,
};
use std::sync::LazyLock;

use crate::fixtures::fixture;

static ROOT: LazyLock<TrustRoot> = LazyLock::new(crate::fixtures::public_good);

fn npm(document: &[u8]) {
    let package = NpmPackage {
        name: "sigstore".into(),
        version: "5.0.0".into(),
        integrity: Digest::Sha512([0x84; 64]),
    };
    let expected = ExpectedSource::new(
        "io.github.sigstore/sigstore-js",
        "https://github.com/sigstore/sigstore-js",
    )
    .unwrap();
    let _ = verify_npm(&ROOT, document, &package, &expected);
}

fn pypi(document: &[u8]) {
    let file = PypiFile {
        filename: "pypi_attestations-0.0.19.tar.gz".into(),
        sha256: Digest::Sha256([0x9b; 32]),
    };
    let expected = ExpectedSource::new(
        "com.example/x",
        "https://github.com/trailofbits/pypi-attestations",
    )
    .unwrap();
    let _ = verify_pypi(&ROOT, document, &file, &expected);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        npm(&bytes);
        pypi(&bytes);
    }

    #[test]
    fn changed_real_documents_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        for (name, check) in [
            ("sigstore-5.0.0.attestations.json", npm as fn(&[u8])),
            ("pypi_attestations-0.0.19.tar.gz.provenance", pypi as fn(&[u8])),
        ] {
            let mut document = fixture(name);
            for (at, byte) in &edits {
                let at = at.index(document.len());
                document[at] = *byte;
            }
            check(&document);
        }
    }
}
