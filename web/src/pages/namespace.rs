//! `/namespaces/{namespace}`: a publisher's servers and the keys proven for it.

use leptos::prelude::*;
use protocol::api::ProofKind;
use serde_json::Value;

use crate::layout::{badge, date, document, namespace_href, server_href};
use crate::{NAMESPACE_PAGE_SIZE, SiteData, SiteError};

pub(crate) async fn render<D: SiteData>(
    data: &D,
    ns: &str,
    after: Option<&str>,
) -> Result<String, SiteError> {
    let listing = data
        .namespace(ns, after, NAMESPACE_PAGE_SIZE)
        .await?
        .ok_or_else(|| {
            SiteError::NotFound(format!(
                "No server or key is registered in namespace {ns:?}."
            ))
        })?;
    let servers = listing
        .servers
        .iter()
        .map(|s| {
            let name = s
                .server
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let version = s
                .server
                .get("version")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let description = s
                .server
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_string);
            let level = s.meta.registry.as_ref().map(|r| r.trust.level);
            let href = server_href(&name);
            view! {
                <li class="card">
                    <div class="card-head">
                        <h3><a href=href>{name}</a></h3>
                        {level.map(badge)}
                    </div>
                    {description.map(|d| view! { <p class="desc">{d}</p> })}
                    <p class="meta">{format!("v{version}")}</p>
                </li>
            }
        })
        .collect_view();
    let keys = listing
        .keys
        .iter()
        .map(|k| {
            let how = match k.proof.kind {
                ProofKind::Github => format!(
                    "GitHub repository {}",
                    k.proof.repository.clone().unwrap_or_default()
                ),
                ProofKind::Domain => {
                    format!("domain {}", k.proof.domain.clone().unwrap_or_default())
                }
            };
            let state = if k.revoked_at.is_some() {
                "revoked"
            } else {
                "live"
            };
            view! {
                <tr>
                    <td><code>{k.key_id.clone()}</code></td>
                    <td>{how}</td>
                    <td>{date(&k.registered_at)}</td>
                    <td>{state}</td>
                </tr>
            }
        })
        .collect_view();
    let count = match (after, &listing.next_after) {
        (None, None) => format!(
            "{} server{}",
            listing.servers.len(),
            if listing.servers.len() == 1 { "" } else { "s" }
        ),
        _ => format!("{} servers on this page", listing.servers.len()),
    };
    let has_keys = !listing.keys.is_empty();
    let base = namespace_href(&listing.namespace);
    let first = after.is_some().then(|| base.clone());
    let next = listing.next_after.as_ref().map(|n| {
        let q: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("after", n)
            .finish();
        format!("{base}?{q}")
    });
    let main = view! {
        <p class="crumbs">"Namespace"</p>
        <h1>{listing.namespace.clone()}</h1>
        <p class="muted">{count}</p>
        <section aria-labelledby="ns-servers">
            <h2 id="ns-servers">"Servers"</h2>
            <ol class="cards">{servers}</ol>
            <nav class="pagination" aria-label="Pages">
                {first.map(|href| view! { <a href=href>"← First page"</a> })}
                {next.map(|href| view! { <a href=href rel="next">"Next page →"</a> })}
            </nav>
        </section>
        <section class="panel" aria-labelledby="ns-keys">
            <h2 id="ns-keys">"Signing keys"</h2>
            {if has_keys {
                view! {
                    <div class="table-wrap"><table>
                        <thead><tr><th scope="col">"Key id"</th><th scope="col">"Proven through"</th><th scope="col">"Registered"</th><th scope="col">"State"</th></tr></thead>
                        <tbody>{keys}</tbody>
                    </table></div>
                }.into_any()
            } else {
                view! { <p class="muted">"No key is registered for this namespace, so none of its releases can be signed."</p> }.into_any()
            }}
        </section>
    }
    .into_any();
    Ok(document(ns, main))
}
