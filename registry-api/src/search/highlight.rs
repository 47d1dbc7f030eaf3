//! Highlighting: the text, HTML-escaped, with the words that matched the query wrapped in
//! `<mark>…</mark>`. The same rules as matching: equal (after the field's analyzer), a prefix
//! for words of 4+ letters, within one edit for words that matched by typo tolerance.

use tantivy::tokenizer::TextAnalyzer;

use super::query::{Word, within_one_edit};

/// Longest snippet, in characters, before the text is cut around its first match.
pub const SNIPPET_MAX_CHARS: usize = 240;

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

fn matches(token: &str, words: &[Word], stemmed: bool) -> bool {
    words.iter().any(|w| {
        let q = if stemmed {
            w.stem.as_deref().unwrap_or(&w.raw)
        } else {
            w.raw.as_str()
        };
        // Text is not stemmed here (cheaper); a stem is a prefix of the words it stems.
        token == q
            || ((stemmed || w.prefix) && token.starts_with(q))
            || (w.fuzzy && (within_one_edit(token, q) || within_one_edit(token, &w.raw)))
    })
}

/// `text` as HTML with matches marked; long texts are cut to a window around the first match.
pub fn highlight(text: &str, analyzer: &mut TextAnalyzer, words: &[Word], stemmed: bool) -> String {
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        let t = stream.token();
        if matches(&t.text, words, stemmed) {
            ranges.push((t.offset_from, t.offset_to));
        }
    }
    // The window: whole text when short, else around the first match, on char boundaries.
    let (mut start, mut end) = (0, text.len());
    if text.chars().count() > SNIPPET_MAX_CHARS {
        let first = ranges.first().map_or(0, |r| r.0);
        let before: Vec<(usize, char)> = text[..first].char_indices().collect();
        start = before
            .len()
            .checked_sub(60)
            .and_then(|i| before.get(i))
            .map_or(0, |(i, _)| *i);
        end = text[start..]
            .char_indices()
            .nth(SNIPPET_MAX_CHARS)
            .map_or(text.len(), |(i, _)| start + i);
    }
    let mut out = String::with_capacity(text.len() + 16);
    if start > 0 {
        out.push('…');
    }
    let mut pos = start;
    for (a, b) in ranges {
        if a < pos || b > end {
            continue;
        }
        escape_into(&mut out, &text[pos..a]);
        out.push_str("<mark>");
        escape_into(&mut out, &text[a..b]);
        out.push_str("</mark>");
        pos = b;
    }
    escape_into(&mut out, &text[pos..end]);
    if end < text.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::schema;
    use super::*;

    fn word(raw: &str, stem: &str, prefix: bool, fuzzy: bool) -> Word {
        Word {
            raw: raw.into(),
            stem: Some(stem.into()),
            prefix,
            fuzzy,
            generic: false,
        }
    }

    #[test]
    fn marks_and_escapes() {
        let mut an = schema::name_analyzer();
        let html = highlight(
            "Query <PostgreSQL> databases & more",
            &mut an,
            &[
                word("postgres", "postgr", true, false),
                word("database", "databas", true, false),
            ],
            true,
        );
        assert_eq!(
            html,
            "Query &lt;<mark>PostgreSQL</mark>&gt; <mark>databases</mark> &amp; more"
        );
    }

    #[test]
    fn typos_are_marked_and_long_text_is_cut() {
        let mut an = schema::name_analyzer();
        let html = highlight(
            "github-mcp-server",
            &mut an,
            &[word("githb", "githb", true, true)],
            false,
        );
        assert_eq!(html, "<mark>github</mark>-mcp-server");
        let long = format!("{} slack {}", "word ".repeat(100), "tail ".repeat(100));
        let html = highlight(
            &long,
            &mut schema::text_analyzer(),
            &[word("slack", "slack", true, false)],
            true,
        );
        assert!(html.starts_with('…') && html.ends_with('…'), "{html}");
        assert!(html.contains("<mark>slack</mark>"));
    }
}
