//! The labelled corpus: real tool definitions of popular MCP servers (`corpus/benign`) and
//! poisoned ones (`corpus/poisoned`: the published attacks and a case for every rule).
//!
//! A poisoned tool counts as detected when the scanner reports a high finding for it. The test
//! prints precision and recall (run with `--nocapture` to see them) and requires:
//! - no high finding on any benign tool;
//! - recall of high findings of at least 0.95 on the poisoned set;
//! - every expected code found in at least 90% of the cases that expect it, and every scanner
//!   rule covered by some poisoned case.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use protocol::scan::{self, Code, Finding, Severity};
use serde_json::Value;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");

fn files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(Path::new(CORPUS).join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

fn load(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn highest(findings: &[Finding]) -> Option<Severity> {
    findings.iter().map(|f| f.severity).max()
}

struct Benign {
    id: String,
    findings: Vec<Finding>,
}

fn benign() -> Vec<Benign> {
    let mut out = Vec::new();
    for path in files("benign") {
        let doc = load(&path);
        assert_eq!(doc["label"], "benign", "{}", path.display());
        assert!(
            doc["source"]
                .as_str()
                .is_some_and(|s| s.starts_with("https://"))
        );
        let server = path.file_stem().unwrap().to_string_lossy().into_owned();
        for tool in doc["tools"].as_array().unwrap() {
            out.push(Benign {
                id: format!("{server}/{}", tool["name"].as_str().unwrap()),
                findings: scan::scan_tool(tool),
            });
        }
    }
    out
}

struct Poisoned {
    id: String,
    expected_highest: Severity,
    expected_codes: Vec<Code>,
    findings: Vec<Finding>,
}

fn poisoned() -> Vec<Poisoned> {
    let mut out = Vec::new();
    let mut ids = BTreeSet::new();
    for path in files("poisoned") {
        let doc = load(&path);
        assert_eq!(doc["label"], "poisoned", "{}", path.display());
        for case in doc["cases"].as_array().unwrap() {
            let id = case["id"].as_str().unwrap().to_owned();
            assert!(ids.insert(id.clone()), "duplicate case id {id}");
            assert!(case["source"].as_str().is_some_and(|s| !s.is_empty()));
            let expect = &case["expect"];
            let findings = match (case.get("tool"), case.get("manifest")) {
                (Some(tool), None) => scan::scan_tool(tool),
                (None, Some(manifest)) => scan::scan_manifest(manifest).findings,
                _ => panic!("{id}: a case has either a tool or a manifest"),
            };
            out.push(Poisoned {
                id,
                expected_highest: serde_json::from_value(expect["highest"].clone()).unwrap(),
                expected_codes: serde_json::from_value(expect["codes"].clone()).unwrap(),
                findings,
            });
        }
    }
    out
}

#[test]
fn corpus_precision_and_recall() {
    let benign = benign();
    let poisoned = poisoned();
    assert!(benign.len() >= 60, "only {} benign tools", benign.len());
    assert!(
        poisoned.len() >= 40,
        "only {} poisoned cases",
        poisoned.len()
    );

    // Benign: no high; count warnings too (reported, not required).
    let benign_high: Vec<&Benign> = benign
        .iter()
        .filter(|b| highest(&b.findings) == Some(Severity::High))
        .collect();
    let benign_warning = benign
        .iter()
        .filter(|b| highest(&b.findings) == Some(Severity::Warning))
        .count();

    // Poisoned: detection at high, expected codes.
    let expect_high: Vec<&Poisoned> = poisoned
        .iter()
        .filter(|p| p.expected_highest == Severity::High)
        .collect();
    let detected: Vec<&&Poisoned> = expect_high
        .iter()
        .filter(|p| highest(&p.findings) == Some(Severity::High))
        .collect();
    let flagged = poisoned
        .iter()
        .filter(|p| highest(&p.findings) >= Some(Severity::Warning))
        .count();
    let tp = detected.len();
    let fp = benign_high.len();
    let recall = tp as f64 / expect_high.len() as f64;
    let precision = if tp + fp == 0 {
        1.0
    } else {
        tp as f64 / (tp + fp) as f64
    };

    let mut per_code: BTreeMap<Code, (usize, usize)> = BTreeMap::new();
    let mut misses = Vec::new();
    for p in &poisoned {
        let found: BTreeSet<Code> = p.findings.iter().map(|f| f.code).collect();
        for code in &p.expected_codes {
            let entry = per_code.entry(*code).or_default();
            entry.0 += 1;
            if found.contains(code) {
                entry.1 += 1;
            } else {
                misses.push(format!("{}: {code} not found", p.id));
            }
        }
        if highest(&p.findings) != Some(p.expected_highest) {
            misses.push(format!(
                "{}: highest {:?}, expected {}",
                p.id,
                highest(&p.findings),
                p.expected_highest
            ));
        }
    }

    println!(
        "scanner corpus: {} benign tools, {} poisoned cases",
        benign.len(),
        poisoned.len()
    );
    println!(
        "  high findings: recall {recall:.3} ({tp}/{}), precision {precision:.3} ({tp}/{})",
        expect_high.len(),
        tp + fp
    );
    println!("  benign tools with a high finding: {fp}; with a warning at most: {benign_warning}");
    println!(
        "  poisoned cases flagged at warning or above: {flagged}/{}",
        poisoned.len()
    );
    println!("  per code (found/expected):");
    for (code, (expected, found)) in &per_code {
        println!("    {:<22} {found}/{expected}", code.as_str());
    }
    for m in &misses {
        println!("  miss: {m}");
    }
    for b in &benign_high {
        println!("  FALSE POSITIVE {}: {:#?}", b.id, b.findings);
    }

    assert!(benign_high.is_empty(), "high findings on benign tools");
    assert!(recall >= 0.95, "recall of high findings {recall:.3} < 0.95");
    for (code, (expected, found)) in &per_code {
        assert!(
            *found * 10 >= *expected * 9,
            "{code}: found in {found} of {expected} cases that expect it"
        );
    }
    // Every rule is exercised by the poisoned set (scan-limit is not a poisoning rule).
    for code in Code::ALL {
        if code != Code::ScanLimit {
            assert!(
                per_code.contains_key(&code),
                "no poisoned case expects {code}"
            );
        }
    }
}

#[test]
fn benign_findings_are_mostly_info() {
    // Benign tools may mention tokens or credentials (info); at most one in twenty may draw a
    // warning, so precision regressions fail here, listing what was flagged.
    let benign = benign();
    let flagged: Vec<String> = benign
        .iter()
        .flat_map(|b| {
            b.findings
                .iter()
                .filter(|f| f.severity > Severity::Info)
                .map(|f| {
                    format!(
                        "{}: {} {} at {} {:?}",
                        b.id, f.severity, f.code, f.path, f.excerpt
                    )
                })
        })
        .collect();
    let tools_flagged = benign
        .iter()
        .filter(|b| b.findings.iter().any(|f| f.severity > Severity::Info))
        .count();
    println!(
        "benign tools above info: {tools_flagged} of {}",
        benign.len()
    );
    assert!(
        tools_flagged * 20 <= benign.len(),
        "{tools_flagged} of {} benign tools draw more than info:\n{}",
        benign.len(),
        flagged.join("\n")
    );
}
