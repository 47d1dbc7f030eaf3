//! The `dev.mcp-trust/release` extension in `_meta`: format version, source commit,
//! capabilities, secrets, OAuth, and its artifacts and tools.

use std::collections::HashMap;

use serde_json::Value;

use super::Checker;
use super::json_reads::{child, item};
use crate::formats::RELEASE_FORMAT_VERSION;
use crate::formats::release::{
    COMMIT_SHA1_HEX_LEN, COMMIT_SHA256_HEX_LEN, FILESYSTEM_ACCESS, KEYS as KNOWN_RELEASE_KEYS,
};
use crate::names::excerpt;

const KNOWN_CAPABILITY_KEYS: &[&str] = &["filesystem", "network", "exec"];
const KNOWN_SECRET_KEYS: &[&str] = &["name", "description", "required"];

impl<'a> Checker<'a> {
    pub(super) fn release(&mut self, path: &str, value: &'a Value) {
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
}
