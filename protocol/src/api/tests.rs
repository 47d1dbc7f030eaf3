//! Unit tests of the wire types: JSON shapes, statement text, enum names.

use super::*;
use crate::formats;

#[test]
fn meta_keys_match_the_format_constants() {
    let meta = ResponseMeta {
        official: Some(OfficialMeta {
            status: ServerStatus::Active,
            status_message: None,
            status_changed_at: None,
            published_at: "2025-01-01T00:00:00Z".into(),
            updated_at: "2025-01-01T00:00:00Z".into(),
            is_latest: true,
        }),
        registry: Some(RegistryMeta {
            trust: crate::trust::compute(&crate::trust::TrustFacts::default()),
            origin: ReleaseOrigin::Seed,
            manifest_sha256: "00".into(),
            key_id: None,
            log: None,
            github: None,
            scan: None,
        }),
    };
    let v = serde_json::to_value(&meta).unwrap();
    assert!(v.get(formats::OFFICIAL_META_KEY).is_some());
    assert!(v.get(formats::REGISTRY_META_KEY).is_some());
    assert_eq!(v[formats::OFFICIAL_META_KEY]["isLatest"], true);
    assert_eq!(v[formats::OFFICIAL_META_KEY]["status"], "active");
    // Absent status details are left out (the official schema has no nulls there).
    assert!(v[formats::OFFICIAL_META_KEY].get("statusMessage").is_none());
    assert!(
        v[formats::OFFICIAL_META_KEY]
            .get("statusChangedAt")
            .is_none()
    );
}

#[test]
fn official_meta_status_details_are_camel_case() {
    let m = OfficialMeta {
        status: ServerStatus::Deprecated,
        status_message: Some("use 2.0.0".into()),
        status_changed_at: Some("2025-01-02T00:00:00Z".into()),
        published_at: "2025-01-01T00:00:00Z".into(),
        updated_at: "2025-01-02T00:00:00Z".into(),
        is_latest: false,
    };
    let v = serde_json::to_value(&m).unwrap();
    assert_eq!(v["status"], "deprecated");
    assert_eq!(v["statusMessage"], "use 2.0.0");
    assert_eq!(v["statusChangedAt"], "2025-01-02T00:00:00Z");
    assert_eq!(serde_json::from_value::<OfficialMeta>(v).unwrap(), m);
}

#[test]
fn deprecate_statements_and_requests() {
    let req: DeprecateRequest = serde_json::from_str(
        r#"{"name":"io.github.o/s","version":"1.0.0","message":"use 2.0.0",
            "issuedAt":1700000000,"signature":"s"}"#,
    )
    .unwrap();
    assert_eq!(
        req.statement(true).to_text().unwrap(),
        "mcp-trust-statement v1\naction: deprecate\nname: io.github.o/s\nversion: 1.0.0\n\
         message: use 2.0.0\nissued-at: 1700000000\n"
    );
    assert_eq!(
        req.statement(false).to_text().unwrap(),
        "mcp-trust-statement v1\naction: undeprecate\nname: io.github.o/s\n\
         version: 1.0.0\nissued-at: 1700000000\n"
    );
    let r: Result<DeprecateRequest, _> = serde_json::from_str(
        r#"{"name":"n","version":"1","issuedAt":1,"signature":"s","reason":"x"}"#,
    );
    assert!(r.is_err(), "unknown fields are refused");

    // 500 characters are fine, even when they take more bytes; 501 are not.
    let long = "é".repeat(formats::STATUS_MESSAGE_MAX_CHARS);
    let ok = Statement::Deprecate {
        name: "io.github.o/s",
        version: "1.0.0",
        message: Some(&long),
        issued_at: 1,
    };
    assert!(ok.to_text().is_ok());
    let longer = format!("{long}e");
    let too_long = Statement::Deprecate {
        name: "io.github.o/s",
        version: "1.0.0",
        message: Some(&longer),
        issued_at: 1,
    };
    let err = too_long.to_text().unwrap_err();
    assert!(err.contains("501 characters"), "{err}");
    assert!(err.contains("at most 500"), "{err}");
}

#[test]
fn list_metadata_omits_absent_cursor() {
    let m = ListMetadata {
        next_cursor: None,
        count: 3,
    };
    assert_eq!(serde_json::to_string(&m).unwrap(), r#"{"count":3}"#);
    let m = ListMetadata {
        next_cursor: Some("x".into()),
        count: 3,
    };
    assert_eq!(
        serde_json::to_string(&m).unwrap(),
        r#"{"nextCursor":"x","count":3}"#
    );
}

#[test]
fn statement_text_is_stable() {
    let s = Statement::Yank {
        name: "io.github.o/s",
        version: "1.0.0",
        reason: Some("broken"),
        issued_at: 1_700_000_000,
    };
    assert_eq!(
        s.to_text().unwrap(),
        "mcp-trust-statement v1\naction: yank\nname: io.github.o/s\nversion: 1.0.0\n\
         reason: broken\nissued-at: 1700000000\n"
    );
    let r = Statement::RevokeKey {
        key_id: "AB",
        reason: None,
        issued_at: 5,
    };
    assert_eq!(
        r.to_text().unwrap(),
        "mcp-trust-statement v1\naction: revoke-key\nkey-id: AB\nreason: \nissued-at: 5\n"
    );
}

#[test]
fn statement_refuses_multi_line_text() {
    let s = Statement::Yank {
        name: "io.github.o/s",
        version: "1.0.0",
        reason: Some("a\nissued-at: 1"),
        issued_at: 1,
    };
    assert!(s.to_text().is_err());
}

#[test]
fn enum_names_round_trip() {
    for o in [
        ReleaseOrigin::Seed,
        ReleaseOrigin::Import,
        ReleaseOrigin::Publish,
        ReleaseOrigin::Crawl,
        ReleaseOrigin::Mirror,
    ] {
        assert_eq!(ReleaseOrigin::parse(o.as_str()), Some(o));
        assert_eq!(serde_json::to_value(o).unwrap(), o.as_str());
    }
    for k in [ProofKind::Github, ProofKind::Domain] {
        assert_eq!(ProofKind::parse(k.as_str()), Some(k));
        assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
    }
    assert_eq!(ReleaseOrigin::parse("crawled"), None);
    assert_eq!(ProofKind::parse("dns"), None);
}

#[test]
fn publish_request_refuses_unknown_fields() {
    let r: Result<PublishRequest, _> =
        serde_json::from_str(r#"{"manifest":"{}","signature":"s","extra":1}"#);
    assert!(r.is_err());
}
