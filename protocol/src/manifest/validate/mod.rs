//! The checker: a walk over the parsed JSON that records every problem it finds.
//!
//! It works on the `serde_json::Value` rather than deserialising into the typed structs, so one
//! run reports every problem with its exact path instead of stopping at serde's first error.
//! Whatever it accepts without an error, the typed structs in [`schema`](super::schema) and
//! [`release`](super::release) accept too.

//!
//! One `impl Checker` block per part of the manifest: `server` (the top level: name, version,
//! description, website, repository), `packages` and `inputs` (package entries, their
//! arguments, environment variables and headers), `remotes`, `icons`, `release` (the
//! `dev.mcp-trust/release` extension), `artifacts` and `tools` within it. `json_reads` holds
//! the typed reads that record a problem when a member has the wrong type, `url_template` the
//! `{variable}` handling of URLs, and `cross_refs` what one part remembers for another.

mod artifacts;
mod cross_refs;
mod icons;
mod inputs;
mod json_reads;
mod packages;
mod release;
mod remotes;
mod server;
mod tools;
mod url_template;

use serde_json::Value;

use self::cross_refs::{NamedInput, PackageInfo};
use crate::manifest::Problem;

/// Check a parsed manifest. The problems come in document order.
pub(crate) fn validate(root: &Value) -> Vec<Problem> {
    let mut c = Checker::default();
    c.server(root);
    c.problems
}

/// The walk's state: the problems found so far, and what later parts are checked against.
#[derive(Debug, Default)]
struct Checker<'a> {
    problems: Vec<Problem>,
    packages: Vec<PackageInfo<'a>>,
    /// Some package could not be read (wrong type, no registryType or identifier), so an
    /// artifact that matches none of the others is not reported again.
    packages_incomplete: bool,
    named_inputs: Vec<NamedInput<'a>>,
}
