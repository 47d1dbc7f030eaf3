//! The gateway's state between the client and the server: which tools the client may see and
//! call, the listings it watches, and the calls that wait for a listing. Pure of processes and
//! pipes (the relay feeds it lines and carries out what it sends), so it is tested directly.
//!
//! - A `tools/list` result from the server is reviewed tool by tool ([`Reviewer`]); refused
//!   tools are removed from what the client sees.
//! - A `tools/call` goes to the server only for a tool the last listing allowed. When the
//!   gateway does not know the current list (nothing listed yet, or the server said
//!   `notifications/tools/list_changed`), it lists the tools itself at once and the call waits.
//! - `prompts/list` loses prompts the scanner rates high; a `prompts/get` of one is refused,
//!   and a `prompts/get` result the scanner rates high is replaced by an error.
//! - Everything else passes as the original bytes.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use anyhow::Result;
use protocol::scan::diff_tools;
use serde_json::value::RawValue;
use serde_json::{Value, json};

use super::audit_log::{AuditLog, now};
use super::envelope::{IdKey, Kind, Malformed, classify, error_response, id_key};
use super::framing::content;
use super::pin_store::{Pending, PinStore};
use super::review::{Refusal, Review, Reviewer, high_finding, refusal_data};

/// JSON-RPC error code of a call the gateway refused (the implementation-defined range).
pub(crate) const REFUSED: i64 = -32001;
const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;

mod batch;
mod listing;
mod prompts;
#[cfg(test)]
mod tests;
mod tool_review;

/// Where the session's output goes.
pub(crate) trait Sink {
    fn to_server(&mut self, line: Vec<u8>);
    fn to_client(&mut self, line: Vec<u8>);
}

/// Which side sent a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Client,
    Server,
}

impl Side {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Side::Client => "the client",
            Side::Server => "the server",
        }
    }
}

/// A message that ends the session: the peer does not speak JSON-RPC.
#[derive(Debug)]
pub(crate) struct ProtocolError {
    pub(crate) from: Side,
    pub(crate) detail: String,
}

/// What a response the session watches for answers.
#[derive(Debug)]
enum Watch {
    /// A client's `tools/list`; `first_page` when it had no cursor.
    Tools {
        first_page: bool,
    },
    /// The gateway's own `tools/list` page.
    OwnTools,
    Prompts,
    PromptGet(String),
    /// The client's `initialize`: the server's `instructions` are read by the model too.
    Initialize,
}

pub(crate) struct Session {
    server: String,
    reviewer: Reviewer,
    pins_path: PathBuf,
    /// No pins existed when the session began and the first listing has not ended: tools seen
    /// are pinned instead of refused as new.
    first_use: bool,
    log: AuditLog,
    initialized: bool,
    watched: HashMap<IdKey, Watch>,
    next_id: u64,
    /// The gateway's own listing in progress: the tools of its pages so far.
    own_listing: Option<Vec<Value>>,
    /// Per tool name, why it is refused (`None`: allowed), from the latest listing.
    view: HashMap<String, Option<Refusal>>,
    /// Names seen in the client's current paginated listing.
    client_pages: HashSet<String>,
    /// A whole listing ended since the server last changed its tools.
    complete: bool,
    /// `tools/call` lines waiting for a listing.
    queued: Vec<Vec<u8>>,
    hidden_prompts: HashMap<String, String>,
    /// (tool, fingerprint, reason) already reported, so a listing repeated does not repeat
    /// the log.
    reported: HashSet<(String, String, &'static str)>,
}

/// What handling one line gives: `Err` when the peer broke the protocol (the relay stops).
type LineResult = Result<(), ProtocolError>;

/// A line's message, `None` for a line of only whitespace (passed on untouched).
fn non_blank(line: &[u8]) -> Option<&[u8]> {
    let body = content(line);
    (!body.iter().all(u8::is_ascii_whitespace)).then_some(body)
}

impl Session {
    pub(crate) fn new(
        server: &str,
        reviewer: Reviewer,
        pins_path: PathBuf,
        log: AuditLog,
    ) -> Result<Session> {
        let pins = PinStore::open(&pins_path, server)?;
        Ok(Session {
            server: server.to_owned(),
            reviewer,
            first_use: !pins.existed(),
            pins_path,
            log,
            initialized: false,
            watched: HashMap::new(),
            next_id: 0,
            own_listing: None,
            view: HashMap::new(),
            client_pages: HashSet::new(),
            complete: false,
            queued: Vec::new(),
            hidden_prompts: HashMap::new(),
            reported: HashSet::new(),
        })
    }

