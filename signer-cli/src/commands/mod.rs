//! One module per command; `run` dispatches.

mod audit;
mod check;
mod deprecate;
mod key_registration;
mod log_trust_store;
mod log_verify;
mod manifest;
mod pins;
mod publish;
mod registry_client;
mod run;
mod scan;
mod secret;
mod signing;
mod tool_pins;
mod yank;

use anyhow::Result;

use crate::cli::{Command, KeyCommand, LogCommand, ManifestCommand, PinsCommand, SecretCommand};
use crate::output::Output;

pub(crate) fn run(command: Command, out: &Output) -> Result<()> {
    match command {
        Command::Keygen(args) => signing::keygen(args, out),
        Command::Sign(args) => signing::sign(args, out),
        Command::Verify(args) => signing::verify(args, out),
        Command::Manifest(ManifestCommand::Init(args)) => manifest::init(args, out),
        Command::Manifest(ManifestCommand::Check(args)) => manifest::check(args, out),
        Command::Key(KeyCommand::Register(args)) => key_registration::register(args, out),
        Command::Key(KeyCommand::Revoke(args)) => key_registration::revoke(args, out),
        Command::Key(KeyCommand::Recheck(args)) => key_registration::recheck(args, out),
        Command::Publish(args) => publish::publish(args, out),
        Command::Yank(args) => yank::yank(args, out),
        Command::Unyank(args) => yank::unyank(args, out),
        Command::Deprecate(args) => deprecate::deprecate(args, out),
        Command::Undeprecate(args) => deprecate::undeprecate(args, out),
        Command::Check(args) => check::check(args, out),
        Command::Log(LogCommand::Verify(args)) => log_verify::verify(args, out),
        Command::Scan(args) => scan::scan(args, out),
        Command::Audit(args) => audit::audit(args, out),
        Command::Run(args) => run::run(*args),
        Command::Pins(PinsCommand::List(args)) => pins::list(args, out),
        Command::Pins(PinsCommand::Approve(args)) => pins::approve(args, out),
        Command::Secret(SecretCommand::Set(args)) => secret::set(&args.key, out),
        Command::Secret(SecretCommand::List) => secret::list(out),
        Command::Secret(SecretCommand::Rm(args)) => secret::rm(&args.key, out),
    }
}
