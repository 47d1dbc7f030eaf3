#![doc = include_str!("../README.md")]

pub mod clock;
pub mod crawl;
pub mod error;
pub mod github;
pub mod github_models;
pub mod mirror;
pub mod record;
pub mod retry;
pub mod store;

pub use clock::{BoxFuture, Clock, SystemClock};
pub use crawl::{CrawlOptions, CrawlProgress, CrawlSummary, Crawler};
pub use error::{Error, Result};
pub use github::{Github, GithubConfig};
pub use mirror::{Mirror, MirrorSummary};
pub use record::{FileProblem, RepoRecord};
pub use retry::Skipped;
pub use store::{CrawlStore, SeenRepo};
