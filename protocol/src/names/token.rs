//! The character rules the name types share: tokens with letters or digits at both ends, and
//! DNS labels.

/// A DNS label: letters, digits and inner hyphens, at most 63 characters.
pub(super) fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// Letters and digits at both ends, `allowed` punctuation inside.
pub(super) fn is_token(s: &str, allowed: &[u8]) -> bool {
    let bytes = s.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || allowed.contains(b))
        }
        _ => false,
    }
}
