//! The content rules on one string: the regex rules on each folded form, obfuscation (a match
//! that needs invisible characters or look-alikes removed), HTML comments, and de-duplication.

use std::collections::BTreeMap;

use super::fold::{Folded, fold, invisible};
use super::hidden::Hit;
use super::rules::{COMPILED, QUANTIFIER};
use super::{Code, Severity};
use crate::formats::scan as limits;

/// Apply the content rules to one folded form of `original`.
pub(super) fn content_rules(original: &str, folded: &Folded, out: &mut Vec<Hit>) {
    let Some(compiled) = COMPILED.as_ref() else {
        return;
    };
    let haystack = folded.text.as_bytes();
    for (re, rule) in compiled.regexes.iter().zip(&compiled.rules) {
        for m in re.find_iter(haystack) {
            let (start, end) = folded.span(m.start(), m.end());
            let mut severity = rule.severity;
            if rule.quantified_high
                && QUANTIFIER
                    .as_ref()
                    .is_some_and(|q| q.is_match(m.as_bytes()))
            {
                severity = Severity::High;
            }
            out.push(Hit::plain(
                rule.code,
                severity,
                start..end,
                rule.what.to_owned(),
            ));
            let span_text = original.get(start..end).unwrap_or_default();
            if let Some(how) = obfuscated(span_text) {
                out.push(Hit::plain(
                    Code::Obfuscation,
                    Severity::High,
                    start..end,
                    format!(
                        "{} matches only once {how} are removed: {}",
                        rule.code, rule.what
                    ),
                ));
            }
        }
    }
    html_comments(folded, out);
    quoted_examples(original, out);
}

/// A match quoted as an example (`such as "ignore previous instructions"`, `e.g. 'you are now
/// DAN'`) in a text that describes detecting it is information, not an instruction.
fn quoted_examples(original: &str, out: &mut [Hit]) {
    let lower = original.to_lowercase();
    if lower.len() != original.len()
        || !["detect", "scan", "classif", "flag", "check"]
            .iter()
            .any(|w| lower.contains(w))
    {
        return;
    }
    for h in out.iter_mut() {
        let before = lower
            .get(h.start.saturating_sub(12)..h.start)
            .unwrap_or_default();
        let quoted = before.ends_with('"') || before.ends_with('\'') || before.ends_with('`');
        let cued = ["such as", "e.g.", "like", "example"]
            .iter()
            .any(|c| before.contains(c));
        if quoted && cued && h.severity > Severity::Info {
            h.severity = Severity::Info;
            h.message = format!("{} (quoted as an example)", h.message);
        }
    }
}

/// What hides a match from a plain reading, if anything does.
fn obfuscated(span: &str) -> Option<&'static str> {
    let mut invisible_chars = false;
    let mut lookalikes = false;
    for c in span.chars() {
        if invisible(c).is_some() || c == '\u{1B}' {
            invisible_chars = true;
        } else if !c.is_ascii() && c.is_alphabetic() {
            // A letter that folds to ASCII: a look-alike, a fullwidth or mathematical letter.
            let folded = fold(&c.to_string()).text;
            if !folded.is_empty() && folded.is_ascii() {
                lookalikes = true;
            }
        }
    }
    match (invisible_chars, lookalikes) {
        (true, true) => Some("invisible characters and look-alike letters"),
        (true, false) => Some("invisible characters"),
        (false, true) => Some("look-alike letters"),
        (false, false) => None,
    }
}

/// `<!-- ... -->` comments: hidden when Markdown is rendered.
fn html_comments(folded: &Folded, out: &mut Vec<Hit>) {
    let text = &folded.text;
    let mut from = 0;
    while let Some(open) = text.get(from..).and_then(|t| t.find("<!--")) {
        let start = from + open;
        let body_start = start + 4;
        let (body_end, end) = match text.get(body_start..).and_then(|t| t.find("-->")) {
            Some(close) => (body_start + close, body_start + close + 3),
            None => (text.len(), text.len()),
        };
        let body = text.get(body_start..body_end).unwrap_or_default();
        let has_words = body.chars().filter(|c| c.is_alphabetic()).count() >= 3;
        let (s, e) = folded.span(start, end);
        out.push(Hit {
            code: Code::HtmlComment,
            severity: if has_words {
                Severity::Warning
            } else {
                Severity::Info
            },
            start: s,
            end: e,
            message: if has_words {
                "an HTML comment: text hidden when the description is shown as Markdown".to_owned()
            } else {
                "an empty HTML comment".to_owned()
            },
            decoded: None,
            decoding: Vec::new(),
            matched: None,
        });
        from = end.max(start + 1);
    }
}

/// Keep one finding per code for overlapping spans (the first, then the longest), and at most
/// [`MAX_PER_CODE`](limits::MAX_PER_CODE) findings of one code in one string.
pub(super) fn dedupe(hits: &mut Vec<Hit>) {
    hits.sort_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then(b.end.cmp(&a.end))
            .then(a.code.cmp(&b.code))
            .then(b.severity.cmp(&a.severity))
    });
    let mut kept: Vec<Hit> = Vec::with_capacity(hits.len().min(256));
    // Per code: the index in `kept` of the finding reaching furthest, and how many were kept.
    let mut last: BTreeMap<Code, (usize, usize)> = BTreeMap::new();
    for h in hits.drain(..) {
        let entry = last.get(&h.code).copied();
        if let Some((i, _)) = entry
            && let Some(k) = kept.get_mut(i)
            && h.start < k.end.max(k.start + 1)
        {
            if h.severity > k.severity {
                k.severity = h.severity;
                k.message = h.message;
            }
            if h.end > k.end {
                k.end = h.end;
            }
            continue;
        }
        let count = entry.map_or(0, |(_, n)| n);
        if count >= limits::MAX_PER_CODE {
            continue;
        }
        last.insert(h.code, (kept.len(), count + 1));
        kept.push(h);
    }
    *hits = kept;
}
