//! `/servers/{name}` and `/servers/{name}/versions/{version}`: the trust verdict in words,
//! pinned install snippets, tools with scanner findings, declared capabilities and secrets,
//! the signature, the key and its proof, the log index, and every version.

use leptos::prelude::*;
use protocol::api::{KeyInfo, ProofKind, ReleaseInfo, ServerDetail, VerifyResponse};
use protocol::manifest::release::{FilesystemAccess, ReleaseExtension};
use protocol::scan::Finding;
use serde_json::Value;

use crate::install::snippets;
use crate::layout::{badge, date, document, namespace_href, version_href};
use crate::{SiteData, SiteError};

pub(crate) async fn render<D: SiteData>(
    data: &D,
    name: &str,
    version: Option<&str>,
) -> Result<String, SiteError> {
    let not_found = || {
        SiteError::NotFound(format!(
            "No server is named {name:?}. Names look like io.github.owner/server; search for it instead."
        ))
    };
    let detail = data.server(name).await?.ok_or_else(not_found)?;
    let version = match version.or(detail.latest_version.as_deref()) {
        Some(v) => v.to_string(),
        None => return Err(not_found()),
    };
    let Some(info) = detail.versions.iter().find(|v| v.version == version) else {
        return Err(SiteError::NotFound(format!(
            "{name} has no version {version:?}; its versions are listed on its page."
        )));
    };
    let release = data.release(&detail.name, &version).await?;
    let manifest: Value = release
        .manifest
        .as_deref()
        .and_then(|m| serde_json::from_str(m).ok())
        .unwrap_or(Value::Null);
    let ext = ReleaseExtension::of(&manifest);

    let title = format!("{}@{}", detail.name, version);
    let main = view! {
        {header(&detail, info)}
        {trust(&release, info)}
        {install(&manifest)}
        {tools(&release, ext.as_ref())}
        {capabilities(&manifest, ext.as_ref())}
        {build_provenance(&release)}
        {provenance(&release, info)}
        {versions(&detail, &version)}
    }
    .into_any();
    Ok(document(&title, main))
}

/// Only web URLs become links; anything else (a `javascript:` URL in a manifest) is text.
fn safe_href(url: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")).then(|| url.to_string())
}

fn header(detail: &ServerDetail, info: &ReleaseInfo) -> AnyView {
    let ns = detail.namespace.clone();
    let ns_href = namespace_href(&ns);
    let repo = detail
        .repository_url
        .clone()
        .map(|url| match safe_href(&url) {
            Some(href) => view! { <a href=href rel="nofollow noopener">{url}</a> }.into_any(),
            None => view! { <span>{url}</span> }.into_any(),
        });
    let status = if info.yanked {
        "yanked"
    } else if info.is_latest {
        "latest"
    } else {
        "older version"
    };
    let status = if info.deprecated && !info.yanked {
        format!("{status}, deprecated")
    } else {
        status.to_string()
    };
    view! {
        <div class="server-head">
            <p class="crumbs"><a href=ns_href>{ns}</a></p>
            <h1 class="server-name">{detail.name.clone()}</h1>
            <p class="meta">
                <span class="version">{format!("v{}", info.version)}</span>
                " · " {status}
                " · published " {date(&info.published_at)}
            </p>
            {detail.description.clone().map(|d| view! { <p class="desc">{d}</p> })}
            {repo.map(|r| view! { <p class="meta">"Repository: " {r}</p> })}
        </div>
    }
    .into_any()
}

fn trust(release: &VerifyResponse, info: &ReleaseInfo) -> AnyView {
    let verdict = &release.verdict;
    let yank = info
        .yank_reason
        .clone()
        .map(|r| view! { <p>"Yanked: " {r}</p> });
    let deprecation = info.deprecated.then(|| {
        let message = info
            .deprecation_message
            .clone()
            .unwrap_or_else(|| "no message given".to_string());
        view! { <p>"Deprecated by the maintainer: " {message}</p> }
    });
    view! {
        <section class="panel" aria-labelledby="trust-title">
            <h2 id="trust-title">"Trust"</h2>
            <p class="verdict">{crate::layout::badge(verdict.level)}" "{crate::layout::level_meaning(verdict.level)}</p>
            <ul class="reasons">
                {verdict.reasons.iter().map(|r| {
                    let code = r.code_str();
                    let message = r.message.clone();
                    view! { <li><span class="code">{code}</span>" "{message}</li> }
                }).collect_view()}
            </ul>
            {yank}
            {deprecation}
        </section>
    }
    .into_any()
}