    pub(crate) fn log(&mut self) -> &mut AuditLog {
        &mut self.log
    }

    /// A line from the client.
    pub(crate) fn on_client_line(&mut self, line: Vec<u8>, out: &mut impl Sink) -> LineResult {
        let Some(body) = non_blank(&line) else {
            out.to_server(line);
            return Ok(());
        };
        let kind = match classify(body) {
            Ok(kind) => kind,
            Err(e) => {
                out.to_client(error_response(
                    None,
                    PARSE_ERROR,
                    &format!("mcp-sign run: {e}"),
                    None,
                ));
                return Err(malformed(Side::Client, &e));
            }
        };
        match kind {
            Kind::Batch => self.client_batch(line, out),
            Kind::Request { id, method, params } => match method.as_str() {
                "tools/call" => {
                    let name = param_str(params, "name");
                    self.call(line.clone(), id, name.as_deref(), out);
                }
                "tools/list" => {
                    let first_page = param_str(params, "cursor").is_none();
                    self.watched.insert(id_key(id), Watch::Tools { first_page });
                    out.to_server(line);
                }
                "initialize" => {
                    self.watched.insert(id_key(id), Watch::Initialize);
                    out.to_server(line);
                }
                "prompts/list" => {
                    self.watched.insert(id_key(id), Watch::Prompts);
                    out.to_server(line);
                }
                "prompts/get" => {
                    let name = param_str(params, "name").unwrap_or_default();
                    if let Some(finding) = self.hidden_prompts.get(&name).cloned() {
                        self.refuse_prompt(id, &name, &finding, out);
                    } else {
                        self.watched.insert(id_key(id), Watch::PromptGet(name));
                        out.to_server(line);
                    }
                }
                _ => out.to_server(line),
            },
            Kind::Notification { method } => {
                if method == "notifications/initialized" {
                    self.initialized = true;
                }
                out.to_server(line);
            }
            Kind::Response { .. } => out.to_server(line),
        }
        Ok(())
    }

    /// A line from the server.
    pub(crate) fn on_server_line(&mut self, line: Vec<u8>, out: &mut impl Sink) -> LineResult {
        let Some(body) = non_blank(&line) else {
            out.to_client(line);
            return Ok(());
        };
        if matches!(classify(body), Ok(Kind::Batch)) {
            return self.server_batch(body, out);
        }
        match self.server_message(body, out)? {
            Forward::Original => out.to_client(line),
            Forward::Replace(replaced) => out.to_client(replaced),
            Forward::Drop => {}
        }
        Ok(())
    }

