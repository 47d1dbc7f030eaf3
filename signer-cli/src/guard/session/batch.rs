//! JSON-RPC batches (arrays), which MCP 2025-06-18 removed but older peers may send.

use super::*;

impl Session {
    /// A batch from the client: passed on when it holds nothing the gateway acts on; else each
    /// of its requests is refused (MCP 2025-06-18 removed batches).
    pub(super) fn client_batch(&mut self, line: Vec<u8>, out: &mut impl Sink) {
        let items: Vec<&RawValue> = serde_json::from_slice(content(&line)).unwrap_or_default();
        let acted_on = |item: &&RawValue| {
            matches!(
                classify(item.get().as_bytes()),
                Ok(Kind::Request { ref method, .. }) if matches!(method.as_str(), "tools/call" | "tools/list" | "prompts/list" | "prompts/get")
            ) || matches!(classify(item.get().as_bytes()), Ok(Kind::Notification { ref method }) if method == "notifications/initialized")
        };
        if !items.iter().any(acted_on) {
            out.to_server(line);
            return;
        }
        let errors: Vec<Value> = items
            .iter()
            .filter_map(|item| match classify(item.get().as_bytes()) {
                Ok(Kind::Request { id, .. }) => serde_json::from_slice(&error_response(
                    Some(id),
                    INVALID_REQUEST,
                    "mcp-sign run does not relay JSON-RPC batches that list or call tools or prompts (MCP 2025-06-18 removed batching); send the messages one by one",
                    None,
                ))
                .ok(),
                _ => None,
            })
            .collect();
        self.log.record(
            "batch_refused",
            json!({"requests": errors.len()}),
            "refused a JSON-RPC batch that lists or calls tools or prompts",
        );
        if !errors.is_empty() {
            let mut l = serde_json::to_vec(&errors).unwrap_or_default();
            l.push(b'\n');
            out.to_client(l);
        }
    }

    /// A batch from the server: each message handled on its own, the rest sent on as a batch.
    pub(super) fn server_batch(
        &mut self,
        body: &[u8],
        out: &mut impl Sink,
    ) -> Result<(), ProtocolError> {
        let items: Vec<&RawValue> = serde_json::from_slice(body).map_err(|e| ProtocolError {
            from: Side::Server,
            detail: format!("a batch that is not an array of messages: {e}"),
        })?;
        let mut forward: Vec<Vec<u8>> = Vec::new();
        for item in items {
            match self.server_message(item.get().as_bytes(), out)? {
                Forward::Original => forward.push(item.get().as_bytes().to_vec()),
                Forward::Replace(mut line) => {
                    line.pop();
                    forward.push(line);
                }
                Forward::Drop => {}
            }
        }
        if !forward.is_empty() {
            let mut batch = b"[".to_vec();
            batch.extend(forward.join(&b","[..]));
            batch.extend(b"]\n");
            out.to_client(batch);
        }
        Ok(())
    }
}
