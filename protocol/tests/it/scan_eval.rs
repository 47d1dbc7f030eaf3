//! The scanner's accuracy on the labelled corpus of `tests/data/scan/` (JSON Lines, one tool
//! definition per entry, with label, attack style, provenance, licence and split) together
//! with the older `tests/corpus/` (its tool cases; a poisoned case counts when it expects a high
//! finding). Entries of the older corpus get their split from the same hash of their id.
//!
//! At the default threshold (`high`), on the held-out split: recall on poisoned tools at least
//! 90%, benign tools flagged at most 2%. And at most 1% of the seed servers' manifests, and of
//! the real tool lists (reference servers, github-mcp-server), rate high.
//!
//! `cargo test -p protocol --test it scan_eval::accuracy_table -- --ignored` rewrites the
//! accuracy table in `protocol/README.md` (between the `scan-accuracy` markers).

use std::collections::BTreeMap;
use std::path::Path;

use protocol::scan::{self, Severity};
use serde_json::Value;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/scan");
const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
const README: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");

/// The attack styles of the corpus (issue 14's list).
pub(crate) const STYLES: [&str; 9] = [
    "classic",
    "business_prose_exfil",
    "override_wrapper",
    "schema_field_injection",
    "lookalike_name",
    "secrecy",
    "sensitive_file",
    "non_english",
    "encoding",
];

/// FNV-1a 64 of the id; held out when it is 0, 1 or 2 mod 10 (as `generate.py` does).
pub(crate) fn split_of(id: &str) -> &'static str {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    if h % 10 < 3 { "heldout" } else { "train" }
}

#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) id: String,
    pub(crate) poisoned: bool,
    pub(crate) style: String,
    pub(crate) split: &'static str,
    pub(crate) tool: Value,
}

fn read(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn sorted_files(dir: &Path, ext: &str) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    files
}

/// Every entry of both corpora.
pub(crate) fn corpus() -> Vec<Entry> {
    let mut out = Vec::new();
    for path in sorted_files(Path::new(DATA), "jsonl") {
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            let v: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), n + 1));
            let id = v["id"].as_str().unwrap().to_owned();
            let style = v["style"].as_str().unwrap().to_owned();
            assert!(STYLES.contains(&style.as_str()), "{id}: style {style}");
            let split = split_of(&id);
            assert_eq!(v["split"], split, "{id}: the split is the hash of the id");
            assert!(v["provenance"].as_str().is_some_and(|p| !p.is_empty()));
            assert!(v["licence"].as_str().is_some_and(|p| !p.is_empty()));
            let poisoned = match v["label"].as_str() {
                Some("poisoned") => true,
                Some("benign") => false,
                other => panic!("{id}: label {other:?}"),
            };
            out.push(Entry {
                id,
                poisoned,
                style,
                split,
                tool: v["tool"].clone(),
            });
        }
    }
    for path in sorted_files(&Path::new(CORPUS).join("benign"), "json") {
        let doc = read(&path);
        let server = path.file_stem().unwrap().to_string_lossy().into_owned();
        for tool in doc["tools"].as_array().unwrap() {
            let id = format!("corpus/{server}/{}", tool["name"].as_str().unwrap());
            let split = split_of(&id);
            out.push(Entry {
                id,
                poisoned: false,
                style: "classic".to_owned(),
                split,
                tool: tool.clone(),
            });
        }
    }
    for path in sorted_files(&Path::new(CORPUS).join("poisoned"), "json") {
        let doc = read(&path);
        for case in doc["cases"].as_array().unwrap() {
            let (Some(tool), Some("high")) = (case.get("tool"), case["expect"]["highest"].as_str())
            else {
                continue;
            };
            let id = format!("corpus/{}", case["id"].as_str().unwrap());
            let split = split_of(&id);
            out.push(Entry {
                id,
                poisoned: true,
                style: "classic".to_owned(),
                split,
                tool: tool.clone(),
            });
        }
    }
    out
}

/// Counts of one cell: poisoned (total, caught) and benign (total, flagged).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Cell {
    pub(crate) poisoned: usize,
    pub(crate) caught: usize,
    pub(crate) benign: usize,
    pub(crate) flagged: usize,
}