    /// One message of the server: what the client gets of it.
    fn server_message(
        &mut self,
        body: &[u8],
        out: &mut impl Sink,
    ) -> Result<Forward, ProtocolError> {
        let kind = classify(body).map_err(|e| malformed(Side::Server, &e))?;
        let original = || Forward::Original;
        match kind {
            Kind::Response { id, result } => {
                let Some(watch) = self.watched.remove(&id_key(id)) else {
                    return Ok(original());
                };
                let result: Option<Value> = result.and_then(|r| serde_json::from_str(r.get()).ok());
                let replaced = match (watch, result) {
                    (Watch::OwnTools, result) => {
                        self.own_page(result, out);
                        return Ok(Forward::Drop);
                    }
                    (Watch::Tools { first_page }, Some(result)) => {
                        self.client_page(id, result, first_page)
                    }
                    (Watch::Prompts, Some(result)) => self.prompts_page(id, result),
                    (Watch::Initialize, Some(result)) => self.instructions(id, result),
                    (Watch::PromptGet(name), Some(result)) => {
                        self.prompt_result(id, &name, &result)
                    }
                    // An error answer passes as it is.
                    (_, None) => None,
                };
                Ok(replaced.map_or(Forward::Original, Forward::Replace))
            }
            Kind::Notification { method } if method == "notifications/tools/list_changed" => {
                self.complete = false;
                if self.initialized {
                    self.list_tools(None, out);
                }
                Ok(original())
            }
            Kind::Notification { method } if method == "notifications/prompts/list_changed" => {
                self.hidden_prompts.clear();
                Ok(original())
            }
            _ => Ok(original()),
        }
    }

    fn call(&mut self, line: Vec<u8>, id: &RawValue, name: Option<&str>, out: &mut impl Sink) {
        let Some(name) = name else {
            out.to_server(line);
            return;
        };
        match self.view.get(name) {
            Some(None) if self.complete || self.own_listing.is_none() => out.to_server(line),
            Some(Some(refusal)) if self.complete => {
                let refusal = refusal.clone();
                self.refuse_call(id, name, &refusal, out);
            }
            None if self.complete => {
                let message = format!(
                    "mcp-sign run refused tools/call {name}: the server's tools/list has no such tool"
                );
                self.log.record(
                    "call_refused",
                    json!({"tool": name, "reason": "not-listed"}),
                    &format!("refused a call to {name}: not in the server's tools/list"),
                );
                out.to_client(error_response(Some(id), REFUSED, &message, None));
            }
            _ if !self.initialized => {
                out.to_client(error_response(
                    Some(id),
                    INVALID_REQUEST,
                    "mcp-sign run refused tools/call: the session is not initialized",
                    None,
                ));
            }
            _ => {
                // Not known to be current: list first, then decide.
                self.queued.push(line);
                if self.own_listing.is_none() {
                    self.list_tools(None, out);
                }
            }
        }
    }

    fn refuse_call(&mut self, id: &RawValue, name: &str, refusal: &Refusal, out: &mut impl Sink) {
        let why = refusal.explain(&self.server, name);
        self.log.record(
            "call_refused",
            json!({"tool": name, "reason": refusal.code()}),
            &format!("refused a call to {name}: {why}"),
        );
        out.to_client(error_response(
            Some(id),
            REFUSED,
            &format!("mcp-sign run refused tools/call {name}: {why}"),
            Some(refusal_data(&self.server, name, refusal)),
        ));
    }
}

/// What the client gets of a server message.
enum Forward {
    /// The bytes as the server sent them.
    Original,
    /// This line instead.
    Replace(Vec<u8>),
    /// Nothing (an answer to the gateway's own request).
    Drop,
}

fn malformed(from: Side, e: &Malformed) -> ProtocolError {
    ProtocolError {
        from,
        detail: e.to_string(),
    }
}

fn param_str(params: Option<&RawValue>, key: &str) -> Option<String> {
    let params: Value = serde_json::from_str(params?.get()).ok()?;
    params.get(key)?.as_str().map(str::to_owned)
}

fn tools_of(result: &Value) -> Vec<Value> {
    match result.get("tools") {
        Some(Value::Array(tools)) => tools.clone(),
        _ => Vec::new(),
    }
}

fn response_line(id: &RawValue, result: &Value) -> Vec<u8> {
    let id: Value = serde_json::from_str(id.get()).unwrap_or(Value::Null);
    let mut line = serde_json::to_vec(&json!({"jsonrpc": "2.0", "id": id, "result": result}))
        .unwrap_or_default();
    line.push(b'\n');
    line
}
