//! Plaintext secrets in client configurations, found by name (`*_TOKEN`, `*_KEY`, `PASSWORD`,
//! `Authorization`, ...) and by the shape of the value (`ghp_…`, `sk-…`, `xox…`, AWS keys,
//! JWTs, ...). Values are never shown: [`mask`] keeps at most a well-known prefix.

use std::sync::LazyLock;

use regex::Regex;

/// A recognised kind of secret value: its name for people and the prefix shown when masked.
struct Shape {
    what: &'static str,
    pattern: &'static str,
    /// How much of the value may be shown (a fixed, public prefix), in bytes.
    shown: usize,
}

const SHAPES: &[Shape] = &[
    Shape {
        what: "a GitHub token",
        pattern: r"^(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}$",
        shown: 4,
    },
    Shape {
        what: "a GitHub fine-grained token",
        pattern: r"^github_pat_[A-Za-z0-9_]{30,}$",
        shown: 11,
    },
    Shape {
        what: "a GitLab token",
        pattern: r"^glpat-[A-Za-z0-9_\-]{20,}$",
        shown: 6,
    },
    Shape {
        what: "an Anthropic API key",
        pattern: r"^sk-ant-[A-Za-z0-9_\-]{20,}$",
        shown: 7,
    },
    Shape {
        what: "an OpenAI-style API key",
        pattern: r"^sk-[A-Za-z0-9_\-]{20,}$",
        shown: 3,
    },
    Shape {
        what: "a Stripe key",
        pattern: r"^(sk|rk|pk)_(live|test)_[A-Za-z0-9]{16,}$",
        shown: 8,
    },
    Shape {
        what: "a Slack token",
        pattern: r"^xox[abposr]-[A-Za-z0-9\-]{10,}$",
        shown: 5,
    },
    Shape {
        what: "a Slack app token",
        pattern: r"^xapp-[A-Za-z0-9\-]{10,}$",
        shown: 5,
    },
    Shape {
        what: "an AWS access key id",
        pattern: r"^(AKIA|ASIA)[0-9A-Z]{16}$",
        shown: 4,
    },
    Shape {
        what: "a Google API key",
        pattern: r"^AIza[0-9A-Za-z_\-]{35}$",
        shown: 4,
    },
    Shape {
        what: "an npm token",
        pattern: r"^npm_[A-Za-z0-9]{30,}$",
        shown: 4,
    },
    Shape {
        what: "a PyPI token",
        pattern: r"^pypi-[A-Za-z0-9_\-]{50,}$",
        shown: 5,
    },
    Shape {
        what: "a Hugging Face token",
        pattern: r"^hf_[A-Za-z0-9]{30,}$",
        shown: 3,
    },
    Shape {
        what: "a Notion token",
        pattern: r"^(ntn|secret)_[A-Za-z0-9]{30,}$",
        shown: 4,
    },
    Shape {
        what: "a Linear API key",
        pattern: r"^lin_api_[A-Za-z0-9]{30,}$",
        shown: 8,
    },
    Shape {
        what: "a SendGrid key",
        pattern: r"^SG\.[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,}$",
        shown: 3,
    },
    Shape {
        what: "a Shopify token",
        pattern: r"^shp(at|ca|pa|ss)_[a-fA-F0-9]{32}$",
        shown: 6,
    },
    Shape {
        what: "a JSON Web Token",
        pattern: r"^eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}$",
        shown: 3,
    },
    Shape {
        what: "a private key",
        pattern: r"-----BEGIN [A-Z ]*PRIVATE KEY-----",
        shown: 0,
    },
];

static COMPILED: LazyLock<Vec<(&'static Shape, Regex)>> = LazyLock::new(|| {
    SHAPES
        .iter()
        .filter_map(|s| Regex::new(s.pattern).ok().map(|re| (s, re)))
        .collect()
});

/// Names that say a value is a secret: `GITHUB_TOKEN`, `apiKey`, `DB_PASSWORD`,
/// `Authorization`, `--api-key`, ...
static SECRET_NAME: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(token|secret|password|passwd|passphrase|api[_\-]?key|apikey|access[_\-]?key|private[_\-]?key|client[_\-]?secret|credentials?|cookie|authorization|bearer)s?$|(^|[_\-.])(pat|pwd|key)$",
    )
    .ok()
});

/// What a secret value is, if it has a known shape.
pub(crate) fn shape(value: &str) -> Option<&'static str> {
    let v = value.trim();
    let v = v
        .strip_prefix("Bearer ")
        .or_else(|| v.strip_prefix("bearer "))
        .or_else(|| v.strip_prefix("token "))
        .unwrap_or(v);
    COMPILED
        .iter()
        .find(|(_, re)| re.is_match(v))
        .map(|(s, _)| s.what)
}

/// Whether `name` (an environment variable, header or flag) names a secret.
pub(crate) fn secret_name(name: &str) -> bool {
    let n = name.trim_start_matches('-');
    SECRET_NAME.as_ref().is_some_and(|re| re.is_match(n))
}

