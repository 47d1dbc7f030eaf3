//! `audit --fix` for one server entry: the entry as it must be to start through
//! `mcp-sign run`, and the plaintext secrets that move out of it into the secret store.
//!
//! - a command: `{"command": MCP_SIGN, "args": ["run", "--name", NAME, ("--registry", URL,)
//!   ("--env", "VAR=secret:KEY",)... "--", COMMAND, ARGS...]}`, the moved variables gone from
//!   `env`;
//! - a remote server: `{"command": MCP_SIGN, "args": ["run", "--name", NAME, "--url", URL,
//!   ("--header", "NAME=secret:KEY" or "NAME=VALUE",)...]}`;
//! - an entry already going through `mcp-sign run` keeps its flags; only secrets still in its
//!   `env` move (their `--env` flags go before `--`).
//!
//! Every other key stays, in its place.

use std::path::Path;

use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::secrets;
use crate::secrets::{Assignment, SecretKey};

/// What a rewrite needs to know about this run.
#[derive(Debug)]
pub(super) struct Wrapper<'a> {
    /// The absolute path of this mcp-sign.
    pub(super) exe: &'a str,
    /// `--registry`, passed on to `run`.
    pub(super) registry: Option<&'a str>,
}

/// A secret leaving the file.
#[derive(Debug)]
pub(super) struct Moved {
    pub(super) key: SecretKey,
    pub(super) value: Zeroizing<String>,
    /// `env.NAME` or `headers.NAME`, for people.
    pub(super) field: String,
}

/// The rewritten entry, or `None` when it needs no change.
#[derive(Debug)]
pub(super) struct Rewritten {
    pub(super) entry: Value,
    pub(super) moved: Vec<Moved>,
}

/// The key a secret of `server`'s `name` is stored under (chosen by the caller, which knows
/// what the store holds already).
pub(super) type ChooseKey<'a> = dyn FnMut(&str, &str, &str) -> SecretKey + 'a;

/// The URL keys clients use for remote servers.
const URL_KEYS: [&str; 3] = ["url", "serverUrl", "httpUrl"];

/// Whether `command` with `first_arg` is `mcp-sign run` (any path to mcp-sign).
fn is_mcp_sign_run(command: &str, first_arg: Option<&str>) -> bool {
    Path::new(command)
        .file_stem()
        .is_some_and(|s| s == "mcp-sign")
        && first_arg == Some("run")
}

/// Whether `obj` already starts through `mcp-sign run`.
pub(super) fn is_wrapped(obj: &Map<String, Value>) -> bool {
    let first_arg = obj
        .get("args")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(Value::as_str);
    obj.get("command")
        .and_then(Value::as_str)
        .is_some_and(|c| is_mcp_sign_run(c, first_arg))
}

/// For `mcp-sign run ... --url URL` (no command after `--`), the URL.
pub(super) fn wrapped_url<'a>(command: &str, args: &'a [String]) -> Option<&'a str> {
    if !is_mcp_sign_run(command, args.first().map(String::as_str)) {
        return None;
    }
    let flags = args.split(|a| a == "--").next().unwrap_or_default();
    let at = flags.iter().position(|a| a == "--url")?;
    flags.get(at + 1).map(String::as_str)
}

/// For `mcp-sign run ... -- COMMAND ARGS...`, the command `run` starts and its arguments.
pub(super) fn wrapped_command<'a>(
    command: &str,
    args: &'a [String],
) -> Option<(&'a str, &'a [String])> {
    if !is_mcp_sign_run(command, args.first().map(String::as_str)) {
        return None;
    }
    let dashes = args.iter().position(|a| a == "--")?;
    let (inner, rest) = args.get(dashes + 1..)?.split_first()?;
    Some((inner.as_str(), rest))
}

