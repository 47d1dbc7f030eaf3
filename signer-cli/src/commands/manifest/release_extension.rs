//! The release extension inside `_meta`: taken out for editing, put back in the documented order.

use protocol::formats::{
    RELEASE_FORMAT_VERSION, RELEASE_META_KEY, SERVER_SCHEMA_URL, release as release_format,
};
use serde_json::{Map, Value, json};

/// Takes the release extension out of `_meta` (a fresh one if there is none).
/// It stays a JSON map, not a `ReleaseExtension`: `init` edits what the maintainer wrote and
/// must keep every key, including ones this version does not know.
pub(super) fn take_release(doc: &mut Map<String, Value>) -> Map<String, Value> {
    let existing = doc
        .get_mut("_meta")
        .and_then(Value::as_object_mut)
        .and_then(|meta| meta.remove(RELEASE_META_KEY));
    match existing {
        Some(Value::Object(release)) => release,
        _ => Map::new(),
    }
}

/// `$schema` first, the release extension back under `_meta` with its keys in the documented
/// order, everything else as it was.
pub(super) fn finish_document(
    doc: Map<String, Value>,
    mut release: Map<String, Value>,
) -> Map<String, Value> {
    let mut ordered_release = Map::new();
    ordered_release.insert("formatVersion".to_owned(), json!(RELEASE_FORMAT_VERSION));
    release.remove("formatVersion");
    for &key in release_format::KEYS {
        if let Some(v) = release.remove(key) {
            ordered_release.insert(key.to_owned(), v);
        }
    }
    ordered_release.extend(release);

    let mut out = Map::new();
    out.insert("$schema".to_owned(), json!(SERVER_SCHEMA_URL));
    let mut meta = Map::new();
    for (key, value) in doc {
        match key.as_str() {
            "$schema" => {}
            "_meta" => {
                if let Value::Object(m) = value {
                    meta = m;
                }
            }
            _ => {
                out.insert(key, value);
            }
        }
    }
    meta.insert(RELEASE_META_KEY.to_owned(), Value::Object(ordered_release));
    out.insert("_meta".to_owned(), Value::Object(meta));
    out
}
