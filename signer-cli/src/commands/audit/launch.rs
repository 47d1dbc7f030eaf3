//! What a configured command runs: the package and version a launcher (`npx`, `uvx`,
//! `docker run`, ...) resolves to, and whether it runs in a container.

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

/// A resolved command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Launch {
    /// `npx`, `uvx`, `docker`, ...
    pub(crate) launcher: String,
    pub(crate) source: Source,
    /// For containers: what weakens the isolation (`--privileged`, a mounted home folder, ...).
    pub(crate) container: Option<Vec<String>>,
    /// Whether the launcher re-resolves on each start (`--refresh`, `@latest`).
    pub(crate) refresh: bool,
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
pub(crate) fn is_exact_version(v: &str) -> bool {
    let core = v.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<&str> = core.split('.').collect();
    (2..=4).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

/// The program's name without folders and Windows extensions, lowercase.
fn program_name(command: &str) -> String {
    let base = command.rsplit(['/', '\\']).next().unwrap_or(command);
    let lower = base.to_ascii_lowercase();
    for ext in [".exe", ".cmd", ".bat", ".ps1"] {
        if let Some(stem) = lower.strip_suffix(ext) {
            return stem.to_owned();
        }
    }
    lower
}

/// Split a shell command line into words (quotes and backslashes, no expansion).
pub(crate) fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                    in_word = true;
                }
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            (None, c) => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    words
}

/// Resolve a command line. Shell wrappers (`cmd /c`, `sh -c`) are looked through, at most a
/// few levels deep.
pub(crate) fn resolve(command: &str, args: &[String]) -> Launch {
    resolve_depth(command, args, 0)
}

fn resolve_depth(command: &str, args: &[String], depth: usize) -> Launch {
    let prog = program_name(command);
    let local = || Launch {
        launcher: prog.clone(),
        source: Source::Local {
            program: std::iter::once(command.to_owned())
                .chain(args.iter().take(1).cloned())
                .collect::<Vec<_>>()
                .join(" "),
        },
        container: None,
        refresh: false,
    };
    if depth > 4 {
        return local();
    }
    let first = args.first().map(String::as_str);
    match prog.as_str() {
        "cmd" if matches!(first, Some("/c" | "/C" | "/k" | "/K")) => match args.get(1) {
            Some(inner) => resolve_depth(inner, args.get(2..).unwrap_or_default(), depth + 1),
            None => local(),
        },
        "sh" | "bash" | "zsh" | "dash" => {
            let pos = args
                .iter()
                .position(|a| a == "-c" || a == "-lc" || a == "-ic");
            match pos.and_then(|i| args.get(i + 1)) {
                Some(line) => {
                    let words = shell_words(line);
                    match words.split_first() {
                        Some((cmd, rest)) => resolve_depth(cmd, rest, depth + 1),
                        None => local(),
                    }
                }
                None => local(),
            }
        }
        "npx" | "bunx" | "pnpx" => npm(&prog, args).unwrap_or_else(local),
        "npm" | "pnpm" | "yarn" | "bun" if matches!(first, Some("exec" | "x" | "dlx")) => {
            npm(&prog, args.get(1..).unwrap_or_default()).unwrap_or_else(local)
        }
        "uvx" => pypi(&prog, args).unwrap_or_else(local),
        "uv" if args
            .get(..2)
            .is_some_and(|a| a[0] == "tool" && a[1] == "run") =>
        {
            pypi(&prog, args.get(2..).unwrap_or_default()).unwrap_or_else(local)
        }
        "pipx" if first == Some("run") => {
            pypi(&prog, args.get(1..).unwrap_or_default()).unwrap_or_else(local)
        }
        "docker" | "podman" if first == Some("run") => {
            oci(&prog, args.get(1..).unwrap_or_default()).unwrap_or_else(local)
        }
        "dnx" => nuget(&prog, args).unwrap_or_else(local),
        _ => local(),
    }
}

fn npm(launcher: &str, args: &[String]) -> Option<Launch> {
    let mut package: Option<String> = None;
    let mut positional: Option<String> = None;
    let mut iter = args.iter();
    while let Some(a) = iter.next() {
        if a == "--" {
            positional = positional.or_else(|| iter.next().cloned());
            break;
        }
        if let Some(v) = a.strip_prefix("--package=") {
            package = Some(v.to_owned());
        } else if a == "-p" || a == "--package" {
            package = iter.next().cloned();
        } else if a == "-c" || a == "--call" {
            iter.next();
        } else if a.starts_with('-') {
            // -y, --yes, --quiet, --prefer-offline, ...: flags without values.
        } else {
            positional = Some(a.clone());
            break;
        }
    }
    let spec = package.or(positional)?;
    Some(Launch {
        launcher: launcher.to_owned(),
        refresh: spec.ends_with("@latest"),
        source: npm_source(&spec),
        container: None,
    })
}