/// The entry `name` rewritten, `Ok(None)` if nothing changes, or why it cannot be rewritten.
pub(super) fn rewrite(
    name: &str,
    entry: &Value,
    wrapper: &Wrapper<'_>,
    choose: &mut ChooseKey<'_>,
) -> Result<Option<Rewritten>, String> {
    let Value::Object(obj) = entry else {
        return Err("is not an object".to_owned());
    };
    let mut moved = Vec::new();
    // Only a command gets an environment (`run --url` passes headers, not variables).
    let env = obj
        .get("env")
        .and_then(Value::as_object)
        .filter(|_| obj.get("command").is_some_and(Value::is_string));
    let (kept_env, env_flags) = split_secrets(name, "env", env, choose, &mut moved);

    if is_wrapped(obj) {
        if moved.is_empty() {
            return Ok(None);
        }
        let mut args = string_args(obj)?;
        let at = args.iter().position(|a| a == "--").unwrap_or(args.len());
        let flags = env_flags.into_iter().flat_map(|f| ["--env".to_owned(), f]);
        args.splice(at..at, flags);
        let entry = command_entry(obj, &args, &kept_env, None);
        return Ok(Some(Rewritten { entry, moved }));
    }

    let mut args = vec!["run".to_owned(), "--name".to_owned(), name.to_owned()];
    if let Some(registry) = wrapper.registry {
        args.extend(["--registry".to_owned(), registry.to_owned()]);
    }
    if let Some(command) = obj.get("command").and_then(Value::as_str) {
        args.extend(env_flags.into_iter().flat_map(|f| ["--env".to_owned(), f]));
        args.push("--".to_owned());
        args.push(command.to_owned());
        args.extend(string_args(obj)?);
        let entry = command_entry(obj, &args, &kept_env, Some(wrapper.exe));
        return Ok(Some(Rewritten { entry, moved }));
    }

    let Some((url_key, url)) = URL_KEYS
        .iter()
        .find_map(|k| obj.get(*k).and_then(Value::as_str).map(|u| (*k, u)))
    else {
        return Err("has neither a \"command\" nor a \"url\"".to_owned());
    };
    let headers = obj.get("headers").and_then(Value::as_object);
    let (kept_headers, header_flags) = split_secrets(name, "headers", headers, choose, &mut moved);
    args.extend(["--url".to_owned(), url.to_owned()]);
    let literal_headers = kept_headers.iter().map(|(k, v)| match v {
        Value::String(s) => Assignment::literal(k, s).to_string(),
        other => Assignment::literal(k, &other.to_string()).to_string(),
    });
    for flag in header_flags.into_iter().chain(literal_headers) {
        args.extend(["--header".to_owned(), flag]);
    }
    let entry = replace_keys(obj, |key, value, out| match key {
        k if k == url_key => {
            out.insert("command".to_owned(), Value::from(wrapper.exe));
            out.insert("args".to_owned(), strings(&args));
        }
        // The client now starts a local process.
        "type" | "transport" => {
            out.insert(key.to_owned(), Value::from("stdio"));
        }
        "headers" => {}
        k if URL_KEYS.contains(&k) => {}
        _ => {
            out.insert(key.to_owned(), value.clone());
        }
    });
    Ok(Some(Rewritten { entry, moved }))
}

/// A command entry with `args` and the kept `env` in place; with `exe`, its command becomes
/// the wrapper (and `args` is added where the entry had none).
fn command_entry(
    obj: &Map<String, Value>,
    args: &[String],
    kept_env: &Map<String, Value>,
    exe: Option<&str>,
) -> Value {
    let had_args = obj.contains_key("args");
    replace_keys(obj, |key, value, out| match (key, exe) {
        ("command", Some(exe)) => {
            out.insert(key.to_owned(), Value::from(exe));
            if !had_args {
                out.insert("args".to_owned(), strings(args));
            }
        }
        ("args", _) => {
            out.insert(key.to_owned(), strings(args));
        }
        ("env", _) => put_env(out, kept_env),
        _ => {
            out.insert(key.to_owned(), value.clone());
        }
    })
}

/// The members of `table` (`env` or `headers`) that are not plaintext secrets, and a
/// `NAME=secret:KEY` flag for each that is (added to `moved`).
fn split_secrets(
    server: &str,
    table: &str,
    members: Option<&Map<String, Value>>,
    choose: &mut ChooseKey<'_>,
    moved: &mut Vec<Moved>,
) -> (Map<String, Value>, Vec<String>) {
    let mut kept = Map::new();
    let mut flags = Vec::new();
    for (name, value) in members.into_iter().flatten() {
        match value.as_str() {
            Some(v) if secrets::plaintext(name, v).is_some() => {
                let key = choose(server, name, v);
                flags.push(Assignment::secret(name, key.clone()).to_string());
                moved.push(Moved {
                    key,
                    value: Zeroizing::new(v.to_owned()),
                    field: format!("{table}.{name}"),
                });
            }
            _ => {
                kept.insert(name.clone(), value.clone());
            }
        }
    }
    (kept, flags)
}

fn string_args(obj: &Map<String, Value>) -> Result<Vec<String>, String> {
    match obj.get("args") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| "has \"args\" that are not all strings".to_owned())
            })
            .collect(),
        Some(_) => Err("has \"args\" that is not an array of strings".to_owned()),
    }
}