/// Whether `value` is a reference or placeholder rather than a secret: `${env:X}`,
/// `${input:x}`, `$X`, `%X%`, `{{x}}`, `<your-token>`, `op://...`, `YOUR_TOKEN_HERE`, ...
pub(crate) fn is_reference(value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    v.is_empty()
        || v.starts_with("${")
        || v.strip_prefix('$')
            .is_some_and(|r| r.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        || (v.starts_with('%') && v.ends_with('%') && v.len() > 2)
        || v.starts_with("{{")
        || (v.starts_with('<') && v.ends_with('>'))
        || lower.starts_with("op://")
        || lower.starts_with("env:")
        || lower.starts_with("keychain:")
        || [
            "your",
            "here",
            "xxx",
            "changeme",
            "placeholder",
            "example",
            "replace",
            "redacted",
            "***",
        ]
        .iter()
        .any(|p| lower.contains(p))
        || v.chars().all(|c| c == v.chars().next().unwrap_or('x'))
        || lower
            .strip_prefix("bearer ")
            .is_some_and(is_reference_simple)
}

fn is_reference_simple(v: &str) -> bool {
    let v = v.trim();
    v.is_empty()
        || v.starts_with("${")
        || v.starts_with('$')
        || v.starts_with("{{")
        || v.starts_with('<')
}

/// A literal value under a secret name that looks like a secret: long enough, one word, not a
/// path, URL, number or boolean.
pub(crate) fn looks_secret(value: &str) -> bool {
    let v = value.trim();
    let v = v
        .strip_prefix("Bearer ")
        .or_else(|| v.strip_prefix("Basic "))
        .unwrap_or(v);
    v.chars().count() >= 8
        && !v.chars().any(char::is_whitespace)
        && !v.starts_with(['/', '~', '.'])
        && !v.contains("://")
        && !v.contains('\\')
        && v.parse::<f64>().is_err()
        && !matches!(
            v.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "none"
        )
}

/// What `value` (held under `name`: a variable, header or flag) is, if it is a secret written
/// in plain text: a known token shape, or a secret-looking value under a secret's name.
/// References and placeholders are not.
pub(crate) fn plaintext(name: &str, value: &str) -> Option<&'static str> {
    if is_reference(value) {
        None
    } else if let Some(what) = shape(value) {
        Some(what)
    } else if secret_name(name) && looks_secret(value) {
        Some("a secret")
    } else {
        None
    }
}

/// A secret `value` masked for display: at most its well-known public prefix (`ghp_****`).
pub(crate) fn mask(value: &str) -> String {
    let v = value.trim();
    let (scheme, rest) = match v.split_once(' ') {
        Some((s, r))
            if matches!(
                s.to_ascii_lowercase().as_str(),
                "bearer" | "basic" | "token"
            ) =>
        {
            (format!("{s} "), r.trim())
        }
        _ => (String::new(), v),
    };
    let shown = COMPILED
        .iter()
        .find(|(_, re)| re.is_match(rest))
        .map_or(0, |(s, _)| s.shown);
    let prefix = rest.get(..shown).unwrap_or_default();
    format!("{scheme}{prefix}****")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_are_recognised_and_masked() {
        let ghp = format!("ghp_{}", "a1B2".repeat(9));
        assert_eq!(shape(&ghp), Some("a GitHub token"));
        assert_eq!(mask(&ghp), "ghp_****");
        assert_eq!(mask(&format!("Bearer {ghp}")), "Bearer ghp_****");
        assert_eq!(shape("AKIAIOSFODNN7EXAMPLE"), Some("an AWS access key id"));
        assert_eq!(mask("AKIAIOSFODNN7EXAMPLE"), "AKIA****");
        assert_eq!(shape("xoxb-123456789012-abcdefghij"), Some("a Slack token"));
        assert_eq!(
            shape("sk-ant-api03-abcdefghijklmnopqrstuvwxyz"),
            Some("an Anthropic API key")
        );
        assert_eq!(
            shape("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.abcdefghijklmnop"),
            Some("a JSON Web Token")
        );
        assert_eq!(mask("hunter2-secret"), "****");
        assert_eq!(shape("hello world"), None);
    }

    #[test]
    fn names_and_references() {
        for n in [
            "GITHUB_TOKEN",
            "GITHUB_PERSONAL_ACCESS_TOKEN",
            "OPENAI_API_KEY",
            "apiKey",
            "DB_PASSWORD",
            "Authorization",
            "--api-key",
            "CLIENT_SECRET",
            "SLACK_BOT_TOKEN",
        ] {
            assert!(secret_name(n), "{n}");
        }
        for n in [
            "PATH",
            "LOG_LEVEL",
            "SLACK_TEAM_ID",
            "HOME",
            "--port",
            "ALLOWED_DIRECTORIES",
        ] {
            assert!(!secret_name(n), "{n}");
        }
        for v in [
            "${input:token}",
            "${env:GITHUB_TOKEN}",
            "$TOKEN",
            "%TOKEN%",
            "<YOUR_TOKEN>",
            "your-token-here",
            "op://vault/item/field",
            "",
            "xxxxxxxx",
            "Bearer ${input:pat}",
        ] {
            assert!(is_reference(v), "{v}");
        }
        assert!(!is_reference("s3cr3t-value-123"));
        assert!(looks_secret("s3cr3t-value-123"));
        assert!(!looks_secret("/home/me/key.pem"));
        assert!(!looks_secret("true"));
        assert!(!looks_secret("short"));
    }
}