fn npm_source(spec: &str) -> Source {
    let lower = spec.to_ascii_lowercase();
    if lower.starts_with("git+")
        || lower.starts_with("github:")
        || lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("file:")
        || spec.starts_with(['.', '/', '~'])
        || (!spec.starts_with('@') && spec.contains('/'))
    {
        let pinned = spec
            .rsplit('#')
            .next()
            .is_some_and(|r| r.len() == 40 && r.chars().all(|c| c.is_ascii_hexdigit()));
        return Source::Url {
            url: spec.to_owned(),
            pinned,
        };
    }
    let split_at = if let Some(rest) = spec.strip_prefix('@') {
        rest.find('@').map(|i| i + 1)
    } else {
        spec.find('@')
    };
    match split_at {
        Some(i) => Source::Npm {
            name: spec.get(..i).unwrap_or(spec).to_owned(),
            spec: spec
                .get(i + 1..)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
        },
        None => Source::Npm {
            name: spec.to_owned(),
            spec: None,
        },
    }
}

const UV_VALUE_OPTIONS: &[&str] = &[
    "--from",
    "--with",
    "--with-editable",
    "--with-requirements",
    "--python",
    "-p",
    "--index-url",
    "-i",
    "--extra-index-url",
    "--index",
    "--default-index",
    "--constraint",
    "--spec",
    "--cache-dir",
    "--directory",
];

fn pypi(launcher: &str, args: &[String]) -> Option<Launch> {
    let mut from: Option<String> = None;
    let mut command: Option<String> = None;
    let mut refresh = false;
    let mut iter = args.iter();
    while let Some(a) = iter.next() {
        if let Some((k, v)) = a.split_once('=')
            && (k == "--from" || k == "--spec")
        {
            from = Some(v.to_owned());
        } else if a == "--from" || a == "--spec" {
            from = iter.next().cloned();
        } else if UV_VALUE_OPTIONS.contains(&a.as_str()) {
            iter.next();
        } else if a == "--refresh"
            || a == "--upgrade"
            || a == "-U"
            || a.starts_with("--refresh-package")
        {
            refresh = true;
        } else if a.starts_with('-') {
        } else {
            command = Some(a.clone());
            break;
        }
    }
    let spec = from.or(command)?;
    let source = pypi_source(&spec);
    refresh |= spec.ends_with("@latest");
    Some(Launch {
        launcher: launcher.to_owned(),
        source,
        container: None,
        refresh,
    })
}

fn pypi_source(spec: &str) -> Source {
    let lower = spec.to_ascii_lowercase();
    if lower.starts_with("git+") || lower.starts_with("http://") || lower.starts_with("https://") {
        let pinned = spec
            .rsplit('@')
            .next()
            .is_some_and(|r| r.len() == 40 && r.chars().all(|c| c.is_ascii_hexdigit()));
        return Source::Url {
            url: spec.to_owned(),
            pinned,
        };
    }
    if spec.starts_with(['.', '/', '~']) {
        return Source::Local {
            program: spec.to_owned(),
        };
    }
    let cut = spec
        .find(['=', '<', '>', '~', '!', '@', ' '])
        .unwrap_or(spec.len());
    let name_part = spec.get(..cut).unwrap_or(spec);
    // Drop extras: `pkg[extra]`.
    let name = name_part.split('[').next().unwrap_or(name_part).to_owned();
    let rest = spec.get(cut..).unwrap_or_default().trim();
    Source::Pypi {
        name,
        spec: (!rest.is_empty()).then(|| rest.to_owned()),
    }
}

/// `docker run` options that take a value.
const DOCKER_VALUE_OPTIONS: &[&str] = &[
    "-e",
    "--env",
    "-v",
    "--volume",
    "--name",
    "--network",
    "--net",
    "--entrypoint",
    "-p",
    "--publish",
    "--mount",
    "--env-file",
    "-w",
    "--workdir",
    "-u",
    "--user",
    "--platform",
    "--pull",
    "-m",
    "--memory",
    "--cpus",
    "--label",
    "-l",
    "--add-host",
    "--cap-add",
    "--cap-drop",
    "--security-opt",
    "--hostname",
    "-h",
    "--device",
    "--tmpfs",
    "--ulimit",
    "--log-driver",
    "--restart",
    "--pid",
    "--ipc",
    "--userns",
    "--runtime",
    "--gpus",
];

