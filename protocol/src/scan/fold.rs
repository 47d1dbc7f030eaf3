//! Text folding: the form of a string the content rules match on, with a map back to the
//! original bytes.
//!
//! Folding removes what a person cannot see and what changes nothing for a language model, so
//! that `<ІMPORTANT>` (Cyrillic І), `ig\u{200b}nore`, `ＩＧＮＯＲＥ` and `IGNORE  previous` all
//! match the rule written for `ignore previous`:
//!
//! - invisible characters (zero-width, bidi controls, Unicode tag characters, variation
//!   selectors, soft hyphens) and ANSI escape sequences are dropped;
//! - every run of whitespace or control characters becomes one space;
//! - each character is decomposed for compatibility (NFKD: fullwidth and mathematical letters,
//!   ligatures), combining marks are dropped, and it is lowercased;
//! - Cyrillic and Greek letters that look like Latin ones are replaced by those;
//! - any other non-ASCII character becomes one [`NON_ASCII`] byte: the rules are English
//!   phrases, and ASCII text lets them run as fast byte automata.
//!
//! Every byte of the folded text remembers the byte range of the original character it came
//! from, so a match maps back to a span of the original string.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// What every non-ASCII character that does not fold to ASCII becomes: SUB, a control
/// character that cannot otherwise occur in folded text (controls fold to spaces).
pub(crate) const NON_ASCII: char = '\u{1A}';

/// What kind of invisible character a code point is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Invisible {
    /// Zero-width spaces and joiners, word joiner, BOM, invisible operators, fillers.
    ZeroWidth,
    /// Soft hyphen and combining grapheme joiner: invisible unless a line breaks there.
    SoftHyphen,
    /// Variation selectors (U+FE00–FE0F, U+E0100–E01EF).
    VariationSelector,
    /// Bidi embeddings and isolates (U+202A–202C, U+2066–2069).
    BidiEmbedding,
    /// Bidi overrides (U+202D, U+202E): they reorder what is shown.
    BidiOverride,
    /// Bidi marks (LRM, RLM, ALM): legitimate in right-to-left text.
    BidiMark,
    /// Unicode tag characters (U+E0000–E007F): invisible ASCII.
    Tag,
}

/// Classify `c` if it renders as nothing.
pub(crate) fn invisible(c: char) -> Option<Invisible> {
    Some(match c {
        '\u{200B}'
        | '\u{200C}'
        | '\u{200D}'
        | '\u{2060}'
        | '\u{FEFF}'
        | '\u{180E}'
        | '\u{2061}'..='\u{2064}'
        | '\u{115F}'
        | '\u{1160}'
        | '\u{3164}'
        | '\u{FFA0}'
        | '\u{17B4}'
        | '\u{17B5}'
        | '\u{2065}' => Invisible::ZeroWidth,
        '\u{00AD}' | '\u{034F}' => Invisible::SoftHyphen,
        '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}' => Invisible::VariationSelector,
        '\u{202A}' | '\u{202B}' | '\u{202C}' | '\u{2066}'..='\u{2069}' => Invisible::BidiEmbedding,
        '\u{202D}' | '\u{202E}' => Invisible::BidiOverride,
        '\u{200E}' | '\u{200F}' | '\u{061C}' => Invisible::BidiMark,
        '\u{E0000}'..='\u{E007F}' => Invisible::Tag,
        _ => return None,
    })
}

