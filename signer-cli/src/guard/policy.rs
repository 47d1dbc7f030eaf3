//! The per-tool policy of `mcp-sign run` ("turn off tools"): read-only mode, destructive tools,
//! allow and deny lists, from flags and from a TOML policy file.
//!
//! ```toml
//! # For every server run with this file.
//! allow_destructive = false
//! deny_tools = ["delete_*"]
//!
//! # For one server (its --name, or the registry name it resolved to); lists add to the ones
//! # above, switches turn on if either turns them on.
//! [servers."io.github.modelcontextprotocol/filesystem"]
//! read_only = true
//! min_level = "signed"
//! ```
//!
//! A tool passes when every rule passes: it matches no `deny_tools` glob; when `allow_tools`
//! is given, it matches one; with `read_only` it is annotated `readOnlyHint: true`; and unless
//! `allow_destructive`, it is not annotated `destructiveHint: true`.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, anyhow};
use globset::{Glob, GlobMatcher};
use serde::Deserialize;
use serde_json::Value;

use crate::files;

/// Settings as written, in flags or in one table of the policy file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PolicySettings {
    #[serde(default)]
    pub(crate) read_only: bool,
    #[serde(default)]
    pub(crate) allow_destructive: bool,
    #[serde(default)]
    pub(crate) allow_tools: Vec<String>,
    #[serde(default)]
    pub(crate) deny_tools: Vec<String>,
    /// The lowest trust level to start (`check --min-level`).
    #[serde(default)]
    pub(crate) min_level: Option<String>,
}

impl PolicySettings {
    /// Both together: lists add up, switches are on if either turns them on, and `other`'s
    /// `min_level` wins when it gives one.
    pub(crate) fn merged(mut self, other: PolicySettings) -> PolicySettings {
        self.read_only |= other.read_only;
        self.allow_destructive |= other.allow_destructive;
        self.allow_tools.extend(other.allow_tools);
        self.deny_tools.extend(other.deny_tools);
        if other.min_level.is_some() {
            self.min_level = other.min_level;
        }
        self
    }
}

/// The settings a policy file gives one server: its top level, then its `[servers."NAME"]`
/// table (under any of `names`, first found).
pub(crate) fn load_file(path: &Path, names: &[&str]) -> Result<PolicySettings> {
    let text = files::read_to_string(path)?;
    let invalid = || format!("--policy {} is not a valid policy file", path.display());
    let mut table: toml::Table = toml::from_str(&text).with_context(invalid)?;
    // `servers` beside the settings (serde's flatten cannot refuse unknown keys).
    let servers: BTreeMap<String, PolicySettings> = match table.remove("servers") {
        Some(servers) => servers.try_into().with_context(invalid)?,
        None => BTreeMap::new(),
    };
    let all: PolicySettings = toml::Value::Table(table).try_into().with_context(invalid)?;
    let server = names
        .iter()
        .find_map(|n| servers.get(*n))
        .cloned()
        .unwrap_or_default();
    Ok(all.merged(server))
}

/// The compiled policy.
#[derive(Debug, Clone)]
pub(crate) struct ToolPolicy {
    read_only: bool,
    allow_destructive: bool,
    allow: Vec<(String, GlobMatcher)>,
    deny: Vec<(String, GlobMatcher)>,
}

fn compile(globs: &[String], flag: &str) -> Result<Vec<(String, GlobMatcher)>> {
    globs
        .iter()
        .map(|g| {
            Glob::new(g)
                .map(|glob| (g.clone(), glob.compile_matcher()))
                .map_err(|e| anyhow!("{flag} {g:?} is not a valid glob: {e}"))
        })
        .collect()
}

impl ToolPolicy {
    pub(crate) fn new(settings: &PolicySettings) -> Result<ToolPolicy> {
        Ok(ToolPolicy {
            read_only: settings.read_only,
            allow_destructive: settings.allow_destructive,
            allow: compile(&settings.allow_tools, "--allow-tool")?,
            deny: compile(&settings.deny_tools, "--deny-tool")?,
        })
    }

    /// Why the policy turns `tool` off, or `None` when it passes.
    pub(crate) fn denial(&self, name: &str, tool: &Value) -> Option<String> {
        if let Some((glob, _)) = self.deny.iter().find(|(_, m)| m.is_match(name)) {
            return Some(format!("the policy denies it (--deny-tool {glob})"));
        }
        if !self.allow.is_empty() && !self.allow.iter().any(|(_, m)| m.is_match(name)) {
            let globs: Vec<&str> = self.allow.iter().map(|(g, _)| g.as_str()).collect();
            return Some(format!(
                "the policy allows only tools matching --allow-tool {}",
                globs.join(", ")
            ));
        }
        let hint = |key: &str| {
            tool.get("annotations")
                .and_then(|a| a.get(key))
                .and_then(Value::as_bool)
        };
        if self.read_only && hint("readOnlyHint") != Some(true) {
            return Some("--read-only passes only tools annotated readOnlyHint: true".to_owned());
        }
        if !self.allow_destructive && hint("destructiveHint") == Some(true) {
            return Some(
                "it is annotated destructiveHint: true (pass --allow-destructive to allow it)"
                    .to_owned(),
            );
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn policy(s: PolicySettings) -> ToolPolicy {
        ToolPolicy::new(&s).unwrap()
    }

    #[test]
    fn rules() {
        let read = json!({"name": "read", "annotations": {"readOnlyHint": true}});
        let write = json!({"name": "write"});
        let delete = json!({"name": "delete", "annotations": {"destructiveHint": true}});
        let p = policy(PolicySettings::default());
        assert!(p.denial("read", &read).is_none());
        assert!(p.denial("write", &write).is_none());
        assert!(
            p.denial("delete", &delete)
                .unwrap()
                .contains("--allow-destructive")
        );
        let p = policy(PolicySettings {
            read_only: true,
            ..Default::default()
        });
        assert!(p.denial("read", &read).is_none());
        assert!(p.denial("write", &write).unwrap().contains("--read-only"));
        let p = policy(PolicySettings {
            allow_destructive: true,
            allow_tools: vec!["de*".into(), "read".into()],
            deny_tools: vec!["read".into()],
            ..Default::default()
        });
        assert!(p.denial("delete", &delete).is_none());
        assert!(
            p.denial("read", &read)
                .unwrap()
                .contains("--deny-tool read")
        );
        assert!(
            p.denial("write", &write)
                .unwrap()
                .contains("--allow-tool de*, read")
        );
        assert!(
            ToolPolicy::new(&PolicySettings {
                deny_tools: vec!["a[".into()],
                ..Default::default()
            })
            .is_err()
        );
    }

    #[test]
    fn file_tables_merge() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("policy.toml");
        std::fs::write(
            &path,
            "deny_tools = [\"x\"]\n[servers.\"io.github.o/s\"]\nread_only = true\ndeny_tools = [\"y\"]\nmin_level = \"signed\"\n",
        )
        .unwrap();
        let s = load_file(&path, &["fs", "io.github.o/s"]).unwrap();
        assert!(s.read_only);
        assert_eq!(s.deny_tools, ["x", "y"]);
        assert_eq!(s.min_level.as_deref(), Some("signed"));
        let s = load_file(&path, &["other"]).unwrap();
        assert!(!s.read_only);
        std::fs::write(&path, "readonly = true\n").unwrap();
        assert!(load_file(&path, &[]).is_err());
    }
}
