//! The smallest MCP stdio server `stdio_proxy_bench` talks to, directly and through
//! `mcp-sign run`: one tool, `echo`, that returns its `text` argument.
//!
//! Hand-written rather than built on `rmcp` on purpose: the server's own cost is in both
//! columns of the bench, so the cheaper it is, the more of what remains is the gateway's.
//! It answers `initialize`, `ping`, `tools/list` and `tools/call`, ignores notifications, and
//! flushes when no more input is buffered (a burst of requests is one write), as the gateway's
//! writer does.

use std::io::{self, BufRead, BufWriter, Write};

use serde_json::{Value, json};

fn main() -> io::Result<()> {
    let mut input = io::BufReader::with_capacity(64 * 1024, io::stdin().lock());
    let mut out = BufWriter::new(io::stdout().lock());
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            return out.flush();
        }
        let Ok(message) = serde_json::from_slice::<Value>(&line) else {
            continue;
        };
        if let Some(reply) = reply(&message) {
            serde_json::to_writer(&mut out, &reply)?;
            out.write_all(b"\n")?;
        }
        // Never `fill_buf` here: it would block on a client waiting for this very answer.
        if !input.buffer().contains(&b'\n') {
            out.flush()?;
        }
    }
}

/// The answer to a request; none for a notification or a response.
fn reply(message: &Value) -> Option<Value> {
    let id = message.get("id")?.clone();
    let method = message.get("method")?.as_str()?;
    let result = match method {
        "initialize" => json!({
            "protocolVersion": message["params"]["protocolVersion"].as_str().unwrap_or("2025-06-18"),
            "capabilities": {"tools": {}},
            "serverInfo": {"name": "mcp-echo-server", "version": "1.0.0"},
        }),
        "ping" => json!({}),
        "tools/list" => json!({"tools": [{
            "name": "echo",
            "description": "Returns the text it is given.",
            "inputSchema": {
                "type": "object",
                "properties": {"text": {"type": "string", "description": "The text to return."}},
                "required": ["text"],
            },
        }]}),
        "tools/call" => {
            let text = message["params"]["arguments"]["text"]
                .as_str()
                .unwrap_or("");
            json!({"content": [{"type": "text", "text": text}]})
        }
        other => {
            return Some(json!({
                "jsonrpc": "2.0",
                "id": id,
                "error": {"code": -32601, "message": format!("method not found: {other}")},
            }));
        }
    };
    Some(json!({"jsonrpc": "2.0", "id": id, "result": result}))
}
