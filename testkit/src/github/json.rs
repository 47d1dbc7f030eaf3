//! Repository and owner objects shaped as GitHub sends them.

use serde_json::{Value, json};

use super::Repo;

pub(super) fn owner_json(base: &str, login: &str, org: bool) -> Value {
    let u = format!("{base}/users/{login}");
    json!({
        "login": login, "id": 1, "node_id": "MDQ6VXNlcjE=",
        "avatar_url": "https://avatars.githubusercontent.com/u/1", "gravatar_id": "",
        "url": u, "html_url": format!("https://github.com/{login}"),
        "followers_url": format!("{u}/followers"), "following_url": format!("{u}/following"),
        "gists_url": format!("{u}/gists"), "starred_url": format!("{u}/starred"),
        "subscriptions_url": format!("{u}/subscriptions"), "organizations_url": format!("{u}/orgs"),
        "repos_url": format!("{u}/repos"), "events_url": format!("{u}/events"),
        "received_events_url": format!("{u}/received_events"),
        "type": if org { "Organization" } else { "User" }, "site_admin": false,
    })
}

/// Removes what the JSON pointer `pointer` points at.
fn remove_pointer(v: &mut Value, pointer: &str) {
    let Some((parent, key)) = pointer.rsplit_once('/') else {
        return;
    };
    if let Some(Value::Object(o)) = v.pointer_mut(parent) {
        o.remove(key);
    }
}

/// A repository object as this fake sends it (with `r.omit` left out).
pub fn repo_json(base: &str, r: &Repo) -> Value {
    let mut v = full_repo_json(base, r);
    for p in &r.omit {
        remove_pointer(&mut v, p);
    }
    v
}

fn full_repo_json(base: &str, r: &Repo) -> Value {
    json!({
        "id": r.id,
        "node_id": format!("R_{}", r.id),
        "name": r.name,
        "full_name": r.full_name(),
        "private": false,
        "owner": owner_json(base, &r.owner, r.org),
        "html_url": format!("https://github.com/{}", r.full_name()),
        "description": r.description,
        "fork": r.fork,
        "url": format!("{base}/repos/{}", r.full_name()),
        "created_at": format!("{}T10:00:00Z", r.created),
        "updated_at": r.pushed_at,
        "pushed_at": r.pushed_at,
        "stargazers_count": r.stars,
        "watchers_count": r.stars,
        "forks_count": r.forks,
        "archived": r.archived,
        "default_branch": "main",
        "topics": r.topics,
        "license": {"key": "mit", "name": "MIT License", "spdx_id": "MIT", "node_id": "MDc6TGljZW5zZTEz", "url": "https://api.github.com/licenses/mit"},
        "visibility": "public",
    })
}
