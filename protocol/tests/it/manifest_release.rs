//! Tool fingerprints (RFC 8785 canonical JSON), artifact digests and the release extension's
//! typed view.

use protocol::manifest::{
    ArtifactHasher, ContentDigest, Sha256Digest, Sha512Integrity, tool_fingerprint,
    tool_fingerprint_digest,
};
use serde_json::json;

/// The canonical form was written out by hand from RFC 8785's rules: keys sorted, no
/// whitespace, `1e3` spelled `1000`, non-ASCII left as UTF-8. Its SHA-256 was computed with
/// `printf '%s' '<canonical>' | sha256sum`.
#[test]
fn fingerprint_matches_a_hand_computed_vector() {
    let tool = json!({
        "name": "echo",
        "description": "Écho the text back",
        "inputSchema": {
            "type": "object",
            "properties": {"text": {"type": "string", "maxLength": 1e3}},
            "required": ["text"]
        },
        "annotations": {"readOnlyHint": true},
        "fingerprint": "sha256:0000000000000000000000000000000000000000000000000000000000000000"
    });
    let canonical = r#"{"annotations":{"readOnlyHint":true},"description":"Écho the text back","inputSchema":{"properties":{"text":{"maxLength":1000,"type":"string"}},"required":["text"],"type":"object"},"name":"echo"}"#;
    let mut without = tool.clone();
    without.as_object_mut().unwrap().remove("fingerprint");
    assert_eq!(
        serde_json_canonicalizer::to_string(&without).unwrap(),
        canonical
    );
    assert_eq!(
        tool_fingerprint(&tool),
        "sha256:ab2fe501b3a1cec16929a9592b191304ec185ac6a0c3aab143257cacc2c0c7a8"
    );
    assert_eq!(
        tool_fingerprint_digest(&tool).unwrap().to_string(),
        tool_fingerprint(&tool)
    );
}

#[test]
fn fingerprint_ignores_formatting_and_key_order_but_not_content() {
    let a: serde_json::Value =
        serde_json::from_str(r#"{"name":"t","inputSchema":{"type":"object","properties":{}}}"#)
            .unwrap();
    let b: serde_json::Value = serde_json::from_str(
        "{\n  \"inputSchema\": { \"properties\": {}, \"type\": \"object\" },\n  \"name\": \"t\"\n}",
    )
    .unwrap();
    assert_eq!(tool_fingerprint(&a), tool_fingerprint(&b));
    let mut c = a.clone();
    c["description"] = json!("now with a description");
    assert_ne!(tool_fingerprint(&a), tool_fingerprint(&c));
    let mut d = a.clone();
    d["annotations"] = json!({"destructiveHint": true});
    assert_ne!(tool_fingerprint(&a), tool_fingerprint(&d));
}

#[test]
fn artifact_hasher_streams() {
    let mut hasher = ArtifactHasher::new();
    for chunk in [&b"a"[..], b"", b"bc"] {
        hasher.update(chunk);
    }
    let d = hasher.finish();
    assert_eq!(
        d.sha256.to_string(),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        d.integrity.to_string(),
        "sha512-3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw=="
    );
    assert_eq!(d.len, 3);
    assert_eq!(d.sha256, Sha256Digest::of(b"abc"));
    assert_eq!(d.integrity, Sha512Integrity::of(b"abc"));

    let mut empty = ArtifactHasher::default();
    std::io::copy(&mut &b""[..], &mut empty).unwrap();
    let d = empty.finish();
    assert_eq!(
        d.sha256.to_string(),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        d.integrity.to_string(),
        "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=="
    );
}

#[test]
fn digests_have_one_spelling() {
    let hex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    assert_eq!(hex.parse::<Sha256Digest>().unwrap().to_string(), hex);
    assert!(hex.to_uppercase().parse::<Sha256Digest>().is_err());
    assert!(hex[1..].parse::<Sha256Digest>().is_err());
    assert!(format!("{hex}0").parse::<Sha256Digest>().is_err());

    let oci = format!("sha256:{hex}");
    assert_eq!(oci.parse::<ContentDigest>().unwrap().to_string(), oci);
    assert!(hex.parse::<ContentDigest>().is_err());
    assert!(format!("sha512:{hex}").parse::<ContentDigest>().is_err());

    let sri = "sha512-3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw==";
    assert_eq!(sri.parse::<Sha512Integrity>().unwrap().to_string(), sri);
    // Non-canonical trailing bits in the last base64 group, missing padding, URL-safe alphabet.
    assert!(
        sri.replace("knw==", "knx==")
            .parse::<Sha512Integrity>()
            .is_err()
    );
    assert!(
        sri.trim_end_matches('=')
            .parse::<Sha512Integrity>()
            .is_err()
    );
    assert!(sri.replace('+', "-").parse::<Sha512Integrity>().is_err());
    assert!("sha256-abc".parse::<Sha512Integrity>().is_err());

    // Serde goes through the same parser.
    let d: Sha256Digest = serde_json::from_value(json!(hex)).unwrap();
    assert_eq!(serde_json::to_value(d).unwrap(), json!(hex));
    assert!(serde_json::from_value::<Sha256Digest>(json!("xyz")).is_err());
}