fn strings(items: &[String]) -> Value {
    Value::Array(items.iter().map(|s| Value::from(s.as_str())).collect())
}

/// `env` with the moved variables gone, or no `env` when none is left.
fn put_env(out: &mut Map<String, Value>, kept: &Map<String, Value>) {
    if !kept.is_empty() {
        out.insert("env".to_owned(), Value::Object(kept.clone()));
    }
}

/// A copy of `obj` built key by key in the original order by `each`.
fn replace_keys(
    obj: &Map<String, Value>,
    mut each: impl FnMut(&str, &Value, &mut Map<String, Value>),
) -> Value {
    let mut out = Map::new();
    for (key, value) in obj {
        each(key, value, &mut out);
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn token() -> String {
        format!("ghp_{}", "Ab12".repeat(9))
    }

    fn fix(name: &str, entry: Value) -> Option<Rewritten> {
        let wrapper = Wrapper {
            exe: "/bin/mcp-sign",
            registry: Some("https://reg"),
        };
        let mut choose = |s: &str, n: &str, _: &str| SecretKey::for_server(s, n);
        rewrite(name, &entry, &wrapper, &mut choose).unwrap()
    }

    #[test]
    fn a_command_is_wrapped_and_its_secret_moves() {
        let entry = json!({
            "type": "stdio",
            "command": "npx",
            "args": ["-y", "@modelcontextprotocol/server-github@1.0.0"],
            "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": token(), "LOG": "debug"},
            "extra": 1
        });
        let fixed = fix("github", entry).unwrap();
        assert_eq!(
            fixed.entry,
            json!({
                "type": "stdio",
                "command": "/bin/mcp-sign",
                "args": ["run", "--name", "github", "--registry", "https://reg",
                    "--env", "GITHUB_PERSONAL_ACCESS_TOKEN=secret:github.GITHUB_PERSONAL_ACCESS_TOKEN",
                    "--", "npx", "-y", "@modelcontextprotocol/server-github@1.0.0"],
                "env": {"LOG": "debug"},
                "extra": 1
            })
        );
        assert_eq!(fixed.moved.len(), 1);
        assert_eq!(fixed.moved[0].value.as_str(), token());
        // Fixing again changes nothing.
        assert!(fix("github", fixed.entry).is_none());
    }

    #[test]
    fn the_wrapped_command_is_found() {
        let args: Vec<String> = ["run", "--name", "g", "--", "npx", "-y", "pkg@1"]
            .map(str::to_owned)
            .to_vec();
        let (command, rest) = wrapped_command("/x/mcp-sign", &args).unwrap();
        assert_eq!((command, rest), ("npx", &args[5..]));
        assert!(wrapped_command("npx", &args).is_none());
        assert!(wrapped_command("mcp-sign", &args[..4]).is_none());
        assert!(wrapped_url("/x/mcp-sign", &args).is_none());
        let remote: Vec<String> = ["run", "--name", "r", "--url", "https://h/mcp"]
            .map(str::to_owned)
            .to_vec();
        assert_eq!(wrapped_url("mcp-sign", &remote), Some("https://h/mcp"));
    }

    #[test]
    fn a_wrapped_entry_keeps_its_flags() {
        let entry = json!({
            "command": "/other/mcp-sign",
            "args": ["run", "--name", "g", "--read-only", "--", "uvx", "x"],
            "env": {"API_TOKEN": token()}
        });
        let fixed = fix("g", entry).unwrap();
        assert_eq!(
            fixed.entry,
            json!({
                "command": "/other/mcp-sign",
                "args": ["run", "--name", "g", "--read-only",
                    "--env", "API_TOKEN=secret:g.API_TOKEN", "--", "uvx", "x"]
            })
        );
    }

    #[test]
    fn a_remote_server_gets_header_flags() {
        let entry = json!({
            "type": "http",
            "url": "https://api.example.com/mcp",
            "headers": {"Authorization": format!("Bearer {}", token()), "X-Team": "core"},
            "disabled": false
        });
        let fixed = fix("remote", entry).unwrap();
        assert_eq!(
            fixed.entry,
            json!({
                "type": "stdio",
                "command": "/bin/mcp-sign",
                "args": ["run", "--name", "remote", "--registry", "https://reg",
                    "--url", "https://api.example.com/mcp",
                    "--header", "Authorization=secret:remote.Authorization",
                    "--header", "X-Team=core"],
                "disabled": false
            })
        );
        assert_eq!(fixed.moved[0].field, "headers.Authorization");
    }
}
