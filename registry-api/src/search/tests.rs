//! The index lifecycle against a SQLite database: created, reused, rebuilt (another schema
//! version, another database), and kept up to date by sync steps.

use super::*;
use crate::db::{self, Db};

async fn database(dir: &std::path::Path, file: &str) -> Db {
    let url = format!("sqlite://{}?mode=rwc", dir.join(file).display());
    let db = Db::connect(&url).await.expect("connect");
    db.migrate().await.expect("migrate");
    db
}

/// Stores `name@version` as the server's latest release, as a publish does.
async fn release(db: &Db, name: &str, version: &str, description: &str) {
    let manifest = serde_json::json!({
        "name": name,
        "version": version,
        "description": description,
    })
    .to_string();
    let namespace = name.split('/').next().unwrap_or(name);
    let mut tx = db.begin().await.expect("begin");
    let server = db::servers::NewServer {
        name,
        namespace,
        description: Some(description),
        repository_url: None,
    };
    let server_id = db::servers::upsert(&mut tx, &server, 1_000)
        .await
        .expect("server");
    let new = db::releases::NewRelease {
        server_id,
        version,
        manifest: manifest.as_bytes(),
        manifest_sha256: "0",
        signature: None,
        key_id: None,
        origin: "test",
        packages: &[],
    };
    let id = db::releases::insert(&mut tx, &new, 1_000)
        .await
        .expect("release")
        .expect("a new version");
    db::releases::set_latest(&mut tx, server_id, id, 1_000)
        .await
        .expect("latest");
    tx.commit().await.expect("commit");
}

fn names(index: &SearchIndex, q: &str) -> Vec<String> {
    index
        .search(q, Filters::default(), 10, None)
        .expect("search")
        .hits
        .into_iter()
        .map(|h| h.name)
        .collect()
}

#[tokio::test]
async fn a_new_folder_is_built_then_reused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = database(tmp.path(), "a.db").await;
    release(&db, "io.github.o/weather", "1.0.0", "Forecasts").await;
    release(&db, "io.github.o/tides", "1.0.0", "Tide tables").await;
    let dir = SearchIndex::dir_in(tmp.path());

    let (index, opened) = SearchIndex::open(&dir, &db).await.expect("open");
    assert_eq!(opened, Opened::Created);
    assert_eq!(index.num_docs(), 2);
    assert_eq!(
        index.floor().await,
        db::search::max_seq(&db).await.expect("seq")
    );
    assert_eq!(names(&index, "weather"), ["io.github.o/weather"]);
    index.close().await;

    let (index, opened) = SearchIndex::open(&dir, &db).await.expect("reopen");
    assert_eq!(opened, Opened::Existing);
    assert_eq!(index.num_docs(), 2);
    index.close().await;
}

#[tokio::test]
async fn a_sync_step_applies_changes_once_and_moves_the_floor() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = database(tmp.path(), "a.db").await;
    release(&db, "io.github.o/weather", "1.0.0", "Forecasts").await;
    let (index, _) = SearchIndex::open(&SearchIndex::dir_in(tmp.path()), &db)
        .await
        .expect("open");
    assert_eq!(index.sync_once(&db).await.expect("idle step"), 0);

    release(&db, "io.github.o/tides", "1.0.0", "Tide tables").await;
    assert!(index.lag(&db).await.expect("lag") > 0);
    assert!(names(&index, "tides").is_empty());
    assert_eq!(index.sync_once(&db).await.expect("step"), 1);
    assert_eq!(names(&index, "tides"), ["io.github.o/tides"]);
    assert_eq!(index.lag(&db).await.expect("lag"), 0);
    assert_eq!(
        index.floor().await,
        db::search::max_seq(&db).await.expect("seq")
    );
    // Nothing new: nothing is applied twice.
    assert_eq!(index.sync_once(&db).await.expect("idle step"), 0);

    // A new latest release replaces the server's document.
    release(
        &db,
        "io.github.o/tides",
        "2.0.0",
        "Tide tables and currents",
    )
    .await;
    assert_eq!(index.sync_once(&db).await.expect("step"), 1);
    assert_eq!(index.num_docs(), 2);
    let hits = index
        .search("tides", Filters::default(), 10, None)
        .expect("search")
        .hits;
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].version, "2.0.0");
    index.close().await;
}

#[tokio::test]
async fn another_schema_version_or_database_is_rebuilt() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = database(tmp.path(), "a.db").await;
    release(&db, "io.github.o/weather", "1.0.0", "Forecasts").await;
    release(&db, "io.github.o/tides", "1.0.0", "Tide tables").await;
    let dir = SearchIndex::dir_in(tmp.path());
    let (index, _) = SearchIndex::open(&dir, &db).await.expect("open");
    index.close().await;

    std::fs::write(dir.join("SCHEMA_VERSION"), "0").expect("write");
    let (index, opened) = SearchIndex::open(&dir, &db).await.expect("reopen");
    assert_eq!(opened, Opened::Rebuilt);
    assert_eq!(index.num_docs(), 2);
    index.close().await;

    // A database with fewer changes than the index's floor is another database.
    let other = database(tmp.path(), "b.db").await;
    release(&other, "io.github.o/solo", "1.0.0", "Alone").await;
    let (index, opened) = SearchIndex::open(&dir, &other).await.expect("other db");
    assert_eq!(opened, Opened::Rebuilt);
    assert_eq!(names(&index, ""), ["io.github.o/solo"]);
    index.close().await;
}

#[tokio::test]
async fn a_rebuild_reports_every_server_and_keeps_the_floor() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = database(tmp.path(), "a.db").await;
    for i in 0..5 {
        release(&db, &format!("io.github.o/s{i}"), "1.0.0", "A server").await;
    }
    let index = SearchIndex::open_for_rebuild(&SearchIndex::dir_in(tmp.path()), &db)
        .await
        .expect("open");
    assert_eq!(index.num_docs(), 0, "opened for a rebuild: not caught up");
    let seen = std::sync::Mutex::new(Vec::new());
    let progress = |done: u64, total: u64| {
        if let Ok(mut s) = seen.lock() {
            s.push((done, total));
        }
    };
    let report = index.rebuild(&db, Some(&progress)).await.expect("rebuild");
    assert_eq!(report.servers, 5);
    assert_eq!(index.num_docs(), 5);
    assert_eq!(seen.lock().expect("lock").last(), Some(&(5, 5)));
    assert_eq!(
        index.floor().await,
        db::search::max_seq(&db).await.expect("seq")
    );
    assert_eq!(index.lag(&db).await.expect("lag"), 0);
    index.close().await;
}
