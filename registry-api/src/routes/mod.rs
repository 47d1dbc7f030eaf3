//! HTTP handlers, one file per route action; [`router`] lists every route. Handlers are thin:
//! extract, call `service`, answer.

mod deprecate;
mod fallback;
mod health;
mod keys_recheck;
mod keys_register;
mod keys_revoke;
mod log_checkpoint;
mod log_key;
mod log_proofs;
mod log_tile;
mod metrics;
mod official_errors;
pub mod openapi;
mod publish;
pub mod rate_limit;
mod release_statement;
mod responses;
mod router;
mod search;
mod server_detail;
mod server_path;
mod server_version;
mod server_versions;
mod servers_list;
mod stats;
mod verify;
mod yank;

pub use router::{api, router};
