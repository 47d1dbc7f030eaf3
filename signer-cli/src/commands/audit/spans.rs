//! Where each value is in a configuration's text, so `audit --fix` can replace one server
//! entry and leave every other byte (comments, formatting, key order) as it was.
//!
//! [`blank_jsonc`] turns JSONC into JSON of the same byte length (comments and trailing commas
//! become spaces, line breaks stay), so offsets found in it are offsets in the original.

use serde_json::Value;

/// A value's byte range in the text, and for objects its members.
#[derive(Debug)]
pub(super) struct Node {
    pub(super) start: usize,
    pub(super) end: usize,
    members: Vec<(String, Node)>,
}

impl Node {
    /// The value at `path` (object keys), if there is one.
    pub(super) fn find(&self, path: &[String]) -> Option<&Node> {
        match path.split_first() {
            None => Some(self),
            Some((key, rest)) => self
                .members
                .iter()
                .rev() // a repeated key: serde_json keeps the last
                .find(|(k, _)| k == key)
                .and_then(|(_, n)| n.find(rest)),
        }
    }
}

/// JSONC as JSON with the same offsets: a leading byte order mark, comments and trailing
/// commas are replaced by spaces (line breaks inside comments kept).
pub(super) fn blank_jsonc(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let mut i = 0;
    if text.starts_with('\u{FEFF}') {
        out.get_mut(..3)
            .into_iter()
            .flatten()
            .for_each(|b| *b = b' ');
        i = 3;
    }
    let blank = |out: &mut [u8], from: usize, to: usize| {
        for b in out.get_mut(from..to).into_iter().flatten() {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
    };
    while let Some(&c) = bytes.get(i) {
        match (c, bytes.get(i + 1)) {
            (b'"', _) => i = string_end(bytes, i),
            (b'/', Some(b'/')) => {
                let end = (i..bytes.len())
                    .find(|&j| bytes.get(j) == Some(&b'\n'))
                    .unwrap_or(bytes.len());
                blank(&mut out, i, end);
                i = end;
            }
            (b'/', Some(b'*')) => {
                let end = (i + 2..bytes.len())
                    .find(|&j| bytes.get(j..j + 2) == Some(b"*/"))
                    .map_or(bytes.len(), |j| j + 2);
                blank(&mut out, i, end);
                i = end;
            }
            (b',', _) => {
                let after = skip_trivia(bytes, i + 1);
                if matches!(out.get(after), Some(b'}' | b']')) {
                    blank(&mut out, i, i + 1);
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    // Only ASCII bytes outside strings were replaced by spaces, and whole comments (every
    // byte of a multi-byte character in them) were, so the text is still UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

/// The index of the first byte at or after `i` that is not whitespace or a comment.
fn skip_trivia(bytes: &[u8], mut i: usize) -> usize {
    loop {
        i = skip_ws(bytes, i);
        match (bytes.get(i), bytes.get(i + 1)) {
            (Some(b'/'), Some(b'/')) => {
                i = (i..bytes.len())
                    .find(|&j| bytes.get(j) == Some(&b'\n'))
                    .unwrap_or(bytes.len());
            }
            (Some(b'/'), Some(b'*')) => {
                i = (i + 2..bytes.len())
                    .find(|&j| bytes.get(j..j + 2) == Some(b"*/"))
                    .map_or(bytes.len(), |j| j + 2);
            }
            _ => return i,
        }
    }
}

/// Whether `text[start..end]` holds a comment (which a rewrite of that value would drop).
pub(super) fn has_comment(original: &str, blanked: &str, start: usize, end: usize) -> bool {
    let (Some(a), Some(b)) = (original.get(start..end), blanked.get(start..end)) else {
        return false;
    };
    a.bytes().zip(b.bytes()).any(|(x, y)| x != y && x != b',')
}

/// The spans of `blanked` (valid JSON, as from [`blank_jsonc`]), or `None` if it is not.
pub(super) fn parse(blanked: &str) -> Option<Node> {
    let bytes = blanked.as_bytes();
    let start = skip_ws(bytes, 0);
    let (node, end) = value(blanked, start)?;
    (skip_ws(bytes, end) == bytes.len()).then_some(node)
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
        i += 1;
    }
    i
}

/// The index just past the string starting at `bytes[i]` (a `"`).
fn string_end(bytes: &[u8], i: usize) -> usize {
    let mut j = i + 1;
    while let Some(&c) = bytes.get(j) {
        match c {
            b'\\' => j += 2,
            b'"' => return j + 1,
            _ => j += 1,
        }
    }
    bytes.len()
}

/// An object that ends just before `end`, and the offset after it.
fn object(start: usize, end: usize, members: Vec<(String, Node)>) -> (Node, usize) {
    (
        Node {
            start,
            end,
            members,
        },
        end,
    )
}

fn value(text: &str, start: usize) -> Option<(Node, usize)> {
    let bytes = text.as_bytes();
    let leaf = |end: usize| {
        (
            Node {
                start,
                end,
                members: Vec::new(),
            },
            end,
        )
    };
    match bytes.get(start)? {
        b'"' => Some(leaf(string_end(bytes, start))),
        b'{' => {
            let mut members = Vec::new();
            let mut i = skip_ws(bytes, start + 1);
            if bytes.get(i) == Some(&b'}') {
                return Some(object(start, i + 1, members));
            }
            loop {
                if bytes.get(i) != Some(&b'"') {
                    return None;
                }
                let key_end = string_end(bytes, i);
                let key: String = serde_json::from_str(text.get(i..key_end)?).ok()?;
                i = skip_ws(bytes, key_end);
                if bytes.get(i) != Some(&b':') {
                    return None;
                }
                let (node, end) = value(text, skip_ws(bytes, i + 1))?;
                members.push((key, node));
                i = skip_ws(bytes, end);
                match bytes.get(i)? {
                    b',' => i = skip_ws(bytes, i + 1),
                    b'}' => return Some(object(start, i + 1, members)),
                    _ => return None,
                }
            }
        }
        b'[' => {
            let mut i = skip_ws(bytes, start + 1);
            if bytes.get(i) == Some(&b']') {
                return Some(leaf(i + 1));
            }
            loop {
                let (_, end) = value(text, i)?;
                i = skip_ws(bytes, end);
                match bytes.get(i)? {
                    b',' => i = skip_ws(bytes, i + 1),
                    b']' => return Some(leaf(i + 1)),
                    _ => return None,
                }
            }
        }
        _ => {
            // A number, true, false or null: up to the next delimiter.
            let end = (start..bytes.len())
                .find(|&j| {
                    bytes
                        .get(j)
                        .is_some_and(|b| b.is_ascii_whitespace() || matches!(b, b',' | b'}' | b']'))
                })
                .unwrap_or(bytes.len());
            (end > start).then(|| leaf(end))
        }
    }
}

/// `value` as pretty JSON to put where a value starting on a line indented by `indent`
/// was, nested with `unit` (each line after the first indented like the original's).
pub(super) fn render(value: &Value, indent: &str, unit: &str) -> String {
    use serde::Serialize;
    let mut buf = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(unit.as_bytes());
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, formatter);
    // Serialising a `Value` into memory cannot fail.
    let _ = value.serialize(&mut ser);
    String::from_utf8(buf)
        .unwrap_or_default()
        .replace('\n', &format!("\n{indent}"))
}

/// The leading whitespace of the line holding `offset`.
pub(super) fn line_indent(text: &str, offset: usize) -> &str {
    let line_start = text
        .get(..offset)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let line = text.get(line_start..).unwrap_or_default();
    let len = line.len() - line.trim_start_matches([' ', '\t']).len();
    line.get(..len).unwrap_or_default()
}

/// The file's indentation step: the first indented line's whitespace, else two spaces.
pub(super) fn indent_unit(text: &str) -> &str {
    text.lines()
        .map(|l| {
            let len = l.len() - l.trim_start_matches([' ', '\t']).len();
            l.get(..len).unwrap_or_default()
        })
        .find(|w| !w.is_empty())
        .unwrap_or("  ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_survive_comments_and_trailing_commas() {
        let text = "\u{FEFF}{\n  // a comment ✓\n  \"a\": {\"b\": [1, 2, /* y */], /* x */ \"c\": \"//\\\"\",},\n}";
        let blanked = blank_jsonc(text);
        assert_eq!(blanked.len(), text.len());
        let v: Value = serde_json::from_str(&blanked).unwrap();
        assert_eq!(v["a"]["c"], "//\"");
        let root = parse(&blanked).unwrap();
        let a = root.find(&["a".to_owned()]).unwrap();
        assert!(text[a.start..a.end].starts_with("{\"b\""));
        assert!(text[a.start..a.end].ends_with(",}"));
        assert!(has_comment(text, &blanked, a.start, a.end));
        let c = root.find(&["a".to_owned(), "c".to_owned()]).unwrap();
        assert_eq!(&text[c.start..c.end], "\"//\\\"\"");
        assert!(!has_comment(text, &blanked, c.start, c.end));
        assert!(parse("{\"a\": }").is_none());
    }

    #[test]
    fn rendering_follows_the_surrounding_indentation() {
        let v: Value = serde_json::from_str(r#"{"command": "x", "args": ["a"]}"#).unwrap();
        assert_eq!(
            render(&v, "    ", "    "),
            "{\n        \"command\": \"x\",\n        \"args\": [\n            \"a\"\n        ]\n    }"
        );
        assert_eq!(indent_unit("{\n\t\"a\": 1\n}"), "\t");
        assert_eq!(line_indent("{\n   \"a\": {", 10), "   ");
    }
}
