//! The write side: key registration with namespace proofs, publishing, refusals, yank,
//! revocation, rotation and concurrency. A local fake GitHub serves the key files.

use protocol::api::Statement;
use reqwest::StatusCode;
use serde_json::{Value, json};
use testkit::app::{
    Backend, Options, TestApp, backends, enc, error_code, manifest, new_key, now_secs,
    publish_body, register_github_body, revoke_body, sign, yank_body, yank_body_at,
};
use testkit::github::FakeGithub;

const OWNER: &str = "octo";
const REPO: &str = "weather";
const NAME: &str = "io.github.octo/weather";

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

/// A key registered for io.github.octo via octo/weather.
async fn registered(app: &TestApp, gh: &FakeGithub) -> protocol::SecretKey {
    let key = new_key();
    gh.add_repo(OWNER, REPO, Some(key.public_key().to_file_string()));
    let (status, body) = app
        .post("/v1/keys", &register_github_body(&key, OWNER, REPO))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    key
}

async fn release_count(app: &TestApp) -> i64 {
    app.get("/v1/stats").await.1["releases"]
        .as_i64()
        .expect("count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_publish_read_and_verify_signed() {
    for backend in backends() {
        let (app, gh) = start(backend).await;
        let key = new_key();
        gh.add_repo(OWNER, REPO, Some(key.public_key().to_file_string()));
        let (status, k) = app
            .post("/v1/keys", &register_github_body(&key, OWNER, REPO))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{k}");
        assert_eq!(k["keyId"], key.key_id().to_string());
        assert_eq!(k["namespace"], "io.github.octo");
        assert_eq!(k["proof"]["kind"], "github");
        assert_eq!(k["proof"]["repository"], "octo/weather");
        assert!(k["proof"]["repositoryId"].is_i64());
        // Registering the same proof again is fine (200, not 201).
        let (status, _) = app
            .post("/v1/keys", &register_github_body(&key, OWNER, REPO))
            .await;
        assert_eq!(status, StatusCode::OK);

        let m = manifest(NAME, "1.0.0", "octo/weather");
        let (status, r) = app.post("/v1/publish", &publish_body(&key, &m)).await;
        assert_eq!(status, StatusCode::CREATED, "{r}");
        assert_eq!(r["trust"]["level"], "signed");
        assert_eq!(r["origin"], "publish");
        assert_eq!(r["isLatest"], true);

        let (_, list) = app.get("/v0.1/servers?search=octo/weather").await;
        assert_eq!(list["metadata"]["count"], 1);
        let item = &list["servers"][0];
        assert_eq!(item["server"]["name"], NAME);
        assert_eq!(
            item["_meta"][protocol::formats::REGISTRY_META_KEY]["trust"]["level"],
            "signed"
        );

        let (status, one) = app
            .get(&format!("/v0.1/servers/{}/versions/1.0.0", enc(NAME)))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(one["server"]["version"], "1.0.0");

        let (_, detail) = app.get(&format!("/v1/servers/{}", enc(NAME))).await;
        assert_eq!(detail["trust"]["level"], "signed");
        assert_eq!(detail["versions"].as_array().map(Vec::len), Some(1));
        assert_eq!(detail["keys"][0]["keyId"], key.key_id().to_string());

        let (_, v) = app
            .get(&format!("/v1/verify?server={NAME}&version=1.0.0"))
            .await;
        assert_eq!(v["verdict"]["level"], "signed", "{v}");
        // The evidence verifies offline: exact bytes, signature, key.
        let manifest_text = v["manifest"].as_str().unwrap();
        assert_eq!(manifest_text, m);
        let sig: protocol::Signature = v["signature"].as_str().unwrap().parse().unwrap();
        let public: protocol::PublicKey = v["key"]["publicKey"].as_str().unwrap().parse().unwrap();
        public
            .verify(manifest_text.as_bytes(), &sig, false)
            .unwrap();
        assert_eq!(v["key"]["proof"]["repository"], "octo/weather");

        let (_, by_pkg) = app
            .get("/v1/verify?package=npm:%40octo/weather@1.0.0")
            .await;
        assert_eq!(by_pkg["verdict"]["level"], "signed", "{by_pkg}");
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_have_clear_errors_and_store_nothing() {
    for backend in backends() {
        let (app, gh) = start(backend).await;
        let key = registered(&app, &gh).await;
        let m = manifest(NAME, "1.0.0", "octo/weather");
        let (status, _) = app.post("/v1/publish", &publish_body(&key, &m)).await;
        assert_eq!(status, StatusCode::CREATED);
        let before = release_count(&app).await;

        // Tampered manifest: signed one thing, uploaded another.
        let m2 = manifest(NAME, "1.0.1", "octo/weather");
        let sig = sign(&key, m2.as_bytes()).to_file_string();
        let tampered = m2.replace("A test server", "A tampered server");
        let (status, body) = app
            .post(
                "/v1/publish",
                &json!({"manifest": tampered, "signature": sig}),
            )
            .await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::BAD_REQUEST, "invalid_signature"),
            "{body}"
        );

        // Signed by another key that is not registered.
        let stranger = new_key();
        let (status, body) = app.post("/v1/publish", &publish_body(&stranger, &m2)).await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::FORBIDDEN, "not_authorized"),
            "{body}"
        );

        // A signature by our key, but over other bytes.
        let forged = sign(&key, b"something else").to_file_string();
        let (status, body) = app
            .post("/v1/publish", &json!({"manifest": m2, "signature": forged}))
            .await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::BAD_REQUEST, "invalid_signature"),
            "{body}"
        );

        // Name outside the key's grant: same namespace, another repository.
        let other_repo = manifest("io.github.octo/other", "1.0.0", "octo/other");
        let (status, body) = app
            .post("/v1/publish", &publish_body(&key, &other_repo))
            .await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::FORBIDDEN, "not_authorized"),
            "{body}"
        );
        // ... and another namespace altogether.
        let other_ns = manifest("io.github.someone/weather", "1.0.0", "octo/weather");
        let (status, body) = app
            .post("/v1/publish", &publish_body(&key, &other_ns))
            .await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::FORBIDDEN, "not_authorized"),
            "{body}"
        );

        // Duplicate version, with different bytes or the same.
        let dup = manifest(NAME, "1.0.0", "octo/weather").replace("A test server", "Changed");
        let (status, body) = app.post("/v1/publish", &publish_body(&key, &dup)).await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::CONFLICT, "already_exists"),
            "{body}"
        );
        let (status, _) = app.post("/v1/publish", &publish_body(&key, &m)).await;
        assert_eq!(status, StatusCode::CONFLICT);

        // Invalid manifest.
        let bad = r#"{"name":"not a name","version":"1.0.0"}"#;
        let (status, body) = app.post("/v1/publish", &publish_body(&key, bad)).await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_manifest"),
            "{body}"
        );

        // Malformed JSON, wrong shapes, missing content type.
        let (status, body) = app
            .post_raw("/v1/publish", b"{not json".to_vec(), "application/json")
            .await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::BAD_REQUEST, "invalid_json"),
            "{body}"
        );
        let (status, body) = app.post("/v1/publish", &json!({"manifest": m2})).await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::BAD_REQUEST, "invalid_json"),
            "{body}"
        );
        let (status, body) = app
            .post_raw("/v1/publish", b"{}".to_vec(), "text/plain")
            .await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::BAD_REQUEST, "invalid_json"),
            "{body}"
        );
        let (status, body) = app.post("/v1/publish", &json!({"signature": "x"})).await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::BAD_REQUEST, "bad_request"),
            "{body}"
        );
        let (status, body) = app
            .post(
                "/v1/publish",
                &json!({"manifest": m2, "signature": "not a signature"}),
            )
            .await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::BAD_REQUEST, "invalid_signature"),
            "{body}"
        );

        // Oversize body.
        let huge = "x".repeat(protocol::formats::API_MAX_BODY_BYTES + 10);
        let (status, body) = app
            .post("/v1/publish", &json!({"manifest": huge, "signature": "s"}))
            .await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            "{body}"
        );

        assert_eq!(
            release_count(&app).await,
            before,
            "a refusal stored something"
        );
        let (status, _) = app
            .get(&format!("/v0.1/servers/{}/versions/1.0.1", enc(NAME)))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_proofs_are_checked() {
    for backend in backends() {
        let (app, gh) = start(backend).await;
        let key = new_key();
        // Repository named under the owner but GitHub says it belongs to someone else.
        gh.add_repo_owned_by(
            OWNER,
            "moved",
            "mallory",
            Some(key.public_key().to_file_string()),
        );
        let (status, body) = app
            .post("/v1/keys", &register_github_body(&key, OWNER, "moved"))
            .await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::FORBIDDEN, "proof_failed"),
            "{body}"
        );
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("not owned"),
            "{body}"
        );

        // A repository of another owner named in the request.
        let req = json!({
            "publicKey": key.public_key().to_file_string(),
            "namespace": "io.github.octo",
            "repository": "mallory/weather",
        });
        let (status, body) = app.post("/v1/keys", &req).await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::FORBIDDEN, "proof_failed"),
            "{body}"
        );

        // No key file; a different key in the file; no such repository.
        gh.add_repo(OWNER, "nokey", None);
        let (status, body) = app
            .post("/v1/keys", &register_github_body(&key, OWNER, "nokey"))
            .await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::FORBIDDEN, "proof_failed"),
            "{body}"
        );
        gh.add_repo(
            OWNER,
            "otherkey",
            Some(new_key().public_key().to_file_string()),
        );
        let (status, body) = app
            .post("/v1/keys", &register_github_body(&key, OWNER, "otherkey"))
            .await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::FORBIDDEN, "proof_failed"),
            "{body}"
        );
        let (status, body) = app
            .post("/v1/keys", &register_github_body(&key, OWNER, "ghost"))
            .await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::FORBIDDEN, "proof_failed"),
            "{body}"
        );

        // Bad requests.
        let (status, body) = app
            .post("/v1/keys", &json!({"publicKey": "nope", "namespace": "io.github.octo", "repository": "octo/x"}))
            .await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::BAD_REQUEST, "bad_request"),
            "{body}"
        );
        let (status, body) = app
            .post("/v1/keys", &json!({"publicKey": key.public_key().to_file_string(), "namespace": "io.github.octo"}))
            .await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::BAD_REQUEST, "bad_request"),
            "{body}"
        );
        assert_eq!(
            app.get("/v1/stats").await.1["keys"],
            0,
            "a failed proof stored a key"
        );

        // Domain proofs.
        let dkey = new_key();
        gh.add_domain("example.com", dkey.public_key().to_file_string());
        let req =
            json!({"publicKey": dkey.public_key().to_file_string(), "namespace": "com.example"});
        let (status, body) = app.post("/v1/keys", &req).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["proof"]["kind"], "domain");
        assert_eq!(body["proof"]["domain"], "example.com");
        // A domain grant covers every name in the namespace, whatever the repository.
        let m = manifest("com.example/anything", "2.0.0", "elsewhere/repo");
        let (status, body) = app.post("/v1/publish", &publish_body(&dkey, &m)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        // A redirect to another host is not followed.
        let port = gh.url.rsplit(':').next().expect("port");
        gh.add_domain("other.test", dkey.public_key().to_file_string());
        gh.add_redirect(
            "redirect.test",
            format!("http://localhost:{port}/other.test/.well-known/mcp-sign.pub"),
        );
        let req =
            json!({"publicKey": dkey.public_key().to_file_string(), "namespace": "test.redirect"});
        let (status, body) = app.post("/v1/keys", &req).await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::FORBIDDEN, "proof_failed"),
            "{body}"
        );
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("redirects"),
            "{body}"
        );
        let wrong =
            json!({"publicKey": key.public_key().to_file_string(), "namespace": "com.example"});
        let (status, body) = app.post("/v1/keys", &wrong).await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::FORBIDDEN, "proof_failed"),
            "{body}"
        );
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn yank_unyank_and_replay() {
    for backend in backends() {
        let (app, gh) = start(backend).await;
        let key = registered(&app, &gh).await;
        for v in ["1.0.0", "1.1.0"] {
            let (status, _) = app
                .post(
                    "/v1/publish",
                    &publish_body(&key, &manifest(NAME, v, "octo/weather")),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED);
        }
        let (_, latest) = app
            .get(&format!("/v0.1/servers/{}/versions/latest", enc(NAME)))
            .await;
        assert_eq!(latest["server"]["version"], "1.1.0");

        let yank = yank_body(&key, NAME, "1.1.0", Some("broken build"), true);
        let (status, r) = app.post("/v1/yank", &yank).await;
        assert_eq!(status, StatusCode::OK, "{r}");
        assert_eq!(r["trust"]["level"], "yanked");
        assert_eq!(r["yankReason"], "broken build");
        let (_, latest) = app
            .get(&format!("/v0.1/servers/{}/versions/latest", enc(NAME)))
            .await;
        assert_eq!(
            latest["server"]["version"], "1.0.0",
            "a yanked release is not latest"
        );
        // Deleted in the official sense: hidden unless include_deleted.
        let (status, body) = app
            .get(&format!("/v0.1/servers/{}/versions/1.1.0", enc(NAME)))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        assert!(testkit::app::official_error(&body).contains("include_deleted"));
        let (_, yanked) = app
            .get(&format!(
                "/v0.1/servers/{}/versions/1.1.0?include_deleted=true",
                enc(NAME)
            ))
            .await;
        // The official status of a yank is `deleted`, with the reason.
        let official = &yanked["_meta"][protocol::formats::OFFICIAL_META_KEY];
        assert_eq!(official["status"], "deleted");
        assert_eq!(
            official["statusMessage"],
            "yanked by the maintainer: broken build"
        );
        let versions = |body: &Value| -> Vec<String> {
            body["servers"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|s| s["server"]["version"].as_str().map(str::to_string))
                .collect()
        };
        for (query, expect) in [
            ("", vec!["1.0.0"]),
            ("include_deleted=true", vec!["1.0.0", "1.1.0"]),
            // updated_since implies include_deleted, so mirrors see deletions.
            ("updated_since=2000-01-01T00:00:00Z", vec!["1.0.0", "1.1.0"]),
            ("version=1.1.0", vec![]),
            ("version=1.1.0&include_deleted=true", vec!["1.1.0"]),
            ("version=1.0.0", vec!["1.0.0"]),
        ] {
            let (status, list) = app.get(&format!("/v0.1/servers?{query}")).await;
            assert_eq!(status, StatusCode::OK, "{query}: {list}");
            assert_eq!(versions(&list), expect, "/v0.1/servers?{query}");
            let (_, found) = app
                .get(&format!("/v0.1/servers?search=octo/weather&{query}"))
                .await;
            let mut found = versions(&found);
            found.sort();
            assert_eq!(found, expect, "/v0.1/servers?search=octo/weather&{query}");
        }
        let (_, all) = app
            .get(&format!("/v0.1/servers/{}/versions", enc(NAME)))
            .await;
        assert_eq!(versions(&all), ["1.0.0"]);

        // Immutable after a yank too.
        let (status, _) = app
            .post(
                "/v1/publish",
                &publish_body(&key, &manifest(NAME, "1.1.0", "octo/weather")),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);

        // The same statement again is a replay.
        let (status, body) = app.post("/v1/yank", &yank).await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::BAD_REQUEST, "stale_statement"),
            "{body}"
        );

        // Un-yank needs a newer statement than the yank.
        let later = testkit::app::now_secs() + 1;
        let (status, r) = app
            .post(
                "/v1/unyank",
                &yank_body_at(&key, NAME, "1.1.0", None, false, later),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{r}");
        assert_eq!(r["trust"]["level"], "signed");
        assert_eq!(r["isLatest"], true);

        // Statement signed by a stranger, for an unknown release, with an old timestamp.
        let stranger = new_key();
        let (status, body) = app
            .post("/v1/yank", &yank_body(&stranger, NAME, "1.0.0", None, true))
            .await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::FORBIDDEN, "not_authorized"),
            "{body}"
        );
        let (status, body) = app
            .post("/v1/yank", &yank_body(&key, NAME, "9.9.9", None, true))
            .await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::NOT_FOUND, "not_found"),
            "{body}"
        );
        let issued_at = now_secs() - 3600;
        let text = Statement::Yank {
            name: NAME,
            version: "1.0.0",
            reason: None,
            issued_at,
        }
        .to_text()
        .unwrap();
        let old = json!({"name": NAME, "version": "1.0.0", "issuedAt": issued_at,
                         "signature": sign(&key, text.as_bytes()).to_file_string()});
        let (status, body) = app.post("/v1/yank", &old).await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::BAD_REQUEST, "stale_statement"),
            "{body}"
        );
        // A statement whose text differs from what was signed.
        let mut altered = yank_body(&key, NAME, "1.0.0", Some("a"), true);
        altered["reason"] = json!("b");
        let (status, body) = app.post("/v1/yank", &altered).await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::BAD_REQUEST, "invalid_signature"),
            "{body}"
        );
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revocation_and_rotation() {
    for backend in backends() {
        let (app, gh) = start(backend).await;
        let old = registered(&app, &gh).await;
        let (status, _) = app
            .post(
                "/v1/publish",
                &publish_body(&old, &manifest(NAME, "1.0.0", "octo/weather")),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);

        // Rotation: the new key is proven the same way and cross-signed by the old one.
        let new = new_key();
        gh.add_repo(OWNER, REPO, Some(new.public_key().to_file_string()));
        let issued_at = now_secs();
        let old_id = old.key_id().to_string();
        let new_id = new.key_id().to_string();
        let text = Statement::RotateKey {
            old_key_id: &old_id,
            new_key_id: &new_id,
            namespace: "io.github.octo",
            issued_at,
        }
        .to_text()
        .unwrap();
        let mut req = testkit::app::register_github_body(&new, OWNER, REPO);
        req["rotatedFrom"] = json!(old_id);
        req["rotationSignature"] = json!(sign(&old, text.as_bytes()).to_file_string());
        req["issuedAt"] = json!(issued_at);
        let (status, body) = app.post("/v1/keys", &req).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["rotatedFrom"], old_id);
        // A rotation signed by the wrong key is refused.
        let other = new_key();
        gh.add_repo(OWNER, "third", Some(other.public_key().to_file_string()));
        let mut bad = testkit::app::register_github_body(&other, OWNER, "third");
        bad["rotatedFrom"] = json!(old_id);
        bad["rotationSignature"] = json!(sign(&other, text.as_bytes()).to_file_string());
        bad["issuedAt"] = json!(issued_at);
        let (status, body) = app.post("/v1/keys", &bad).await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::BAD_REQUEST, "invalid_signature"),
            "{body}"
        );

        // Revocation by someone else's signature is refused.
        let (status, body) = app
            .post(
                &format!("/v1/keys/{old_id}/revoke"),
                &revoke_body(&new, None),
            )
            .await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::BAD_REQUEST, "invalid_signature"),
            "{body}"
        );
        // Revocation by the key itself.
        let (status, body) = app
            .post(
                &format!("/v1/keys/{old_id}/revoke"),
                &revoke_body(&old, Some("laptop lost")),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body[0]["revokedAt"].is_string());
        assert_eq!(body[0]["revokeReason"], "laptop lost");

        // Its releases lose their trust; it can no longer publish or be registered again.
        let (_, v) = app
            .get(&format!("/v1/verify?server={NAME}&version=1.0.0"))
            .await;
        assert_eq!(v["verdict"]["level"], "revoked", "{v}");
        let (status, body) = app
            .post(
                "/v1/publish",
                &publish_body(&old, &manifest(NAME, "1.0.1", "octo/weather")),
            )
            .await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::FORBIDDEN, "key_revoked"),
            "{body}"
        );
        gh.add_repo(OWNER, REPO, Some(old.public_key().to_file_string()));
        let (status, body) = app
            .post("/v1/keys", &register_github_body(&old, OWNER, REPO))
            .await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::FORBIDDEN, "key_revoked"),
            "{body}"
        );

        // The successor publishes.
        let (status, body) = app
            .post(
                "/v1/publish",
                &publish_body(&new, &manifest(NAME, "1.0.1", "octo/weather")),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["trust"]["level"], "signed");
        let (status, body) = app
            .post("/v1/keys/0000000000000000/revoke", &revoke_body(&new, None))
            .await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::NOT_FOUND, "not_found"),
            "{body}"
        );
        let (_, stats) = app.get("/v1/stats").await;
        assert_eq!(stats["revokedKeys"], 1);
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_publishes_land_exactly_once() {
    for backend in backends() {
        let (app, gh) = start(backend).await;
        let key = registered(&app, &gh).await;

        // 50 distinct versions at once: all land.
        let bodies: Vec<Value> = (0..50)
            .map(|i| publish_body(&key, &manifest(NAME, &format!("1.0.{i}"), "octo/weather")))
            .collect();
        let tasks: Vec<_> = bodies
            .into_iter()
            .map(|b| {
                let client = app.client.clone();
                let url = format!("{}/v1/publish", app.url);
                tokio::spawn(
                    async move { client.post(url).json(&b).send().await.map(|r| r.status()) },
                )
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap(), StatusCode::CREATED);
        }
        let (_, versions) = app
            .get(&format!("/v0.1/servers/{}/versions", enc(NAME)))
            .await;
        assert_eq!(versions["metadata"]["count"], 50);
        let latest: Vec<&Value> = versions["servers"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["_meta"][protocol::formats::OFFICIAL_META_KEY]["isLatest"] == true)
            .collect();
        assert_eq!(latest.len(), 1, "exactly one latest");
        assert_eq!(latest[0]["server"]["version"], "1.0.49");
        let (_, listed) = app
            .get("/v0.1/servers?version=latest&search=octo/weather")
            .await;
        assert_eq!(listed["metadata"]["count"], 1, "{listed}");
        assert_eq!(listed["servers"][0]["server"]["version"], "1.0.49");
        let (_, all) = app.get("/v0.1/servers?search=octo/weather&limit=100").await;
        assert_eq!(all["metadata"]["count"], 50);

        // 50 uploads of the same new version at once: exactly one wins.
        let body = publish_body(&key, &manifest(NAME, "2.0.0", "octo/weather"));
        let tasks: Vec<_> = (0..50)
            .map(|_| {
                let client = app.client.clone();
                let url = format!("{}/v1/publish", app.url);
                let b = body.clone();
                tokio::spawn(
                    async move { client.post(url).json(&b).send().await.map(|r| r.status()) },
                )
            })
            .collect();
        let mut created = 0;
        for t in tasks {
            match t.await.unwrap().unwrap() {
                StatusCode::CREATED => created += 1,
                StatusCode::CONFLICT => {}
                other => panic!("unexpected status {other}"),
            }
        }
        assert_eq!(created, 1);
        assert_eq!(release_count(&app).await, 51);
        app.stop().await;
    }
}

