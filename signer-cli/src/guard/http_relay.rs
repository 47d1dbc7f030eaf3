//! `mcp-sign run --url`: the gateway between a stdio client and a remote server over MCP's
//! streamable HTTP transport (2025-06-18). Each client message is POSTed; the answer is one
//! JSON message or an event stream of messages, each fed to the session as if the server had
//! written it on stdout. After initialization a GET stream carries what the server sends on
//! its own (a server may refuse it with 405). The session id the server assigns is sent back
//! on every request, and the session is ended with DELETE when the client leaves.

use std::io::{self, BufRead, BufReader, BufWriter, Read};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use reqwest::blocking::{Client, RequestBuilder, Response};
use serde_json::json;

use super::envelope::{Kind, classify, error_response};
use super::framing::content;
use super::relay::{Channels, EXIT_PROTOCOL, Event, Out, lock, pump, writer};
use super::session::{Session, Side};

const SESSION_HEADER: &str = "mcp-session-id";
const VERSION_HEADER: &str = "mcp-protocol-version";

/// What every request carries.
#[derive(Debug, Default)]
struct Connection {
    session_id: Option<String>,
    protocol_version: Option<String>,
    listening: bool,
}

#[derive(Clone)]
struct Remote {
    url: String,
    http: Client,
    headers: Arc<Vec<(String, String)>>,
    connection: Arc<Mutex<Connection>>,
    session: Arc<Mutex<Session>>,
    channels: Arc<Mutex<Channels>>,
    cap: usize,
}

impl Remote {
    fn request(&self, builder: RequestBuilder) -> RequestBuilder {
        let mut builder = builder;
        for (k, v) in self.headers.iter() {
            builder = builder.header(k, v);
        }
        let c = self
            .connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(id) = &c.session_id {
            builder = builder.header(SESSION_HEADER, id);
        }
        if let Some(v) = &c.protocol_version {
            builder = builder.header(VERSION_HEADER, v);
        }
        builder
    }

    /// Hand one server message to the session.
    fn deliver(&self, mut message: Vec<u8>) -> bool {
        message.push(b'\n');
        let mut channels = self.channels.lock().unwrap_or_else(PoisonError::into_inner);
        match lock(&self.session).on_server_line(message, &mut *channels) {
            Ok(()) => true,
            Err(e) => {
                lock(&self.session).log().record(
                    "remote_message_refused",
                    json!({"detail": e.detail}),
                    &format!("dropped a message from the server: {}", e.detail),
                );
                false
            }
        }
    }

    fn answer_error(&self, line: &[u8], message: &str) {
        if let Ok(Kind::Request { id, .. }) = classify(content(line)) {
            let reply = error_response(Some(id), -32603, message, None);
            let channels = self.channels.lock().unwrap_or_else(PoisonError::into_inner);
            let _ = channels.client.send(Out::Line(reply));
        }
    }

    /// POST one client message and deliver what comes back.
    fn post(&self, line: Vec<u8>) {
        let body = content(&line).to_vec();
        let is_initialize = matches!(
            classify(&body),
            Ok(Kind::Request { ref method, .. }) if method == "initialize"
        );
        let is_initialized = matches!(
            classify(&body),
            Ok(Kind::Notification { ref method }) if method == "notifications/initialized"
        );
        let sent = self
            .request(self.http.post(&self.url))
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .body(body)
            .send();
        let resp = match sent {
            Ok(r) => r,
            Err(e) => {
                self.answer_error(
                    &line,
                    &format!("mcp-sign run: cannot reach {}: {e}", self.url),
                );
                return;
            }
        };
        if is_initialize && let Some(id) = header(&resp, SESSION_HEADER) {
            self.connection
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .session_id = Some(id);
        }
        let status = resp.status();
        if status == reqwest::StatusCode::ACCEPTED {
            if is_initialized {
                self.listen();
            }
            return;
        }
        if !status.is_success() {
            let hint = match status.as_u16() {
                401 | 403 => " (the server wants credentials: pass them with --header)",
                404 => " (the server ended the session)",
                _ => "",
            };
            self.answer_error(
                &line,
                &format!("mcp-sign run: {} answered {status}{hint}", self.url),
            );
            return;
        }
        let remember_version = is_initialize;
        self.read_answer(resp, remember_version);
    }

