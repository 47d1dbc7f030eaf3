//! `/search`: results with facet filters (trust level, registry type, transport) and
//! cursor pagination. Plain GET forms and links, so it works without JavaScript.

use leptos::prelude::*;
use protocol::api::{FacetCount, SearchHit, SearchResponse};

use crate::layout::{
    badge, document, levels_best_first, namespace_href, namespace_of, server_href,
};
use crate::{SEARCH_PAGE_SIZE, SearchQuery, SiteData, SiteError};

/// Registry types and transports offered as filters even when a result has none of them.
const REGISTRY_TYPES: &[&str] = &["npm", "pypi", "oci", "nuget", "mcpb", "other"];
const TRANSPORTS: &[&str] = &["stdio", "streamable-http", "sse", "other"];

/// Reads `q`, `trust`, `registry_type`, `transport` (repeated or comma-separated) and `cursor`.
pub(crate) fn parse_query(raw: &str) -> SearchQuery {
    let mut q = SearchQuery {
        limit: SEARCH_PAGE_SIZE,
        ..SearchQuery::default()
    };
    for (k, v) in url::form_urlencoded::parse(raw.as_bytes()) {
        let values = || {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        match k.as_ref() {
            "q" => q.q = v.trim().to_string(),
            "trust" => q.trust.extend(values()),
            "registry_type" => q.registry_type.extend(values()),
            "transport" => q.transport.extend(values()),
            "cursor" if !v.is_empty() => q.cursor = Some(v.into_owned()),
            _ => {}
        }
    }
    for list in [&mut q.trust, &mut q.registry_type, &mut q.transport] {
        list.sort();
        list.dedup();
    }
    q
}

/// The query string of `q`, for links (`cursor` replaced).
fn query_string(q: &SearchQuery, cursor: Option<&str>) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    if !q.q.is_empty() {
        s.append_pair("q", &q.q);
    }
    for (k, list) in [
        ("trust", &q.trust),
        ("registry_type", &q.registry_type),
        ("transport", &q.transport),
    ] {
        for v in list {
            s.append_pair(k, v);
        }
    }
    if let Some(c) = cursor {
        s.append_pair("cursor", c);
    }
    s.finish()
}

pub(crate) async fn render<D: SiteData>(data: &D, q: &SearchQuery) -> Result<String, SiteError> {
    let res = data.search(q).await?;
    let title = if q.q.is_empty() {
        "Servers".to_string()
    } else {
        format!("Search: {}", q.q)
    };
    let main = view! {
        <h1>{if q.q.is_empty() { "All servers".to_string() } else { format!("Servers matching “{}”", q.q) }}</h1>
        <div class="search-layout">
            {filters(q, &res)}
            <section class="results" aria-labelledby="results-title">
                <h2 id="results-title" class="visually-hidden">"Results"</h2>
                <p class="muted" role="status">
                    {summary(q, &res)} " " <a class="jump-filters" href="#filters">"· Filters"</a>
                </p>
                <ol class="cards">{res.hits.iter().map(card).collect_view()}</ol>
                {pagination(q, &res)}
            </section>
        </div>
    }
    .into_any();
    Ok(document(&title, main))
}

fn summary(q: &SearchQuery, res: &SearchResponse) -> String {
    let n = res.total;
    let servers = if n == 1 { "server" } else { "servers" };
    let page = if q.cursor.is_some() {
        " (a later page)"
    } else {
        ""
    };
    format!("{n} {servers}{page}")
}

