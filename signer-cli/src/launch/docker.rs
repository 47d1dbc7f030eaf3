//! `docker run` and `podman run`: the image, and what weakens the container's isolation.

use super::{Launch, Source};

/// `docker run` options that take a value.
const DOCKER_VALUE_OPTIONS: &[&str] = &[
    "-e",
    "--env",
    "-v",
    "--volume",
    "--name",
    "--network",
    "--net",
    "--entrypoint",
    "-p",
    "--publish",
    "--mount",
    "--env-file",
    "-w",
    "--workdir",
    "-u",
    "--user",
    "--platform",
    "--pull",
    "-m",
    "--memory",
    "--cpus",
    "--label",
    "-l",
    "--add-host",
    "--cap-add",
    "--cap-drop",
    "--security-opt",
    "--hostname",
    "-h",
    "--device",
    "--tmpfs",
    "--ulimit",
    "--log-driver",
    "--restart",
    "--pid",
    "--ipc",
    "--userns",
    "--runtime",
    "--gpus",
];

pub(super) fn oci(launcher: &str, args: &[String]) -> Option<Launch> {
    let mut weak: Vec<String> = Vec::new();
    let mut image: Option<String> = None;
    let mut iter = args.iter();
    while let Some(a) = iter.next() {
        let (opt, inline) = match a.split_once('=') {
            Some((k, v)) if k.starts_with('-') => (k.to_owned(), Some(v.to_owned())),
            _ => (a.clone(), None),
        };
        if !opt.starts_with('-') {
            image = Some(a.clone());
            break;
        }
        if opt == "--privileged" {
            weak.push("--privileged".into());
            continue;
        }
        if DOCKER_VALUE_OPTIONS.contains(&opt.as_str()) {
            let value = match inline {
                Some(v) => v,
                None => iter.next().cloned().unwrap_or_default(),
            };
            match opt.as_str() {
                "--network" | "--net" | "--pid" | "--ipc" | "--userns" if value == "host" => {
                    weak.push(format!("{opt} host"));
                }
                "--cap-add"
                    if matches!(value.to_ascii_uppercase().as_str(), "ALL" | "SYS_ADMIN") =>
                {
                    weak.push(format!("--cap-add {value}"));
                }
                "--security-opt" if value.contains("unconfined") => {
                    weak.push(format!("--security-opt {value}"));
                }
                "-v" | "--volume" | "--mount" => {
                    let source = if opt == "--mount" {
                        value
                            .split(',')
                            .find_map(|kv| {
                                kv.strip_prefix("source=")
                                    .or_else(|| kv.strip_prefix("src="))
                            })
                            .unwrap_or_default()
                            .to_owned()
                    } else {
                        value.split(':').next().unwrap_or_default().to_owned()
                    };
                    if sensitive_mount(&source) {
                        weak.push(format!("mounts {source}"));
                    }
                }
                _ => {}
            }
        }
    }
    let image = image?;
    // Split as the registry splits image references (a colon before the last `/` is a port).
    let parts = protocol::oci_tag::split_reference(&image);
    let (name, tag, digest) = (
        parts.name.to_owned(),
        parts.tag.map(str::to_owned),
        parts.digest.map(str::to_owned),
    );
    Some(Launch {
        launcher: launcher.to_owned(),
        source: Source::Oci {
            image: name,
            tag,
            digest,
        },
        container: Some(weak),
        refresh: false,
    })
}

/// Host folders whose mounting gives a container the user's secrets or the machine.
fn sensitive_mount(source: &str) -> bool {
    let s = source.trim_end_matches('/');
    (s.is_empty() && source.starts_with('/'))
        || s == "~"
        || s == "$HOME"
        || s == "${HOME}"
        || s.contains(".ssh")
        || s.contains(".aws")
        || s.contains(".config")
        || s.contains("docker.sock")
        || s == "/etc"
        || s == "/home"
        || s == "/Users"
        || s.eq_ignore_ascii_case("c:\\")
}
