//! The tool-poisoning scanner on anything: it never panics, every span lies on character
//! boundaries of the scanned string, excerpts are safe to print, and a tool list diffed with
//! itself has no changes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use protocol::scan::{self, Finding};

fn check(findings: &[Finding]) {
    for f in findings {
        assert!(f.path.starts_with('$'), "{f:?}");
        assert!(f.span.start <= f.span.end, "{f:?}");
        assert!(!f.message.is_empty());
        for text in [Some(&f.excerpt), f.decoded.as_ref(), f.matched.as_ref()]
            .into_iter()
            .flatten()
        {
            assert!(
                !text.chars().any(|c| c.is_control()
                    || matches!(u32::from(c), 0x200B..=0x200F | 0x202A..=0x202E | 0x2066..=0x2069 | 0xE0000..=0xE007F)),
                "unprintable excerpt {f:?}"
            );
        }
    }
}

fuzz_target!(|data: &[u8]| {
    // As a document: a manifest, a tools/list result or an array of tools.
    if let Ok((_, report)) = scan::scan_json(data) {
        check(&report.findings);
    }

    // As one string: spans must cut it on character boundaries.
    let text = String::from_utf8_lossy(data);
    let findings = scan::scan_text(&text);
    check(&findings);
    for f in &findings {
        assert!(
            text.get(f.span.start..f.span.end).is_some(),
            "span {:?} does not cut {:?}",
            f.span,
            text
        );
    }

    // Rug-pull diffs: a list against itself is unchanged; against nothing, all removed.
    if let Ok(serde_json::Value::Array(tools)) = serde_json::from_slice::<serde_json::Value>(data) {
        assert!(scan::diff_tools(&tools, &tools).is_empty());
        let gone = scan::diff_tools(&tools, &[]);
        assert!(gone.added.is_empty() && gone.changed.is_empty());
        let _ = scan::text_diff(&text, "x\ny");
    }
});
