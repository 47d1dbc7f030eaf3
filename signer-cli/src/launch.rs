//! What a configured command runs: the package and version a launcher (`npx`, `uvx`,
//! `docker run`, ...) resolves to, and whether it runs in a container.

mod docker;
mod npm;
mod nuget;
pub(crate) mod pypi;
mod resolve;
mod source;
#[cfg(test)]
mod tests;

pub(crate) use self::resolve::resolve;
pub(crate) use self::source::{Pin, Source};

/// A resolved command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Launch {
    /// `npx`, `uvx`, `docker`, ...
    pub(crate) launcher: String,
    pub(crate) source: Source,
    /// For containers: what weakens the isolation (`--privileged`, a mounted home folder, ...).
    pub(crate) container: Option<Vec<String>>,
    /// Whether the launcher re-resolves on each start (`--refresh`, `@latest`).
    pub(crate) refresh: bool,
}
