//! `npx`, `bunx`, `pnpm dlx`, `npm exec`, ...: the npm package (or git URL) they run.

use super::{Launch, Source};

pub(super) fn npm(launcher: &str, args: &[String]) -> Option<Launch> {
    let mut package: Option<String> = None;
    let mut positional: Option<String> = None;
    let mut iter = args.iter();
    while let Some(a) = iter.next() {
        if a == "--" {
            positional = positional.or_else(|| iter.next().cloned());
            break;
        }
        if let Some(v) = a.strip_prefix("--package=") {
            package = Some(v.to_owned());
        } else if a == "-p" || a == "--package" {
            package = iter.next().cloned();
        } else if a == "-c" || a == "--call" {
            iter.next();
        } else if a.starts_with('-') {
            // -y, --yes, --quiet, --prefer-offline, ...: flags without values.
        } else {
            positional = Some(a.clone());
            break;
        }
    }
    let spec = package.or(positional)?;
    Some(Launch {
        launcher: launcher.to_owned(),
        refresh: spec.ends_with("@latest"),
        source: npm_source(&spec),
        container: None,
    })
}

fn npm_source(spec: &str) -> Source {
    let lower = spec.to_ascii_lowercase();
    if lower.starts_with("git+")
        || lower.starts_with("github:")
        || lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("file:")
        || spec.starts_with(['.', '/', '~'])
        || (!spec.starts_with('@') && spec.contains('/'))
    {
        let pinned = spec
            .rsplit('#')
            .next()
            .is_some_and(|r| r.len() == 40 && r.chars().all(|c| c.is_ascii_hexdigit()));
        return Source::Url {
            url: spec.to_owned(),
            pinned,
        };
    }
    let split_at = if let Some(rest) = spec.strip_prefix('@') {
        rest.find('@').map(|i| i + 1)
    } else {
        spec.find('@')
    };
    match split_at {
        Some(i) => Source::Npm {
            name: spec.get(..i).unwrap_or(spec).to_owned(),
            spec: spec
                .get(i + 1..)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
        },
        None => Source::Npm {
            name: spec.to_owned(),
            spec: None,
        },
    }
}
