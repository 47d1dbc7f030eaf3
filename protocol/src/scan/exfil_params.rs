//! Exfiltration parameters: free-text parameters with leak-shaped names, and parameters the
//! description tells the model to fill with other data.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::bytes::Regex;

use super::fold::fold;
use super::printable::hidden_safe;
use super::rules::{self, EXFIL_NAMES, FILL_VERBS};
use super::walker::Group;
use super::{Code, Finding, Location, Severity, Span};

/// Free-text parameters with exfiltration-shaped names, and parameters the description tells
/// the model to fill with other data.
pub(super) fn exfil_parameters(group: &mut Group) {
    let params = std::mem::take(&mut group.params);
    let texts = group.texts.join(" . ");
    let has_target = group.findings.iter().any(|f| {
        matches!(
            f.code,
            Code::SensitivePath | Code::DataHarvesting | Code::SensitiveData
        )
    });
    let mut seen = BTreeSet::new();
    for p in params {
        if !p.free_text || !seen.insert(p.path.clone()) {
            continue;
        }
        let squashed: String = p
            .name
            .chars()
            .filter(|c| !matches!(c, '_' | '-' | '.' | ' '))
            .flat_map(char::to_lowercase)
            .collect();
        let exfil_name = EXFIL_NAMES.contains(&squashed.as_str());
        let own_description_targets = group.findings.iter().any(|f| {
            f.path == p.description_path
                && matches!(f.code, Code::SensitivePath | Code::DataHarvesting)
        });
        // A parameter whose name names a secret file (`content_from_reading_ssh_id_rsa`)
        // asks for that file by itself.
        let name_targets = group.findings.iter().any(|f| {
            f.path == p.path && f.location == Location::Key && f.code == Code::SensitivePath
        });
        let referenced = (own_description_targets && exfil_name) || fill_reference(&texts, &p.name);
        let severity = if name_targets || (referenced && (exfil_name || has_target)) {
            Severity::Warning
        } else if exfil_name {
            Severity::Info
        } else {
            continue;
        };
        let shown = hidden_safe(&p.name, 60);
        let message = if name_targets {
            format!("free-text parameter \"{shown}\" whose name asks for a secret file")
        } else if severity == Severity::Warning {
            format!(
                "free-text parameter \"{shown}\" that the description asks the model to fill with other data"
            )
        } else {
            format!(
                "free-text parameter \"{shown}\": a common channel for leaking data; check what the description asks to put in it"
            )
        };
        let finding = Finding {
            code: Code::ExfilParameter,
            severity,
            path: p.path,
            location: Location::Key,
            span: Span {
                start: 0,
                end: p.name.len(),
            },
            excerpt: hidden_safe(&p.name, 200),
            decoded: None,
            decoding: Vec::new(),
            matched: None,
            raised_with: Vec::new(),
            message,
            tool: group.tool.clone(),
        };
        group.findings.push(finding);
    }
}

/// Whether `texts` (folded) tell the model to put something into parameter `name`: a fill
/// verb before the name (`pass its content as 'sidenote'`), or an obligation after it
/// (`the debug field must contain ...`).
fn fill_reference(texts: &str, name: &str) -> bool {
    let folded_name = fold(name).text;
    if folded_name.is_empty() || folded_name.len() > 100 {
        return false;
    }
    let (Some(before), Some(after)) = (FILL_BEFORE.as_ref(), FILL_AFTER.as_ref()) else {
        return false;
    };
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let mut checked = 0;
    let mut from = 0;
    while let Some(found) = texts.get(from..).and_then(|t| t.find(&folded_name)) {
        let start = from + found;
        let end = start + folded_name.len();
        from = end;
        let prev = texts.get(..start).and_then(|t| t.chars().next_back());
        let next = texts.get(end..).and_then(|t| t.chars().next());
        if word(prev) || word(next) {
            continue;
        }
        checked += 1;
        if checked > 64 {
            break;
        }
        // Up to 160 bytes before, on a character boundary.
        let mut w = start.saturating_sub(160);
        while w > 0 && !texts.is_char_boundary(w) {
            w -= 1;
        }
        let window = texts.get(w..start).unwrap_or_default();
        let rest = texts.get(end..).unwrap_or_default();
        if before.is_match(window.as_bytes()) || after.is_match(rest.as_bytes()) {
            return true;
        }
    }
    false
}

/// A fill verb, then (within the sentence) a preposition and an optional quote, ending right
/// before a parameter name.
static FILL_BEFORE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    rules::ascii(&format!(
        r"(?-u:\b)({FILL_VERBS})(?-u:\b)([^.!?]|[.!?][^ ]){{0,120}}(?-u:\b)(as|in|into|to|inside|within|under|via|the)\s+(the\s+)?['\x22`]?$"
    ))
});

/// Right after a parameter name: `... must contain`, `field should include`.
static FILL_AFTER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    rules::ascii(
        r"^['\x22`]?\s+((parameter|field|argument|param)\s+)?(must|should|shall|has to|needs to|is required to)\s+(contain|include|be|have|hold)(?-u:\b)",
    )
});
