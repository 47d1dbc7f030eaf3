//! Which releases a key's grant covers: the one rule the registry (at publish and yank time),
//! `mcp-sign check` (with the log's evidence) and `mcp-sign log verify` (a monitor) all apply,
//! so a client never accepts what the registry would refuse.

use crate::api::ProofKind;

/// A key's grant for one namespace, as the registry stores it and the log's `key` record
/// holds it (`namespace`, `proof-kind`, `proof-target`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant<'a> {
    /// The namespace proven, e.g. `io.github.octo` or `com.example`.
    pub namespace: &'a str,
    /// `github` or `domain`; any other kind covers nothing.
    pub proof_kind: &'a str,
    /// The proven `owner/repo` (GitHub proofs) or domain.
    pub proof_target: &'a str,
}

impl<'a> Grant<'a> {
    pub const fn new(namespace: &'a str, proof_kind: &'a str, proof_target: &'a str) -> Self {
        Self {
            namespace,
            proof_kind,
            proof_target,
        }
    }
}

/// A grant as its holder stores it (the registry's database row, a monitor's copy of the
/// log's `key` record), read as a [`Grant`] for [`covering`].
pub trait AsGrant {
    fn as_grant(&self) -> Grant<'_>;
}

impl AsGrant for Grant<'_> {
    fn as_grant(&self) -> Grant<'_> {
        *self
    }
}

/// The first of a key's `grants` that lets it sign for the server `name` whose manifest has
/// `repository.url` = `repository_url` (by [`covers`]): what the registry requires at publish
/// time and what clients check against the log.
pub fn covering<'g, G: AsGrant>(
    grants: &'g [G],
    name: &str,
    repository_url: Option<&str>,
) -> Option<&'g G> {
    grants
        .iter()
        .find(|g| covers(&g.as_grant(), name, repository_url))
}

/// Whether `grant` lets its key sign for the server `name` whose manifest has
/// `repository.url` = `repository_url`.
///
/// A domain proof covers every server of its namespace. A GitHub proof covers only the servers
/// whose repository is the proven one (least privilege: proving `octo/weather` does not let
/// the key sign `io.github.octo/anything-else` pointing elsewhere).
pub fn covers(grant: &Grant<'_>, name: &str, repository_url: Option<&str>) -> bool {
    let namespace = name.split_once('/').map_or(name, |(ns, _)| ns);
    if !grant.namespace.eq_ignore_ascii_case(namespace) {
        return false;
    }
    match ProofKind::parse(grant.proof_kind) {
        Some(ProofKind::Domain) => true,
        Some(ProofKind::Github) => repository_url
            .and_then(github_repository)
            .is_some_and(|repo| repo.eq_ignore_ascii_case(grant.proof_target)),
        None => false,
    }
}

/// `https://github.com/Owner/Repo(.git)(/)` → `owner/repo` (lowercase, as GitHub compares
/// them); `None` for any other URL, including deeper paths such as `/tree/main`.
pub fn github_repository(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    if parsed.scheme() != "https" || !parsed.host_str()?.eq_ignore_ascii_case("github.com") {
        return None;
    }
    // Credentials or a port in the URL mean it is not the plain repository address.
    if !parsed.username().is_empty() || parsed.password().is_some() || parsed.port().is_some() {
        return None;
    }
    let mut segments = parsed.path_segments()?.filter(|s| !s.is_empty());
    let owner = segments.next()?;
    let repo = segments.next()?;
    if segments.next().is_some() {
        return None;
    }
    let repo = repo.strip_suffix(".git").unwrap_or(repo);
    if repo.is_empty() {
        return None;
    }
    Some(format!("{owner}/{repo}").to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GITHUB: Grant<'static> = Grant {
        namespace: "io.github.octo",
        proof_kind: "github",
        proof_target: "octo/weather",
    };

    #[test]
    fn github_repository_normalises() {
        assert_eq!(
            github_repository("https://github.com/Foo/Bar").as_deref(),
            Some("foo/bar")
        );
        assert_eq!(
            github_repository("https://GitHub.com/foo/bar.git/").as_deref(),
            Some("foo/bar")
        );
        assert_eq!(github_repository("http://github.com/foo/bar"), None);
        assert_eq!(github_repository("https://gitlab.com/foo/bar"), None);
        assert_eq!(github_repository("https://www.github.com/foo/bar"), None);
        assert_eq!(
            github_repository("https://github.com/foo/bar/tree/main"),
            None
        );
        assert_eq!(github_repository("https://github.com/foo"), None);
        assert_eq!(github_repository("https://github.com/foo/.git"), None);
        assert_eq!(github_repository("https://x@github.com/foo/bar"), None);
        assert_eq!(github_repository("https://github.com:8443/foo/bar"), None);
        assert_eq!(github_repository("not a url"), None);
    }

    #[test]
    fn a_github_grant_covers_only_its_repository() {
        let name = "io.github.octo/weather";
        assert!(covers(
            &GITHUB,
            name,
            Some("https://github.com/octo/weather")
        ));
        assert!(covers(
            &GITHUB,
            name,
            Some("https://github.com/Octo/Weather.git")
        ));
        assert!(!covers(
            &GITHUB,
            name,
            Some("https://github.com/octo/other")
        ));
        assert!(!covers(
            &GITHUB,
            name,
            Some("https://github.com/evil/weather")
        ));
        assert!(!covers(&GITHUB, name, None));
        // Another server of the namespace pointing at the proven repository is covered.
        assert!(covers(
            &GITHUB,
            "io.github.octo/weather-beta",
            Some("https://github.com/octo/weather")
        ));
    }

    #[test]
    fn a_grant_covers_only_its_namespace() {
        assert!(!covers(
            &GITHUB,
            "io.github.other/weather",
            Some("https://github.com/octo/weather")
        ));
        assert!(covers(
            &GITHUB,
            "IO.GITHUB.OCTO/weather",
            Some("https://github.com/octo/weather")
        ));
        let domain = Grant {
            namespace: "com.example",
            proof_kind: "domain",
            proof_target: "example.com",
        };
        assert!(covers(&domain, "com.example/weather", None));
        assert!(covers(
            &domain,
            "com.example/x",
            Some("https://gitlab.com/a/b")
        ));
        assert!(!covers(&domain, "com.example.evil/weather", None));
        assert!(!covers(&domain, "com.exampl/weather", None));
    }

    #[test]
    fn an_unknown_proof_kind_covers_nothing() {
        let dns = Grant {
            proof_kind: "dns",
            ..GITHUB
        };
        assert!(!covers(
            &dns,
            "io.github.octo/weather",
            Some("https://github.com/octo/weather")
        ));
    }
}
