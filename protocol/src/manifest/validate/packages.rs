//! `packages[]`: registry type, identifier, version, file hash, and the local transport
//! (stdio, or a streamable-http or sse URL) a package runs with.

use std::collections::BTreeSet;

use serde_json::Value;

use super::Checker;
use super::cross_refs::PackageInfo;
use super::json_reads::{child, item};
use super::url_template::{substitute_template, template_variables};
use crate::formats::registry;
use crate::manifest::digest::Sha256Digest;
use crate::names::{RegistryType, excerpt};

impl<'a> Checker<'a> {
    pub(super) fn package(&mut self, path: &str, value: &'a Value) {
        let Some(obj) = self.as_object(value, path) else {
            self.packages_incomplete = true;
            self.packages.push(PackageInfo {
                path: path.to_owned(),
                registry_type: None,
                identifier: None,
                version: None,
                file_sha256: None,
            });
            return;
        };

        let registry_type = self.string(obj, path, "registryType", true);
        if let Some(rt) = registry_type {
            let p = child(path, "registryType");
            if rt.trim().is_empty() {
                self.error(
                    &p,
                    "missing-field",
                    "the registry type (npm, pypi, oci, ...) is empty",
                );
            } else if rt.parse::<RegistryType>().is_err() {
                self.warning(
                    &p,
                    "unknown-registry-type",
                    format!(
                        "{:?} is not a registry type this registry knows (npm, pypi, oci, nuget, \
                         mcpb); clients may not install it and its digests cannot be confirmed",
                        excerpt(rt)
                    ),
                );
            }
        }
        if let Some(base) = self.string(obj, path, "registryBaseUrl", false) {
            self.web_url(&child(path, "registryBaseUrl"), base, false);
        }

        let identifier = self.string(obj, path, "identifier", true);
        if let Some(id) = identifier {
            let p = child(path, "identifier");
            if id.is_empty() {
                self.error(&p, "missing-field", "the package identifier is empty");
            } else if id.chars().any(char::is_whitespace) {
                self.error(
                    &p,
                    "identifier-has-spaces",
                    "a package identifier has no spaces",
                );
            } else if registry_type == Some(registry::MCPB) {
                let ok = url::Url::parse(id).is_ok_and(|u| u.scheme() == "https");
                if !ok {
                    self.error(
                        &p,
                        "invalid-bundle-url",
                        "an mcpb package's identifier is the https URL of the bundle",
                    );
                }
            }
        }

        let version = self.string(obj, path, "version", false);
        match version {
            Some(v) => self.version(&child(path, "version"), v),
            None if registry_type.is_some_and(|rt| rt != registry::MCPB)
                && obj.get("version").is_none() =>
            {
                self.warning(
                    &child(path, "version"),
                    "package-version-missing",
                    "the package has no version; clients cannot tell which release to install",
                );
            }
            None => {}
        }

        let file_sha256 = self.string(obj, path, "fileSha256", false);
        if let Some(sha) = file_sha256 {
            if sha.parse::<Sha256Digest>().is_err() {
                self.error(
                    &child(path, "fileSha256"),
                    "invalid-file-sha256",
                    format!(
                        "{:?} is not a SHA-256 digest: 64 lowercase hex digits",
                        excerpt(sha)
                    ),
                );
            }
        } else if registry_type == Some(registry::MCPB) && obj.get("fileSha256").is_none() {
            self.error(
                &child(path, "fileSha256"),
                "missing-field",
                "an mcpb package needs fileSha256, the SHA-256 of the bundle",
            );
        }

        let runtime_hint = self.string(obj, path, "runtimeHint", false);
        let mut variables: BTreeSet<&'a str> = BTreeSet::new();
        for key in ["runtimeArguments", "packageArguments"] {
            if let Some(args) = self.array(obj, path, key) {
                let p = child(path, key);
                if key == "runtimeArguments" && !args.is_empty() && runtime_hint.is_none() {
                    self.warning(
                        &child(path, "runtimeHint"),
                        "runtime-hint-missing",
                        "runtimeArguments are given but no runtimeHint (npx, uvx, docker, ...)",
                    );
                }
                for (i, arg) in args.iter().enumerate() {
                    self.argument(&item(&p, i), arg, &mut variables);
                }
            }
        }
        if let Some(env) = self.array(obj, path, "environmentVariables") {
            let p = child(path, "environmentVariables");
            for (i, var) in env.iter().enumerate() {
                if let Some(name) = self.key_value_input(&item(&p, i), var) {
                    variables.insert(name);
                }
            }
        }

        if let Some(transport) = self.field(obj, path, "transport", true) {
            self.local_transport(&child(path, "transport"), transport, &variables);
        }

        if registry_type.is_none() || identifier.is_none() {
            self.packages_incomplete = true;
        }
        self.packages.push(PackageInfo {
            path: path.to_owned(),
            registry_type,
            identifier,
            version,
            // Only a valid digest is compared with the artifacts' (an invalid one is reported).
            file_sha256: file_sha256.filter(|s| s.parse::<Sha256Digest>().is_ok()),
        });
    }

