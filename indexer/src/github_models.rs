//! The parts of GitHub's JSON answers the crawler uses, read leniently.
//!
//! GitHub adds, drops and nulls fields over time (and GitHub Enterprise versions differ), and
//! octocrab's complete models refuse a whole repository for one missing field such as
//! `owner.gravatar_id`. Here every field is optional, and a field of the wrong type reads as
//! absent. Only what identifies a repository is required: its numeric `id` and an
//! `owner/name` (`full_name`, or `owner.login` and `name`). A result without them is
//! [`Unusable`], with the reason.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::record::RepoRecord;

/// A repository object (search result, or `GET /repos/{owner}/{repo}`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct RepoJson {
    #[serde(default, deserialize_with = "lenient")]
    pub id: Option<u64>,
    #[serde(default, deserialize_with = "lenient")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub full_name: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub owner: Option<OwnerJson>,
    #[serde(default, deserialize_with = "lenient")]
    pub html_url: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub stargazers_count: Option<u64>,
    #[serde(default, deserialize_with = "lenient")]
    pub forks_count: Option<u64>,
    #[serde(default, deserialize_with = "lenient")]
    pub license: Option<LicenseJson>,
    #[serde(default, deserialize_with = "lenient")]
    pub archived: Option<bool>,
    #[serde(default, deserialize_with = "lenient")]
    pub fork: Option<bool>,
    #[serde(default, deserialize_with = "lenient")]
    pub created_at: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub pushed_at: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub default_branch: Option<String>,
    /// Topics that are strings; anything else in the list is dropped.
    #[serde(default, deserialize_with = "strings")]
    pub topics: Vec<String>,
}

/// A repository's owner (a user or an organization).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct OwnerJson {
    #[serde(default, deserialize_with = "lenient")]
    pub login: Option<String>,
    /// `User` or `Organization`.
    #[serde(default, rename = "type", deserialize_with = "lenient")]
    pub kind: Option<String>,
}

/// The license GitHub detected.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct LicenseJson {
    #[serde(default, deserialize_with = "lenient")]
    pub spdx_id: Option<String>,
}

/// A code search result: only the repository it is in is used.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct CodeHitJson {
    #[serde(default, deserialize_with = "lenient")]
    pub repository: Option<RepoJson>,
}

/// A search result or repository the crawler cannot record, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unusable {
    /// `owner/name`, when the result names one (it can then be asked for on its own).
    pub full_name: Option<String>,
    pub reason: String,
}

/// A field's value, or `None` when it is null or of another type than expected.
fn lenient<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    let v = Value::deserialize(d)?;
    Ok(serde_json::from_value(v).ok())
}

/// The strings of a list (a missing or odd list is empty).
fn strings<'de, D>(d: D) -> Result<Vec<String>, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(match Value::deserialize(d)? {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(s),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    })
}

