//! The official lifecycle status `deprecated` (issue 17): a maintainer's signed deprecation
//! shows in the official `_meta` (status, statusMessage, statusChangedAt) and as an
//! informational reason in the verdict, is logged with a verifiable inclusion proof, shares the
//! replay rule with yanks, and gives way to `deleted` when the release is yanked. On SQLite, and
//! on PostgreSQL when configured.

use protocol::api::{InclusionProofResponse, Statement};
use protocol::formats::{OFFICIAL_META_KEY, STATUS_MESSAGE_MAX_CHARS};
use protocol::log::{self, LogRecord, LogVerifier, hash_from_base64, leaf_hash};
use reqwest::StatusCode;
use serde_json::{Value, json};
use testkit::app::{
    Backend, Options, TestApp, backends, deprecate_body, enc, error_code, manifest, new_key,
    now_secs, publish_body, register_github_body, revoke_body, yank_body,
};
use testkit::github::FakeGithub;

const NAME: &str = "io.github.octo/weather";
const MESSAGE: &str = "use 2.0.0: the v1 API goes away in June";

async fn start(backend: Backend) -> (TestApp, FakeGithub) {
    let gh = FakeGithub::empty().await;
    let app = TestApp::start(
        backend,
        Options {
            seed: false,
            github_api_url: Some(gh.url.clone()),
            domain_proof_base_url: Some(gh.url.clone()),
            ..Options::default()
        },
    )
    .await;
    (app, gh)
}

