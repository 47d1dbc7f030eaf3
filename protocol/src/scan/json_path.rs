//! The JSONPath of a string in a finding: `$.a.b`, `$.a["key"]`, `$.a[0]`.

use super::fold::invisible;

/// `$.a.b`, or `$.a["key"]` for keys that are not plain identifiers (escaped, printable).
pub(super) fn child(path: &str, key: &str) -> String {
    let plain = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        format!("{path}.{key}")
    } else {
        let mut quoted = String::from("[\"");
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
        quoted.push_str("\"]");
        format!("{path}{quoted}")
    }
}

pub(super) fn item(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}