fn oci(launcher: &str, args: &[String]) -> Option<Launch> {
    let mut weak: Vec<String> = Vec::new();
    let mut image: Option<String> = None;
    let mut iter = args.iter();
    while let Some(a) = iter.next() {
        let (opt, inline) = match a.split_once('=') {
            Some((k, v)) if k.starts_with('-') => (k.to_owned(), Some(v.to_owned())),
            _ => (a.clone(), None),
        };
        if !opt.starts_with('-') {
            image = Some(a.clone());
            break;
        }
        if opt == "--privileged" {
            weak.push("--privileged".into());
            continue;
        }
        if DOCKER_VALUE_OPTIONS.contains(&opt.as_str()) {
            let value = match inline {
                Some(v) => v,
                None => iter.next().cloned().unwrap_or_default(),
            };
            match opt.as_str() {
                "--network" | "--net" | "--pid" | "--ipc" | "--userns" if value == "host" => {
                    weak.push(format!("{opt} host"));
                }
                "--cap-add"
                    if matches!(value.to_ascii_uppercase().as_str(), "ALL" | "SYS_ADMIN") =>
                {
                    weak.push(format!("--cap-add {value}"));
                }
                "--security-opt" if value.contains("unconfined") => {
                    weak.push(format!("--security-opt {value}"));
                }
                "-v" | "--volume" | "--mount" => {
                    let source = if opt == "--mount" {
                        value
                            .split(',')
                            .find_map(|kv| {
                                kv.strip_prefix("source=")
                                    .or_else(|| kv.strip_prefix("src="))
                            })
                            .unwrap_or_default()
                            .to_owned()
                    } else {
                        value.split(':').next().unwrap_or_default().to_owned()
                    };
                    if sensitive_mount(&source) {
                        weak.push(format!("mounts {source}"));
                    }
                }
                _ => {}
            }
        }
    }
    let image = image?;
    // Split as the registry splits image references (a colon before the last `/` is a port).
    let parts = protocol::oci_tag::split_reference(&image);
    let (name, tag, digest) = (
        parts.name.to_owned(),
        parts.tag.map(str::to_owned),
        parts.digest.map(str::to_owned),
    );
    Some(Launch {
        launcher: launcher.to_owned(),
        source: Source::Oci {
            image: name,
            tag,
            digest,
        },
        container: Some(weak),
        refresh: false,
    })
}

/// Host folders whose mounting gives a container the user's secrets or the machine.
fn sensitive_mount(source: &str) -> bool {
    let s = source.trim_end_matches('/');
    (s.is_empty() && source.starts_with('/'))
        || s == "~"
        || s == "$HOME"
        || s == "${HOME}"
        || s.contains(".ssh")
        || s.contains(".aws")
        || s.contains(".config")
        || s.contains("docker.sock")
        || s == "/etc"
        || s == "/home"
        || s == "/Users"
        || s.eq_ignore_ascii_case("c:\\")
}

