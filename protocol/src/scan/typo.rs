//! Typo-squatted tool names: one edit away from a well-known tool's name, of the kinds people
//! do not notice when reading a tool list — a missing letter (`read_fle`), a doubled letter
//! (`reaad_file`), two neighbouring letters swapped (`raed_file`) or one vowel for another
//! inside a word of four letters or more (`reed_file`).
//!
//! Edits that make a different, honest name are not typos: a plural or singular (`read_files`,
//! `list_issue`), a changed or dropped first letter of a word (`get_` / `set_`, `send_email` /
//! `send_mail`), a removed or added
//! separator (`readfile`), and any edit to a short name (`git_add` / `git_ads`) where one letter
//! is a different word.

/// Names shorter than this are not compared: one letter changes a short word's meaning.
const MIN_LEN: usize = 8;

/// The well-known name `name` is one typo away from, and which kind of typo, if any.
pub(super) fn imitates(name: &str, known: &[&'static str]) -> Option<(&'static str, &'static str)> {
    if !name.is_ascii() || name.len() < MIN_LEN - 1 {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    if known.contains(&lower.as_str()) {
        return None;
    }
    known
        .iter()
        .filter(|k| k.len() >= MIN_LEN)
        .find_map(|k| typo(lower.as_bytes(), k.as_bytes()).map(|how| (*k, how)))
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// Whether byte `i` of `word` starts a segment (`read_file`: `r` and `f`).
fn starts_segment(word: &[u8], i: usize) -> bool {
    i == 0 || word.get(i - 1).is_some_and(|b| !b.is_ascii_alphabetic())
}

/// Whether byte `i` of `word` ends a segment.
fn ends_segment(word: &[u8], i: usize) -> bool {
    word.get(i + 1).is_none_or(|b| !b.is_ascii_alphabetic())
}

/// How many letters the segment around byte `i` of `word` has.
fn segment_len(word: &[u8], i: usize) -> usize {
    let alpha = |b: &u8| b.is_ascii_alphabetic();
    let before = word
        .get(..i)
        .map_or(0, |w| w.iter().rev().take_while(|b| alpha(b)).count());
    let after = word
        .get(i..)
        .map_or(0, |w| w.iter().take_while(|b| alpha(b)).count());
    before + after
}

fn typo(name: &[u8], known: &[u8]) -> Option<&'static str> {
    use std::cmp::Ordering;
    match name.len().cmp(&known.len()) {
        Ordering::Equal => {
            let diffs: Vec<usize> = (0..name.len()).filter(|&i| name[i] != known[i]).collect();
            match diffs[..] {
                [i] => {
                    // In a short word a vowel makes another word (`git_` / `get_commit`).
                    let vowels = is_vowel(name[i]) && is_vowel(known[i]);
                    let long = segment_len(known, i) >= 4;
                    (vowels && long && !starts_segment(known, i)).then_some("a vowel changed")
                }
                [i, j] if j == i + 1 => {
                    let swapped = name[i] == known[j] && name[j] == known[i];
                    let letters = known[i].is_ascii_alphabetic() && known[j].is_ascii_alphabetic();
                    (swapped && letters).then_some("two letters swapped")
                }
                _ => None,
            }
        }
        Ordering::Less if name.len() + 1 == known.len() => {
            // The first place they differ is the missing letter (or the last of a double).
            let i = (0..name.len())
                .find(|&i| name[i] != known[i])
                .unwrap_or(name.len());
            let same_rest = name.get(i..) == known.get(i + 1..);
            let letter = known[i].is_ascii_alphabetic();
            let plural = known[i] == b's' && ends_segment(known, i);
            // Without its first letter a word is often another word (`email` / `mail`).
            let first = starts_segment(known, i);
            (same_rest && letter && !plural && !first).then_some("a letter missing")
        }
        Ordering::Greater if known.len() + 1 == name.len() => {
            let i = (0..known.len())
                .find(|&i| name[i] != known[i])
                .unwrap_or(known.len());
            let same_rest = name.get(i + 1..) == known.get(i..);
            let doubled = i > 0 && name[i] == name[i - 1] && name[i].is_ascii_alphabetic();
            (same_rest && doubled).then_some("a letter doubled")
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::imitates;

    const KNOWN: &[&str] = &[
        "read_file",
        "git_add",
        "list_issues",
        "git_commit",
        "send_email",
    ];

    #[test]
    fn typos_of_known_names() {
        for (name, known, how) in [
            ("read_fle", "read_file", "a letter missing"),
            ("rea_file", "read_file", "a letter missing"),
            ("reaad_file", "read_file", "a letter doubled"),
            ("read_fiile", "read_file", "a letter doubled"),
            ("raed_file", "read_file", "two letters swapped"),
            ("read_flie", "read_file", "two letters swapped"),
            ("reed_file", "read_file", "a vowel changed"),
            ("git_comit", "git_commit", "a letter missing"),
            ("send_emial", "send_email", "two letters swapped"),
            ("Send_Emial", "send_email", "two letters swapped"),
        ] {
            assert_eq!(imitates(name, KNOWN), Some((known, how)), "{name}");
        }
    }

    #[test]
    fn honest_neighbours_are_not_typos() {
        for name in [
            "read_file",
            "read_files",
            "list_issue",
            "readfile",
            "read-file",
            "head_file",
            "read_fire",
            "git_ad",
            "git_adds",
            "git_commits",
            "send_emails",
            "sendemail",
            "rd_file",
            "read_file_v2",
            "send_mail",
            "get_commit",
        ] {
            assert_eq!(imitates(name, KNOWN), None, "{name}");
        }
    }
}
