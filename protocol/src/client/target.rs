//! What a client asks the registry about: `NAME@VERSION`, `NAME` (the latest version) or a
//! package reference (`npm:@scope/pkg@1.2.3`, `oci:image@sha256:...`).

use std::fmt;
use std::str::FromStr;

use super::ClientError;
use crate::PackageRef;

/// What was asked. Names and versions stay as typed: the registry decides whether they exist,
/// and the answer is compared with exactly what was asked (mix-and-match).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// One release: `NAME@VERSION`.
    Release { name: String, version: String },
    /// The latest version of a server: `NAME`.
    Latest { name: String },
    /// The release that publishes a package.
    Package(PackageRef),
}

impl Target {
    /// The server name asked for, when one was.
    pub fn name(&self) -> Option<&str> {
        match self {
            Target::Release { name, .. } | Target::Latest { name } => Some(name),
            Target::Package(_) => None,
        }
    }

    /// The package asked for, when one was.
    pub fn package(&self) -> Option<&PackageRef> {
        match self {
            Target::Package(p) => Some(p),
            _ => None,
        }
    }

    /// The `/v1/verify` query that asks about it, unencoded: `(parameter, value)` pairs.
    pub fn verify_query(&self) -> Vec<(&'static str, String)> {
        match self {
            Target::Release { name, version } => {
                vec![("server", name.clone()), ("version", version.clone())]
            }
            Target::Latest { name } => vec![("server", name.clone())],
            Target::Package(p) => vec![("package", p.to_string())],
        }
    }
}

impl FromStr for Target {
    type Err = ClientError;

    fn from_str(t: &str) -> Result<Self, ClientError> {
        // Server names never contain ':'; package references always do.
        if t.contains(':') {
            return PackageRef::from_str(t)
                .map(Target::Package)
                .map_err(ClientError::PackageRef);
        }
        match t.split_once('@') {
            Some((name, version)) if !name.is_empty() && !version.is_empty() => {
                Ok(Target::Release {
                    name: name.to_string(),
                    version: version.to_string(),
                })
            }
            Some(_) => Err(ClientError::Target {
                input: t.to_string(),
            }),
            None if t.is_empty() => Err(ClientError::Target {
                input: t.to_string(),
            }),
            None => Ok(Target::Latest {
                name: t.to_string(),
            }),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Release { name, version } => write!(f, "{name}@{version}"),
            Target::Latest { name } => f.write_str(name),
            Target::Package(p) => write!(f, "{p}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_three_forms_parse() {
        assert_eq!(
            "io.github.a/b@1.0.0".parse::<Target>().unwrap(),
            Target::Release {
                name: "io.github.a/b".into(),
                version: "1.0.0".into()
            }
        );
        assert_eq!(
            "io.github.a/b".parse::<Target>().unwrap(),
            Target::Latest {
                name: "io.github.a/b".into()
            }
        );
        let p = "npm:@scope/pkg@1.2.3".parse::<Target>().unwrap();
        assert_eq!(p.package().unwrap().name(), "@scope/pkg");
        assert_eq!(p.name(), None);
    }

    #[test]
    fn half_releases_and_bad_packages_are_refused() {
        for bad in ["@1.0.0", "io.github.a/b@", "@", ""] {
            let err = bad.parse::<Target>().unwrap_err();
            assert!(
                matches!(err, ClientError::Target { .. }),
                "{bad:?}: {err:?}"
            );
            assert!(err.to_string().contains("expected NAME@VERSION"), "{err}");
        }
        let err = "nope:thing".parse::<Target>().unwrap_err();
        assert!(matches!(err, ClientError::PackageRef(_)), "{err:?}");
        assert!(err.to_string().contains("unknown registry"), "{err}");
    }

    #[test]
    fn the_verify_query_names_what_was_asked() {
        let t: Target = "io.github.a/b@1.0.0".parse().unwrap();
        assert_eq!(
            t.verify_query(),
            vec![
                ("server", "io.github.a/b".to_string()),
                ("version", "1.0.0".to_string())
            ]
        );
        let t: Target = "pypi:weather==1.0".parse().unwrap();
        assert_eq!(
            t.verify_query(),
            vec![("package", "pypi:weather==1.0".to_string())]
        );
    }

    fn server_name() -> impl Strategy<Value = String> {
        "[a-z][a-z0-9-]{0,8}(\\.[a-z0-9-]{1,8}){0,2}/[a-zA-Z0-9._-]{1,12}"
    }

    fn version() -> impl Strategy<Value = String> {
        "[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}(-[a-z0-9.]{1,6})?(\\+[a-z0-9]{1,4})?"
    }

    fn package() -> impl Strategy<Value = String> {
        prop_oneof![
            (
                "(@[a-z][a-z0-9-]{0,6}/)?[a-z]([a-z0-9._-]{0,8}[a-z0-9])?",
                version()
            )
                .prop_map(|(n, v)| format!("npm:{n}@{v}")),
            ("[a-z]([a-z0-9._-]{0,8}[a-z0-9])?", version())
                .prop_map(|(n, v)| format!("pypi:{n}=={v}")),
            ("[a-z]([a-z0-9-]{0,8}[a-z0-9])?", "[0-9a-f]{64}")
                .prop_map(|(n, d)| format!("oci:ghcr.io/o/{n}@sha256:{d}")),
        ]
    }

    fn target() -> impl Strategy<Value = Target> {
        prop_oneof![
            (server_name(), version())
                .prop_map(|(name, version)| Target::Release { name, version }),
            server_name().prop_map(|name| Target::Latest { name }),
            package().prop_map(|p| Target::Package(p.parse().expect("generated package parses"))),
        ]
    }

    proptest! {
        /// Writing a target and parsing it back gives the same target.
        #[test]
        fn targets_round_trip(t in target()) {
            let text = t.to_string();
            prop_assert_eq!(text.parse::<Target>().unwrap(), t);
        }

        /// Whatever parses is written back exactly as typed (names and versions are not
        /// normalized), and nothing panics on any input.
        #[test]
        fn parsed_text_is_kept(s in "\\PC{0,40}") {
            if let Ok(t) = s.parse::<Target>()
                && !matches!(t, Target::Package(_))
            {
                prop_assert_eq!(t.to_string(), s);
            }
        }
    }
}