/// The byte length of the ANSI escape sequence starting at `s[0]` (ESC or C1 CSI), at least
/// the length of that first character.
pub(crate) fn ansi_len(s: &str) -> usize {
    let mut chars = s.char_indices();
    let Some((_, first)) = chars.next() else {
        return 0;
    };
    let csi_body = |chars: &mut std::str::CharIndices<'_>| -> usize {
        // Parameters 0x30–0x3F, intermediates 0x20–0x2F, one final byte 0x40–0x7E.
        for (i, c) in chars.by_ref() {
            if ('\u{40}'..='\u{7E}').contains(&c) {
                return i + c.len_utf8();
            }
            if !('\u{20}'..='\u{3F}').contains(&c) {
                // Malformed: stop before the stray character.
                return i;
            }
        }
        s.len()
    };
    match first {
        '\u{9B}' => csi_body(&mut chars),
        '\u{1B}' => match chars.next() {
            None => first.len_utf8(),
            Some((_, '[')) => csi_body(&mut chars),
            Some((_, ']' | 'P' | '_' | '^' | 'X')) => {
                // OSC/DCS/APC/PM/SOS: up to BEL or ST (ESC \), at most 4 KiB.
                let mut prev_esc = false;
                for (i, c) in chars.by_ref() {
                    if c == '\u{7}' || (prev_esc && c == '\\') {
                        return i + c.len_utf8();
                    }
                    if i > 4096 {
                        return i;
                    }
                    prev_esc = c == '\u{1B}';
                }
                s.len()
            }
            Some((i, c)) => i + c.len_utf8(),
        },
        other => other.len_utf8(),
    }
}

/// Latin look-alikes of Cyrillic and Greek letters (lowercase), for matching only.
fn confusable(c: char) -> Option<char> {
    Some(match c {
        'а' => 'a',
        'в' => 'b',
        'е' | 'ё' | 'ε' => 'e',
        'к' | 'κ' => 'k',
        'м' => 'm',
        'н' => 'h',
        'о' | 'ο' | 'σ' => 'o',
        'р' | 'ρ' => 'p',
        'с' | 'ϲ' => 'c',
        'т' | 'τ' => 't',
        'у' | 'γ' => 'y',
        'х' | 'χ' => 'x',
        'і' | 'ї' | 'ι' => 'i',
        'ј' => 'j',
        'ѕ' => 's',
        'ԁ' => 'd',
        'ԛ' => 'q',
        'ԝ' => 'w',
        'ɡ' => 'g',
        'α' => 'a',
        'ν' => 'v',
        'υ' => 'u',
        'ℓ' => 'l',
        _ => return None,
    })
}

/// Whether `c` is a Cyrillic or Greek letter that [`confusable`] maps to a Latin one.
pub(crate) fn is_confusable(c: char) -> bool {
    c.to_lowercase().any(|l| confusable(l).is_some())
}

/// A folded string and, for each of its bytes, the original byte range it came from.
#[derive(Debug)]
pub(crate) struct Folded {
    pub(crate) text: String,
    origin: Vec<(u32, u32)>,
}

impl Folded {
    /// The original byte range covered by folded bytes `start..end` (end exclusive).
    pub(crate) fn span(&self, start: usize, end: usize) -> (usize, usize) {
        let first = self.origin.get(start).map_or(0, |o| o.0);
        let last = end
            .checked_sub(1)
            .and_then(|i| self.origin.get(i))
            .map_or(first, |o| o.1);
        (first as usize, (last as usize).max(first as usize))
    }
}

/// Fold `text` (see the module documentation). Strings longer than `u32::MAX` bytes cannot
/// occur here (inputs are capped far below that); their tail is not folded.
pub(crate) fn fold(text: &str) -> Folded {
    let mut out = String::with_capacity(text.len());
    let mut origin = Vec::with_capacity(text.len());
    let mut i = 0usize;
    let mut pending_space: Option<(u32, u32)> = None;
    while i < text.len() {
        let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        let (Ok(start), Ok(end)) = (u32::try_from(i), u32::try_from(i + c.len_utf8())) else {
            break;
        };
        if c == '\u{1B}' || c == '\u{9B}' {
            i += ansi_len(text.get(i..).unwrap_or_default()).max(1);
            continue;
        }
        i += c.len_utf8();
        if invisible(c).is_some() {
            continue;
        }
        if c.is_whitespace() || c.is_control() {
            if !out.is_empty() && pending_space.is_none() {
                pending_space = Some((start, end));
            }
            continue;
        }
        if let Some(space) = pending_space.take() {
            out.push(' ');
            origin.push(space);
        }
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            origin.push((start, end));
            continue;
        }
        let before = out.len();
        for d in std::iter::once(c).nfkd() {
            if is_combining_mark(d) || invisible(d).is_some() {
                continue;
            }
            for l in d.to_lowercase() {
                let l = confusable(l).unwrap_or(l);
                if l.is_whitespace() {
                    out.push(' ');
                } else if l.is_ascii() {
                    out.push(l);
                } else {
                    out.push(NON_ASCII);
                }
            }
        }
        origin.resize(out.len(), (start, end));
        debug_assert!(out.len() >= before);
    }
    Folded { text: out, origin }
}

