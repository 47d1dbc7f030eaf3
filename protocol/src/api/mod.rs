//! The registry's HTTP wire types, shared by the server (`mcp-registry`) and its clients
//! (`mcp-sign`, MCP hosts).
//!
//! Two families:
//! - the official MCP registry's read API (`/v0.1/...`): [`ServerList`], [`ServerResponse`],
//!   [`ResponseMeta`], with the official `_meta` key and our verdict under our own key;
//! - our own API (`/v1/...`): publish, keys, yank, deprecate, verify, stats.
//!
//! Signed statements (key revocation, key rotation, yank, un-yank, deprecate, un-deprecate) are
//! built by [`Statement`]:
//! the client signs [`Statement::to_text`] with minisign and the registry rebuilds the same text
//! from the request to verify it, so no free-form signed text crosses the wire.
//!
//! One file per family: `official` (the `/v0.1` reads), `publish`, `keys` and `lifecycle`
//! (yank, deprecate) for our writes, `statement` for the signed text, `reads` for our `/v1`
//! reads, `transparency_log` for the log's proofs and `errors` for error bodies.

mod errors;
mod keys;
mod lifecycle;
mod official;
mod publish;
mod reads;
mod statement;
#[cfg(test)]
mod tests;
mod transparency_log;

pub use errors::*;
pub use keys::*;
pub use lifecycle::*;
pub use official::*;
pub use publish::*;
pub use reads::*;
pub use statement::*;
pub use transparency_log::*;
