//! The checker: a walk over the parsed JSON that records every problem it finds.
//!
//! It works on the `serde_json::Value` rather than deserialising into the typed structs, so one
//! run reports every problem with its exact path instead of stopping at serde's first error.
//! Whatever it accepts without an error, the typed structs in [`schema`](super::schema) and
//! [`release`](super::release) accept too.

use std::collections::{BTreeSet, HashMap};

use serde_json::{Map, Value};

use crate::formats::release::{COMMIT_SHA1_HEX_LEN, COMMIT_SHA256_HEX_LEN, FILESYSTEM_ACCESS};
use crate::formats::{
    DESCRIPTION_MAX_LEN, ICON_MIME_TYPES, ICON_SRC_MAX_LEN, RELEASE_FORMAT_VERSION,
    RELEASE_META_KEY, SERVER_SCHEMA_URL, SERVER_SCHEMA_URL_PREFIX, TITLE_MAX_LEN, registry,
};
use crate::manifest::digest::{ContentDigest, Sha256Digest, Sha512Integrity};
use crate::manifest::fingerprint::{FINGERPRINT_KEY, tool_fingerprint};
use crate::manifest::{Problem, Severity};
use crate::names::{
    RegistryType, ServerName, ServerNameProblem, VersionProblem, excerpt, server_name_problem,
    version_problem,
};

/// Top-level keys of the official schema.
const KNOWN_TOP_LEVEL: &[&str] = &[
    "$schema",
    "name",
    "description",
    "title",
    "version",
    "websiteUrl",
    "repository",
    "packages",
    "remotes",
    "icons",
    "_meta",
];

const KNOWN_RELEASE_KEYS: &[&str] = &[
    "formatVersion",
    "sourceCommit",
    "artifacts",
    "tools",
    "capabilities",
    "secrets",
    "oauth",
];
const KNOWN_ARTIFACT_KEYS: &[&str] = &[
    "registryType",
    "identifier",
    "version",
    "fileName",
    "sha256",
    "integrity",
    "ociDigest",
];
const KNOWN_CAPABILITY_KEYS: &[&str] = &["filesystem", "network", "exec"];
const KNOWN_SECRET_KEYS: &[&str] = &["name", "description", "required"];
const TOOL_ANNOTATION_HINTS: &[&str] = &[
    "readOnlyHint",
    "destructiveHint",
    "idempotentHint",
    "openWorldHint",
];
/// MCP's recommended tool name limit.
const TOOL_NAME_MAX_LEN: usize = 128;

/// Check a parsed manifest. The problems come in document order.
pub(crate) fn validate(root: &Value) -> Vec<Problem> {
    let mut c = Checker::default();
    c.server(root);
    c.problems
}

/// `$.a.b`, or `$.a["dev.mcp-trust/release"]` for keys that are not plain identifiers.
fn child(path: &str, key: &str) -> String {
    let plain = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        format!("{path}.{key}")
    } else {
        // A JSON string literal is an unambiguous, escaped spelling of any key.
        format!("{path}[{}]", Value::String(key.to_owned()))
    }
}

fn item(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A named input (environment variable or header) seen in the manifest, for matching against
/// the release extension's `secrets`.
#[derive(Debug)]
struct NamedInput<'a> {
    path: String,
    name: &'a str,
    is_secret: bool,
}

/// A package as far as the release extension needs it.
#[derive(Debug)]
struct PackageInfo<'a> {
    path: String,
    registry_type: Option<&'a str>,
    identifier: Option<&'a str>,
    version: Option<&'a str>,
    file_sha256: Option<&'a str>,
}

#[derive(Debug, Default)]
struct Checker<'a> {
    problems: Vec<Problem>,
    packages: Vec<PackageInfo<'a>>,
    /// Some package could not be read (wrong type, no registryType or identifier), so an
    /// artifact that matches none of the others is not reported again.
    packages_incomplete: bool,
    named_inputs: Vec<NamedInput<'a>>,
}

impl<'a> Checker<'a> {
    fn push(&mut self, severity: Severity, path: &str, code: &'static str, message: String) {
        self.problems.push(Problem {
            path: path.to_owned(),
            severity,
            code,
            message,
        });
    }

    fn error(&mut self, path: &str, code: &'static str, message: impl Into<String>) {
        self.push(Severity::Error, path, code, message.into());
    }

    fn warning(&mut self, path: &str, code: &'static str, message: impl Into<String>) {
        self.push(Severity::Warning, path, code, message.into());
    }

    fn wrong_type(&mut self, path: &str, expected: &str, found: &Value) {
        self.error(
            path,
            "wrong-type",
            format!("expected {expected}, found {}", kind(found)),
        );
    }

