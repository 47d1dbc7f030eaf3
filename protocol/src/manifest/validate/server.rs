//! The top level of server.json: `$schema`, name, description, title, version, website and
//! repository, then each package, remote, icon and the release extension in turn.

use serde_json::{Map, Value};

use super::Checker;
use super::json_reads::{child, item, kind};
use crate::formats::{
    DESCRIPTION_MAX_LEN, RELEASE_META_KEY, SERVER_SCHEMA_URL, SERVER_SCHEMA_URL_PREFIX,
    TITLE_MAX_LEN,
};
use crate::names::{ServerName, ServerNameProblem, excerpt, server_name_problem};

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

impl<'a> Checker<'a> {
    pub(super) fn server(&mut self, root: &'a Value) {
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

    pub(super) fn server_name(&mut self, path: &str, s: &str) -> Option<ServerName> {
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
    pub(super) fn web_url(&mut self, path: &str, s: &str, https_only: bool) -> Option<url::Url> {
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

    pub(super) fn repository(
        &mut self,
        path: &str,
        repo: &'a Map<String, Value>,
        name: Option<&ServerName>,
    ) {
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
}
