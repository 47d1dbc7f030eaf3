//! One module per command; `run` dispatches.

mod audit;
mod check;
mod deprecate;
mod key;
mod keys;
mod log;
mod log_trust;
mod manifest;
mod pins;
mod publish;
mod registry_client;
mod scan;
mod yank;

use anyhow::Result;

use crate::cli::{Command, KeyCommand, LogCommand, ManifestCommand};
use crate::output::Output;

pub(crate) fn run(command: Command, out: &Output) -> Result<()> {
    match command {
        Command::Keygen(args) => keys::keygen(args, out),
        Command::Sign(args) => keys::sign(args, out),
        Command::Verify(args) => keys::verify(args, out),
        Command::Manifest(ManifestCommand::Init(args)) => manifest::init(args, out),
        Command::Manifest(ManifestCommand::Check(args)) => manifest::check(args, out),
        Command::Key(KeyCommand::Register(args)) => key::register(args, out),
        Command::Key(KeyCommand::Revoke(args)) => key::revoke(args, out),
        Command::Key(KeyCommand::Recheck(args)) => key::recheck(args, out),
        Command::Publish(args) => publish::publish(args, out),
        Command::Yank(args) => yank::yank(args, out),
        Command::Unyank(args) => yank::unyank(args, out),
        Command::Deprecate(args) => deprecate::deprecate(args, out),
        Command::Undeprecate(args) => deprecate::undeprecate(args, out),
        Command::Check(args) => check::check(args, out),
        Command::Log(LogCommand::Verify(args)) => log::verify(args, out),
        Command::Scan(args) => scan::scan(args, out),
        Command::Audit(args) => audit::audit(args, out),
    }
}