fn nuget(launcher: &str, args: &[String]) -> Option<Launch> {
    let mut package: Option<String> = None;
    let mut version: Option<String> = None;
    let mut iter = args.iter();
    while let Some(a) = iter.next() {
        if a == "--version" {
            version = iter.next().cloned();
        } else if a.starts_with('-') {
        } else if package.is_none() {
            package = Some(a.clone());
        }
    }
    let package = package?;
    let (name, v) = match package.split_once('@') {
        Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
        None => (package, None),
    };
    Some(Launch {
        launcher: launcher.to_owned(),
        source: Source::Nuget {
            name,
            version: version.or(v),
        },
        container: None,
        refresh: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(line: &str) -> Launch {
        let words = shell_words(line);
        resolve(&words[0], &words[1..])
    }

    #[test]
    fn npx_specs() {
        let l = r("npx -y @modelcontextprotocol/server-github");
        assert_eq!(
            l.source,
            Source::Npm {
                name: "@modelcontextprotocol/server-github".into(),
                spec: None
            }
        );
        assert!(matches!(l.source.pin(), Pin::Floating(_)));
        assert_eq!(
            l.source.package_ref().as_deref(),
            Some("npm:@modelcontextprotocol/server-github")
        );
        let pinned = r("npx -y @scope/pkg@1.2.3 --flag");
        assert_eq!(pinned.source.pin(), Pin::Exact("1.2.3".into()));
        assert_eq!(
            pinned.source.package_ref().as_deref(),
            Some("npm:@scope/pkg@1.2.3")
        );
        assert!(r("npx pkg@latest").refresh);
        assert_eq!(
            r("npx pkg@^1.2").source.pin(),
            Pin::Floating("version range ^1.2".into())
        );
        assert_eq!(
            r("npx --package=@a/b@2.0.0 b-cli").source,
            Source::Npm {
                name: "@a/b".into(),
                spec: Some("2.0.0".into())
            }
        );
        assert!(matches!(
            r("npx github:user/repo").source,
            Source::Url { pinned: false, .. }
        ));
    }

    #[test]
    fn windows_and_shell_wrappers() {
        let l = r("cmd /c npx -y @scope/pkg@1.0.0");
        assert_eq!(
            l.source.package_ref().as_deref(),
            Some("npm:@scope/pkg@1.0.0")
        );
        let l = resolve(
            "bash",
            &["-c".into(), "uvx mcp-server-git==0.6.2 --repo .".into()],
        );
        assert_eq!(
            l.source.package_ref().as_deref(),
            Some("pypi:mcp-server-git==0.6.2")
        );
        let l = resolve(
            "C:\\Program Files\\nodejs\\npx.cmd",
            &["-y".into(), "x".into()],
        );
        assert_eq!(l.launcher, "npx");
    }

    #[test]
    fn uvx_specs() {
        assert_eq!(
            r("uvx mcp-server-fetch").source,
            Source::Pypi {
                name: "mcp-server-fetch".into(),
                spec: None
            }
        );
        assert_eq!(
            r("uvx mcp-server-fetch@0.6.2").source.pin(),
            Pin::Exact("0.6.2".into())
        );
        assert_eq!(
            r("uvx --from mcp-server-git==2025.1.14 mcp-server-git")
                .source
                .pin(),
            Pin::Exact("2025.1.14".into())
        );
        assert!(matches!(
            r("uvx --from 'pkg>=1' pkg").source.pin(),
            Pin::Floating(_)
        ));
        assert!(r("uvx --refresh pkg==1.0").refresh);
        assert!(matches!(
            r("uvx --from git+https://github.com/o/r@main r").source,
            Source::Url { pinned: false, .. }
        ));
        assert_eq!(
            r("pipx run --spec black==24.1.0 black")
                .source
                .package_ref()
                .as_deref(),
            Some("pypi:black==24.1.0")
        );
    }

    #[test]
    fn docker_images_and_isolation() {
        let l = r(
            "docker run -i --rm -e GITHUB_PERSONAL_ACCESS_TOKEN ghcr.io/github/github-mcp-server",
        );
        assert_eq!(
            l.source,
            Source::Oci {
                image: "ghcr.io/github/github-mcp-server".into(),
                tag: None,
                digest: None
            }
        );
        assert_eq!(l.container, Some(vec![]));
        assert!(matches!(l.source.pin(), Pin::Floating(_)));
        let l = r("docker run --privileged -v /:/host --network=host img:1.2@sha256:abc");
        assert_eq!(l.source.pin(), Pin::Exact("sha256:abc".into()));
        assert_eq!(
            l.container,
            Some(vec![
                "--privileged".into(),
                "mounts /".into(),
                "--network host".into()
            ])
        );
        let l = r("docker run -v ~/.ssh:/root/.ssh localhost:5000/img:2");
        assert_eq!(
            l.source,
            Source::Oci {
                image: "localhost:5000/img".into(),
                tag: Some("2".into()),
                digest: None
            }
        );
        assert_eq!(l.container, Some(vec!["mounts ~/.ssh".into()]));
    }

    #[test]
    fn local_programs() {
        assert!(matches!(
            r("node /opt/server/index.js").source,
            Source::Local { .. }
        ));
        assert_eq!(
            r("node /opt/server/index.js").source.pin(),
            Pin::NotApplicable
        );
        assert!(matches!(
            r("/usr/local/bin/my-mcp").source,
            Source::Local { .. }
        ));
    }

    #[test]
    fn shell_words_split_like_a_shell() {
        assert_eq!(
            shell_words(r#"a "b c" 'd e' f\ g"#),
            ["a", "b c", "d e", "f g"]
        );
    }
}
