//! The two migration trees (`migrations/sqlite`, `migrations/postgres`) must define the same
//! schema: the same tables, the same columns with types of the same family, the same indexes
//! and the same triggers. Read back from the databases the migrations built, not from the SQL.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::Row;
use testkit::app::{Backend, Options, TestApp};

/// Table → column → type family; index names (on their tables); table → the events its
/// triggers fire on (SQLite needs a trigger per event where PostgreSQL has one for several, so
/// trigger names differ by design).
#[derive(Debug, PartialEq, Eq)]
struct Schema {
    columns: BTreeMap<String, BTreeMap<String, &'static str>>,
    indexes: BTreeMap<String, String>,
    triggers: BTreeMap<String, BTreeSet<String>>,
}

/// The family a column type belongs to, named the same on both backends.
fn family(declared: &str) -> &'static str {
    let t = declared.to_ascii_lowercase();
    if t.contains("int") || t == "boolean" {
        "integer"
    } else if t.contains("char") || t == "text" || t.starts_with("json") {
        "text"
    } else if t == "blob" || t == "bytea" {
        "bytes"
    } else if t.contains("real") || t.contains("double") || t == "numeric" {
        "real"
    } else {
        panic!("a column type this test does not map: {declared:?}")
    }
}

async fn strings(app: &TestApp, sql: &str) -> Vec<(String, String)> {
    sqlx::query(sql)
        .fetch_all(app.state.db.pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|r| (r.get::<String, _>(0), r.get::<String, _>(1)))
        .collect()
}

async fn sqlite_schema(app: &TestApp) -> Schema {
    let mut columns = BTreeMap::new();
    let tables = strings(
        app,
        "SELECT name, type FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'",
    )
    .await;
    for (table, _) in tables {
        let cols = strings(
            app,
            &format!("SELECT name, type FROM pragma_table_info('{table}')"),
        )
        .await;
        columns.insert(
            table,
            cols.into_iter().map(|(c, t)| (c, family(&t))).collect(),
        );
    }
    let indexes = strings(
        app,
        "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' \
         AND name NOT LIKE 'sqlite_autoindex%'",
    )
    .await
    .into_iter()
    .collect();
    let mut triggers: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (table, sql) in strings(
        app,
        "SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'",
    )
    .await
    {
        // `CREATE TRIGGER name AFTER UPDATE OF col ON table ...`: the event is the word after
        // BEFORE / AFTER / INSTEAD OF.
        let words: Vec<String> = sql.split_whitespace().map(str::to_uppercase).collect();
        let event = words
            .iter()
            .position(|w| w == "AFTER" || w == "BEFORE" || w == "OF")
            .and_then(|i| words.get(i + 1))
            .unwrap_or_else(|| panic!("no event in trigger: {sql}"));
        triggers.entry(table).or_default().insert(event.clone());
    }
    Schema {
        columns,
        indexes,
        triggers,
    }
}

async fn postgres_schema(app: &TestApp) -> Schema {
    let mut columns: BTreeMap<String, BTreeMap<String, &'static str>> = BTreeMap::new();
    let rows = sqlx::query(
        "SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%'",
    )
    .fetch_all(app.state.db.pool())
    .await
    .unwrap();
    for r in rows {
        columns
            .entry(r.get(0))
            .or_default()
            .insert(r.get(1), family(&r.get::<String, _>(2)));
    }
    // Indexes that back a primary key or unique constraint are implicit, as SQLite's
    // autoindexes are.
    let indexes = strings(
        app,
        "SELECT indexname::text, tablename::text FROM pg_indexes WHERE schemaname = 'public' \
         AND tablename NOT LIKE '_sqlx%' \
         AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))",
    )
    .await
    .into_iter()
    .collect();
    let mut triggers: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (table, event) in strings(
        app,
        "SELECT event_object_table::text, event_manipulation::text \
         FROM information_schema.triggers WHERE trigger_schema = 'public'",
    )
    .await
    {
        triggers.entry(table).or_default().insert(event);
    }
    Schema {
        columns,
        indexes,
        triggers,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL (MCP_REGISTRY_TEST_POSTGRES_URL); scripts/test runs it when that is set"]
async fn migrations_define_the_same_schema_on_sqlite_and_postgres() {
    testkit::app::postgres_url();
    let sqlite = TestApp::start(Backend::Sqlite, Options::default()).await;
    let postgres = TestApp::start(Backend::Postgres, Options::default()).await;
    let (s, p) = (
        sqlite_schema(&sqlite).await,
        postgres_schema(&postgres).await,
    );
    assert!(!s.columns.is_empty(), "no tables read from SQLite");
    assert_eq!(
        s.columns.keys().collect::<Vec<_>>(),
        p.columns.keys().collect::<Vec<_>>(),
        "tables"
    );
    for (table, cols) in &s.columns {
        assert_eq!(
            cols, &p.columns[table],
            "columns of {table} (SQLite, PostgreSQL)"
        );
    }
    assert_eq!(s.indexes, p.indexes, "indexes (name → table)");
    assert_eq!(s.triggers, p.triggers, "trigger events per table");
    sqlite.stop().await;
    postgres.stop().await;
}
