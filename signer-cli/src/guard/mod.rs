//! The gateway of `mcp-sign run`: an MCP stdio proxy that shows the client only tools that pass
//! the signed manifest, the user's pins, the scanner and the policy, and refuses calls to the
//! others before they reach the server.
//!
//! | file | what it holds |
//! |---|---|
//! | `framing.rs` | newline-delimited messages, with a size cap |
//! | `envelope.rs` | what a message is (request, notification, response), read without copying |
//! | `policy.rs` | read-only, destructive, allow and deny rules; the policy file |
//! | `pin_store.rs` | the per-server pins file and the tools waiting for approval |
//! | `review.rs` | one tool: allowed, or refused and why |
//! | `session.rs` | the state between client and server: listings, the view, waiting calls |
//! | `relay.rs` | the child process, the pipes and the threads |
//! | `audit_log.rs` | one JSON line per decision, one line on stderr |

pub(crate) mod audit_log;
mod envelope;
mod framing;
pub(crate) mod http_relay;
pub(crate) mod pin_store;
pub(crate) mod policy;
pub(crate) mod relay;
pub(crate) mod review;
pub(crate) mod session;
