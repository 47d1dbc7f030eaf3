//! The manifest's `repository` from the repository URL a package manager records.

use serde_json::{Value, json};

/// server.json's `repository` from a package manager's repository URL: `git+https://…git`,
/// `git@github.com:o/r.git`, `github:o/r` and `o/r` become `https://github.com/o/r`.
pub(super) fn repository(raw: &str, subfolder: Option<&str>) -> Option<Value> {
    let url = normalize_repo_url(raw)?;
    let host = url
        .split("://")
        .nth(1)?
        .split('/')
        .next()?
        .to_ascii_lowercase();
    let source = match host.as_str() {
        "github.com" | "www.github.com" => "github",
        "gitlab.com" | "www.gitlab.com" => "gitlab",
        "bitbucket.org" => "bitbucket",
        _ => "unknown",
    };
    let mut repo = json!({"url": url, "source": source});
    if let Some(sub) = subfolder
        .map(|s| s.trim_matches('/'))
        .filter(|s| !s.is_empty() && *s != ".")
    {
        repo["subfolder"] = json!(sub.trim_start_matches("./"));
    }
    Some(repo)
}

fn normalize_repo_url(raw: &str) -> Option<String> {
    let s = raw.trim();
    let s = s.strip_prefix("git+").unwrap_or(s);
    let https = if let Some(rest) = s.strip_prefix("git@") {
        // git@github.com:owner/repo.git
        let (host, path) = rest.split_once(':')?;
        format!("https://{host}/{path}")
    } else if let Some(rest) = s.strip_prefix("ssh://") {
        let rest = rest.split_once('@').map_or(rest, |(_, r)| r);
        format!("https://{rest}")
    } else if let Some(rest) = s.strip_prefix("git://") {
        format!("https://{rest}")
    } else if let Some(rest) = s.strip_prefix("github:") {
        format!("https://github.com/{rest}")
    } else if let Some(rest) = s.strip_prefix("gitlab:") {
        format!("https://gitlab.com/{rest}")
    } else if s.starts_with("https://") || s.starts_with("http://") {
        s.to_owned()
    } else if !s.contains(':') && s.matches('/').count() == 1 {
        // npm's "owner/repo" shorthand means GitHub.
        format!("https://github.com/{s}")
    } else {
        return None;
    };
    let trimmed = https.trim_end_matches('/');
    let trimmed = trimmed.strip_suffix(".git").unwrap_or(trimmed);
    (!trimmed.chars().any(char::is_whitespace)).then(|| trimmed.to_owned())
}
