//! Text safe to print in a finding: hidden characters escaped, long text shortened.

use super::fold::invisible;

/// `s` made safe to print: invisible and control characters as `\u{...}` escapes (a run of
/// four or more as its first and last and a count), at most `max` characters (the middle
/// elided).
pub(crate) fn hidden_safe(s: &str, max: usize) -> String {
    let hidden =
        |c: char| c.is_control() || invisible(c).is_some() || matches!(c, '\u{2028}' | '\u{2029}');
    let escape = |c: char| match c {
        '\n' => "\\n".to_owned(),
        '\t' => "\\t".to_owned(),
        c => format!("\\u{{{:x}}}", u32::from(c)),
    };
    // Tokens: visible characters one by one, runs of hidden ones together.
    let mut tokens: Vec<String> = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if !hidden(c) || matches!(c, '\n' | '\t') {
            tokens.push(if hidden(c) { escape(c) } else { c.to_string() });
            i += 1;
            continue;
        }
        let mut j = i;
        while chars
            .get(j)
            .is_some_and(|&d| hidden(d) && !matches!(d, '\n' | '\t'))
        {
            j += 1;
        }
        let run = chars.get(i..j).unwrap_or_default();
        match run {
            [first, .., last] if run.len() >= 4 => tokens.push(format!(
                "{}…{} ({} hidden characters)",
                escape(*first),
                escape(*last),
                run.len()
            )),
            _ => tokens.extend(run.iter().map(|&c| escape(c))),
        }
        i = j;
    }
    if tokens.len() <= max {
        return tokens.concat();
    }
    let head = max * 2 / 3;
    let tail = max / 3;
    let mut out: String = tokens.iter().take(head).map(String::as_str).collect();
    out.push('…');
    out.extend(tokens.iter().skip(tokens.len() - tail).map(String::as_str));
    out
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
pub(super) fn prefix(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default()
}
