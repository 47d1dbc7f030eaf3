//! Configuration text as `audit` shows it: secrets masked, terminal controls escaped, so the
//! report can be printed and shared safely.

use super::secrets;

/// The command line for display: secrets masked, control characters escaped.
pub(super) fn masked_command(command: &str, args: &[String]) -> String {
    let mut words = vec![quote(&printable(command))];
    for (i, arg) in args.iter().enumerate() {
        let prev_is_secret_flag = i
            .checked_sub(1)
            .and_then(|p| args.get(p))
            .is_some_and(|f| f.starts_with('-') && secrets::secret_name(f));
        let shown = if let Some((flag, value)) = arg.split_once('=')
            && flag.starts_with('-')
            && (secrets::secret_name(flag) || secrets::shape(value).is_some())
            && !secrets::is_reference(value)
        {
            format!("{flag}={}", secrets::mask(value))
        } else if secrets::shape(arg).is_some()
            || (prev_is_secret_flag && !secrets::is_reference(arg))
        {
            secrets::mask(arg)
        } else if arg.contains("://") {
            masked_url(arg)
        } else {
            arg.clone()
        };
        words.push(quote(&printable(&shown)));
    }
    words.join(" ")
}

/// A URL for display: password and secret query values masked.
pub(super) fn masked_url(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return printable(url);
    };
    if parsed.password().is_some() {
        let _ = parsed.set_password(Some("****"));
    }
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(k, v)| {
            let secret = !secrets::is_reference(&v)
                && (secrets::shape(&v).is_some()
                    || (secrets::secret_name(&k) && secrets::looks_secret(&v)));
            let v = if secret {
                secrets::mask(&v)
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    if !pairs.is_empty() {
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    printable(parsed.as_str())
}

fn quote(word: &str) -> String {
    if word.is_empty() || word.chars().any(|c| c.is_whitespace() || c == '"') {
        format!("{word:?}")
    } else {
        word.to_owned()
    }
}

/// Text from a configuration file made safe for a terminal: control and invisible characters
/// as `\u{...}`.
pub(super) fn printable(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let invisible = matches!(
            u32::from(c),
            0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2069 | 0xFEFF | 0xE0000..=0xE007F
        );
        if c.is_control() || invisible {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::findings::arg_secret;
    use super::*;

    #[test]
    fn command_lines_are_masked() {
        let ghp = format!("ghp_{}", "a1B2".repeat(9));
        let args: Vec<String> = vec![
            "-y".into(),
            "pkg".into(),
            "--token".into(),
            "s3cr3t-value-123".into(),
            format!("--key={ghp}"),
            "https://u:pw123456@h.example/x?api_key=abcdefgh1234".into(),
            ghp.clone(),
        ];
        let shown = masked_command("npx", &args);
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(!shown.contains(&ghp[4..]), "{shown}");
        assert!(!shown.contains("pw123456"), "{shown}");
        assert!(!shown.contains("abcdefgh1234"), "{shown}");
        assert_eq!(
            shown,
            "npx -y pkg --token **** --key=ghp_**** https://u:****@h.example/x?api_key=**** ghp_****"
        );
        let mut findings = Vec::new();
        for (i, a) in args.iter().enumerate() {
            arg_secret(i, a, &args, &mut findings);
        }
        let fields: Vec<&str> = findings.iter().filter_map(|f| f.field.as_deref()).collect();
        assert_eq!(fields, ["args[3]", "args[4]", "args[5]", "args[6]"]);
    }

    #[test]
    fn printable_escapes_terminal_controls() {
        assert_eq!(printable("a\u{1b}[2Kb\u{202e}"), "a\\u{1b}[2Kb\\u{202e}");
    }
}
