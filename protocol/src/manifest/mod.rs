//! The release manifest: a server.json in the official MCP registry's format, with our signed
//! release extension under `_meta["dev.mcp-trust/release"]` (see [`release`]).
//!
//! Two entry points, no I/O:
//!
//! - [`Manifest::parse`] keeps the exact bytes (they are what gets signed) and gives a typed
//!   view of a manifest that has no error-level problem, with its warnings.
//! - [`check`] lists every problem (errors and warnings) with its JSON path, for people fixing a
//!   manifest.
//!
//! ```
//! let bytes = br#"{
//!   "$schema": "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json",
//!   "name": "io.github.octocat/weather",
//!   "description": "Weather forecasts",
//!   "version": "latest"
//! }"#;
//! let report = protocol::manifest::check(bytes);
//! assert_eq!(
//!     report.problems()[0].to_string(),
//!     "error at $.version: \"latest\" is not a version; pin the exact version you published",
//! );
//! assert!(protocol::Manifest::parse(&bytes[..]).is_err());
//! ```

pub mod digest;
mod entries;
mod fingerprint;
pub mod release;
pub mod schema;
mod validate;

use std::fmt;

use serde::Serialize;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

pub use self::digest::{
    ArtifactDigests, ArtifactHasher, ContentDigest, Sha256Digest, Sha512Integrity,
};
pub use self::entries::{packages, remotes};
pub use self::fingerprint::{FINGERPRINT_KEY, tool_fingerprint, tool_fingerprint_digest};
pub use self::release::ReleaseExtension;
pub use self::schema::ServerJson;

use crate::error::Error;
use crate::formats::{MANIFEST_MAX_LEN, RELEASE_META_KEY};
use crate::names::{ServerName, Version};

/// How bad a [`Problem`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The manifest is rejected.
    Error,
    /// The manifest is accepted, but something should be fixed.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Error => "error",
            Self::Warning => "warning",
        })
    }
}

/// One thing wrong with a manifest.
///
/// Displays as `error at $.packages[0].version: "latest" is not a version; pin the exact
/// version you published`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Where: a JSONPath such as `$.packages[0].transport.url` or
    /// `$._meta["dev.mcp-trust/release"].tools[2].fingerprint`.
    pub path: String,
    pub severity: Severity,
    /// A stable, kebab-case identifier of the kind of problem (`version-latest`,
    /// `missing-field`, `tool-fingerprint-mismatch`, ...), for programs and tests.
    pub code: &'static str,
    /// What is wrong and, where it is not obvious, what to do, for people.
    pub message: String,
}

impl Problem {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at {}: {}", self.severity, self.path, self.message)
    }
}

/// Everything [`check`] found, in document order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    problems: Vec<Problem>,
}

impl Report {
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    pub fn into_problems(self) -> Vec<Problem> {
        self.problems
    }

    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.is_error())
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| !p.is_error())
    }

    /// Whether the manifest has no error-level problem ([`Manifest::parse`] accepts it).
    pub fn is_ok(&self) -> bool {
        self.errors().next().is_none()
    }
}

/// Check a manifest and list every problem, errors and warnings. Invalid JSON is one problem
/// at `$` with code `invalid-json`, its message giving the line and column.
pub fn check(bytes: &[u8]) -> Report {
    let problems = match analyse(bytes) {
        Ok(analysis) => analysis.problems,
        Err(Failure::Syntax(syntax)) => vec![Problem {
            path: "$".to_owned(),
            severity: Severity::Error,
            code: "invalid-json",
            message: format!(
                "not valid JSON: {} (line {}, column {})",
                syntax.message, syntax.line, syntax.column
            ),
        }],
        Err(Failure::Invalid(problems)) => problems,
    };
    Report { problems }
}

/// A release manifest that has no error-level problem.
///
/// It keeps the exact bytes it was parsed from: those are what the maintainer signs and what the
/// registry stores, so no re-serialisation can change what a signature covers.
#[derive(Debug, Clone)]
pub struct Manifest {
    bytes: Vec<u8>,
    value: Value,
    server: ServerJson,
    release: Option<ReleaseExtension>,
    warnings: Vec<Problem>,
}

impl Manifest {
    /// Parse and check a manifest.
    ///
    /// Invalid JSON (including duplicate object keys, which different parsers resolve
    /// differently, and a byte order mark) is [`Error::ManifestSyntax`] with a line and column;
    /// a manifest with any error-level problem is [`Error::ManifestInvalid`] with every problem
    /// found, warnings included.
    pub fn parse(bytes: impl Into<Vec<u8>>) -> Result<Self, Error> {
        let bytes = bytes.into();
        let analysis = analyse(&bytes).map_err(|failure| match failure {
            Failure::Syntax(s) => Error::ManifestSyntax {
                message: s.message,
                line: s.line,
                column: s.column,
            },
            Failure::Invalid(problems) => Error::ManifestInvalid(problems),
        })?;
        let Some((server, release)) = analysis.typed else {
            return Err(Error::ManifestInvalid(analysis.problems));
        };
        Ok(Self {
            bytes,
            value: analysis.value,
            server,
            release,
            warnings: analysis.problems,
        })
    }

