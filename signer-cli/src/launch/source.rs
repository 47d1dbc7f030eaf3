//! Where the code a configured server runs comes from, whether its version is pinned, and the
//! package reference the registry is asked about.

/// Where the code a server runs comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Source {
    /// An npm package; `spec` is what follows the name's `@` (a version, range or tag).
    Npm { name: String, spec: Option<String> },
    /// A PyPI package; `spec` is the version constraint as written (`==1.2.3`, `@1.2.3`,
    /// `>=1`).
    Pypi { name: String, spec: Option<String> },
    /// A container image.
    Oci {
        image: String,
        tag: Option<String>,
        digest: Option<String>,
    },
    /// A NuGet package (.NET `dnx`).
    Nuget {
        name: String,
        version: Option<String>,
    },
    /// Installed straight from a git repository or URL.
    Url { url: String, pinned: bool },
    /// A program or script on this machine.
    Local { program: String },
}

/// Whether the version a source resolves to is fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Pin {
    Exact(String),
    /// Unpinned, and why (`no version`, `@latest`, `range ^1.2`, `tag 1.0 without digest`).
    Floating(String),
    NotApplicable,
}

impl Source {
    pub(crate) fn pin(&self) -> Pin {
        match self {
            Source::Npm { spec, .. } => match spec.as_deref() {
                None => Pin::Floating("no version: the latest is fetched at start".into()),
                Some(v) if is_exact_version(v) => Pin::Exact(v.to_owned()),
                Some(v) if v.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) => {
                    Pin::Floating(format!("dist-tag @{v}"))
                }
                Some(v) => Pin::Floating(format!("version range {v}")),
            },
            Source::Pypi { spec, .. } => match spec.as_deref() {
                None => Pin::Floating("no version: the latest is fetched at start".into()),
                Some(v) => {
                    let exact = v
                        .strip_prefix("==")
                        .or_else(|| v.strip_prefix('@'))
                        .filter(|x| is_exact_version(x));
                    match exact {
                        Some(x) => Pin::Exact(x.to_owned()),
                        None if v == "@latest" => Pin::Floating("@latest".into()),
                        None => Pin::Floating(format!("version range {v}")),
                    }
                }
            },
            Source::Oci { tag, digest, .. } => match (digest, tag.as_deref()) {
                (Some(d), _) => Pin::Exact(d.clone()),
                (None, None | Some("latest")) => {
                    Pin::Floating("no tag or :latest: whatever is newest is pulled".into())
                }
                (None, Some(t)) => Pin::Floating(format!("tag :{t} without a digest can be moved")),
            },
            Source::Nuget { version, .. } => match version {
                Some(v) if is_exact_version(v) => Pin::Exact(v.clone()),
                Some(v) => Pin::Floating(format!("version {v}")),
                None => Pin::Floating("no version: the latest is fetched at start".into()),
            },
            Source::Url { url, pinned } => {
                if *pinned {
                    Pin::Exact(url.clone())
                } else {
                    Pin::Floating("a URL or branch, not a commit: its content can change".into())
                }
            }
            Source::Local { .. } => Pin::NotApplicable,
        }
    }

    /// The package reference the registry's `/v1/verify?package=` understands.
    pub(crate) fn package_ref(&self) -> Option<String> {
        let exact = match self.pin() {
            Pin::Exact(v) => Some(v),
            _ => None,
        };
        match self {
            Source::Npm { name, .. } => Some(match exact {
                Some(v) => format!("npm:{name}@{v}"),
                None => format!("npm:{name}"),
            }),
            Source::Pypi { name, .. } => Some(match exact {
                Some(v) => format!("pypi:{name}=={v}"),
                None => format!("pypi:{name}"),
            }),
            Source::Oci { image, tag, digest } => Some(match (digest, tag) {
                (Some(d), _) => format!("oci:{image}@{d}"),
                (None, Some(t)) => format!("oci:{image}:{t}"),
                (None, None) => format!("oci:{image}"),
            }),
            Source::Nuget { name, version } => Some(match version {
                Some(v) => format!("nuget:{name}@{v}"),
                None => format!("nuget:{name}"),
            }),
            Source::Url { .. } | Source::Local { .. } => None,
        }
    }

    /// For people: `npm:@scope/pkg@1.2.3`, `a local program: node server.js`.
    pub(crate) fn display(&self) -> String {
        match self {
            Source::Npm { name, spec } => match spec {
                Some(s) => format!("npm:{name}@{s}"),
                None => format!("npm:{name}"),
            },
            Source::Pypi { name, spec } => match spec {
                Some(s) if s.starts_with('@') => format!("pypi:{name}{s}"),
                Some(s) => format!("pypi:{name}{s}"),
                None => format!("pypi:{name}"),
            },
            Source::Oci { image, tag, digest } => {
                let mut s = format!("oci:{image}");
                if let Some(t) = tag {
                    s.push(':');
                    s.push_str(t);
                }
                if let Some(d) = digest {
                    s.push('@');
                    s.push_str(d);
                }
                s
            }
            Source::Nuget { name, version } => match version {
                Some(v) => format!("nuget:{name}@{v}"),
                None => format!("nuget:{name}"),
            },
            Source::Url { url, .. } => url.clone(),
            Source::Local { program } => format!("local: {program}"),
        }
    }
}

/// `1.2.3`, `1.2.3-beta.1`, `1.2.3+build`: one exact semantic version (also `1.2`, as PyPI
/// versions may have two parts).
fn is_exact_version(v: &str) -> bool {
    let core = v.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<&str> = core.split('.').collect();
    (2..=4).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}
