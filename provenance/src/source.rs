//! Source repositories, parsed once from every spelling that appears in server.json, package
//! metadata, SLSA predicates and Fulcio certificates, so that comparing two is comparing values.

use crate::Error;

/// A CI provider whose Sigstore identities name a source repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Forge {
    /// github.com, signing through GitHub Actions.
    GitHub,
    /// gitlab.com, signing through GitLab CI.
    GitLab,
}

impl Forge {
    /// The host name.
    pub fn host(self) -> &'static str {
        match self {
            Self::GitHub => "github.com",
            Self::GitLab => "gitlab.com",
        }
    }

    /// The OIDC issuer Fulcio records for this forge's CI.
    pub fn issuer(self) -> &'static str {
        match self {
            Self::GitHub => "https://token.actions.githubusercontent.com",
            Self::GitLab => "https://gitlab.com",
        }
    }

    pub(crate) fn from_issuer(issuer: &str) -> Option<Self> {
        [Self::GitHub, Self::GitLab]
            .into_iter()
            .find(|forge| forge.issuer() == issuer)
    }

    fn from_host(host: &str) -> Option<Self> {
        match host.to_ascii_lowercase().as_str() {
            "github.com" | "www.github.com" => Some(Self::GitHub),
            "gitlab.com" | "www.gitlab.com" => Some(Self::GitLab),
            _ => None,
        }
    }
}

/// A repository on a [`Forge`]: `github.com/OWNER/NAME`, or `gitlab.com/GROUP/.../PROJECT`.
///
/// Both forges treat paths case-insensitively, so the path is kept in lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Repository {
    forge: Forge,
    path: String,
}

impl Repository {
    /// Reads a repository URL in the spellings people and tools use: `https://github.com/o/r`,
    /// with `.git`, a trailing slash, `git+https://`, `git://`, `ssh://git@`, `git@host:o/r`,
    /// `github.com/o/r`, or a deeper GitHub path (`/tree/main/sub`) that stays in the repository.
    pub fn parse(url: &str) -> Result<Self, Error> {
        let invalid = || Error::InvalidRepositoryUrl(url.to_owned());
        let trimmed = url.trim();
        let rest = trimmed.strip_prefix("git+").unwrap_or(trimmed);
        let rest = ["https://", "http://", "git://", "ssh://"]
            .iter()
            .find_map(|scheme| rest.strip_prefix(scheme))
            .unwrap_or(rest);
        let rest = rest.strip_prefix("git@").unwrap_or(rest);
        // `git@github.com:owner/repo` (scp-like) uses a colon before the path.
        let (host, path) = rest.split_once(['/', ':']).ok_or_else(invalid)?;
        let forge = Forge::from_host(host).ok_or_else(invalid)?;
        let path = path.split(['?', '#']).next().unwrap_or(path);
        let mut segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        // SLSA's `git+https://host/o/r@refs/heads/main`: the ref follows the first `@`.
        if let Some(at) = segments.iter().position(|s| s.contains('@')) {
            segments[at] = segments[at].split('@').next().unwrap_or_default();
            segments.truncate(at + 1);
        }
        match forge {
            // Only OWNER/NAME name the repository; what follows is a file or a tree in it.
            Forge::GitHub => segments.truncate(2),
            // GitLab groups nest; a `-` segment starts the project's pages (`/-/tree/main`).
            Forge::GitLab => {
                if let Some(end) = segments.iter().position(|s| *s == "-") {
                    segments.truncate(end);
                }
            }
        }
        if segments.len() < 2 {
            return Err(invalid());
        }
        if let Some(last) = segments.last_mut() {
            *last = last.strip_suffix(".git").unwrap_or(last);
        }
        let valid = |s: &&str| {
            !s.is_empty()
                && *s != "."
                && *s != ".."
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        };
        if !segments.iter().all(valid) {
            return Err(invalid());
        }
        Ok(Self {
            forge,
            path: segments.join("/").to_ascii_lowercase(),
        })
    }

    /// The forge it is on.
    pub fn forge(&self) -> Forge {
        self.forge
    }

    /// The first path segment: the GitHub owner, or the top GitLab group.
    pub fn owner(&self) -> &str {
        self.path.split('/').next().unwrap_or(&self.path)
    }

    /// `OWNER/NAME` (GitLab: `GROUP/.../PROJECT`), lower case.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// `https://HOST/PATH`, the form Fulcio certificates use.
    pub fn url(&self) -> String {
        format!("https://{}/{}", self.forge.host(), self.path)
    }
}

