//! What the checker remembers from one part of the manifest to check another against:
//! packages for the release extension's artifacts, named inputs for its secrets.

/// A named input (environment variable or header) seen in the manifest, for matching against
/// the release extension's `secrets`.
#[derive(Debug)]
pub(super) struct NamedInput<'a> {
    pub(super) path: String,
    pub(super) name: &'a str,
    pub(super) is_secret: bool,
}

/// A package as far as the release extension needs it.
#[derive(Debug)]
pub(super) struct PackageInfo<'a> {
    pub(super) path: String,
    pub(super) registry_type: Option<&'a str>,
    pub(super) identifier: Option<&'a str>,
    pub(super) version: Option<&'a str>,
    pub(super) file_sha256: Option<&'a str>,
}
