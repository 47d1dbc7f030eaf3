//! The processes and pipes around a [`Session`]: the server runs as a child; one thread reads
//! the client (our stdin), one reads the server (its stdout); each destination has a writer
//! thread fed by a channel, so a reader never blocks on a full pipe while holding the session
//! (which could deadlock both sides). The child's stderr is ours.

use std::io::{self, BufReader, BufWriter, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Result;
use serde_json::json;

use super::envelope::error_response;
use super::framing::{Frame, read_frame};
use super::session::{ProtocolError, Session, Side, Sink};
use crate::Reported;

/// Exit code when a peer breaks the protocol (malformed or oversized messages).
pub(crate) const EXIT_PROTOCOL: u8 = 3;
/// Exit code when the server cannot be started (as shells use).
pub(crate) const EXIT_CANNOT_START: u8 = 127;
/// How long a server may take to exit after its stdin closed, before it is killed.
const GRACE: Duration = Duration::from_secs(5);

/// A message for a writer thread.
pub(super) enum Out {
    Line(Vec<u8>),
    Close,
}

/// The two writer queues, as one [`Sink`]; every reader thread gets a clone.
#[derive(Clone)]
pub(super) struct Channels {
    pub(super) server: Sender<Out>,
    pub(super) client: Sender<Out>,
}

impl Sink for Channels {
    fn to_server(&mut self, line: Vec<u8>) {
        let _ = self.server.send(Out::Line(line));
    }
    fn to_client(&mut self, line: Vec<u8>) {
        let _ = self.client.send(Out::Line(line));
    }
}

/// Why the relay stopped.
pub(super) enum Event {
    ClientClosed,
    ServerClosed,
    Protocol(ProtocolError),
    ReadFailed(Side, io::Error),
}

/// Write what arrives, flushing when nothing more waits (a burst is one flush).
pub(super) fn writer(rx: Receiver<Out>, mut out: impl Write) {
    while let Ok(msg) = rx.recv() {
        let mut pending = Some(msg);
        while let Some(msg) = pending.take() {
            match msg {
                Out::Line(line) => {
                    if out.write_all(&line).is_err() {
                        return;
                    }
                }
                Out::Close => {
                    let _ = out.flush();
                    return;
                }
            }
            pending = rx.try_recv().ok();
        }
        if out.flush().is_err() {
            return;
        }
    }
    let _ = out.flush();
}

/// Read `side`'s messages into the session on a thread of its own, until the stream ends or
/// the peer breaks the protocol; the reason goes to `events`.
/// What a reader thread shares: the session, the writer queues and the stop events.
pub(super) type Shared = (Arc<Mutex<Session>>, Channels, Sender<Event>);

pub(super) fn pump(
    side: Side,
    input: impl io::Read + Send + 'static,
    cap: usize,
    (session, mut sink, events): Shared,
) {
    thread::spawn(move || {
        let mut input = BufReader::with_capacity(64 * 1024, input);
        let event = loop {
            match read_frame(&mut input, cap) {
                Ok(Frame::Line(line)) => {
                    let mut session = lock(&session);
                    let handled = match side {
                        Side::Client => session.on_client_line(line, &mut sink),
                        Side::Server => session.on_server_line(line, &mut sink),
                    };
                    if let Err(e) = handled {
                        break Event::Protocol(e);
                    }
                }
                Ok(Frame::TooLong) => {
                    if side == Side::Client {
                        sink.to_client(error_response(
                            None,
                            -32600,
                            &format!("mcp-sign run: message larger than {cap} bytes"),
                            None,
                        ));
                    }
                    break Event::Protocol(ProtocolError {
                        from: side,
                        detail: format!("a message larger than {cap} bytes (--max-message-bytes)"),
                    });
                }
                Ok(Frame::Eof) => {
                    break match side {
                        Side::Client => Event::ClientClosed,
                        Side::Server => Event::ServerClosed,
                    };
                }
                Err(e) => break Event::ReadFailed(side, e),
            }
        };
        let _ = events.send(event);
    });
}

pub(super) fn lock(session: &Mutex<Session>) -> std::sync::MutexGuard<'_, Session> {
    session.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Run `command` behind `session`; returns the exit code to leave with.
pub(crate) fn relay(mut command: Command, session: Session, cap: usize) -> Result<u8> {
    let program = command.get_program().to_string_lossy().into_owned();
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    let mut child = command.spawn().map_err(|e| Reported {
        summary: format!("cannot start the server {program:?}: {e}"),
        exit_code: EXIT_CANNOT_START,
    })?;
    let (Some(child_in), Some(child_out)) = (child.stdin.take(), child.stdout.take()) else {
        anyhow::bail!("the server's stdin and stdout could not be connected");
    };
    let session = Arc::new(Mutex::new(session));
    let (server_tx, server_rx) = mpsc::channel::<Out>();
    let (client_tx, client_rx) = mpsc::channel::<Out>();
    let (event_tx, event_rx) = mpsc::channel::<Event>();

    let server_writer = thread::spawn(move || writer(server_rx, BufWriter::new(child_in)));
    let client_writer = thread::spawn(move || writer(client_rx, BufWriter::new(io::stdout())));

    let channels = Channels {
        server: server_tx.clone(),
        client: client_tx.clone(),
    };
    let clients = (Arc::clone(&session), channels.clone(), event_tx.clone());
    pump(Side::Client, io::stdin(), cap, clients);
    pump(
        Side::Server,
        child_out,
        cap,
        (Arc::clone(&session), channels, event_tx),
    );

    let event = event_rx.recv().unwrap_or(Event::ServerClosed);
    // Whatever the readers queued is written before the writers stop.
    let _ = server_tx.send(Out::Close);
    let stop =
        |session: &Arc<Mutex<Session>>, event: &str, fields: serde_json::Value, line: &str| {
            lock(session).log().record(event, fields, line);
        };
    let code = match event {
        Event::ClientClosed => {
            let status = wait_or_kill(&mut child, GRACE);
            stop(
                &session,
                "stopped",
                json!({"cause": "client closed stdin", "status": describe(status.as_ref())}),
                &format!(
                    "the client closed its input; the server {}",
                    describe(status.as_ref())
                ),
            );
            exit_code(status.as_ref())
        }
        Event::ServerClosed => {
            let status = wait_or_kill(&mut child, GRACE);
            stop(
                &session,
                "stopped",
                json!({"cause": "server closed stdout", "status": describe(status.as_ref())}),
                &format!("the server {}", describe(status.as_ref())),
            );
            exit_code(status.as_ref())
        }
        Event::Protocol(e) => {
            let _ = child.kill();
            let _ = child.wait();
            stop(
                &session,
                "stopped",
                json!({"cause": "protocol error", "from": e.from.as_str(), "detail": e.detail}),
                &format!("stopped: {} sent {}", e.from.as_str(), e.detail),
            );
            EXIT_PROTOCOL
        }
        Event::ReadFailed(side, e) => {
            let _ = child.kill();
            let _ = child.wait();
            stop(
                &session,
                "stopped",
                json!({"cause": "read failed", "from": side.as_str(), "detail": e.to_string()}),
                &format!("stopped: cannot read {}: {e}", side.as_str()),
            );
            EXIT_PROTOCOL
        }
    };
    let _ = client_tx.send(Out::Close);
    let _ = client_writer.join();
    let _ = server_writer.join();
    Ok(code)
}

/// Wait for the child to exit on its own for `grace`, then kill it.
fn wait_or_kill(child: &mut Child, grace: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + grace;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(10)),
            _ => {
                let _ = child.kill();
                return child.wait().ok().filter(|_| false);
            }
        }
    }
}

fn describe(status: Option<&ExitStatus>) -> String {
    match status {
        Some(s) => format!("exited ({s})"),
        None => format!("did not exit within {} s and was killed", GRACE.as_secs()),
    }
}

/// The child's exit code, as a shell reports it (128 + signal for a killed process).
fn exit_code(status: Option<&ExitStatus>) -> u8 {
    let Some(status) = status else {
        return 1;
    };
    if let Some(code) = status.code() {
        return u8::try_from(code & 0xff).unwrap_or(1);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return u8::try_from(128 + (signal & 0x7f)).unwrap_or(1);
        }
    }
    1
}
