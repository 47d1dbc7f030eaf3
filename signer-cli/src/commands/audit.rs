//! `audit`: the MCP servers configured on this machine, and what is risky about each: what it
//! runs and which package version that resolves to, unpinned versions, plaintext secrets (never
//! printed), missing sandboxing and, with `--registry`, the registry's verdict.

mod command;
mod config;
mod findings;
mod fix;
mod fix_backup;
mod fix_entry;
mod locations;
mod registry;
mod render;
mod report;
mod safe_display;
mod secrets;
mod spans;

pub(crate) use self::command::audit;
