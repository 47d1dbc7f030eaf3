//! [`Finding`]: one thing the scanner found, where it is ([`Location`], [`Span`]), and the
//! [`Report`] of a whole scan.

use serde::{Deserialize, Serialize};

use super::{Code, Severity};

/// Whether a finding is in a string value or in an object key (a parameter name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Location {
    Value,
    Key,
}

/// A byte range `start..end` within the string (or key) at a finding's path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// One thing the scanner found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    /// JSONPath of the string, e.g. `$.tools[0].inputSchema.properties.sidenote.description`;
    /// for [`Location::Key`], of the object member whose key it is.
    pub path: String,
    pub location: Location,
    pub span: Span,
    /// The matched text, with invisible and control characters written as `\u{...}` escapes
    /// and long matches shortened, so it is safe to print.
    pub excerpt: String,
    /// Hidden text made visible: decoded tag characters, variation-selector bytes or base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decoded: Option<String>,
    /// The decodings that revealed the hidden text, outermost first (`["percent-encoding",
    /// "base64"]`): empty when the finding is in the string as written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decoding: Vec<String>,
    /// For a finding in decoded text: the words it matched there (`span` and `excerpt` are
    /// those of the encoded text in the original string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matched: Option<String>,
    /// The other findings of the same tool that raised this one to its severity (framing with
    /// a payload, or two payloads with an intent); empty when the rule's own severity stands.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub raised_with: Vec<Code>,
    /// What it means, for people.
    pub message: String,
    /// The name of the tool it is in (none for server metadata).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
}

/// Everything a scan found, in document order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// How many tool definitions were scanned.
    pub tools: usize,
    pub findings: Vec<Finding>,
}

impl Report {
    /// The highest severity found, if anything was found.
    pub fn highest(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// How many findings have `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// Whether any finding is high.
    pub fn has_high(&self) -> bool {
        self.highest() == Some(Severity::High)
    }
}