/// `Reason::code` as its wire name.
trait CodeStr {
    fn code_str(&self) -> String;
}

impl CodeStr for protocol::trust::Reason {
    fn code_str(&self) -> String {
        serde_json::to_value(self.code)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }
}

fn install(manifest: &Value) -> AnyView {
    let list = snippets(manifest);
    view! {
        <section class="panel" aria-labelledby="install-title">
            <h2 id="install-title">"Install this exact release"</h2>
            {if list.is_empty() {
                view! { <p class="muted">"This release names no package or remote."</p> }.into_any()
            } else {
                list.into_iter().map(|s| {
                    let pinned = if s.digest_pinned { "pinned by digest" } else { "pinned by version" };
                    view! {
                        <div class="snippet">
                            <h3>{s.kind}" " <span class="muted">{s.identifier}</span> " " <span class="tag">{pinned}</span></h3>
                            <pre><code>{s.command}</code></pre>
                            {s.note.map(|n| view! { <p class="muted">{n}</p> })}
                        </div>
                    }
                }).collect_view().into_any()
            }}
        </section>
    }
    .into_any()
}

fn finding_view(f: &Finding) -> AnyView {
    let class = format!("finding sev-{}", f.severity.as_str());
    let severity = f.severity.as_str();
    let message = f.message.clone();
    let excerpt = f.excerpt.clone();
    let decoded = f.decoded.clone();
    let path = f.path.clone();
    view! {
        <li class=class>
            <strong>{severity}</strong>": " {message}
            <br /><span class="muted">"at " <code>{path}</code> ": "</span> <code>{excerpt}</code>
            {decoded.map(|d| view! { <br /><span>"hidden text: "</span><code>{d}</code> })}
        </li>
    }
    .into_any()
}

/// Warnings and high-severity findings in full; informational ones folded away.
fn findings_list(title: &'static str, findings: &[&Finding]) -> Option<AnyView> {
    if findings.is_empty() {
        return None;
    }
    let (serious, info): (Vec<&Finding>, Vec<&Finding>) = findings
        .iter()
        .partition(|f| f.severity > protocol::scan::Severity::Info);
    let info_count = info.len();
    Some(
        view! {
            {(!serious.is_empty()).then(|| view! {
                <p class="findings-title">{title}":"</p>
                <ul class="findings">{serious.iter().map(|f| finding_view(f)).collect_view()}</ul>
            })}
            {(info_count > 0).then(|| view! {
                <details class="info-findings">
                    <summary>{format!("{info_count} informational scanner note{}", if info_count == 1 { "" } else { "s" })}</summary>
                    <ul class="findings">{info.iter().map(|f| finding_view(f)).collect_view()}</ul>
                </details>
            })}
        }
        .into_any(),
    )
}