impl Cell {
    fn add(&mut self, e: &Entry, high: bool) {
        if e.poisoned {
            self.poisoned += 1;
            self.caught += usize::from(high);
        } else {
            self.benign += 1;
            self.flagged += usize::from(high);
        }
    }
    pub(crate) fn recall(&self) -> f64 {
        ratio(self.caught, self.poisoned)
    }
    pub(crate) fn fp_rate(&self) -> f64 {
        ratio(self.flagged, self.benign)
    }
    pub(crate) fn precision(&self) -> f64 {
        let all = self.caught + self.flagged;
        if all == 0 {
            1.0
        } else {
            self.caught as f64 / all as f64
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Per (split, style) and per split ("all" style): the counts, and the misses.
pub(crate) fn evaluate() -> (BTreeMap<(&'static str, String), Cell>, Vec<String>) {
    let mut cells: BTreeMap<(&'static str, String), Cell> = BTreeMap::new();
    let mut misses = Vec::new();
    for e in corpus() {
        let high = scan::scan_tool(&e.tool)
            .iter()
            .any(|f| f.severity == Severity::High);
        cells
            .entry((e.split, e.style.clone()))
            .or_default()
            .add(&e, high);
        cells
            .entry((e.split, "all".to_owned()))
            .or_default()
            .add(&e, high);
        if high != e.poisoned {
            misses.push(format!(
                "{} {} [{}] {}",
                e.split,
                if e.poisoned {
                    "MISSED"
                } else {
                    "FALSE POSITIVE"
                },
                e.style,
                e.id
            ));
        }
    }
    (cells, misses)
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// The markdown table of the held-out split (and the train split's totals).
pub(crate) fn table() -> String {
    let (cells, _) = evaluate();
    let mut out = String::from(
        "| split | attack style | poisoned | recall | benign | flagged | precision |\n|---|---|---:|---:|---:|---:|---:|\n",
    );
    for split in ["heldout", "train"] {
        for style in STYLES.iter().copied().chain(["all"]) {
            if split == "train" && style != "all" {
                continue;
            }
            let Some(c) = cells.get(&(split, style.to_owned())) else {
                continue;
            };
            out.push_str(&format!(
                "| {split} | {style} | {} | {} | {} | {} | {} |\n",
                c.poisoned,
                pct(c.recall()),
                c.benign,
                pct(c.fp_rate()),
                pct(c.precision())
            ));
        }
    }
    out
}

#[test]
fn heldout_accuracy_meets_the_targets() {
    let (cells, misses) = evaluate();
    for m in &misses {
        println!("{m}");
    }
    print!("{}", table());
    let held = cells[&("heldout", "all".to_owned())];
    assert!(held.poisoned >= 100 && held.benign >= 50, "{held:?}");
    assert!(
        held.recall() >= 0.90,
        "held-out recall {:.3} < 0.90",
        held.recall()
    );
    assert!(
        held.fp_rate() <= 0.02,
        "held-out benign flagged {:.3} > 0.02",
        held.fp_rate()
    );
}

#[test]
fn seed_manifests_rarely_rate_high() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../seed/official-registry-seed.json"
    );
    let seed: Vec<Value> = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let high: Vec<&str> = seed
        .iter()
        .filter(|m| scan::scan_manifest(m).has_high())
        .map(|m| m["name"].as_str().unwrap_or("?"))
        .collect();
    println!(
        "seed manifests rating high: {} of {}: {high:?}",
        high.len(),
        seed.len()
    );
    assert!(high.len() * 100 <= seed.len(), "{high:?}");
}

/// The real tool lists (issue 14's acceptance): the reference servers' `tools/list`
/// (`real/server-*`, and the older corpus's reference servers), GitHub's MCP server
/// (`real/github-mcp-server`) and the other real servers of the older corpus. At most 1% of
/// them may rate high, on both splits together: they are real tools, not a tuning set.
#[test]
fn real_tool_lists_rarely_rate_high() {
    let real: Vec<Entry> = corpus()
        .into_iter()
        .filter(|e| !e.poisoned && (e.id.starts_with("real/") || e.id.starts_with("corpus/")))
        .collect();
    let github = real
        .iter()
        .filter(|e| e.id.starts_with("real/github-mcp-server/"))
        .count();
    let reference = real
        .iter()
        .filter(|e| e.id.starts_with("real/server-"))
        .count();
    assert!(github >= 100 && reference >= 30, "{github} {reference}");
    let high: Vec<&str> = real
        .iter()
        .filter(|e| {
            scan::scan_tool(&e.tool)
                .iter()
                .any(|f| f.severity == Severity::High)
        })
        .map(|e| e.id.as_str())
        .collect();
    println!(
        "real tools rating high: {} of {} ({github} of github-mcp-server, {reference} of the reference servers): {high:?}",
        high.len(),
        real.len()
    );
    assert!(high.len() * 100 <= real.len(), "{high:?}");
}

#[test]
#[ignore = "rewrites protocol/README.md; run on purpose"]
fn accuracy_table() {
    let readme = std::fs::read_to_string(README).unwrap();
    let (begin, end) = (
        "<!-- scan-accuracy:begin -->\n",
        "<!-- scan-accuracy:end -->",
    );
    let (Some(a), Some(b)) = (readme.find(begin), readme.find(end)) else {
        panic!("README.md has no scan-accuracy markers");
    };
    let updated = format!("{}{begin}{}{}", &readme[..a], table(), &readme[b..]);
    std::fs::write(README, updated).unwrap();
    print!("{}", table());
}

#[test]
#[ignore = "prints the findings of the entries named in SCAN_EXPLAIN (comma-separated ids)"]
fn explain() {
    let wanted = std::env::var("SCAN_EXPLAIN").unwrap_or_default();
    let wanted: Vec<&str> = wanted.split(',').collect();
    for e in corpus().iter().filter(|e| wanted.contains(&e.id.as_str())) {
        println!("== {} ({})", e.id, e.split);
        for f in scan::scan_tool(&e.tool) {
            println!(
                "  {} {} {} {:?}: {}",
                f.severity, f.code, f.path, f.excerpt, f.message
            );
        }
    }
}
