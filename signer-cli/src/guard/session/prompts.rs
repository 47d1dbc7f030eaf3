//! Prompts: those the scanner rates high are hidden from `prompts/list`, and `prompts/get` of
//! one, or a result the scanner rates high, is refused. The server's `instructions` (in its
//! `initialize` answer) are scanned the same way and dropped when they rate high.

use super::*;

impl Session {
    pub(super) fn prompts_page(&mut self, id: &RawValue, mut result: Value) -> Option<Vec<u8>> {
        let mut hidden = Vec::new();
        if let Some(Value::Array(prompts)) = result.get_mut("prompts") {
            prompts.retain(|p| match high_finding(p) {
                Some(finding) => {
                    let name = p
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned();
                    hidden.push((name, finding));
                    false
                }
                None => true,
            });
        }
        if hidden.is_empty() {
            return None;
        }
        for (name, finding) in hidden {
            if self
                .reported
                .insert((name.clone(), finding.clone(), "prompt"))
            {
                self.log.record(
                    "prompt_hidden",
                    json!({"prompt": name, "reason": "poisoned", "finding": finding}),
                    &format!("hid prompt {name}: the scanner rates it high: {finding}"),
                );
            }
            self.hidden_prompts.insert(name, finding);
        }
        Some(response_line(id, &result))
    }

    pub(super) fn prompt_result(
        &mut self,
        id: &RawValue,
        name: &str,
        result: &Value,
    ) -> Option<Vec<u8>> {
        let finding = high_finding(result)?;
        self.log.record(
            "prompt_refused",
            json!({"prompt": name, "reason": "poisoned", "finding": finding}),
            &format!("refused prompt {name}: the scanner rates its messages high: {finding}"),
        );
        Some(error_response(
            Some(id),
            REFUSED,
            &format!(
                "mcp-sign run refused prompts/get {name}: the scanner rates its messages high: {finding}"
            ),
            None,
        ))
    }

    pub(super) fn refuse_prompt(
        &mut self,
        id: &RawValue,
        name: &str,
        finding: &str,
        out: &mut impl Sink,
    ) {
        self.log.record(
            "prompt_refused",
            json!({"prompt": name, "reason": "poisoned"}),
            &format!("refused prompt {name}: the scanner rates it high"),
        );
        out.to_client(error_response(
            Some(id),
            REFUSED,
            &format!(
                "mcp-sign run refused prompts/get {name}: the scanner rates it high: {finding}"
            ),
            None,
        ));
    }

    /// The `initialize` answer, without `instructions` the scanner rates high.
    pub(super) fn instructions(&mut self, id: &RawValue, mut result: Value) -> Option<Vec<u8>> {
        let text = result.get("instructions")?.as_str()?;
        let finding = high_finding(&json!({ "description": text }))?;
        self.log.record(
            "instructions_dropped",
            json!({"reason": "poisoned", "finding": finding}),
            &format!("dropped the server's instructions: the scanner rates them high: {finding}"),
        );
        if let Some(map) = result.as_object_mut() {
            map.remove("instructions");
        }
        Some(response_line(id, &result))
    }
}