    pub(super) fn local_transport(
        &mut self,
        path: &str,
        value: &'a Value,
        variables: &BTreeSet<&'a str>,
    ) {
        let Some(obj) = self.as_object(value, path) else {
            return;
        };
        match self.string(obj, path, "type", true) {
            Some("stdio") if obj.contains_key("url") => {
                self.error(
                    &child(path, "url"),
                    "stdio-transport-url",
                    "a stdio transport has no url",
                );
            }
            Some("stdio") => {}
            Some(t @ ("streamable-http" | "sse")) => {
                if !obj.contains_key("url") {
                    self.error(
                        &child(path, "url"),
                        "missing-field",
                        format!("a {t} transport needs a url"),
                    );
                } else if let Some(url) = self.string(obj, path, "url", false) {
                    let p = child(path, "url");
                    if self.transport_url_shape(&p, url) {
                        let undefined: Vec<&str> = template_variables(url)
                            .filter(|v| !variables.contains(v))
                            .collect();
                        if !undefined.is_empty() {
                            self.error(
                                &p,
                                "undefined-url-variable",
                                format!(
                                    "the url uses {} that no argument or environment variable of \
                                     the package defines",
                                    undefined
                                        .iter()
                                        .map(|v| format!("{{{v}}}"))
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ),
                            );
                        }
                    }
                }
                self.headers(obj, path);
            }
            Some(other) => self.error(
                &child(path, "type"),
                "unknown-transport-type",
                format!(
                    "{:?} is not a transport type; use stdio, streamable-http or sse",
                    excerpt(other)
                ),
            ),
            None => {}
        }
    }

    /// The official pattern `^(https?://[^\s]+|\{[a-zA-Z_][a-zA-Z0-9_]*\}[^\s]*)$`.
    pub(super) fn transport_url_shape(&mut self, path: &str, url: &str) -> bool {
        let no_space = !url.chars().any(char::is_whitespace);
        let http = ["http://", "https://"].iter().any(|scheme| {
            url.strip_prefix(scheme)
                .is_some_and(|rest| !rest.is_empty())
        });
        let templated = url
            .strip_prefix('{')
            .and_then(|r| r.split_once('}'))
            .is_some_and(|(var, _)| {
                var.chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            });
        let substituted_ok = http && {
            url::Url::parse(&substitute_template(url))
                .is_ok_and(|u| u.host_str().is_some_and(|h| !h.is_empty()))
        };
        if no_space && (substituted_ok || templated) {
            return true;
        }
        self.error(
            path,
            "invalid-transport-url",
            format!(
                "{:?} is not an http(s) URL (it may contain {{variables}})",
                excerpt(url)
            ),
        );
        false
    }
}
