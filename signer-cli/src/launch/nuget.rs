//! `dnx`: the NuGet package a .NET tool launch runs.

use super::{Launch, Source};

pub(super) fn nuget(launcher: &str, args: &[String]) -> Option<Launch> {
    let mut package: Option<String> = None;
    let mut version: Option<String> = None;
    let mut iter = args.iter();
    while let Some(a) = iter.next() {
        if a == "--version" {
            version = iter.next().cloned();
        } else if a.starts_with('-') {
        } else if package.is_none() {
            package = Some(a.clone());
        }
    }
    let package = package?;
    let (name, v) = match package.split_once('@') {
        Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
        None => (package, None),
    };
    Some(Launch {
        launcher: launcher.to_owned(),
        source: Source::Nuget {
            name,
            version: version.or(v),
        },
        container: None,
        refresh: false,
    })
}
