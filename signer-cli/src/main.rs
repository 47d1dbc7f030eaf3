#![doc = include_str!("../README.md")]

mod cli;
mod commands;
mod dirs;
mod files;
mod guard;
mod launch;
mod output;
mod password;
mod prelaunch;
mod secrets;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::Cli;
use crate::output::Output;

/// Exit code of a check that ran and found the input untrustworthy (bad signature, ...).
pub(crate) const EXIT_VERIFICATION_FAILED: u8 = 1;
/// Exit code of bad usage, or input that could not be read or parsed. clap uses it too.
pub(crate) const EXIT_BAD_INPUT: u8 = 2;

/// An error that means "the check ran and said no", as opposed to "could not run the check".
/// Commands return it (inside `anyhow::Error`) so `main` can pick exit code 1.
#[derive(Debug)]
pub(crate) struct VerificationFailed(pub(crate) anyhow::Error);

impl std::fmt::Display for VerificationFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:#}", self.0)
    }
}

impl std::error::Error for VerificationFailed {}

/// A failure the command has already reported in full on stdout (`manifest check` lists every
/// problem; with `--json` as the one JSON document). `main` adds only the one-line summary on
/// stderr for people, prints nothing more for programs, and exits with `exit_code`.
#[derive(Debug)]
pub(crate) struct Reported {
    pub(crate) summary: String,
    pub(crate) exit_code: u8,
}

impl std::fmt::Display for Reported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.summary)
    }
}

impl std::error::Error for Reported {}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let out = Output::new(cli.json);
    match commands::run(cli.command, &out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            if let Some(reported) = err.downcast_ref::<Reported>() {
                out.note(&format!("error: {}", reported.summary));
                return ExitCode::from(reported.exit_code);
            }
            let code = if err.downcast_ref::<VerificationFailed>().is_some() {
                EXIT_VERIFICATION_FAILED
            } else {
                EXIT_BAD_INPUT
            };
            out.error(&err, code);
            ExitCode::from(code)
        }
    }
}
