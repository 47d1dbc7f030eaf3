//! The real fixtures (see `tests/fixtures/README.md`) and the edits the negative tests make.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use provenance::TrustRoot;
use serde_json::Value;

pub(crate) fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub(crate) fn json(name: &str) -> Value {
    serde_json::from_slice(&fixture(name)).expect("fixture is JSON")
}

pub(crate) fn public_good() -> TrustRoot {
    TrustRoot::public_good().expect("the shipped trusted root parses")
}

/// The public-good root with the staging instance's Fulcio CAs in place of its own: the Rekor
/// keys still verify the log entry, so the chain is what fails.
pub(crate) fn root_with_other_fulcio() -> TrustRoot {
    let mut root: Value = serde_json::from_str(provenance::PUBLIC_GOOD_TRUSTED_ROOT).unwrap();
    let staging = json("trusted_root_staging.json");
    root["certificateAuthorities"] = staging["certificateAuthorities"].clone();
    TrustRoot::from_json(&root.to_string()).expect("the edited root parses")
}

/// Rewrites the base64 string at `pointer` in `value` through `edit` on its decoded bytes.
pub(crate) fn edit_base64(value: &mut Value, pointer: &str, edit: impl FnOnce(&mut Vec<u8>)) {
    let field = value
        .pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer}"));
    let mut bytes = STANDARD
        .decode(field.as_str().expect("a string"))
        .expect("base64");
    edit(&mut bytes);
    *field = Value::String(STANDARD.encode(bytes));
}

/// Replaces the first occurrence of `from` in `bytes` by `to` (same length or not).
pub(crate) fn replace(bytes: &mut Vec<u8>, from: &str, to: &str) {
    let text = String::from_utf8(std::mem::take(bytes)).expect("UTF-8");
    assert!(text.contains(from), "{from} not found");
    *bytes = text.replacen(from, to, 1).into_bytes();
}

/// Changes one byte in the middle of an ECDSA signature's `r` (DER stays well formed).
pub(crate) fn corrupt_signature(bytes: &mut [u8]) {
    let middle = bytes.len() / 3;
    bytes[middle] ^= 0x01;
}

pub(crate) fn to_bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}