fn filters(q: &SearchQuery, res: &SearchResponse) -> AnyView {
    let trust: Vec<(String, String)> = levels_best_first()
        .map(|l| (l.as_str().to_string(), l.as_str().to_string()))
        .collect();
    let types: Vec<(String, String)> = REGISTRY_TYPES
        .iter()
        .map(|t| (t.to_string(), t.to_string()))
        .collect();
    let transports: Vec<(String, String)> = TRANSPORTS
        .iter()
        .map(|t| (t.to_string(), t.to_string()))
        .collect();
    let query = q.q.clone();
    view! {
        <form class="filters" id="filters" action="/search" method="get" aria-label="Filters">
            <label for="q">"Search"</label>
            <input id="q" type="search" name="q" value=query />
            {facet("trust", "Trust level", &trust, &res.facets.trust, &q.trust)}
            {facet("registry_type", "Package type", &types, &res.facets.registry_type, &q.registry_type)}
            {facet("transport", "Transport", &transports, &res.facets.transport, &q.transport)}
            <button type="submit">"Apply filters"</button>
            <a class="clear" href="/search">"Clear all"</a>
        </form>
    }
    .into_any()
}

fn facet(
    param: &'static str,
    legend: &'static str,
    values: &[(String, String)],
    counts: &[FacetCount],
    selected: &[String],
) -> AnyView {
    let items = values
        .iter()
        .filter_map(|(value, label)| {
            let count = counts.iter().find(|c| &c.value == value).map_or(0, |c| c.count);
            let checked = selected.contains(value);
            // Values with nothing to show stay hidden unless selected.
            if count == 0 && !checked {
                return None;
            }
            let id = format!("f-{param}-{value}");
            let value = value.clone();
            let label = label.clone();
            Some(view! {
                <li>
                    <input type="checkbox" id=id.clone() name=param value=value checked=checked />
                    <label for=id>{label}" "<span class="count">{format!("({count})")}</span></label>
                </li>
            })
        })
        .collect_view();
    view! {
        <fieldset>
            <legend>{legend}</legend>
            <ul class="facet">{items}</ul>
        </fieldset>
    }
    .into_any()
}

pub(crate) fn card(hit: &SearchHit) -> AnyView {
    let href = server_href(&hit.name);
    let ns = namespace_of(&hit.name).to_string();
    let ns_href = namespace_href(&ns);
    // The highlight is the registry's own HTML: every character of the text escaped, the
    // matches wrapped in <mark> (protocol::api::SearchHighlight). Nothing else is raw.
    let name_html = hit.highlight.name.clone();
    let desc_html = hit.highlight.description.clone().unwrap_or_default();
    let title = hit.title.clone();
    let version = format!("v{}", hit.version);
    let tags: Vec<String> = hit
        .registry_types
        .iter()
        .chain(hit.transports.iter())
        .cloned()
        .collect();
    view! {
        <li class="card">
            <div class="card-head">
                <h3><a href=href inner_html=name_html></a></h3>
                {badge(hit.trust)}
            </div>
            {title.map(|t| view! { <p class="card-title">{t}</p> })}
            <p class="desc" inner_html=desc_html></p>
            <p class="meta">
                <span>{version}</span>
                " · " <a href=ns_href>{ns}</a>
                {tags.into_iter().map(|t| view! { " " <span class="tag">{t}</span> }).collect_view()}
            </p>
        </li>
    }
    .into_any()
}

fn pagination(q: &SearchQuery, res: &SearchResponse) -> AnyView {
    let first = q
        .cursor
        .is_some()
        .then(|| format!("/search?{}", query_string(q, None)));
    let next = res
        .metadata
        .next_cursor
        .as_deref()
        .map(|c| format!("/search?{}", query_string(q, Some(c))));
    view! {
        <nav class="pagination" aria-label="Pages">
            {first.map(|href| view! { <a href=href>"← First page"</a> })}
            {next.map(|href| view! { <a href=href rel="next">"Next page →"</a> })}
        </nav>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rebuilds_queries() {
        let q = parse_query("q=a+b&trust=signed&trust=listed,signed&transport=stdio&cursor=xyz");
        assert_eq!(q.q, "a b");
        assert_eq!(q.trust, vec!["listed", "signed"]);
        assert_eq!(q.transport, vec!["stdio"]);
        assert_eq!(q.cursor.as_deref(), Some("xyz"));
        assert_eq!(
            query_string(&q, Some("c&d")),
            "q=a+b&trust=listed&trust=signed&transport=stdio&cursor=c%26d"
        );
    }
}