/// A key registered for io.github.octo via octo/weather, and `versions` published with it.
async fn published(app: &TestApp, gh: &FakeGithub, versions: &[&str]) -> protocol::SecretKey {
    let key = new_key();
    gh.add_repo("octo", "weather", Some(key.public_key().to_file_string()));
    let (status, body) = app
        .post("/v1/keys", &register_github_body(&key, "octo", "weather"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    for v in versions {
        let (status, body) = app
            .post(
                "/v1/publish",
                &publish_body(&key, &manifest(NAME, v, "octo/weather")),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    key
}

/// The official `_meta` of a release, deleted ones included (`include_deleted`).
async fn official(app: &TestApp, version: &str) -> Value {
    let (status, one) = app
        .get(&format!(
            "/v0.1/servers/{}/versions/{version}?include_deleted=true",
            enc(NAME)
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{one}");
    one["_meta"][OFFICIAL_META_KEY].clone()
}

async fn verdict(app: &TestApp, version: &str) -> Value {
    let (status, v) = app
        .get(&format!("/v1/verify?server={NAME}&version={version}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    v["verdict"].clone()
}

fn reason_codes(verdict: &Value) -> Vec<String> {
    verdict["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_string())
        .collect()
}

/// Every leaf of the log with its inclusion proof checked against the signed checkpoint.
async fn verified_leaves(app: &TestApp) -> Vec<LogRecord> {
    let client = reqwest::Client::new();
    let key = client
        .get(format!("{}/log/key", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let note = client
        .get(format!("{}/log/checkpoint", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let cp = LogVerifier::new(key.trim())
        .unwrap()
        .verify_checkpoint(&note)
        .unwrap();
    let mut out = Vec::new();
    for i in 0..cp.size {
        let (status, p) = app
            .get(&format!(
                "/v1/log/proof/inclusion?index={i}&size={}",
                cp.size
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{p}");
        let p: InclusionProofResponse = serde_json::from_value(p).unwrap();
        let proof: Vec<_> = p
            .proof
            .iter()
            .map(|h| hash_from_base64(h).unwrap())
            .collect();
        log::verify_inclusion(&proof, i, cp.size, leaf_hash(p.record.as_bytes()), cp.root).unwrap();
        out.push(LogRecord::parse(p.record.as_bytes()).unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deprecate_shows_in_official_meta_and_verdict_and_is_logged() {
    for backend in backends() {
        let (app, gh) = start(backend).await;
        let key = published(&app, &gh, &["1.0.0", "1.1.0"]).await;
        let before = verdict(&app, "1.0.0").await;
        let meta = official(&app, "1.0.0").await;
        assert_eq!(meta["status"], "active");
        assert!(meta.get("statusMessage").is_none(), "{meta}");
        assert!(meta.get("statusChangedAt").is_none(), "{meta}");

        let t = now_secs();
        let (status, r) = app
            .post(
                "/v1/deprecate",
                &deprecate_body(&key, NAME, "1.0.0", Some(MESSAGE), true, t),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{r}");
        assert_eq!(r["deprecated"], true);
        assert_eq!(r["deprecationMessage"], MESSAGE);
        assert_eq!(r["trust"]["level"], before["level"]);

        let meta = official(&app, "1.0.0").await;
        assert_eq!(meta["status"], "deprecated", "{meta}");
        assert_eq!(meta["statusMessage"], MESSAGE);
        let changed = meta["statusChangedAt"].as_str().unwrap().to_string();
        assert!(changed.ends_with('Z'), "{changed}");
        assert_eq!(meta["updatedAt"], changed.as_str());
        // The other release is untouched, and the deprecated one is not withdrawn.
        assert_eq!(official(&app, "1.1.0").await["status"], "active");
        let (_, all) = app
            .get(&format!("/v0.1/servers/{}/versions", enc(NAME)))
            .await;
        assert_eq!(all["servers"].as_array().map(Vec::len), Some(2), "{all}");

        // The verdict: the same level, and the reason with the maintainer's message.
        let after = verdict(&app, "1.0.0").await;
        assert_eq!(after["level"], before["level"]);
        assert_eq!(after["level"], "signed");
        let reason = after["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["code"] == "deprecated")
            .unwrap_or_else(|| panic!("no deprecated reason in {after}"));
        assert_eq!(
            reason["message"],
            format!("deprecated by the maintainer: {MESSAGE}")
        );

        // Logged: a deprecate leaf whose inclusion proof verifies, signed by the key.
        let leaves = verified_leaves(&app).await;
        let dep = leaves
            .iter()
            .find(|r| r.kind() == "deprecate")
            .expect("a deprecate leaf");
        let LogRecord::ReleaseStatement {
            name,
            version,
            text: message,
            key_id,
            issued_at,
            signature,
            ..
        } = dep
        else {
            panic!("{dep:?}");
        };
        assert_eq!((name.as_str(), version.as_str()), (NAME, "1.0.0"));
        assert_eq!(message.as_deref(), Some(MESSAGE));
        assert_eq!(*key_id, key.key_id().to_string());
        let text = Statement::Deprecate {
            name,
            version,
            message: message.as_deref(),
            issued_at: *issued_at,
        }
        .to_text()
        .unwrap();
        key.public_key()
            .verify(text.as_bytes(), &signature.parse().unwrap(), false)
            .unwrap();

        // Un-deprecate (a newer statement): active again, logged too.
        let (status, r) = app
            .post(
                "/v1/undeprecate",
                &deprecate_body(&key, NAME, "1.0.0", None, false, t + 1),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{r}");
        assert!(r.get("deprecated").is_none(), "{r}");
        let meta = official(&app, "1.0.0").await;
        assert_eq!(meta["status"], "active", "{meta}");
        assert!(meta.get("statusMessage").is_none(), "{meta}");
        assert!(meta["statusChangedAt"].is_string(), "{meta}");
        assert!(!reason_codes(&verdict(&app, "1.0.0").await).contains(&"deprecated".to_string()));
        let leaves = verified_leaves(&app).await;
        let kinds: Vec<&str> = leaves.iter().map(LogRecord::kind).collect();
        assert_eq!(
            kinds,
            ["key", "release", "release", "deprecate", "undeprecate"]
        );
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deprecation_statements_are_refused_when_stale_foreign_or_malformed() {
    for backend in backends() {
        let (app, gh) = start(backend).await;
        let key = published(&app, &gh, &["1.0.0"]).await;
        let t = now_secs();
        let first = deprecate_body(&key, NAME, "1.0.0", Some(MESSAGE), true, t);
        let (status, body) = app.post("/v1/deprecate", &first).await;
        assert_eq!(status, StatusCode::OK, "{body}");

        // The same statement again, and an older one, are replays.
        let (status, body) = app.post("/v1/deprecate", &first).await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::BAD_REQUEST, "stale_statement"),
            "{body}"
        );
        let older = deprecate_body(&key, NAME, "1.0.0", None, false, t - 1);
        let (status, body) = app.post("/v1/undeprecate", &older).await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::BAD_REQUEST, "stale_statement"),
            "{body}"
        );
        assert_eq!(official(&app, "1.0.0").await["status"], "deprecated");
        // Yank and deprecation statements share the replay rule: a yank issued in the same
        // second as the deprecation does not apply either.
        let issued_at = t;
        let text = Statement::Yank {
            name: NAME,
            version: "1.0.0",
            reason: None,
            issued_at,
        }
        .to_text()
        .unwrap();
        let same_second = json!({"name": NAME, "version": "1.0.0", "issuedAt": issued_at,
                                 "signature": testkit::app::sign(&key, text.as_bytes()).to_file_string()});
        let (status, body) = app.post("/v1/yank", &same_second).await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::BAD_REQUEST, "stale_statement"),
            "{body}"
        );
        // Issued outside the clock window.
        let (status, body) = app
            .post(
                "/v1/deprecate",
                &deprecate_body(&key, NAME, "1.0.0", None, true, t - 3600),
            )
            .await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::BAD_REQUEST, "stale_statement"),
            "{body}"
        );

        // Another key: unregistered, or proven for another repository.
        let stranger = new_key();
        let (status, body) = app
            .post(
                "/v1/deprecate",
                &deprecate_body(&stranger, NAME, "1.0.0", None, true, t + 5),
            )
            .await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::FORBIDDEN, "not_authorized"),
            "{body}"
        );
        let other = new_key();
        gh.add_repo("octo", "other", Some(other.public_key().to_file_string()));
        let (status, body) = app
            .post("/v1/keys", &register_github_body(&other, "octo", "other"))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (status, body) = app
            .post(
                "/v1/deprecate",
                &deprecate_body(&other, NAME, "1.0.0", None, true, t + 5),
            )
            .await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::FORBIDDEN, "not_authorized"),
            "{body}"
        );

        // Unknown release, altered message, too long a message, a message on un-deprecate,
        // unknown fields.
        let (status, body) = app
            .post(
                "/v1/deprecate",
                &deprecate_body(&key, NAME, "9.9.9", None, true, t + 5),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        let mut altered = deprecate_body(&key, NAME, "1.0.0", Some("a"), true, t + 5);
        altered["message"] = json!("b");
        let (status, body) = app.post("/v1/deprecate", &altered).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let long = "x".repeat(STATUS_MESSAGE_MAX_CHARS + 1);
        let too_long = json!({"name": NAME, "version": "1.0.0", "message": long,
                              "issuedAt": t + 5, "signature": first["signature"]});
        let (status, body) = app.post("/v1/deprecate", &too_long).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let msg = body["error"]["message"].as_str().unwrap();
        assert!(msg.contains("at most 500"), "{msg}");
        let mut with_message = deprecate_body(&key, NAME, "1.0.0", None, false, t + 5);
        with_message["message"] = json!("x");
        let (status, body) = app.post("/v1/undeprecate", &with_message).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let mut extra = deprecate_body(&key, NAME, "1.0.0", None, true, t + 5);
        extra["reason"] = json!("x");
        let (status, body) = app.post("/v1/deprecate", &extra).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

        // Nothing of that changed the release.
        let meta = official(&app, "1.0.0").await;
        assert_eq!(meta["statusMessage"], MESSAGE, "{meta}");
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn yank_is_deleted_and_a_revoked_key_is_deprecated() {
    for backend in backends() {
        let (app, gh) = start(backend).await;
        let key = published(&app, &gh, &["1.0.0", "1.1.0"]).await;
        let t = now_secs();
        let (status, body) = app
            .post(
                "/v1/deprecate",
                &deprecate_body(&key, NAME, "1.0.0", Some(MESSAGE), true, t - 1),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        // A yank outranks the deprecation: deleted, with the yank's reason; the verdict is
        // yanked and still reports the deprecation.
        let (status, body) = app
            .post(
                "/v1/yank",
                &yank_body(&key, NAME, "1.0.0", Some("broken build"), true),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let meta = official(&app, "1.0.0").await;
        assert_eq!(meta["status"], "deleted", "{meta}");
        assert_eq!(
            meta["statusMessage"],
            "yanked by the maintainer: broken build"
        );
        assert!(meta["statusChangedAt"].is_string(), "{meta}");
        let v = verdict(&app, "1.0.0").await;
        assert_eq!(v["level"], "yanked");
        let codes = reason_codes(&v);
        assert!(codes.contains(&"yanked".to_string()), "{v}");
        assert!(codes.contains(&"deprecated".to_string()), "{v}");

        // A revoked key deprecates every release it signed, saying so.
        let (status, body) = app
            .post(
                &format!("/v1/keys/{}/revoke", key.key_id()),
                &revoke_body(&key, Some("leaked")),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let meta = official(&app, "1.1.0").await;
        assert_eq!(meta["status"], "deprecated", "{meta}");
        let msg = meta["statusMessage"].as_str().unwrap();
        assert!(msg.contains("was revoked"), "{msg}");
        assert!(meta["statusChangedAt"].is_string(), "{meta}");
        assert_eq!(verdict(&app, "1.1.0").await["level"], "revoked");
        // The yanked one stays deleted.
        assert_eq!(official(&app, "1.0.0").await["status"], "deleted");
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_documents_the_deprecation_routes_and_fields() {
    let (app, _gh) = start(Backend::Sqlite).await;
    let (status, doc) = app.get("/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    for path in ["/v1/deprecate", "/v1/undeprecate"] {
        let responses = &doc["paths"][path]["post"]["responses"];
        for code in ["200", "400", "403", "404", "413", "429"] {
            assert!(responses.get(code).is_some(), "{path} lacks {code}");
        }
    }
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["DeprecateRequest"]["properties"]["message"]["maxLength"],
        500
    );
    let official = &schemas["OfficialMeta"]["properties"];
    assert!(official.get("statusMessage").is_some(), "{official}");
    assert!(official.get("statusChangedAt").is_some(), "{official}");
    app.stop().await;
}
