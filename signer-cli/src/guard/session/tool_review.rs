//! Reviewing a listing's tools against the pins on disk: pinning on first use, holding refused
//! tools for `pins approve`, and logging each refusal once.

use super::*;

impl Session {
    /// Review tools against the pins as they are on disk now (an approval made meanwhile
    /// counts), pin them on first use, hold refused ones for approval and log what is new.
    pub(super) fn review(&mut self, tools: &[Value]) -> Vec<Review> {
        let mut pins = match PinStore::open(&self.pins_path, &self.server) {
            Ok(p) => p,
            Err(e) => {
                // Unreadable pins: refuse everything rather than trust anything.
                self.log.record(
                    "pins_unreadable",
                    json!({"error": format!("{e:#}")}),
                    &format!("{e:#}"),
                );
                return tools
                    .iter()
                    .map(|t| Review {
                        name: t
                            .get("name")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned(),
                        fingerprint: String::new(),
                        refusal: Some(Refusal::Policy(format!(
                            "the pins file cannot be read: {e:#}"
                        ))),
                    })
                    .collect();
            }
        };
        let first_use = self.first_use && !pins.existed();
        let mut dirty = false;
        let mut pinned = 0;
        let mut reviews = Vec::with_capacity(tools.len());
        for tool in tools {
            let review = self.reviewer.review(tool, &pins, first_use);
            if first_use && self.reviewer.content_ok(tool, &pins) {
                pins.pin(&review.name, &review.fingerprint, tool);
                pinned += 1;
                dirty = true;
            }
            if let Some(refusal) = &review.refusal {
                if refusal.approvable() {
                    dirty |= pins.hold(
                        &review.name,
                        Pending {
                            fingerprint: review.fingerprint.clone(),
                            definition: tool.clone(),
                            reason: refusal.code().to_owned(),
                            seen_at: now(),
                        },
                    );
                }
                self.report_hidden(&review, refusal, tool, &pins);
            }
            reviews.push(review);
        }
        if dirty {
            match pins.save() {
                Ok(()) if pinned > 0 => self.log.record(
                    "pins_written",
                    json!({"tools": pinned, "pins": pins.path()}),
                    &format!(
                        "first use: pinned {pinned} tools in {}",
                        pins.path().display()
                    ),
                ),
                Ok(()) => {}
                Err(e) => self.log.record(
                    "pins_unwritable",
                    json!({"error": format!("{e:#}")}),
                    &format!("{e:#}"),
                ),
            }
        }
        reviews
    }

    pub(super) fn report_hidden(
        &mut self,
        review: &Review,
        refusal: &Refusal,
        tool: &Value,
        pins: &PinStore,
    ) {
        if !self.reported.insert((
            review.name.clone(),
            review.fingerprint.clone(),
            refusal.code(),
        )) {
            return;
        }
        let mut fields = json!({
            "tool": review.name,
            "reason": refusal.code(),
            "fingerprint": review.fingerprint,
            "explanation": refusal.explain(&self.server, &review.name),
        });
        // What it is compared with: the signed definition, else the pinned one.
        let before = match refusal {
            Refusal::DiffersFromSigned(_) => self
                .reviewer
                .signed
                .as_ref()
                .and_then(|s| s.get(&review.name)),
            _ => pins.definition(&review.name),
        };
        if let Some(before) = before {
            let diff = diff_tools(std::slice::from_ref(before), std::slice::from_ref(tool));
            if let Some(change) = diff.changed.first() {
                fields["previousFingerprint"] = json!(change.old_fingerprint);
                fields["diff"] = json!(change.fields);
            }
        }
        self.log.record(
            "tool_hidden",
            fields,
            &format!(
                "hid tool {}: {}",
                review.name,
                refusal.explain(&self.server, &review.name)
            ),
        );
    }
}
