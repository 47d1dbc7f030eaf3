//! `/docs/...`: publishing with `mcp-sign`, verifying as a client, and the trust levels (the
//! last generated from `protocol::trust::TrustLevel`, so the page matches the code).

use leptos::prelude::*;

use crate::SiteError;
use crate::layout::{badge, document, level_meaning, levels_best_first};

/// `(slug, title)` of every docs page, in reading order.
const PAGES: &[(&str, &str)] = &[
    ("publish", "Publish a signed release with mcp-sign"),
    ("verify", "Verify a server before you install it"),
    ("trust-levels", "What each trust level means"),
];

pub(crate) fn index() -> String {
    let main = view! {
        <h1>"Documentation"</h1>
        {toc()}
    }
    .into_any();
    document("Docs", main)
}

fn toc() -> AnyView {
    view! {
        <nav aria-label="Docs">
            <ul class="toc">
                {PAGES.iter().map(|(slug, title)| {
                    let href = format!("/docs/{slug}");
                    view! { <li><a href=href>{*title}</a></li> }
                }).collect_view()}
            </ul>
        </nav>
    }
    .into_any()
}

pub(crate) fn render(slug: &str) -> Result<String, SiteError> {
    let Some((_, title)) = PAGES.iter().find(|(s, _)| *s == slug) else {
        return Err(SiteError::NotFound(format!(
            "There is no docs page {slug:?}; the docs index lists them."
        )));
    };
    let body = match slug {
        "publish" => publish(),
        "verify" => verify(),
        _ => trust_levels(),
    };
    let main = view! {
        <article class="docs">
            <h1>{*title}</h1>
            {body}
        </article>
        <aside class="panel">{toc()}</aside>
    }
    .into_any();
    Ok(document(title, main))
}

fn code(text: &'static str) -> AnyView {
    view! { <pre><code>{text}</code></pre> }.into_any()
}

fn publish() -> AnyView {
    view! {
        <p>"Maintainers sign each release's server.json with a minisign-compatible key. The secret key never leaves your machine or CI; the registry needs no API token from you."</p>
        <h2>"1. Make a key, once"</h2>
        {code("mcp-sign keygen                  # mcp-sign.pub and mcp-sign.key (encrypted)")}
        <h2>"2. Prove the key is yours"</h2>
        <p>"For " <code>"io.github.OWNER/NAME"</code> ", commit the public key as " <code>".well-known/mcp-sign.pub"</code> " in the repository your manifest names. For " <code>"com.example/NAME"</code> ", serve it at " <code>"https://example.com/.well-known/mcp-sign.pub"</code> ". Then register it:"</p>
        {code("mcp-sign key register --registry URL --public-key mcp-sign.pub \\\n    --namespace io.github.OWNER --repository OWNER/REPO")}
        <h2>"3. Describe the release"</h2>
        <p>"The release extension records artifact digests, the source commit, the tools with their fingerprints, capabilities and secrets:"</p>
        {code("mcp-sign manifest init --artifact dist/pkg-1.2.3.tgz --tools tools.json --source-commit $(git rev-parse HEAD)\nmcp-sign manifest check server.json")}
        <h2>"4. Sign and publish"</h2>
        {code("mcp-sign publish server.json --secret-key mcp-sign.key --registry URL")}
        <p>"The registry checks the signature and the key's proof, scans the tool descriptions, records the release in the transparency log and prints its verdict. Withdraw a bad release with " <code>"mcp-sign yank"</code> "; revoke a leaked key with " <code>"mcp-sign key revoke"</code> "."</p>
    }
    .into_any()
}

fn verify() -> AnyView {
    view! {
        <p>"Before installing a server, ask the registry for its verdict and check the evidence offline: the maintainer's signature, the key's proof, and an inclusion proof in the registry's signed log."</p>
        {code("mcp-sign check io.github.OWNER/NAME@1.2.3 --registry URL --min-level signed\nmcp-sign check npm:@scope/pkg@1.2.3 --registry URL --artifact pkg-1.2.3.tgz")}
        <p>"It exits 0 when the release passes your minimum level, 1 with the reasons when it does not. Pin the tools you approved, to notice a rug pull later:"</p>
        {code("mcp-sign check io.github.OWNER/NAME@1.2.3 --registry URL --write-pins tools.pins.json\nmcp-sign check io.github.OWNER/NAME --registry URL --pin-tools tools.pins.json")}
        <p>"Monitor the log: " <code>"mcp-sign log verify --registry URL"</code> " downloads and re-verifies it. Over HTTP, " <code>"GET /v1/verify?server=NAME&version=V"</code> " returns the verdict with the manifest, signature, key and log proofs."</p>
    }
    .into_any()
}

fn trust_levels() -> AnyView {
    view! {
        <p>"Levels are ordered; a client policy is a minimum level (" <code>"signed"</code> " by default). Negative states override everything and fail every policy."</p>
        <dl class="levels">
            {levels_best_first().map(|l| view! {
                <dt>{badge(l)}</dt>
                <dd>{level_meaning(l)}</dd>
            }).collect_view()}
        </dl>
    }
    .into_any()
}
