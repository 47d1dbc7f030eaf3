//! `/`: the search box, counts by trust level, recently signed releases.

use leptos::prelude::*;
use protocol::log::LogRecord;
use protocol::trust::TrustLevel;

use crate::layout::{badge, document, levels_best_first, server_href, version_href};
use crate::{LOG_PAGE_ENTRIES, SearchQuery, SiteData, SiteError};

/// Recent releases shown.
const RECENT: usize = 8;
/// Most trusted and popular servers shown.
const TOP: u32 = 6;

pub(crate) async fn render<D: SiteData>(data: &D) -> Result<String, SiteError> {
    let browse = data
        .search(&SearchQuery {
            limit: TOP,
            ..SearchQuery::default()
        })
        .await?;
    let log = data.log(LOG_PAGE_ENTRIES).await?;
    let recent: Vec<(String, String, i64)> = log
        .entries
        .iter()
        .filter(|e| e.kind == "release")
        .filter_map(|e| match LogRecord::parse(e.record.as_bytes()) {
            Ok(LogRecord::Release {
                name,
                version,
                time_ms,
                ..
            }) => Some((name, version, time_ms)),
            _ => None,
        })
        .take(RECENT)
        .collect();
    let counts: Vec<(TrustLevel, u64)> = levels_best_first()
        .filter_map(|l| {
            browse
                .facets
                .trust
                .iter()
                .find(|f| f.value == l.as_str())
                .map(|f| (l, f.count))
        })
        .collect();

    let main = view! {
        <section class="hero" aria-labelledby="hero-title">
            <h1 id="hero-title">"Find MCP servers you can trust"</h1>
            <p class="lede">"Every release here says who signed it, whether that key is proven for the server's name, what its tools say, and where it sits in a public transparency log."</p>
            <form class="big-search" role="search" action="/search" method="get">
                <label for="home-q">"Search servers by name, package or purpose"</label>
                <div class="row">
                    <input id="home-q" type="search" name="q" placeholder="e.g. github, postgres, @scope/pkg" />
                    <button type="submit">"Search"</button>
                </div>
            </form>
        </section>
        <section aria-labelledby="levels-title">
            <h2 id="levels-title">"Servers by trust level"</h2>
            <ul class="level-counts">
                {counts
                    .into_iter()
                    .map(|(level, count)| {
                        let href = format!("/search?trust={}", level.as_str());
                        view! {
                            <li>
                                <a href=href>{badge(level)}<span class="count">{count.to_string()}</span></a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <p class="muted">
                {format!(
                    "{} servers; {} entries in the transparency log.",
                    browse.total, log.tree_size,
                )}
                " " <a href="/docs/trust-levels">"What the levels mean"</a>
            </p>
        </section>
        <section aria-labelledby="recent-title">
            <h2 id="recent-title">"Recently signed releases"</h2>
            {if recent.is_empty() {
                view! { <p class="muted">"No signed releases yet. " <a href="/docs/publish">"Publish one with mcp-sign"</a></p> }.into_any()
            } else {
                view! {
                    <ul class="recent">
                        {recent
                            .into_iter()
                            .map(|(name, version, time_ms)| {
                                let day = day_of(time_ms);
                                let vhref = version_href(&name, &version);
                                let shref = server_href(&name);
                                view! {
                                    <li>
                                        <a href=shref>{name}</a>
                                        " " <a class="version" href=vhref>{version}</a>
                                        " " <span class="muted">{day}</span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
        <section aria-labelledby="top-title">
            <h2 id="top-title">"Most trusted and popular"</h2>
            <ol class="cards">{browse.hits.iter().map(crate::pages::search::card).collect_view()}</ol>
            <p><a href="/search">"Browse all servers"</a></p>
        </section>
    }
    .into_any();
    Ok(document("Home", main))
}

/// `YYYY-MM-DD` of a Unix time in milliseconds (UTC), without a date library.
pub(crate) fn day_of(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn days() {
        assert_eq!(super::day_of(0), "1970-01-01");
        assert_eq!(super::day_of(1_764_028_800_000), "2025-11-25");
    }
}
