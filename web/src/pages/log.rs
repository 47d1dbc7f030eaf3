//! `/log`: the latest signed checkpoint and the most recent entries.

use leptos::prelude::*;
use protocol::log::{LogRecord, ReleaseAction};

use crate::layout::{document, server_href};
use crate::{LOG_PAGE_ENTRIES, SiteData, SiteError};

/// What a record is about, in words, and the server it names (for a link).
fn describe(kind: &str, record: &str) -> (String, Option<String>) {
    match LogRecord::parse(record.as_bytes()) {
        Ok(LogRecord::Release {
            name,
            version,
            key_id,
            ..
        }) => (
            format!("release {name}@{version} signed by {key_id}"),
            Some(name),
        ),
        Ok(LogRecord::Key {
            key_id,
            namespace,
            proof_kind,
            ..
        }) => (
            format!("key {key_id} proven for {namespace} ({proof_kind})"),
            None,
        ),
        Ok(LogRecord::KeyRevoke { key_id, .. }) => (format!("key {key_id} revoked"), None),
        Ok(LogRecord::ReleaseStatement {
            action: action @ (ReleaseAction::Yank | ReleaseAction::Unyank),
            name,
            version,
            ..
        }) => (
            format!(
                "{} {name}@{version}",
                if action == ReleaseAction::Yank {
                    "yank"
                } else {
                    "un-yank"
                }
            ),
            Some(name),
        ),
        _ => (kind.to_string(), None),
    }
}

pub(crate) async fn render<D: SiteData>(data: &D) -> Result<String, SiteError> {
    let log = data.log(LOG_PAGE_ENTRIES).await?;
    // A checkpoint's body: origin, tree size, root hash (C2SP tlog-checkpoint).
    let mut lines = log.checkpoint.lines();
    let origin = lines.next().unwrap_or_default().to_string();
    let _size = lines.next();
    let root = lines.next().unwrap_or_default().to_string();
    let size = log.tree_size.to_string();
    let checkpoint = log.checkpoint.clone();
    let entries = log
        .entries
        .iter()
        .map(|e| {
            let (what, server) = describe(&e.kind, &e.record);
            let index = e.index.to_string();
            let kind = e.kind.clone();
            let what = match server {
                Some(name) => {
                    let href = server_href(&name);
                    view! { <a href=href>{what}</a> }.into_any()
                }
                None => view! { <span>{what}</span> }.into_any(),
            };
            view! {
                <tr><td>{index}</td><td>{kind}</td><td>{what}</td></tr>
            }
        })
        .collect_view();
    let main = view! {
        <h1>"Transparency log"</h1>
        <p class="lede">"Every release, key, revocation and yank is a leaf in an append-only Merkle log (RFC 6962), served as C2SP tlog-tiles so witnesses and monitors can check that the registry never rewrites history."</p>
        <section class="panel" aria-labelledby="cp-title">
            <h2 id="cp-title">"Latest checkpoint"</h2>
            <dl class="prov">
                <dt>"Origin"</dt><dd><code>{origin}</code></dd>
                <dt>"Tree size"</dt><dd>{size}</dd>
                <dt>"Root hash"</dt><dd><code class="wrap">{root}</code></dd>
            </dl>
            <details>
                <summary>"Signed note"</summary>
                <pre><code>{checkpoint}</code></pre>
            </details>
            <p class="muted small">"Raw: " <a href="/log/checkpoint">"/log/checkpoint"</a> " · key: " <a href="/log/key">"/log/key"</a></p>
        </section>
        <section class="panel" aria-labelledby="entries-title">
            <h2 id="entries-title">"Recent entries"</h2>
            <div class="table-wrap">
                <table>
                    <thead><tr><th scope="col">"Index"</th><th scope="col">"Kind"</th><th scope="col">"What"</th></tr></thead>
                    <tbody>{entries}</tbody>
                </table>
            </div>
        </section>
    }
    .into_any();
    Ok(document("Transparency log", main))
}