/// Replaces values that differ per run (times, key material, hashes) so shapes can be
/// snapshotted.
fn stable(v: &Value, key: &protocol::SecretKey) -> Value {
    let text = serde_json::to_string(v)
        .expect("json")
        .replace(&key.key_id().to_string(), "[key-id]")
        .replace(&key.public_key().to_base64(), "[public-key]");
    let mut v: Value = serde_json::from_str(&text).expect("json");
    fn walk(v: &mut Value) {
        match v {
            Value::Object(map) => {
                for (k, val) in map.iter_mut() {
                    let volatile = k.ends_with("At")
                        || matches!(
                            k.as_str(),
                            "signature" | "manifest" | "repositoryId" | "checkpoint" | "record"
                        )
                        || k.ends_with("Sha256");
                    if volatile && val.is_string() || k == "repositoryId" || k == "inclusionProof" {
                        *val = Value::String(format!("[{k}]"));
                    } else {
                        walk(val);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut v);
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn write_side_shapes_snapshot() {
    let (app, gh) = start(Backend::Sqlite).await;
    let key = new_key();
    gh.add_repo(OWNER, REPO, Some(key.public_key().to_file_string()));
    let (_, registered) = app
        .post("/v1/keys", &register_github_body(&key, OWNER, REPO))
        .await;
    insta::assert_json_snapshot!("key_registered", stable(&registered, &key));

    let m = manifest(NAME, "1.0.0", "octo/weather");
    let (_, published) = app.post("/v1/publish", &publish_body(&key, &m)).await;
    insta::assert_json_snapshot!("published", stable(&published, &key));

    let (_, verdict) = app
        .get(&format!("/v1/verify?server={NAME}&version=1.0.0"))
        .await;
    insta::assert_json_snapshot!("verify_signed", stable(&verdict, &key));

    let (_, conflict) = app.post("/v1/publish", &publish_body(&key, &m)).await;
    insta::assert_json_snapshot!("error_already_exists", conflict);

    let (status, not_allowed) = app.get("/v1/publish").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    insta::assert_json_snapshot!("error_method_not_allowed", not_allowed);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_are_rate_limited_per_address() {
    let app = TestApp::start(
        Backend::Sqlite,
        Options {
            write_rate_limit: 3,
            ..Options::default()
        },
    )
    .await;
    for _ in 0..3 {
        let (status, _) = app.post("/v1/publish", &json!({})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
    let resp = app
        .client
        .post(format!("{}/v1/publish", app.url))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(resp.headers().get("retry-after").is_some());
    let body: Value = resp.json().await.unwrap();
    assert_eq!(error_code(&body), "rate_limited");
    // Reads are not limited.
    let (status, _) = app.get("/v1/stats").await;
    assert_eq!(status, StatusCode::OK);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removing_the_key_file_revokes_on_recheck() {
    for backend in backends() {
        let (app, gh) = start(backend).await;
        let key = registered(&app, &gh).await;
        let id = key.key_id().to_string();
        let (status, _) = app
            .post(
                "/v1/publish",
                &publish_body(&key, &manifest(NAME, "1.0.0", "octo/weather")),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);

        // The proof still holds: nothing changes.
        let (status, body) = app
            .post(&format!("/v1/keys/{id}/recheck"), &json!({}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body[0].get("revokedAt").is_none(), "{body}");

        // The maintainer removes the key file (e.g. the secret key was lost).
        gh.add_repo(OWNER, REPO, None);
        let (status, body) = app
            .post(&format!("/v1/keys/{id}/recheck"), &json!({}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body[0]["revokedAt"].is_string(), "{body}");
        assert!(
            body[0]["revokeReason"]
                .as_str()
                .unwrap()
                .starts_with("proof withdrawn")
        );
        let (_, v) = app.get(&format!("/v1/verify?server={NAME}")).await;
        assert_eq!(v["verdict"]["level"], "revoked");

        let (status, body) = app
            .post("/v1/keys/0123456789ABCDEF/recheck", &json!({}))
            .await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::NOT_FOUND, "not_found")
        );
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_id_cannot_be_bound_to_a_second_key() {
    for backend in backends() {
        let (app, gh) = start(backend).await;
        let victim = new_key();
        let attacker = new_key();
        // minisign key ids are chosen, not derived: the attacker copies the victim's.
        let forged =
            protocol::PublicKey::from_parts(victim.key_id(), *attacker.public_key().as_bytes())
                .expect("forged key");
        gh.add_repo("mallory", "evil", Some(forged.to_file_string()));
        let req = json!({
            "publicKey": forged.to_file_string(),
            "namespace": "io.github.mallory",
            "repository": "mallory/evil",
        });
        let (status, body) = app.post("/v1/keys", &req).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");

        // The victim's own registration must not end up bound to the attacker's key bytes.
        gh.add_repo(OWNER, REPO, Some(victim.public_key().to_file_string()));
        let (status, body) = app
            .post("/v1/keys", &register_github_body(&victim, OWNER, REPO))
            .await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::CONFLICT, "already_exists"),
            "{body}"
        );
        // So the attacker cannot publish in the victim's namespace.
        let m = manifest(NAME, "1.0.0", "octo/weather");
        let (status, body) = app.post("/v1/publish", &publish_body(&attacker, &m)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manifest_may_come_as_base64_of_the_exact_bytes() {
    use base64::Engine as _;
    for backend in backends() {
        let (app, gh) = start(backend).await;
        let key = registered(&app, &gh).await;
        // CRLF line ends: whatever the bytes, the registry keeps them exactly.
        let m = manifest(NAME, "3.0.0", "octo/weather").replace('\n', "\r\n");
        let b64 = base64::engine::general_purpose::STANDARD.encode(m.as_bytes());
        let sig = sign(&key, m.as_bytes()).to_file_string();
        let (status, both) = app
            .post(
                "/v1/publish",
                &json!({"manifest": m, "manifestBase64": b64, "signature": sig}),
            )
            .await;
        assert_eq!(
            (status, error_code(&both).as_str()),
            (StatusCode::BAD_REQUEST, "bad_request")
        );
        let (status, body) = app
            .post(
                "/v1/publish",
                &json!({"manifestBase64": b64, "signature": sig}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (_, v) = app
            .get(&format!("/v1/verify?server={NAME}&version=3.0.0"))
            .await;
        assert_eq!(
            v["manifest"].as_str(),
            Some(m.as_str()),
            "exact bytes are kept"
        );
        let (status, body) = app
            .post(
                "/v1/publish",
                &json!({"manifestBase64": "@@@", "signature": sig}),
            )
            .await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (StatusCode::BAD_REQUEST, "bad_request")
        );
        app.stop().await;
    }
}

/// A listener that counts the connections it accepts, to show that nothing reached it.
async fn counting_listener() -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        while let Ok((_socket, _)) = listener.accept().await {
            seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    });
    (port, count)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proofs_that_resolve_to_loopback_are_refused_before_any_connection() {
    for backend in backends() {
        let (port, connections) = counting_listener().await;
        for base in [
            // A name that resolves to loopback (any DNS name an attacker controls can), and
            // a literal loopback address.
            format!("https://localhost:{port}"),
            format!("http://127.0.0.1:{port}"),
        ] {
            let app = TestApp::start(
                backend,
                Options {
                    github_api_url: Some(base.clone()),
                    domain_proof_base_url: Some(base.clone()),
                    refuse_private_hosts: true,
                    ..Options::default()
                },
            )
            .await;
            let key = new_key();
            let domain =
                json!({"publicKey": key.public_key().to_file_string(), "namespace": "com.example"});
            for (what, req) in [
                ("domain", domain),
                ("github", register_github_body(&key, OWNER, REPO)),
            ] {
                let (status, body) = app.post("/v1/keys", &req).await;
                assert_eq!(
                    (status, error_code(&body).as_str()),
                    (StatusCode::FORBIDDEN, "proof_failed"),
                    "{what} proof via {base}: {body}"
                );
                let message = body["error"]["message"].as_str().unwrap_or_default();
                assert!(
                    message.contains("private, loopback or link-local")
                        && message.contains("public"),
                    "{message}"
                );
            }
            assert_eq!(app.get("/v1/stats").await.1["keys"], 0);
            app.stop().await;
        }
        assert_eq!(
            connections.load(std::sync::atomic::Ordering::SeqCst),
            0,
            "a refused proof connected anyway"
        );
    }
}