impl std::fmt::Display for Repository {
    /// `github.com/owner/name`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.forge.host(), self.path)
    }
}

/// What the provenance must show: the server's own repository, checked against the server's
/// name once when it is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedSource {
    server_name: String,
    repository: Repository,
}

impl ExpectedSource {
    /// The server `server_name` (e.g. `io.github.sigstore/sigstore-js`) with the repository URL
    /// of its server.json. An `io.github.OWNER/*` name must point at a GitHub repository of
    /// OWNER: that is what its namespace means.
    pub fn new(server_name: &str, repository_url: &str) -> Result<Self, Error> {
        let repository = Repository::parse(repository_url)?;
        if let Some(rest) = server_name.strip_prefix("io.github.") {
            let owner = rest.split('/').next().unwrap_or(rest);
            if repository.forge() != Forge::GitHub
                || !repository.owner().eq_ignore_ascii_case(owner)
            {
                return Err(Error::OwnerMismatch {
                    name: server_name.to_owned(),
                    owner: owner.to_owned(),
                    repository: repository.to_string(),
                });
            }
        }
        Ok(Self {
            server_name: server_name.to_owned(),
            repository,
        })
    }

    /// The server's name.
    pub fn server_name(&self) -> &str {
        &self.server_name
    }

    /// The server's repository.
    pub fn repository(&self) -> &Repository {
        &self.repository
    }

    /// Refuses `found` (what `claim` named) unless it is the server's repository.
    pub(crate) fn require(&self, claim: &'static str, found: &str) -> Result<(), Error> {
        match Repository::parse(found) {
            Ok(repository) if repository == self.repository => Ok(()),
            _ => Err(Error::RepositoryMismatch {
                claim,
                expected: self.repository.to_string(),
                found: found.to_owned(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_repository_are_equal() {
        let expected = Repository::parse("https://github.com/sigstore/sigstore-js").unwrap();
        for url in [
            "https://github.com/sigstore/sigstore-js.git",
            "git+https://github.com/sigstore/sigstore-js.git",
            "git+https://github.com/sigstore/sigstore-js@refs/heads/main",
            "git://github.com/Sigstore/Sigstore-JS",
            "git+ssh://git@github.com/sigstore/sigstore-js.git",
            "git@github.com:sigstore/sigstore-js.git",
            "github.com/sigstore/sigstore-js/",
            "https://github.com/sigstore/sigstore-js/tree/main/packages/client",
        ] {
            assert_eq!(Repository::parse(url).unwrap(), expected, "{url}");
        }
        assert_eq!(expected.to_string(), "github.com/sigstore/sigstore-js");
        assert_eq!(expected.url(), "https://github.com/sigstore/sigstore-js");
    }

    #[test]
    fn gitlab_groups_nest() {
        for url in [
            "https://gitlab.com/group/sub/project/-/tree/main",
            "git+https://gitlab.com/group/sub/project@refs/heads/main",
        ] {
            let repo = Repository::parse(url).unwrap();
            assert_eq!(repo.path(), "group/sub/project");
            assert_eq!(repo.owner(), "group");
        }
    }

    #[test]
    fn other_hosts_and_shapes_are_refused() {
        for url in [
            "https://example.com/o/r",
            "https://github.com/only-owner",
            "https://github.com/o/..",
            "",
            "not a url",
        ] {
            assert!(
                matches!(Repository::parse(url), Err(Error::InvalidRepositoryUrl(_))),
                "{url}"
            );
        }
    }

    #[test]
    fn io_github_names_need_their_owners_repository() {
        ExpectedSource::new(
            "io.github.sigstore/sigstore-js",
            "https://github.com/sigstore/sigstore-js",
        )
        .unwrap();
        ExpectedSource::new(
            "io.github.SigStore/x",
            "https://github.com/sigstore/sigstore-js",
        )
        .unwrap();
        let err = ExpectedSource::new(
            "io.github.octo/weather",
            "https://github.com/sigstore/sigstore-js",
        )
        .unwrap_err();
        assert!(
            matches!(err, Error::OwnerMismatch { ref owner, .. } if owner == "octo"),
            "{err}"
        );
        // Other namespaces are proven elsewhere (domain proofs); any forge repository goes.
        ExpectedSource::new("com.example/weather", "https://gitlab.com/example/weather").unwrap();
    }
}
