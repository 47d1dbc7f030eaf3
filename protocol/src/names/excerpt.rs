//! Quoting rejected input back in error messages, cut short.

/// At most this many characters of a rejected input are quoted back in an error message.
const EXCERPT_MAX_CHARS: usize = 120;

/// The start of `s`, for quoting rejected input in messages without echoing megabytes.
pub(crate) fn excerpt(s: &str) -> String {
    match s.char_indices().nth(EXCERPT_MAX_CHARS) {
        Some((end, _)) => format!("{}…", &s[..end]),
        None => s.to_owned(),
    }
}
