//! The JSONPath of a string in a finding: `$.a.b`, `$.a["key"]`, `$.a[0]`.

use super::fold::invisible;

/// `$.a.b`, or `$.a["key"]` for keys that are not plain identifiers (escaped, printable:
/// invisible characters are spelled out so a finding's path shows them).
pub(super) fn child(path: &str, key: &str) -> String {
    crate::json_path::child_quoted(path, key, |key| {
        let mut quoted = String::from("\"");
        for c in key.chars() {
            match c {
                '"' => quoted.push_str("\\\""),
                '\\' => quoted.push_str("\\\\"),
                c if c.is_control() || invisible(c).is_some() => {
                    quoted.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
                }
                c => quoted.push(c),
            }
        }
        quoted.push('"');
        quoted
    })
}

pub(super) fn item(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}
