//! The `packages[]` and `remotes[]` of a server.json as read leniently: what is not an array
//! (or absent) reads as no entries. Validation ([`super::check`]) is where a wrong shape is
//! reported; every reader after it walks the entries through these two.

use serde_json::Value;

/// The entries of `server.packages`, none when absent or not an array.
pub fn packages(server: &Value) -> impl Iterator<Item = &Value> {
    array_entries(server, "packages")
}

/// The entries of `server.remotes`, none when absent or not an array.
pub fn remotes(server: &Value) -> impl Iterator<Item = &Value> {
    array_entries(server, "remotes")
}

fn array_entries<'a>(server: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    server
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn entries_of_arrays_and_nothing_of_anything_else() {
        let server = json!({"packages": [{"a": 1}, {"b": 2}], "remotes": "not a list"});
        assert_eq!(packages(&server).count(), 2);
        assert_eq!(remotes(&server).count(), 0);
        assert_eq!(packages(&json!({})).count(), 0);
    }
}
