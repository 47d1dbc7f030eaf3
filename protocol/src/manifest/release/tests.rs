use serde_json::{Value, json};

use super::ReleaseExtension;
use crate::manifest::tool_fingerprint;

/// A tool whose annotations carry a key this version does not know fingerprints the same
/// read through [`ReleaseExtension`] as from its raw JSON (a live `tools/list`).
#[test]
fn unknown_annotation_keys_keep_the_fingerprint() {
    let raw = json!({
        "name": "echo",
        "inputSchema": {"type": "object"},
        "annotations": {"readOnlyHint": true, "x-vendorHint": {"level": 2}},
    });
    let fingerprint = tool_fingerprint(&raw);
    let mut tool = raw.clone();
    tool["fingerprint"] = json!(fingerprint);
    let server = json!({"_meta": {"dev.mcp-trust/release": {"formatVersion": 1, "tools": [tool]}}});

    let release = ReleaseExtension::read_from(&server).unwrap().unwrap();
    let typed: Value = serde_json::to_value(&release.tools[0]).unwrap();
    assert_eq!(typed["annotations"], raw["annotations"]);
    assert_eq!(tool_fingerprint(&typed), fingerprint);
}