fn tools(release: &VerifyResponse, ext: Option<&ReleaseExtension>) -> AnyView {
    let findings: &[Finding] = release.scan.as_ref().map_or(&[], |s| &s.findings);
    let server_findings: Vec<&Finding> = findings.iter().filter(|f| f.tool.is_none()).collect();
    let tools = ext.map(|e| e.tools.clone()).unwrap_or_default();
    let diff = release.tools_diff.as_ref().map(|d| {
        format!(
            "Since {}: {} added, {} removed, {} changed.",
            d.previous_version,
            d.added.len(),
            d.removed.len(),
            d.changed.len()
        )
    });
    view! {
        <section class="panel" aria-labelledby="tools-title">
            <h2 id="tools-title">"Tools"</h2>
            {diff.map(|d| view! { <p>{d}</p> })}
            {findings_list("Scanner findings in the server's metadata", &server_findings)}
            {if tools.is_empty() {
                view! { <p class="muted">"This release declares no tools in a signed release extension."</p> }.into_any()
            } else {
                view! {
                    <ul class="tools">
                        {tools.into_iter().map(|t| {
                            let mine: Vec<&Finding> = findings.iter().filter(|f| f.tool.as_deref() == Some(t.name.as_str())).collect();
                            let hints = t.annotations.as_ref().map(|a| {
                                let mut h = Vec::new();
                                if a.destructive_hint == Some(true) { h.push("destructive"); }
                                if a.read_only_hint == Some(true) { h.push("read-only"); }
                                if a.open_world_hint == Some(true) { h.push("open world"); }
                                h
                            }).unwrap_or_default();
                            let fingerprint = t.fingerprint.to_string();
                            view! {
                                <li class="tool">
                                    <h3><code>{t.name.clone()}</code>
                                        {hints.into_iter().map(|h| view! { " " <span class="tag">{h}</span> }).collect_view()}
                                    </h3>
                                    {t.description.clone().map(|d| view! { <p class="tool-desc">{d}</p> })}
                                    {findings_list("Scanner findings", &mine)}
                                    <p class="muted small">"Fingerprint " <code>{fingerprint}</code></p>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}

fn capabilities(manifest: &Value, ext: Option<&ReleaseExtension>) -> AnyView {
    let caps = ext.and_then(|e| e.capabilities);
    let mut secrets: Vec<(String, String)> = ext
        .map(|e| {
            e.secrets
                .iter()
                .map(|s| (s.name.clone(), s.description.clone().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    // Inputs server.json marks `isSecret` count too, signed extension or not.
    for p in protocol::manifest::packages(manifest) {
        for env in p
            .get("environmentVariables")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if env.get("isSecret").and_then(Value::as_bool) == Some(true)
                && let Some(n) = env.get("name").and_then(Value::as_str)
                && !secrets.iter().any(|(s, _)| s == n)
            {
                let d = env
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                secrets.push((n.to_string(), d.to_string()));
            }
        }
    }
    let oauth = ext.and_then(|e| e.oauth);
    view! {
        <section class="panel" aria-labelledby="caps-title">
            <h2 id="caps-title">"What it can do"</h2>
            {match caps {
                Some(c) => {
                    let fs = match c.filesystem {
                        FilesystemAccess::None => "none",
                        FilesystemAccess::Read => "read",
                        FilesystemAccess::Write => "read and write",
                    };
                    view! {
                        <dl class="caps">
                            <dt>"Files"</dt><dd>{fs}</dd>
                            <dt>"Network"</dt><dd>{if c.network { "yes" } else { "no" }}</dd>
                            <dt>"Starts processes"</dt><dd>{if c.exec { "yes" } else { "no" }}</dd>
                        </dl>
                    }.into_any()
                }
                None => view! { <p class="muted">"No capabilities declared: assume it can do anything you can."</p> }.into_any(),
            }}
            <h3>"Secrets it asks for"</h3>
            {if secrets.is_empty() {
                view! { <p class="muted">"None declared."</p> }.into_any()
            } else {
                view! {
                    <ul>{secrets.into_iter().map(|(n, d)| view! { <li><code>{n}</code>" "{d}</li> }).collect_view()}</ul>
                }.into_any()
            }}
            {oauth.map(|o| view! { <p>{if o { "Supports OAuth instead of static secrets." } else { "No OAuth support." }}</p> })}
        </section>
    }
    .into_any()
}

fn key_view(key: &KeyInfo) -> AnyView {
    let proof = match key.proof.kind {
        ProofKind::Github => format!(
            "proven by the key file in GitHub repository {}",
            key.proof.repository.clone().unwrap_or_default()
        ),
        ProofKind::Domain => format!(
            "proven by the key file on domain {}",
            key.proof.domain.clone().unwrap_or_default()
        ),
    };
    let proof_url = key.proof.url.clone();
    let link = safe_href(&proof_url)
        .map(|href| view! { " (" <a href=href rel="nofollow noopener">"proof"</a> ")" });
    let revoked = key.revoked_at.clone().map(|at| {
        let reason = key.revoke_reason.clone().unwrap_or_default();
        view! { <dd class="bad">"Revoked " {date(&at)} " " {reason}</dd> }
    });
    view! {
        <dt>"Key"</dt>
        <dd><code>{key.key_id.clone()}</code>" for " {key.namespace.clone()} ", " {proof} {link} ", registered " {date(&key.registered_at)}</dd>
        {revoked}
    }
    .into_any()
}

fn provenance(release: &VerifyResponse, info: &ReleaseInfo) -> AnyView {
    let log_index = release
        .log
        .as_ref()
        .and_then(|l| l.release.as_ref().map(|e| (e.index, l.tree_size)));
    let sha = release.manifest_sha256.clone();
    let signature = release.signature.clone();
    let origin = info.origin.as_str();
    view! {
        <section class="panel" aria-labelledby="prov-title">
            <h2 id="prov-title">"Signature and log"</h2>
            <dl class="prov">
                <dt>"Origin"</dt><dd>{origin}</dd>
                {sha.map(|s| view! { <dt>"Manifest SHA-256"</dt><dd><code class="wrap">{s}</code></dd> })}
                {release.key.as_ref().map(key_view)}
                {match log_index {
                    Some((index, size)) => view! {
                        <dt>"Transparency log"</dt>
                        <dd>{format!("entry {index} of {size}")} " · " <a href="/log">"the log"</a></dd>
                    }.into_any(),
                    None => view! { <dt>"Transparency log"</dt><dd class="muted">"not in the log (unsigned)"</dd> }.into_any(),
                }}
            </dl>
            {signature.map(|s| view! {
                <details>
                    <summary>"Minisign signature"</summary>
                    <pre><code>{s}</code></pre>
                </details>
            })}
            <p class="muted small">"Check it yourself: " <code>{format!("mcp-sign check {}@{}", info.name, info.version)}</code></p>
        </section>
    }
    .into_any()
}

/// The registry's check of the packages' Sigstore build provenance (the `attested` level): who
/// built each package, from which commit, and the Rekor entry that proves it.
fn build_provenance(release: &VerifyResponse) -> Option<AnyView> {
    let facts = release.provenance.as_ref()?;
    let packages = facts
        .attested
        .iter()
        .map(|p| {
            let commit_url = safe_href(&format!("https://{}/commit/{}", p.repository, p.commit));
            let short = p.commit.chars().take(12).collect::<String>();
            view! {
                <li>
                    <code>{p.package.clone()}</code>
                    " built from " <code>{p.repository.clone()}</code>
                    " at "
                    {match commit_url {
                        Some(href) => view! { <a href=href rel="nofollow"><code>{short}</code></a> }.into_any(),
                        None => view! { <code>{short}</code> }.into_any(),
                    }}
                    " by " <code>{p.workflow.clone()}</code>
                    <span class="muted small">{format!(" on {} · Rekor entry {}", p.builder, p.rekor_log_index)}</span>
                </li>
            }
        })
        .collect::<Vec<_>>();
    let missing = facts
        .missing
        .iter()
        .map(|r| view! { <li class="muted">{r.message.clone()}</li> })
        .collect::<Vec<_>>();
    let none = packages.is_empty().then(|| {
        view! { <p class="muted">"No package of this release carries verified build provenance."</p> }
    });
    Some(
        view! {
            <section class="panel" aria-labelledby="build-title">
                <h2 id="build-title">"Build provenance"</h2>
                {none}
                <ul class="build-provenance">{packages}{missing}</ul>
                <p class="muted small">"Sigstore attestations from npm and PyPI, verified by the registry against the Sigstore trusted root and the server's own repository; each change is in the transparency log."</p>
            </section>
        }
        .into_any(),
    )
}

fn versions(detail: &ServerDetail, current: &str) -> AnyView {
    let rows = detail
        .versions
        .iter()
        .map(|v| {
            let href = version_href(&detail.name, &v.version);
            let status = if v.yanked {
                "yanked"
            } else if v.is_latest {
                "latest"
            } else {
                ""
            };
            let aria = (v.version == current).then_some("page");
            view! {
                <tr>
                    <td><a href=href aria-current=aria>{v.version.clone()}</a></td>
                    <td>{date(&v.published_at)}</td>
                    <td>{status}</td>
                    <td>{badge(v.trust.level)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="versions-title">
            <h2 id="versions-title">"Versions"</h2>
            <div class="table-wrap">
                <table>
                    <thead><tr><th scope="col">"Version"</th><th scope="col">"Published"</th><th scope="col">"Status"</th><th scope="col">"Trust"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::safe_href;

    #[test]
    fn only_web_urls_become_links() {
        assert_eq!(
            safe_href("https://github.com/a/b").as_deref(),
            Some("https://github.com/a/b")
        );
        assert_eq!(safe_href("HTTP://x.test").as_deref(), Some("HTTP://x.test"));
        assert_eq!(safe_href("javascript:alert(1)"), None);
        assert_eq!(safe_href(" javascript:alert(1)"), None);
        assert_eq!(safe_href("data:text/html,<script>"), None);
    }
}
