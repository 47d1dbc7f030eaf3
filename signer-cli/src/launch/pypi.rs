//! `uvx`, `uv tool run`, `pipx run`: the PyPI package (or git URL) they run.

use super::{Launch, Source};

pub(crate) const UV_VALUE_OPTIONS: &[&str] = &[
    "--from",
    "--with",
    "--with-editable",
    "--with-requirements",
    "--python",
    "-p",
    "--index-url",
    "-i",
    "--extra-index-url",
    "--index",
    "--default-index",
    "--constraint",
    "--spec",
    "--cache-dir",
    "--directory",
];

pub(super) fn pypi(launcher: &str, args: &[String]) -> Option<Launch> {
    let mut from: Option<String> = None;
    let mut command: Option<String> = None;
    let mut refresh = false;
    let mut iter = args.iter();
    while let Some(a) = iter.next() {
        if let Some((k, v)) = a.split_once('=')
            && (k == "--from" || k == "--spec")
        {
            from = Some(v.to_owned());
        } else if a == "--from" || a == "--spec" {
            from = iter.next().cloned();
        } else if UV_VALUE_OPTIONS.contains(&a.as_str()) {
            iter.next();
        } else if a == "--refresh"
            || a == "--upgrade"
            || a == "-U"
            || a.starts_with("--refresh-package")
        {
            refresh = true;
        } else if a.starts_with('-') {
        } else {
            command = Some(a.clone());
            break;
        }
    }
    let spec = from.or(command)?;
    let source = pypi_source(&spec);
    refresh |= spec.ends_with("@latest");
    Some(Launch {
        launcher: launcher.to_owned(),
        source,
        container: None,
        refresh,
    })
}

fn pypi_source(spec: &str) -> Source {
    let lower = spec.to_ascii_lowercase();
    if lower.starts_with("git+") || lower.starts_with("http://") || lower.starts_with("https://") {
        let pinned = spec
            .rsplit('@')
            .next()
            .is_some_and(|r| r.len() == 40 && r.chars().all(|c| c.is_ascii_hexdigit()));
        return Source::Url {
            url: spec.to_owned(),
            pinned,
        };
    }
    if spec.starts_with(['.', '/', '~']) {
        return Source::Local {
            program: spec.to_owned(),
        };
    }
    let cut = spec
        .find(['=', '<', '>', '~', '!', '@', ' '])
        .unwrap_or(spec.len());
    let name_part = spec.get(..cut).unwrap_or(spec);
    // Drop extras: `pkg[extra]`.
    let name = name_part.split('[').next().unwrap_or(name_part).to_owned();
    let rest = spec.get(cut..).unwrap_or_default().trim();
    Source::Pypi {
        name,
        spec: (!rest.is_empty()).then(|| rest.to_owned()),
    }
}
