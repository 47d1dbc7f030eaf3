//! The tool listings the session watches: the gateway's own (after `list_changed`, or when a
//! call names a tool it does not know) and the client's, page by page.

use super::*;

impl Session {
    /// Send the gateway's own `tools/list` (page `cursor`).
    pub(super) fn list_tools(&mut self, cursor: Option<&str>, out: &mut impl Sink) {
        self.next_id += 1;
        let id = format!("mcp-sign-run-{}", self.next_id);
        let mut params = json!({});
        if let Some(c) = cursor {
            params["cursor"] = json!(c);
        } else {
            self.own_listing = Some(Vec::new());
        }
        let request = json!({"jsonrpc": "2.0", "id": id, "method": "tools/list", "params": params});
        self.watched.insert(json!(id).to_string(), Watch::OwnTools);
        let mut line = serde_json::to_vec(&request).unwrap_or_default();
        line.push(b'\n');
        out.to_server(line);
    }

    pub(super) fn own_page(&mut self, result: Option<Value>, out: &mut impl Sink) {
        let Some(result) = result else {
            self.log.record(
                "list_failed",
                json!({}),
                "the server answered the gateway's tools/list with an error; waiting calls are refused",
            );
            self.own_listing = None;
            self.finish(Vec::new(), out);
            return;
        };
        let tools = tools_of(&result);
        if let Some(listing) = self.own_listing.as_mut() {
            listing.extend(tools);
        }
        match result.get("nextCursor").and_then(Value::as_str) {
            Some(cursor) if !cursor.is_empty() => {
                let cursor = cursor.to_owned();
                self.list_tools(Some(&cursor), out);
            }
            _ => {
                let tools = self.own_listing.take().unwrap_or_default();
                self.finish(tools, out);
            }
        }
    }

    /// A whole listing by the gateway ended: it is the view now; waiting calls are decided.
    pub(super) fn finish(&mut self, tools: Vec<Value>, out: &mut impl Sink) {
        let reviews = self.review(&tools);
        self.view = reviews.into_iter().map(|r| (r.name, r.refusal)).collect();
        self.complete = true;
        self.first_use = false;
        for line in std::mem::take(&mut self.queued) {
            let body = content(&line).to_vec();
            if let Ok(Kind::Request { id, params, .. }) = classify(&body) {
                let name = param_str(params, "name");
                self.call(line, id, name.as_deref(), out);
            }
        }
    }

    /// A page of a client's listing: reviewed, the view updated, refused tools removed.
    pub(super) fn client_page(
        &mut self,
        id: &RawValue,
        mut result: Value,
        first_page: bool,
    ) -> Option<Vec<u8>> {
        let tools = tools_of(&result);
        let reviews = self.review(&tools);
        if first_page {
            self.client_pages.clear();
        }
        let hidden: HashSet<&str> = reviews
            .iter()
            .filter(|r| r.refusal.is_some())
            .map(|r| r.name.as_str())
            .collect();
        let changed = !hidden.is_empty();
        if changed && let Some(Value::Array(list)) = result.get_mut("tools") {
            list.retain(|t| {
                !hidden.contains(t.get("name").and_then(Value::as_str).unwrap_or_default())
            });
        }
        for r in reviews {
            self.client_pages.insert(r.name.clone());
            self.view.insert(r.name, r.refusal);
        }
        let last = result
            .get("nextCursor")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty);
        if last && self.own_listing.is_none() {
            let seen = std::mem::take(&mut self.client_pages);
            self.view.retain(|name, _| seen.contains(name));
            self.complete = true;
            self.first_use = false;
        }
        changed.then(|| response_line(id, &result))
    }
}