/// Fold a JSON object key or parameter name: as [`fold`], and `snake_case`, `kebab-case`,
/// `dot.case` and `camelCase` become separate words, so rules written for prose match names
/// such as `content_from_reading_ssh_id_rsa` or `ignorePreviousInstructions`.
pub(crate) fn fold_name(name: &str) -> Folded {
    let mut spaced = String::with_capacity(name.len() + 8);
    // Keep a byte map from `spaced` to `name` so spans still point into the name.
    let mut map: Vec<usize> = Vec::with_capacity(name.len() + 8);
    let mut prev: Option<char> = None;
    for (i, c) in name.char_indices() {
        let boundary =
            matches!(prev, Some(p) if p.is_lowercase() || p.is_ascii_digit()) && c.is_uppercase();
        if boundary {
            spaced.push(' ');
            map.push(i);
        }
        let c2 = if matches!(c, '_' | '-' | '.') { ' ' } else { c };
        let before = spaced.len();
        spaced.push(c2);
        map.extend(std::iter::repeat_n(i, spaced.len() - before));
        prev = Some(c);
    }
    let folded = fold(&spaced);
    let origin = folded
        .origin
        .iter()
        .map(|&(s, e)| {
            let s2 = map.get(s as usize).copied().unwrap_or(name.len());
            // The end of a char in `spaced` is the start of the next one, or the end.
            let e2 = map.get(e as usize).copied().unwrap_or(name.len());
            let s2 = u32::try_from(s2).unwrap_or(u32::MAX);
            let e2 = u32::try_from(e2.max(s2 as usize)).unwrap_or(u32::MAX);
            (s2, e2)
        })
        .collect();
    Folded {
        text: folded.text,
        origin,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(s: &str) -> String {
        fold(s).text
    }

    #[test]
    fn folds_case_space_width_and_lookalikes() {
        assert_eq!(folded("  IGNORE\n\t previous "), "ignore previous");
        assert_eq!(folded("ＩＧＮＯＲＥ"), "ignore");
        assert_eq!(folded("ig\u{200b}no\u{e0041}re"), "ignore");
        assert_eq!(folded("<ІMPORTANT>"), "<important>");
        assert_eq!(folded("ìgnóre"), "ignore");
        assert_eq!(folded("a\u{1b}[8mb\u{1b}[0mc"), "abc");
        assert_eq!(folded("𝐢𝐠𝐧𝐨𝐫𝐞"), "ignore");
    }

    #[test]
    fn spans_map_back_to_the_original() {
        let text = "x <ІMPORTANT> y";
        let f = fold(text);
        let at = f.text.find("<important>").unwrap();
        let (s, e) = f.span(at, at + "<important>".len());
        assert_eq!(&text[s..e], "<ІMPORTANT>");
    }

    #[test]
    fn names_split_into_words() {
        let f = fold_name("content_from_reading_ssh_id_rsa");
        assert_eq!(f.text, "content from reading ssh id rsa");
        let at = f.text.find("id rsa").unwrap();
        let (s, e) = f.span(at, at + 6);
        assert_eq!(&"content_from_reading_ssh_id_rsa"[s..e], "id_rsa");
        assert_eq!(
            fold_name("ignorePreviousInstructions").text,
            "ignore previous instructions"
        );
    }

    #[test]
    fn ansi_sequences_have_their_length() {
        assert_eq!(ansi_len("\u{1b}[1;31mred"), 7);
        assert_eq!(ansi_len("\u{1b}]8;;http://x\u{7}link"), 14);
        assert_eq!(ansi_len("\u{1b}"), 1);
        assert_eq!(ansi_len("\u{1b}[12"), 4);
    }
}