    /// The exact bytes the manifest was parsed from.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// SHA-256 of [`Manifest::bytes`].
    pub fn sha256(&self) -> Sha256Digest {
        Sha256Digest::of(&self.bytes)
    }

    /// SHA-256 of [`Manifest::bytes`], as lowercase hex.
    pub fn sha256_hex(&self) -> String {
        self.sha256().to_string()
    }

    /// The parsed JSON, every field included.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The typed server.json.
    pub fn server(&self) -> &ServerJson {
        &self.server
    }

    pub fn name(&self) -> &ServerName {
        &self.server.name
    }

    pub fn version(&self) -> &Version {
        &self.server.version
    }

    /// The release extension, if the manifest has one.
    pub fn release(&self) -> Option<&ReleaseExtension> {
        self.release.as_ref()
    }

    /// The warning-level problems (a parsed manifest has no errors).
    pub fn warnings(&self) -> &[Problem] {
        &self.warnings
    }
}

// ---------------------------------------------------------------------------------------------

#[derive(Debug)]
struct SyntaxError {
    message: String,
    line: usize,
    column: usize,
}

#[derive(Debug)]
enum Failure {
    Syntax(SyntaxError),
    Invalid(Vec<Problem>),
}

#[derive(Debug)]
struct Analysis {
    value: Value,
    problems: Vec<Problem>,
    /// The typed view, when there is no error-level problem.
    typed: Option<(ServerJson, Option<ReleaseExtension>)>,
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

fn analyse(bytes: &[u8]) -> Result<Analysis, Failure> {
    if bytes.len() > MANIFEST_MAX_LEN {
        return Err(Failure::Invalid(vec![Problem {
            path: "$".to_owned(),
            severity: Severity::Error,
            code: "too-large",
            message: format!(
                "the manifest has {} bytes; at most {MANIFEST_MAX_LEN} are accepted",
                bytes.len()
            ),
        }]));
    }
    let value = parse_json(bytes).map_err(Failure::Syntax)?;
    let mut problems = validate::validate(&value);
    let typed = if problems.iter().any(Problem::is_error) {
        None
    } else {
        match typed_view(&value) {
            Ok(typed) => Some(typed),
            Err(problem) => {
                problems.push(problem);
                None
            }
        }
    };
    Ok(Analysis {
        value,
        problems,
        typed,
    })
}

/// The typed structs accept whatever the checker accepts; should they ever disagree, the
/// manifest is refused with a problem rather than a panic.
fn typed_view(value: &Value) -> Result<(ServerJson, Option<ReleaseExtension>), Problem> {
    let internal = |message: String| Problem {
        path: "$".to_owned(),
        severity: Severity::Error,
        code: "schema",
        message,
    };
    let server = ServerJson::deserialize(value).map_err(|e| internal(e.to_string()))?;
    let release = match server
        .meta
        .as_ref()
        .and_then(|meta| meta.get(RELEASE_META_KEY))
    {
        Some(ext) => Some(ReleaseExtension::deserialize(ext).map_err(|e| internal(e.to_string()))?),
        None => None,
    };
    Ok((server, release))
}

fn parse_json(bytes: &[u8]) -> Result<Value, SyntaxError> {
    if bytes.starts_with(UTF8_BOM) {
        return Err(SyntaxError {
            message: "the file starts with a byte order mark; save it as UTF-8 without one"
                .to_owned(),
            line: 1,
            column: 1,
        });
    }
    serde_json::from_slice::<StrictValue>(bytes)
        .map(|v| v.0)
        .map_err(|err| {
            let (line, column) = (err.line(), err.column());
            let full = err.to_string();
            // serde_json appends the position; it is reported separately.
            let suffix = format!(" at line {line} column {column}");
            let message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
            SyntaxError {
                message,
                line,
                column,
            }
        })
}

/// A `Value` that refuses duplicate object keys: `{"name": "a", "name": "b"}` means different
/// things to different parsers, so a signed manifest must not contain it.
#[derive(Debug)]
struct StrictValue(Value);

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(StrictValue)
    }
}

#[derive(Debug)]
struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("number out of range"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        StrictValue::deserialize(d).map(|v| v.0)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(StrictValue(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let StrictValue(v) = map.next_value()?;
            if object.contains_key(&key) {
                return Err(de::Error::custom(format!(
                    "duplicate key {:?}",
                    crate::names::excerpt(&key)
                )));
            }
            object.insert(key, v);
        }
        Ok(Value::Object(object))
    }
}
