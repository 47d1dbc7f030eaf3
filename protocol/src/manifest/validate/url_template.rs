//! URL templates: the `{variable}` names in a URL, and the URL with placeholders so the rest
//! of it can be parsed.

/// The names inside `{braces}` in a URL template.
pub(super) fn template_variables(url: &str) -> impl Iterator<Item = &str> {
    url.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(var, _)| var))
        .filter(|v| !v.is_empty())
}

/// The URL with each `{variable}` replaced by a placeholder that parses (a number after a colon,
/// where a port goes), so the rest of it can be checked.
pub(super) fn substitute_template(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    let mut rest = url;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        out.push_str(&rest[..open]);
        let after = &rest[open + close + 1..];
        let port_position = out.ends_with(':') && (after.is_empty() || after.starts_with('/'));
        out.push_str(if port_position { "8080" } else { "placeholder" });
        rest = after;
    }
    out.push_str(rest);
    out
}