/// Whether `s` is one part of `owner/name` as GitHub allows it (also safe in a URL path).
fn name_part(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// `owner/name` when `s` is one.
pub fn valid_full_name(s: &str) -> Option<&str> {
    let (owner, name) = s.split_once('/')?;
    (name_part(owner) && name_part(name)).then_some(s)
}

/// An RFC 3339 time as octocrab's models wrote it (chrono's `to_rfc3339`, in UTC:
/// `2025-10-01T12:00:00+00:00`), so records compare equal to those of earlier crawls and an
/// unpushed repository is not read again. Unparsable times are dropped.
fn normalize_time(s: &str) -> Option<String> {
    let t = OffsetDateTime::parse(s, &Rfc3339)
        .ok()?
        .to_offset(time::UtcOffset::UTC);
    let nanos = t.nanosecond();
    let fraction = if nanos == 0 {
        String::new()
    } else if nanos % 1_000_000 == 0 {
        format!(".{:03}", nanos / 1_000_000)
    } else if nanos % 1_000 == 0 {
        format!(".{:06}", nanos / 1_000)
    } else {
        format!(".{nanos:09}")
    };
    Some(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{fraction}+00:00",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    ))
}

impl RepoJson {
    /// Reads a repository object; fails only for something that is not a JSON object.
    pub fn from_value(v: Value) -> Result<RepoJson, Unusable> {
        if !v.is_object() {
            return Err(Unusable {
                full_name: None,
                reason: "the result is not a JSON object".to_string(),
            });
        }
        serde_json::from_value(v).map_err(|e| Unusable {
            full_name: None,
            reason: format!("the result could not be read: {e}"),
        })
    }

    /// Reads a repository object from an answer's body.
    pub fn from_slice(body: &[u8]) -> Result<RepoJson, Unusable> {
        let v: Value = serde_json::from_slice(body).map_err(|e| Unusable {
            full_name: None,
            reason: format!("the answer is not JSON: {e}"),
        })?;
        RepoJson::from_value(v)
    }

    /// `owner/name`: `full_name`, else `owner.login` and `name`.
    pub fn full_name(&self) -> Option<String> {
        if let Some(f) = self.full_name.as_deref().and_then(valid_full_name) {
            return Some(f.to_string());
        }
        let login = self.owner.as_ref().and_then(|o| o.login.as_deref())?;
        let joined = format!("{login}/{}", self.name.as_deref()?);
        valid_full_name(&joined).map(str::to_string)
    }

    /// The metadata part of a record (files not read yet), or why there can be none.
    pub fn into_record(self) -> Result<RepoRecord, Unusable> {
        let full_name = self.full_name();
        let Some(name) = full_name.clone() else {
            return Err(Unusable {
                full_name: None,
                reason: "the result has no `full_name` (nor `owner.login` and `name`) of the \
                         form owner/name"
                    .to_string(),
            });
        };
        let github_id = match self.id.map(i64::try_from) {
            Some(Ok(id)) => id,
            Some(Err(_)) | None => {
                return Err(Unusable {
                    full_name,
                    reason: "the result has no numeric `id`".to_string(),
                });
            }
        };
        let owner_login = self
            .owner
            .as_ref()
            .and_then(|o| o.login.clone())
            .filter(|l| name_part(l))
            .or_else(|| name.split_once('/').map(|(o, _)| o.to_string()))
            .unwrap_or_default();
        let count = |n: Option<u64>| n.and_then(|n| i64::try_from(n).ok()).unwrap_or(0);
        Ok(RepoRecord {
            github_id,
            html_url: self
                .html_url
                .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
                .unwrap_or_else(|| format!("https://github.com/{name}")),
            owner_login,
            owner_type: self.owner.and_then(|o| o.kind),
            description: self.description,
            stars: count(self.stargazers_count),
            forks: count(self.forks_count),
            license: self.license.and_then(|l| l.spdx_id),
            archived: self.archived.unwrap_or(false),
            fork: self.fork.unwrap_or(false),
            created_at: self.created_at.as_deref().and_then(normalize_time),
            pushed_at: self.pushed_at.as_deref().and_then(normalize_time),
            default_branch: self.default_branch,
            topics: self.topics,
            full_name: name,
            files_read: false,
            server_json: None,
            package_json: None,
            pyproject: None,
            key_file: None,
            problems: Vec::new(),
        })
    }
}

impl CodeHitJson {
    /// The `owner/name` of the repository a code search result is in.
    pub fn full_name(item: Value) -> Result<String, Unusable> {
        let hit: CodeHitJson = serde_json::from_value(item).unwrap_or_default();
        hit.repository
            .and_then(|r| r.full_name())
            .ok_or_else(|| Unusable {
                full_name: None,
                reason: "the code search result names no repository (`repository.full_name`)"
                    .to_string(),
            })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;

    use super::*;

    /// A repository object as GitHub sends it (abridged to what octocrab requires).
    fn full() -> Value {
        let u = "https://api.github.com/users/acme";
        json!({
            "id": 123, "node_id": "R_1", "name": "tool", "full_name": "acme/tool",
            "private": false,
            "owner": {
                "login": "acme", "id": 1, "node_id": "U_1",
                "avatar_url": "https://avatars.githubusercontent.com/u/1", "gravatar_id": "",
                "url": u, "html_url": "https://github.com/acme",
                "followers_url": u, "following_url": u, "gists_url": u, "starred_url": u,
                "subscriptions_url": u, "organizations_url": u, "repos_url": u,
                "events_url": u, "received_events_url": u,
                "type": "Organization", "site_admin": false
            },
            "html_url": "https://github.com/acme/tool", "description": "d", "fork": false,
            "url": "https://api.github.com/repos/acme/tool",
            "created_at": "2020-01-02T03:04:05Z", "updated_at": "2025-10-01T12:00:00Z",
            "pushed_at": "2025-10-01T12:00:00.250Z", "stargazers_count": 7,
            "watchers_count": 7, "forks_count": 2, "archived": true, "default_branch": "main",
            "topics": ["mcp", "ai"],
            "license": {"key": "mit", "name": "MIT License", "spdx_id": "MIT",
                        "node_id": "L_1", "url": "https://api.github.com/licenses/mit"}
        })
    }

    #[test]
    fn records_equal_those_octocrab_models_gave() {
        // Earlier crawls stored these values: a change would make every repository look pushed.
        let o: octocrab::models::Repository = serde_json::from_value(full()).unwrap();
        let r = RepoJson::from_value(full()).unwrap().into_record().unwrap();
        assert_eq!(r.github_id, 123);
        assert_eq!(r.full_name, o.full_name.unwrap());
        assert_eq!(r.owner_login, o.owner.as_ref().unwrap().login);
        assert_eq!(r.owner_type, o.owner.map(|o| o.r#type));
        assert_eq!(r.html_url, o.html_url.unwrap().to_string());
        assert_eq!(r.pushed_at, o.pushed_at.map(|t| t.to_rfc3339()));
        assert_eq!(r.created_at, o.created_at.map(|t| t.to_rfc3339()));
        assert_eq!(r.license, o.license.map(|l| l.spdx_id));
        assert_eq!(r.stars, 7);
        assert_eq!(r.forks, 2);
        assert!(r.archived && !r.fork);
        assert_eq!(r.topics, ["mcp", "ai"]);
        assert_eq!(r.default_branch.as_deref(), Some("main"));
    }

    #[test]
    fn missing_null_and_odd_fields_are_tolerated() {
        let mut v = full();
        let owner = v["owner"].as_object_mut().unwrap();
        owner.remove("gravatar_id");
        owner.remove("node_id");
        owner.insert("avatar_url".into(), Value::Null);
        let o = v.as_object_mut().unwrap();
        for k in ["node_id", "url", "html_url", "created_at", "private"] {
            o.remove(k);
        }
        o.insert("license".into(), Value::Null);
        o.insert("stargazers_count".into(), json!("many"));
        o.insert("topics".into(), json!(["mcp", 3, null]));
        o.insert("pushed_at".into(), json!("yesterday"));
        assert!(serde_json::from_value::<octocrab::models::Repository>(v.clone()).is_err());
        let r = RepoJson::from_value(v).unwrap().into_record().unwrap();
        assert_eq!(r.full_name, "acme/tool");
        assert_eq!(r.html_url, "https://github.com/acme/tool");
        assert_eq!(r.stars, 0);
        assert_eq!(r.license, None);
        assert_eq!(r.topics, ["mcp"]);
        assert_eq!(r.pushed_at, None);
        assert_eq!(r.created_at, None);
    }

    #[test]
    fn the_name_comes_from_the_owner_when_full_name_is_missing() {
        let mut v = full();
        v.as_object_mut().unwrap().remove("full_name");
        let r = RepoJson::from_value(v).unwrap().into_record().unwrap();
        assert_eq!(r.full_name, "acme/tool");
    }

    #[test]
    fn a_result_without_identity_is_unusable_with_a_reason() {
        let mut v = full();
        v.as_object_mut().unwrap().remove("id");
        let e = RepoJson::from_value(v).unwrap().into_record().unwrap_err();
        assert_eq!(e.full_name.as_deref(), Some("acme/tool"));
        assert!(e.reason.contains("`id`"), "{e:?}");

        let e = RepoJson::from_value(json!({"id": 5, "full_name": "../../etc"}))
            .unwrap()
            .into_record()
            .unwrap_err();
        assert_eq!(e.full_name, None);
        assert!(e.reason.contains("full_name"), "{e:?}");

        assert!(RepoJson::from_value(json!("acme/tool")).is_err());
        assert!(CodeHitJson::full_name(json!({"name": "server.json"})).is_err());
        assert_eq!(
            CodeHitJson::full_name(json!({"repository": {"full_name": "a/b"}})).unwrap(),
            "a/b"
        );
    }

    #[test]
    fn times_are_written_as_chrono_wrote_them() {
        assert_eq!(
            normalize_time("2025-10-01T14:00:00+02:00").as_deref(),
            Some("2025-10-01T12:00:00+00:00")
        );
        assert_eq!(
            normalize_time("2025-10-01T12:00:00.000001Z").as_deref(),
            Some("2025-10-01T12:00:00.000001+00:00")
        );
        assert_eq!(normalize_time("not a time"), None);
    }
}
