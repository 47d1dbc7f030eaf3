//! Real MCP parts for the gateway tests: the official reference servers from npm
//! (`@modelcontextprotocol/server-filesystem`, `server-everything`, pinned in
//! `testkit/node/package-lock.json`, installed by `scripts/node-packages`), a real client on the
//! official MCP Python SDK (`data/mcp/client_session.py`, the SDK pinned in
//! `scripts/python-requirements.txt`, installed by `scripts/python-venv`) and the rug-pull and
//! poisoned test servers beside it. `scripts/test` installs both and sets
//! `MCP_TRUST_NODE_PACKAGES` and `MCP_TRUST_PY_VENV`; a test run without them panics saying so.
//!
//! Servers are argv vectors (program first), so a test runs them directly or puts a gateway in
//! front: `["mcp-sign", "run", "--", argv...]`. They run `node` on the installed files, never
//! `npx`, so nothing reaches the network.

use std::ffi::OsStr;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

/// How long one client session may run. Each request inside it is bounded by the client (30 s);
/// this only keeps a broken gateway or server from hanging the suite.
const SESSION_LIMIT: Duration = Duration::from_secs(180);

/// The folder `scripts/node-packages` installed (its `node_modules/` holds the pinned servers).
pub fn node_packages() -> PathBuf {
    let dir = std::env::var_os("MCP_TRUST_NODE_PACKAGES").map(PathBuf::from).unwrap_or_else(|| {
        panic!(
            "MCP_TRUST_NODE_PACKAGES is not set: the MCP tests run the official reference servers \
             from npm. Run them through scripts/test, or set it yourself: \
             export MCP_TRUST_NODE_PACKAGES=\"$(scripts/node-packages)\""
        )
    });
    assert!(
        dir.join("node_modules").is_dir(),
        "MCP_TRUST_NODE_PACKAGES={} has no node_modules/: run scripts/node-packages (it prints \
         the folder to set)",
        dir.display()
    );
    dir
}

/// The Python of the venv `scripts/python-venv` made (it has the official MCP SDK).
pub fn python() -> PathBuf {
    let venv = std::env::var_os("MCP_TRUST_PY_VENV").map(PathBuf::from).unwrap_or_else(|| {
        panic!(
            "MCP_TRUST_PY_VENV is not set: the MCP tests use the official MCP Python SDK. Run them \
             through scripts/test, or set it yourself: \
             export MCP_TRUST_PY_VENV=\"$(scripts/python-venv)\""
        )
    });
    let python = venv.join("bin").join("python");
    assert!(
        python.exists(),
        "MCP_TRUST_PY_VENV={} has no bin/python: run scripts/python-venv (it prints the folder \
         to set)",
        venv.display()
    );
    python
}

/// A file of `testkit/data/mcp/` (the client and the test servers).
pub fn script(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/mcp")
        .join(name);
    assert!(path.is_file(), "no test program {}", path.display());
    path
}

/// The official filesystem server, allowed to work in `root` only.
pub fn filesystem_server(root: &Path) -> Vec<String> {
    let mut argv = node_bin("@modelcontextprotocol/server-filesystem");
    argv.push(root.display().to_string());
    argv
}

/// The official "everything" server (tools, prompts, resources, sampling ...), on stdio.
pub fn everything_server() -> Vec<String> {
    let mut argv = node_bin("@modelcontextprotocol/server-everything");
    argv.push("stdio".to_owned());
    argv
}

/// `data/mcp/rug_pull_server.py`: `get_weather` turns malicious after its first call.
pub fn rug_pull_server() -> Vec<String> {
    python_program("rug_pull_server.py")
}

/// `data/mcp/poisoned_server.py`: a tool and a prompt with hidden instructions.
pub fn poisoned_server() -> Vec<String> {
    python_program("poisoned_server.py")
}

/// The calls a test server received, one JSON object each (`{"method", "name", "arguments"}`),
/// from the file its `RUG_PULL_CALL_LOG` named. No file yet means no call.
pub fn call_log(path: &Path) -> Vec<Value> {
    match std::fs::read_to_string(path) {
        Ok(text) => text
            .lines()
            .map(|line| serde_json::from_str(line).expect("a call log line is JSON"))
            .collect(),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(err) => panic!("cannot read the call log {}: {err}", path.display()),
    }
}

