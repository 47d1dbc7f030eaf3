//! The indexer's one error type. Messages never hold the GitHub token: requests carry it in a
//! header that no message quotes.

/// Everything that can stop a crawl or a mirror run. Problems with one repository's files do
/// not stop anything: they are recorded on its [`RepoRecord`](crate::RepoRecord).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A setting is unusable (a URL that does not parse, ...).
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The remote could not be reached or answered with something unusable, after retries.
    #[error("{0}")]
    Http(String),
    /// GitHub or the upstream registry answered with an error status.
    #[error("{url} answered {status}: {message}")]
    Status {
        url: String,
        status: u16,
        message: String,
    },
    /// The crawl state store (the registry's database) failed.
    #[error("crawl state: {0}")]
    Store(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
