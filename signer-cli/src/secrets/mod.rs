//! mcp-sign's secret store: values that client configurations must not hold in plain text
//! (API tokens, passwords), kept in the OS keychain and injected by `mcp-sign run` into the
//! server's environment (`--env NAME=secret:KEY`) or its HTTP headers (`--header`).
//!
//! - [`SecretKey`]: a secret's name (`github.GITHUB_PERSONAL_ACCESS_TOKEN`);
//! - [`Assignment`]: one `NAME=secret:KEY` or `NAME=VALUE` flag;
//! - [`SecretStore`]: the keychain, or a 0600 file where there is none;
//! - [`resolve`]: assignments to the name/value pairs to inject.
//!
//! Values are held in [`Zeroizing`] strings and never appear in `Debug`, logs or errors.

mod assignment;
mod file_store;
mod key;
mod keychain;
mod store;

pub(crate) use self::assignment::{AssignedValue, Assignment};
pub(crate) use self::key::SecretKey;
pub(crate) use self::store::SecretStore;

use anyhow::Result;
use zeroize::Zeroizing;

/// The name/value pairs `assignments` stand for: literals as given, `secret:KEY` from the
/// store (opened only if some assignment needs it). A missing key is an error that says how
/// to add it.
pub(crate) fn resolve(assignments: &[Assignment]) -> Result<Vec<(String, Zeroizing<String>)>> {
    let mut store: Option<SecretStore> = None;
    let mut out = Vec::with_capacity(assignments.len());
    for assignment in assignments {
        let value = match &assignment.value {
            AssignedValue::Literal(v) => Zeroizing::new(v.clone()),
            AssignedValue::Secret(key) => {
                let opened = match store.take() {
                    Some(opened) => opened,
                    None => SecretStore::open()?,
                };
                let value = opened.require(key, &assignment.name);
                store = Some(opened);
                value?
            }
        };
        out.push((assignment.name.clone(), value));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_resolve_without_a_store() {
        let assignments: Vec<Assignment> = ["A=1", "B=x=y"]
            .iter()
            .map(|a| a.parse().unwrap())
            .collect();
        let resolved = resolve(&assignments).unwrap();
        let pairs: Vec<(&str, &str)> = resolved
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        assert_eq!(pairs, [("A", "1"), ("B", "x=y")]);
    }
}