/// Runs the real client (`client_session.py`) through `plan` (a list of steps, see the script)
/// against `server_argv`, and returns its transcript (`{"steps": [...], "notifications": [...]}`).
/// `env` is added to the client's environment, which the server (or a gateway) inherits whole.
/// Panics with the client's stderr when it fails. Blocking: from an async test, call it inside
/// `tokio::task::spawn_blocking`.
pub fn client_session<K, V>(
    plan: &Value,
    server_argv: &[String],
    env: impl IntoIterator<Item = (K, V)>,
) -> Value
where
    K: AsRef<OsStr>,
    V: AsRef<OsStr>,
{
    let out = client_session_output(plan, server_argv, env);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the MCP client failed ({}) against {server_argv:?}:\n{stderr}\nstdout:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|err| {
        panic!("the MCP client printed no JSON transcript ({err}):\n{stderr}")
    })
}

/// [`client_session`] without the checks, for tests of a session that must fail (a refused
/// start exits 3, a timed-out `wait_tools_changed` 4; the transcript is on stdout when there is
/// one).
pub fn client_session_output<K, V>(
    plan: &Value,
    server_argv: &[String],
    env: impl IntoIterator<Item = (K, V)>,
) -> Output
where
    K: AsRef<OsStr>,
    V: AsRef<OsStr>,
{
    assert!(!server_argv.is_empty(), "no server command");
    let mut cmd = Command::new(python());
    cmd.arg(script("client_session.py"))
        .arg(plan.to_string())
        .arg("--")
        .args(server_argv)
        .envs(env);
    run_bounded(&mut cmd, SESSION_LIMIT)
}

/// `node` on the installed bin of `package` (from its package.json, so a release that moves
/// its entry point still runs).
fn node_bin(package: &str) -> Vec<String> {
    let dir = node_packages().join("node_modules").join(package);
    let manifest = dir.join("package.json");
    let text = std::fs::read_to_string(&manifest).unwrap_or_else(|err| {
        panic!(
            "{package} is not installed ({}: {err}); run scripts/node-packages",
            manifest.display()
        )
    });
    let json: Value = serde_json::from_str(&text).expect("package.json is JSON");
    let bin = match &json["bin"] {
        Value::String(bin) => bin.clone(),
        Value::Object(bins) if bins.len() == 1 => bins
            .values()
            .next()
            .and_then(Value::as_str)
            .expect("a bin path")
            .to_owned(),
        other => panic!("{package}: no single bin in package.json: {other}"),
    };
    vec!["node".to_owned(), dir.join(bin).display().to_string()]
}

fn python_program(name: &str) -> Vec<String> {
    vec![
        python().display().to_string(),
        script(name).display().to_string(),
    ]
}

/// Runs `cmd` to its end, or kills it after `limit` and panics with what it wrote. Output is
/// read as it comes; once the process has exited, a grandchild still holding a pipe open is
/// waited for a few seconds only.
fn run_bounded(cmd: &mut Command, limit: Duration) -> Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("cannot start {cmd:?}: {err}"));
    let stdout = Collected::start(child.stdout.take().expect("stdout"));
    let stderr = Collected::start(child.stderr.take().expect("stderr"));
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the MCP client") {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{cmd:?} still ran after {limit:?}; killed. stderr:\n{}",
                String::from_utf8_lossy(&stderr.finish())
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: stdout.finish(),
        stderr: stderr.finish(),
    }
}

/// A pipe read to its end on a thread of its own.
struct Collected {
    bytes: Arc<Mutex<Vec<u8>>>,
    done: std::sync::mpsc::Receiver<()>,
}

impl Collected {
    fn start(mut pipe: impl Read + Send + 'static) -> Self {
        let bytes = Arc::new(Mutex::new(Vec::new()));
        let (tx, done) = std::sync::mpsc::channel();
        let sink = Arc::clone(&bytes);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match pipe.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => sink
                        .lock()
                        .expect("output buffer")
                        .extend_from_slice(&buf[..n]),
                    Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
            let _ = tx.send(());
        });
        Self { bytes, done }
    }

    fn finish(self) -> Vec<u8> {
        let _ = self.done.recv_timeout(Duration::from_secs(5));
        std::mem::take(&mut *self.bytes.lock().expect("output buffer"))
    }
}