    /// The value at `key`, reporting it as missing if `required`.
    fn field(
        &mut self,
        obj: &'a Map<String, Value>,
        path: &str,
        key: &str,
        required: bool,
    ) -> Option<&'a Value> {
        let value = obj.get(key);
        if value.is_none() && required {
            self.error(
                &child(path, key),
                "missing-field",
                format!("the required field {key:?} is missing"),
            );
        }
        value
    }

    fn string(
        &mut self,
        obj: &'a Map<String, Value>,
        path: &str,
        key: &str,
        required: bool,
    ) -> Option<&'a str> {
        match self.field(obj, path, key, required)? {
            Value::String(s) => Some(s),
            other => {
                self.wrong_type(&child(path, key), "a string", other);
                None
            }
        }
    }

    fn boolean(
        &mut self,
        obj: &'a Map<String, Value>,
        path: &str,
        key: &str,
        required: bool,
    ) -> Option<bool> {
        match self.field(obj, path, key, required)? {
            Value::Bool(b) => Some(*b),
            other => {
                self.wrong_type(&child(path, key), "true or false", other);
                None
            }
        }
    }

    fn object(
        &mut self,
        obj: &'a Map<String, Value>,
        path: &str,
        key: &str,
        required: bool,
    ) -> Option<&'a Map<String, Value>> {
        match self.field(obj, path, key, required)? {
            Value::Object(m) => Some(m),
            other => {
                self.wrong_type(&child(path, key), "an object", other);
                None
            }
        }
    }

    fn array(&mut self, obj: &'a Map<String, Value>, path: &str, key: &str) -> Option<&'a [Value]> {
        match self.field(obj, path, key, false)? {
            Value::Array(items) => Some(items),
            other => {
                self.wrong_type(&child(path, key), "an array", other);
                None
            }
        }
    }

    fn as_object(&mut self, value: &'a Value, path: &str) -> Option<&'a Map<String, Value>> {
        match value {
            Value::Object(m) => Some(m),
            other => {
                self.wrong_type(path, "an object", other);
                None
            }
        }
    }

    fn unknown_keys(&mut self, obj: &Map<String, Value>, path: &str, known: &[&str], what: &str) {
        for key in obj.keys().filter(|k| !known.contains(&k.as_str())) {
            self.warning(
                &child(path, key),
                "unknown-field",
                format!("{key:?} is not a field of {what}; check its spelling"),
            );
        }
    }

    fn version(&mut self, path: &str, s: &str) {
        if let Some(problem) = version_problem(s) {
            let code = match problem {
                VersionProblem::Empty => "version-empty",
                VersionProblem::TooLong => "version-too-long",
                VersionProblem::Latest => "version-latest",
                VersionProblem::Range => "version-range",
                VersionProblem::Whitespace => "version-whitespace",
            };
            self.error(path, code, problem.message(s));
        }
    }

    // -----------------------------------------------------------------------------------------
    // server.json

    fn server(&mut self, root: &'a Value) {
        let path = "$";
        let Value::Object(obj) = root else {
            self.error(
                path,
                "not-an-object",
                format!("a server.json is a JSON object, not {}", kind(root)),
            );
            return;
        };

        match self.field(obj, path, "$schema", false) {
            None => self.warning(
                &child(path, "$schema"),
                "schema-missing",
                format!("there is no \"$schema\"; add \"$schema\": \"{SERVER_SCHEMA_URL}\""),
            ),
            Some(Value::String(s)) if s == SERVER_SCHEMA_URL => {}
            Some(Value::String(s)) if s.starts_with(SERVER_SCHEMA_URL_PREFIX) => self.warning(
                &child(path, "$schema"),
                "schema-outdated",
                format!(
                    "{:?} is another version of the server.json schema; this registry checks \
                     against {SERVER_SCHEMA_URL}",
                    excerpt(s)
                ),
            ),
            Some(Value::String(s)) => self.warning(
                &child(path, "$schema"),
                "schema-unknown",
                format!(
                    "{:?} is not the server.json schema ({SERVER_SCHEMA_URL})",
                    excerpt(s)
                ),
            ),
            Some(other) => self.wrong_type(&child(path, "$schema"), "a string", other),
        }

        let name = self.string(obj, path, "name", true);
        let server_name = name.and_then(|s| self.server_name(&child(path, "name"), s));

        if let Some(d) = self.string(obj, path, "description", true) {
            let p = child(path, "description");
            if d.trim().is_empty() {
                self.warning(
                    &p,
                    "description-empty",
                    "the description is empty; say what the server does",
                );
            } else if d.chars().count() > DESCRIPTION_MAX_LEN {
                self.warning(
                    &p,
                    "description-too-long",
                    format!(
                        "the description has {} characters; the official registry allows {DESCRIPTION_MAX_LEN}",
                        d.chars().count()
                    ),
                );
            }
        }

        if let Some(t) = self.string(obj, path, "title", false) {
            let p = child(path, "title");
            if t.trim().is_empty() {
                self.error(
                    &p,
                    "title-empty",
                    "the title is empty; leave it out or give one",
                );
            } else if t.chars().count() > TITLE_MAX_LEN {
                self.error(
                    &p,
                    "title-too-long",
                    format!("a title has at most {TITLE_MAX_LEN} characters"),
                );
            }
        }

        if let Some(v) = self.string(obj, path, "version", true) {
            self.version(&child(path, "version"), v);
        }

        if let Some(url) = self.string(obj, path, "websiteUrl", false) {
            self.web_url(&child(path, "websiteUrl"), url, true);
        }

        if let Some(repo) = self.object(obj, path, "repository", false) {
            self.repository(&child(path, "repository"), repo, server_name.as_ref());
        }

        if obj.get("packages").is_some_and(|p| !p.is_array()) {
            self.packages_incomplete = true;
        }
        if let Some(packages) = self.array(obj, path, "packages") {
            let p = child(path, "packages");
            for (i, pkg) in packages.iter().enumerate() {
                self.package(&item(&p, i), pkg);
            }
        }
        if let Some(remotes) = self.array(obj, path, "remotes") {
            let p = child(path, "remotes");
            for (i, remote) in remotes.iter().enumerate() {
                self.remote(&item(&p, i), remote);
            }
        }
        if let Some(icons) = self.array(obj, path, "icons") {
            let p = child(path, "icons");
            for (i, icon) in icons.iter().enumerate() {
                self.icon(&item(&p, i), icon);
            }
        }

        if let Some(meta) = self.object(obj, path, "_meta", false) {
            let meta_path = child(path, "_meta");
            if let Some(release) = meta.get(RELEASE_META_KEY) {
                self.release(&child(&meta_path, RELEASE_META_KEY), release);
            }
        }

        self.unknown_keys(obj, path, KNOWN_TOP_LEVEL, "server.json");
    }

    fn server_name(&mut self, path: &str, s: &str) -> Option<ServerName> {
        match server_name_problem(s) {
            None => s.parse().ok(),
            Some(problem) => {
                let code = match problem {
                    ServerNameProblem::TooShort => "server-name-too-short",
                    ServerNameProblem::TooLong => "server-name-too-long",
                    ServerNameProblem::Pattern(_) => "invalid-server-name",
                };
                self.error(path, code, problem.message());
                None
            }
        }
    }

    /// An absolute http(s) URL; `https_only` for links people follow.
    fn web_url(&mut self, path: &str, s: &str, https_only: bool) -> Option<url::Url> {
        let parsed = url::Url::parse(s).ok().filter(|u| {
            matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty())
        });
        let Some(url) = parsed else {
            self.error(
                path,
                "invalid-url",
                format!("{:?} is not an absolute http(s) URL", excerpt(s)),
            );
            return None;
        };
        if https_only && url.scheme() != "https" {
            self.error(
                path,
                "url-not-https",
                format!("{:?} must use https", excerpt(s)),
            );
        }
        Some(url)
    }

    fn repository(&mut self, path: &str, repo: &'a Map<String, Value>, name: Option<&ServerName>) {
        let url = repo.get("url").and_then(Value::as_str);
        let source = repo.get("source").and_then(Value::as_str);
        if url == Some("") && source == Some("") {
            // The official registry writes this for servers without a repository.
            self.warning(
                path,
                "repository-empty",
                "the repository has no url or source; leave it out",
            );
            return;
        }
        let url = self.string(repo, path, "url", true);
        if let Some(source) = self.string(repo, path, "source", true)
            && source.trim().is_empty()
        {
            self.error(
                &child(path, "source"),
                "missing-field",
                "the source (such as \"github\") is empty",
            );
        }
        self.string(repo, path, "id", false);
        if let Some(sub) = self.string(repo, path, "subfolder", false) {
            let clean = !sub.starts_with('/')
                && !sub.ends_with('/')
                && sub
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b))
                && sub
                    .split('/')
                    .all(|seg| !seg.is_empty() && seg != "." && seg != "..");
            if !clean {
                self.error(
                    &child(path, "subfolder"),
                    "invalid-subfolder",
                    "the subfolder must be a clean relative path like src/server (no leading or \
                     trailing slash, no . or .. segments)",
                );
            }
        }
        let Some(parsed) = url.and_then(|u| self.web_url(&child(path, "url"), u, false)) else {
            return;
        };
        // The registry proves io.github.<owner> names with the repository the manifest names.
        let owner = name.and_then(|n| n.namespace().github_owner());
        let repo_owner = (parsed.host_str() == Some("github.com"))
            .then(|| parsed.path_segments().and_then(|mut s| s.next()))
            .flatten();
        if let Some(owner) = owner
            && repo_owner.is_none_or(|r| !r.eq_ignore_ascii_case(owner))
        {
            self.warning(
                &child(path, "url"),
                "repository-owner-mismatch",
                format!(
                    "the name's namespace is io.github.{owner}, but the repository is not a \
                         GitHub repository owned by {owner}; the registry proves the key with \
                         that repository"
                ),
            );
        }
    }

    // -----------------------------------------------------------------------------------------
    // packages

    fn package(&mut self, path: &str, value: &'a Value) {
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

    /// Checks the fields every input has. Nested `variables` are checked too (the schema only
    /// expects them on some inputs, but the typed view reads them wherever they are).
    fn input_fields(&mut self, obj: &'a Map<String, Value>, path: &str) {
        self.string(obj, path, "description", false);
        self.boolean(obj, path, "isRequired", false);
        self.boolean(obj, path, "isSecret", false);
        if let Some(format) = self.string(obj, path, "format", false)
            && !matches!(format, "string" | "number" | "boolean" | "filepath")
        {
            self.error(
                &child(path, "format"),
                "invalid-input-format",
                format!(
                    "{:?} is not an input format; use string, number, boolean or filepath",
                    excerpt(format)
                ),
            );
        }
        let default = self.string(obj, path, "default", false);
        self.string(obj, path, "value", false);
        self.string(obj, path, "placeholder", false);
        let mut choices = Vec::new();
        if let Some(items) = self.array(obj, path, "choices") {
            let p = child(path, "choices");
            for (i, choice) in items.iter().enumerate() {
                match choice {
                    Value::String(s) => choices.push(s.as_str()),
                    other => self.wrong_type(&item(&p, i), "a string", other),
                }
            }
        }
        if let Some(default) = default
            && !choices.is_empty()
            && !choices.contains(&default)
        {
            self.warning(
                &child(path, "default"),
                "default-not-in-choices",
                format!(
                    "the default {:?} is not one of the choices",
                    excerpt(default)
                ),
            );
        }
        if let Some(vars) = self.object(obj, path, "variables", false) {
            let p = child(path, "variables");
            for (name, var) in vars {
                let vp = child(&p, name);
                if let Some(var) = self.as_object(var, &vp) {
                    self.input_fields(var, &vp);
                }
            }
        }
    }

    /// An environment variable or header; returns its name.
    fn key_value_input(&mut self, path: &str, value: &'a Value) -> Option<&'a str> {
        let obj = self.as_object(value, path)?;
        let name = self.string(obj, path, "name", true);
        if name == Some("") {
            self.error(&child(path, "name"), "missing-field", "the name is empty");
        }
        self.input_fields(obj, path);
        let name = name.filter(|n| !n.is_empty())?;
        let is_secret = obj
            .get("isSecret")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        self.named_inputs.push(NamedInput {
            path: path.to_owned(),
            name,
            is_secret,
        });
        Some(name)
    }

    fn argument(&mut self, path: &str, value: &'a Value, variables: &mut BTreeSet<&'a str>) {
        let Some(obj) = self.as_object(value, path) else {
            return;
        };
        self.input_fields(obj, path);
        self.boolean(obj, path, "isRepeated", false);
        match self.string(obj, path, "type", true) {
            Some("positional") => {
                let hint = self.string(obj, path, "valueHint", false);
                if let Some(hint) = hint {
                    variables.insert(hint);
                }
                if hint.is_none() && !obj.contains_key("value") && !obj.contains_key("valueHint") {
                    self.error(
                        path,
                        "argument-missing-value",
                        "a positional argument needs a value or a valueHint",
                    );
                }
            }
            Some("named") => {
                let Some(name) = self.string(obj, path, "name", true) else {
                    return;
                };
                variables.insert(name);
                if name.is_empty() || name.contains(['<', '>', ' ', '$']) {
                    self.error(
                        &child(path, "name"),
                        "invalid-argument-name",
                        format!(
                            "{:?} is not a flag name; give the flag alone (like --port) and put \
                             its value in value or default",
                            excerpt(name)
                        ),
                    );
                    return;
                }
                for key in ["value", "default"] {
                    if let Some(v) = obj.get(key).and_then(Value::as_str)
                        && v.starts_with(name)
                    {
                        self.warning(
                                &child(path, key),
                                "argument-value-starts-with-name",
                                format!("the {key} repeats the flag {name:?}; clients add the flag themselves"),
                            );
                    }
                }
            }
            Some(other) => self.error(
                &child(path, "type"),
                "unknown-argument-type",
                format!(
                    "{:?} is not an argument type; use positional or named",
                    excerpt(other)
                ),
            ),
            None => {}
        }
    }

    fn local_transport(&mut self, path: &str, value: &'a Value, variables: &BTreeSet<&'a str>) {
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

    fn headers(&mut self, obj: &'a Map<String, Value>, path: &str) {
        if let Some(headers) = self.array(obj, path, "headers") {
            let p = child(path, "headers");
            for (i, header) in headers.iter().enumerate() {
                self.key_value_input(&item(&p, i), header);
            }
        }
    }

    /// The official pattern `^(https?://[^\s]+|\{[a-zA-Z_][a-zA-Z0-9_]*\}[^\s]*)$`.
    fn transport_url_shape(&mut self, path: &str, url: &str) -> bool {
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

    // -----------------------------------------------------------------------------------------
    // remotes and icons

    fn remote(&mut self, path: &str, value: &'a Value) {
        let Some(obj) = self.as_object(value, path) else {
            return;
        };
        let mut variables = BTreeSet::new();
        if let Some(vars) = self.object(obj, path, "variables", false) {
            let p = child(path, "variables");
            for (name, var) in vars {
                variables.insert(name.as_str());
                let vp = child(&p, name);
                if let Some(var) = self.as_object(var, &vp) {
                    self.input_fields(var, &vp);
                }
            }
        }
        match self.string(obj, path, "type", true) {
            Some(t @ ("streamable-http" | "sse")) => {
                if !obj.contains_key("url") {
                    self.error(
                        &child(path, "url"),
                        "missing-field",
                        format!("a {t} remote needs a url"),
                    );
                } else if let Some(url) = self.string(obj, path, "url", false) {
                    let p = child(path, "url");
                    if self.transport_url_shape(&p, url) {
                        self.remote_url(&p, url, &variables);
                    }
                }
                self.headers(obj, path);
            }
            Some(other) => self.error(
                &child(path, "type"),
                "unknown-transport-type",
                format!(
                    "{:?} is not a remote transport type; use streamable-http or sse",
                    excerpt(other)
                ),
            ),
            None => {}
        }
    }

    /// Remotes are public endpoints: https, not localhost, variables defined.
    fn remote_url(&mut self, path: &str, url: &str, variables: &BTreeSet<&str>) {
        let undefined: Vec<&str> = template_variables(url)
            .filter(|v| !variables.contains(v))
            .collect();
        if !undefined.is_empty() {
            self.error(
                path,
                "undefined-url-variable",
                format!(
                    "the url uses {} that the remote's variables do not define",
                    undefined
                        .iter()
                        .map(|v| format!("{{{v}}}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
            return;
        }
        let Ok(parsed) = url::Url::parse(&substitute_template(url)) else {
            return;
        };
        let host = parsed.host_str().unwrap_or_default();
        if parsed.scheme() != "https" {
            self.error(path, "invalid-remote-url", "a remote's url must use https");
        } else if host == "localhost"
            || host == "127.0.0.1"
            || host == "[::1]"
            || host.ends_with(".localhost")
        {
            self.error(
                path,
                "invalid-remote-url",
                "a remote's url cannot point at localhost",
            );
        }
    }

    fn icon(&mut self, path: &str, value: &'a Value) {
        let Some(obj) = self.as_object(value, path) else {
            return;
        };
        if let Some(src) = self.string(obj, path, "src", true) {
            let https =
                url::Url::parse(src).is_ok_and(|u| u.scheme() == "https" && u.host_str().is_some());
            if !https || src.chars().count() > ICON_SRC_MAX_LEN {
                self.error(
                    &child(path, "src"),
                    "invalid-icon-src",
                    format!(
                        "an icon's src is an https URL of at most {ICON_SRC_MAX_LEN} characters"
                    ),
                );
            }
        }
        if let Some(mime) = self.string(obj, path, "mimeType", false)
            && !ICON_MIME_TYPES.contains(&mime)
        {
            self.error(
                &child(path, "mimeType"),
                "invalid-icon-mime-type",
                format!(
                    "{:?} is not an allowed icon type ({})",
                    excerpt(mime),
                    ICON_MIME_TYPES.join(", ")
                ),
            );
        }
        if let Some(sizes) = self.array(obj, path, "sizes") {
            let p = child(path, "sizes");
            for (i, size) in sizes.iter().enumerate() {
                match size {
                    Value::String(s) if is_icon_size(s) => {}
                    Value::String(s) => self.error(
                        &item(&p, i),
                        "invalid-icon-size",
                        format!(
                            "{:?} is not a size; use WxH (like 48x48) or any",
                            excerpt(s)
                        ),
                    ),
                    other => self.wrong_type(&item(&p, i), "a string", other),
                }
            }
        }
        if let Some(theme) = self.string(obj, path, "theme", false)
            && theme != "light"
            && theme != "dark"
        {
            self.error(
                &child(path, "theme"),
                "invalid-icon-theme",
                "an icon's theme is light or dark",
            );
        }
    }

    // -----------------------------------------------------------------------------------------
    // the release extension

    fn release(&mut self, path: &str, value: &'a Value) {
        let Some(obj) = self.as_object(value, path) else {
            return;
        };

        match self.field(obj, path, "formatVersion", true) {
            Some(Value::Number(n)) if n.as_u64() == Some(u64::from(RELEASE_FORMAT_VERSION)) => {}
            Some(Value::Number(n)) => self.error(
                &child(path, "formatVersion"),
                "release-format-version",
                format!("release format {n} is not supported; this version reads format {RELEASE_FORMAT_VERSION}"),
            ),
            Some(other) => self.wrong_type(&child(path, "formatVersion"), "a number", other),
            None => {}
        }

        match self.string(obj, path, "sourceCommit", false) {
            Some(commit) => {
                let ok = (commit.len() == COMMIT_SHA1_HEX_LEN
                    || commit.len() == COMMIT_SHA256_HEX_LEN)
                    && commit
                        .bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
                if !ok {
                    self.error(
                        &child(path, "sourceCommit"),
                        "invalid-source-commit",
                        "the source commit is a full git commit id: 40 (or 64) lowercase hex digits",
                    );
                }
            }
            None if !obj.contains_key("sourceCommit") => self.warning(
                &child(path, "sourceCommit"),
                "source-commit-missing",
                "no sourceCommit: record the git commit the release was built from",
            ),
            None => {}
        }

        if let Some(artifacts) = self.array(obj, path, "artifacts") {
            let p = child(path, "artifacts");
            let mut seen = HashMap::new();
            let mut covered = vec![false; self.packages.len()];
            for (i, artifact) in artifacts.iter().enumerate() {
                self.artifact(&item(&p, i), i, artifact, &mut seen, &mut covered);
            }
            let uncovered: Vec<String> = self
                .packages
                .iter()
                .zip(covered)
                .filter(|(_, covered)| !covered)
                .map(|(pkg, _)| pkg.path.clone())
                .collect();
            for path in uncovered {
                {
                    self.warning(
                        &path,
                        "package-without-artifact",
                        "the release records no digest for this package, so clients cannot \
                         check what they download against it",
                    );
                }
            }
        }

        if let Some(tools) = self.array(obj, path, "tools") {
            let p = child(path, "tools");
            let mut names: HashMap<&str, usize> = HashMap::new();
            for (i, tool) in tools.iter().enumerate() {
                self.tool(&item(&p, i), i, tool, &mut names);
            }
        }

        match self.object(obj, path, "capabilities", false) {
            Some(caps) => {
                let cp = child(path, "capabilities");
                if let Some(fs) = self.string(caps, &cp, "filesystem", true)
                    && !FILESYSTEM_ACCESS.contains(&fs)
                {
                    self.error(
                        &child(&cp, "filesystem"),
                        "invalid-filesystem-access",
                        format!(
                            "{:?} is not a filesystem access level; use none, read or write",
                            excerpt(fs)
                        ),
                    );
                }
                self.boolean(caps, &cp, "network", true);
                self.boolean(caps, &cp, "exec", true);
                self.unknown_keys(caps, &cp, KNOWN_CAPABILITY_KEYS, "capabilities");
            }
            None if !obj.contains_key("capabilities") => self.warning(
                &child(path, "capabilities"),
                "capabilities-missing",
                "no capabilities: declare filesystem, network and exec so clients can show what \
                 the server can do",
            ),
            None => {}
        }

        let mut declared: HashMap<&str, usize> = HashMap::new();
        if let Some(secrets) = self.array(obj, path, "secrets") {
            let p = child(path, "secrets");
            for (i, secret) in secrets.iter().enumerate() {
                let sp = item(&p, i);
                let Some(s) = self.as_object(secret, &sp) else {
                    continue;
                };
                let name = self.string(s, &sp, "name", true);
                self.string(s, &sp, "description", false);
                self.boolean(s, &sp, "required", true);
                self.unknown_keys(s, &sp, KNOWN_SECRET_KEYS, "a secret");
                let Some(name) = name else { continue };
                if name.is_empty() {
                    self.error(
                        &child(&sp, "name"),
                        "missing-field",
                        "the secret's name is empty",
                    );
                } else if let Some(first) = declared.insert(name, i) {
                    declared.insert(name, first);
                    self.error(
                        &child(&sp, "name"),
                        "duplicate-secret",
                        format!("{name:?} is already declared at secrets[{first}]"),
                    );
                } else if !self.named_inputs.iter().any(|input| input.name == name) {
                    self.warning(
                        &child(&sp, "name"),
                        "unknown-secret",
                        format!(
                            "no environment variable or header of the server is named {name:?}"
                        ),
                    );
                }
            }
        }
        let undeclared: Vec<(String, &str)> = self
            .named_inputs
            .iter()
            .filter(|input| input.is_secret && !declared.contains_key(input.name))
            .map(|input| (child(&input.path, "isSecret"), input.name))
            .collect();
        for (p, name) in undeclared {
            self.warning(
                &p,
                "undeclared-secret",
                format!("{name:?} is marked isSecret but the release does not list it in secrets"),
            );
        }

        self.boolean(obj, path, "oauth", false);
        self.unknown_keys(obj, path, KNOWN_RELEASE_KEYS, "the release extension");
    }

    fn artifact(
        &mut self,
        path: &str,
        index: usize,
        value: &'a Value,
        seen: &mut HashMap<(String, String, String, String), usize>,
        covered: &mut [bool],
    ) {
        let Some(obj) = self.as_object(value, path) else {
            return;
        };
        let registry_type = self.string(obj, path, "registryType", true);
        let identifier = self.string(obj, path, "identifier", true);
        let version = self.string(obj, path, "version", false);
        if let Some(v) = version {
            self.version(&child(path, "version"), v);
        }
        if let Some(file) = self.string(obj, path, "fileName", false)
            && (file.is_empty() || file.contains(['/', '\\']) || file.chars().any(char::is_control))
        {
            self.error(
                &child(path, "fileName"),
                "invalid-file-name",
                "a file name has no directory part",
            );
        }
        let sha256 = self.string(obj, path, "sha256", false);
        if let Some(s) = sha256
            && s.parse::<Sha256Digest>().is_err()
        {
            self.error(
                &child(path, "sha256"),
                "invalid-sha256",
                format!(
                    "{:?} is not a SHA-256 digest: 64 lowercase hex digits",
                    excerpt(s)
                ),
            );
        }
        let integrity = self.string(obj, path, "integrity", false);
        if let Some(s) = integrity {
            if s.parse::<Sha512Integrity>().is_err() {
                self.error(
                    &child(path, "integrity"),
                    "invalid-integrity",
                    format!(
                        "{:?} is not an npm integrity string (sha512- and base64)",
                        excerpt(s)
                    ),
                );
            } else if registry_type.is_some_and(|rt| rt != registry::NPM) {
                self.warning(
                    &child(path, "integrity"),
                    "integrity-not-npm",
                    "integrity is npm's digest; other registries do not publish it",
                );
            }
        }
        let oci = self.string(obj, path, "ociDigest", false);
        if let Some(s) = oci {
            if s.parse::<ContentDigest>().is_err() {
                self.error(
                    &child(path, "ociDigest"),
                    "invalid-oci-digest",
                    format!(
                        "{:?} is not an image digest (sha256: and 64 lowercase hex digits)",
                        excerpt(s)
                    ),
                );
            } else if registry_type.is_some_and(|rt| rt != registry::OCI) {
                self.warning(
                    &child(path, "ociDigest"),
                    "oci-digest-not-oci",
                    "ociDigest only applies to oci packages",
                );
            }
        }
        if !["sha256", "integrity", "ociDigest"]
            .iter()
            .any(|k| obj.contains_key(*k))
        {
            self.error(
                path,
                "artifact-no-digest",
                "an artifact needs at least one digest: sha256, integrity or ociDigest",
            );
        }
        self.unknown_keys(obj, path, KNOWN_ARTIFACT_KEYS, "an artifact");

        let (Some(rt), Some(id)) = (registry_type, identifier) else {
            return;
        };
        let key = (
            rt.to_owned(),
            id.to_owned(),
            version.unwrap_or_default().to_owned(),
            obj.get("fileName")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        );
        if let Some(first) = seen.insert(key.clone(), index) {
            seen.insert(key, first);
            self.warning(
                path,
                "duplicate-artifact",
                format!("the same artifact is already listed at artifacts[{first}]"),
            );
        }

        let matching: Vec<usize> = self
            .packages
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                p.registry_type == Some(rt)
                    && p.identifier == Some(id)
                    && (version.is_none() || p.version.is_none() || p.version == version)
            })
            .map(|(i, _)| i)
            .collect();
        if matching.is_empty() && !self.packages_incomplete {
            let version_text = version
                .map(|v| format!(" and version {v:?}"))
                .unwrap_or_default();
            self.error(
                path,
                "artifact-unknown-package",
                format!(
                    "no package in packages[] has registryType {rt:?}, identifier {:?}{version_text}; \
                     record digests only for the packages the manifest lists",
                    excerpt(id)
                ),
            );
            return;
        }
        for &i in &matching {
            if let Some(flag) = covered.get_mut(i) {
                *flag = true;
            }
            let file_sha = self.packages.get(i).and_then(|p| p.file_sha256);
            if let (Some(ours), Some(theirs)) = (sha256, file_sha)
                && ours != theirs
            {
                let pkg_path = self
                    .packages
                    .get(i)
                    .map(|p| child(&p.path, "fileSha256"))
                    .unwrap_or_default();
                self.error(
                    &child(path, "sha256"),
                    "artifact-digest-mismatch",
                    format!("the sha256 differs from {pkg_path}; they describe the same file"),
                );
            }
        }
    }

    fn tool(
        &mut self,
        path: &str,
        index: usize,
        value: &'a Value,
        names: &mut HashMap<&'a str, usize>,
    ) {
        let Some(obj) = self.as_object(value, path) else {
            return;
        };
        if let Some(name) = self.string(obj, path, "name", true) {
            let np = child(path, "name");
            if name.is_empty() {
                self.error(&np, "missing-field", "the tool's name is empty");
            } else if let Some(first) = names.get(name) {
                let first = *first;
                self.error(
                    &np,
                    "duplicate-tool-name",
                    format!("{:?} is already the name of tools[{first}]", excerpt(name)),
                );
            } else {
                names.insert(name, index);
                let unusual = name.chars().count() > TOOL_NAME_MAX_LEN
                    || !name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
                if unusual {
                    self.warning(
                        &np,
                        "tool-name-unusual",
                        "MCP recommends tool names of at most 128 letters, digits, _, - and .",
                    );
                }
            }
        }
        self.string(obj, path, "title", false);
        self.string(obj, path, "description", false);
        if let Some(schema) = self.object(obj, path, "inputSchema", true)
            && schema.get("type").and_then(Value::as_str) != Some("object")
        {
            self.warning(
                &child(&child(path, "inputSchema"), "type"),
                "input-schema-not-object",
                "MCP requires a tool's inputSchema to have \"type\": \"object\"",
            );
        }
        self.object(obj, path, "outputSchema", false);
        if let Some(ann) = self.object(obj, path, "annotations", false) {
            let ap = child(path, "annotations");
            self.string(ann, &ap, "title", false);
            for hint in TOOL_ANNOTATION_HINTS {
                self.boolean(ann, &ap, hint, false);
            }
        }
        let computed = tool_fingerprint(value);
        let fp = child(path, FINGERPRINT_KEY);
        match obj.get(FINGERPRINT_KEY) {
            Some(Value::String(recorded)) => {
                if recorded.parse::<ContentDigest>().is_err() {
                    self.error(
                        &fp,
                        "invalid-fingerprint",
                        format!(
                            "{:?} is not a fingerprint (sha256: and 64 lowercase hex digits); it \
                             should be {computed}",
                            excerpt(recorded)
                        ),
                    );
                } else if *recorded != computed {
                    self.error(
                        &fp,
                        "tool-fingerprint-mismatch",
                        format!(
                            "the fingerprint does not match the tool definition, which hashes to \
                             {computed}; re-record the tools (mcp-sign manifest init --tools FILE)"
                        ),
                    );
                }
            }
            Some(other) => self.wrong_type(&fp, "a string", other),
            None => self.error(
                &fp,
                "missing-field",
                format!("the tool has no fingerprint; it should be {computed}"),
            ),
        }
    }
}

fn is_icon_size(s: &str) -> bool {
    s == "any"
        || s.split_once('x').is_some_and(|(w, h)| {
            !w.is_empty() && !h.is_empty() && w.bytes().chain(h.bytes()).all(|b| b.is_ascii_digit())
        })
}

/// The names inside `{braces}` in a URL template.
fn template_variables(url: &str) -> impl Iterator<Item = &str> {
    url.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(var, _)| var))
        .filter(|v| !v.is_empty())
}

/// The URL with each `{variable}` replaced by a placeholder that parses (a number after a colon,
/// where a port goes), so the rest of it can be checked.
fn substitute_template(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    let mut rest = url;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        out.push_str(&rest[..open]);
        let after = &rest[open + close + 1..];
        let port_position = out.ends_with(':') && (after.is_empty() || after.starts_with('/'));
        out.push_str(if port_position { "8080" } else { "placeholder" });
        rest = after;
    }
    out.push_str(rest);
    out
}
