//! Escalation: per tool, framing together with an intent or a sensitive target (or two payload
//! kinds with an intent) raises them to high.

use std::collections::BTreeSet;

use super::code::Role;
use super::walker::Group;
use super::{Code, Finding, Severity};

/// Per-tool severity: framing (markup, coercion, hidden text) together with an intent or a
/// sensitive target makes both high; two different payload kinds with an intent make them
/// high too.
pub(super) fn escalate(group: &mut Group) {
    let active = |f: &Finding| f.severity >= Severity::Warning;
    let framing: BTreeSet<Code> = group
        .findings
        .iter()
        .filter(|f| active(f) && f.code.role() == Role::Framing)
        .map(|f| f.code)
        .collect();
    let payload: BTreeSet<Code> = group
        .findings
        .iter()
        .filter(|f| active(f) && matches!(f.code.role(), Role::Intent | Role::Target))
        .map(|f| f.code)
        .collect();
    let intent = group
        .findings
        .iter()
        .any(|f| active(f) && f.code.role() == Role::Intent);
    let by_framing = !framing.is_empty() && !payload.is_empty();
    let by_payload = payload.len() >= 2 && intent;
    if !by_framing && !by_payload {
        return;
    }
    let together: BTreeSet<Code> = framing.union(&payload).copied().collect();
    for f in &mut group.findings {
        let role = f.code.role();
        let raise = active(f)
            && (matches!(role, Role::Intent | Role::Target)
                || (by_framing && role == Role::Framing));
        if raise && f.severity < Severity::High {
            f.severity = Severity::High;
            f.raised_with = together.iter().filter(|c| **c != f.code).copied().collect();
            f.message = format!(
                "{}; high together with {} in the same {}",
                f.message,
                f.raised_with
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                if group.tool.is_some() {
                    "tool"
                } else {
                    "server metadata"
                }
            );
        } else if role == Role::Context && f.severity < Severity::Warning {
            f.severity = Severity::Warning;
        }
    }
}
