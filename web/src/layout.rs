//! The page shell and the small pieces every page uses.

use leptos::prelude::*;
use protocol::trust::TrustLevel;

/// Bumped with the assets so browsers drop their cached copies.
const ASSET_VERSION: &str = env!("CARGO_PKG_VERSION");

/// A whole HTML document: header with the search box, `main`, footer. Leptos escapes every
/// text node and attribute value rendered here.
pub(crate) fn document(title: &str, main: AnyView) -> String {
    let css = format!("/static/site.css?v={ASSET_VERSION}");
    let js = format!("/static/site.js?v={ASSET_VERSION}");
    let title = format!("{title} · MCP Trust Registry");
    let view = view! {
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <title>{title}</title>
                <link rel="stylesheet" href=css />
                <script src=js defer=true></script>
            </head>
            <body>
                <a class="skip" href="#main">"Skip to content"</a>
                <header class="site-header">
                    <a class="brand" href="/">"MCP Trust Registry"</a>
                    <nav aria-label="Main">
                        <ul>
                            <li><a href="/search">"Servers"</a></li>
                            <li><a href="/log">"Log"</a></li>
                            <li><a href="/docs">"Docs"</a></li>
                        </ul>
                    </nav>
                    <form class="top-search" role="search" action="/search" method="get">
                        <label for="top-q" class="visually-hidden">"Search servers"</label>
                        <input id="top-q" type="search" name="q" placeholder="Search servers" />
                        <button type="submit">"Search"</button>
                    </form>
                    <button type="button" class="theme-toggle" id="theme-toggle" hidden=true>
                        "Theme"
                    </button>
                </header>
                <main id="main">{main}</main>
                <footer class="site-footer">
                    <p>
                        "Every signed release is in the "
                        <a href="/log">"transparency log"</a>
                        ". API: "
                        <a href="/openapi.json">"OpenAPI"</a>
                        " · "
                        <a href="/docs/trust-levels">"What the trust levels mean"</a>
                    </p>
                </footer>
            </body>
        </html>
    };
    let mut out = String::from("<!DOCTYPE html>");
    out.push_str(&view.to_html());
    out
}

/// A trust badge: the level in words (never colour alone) with its class for colour.
pub(crate) fn badge(level: TrustLevel) -> AnyView {
    let class = format!("badge badge-{}", level.as_str());
    view! { <span class=class>{badge_icon(level)}" "{level.as_str()}</span> }.into_any()
}

fn badge_icon(level: TrustLevel) -> &'static str {
    match level {
        TrustLevel::Official => "★",
        TrustLevel::Verified => "✔",
        TrustLevel::Signed => "✓",
        TrustLevel::Attested => "◐",
        TrustLevel::Listed => "○",
        TrustLevel::Unknown => "?",
        TrustLevel::Yanked | TrustLevel::Revoked | TrustLevel::Malicious => "✕",
    }
}

/// What each trust level means, for people. Exhaustive over [`TrustLevel`], so a new level
/// cannot ship without its explanation.
pub(crate) fn level_meaning(level: TrustLevel) -> &'static str {
    match level {
        TrustLevel::Official => {
            "Verified, and the publisher is vetted by the registry's operators (a signed, \
             logged statement)."
        }
        TrustLevel::Verified => {
            "Signed, the registry itself confirmed every artifact digest against the package \
             registry, and the scanner found nothing of high severity in the tool descriptions."
        }
        TrustLevel::Signed => {
            "The release manifest is signed by a key proven for the server's namespace (through \
             its GitHub repository or its domain), and the release is in the transparency log."
        }
        TrustLevel::Attested => {
            "Listed, and every package carries Sigstore build provenance (npm SLSA provenance, \
             PyPI PEP 740 attestations) that the registry checked: it was built by CI from the \
             server's own repository, at the commit and by the workflow its reasons name. No \
             maintainer's key vouches for the release itself."
        }
        TrustLevel::Listed => {
            "Known to the registry (seed data, crawler or an upstream registry) but without a \
             valid signed release: nobody vouches for what you would install."
        }
        TrustLevel::Unknown => "The registry has never seen it.",
        TrustLevel::Yanked => "Withdrawn by its maintainer; do not install it.",
        TrustLevel::Revoked => {
            "Signed by a key that has since been revoked; the signature no longer vouches for it."
        }
        TrustLevel::Malicious => "Flagged as malicious by the registry's operators.",
    }
}

/// Levels from most to least trusted, the order people read them in.
pub(crate) fn levels_best_first() -> impl Iterator<Item = TrustLevel> {
    TrustLevel::ALL.into_iter().rev()
}

/// The date part of an RFC 3339 time, inside `<time>`.
pub(crate) fn date(rfc3339: &str) -> AnyView {
    let day: String = rfc3339.chars().take(10).collect();
    let full = rfc3339.to_string();
    view! { <time datetime=full>{day}</time> }.into_any()
}

/// Percent-encodes a path segment; `/` is kept when `keep_slash` (server names).
pub(crate) fn encode_path(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            b'/' if keep_slash => out.push('/'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The server page's URL.
pub(crate) fn server_href(name: &str) -> String {
    format!("/servers/{}", encode_path(name, true))
}

/// A version's page URL.
pub(crate) fn version_href(name: &str, version: &str) -> String {
    format!(
        "/servers/{}/versions/{}",
        encode_path(name, true),
        encode_path(version, false)
    )
}

/// The namespace page's URL.
pub(crate) fn namespace_href(ns: &str) -> String {
    format!("/namespaces/{}", encode_path(ns, false))
}

/// The namespace of a server name (before the `/`).
pub(crate) fn namespace_of(name: &str) -> &str {
    name.split_once('/').map_or(name, |(ns, _)| ns)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_encoded() {
        assert_eq!(
            server_href("io.github.a/b c"),
            "/servers/io.github.a/b%20c".to_string()
        );
        assert_eq!(
            version_href("a.b/c", "1.0.0+x/y"),
            "/servers/a.b/c/versions/1.0.0%2Bx%2Fy"
        );
        assert_eq!(namespace_of("io.github.a/b"), "io.github.a");
    }

    #[test]
    fn text_is_escaped_by_the_shell() {
        let html = document(
            "<script>alert(1)</script>",
            view! { <p>{"<img src=x onerror=alert(1)>"}</p> }.into_any(),
        );
        assert!(
            html.starts_with("<!DOCTYPE html><html lang=\"en\">"),
            "{html}"
        );
        assert!(!html.contains("<script>alert"), "{html}");
        assert!(!html.contains("<img src=x"), "{html}");
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{html}"
        );
    }
}
