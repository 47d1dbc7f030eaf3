//! `mcp-sign run [OPTIONS] -- COMMAND [ARGS...]`: the verifying gateway (see `crate::guard`).
//! This file is the shell around it: what the command runs, the policy, the pins and the
//! audit log, the checks before start (`verify.rs`), then the relay.

mod verify;

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Result, bail};
use serde_json::json;

use crate::Reported;
use crate::cli::RunArgs;
use crate::guard::audit_log::{self, AuditLog};
use crate::guard::http_relay::relay_remote;
use crate::guard::pin_store;
use crate::guard::policy::{self, PolicySettings, ToolPolicy};
use crate::guard::relay::relay;
use crate::guard::review::Reviewer;
use crate::guard::session::Session;
use crate::launch::{self, Launch, Source};
use crate::secrets;

/// The name a server is known by when `--name` is not given: its package, image or program.
fn default_name(source: &Source) -> String {
    match source {
        Source::Npm { name, .. } | Source::Pypi { name, .. } | Source::Nuget { name, .. } => {
            name.clone()
        }
        Source::Oci { image, .. } => image.clone(),
        Source::Url { url, .. } => url.clone(),
        Source::Local { program } => std::path::Path::new(program)
            .file_name()
            .map_or_else(|| program.clone(), |f| f.to_string_lossy().into_owned()),
    }
}

/// What `run` runs: a command (and what it resolves to), or a remote URL.
enum Target<'a> {
    Command {
        program: &'a str,
        args: &'a [String],
        launch: Launch,
    },
    Remote {
        url: &'a str,
    },
}

pub(crate) fn run(args: RunArgs) -> Result<()> {
    let target = match (&args.url, args.command.split_first()) {
        (Some(url), _) => Target::Remote { url },
        (None, Some((program, rest))) => Target::Command {
            program,
            args: rest,
            launch: launch::resolve(program, rest),
        },
        (None, None) => bail!(
            "give the server's command after --, e.g. mcp-sign run -- npx -y @scope/server@1.2.3, \
             or a remote server with --url"
        ),
    };
    let fallback = match &target {
        Target::Command { launch, .. } => default_name(&launch.source),
        Target::Remote { url } => (*url).to_owned(),
    };
    let log_path = match &args.audit_log {
        Some(p) => p.clone(),
        None => audit_log::default_path()?,
    };
    let mut log = AuditLog::open(&log_path, args.name.as_deref().unwrap_or(&fallback))?;
    let what = match &target {
        Target::Command { launch, .. } => launch.source.display(),
        Target::Remote { url } => format!("remote {url}"),
    };
    log.record(
        "starting",
        json!({"command": args.command, "url": args.url}),
        &format!("starting {what} (audit log {})", log.path().display()),
    );

    let verified = match (&args.registry, &target) {
        (
            Some(registry),
            Target::Command {
                launch,
                args: program_args,
                ..
            },
        ) => verify::verify(&args, registry, launch, program_args, &mut log)?,
        (Some(_), Target::Remote { .. }) => {
            log.record(
                "unverified",
                json!({"url": args.url}),
                "warning: --registry does not vouch for remote servers; only the tool checks apply",
            );
            verify::Verified::default()
        }
        (None, _) => {
            log.record(
                "unverified",
                json!({}),
                "warning: no --registry: who published this server is not checked; only pins, \
                 the scanner and the policy apply",
            );
            verify::Verified::default()
        }
    };
    let server = args
        .name
        .clone()
        .or_else(|| verified.name.clone())
        .unwrap_or_else(|| fallback.clone());
    log.set_server(&server);

    let flags = PolicySettings {
        read_only: args.policy.read_only,
        allow_destructive: args.policy.allow_destructive,
        allow_tools: args.policy.allow_tools.clone(),
        deny_tools: args.policy.deny_tools.clone(),
        min_level: None,
    };
    let settings = match &args.policy_file {
        Some(path) => policy::load_file(path, &[server.as_str(), fallback.as_str()])?.merged(flags),
        None => flags,
    };
    let reviewer = Reviewer {
        policy: ToolPolicy::new(&settings)?,
        signed: verified.signed_tools,
    };
    let pins_path: PathBuf = match &args.pins {
        Some(p) => p.clone(),
        None => pin_store::default_dir()?.join(pin_store::file_name(&server)),
    };
    // Secrets are read before anything starts, so a missing one stops here with how to add it.
    let envs = secrets::resolve(&args.envs)?;
    let headers: Vec<(String, String)> = secrets::resolve(&args.headers)?
        .into_iter()
        .map(|(name, value)| (name, value.as_str().to_owned()))
        .collect();
    log.record(
        "started",
        json!({"pins": pins_path, "env": envs.iter().map(|(n, _)| n).collect::<Vec<_>>(), "policy": {
            "readOnly": settings.read_only,
            "allowDestructive": settings.allow_destructive,
            "allowTools": settings.allow_tools,
            "denyTools": settings.deny_tools,
        }, "signedTools": reviewer.signed.as_ref().map(|t| t.keys().cloned().collect::<Vec<_>>())}),
        &format!("pins {}", pins_path.display()),
    );
    let session = Session::new(&server, reviewer, pins_path, log)?;
    let code = match target {
        Target::Command {
            program,
            args: program_args,
            ..
        } => {
            let mut command = Command::new(program);
            command.args(verified.args.as_deref().unwrap_or(program_args));
            for (name, value) in &envs {
                command.env(name, value.as_str());
            }
            relay(command, session, args.max_message_bytes)?
        }
        Target::Remote { url } => relay_remote(url, headers, session, args.max_message_bytes)?,
    };
    if code == 0 {
        Ok(())
    } else {
        Err(Reported {
            summary: format!("the server exited with code {code}"),
            exit_code: code,
        }
        .into())
    }
}
