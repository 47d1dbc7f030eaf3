//! How command lines resolve, one launcher at a time.

use super::resolve::shell_words;
use super::*;

fn r(line: &str) -> Launch {
    let words = shell_words(line);
    resolve(&words[0], &words[1..])
}

#[test]
fn npx_specs() {
    let l = r("npx -y @modelcontextprotocol/server-github");
    assert_eq!(
        l.source,
        Source::Npm {
            name: "@modelcontextprotocol/server-github".into(),
            spec: None
        }
    );
    assert!(matches!(l.source.pin(), Pin::Floating(_)));
    assert_eq!(
        l.source.package_ref().as_deref(),
        Some("npm:@modelcontextprotocol/server-github")
    );
    let pinned = r("npx -y @scope/pkg@1.2.3 --flag");
    assert_eq!(pinned.source.pin(), Pin::Exact("1.2.3".into()));
    assert_eq!(
        pinned.source.package_ref().as_deref(),
        Some("npm:@scope/pkg@1.2.3")
    );
    assert!(r("npx pkg@latest").refresh);
    assert_eq!(
        r("npx pkg@^1.2").source.pin(),
        Pin::Floating("version range ^1.2".into())
    );
    assert_eq!(
        r("npx --package=@a/b@2.0.0 b-cli").source,
        Source::Npm {
            name: "@a/b".into(),
            spec: Some("2.0.0".into())
        }
    );
    assert!(matches!(
        r("npx github:user/repo").source,
        Source::Url { pinned: false, .. }
    ));
}

#[test]
fn windows_and_shell_wrappers() {
    let l = r("cmd /c npx -y @scope/pkg@1.0.0");
    assert_eq!(
        l.source.package_ref().as_deref(),
        Some("npm:@scope/pkg@1.0.0")
    );
    let l = resolve(
        "bash",
        &["-c".into(), "uvx mcp-server-git==0.6.2 --repo .".into()],
    );
    assert_eq!(
        l.source.package_ref().as_deref(),
        Some("pypi:mcp-server-git==0.6.2")
    );
    let l = resolve(
        "C:\\Program Files\\nodejs\\npx.cmd",
        &["-y".into(), "x".into()],
    );
    assert_eq!(l.launcher, "npx");
}

#[test]
fn uvx_specs() {
    assert_eq!(
        r("uvx mcp-server-fetch").source,
        Source::Pypi {
            name: "mcp-server-fetch".into(),
            spec: None
        }
    );
    assert_eq!(
        r("uvx mcp-server-fetch@0.6.2").source.pin(),
        Pin::Exact("0.6.2".into())
    );
    assert_eq!(
        r("uvx --from mcp-server-git==2025.1.14 mcp-server-git")
            .source
            .pin(),
        Pin::Exact("2025.1.14".into())
    );
    assert!(matches!(
        r("uvx --from 'pkg>=1' pkg").source.pin(),
        Pin::Floating(_)
    ));
    assert!(r("uvx --refresh pkg==1.0").refresh);
    assert!(matches!(
        r("uvx --from git+https://github.com/o/r@main r").source,
        Source::Url { pinned: false, .. }
    ));
    assert_eq!(
        r("pipx run --spec black==24.1.0 black")
            .source
            .package_ref()
            .as_deref(),
        Some("pypi:black==24.1.0")
    );
}

#[test]
fn docker_images_and_isolation() {
    let l =
        r("docker run -i --rm -e GITHUB_PERSONAL_ACCESS_TOKEN ghcr.io/github/github-mcp-server");
    assert_eq!(
        l.source,
        Source::Oci {
            image: "ghcr.io/github/github-mcp-server".into(),
            tag: None,
            digest: None
        }
    );
    assert_eq!(l.container, Some(vec![]));
    assert!(matches!(l.source.pin(), Pin::Floating(_)));
    let l = r("docker run --privileged -v /:/host --network=host img:1.2@sha256:abc");
    assert_eq!(l.source.pin(), Pin::Exact("sha256:abc".into()));
    assert_eq!(
        l.container,
        Some(vec![
            "--privileged".into(),
            "mounts /".into(),
            "--network host".into()
        ])
    );
    let l = r("docker run -v ~/.ssh:/root/.ssh localhost:5000/img:2");
    assert_eq!(
        l.source,
        Source::Oci {
            image: "localhost:5000/img".into(),
            tag: Some("2".into()),
            digest: None
        }
    );
    assert_eq!(l.container, Some(vec!["mounts ~/.ssh".into()]));
}

#[test]
fn local_programs() {
    assert!(matches!(
        r("node /opt/server/index.js").source,
        Source::Local { .. }
    ));
    assert_eq!(
        r("node /opt/server/index.js").source.pin(),
        Pin::NotApplicable
    );
    assert!(matches!(
        r("/usr/local/bin/my-mcp").source,
        Source::Local { .. }
    ));
}

#[test]
fn shell_words_split_like_a_shell() {
    assert_eq!(
        shell_words(r#"a "b c" 'd e' f\ g"#),
        ["a", "b c", "d e", "f g"]
    );
}
