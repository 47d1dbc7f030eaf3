//! `import` (and the seed and mirrors, which share it): entries stored in chunks of a few
//! statements each must leave the rows that storing them one at a time left.

use protocol::api::ReleaseOrigin;
use registry::service::import::import_bytes;
use serde_json::{Value, json};
use testkit::app::{Options, TestApp, backends};

fn doc(name: &str, version: &str, description: &str) -> Value {
    json!({"name": name, "version": version, "description": description})
}

async fn latest_and_description(app: &TestApp, name: &str) -> (String, String) {
    let (status, body) = app
        .get(&format!(
            "/v0.1/servers/{}/versions/latest",
            name.replace('/', "%2F")
        ))
        .await;
    assert_eq!(status, 200, "{body}");
    let server = &body["server"];
    let version = server["version"].as_str().unwrap().to_string();
    let (_, detail) = app
        .get(&format!("/v1/servers/{}", name.replace('/', "%2F")))
        .await;
    (
        version,
        detail["description"]
            .as_str()
            .unwrap_or_else(|| panic!("{detail}"))
            .to_string(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chunked_import_keeps_latest_display_duplicates_and_conflicts() {
    for backend in backends() {
        let app = TestApp::start(backend, Options::default()).await;
        let db = &app.state.db;
        // Enough entries to span several chunks, with one server's versions in different
        // chunks (its highest version first), repeats and a conflicting repeat.
        let mut docs: Vec<Value> = vec![doc("io.github.imp/multi", "2.0.0", "second")];
        for i in 0..1200 {
            docs.push(doc(
                &format!("io.github.imp/s{i}"),
                "1.0.0",
                &format!("server {i}"),
            ));
        }
        docs.push(doc("io.github.imp/multi", "1.0.0", "first"));
        docs.push(doc("io.github.imp/s7", "1.0.0", "server 7"));
        docs.push(doc("io.github.imp/s8", "1.0.0", "not what was imported"));
        let bytes = serde_json::to_vec(&docs).unwrap();
        let report = import_bytes(db, &bytes, ReleaseOrigin::Import)
            .await
            .unwrap();
        assert_eq!(report.added, 1202, "{backend:?}");
        assert_eq!(report.unchanged, 1, "{backend:?}");
        assert_eq!(
            report.conflicting,
            vec!["io.github.imp/s8@1.0.0".to_string()]
        );
        let (latest, description) = latest_and_description(&app, "io.github.imp/multi").await;
        assert_eq!((latest.as_str(), description.as_str()), ("2.0.0", "second"));
        let (latest, description) = latest_and_description(&app, "io.github.imp/s1199").await;
        assert_eq!(
            (latest.as_str(), description.as_str()),
            ("1.0.0", "server 1199")
        );

        // Again: nothing is added, everything but the conflicting copy is unchanged.
        let again = import_bytes(db, &bytes, ReleaseOrigin::Import)
            .await
            .unwrap();
        assert_eq!((again.added, again.unchanged), (0, 1203), "{backend:?}");
        assert_eq!(again.conflicting.len(), 1);

        // A newer version later takes over the display; an older one does not.
        let newer = serde_json::to_vec(&json!([
            doc("io.github.imp/multi", "3.0.0", "third"),
            doc("io.github.imp/s1", "0.9.0", "older"),
        ]))
        .unwrap();
        let report = import_bytes(db, &newer, ReleaseOrigin::Import)
            .await
            .unwrap();
        assert_eq!(report.added, 2);
        let (latest, description) = latest_and_description(&app, "io.github.imp/multi").await;
        assert_eq!((latest.as_str(), description.as_str()), ("3.0.0", "third"));
        let (latest, description) = latest_and_description(&app, "io.github.imp/s1").await;
        assert_eq!(
            (latest.as_str(), description.as_str()),
            ("1.0.0", "server 1")
        );
        // Every imported release has its scan stored, and a server has exactly one latest.
        let count = |sql: &'static str| async move {
            let row = sqlx::query(sql).fetch_one(db.pool()).await.unwrap();
            sqlx::Row::try_get::<i64, _>(&row, 0).unwrap()
        };
        let releases = count("SELECT COUNT(*) FROM releases").await;
        assert_eq!(releases, 1204);
        assert_eq!(count("SELECT COUNT(*) FROM release_scans").await, releases);
        let (_, versions) = app
            .get("/v0.1/servers/io.github.imp%2Fmulti/versions")
            .await;
        let latest_flags = versions["servers"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["_meta"][protocol::formats::OFFICIAL_META_KEY]["isLatest"] == true)
            .count();
        assert_eq!(latest_flags, 1, "{versions}");
        app.stop().await;
    }
}