    /// A JSON answer or an event stream of messages.
    fn read_answer(&self, resp: Response, remember_version: bool) {
        let event_stream =
            header(&resp, "content-type").is_some_and(|t| t.starts_with("text/event-stream"));
        if !event_stream {
            let mut body = Vec::new();
            if resp
                .take(self.cap as u64 + 1)
                .read_to_end(&mut body)
                .is_err()
                || body.len() > self.cap
            {
                return;
            }
            if remember_version {
                self.remember_version(&body);
            }
            self.deliver(body);
            return;
        }
        let mut reader = BufReader::new(resp);
        let mut data: Vec<u8> = Vec::new();
        let mut line = String::new();
        loop {
            line.clear();
            match reader.by_ref().take(self.cap as u64).read_line(&mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            let l = line.trim_end_matches(['\r', '\n']);
            if l.is_empty() {
                if !data.is_empty() {
                    let message = std::mem::take(&mut data);
                    if remember_version {
                        self.remember_version(&message);
                    }
                    if !self.deliver(message) {
                        break;
                    }
                }
            } else if let Some(d) = l.strip_prefix("data:") {
                if !data.is_empty() {
                    data.push(b'\n');
                }
                data.extend_from_slice(d.strip_prefix(' ').unwrap_or(d).as_bytes());
                if data.len() > self.cap {
                    break;
                }
            }
        }
    }

    fn remember_version(&self, message: &[u8]) {
        let version = serde_json::from_slice::<serde_json::Value>(message)
            .ok()
            .and_then(|v| v["result"]["protocolVersion"].as_str().map(str::to_owned));
        if let Some(v) = version {
            self.connection
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .protocol_version = Some(v);
        }
    }

    /// The GET stream for messages the server sends on its own.
    fn listen(&self) {
        {
            let mut c = self
                .connection
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if c.listening {
                return;
            }
            c.listening = true;
        }
        let remote = self.clone();
        thread::spawn(move || {
            let resp = remote
                .request(remote.http.get(&remote.url))
                .header("accept", "text/event-stream")
                .send();
            // 405: this server does not offer the stream; that is allowed.
            if let Ok(resp) = resp
                && resp.status().is_success()
            {
                remote.read_answer(resp, false);
            }
        });
    }

    fn close(&self) {
        if self
            .connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .session_id
            .is_some()
        {
            let _ = self.request(self.http.delete(&self.url)).send();
        }
    }
}

fn header(resp: &Response, name: &str) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Bridge stdio to the server at `url`; returns the exit code.
pub(crate) fn relay_remote(
    url: &str,
    headers: Vec<(String, String)>,
    session: Session,
    cap: usize,
) -> Result<u8> {
    let parsed = url::Url::parse(url).map_err(|e| anyhow!("--url {url:?} is not a URL: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        anyhow::bail!("--url must be an http:// or https:// URL, not {url:?}");
    }
    let http = Client::builder()
        .user_agent(concat!("mcp-sign/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(15))
        // Streams and long tool calls stay open; no overall timeout.
        .timeout(None::<Duration>)
        .build()
        .context("cannot set up the HTTP client")?;
    let session = Arc::new(Mutex::new(session));
    let (server_tx, server_rx) = mpsc::channel::<Out>();
    let (client_tx, client_rx) = mpsc::channel::<Out>();
    let (event_tx, event_rx) = mpsc::channel::<Event>();
    let client_writer = thread::spawn(move || writer(client_rx, BufWriter::new(io::stdout())));
    let channels = Channels {
        server: server_tx.clone(),
        client: client_tx.clone(),
    };
    let remote = Remote {
        url: url.to_owned(),
        http,
        headers: Arc::new(headers),
        connection: Arc::default(),
        session: Arc::clone(&session),
        channels: Arc::new(Mutex::new(channels.clone())),
        cap,
    };
    let poster = {
        let remote = remote.clone();
        thread::spawn(move || post_all(server_rx, &remote))
    };
    pump(
        Side::Client,
        io::stdin(),
        cap,
        (Arc::clone(&session), channels, event_tx),
    );
    let event = event_rx.recv().unwrap_or(Event::ClientClosed);
    let _ = server_tx.send(Out::Close);
    let _ = poster.join();
    remote.close();
    let code = match event {
        Event::ClientClosed => {
            lock(&session).log().record(
                "stopped",
                json!({"cause": "client closed stdin"}),
                "the client closed its input; the remote session is closed",
            );
            0
        }
        Event::Protocol(e) => {
            lock(&session).log().record(
                "stopped",
                json!({"cause": "protocol error", "from": e.from.as_str(), "detail": e.detail}),
                &format!("stopped: {} sent {}", e.from.as_str(), e.detail),
            );
            EXIT_PROTOCOL
        }
        Event::ReadFailed(side, e) => {
            lock(&session).log().record(
                "stopped",
                json!({"cause": "read failed", "from": side.as_str(), "detail": e.to_string()}),
                &format!("stopped: cannot read {}: {e}", side.as_str()),
            );
            EXIT_PROTOCOL
        }
        Event::ServerClosed => 0,
    };
    let _ = client_tx.send(Out::Close);
    let _ = client_writer.join();
    Ok(code)
}

/// POST each message in order. A request other than `initialize` is answered on a thread of
/// its own (a slow tool call must not hold up the rest); `initialize` (whose answer carries
/// the session id), notifications and responses are sent before anything after them.
fn post_all(rx: Receiver<Out>, remote: &Remote) {
    while let Ok(Out::Line(line)) = rx.recv() {
        let concurrent = matches!(
            classify(content(&line)),
            Ok(Kind::Request { ref method, .. }) if method != "initialize"
        );
        if concurrent {
            let remote = remote.clone();
            thread::spawn(move || remote.post(line));
        } else {
            remote.post(line);
        }
    }
}
