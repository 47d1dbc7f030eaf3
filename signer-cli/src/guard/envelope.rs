//! What a JSON-RPC message is, read without building it: its id, method and where its params or
//! result are, borrowed from the line. The relay decides from this whether to act; anything it
//! does not act on is forwarded as the original bytes.

use serde::Deserialize;
use serde_json::value::RawValue;

/// One message as read off the wire.
#[derive(Debug, Deserialize)]
pub(crate) struct Envelope<'a> {
    #[serde(borrow, default)]
    pub(crate) id: Option<&'a RawValue>,
    #[serde(default)]
    pub(crate) method: Option<String>,
    #[serde(borrow, default)]
    pub(crate) params: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub(crate) result: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub(crate) error: Option<&'a RawValue>,
}

/// A request id as a map key: its JSON text (`7`, `"abc"`). JSON-RPC ids are strings or
/// numbers, compared as written.
pub(crate) type IdKey = String;

/// What kind of message a line holds.
#[derive(Debug)]
pub(crate) enum Kind<'a> {
    Request {
        id: &'a RawValue,
        method: String,
        params: Option<&'a RawValue>,
    },
    Notification {
        method: String,
    },
    Response {
        id: &'a RawValue,
        /// `None` for an error response.
        result: Option<&'a RawValue>,
    },
    /// A JSON-RPC batch (an array); MCP 2025-06-18 removed them.
    Batch,
}

/// Why a line is not a JSON-RPC message.
#[derive(Debug)]
pub(crate) enum Malformed {
    NotJson(String),
    NotJsonRpc,
}

impl std::fmt::Display for Malformed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotJson(e) => write!(f, "not JSON: {e}"),
            Self::NotJsonRpc => f.write_str(
                "not a JSON-RPC message (an object with a method, or an id with a result or \
                 error)",
            ),
        }
    }
}

/// Classify one line (without its newline).
pub(crate) fn classify(line: &[u8]) -> Result<Kind<'_>, Malformed> {
    if line.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        // Still check it is JSON, so garbage is never forwarded.
        serde_json::from_slice::<&RawValue>(line).map_err(|e| Malformed::NotJson(e.to_string()))?;
        return Ok(Kind::Batch);
    }
    let env: Envelope<'_> =
        serde_json::from_slice(line).map_err(|e| Malformed::NotJson(e.to_string()))?;
    match (env.method, env.id) {
        (Some(method), Some(id)) => Ok(Kind::Request {
            id,
            method,
            params: env.params,
        }),
        (Some(method), None) => Ok(Kind::Notification { method }),
        (None, Some(id)) if env.result.is_some() || env.error.is_some() => Ok(Kind::Response {
            id,
            result: env.result,
        }),
        _ => Err(Malformed::NotJsonRpc),
    }
}

/// The key of an id.
pub(crate) fn id_key(id: &RawValue) -> IdKey {
    id.get().trim().to_owned()
}

/// A JSON-RPC error response, as one line.
pub(crate) fn error_response(
    id: Option<&RawValue>,
    code: i64,
    message: &str,
    data: Option<serde_json::Value>,
) -> Vec<u8> {
    let id: serde_json::Value = id
        .and_then(|raw| serde_json::from_str(raw.get()).ok())
        .unwrap_or(serde_json::Value::Null);
    let mut error = serde_json::json!({"code": code, "message": message});
    if let Some(data) = data {
        error["data"] = data;
    }
    let mut line = serde_json::to_vec(&serde_json::json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": error,
    }))
    .unwrap_or_default();
    line.push(b'\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        let req = br#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"x"}}"#;
        match classify(req).unwrap() {
            Kind::Request { id, method, params } => {
                assert_eq!(id_key(id), "7");
                assert_eq!(method, "tools/call");
                assert_eq!(params.unwrap().get(), r#"{"name":"x"}"#);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            classify(br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#).unwrap(),
            Kind::Notification { .. }
        ));
        assert!(matches!(
            classify(br#"{"jsonrpc":"2.0","id":"a","result":{}}"#).unwrap(),
            Kind::Response {
                result: Some(_),
                ..
            }
        ));
        assert!(matches!(
            classify(br#"{"jsonrpc":"2.0","id":"a","error":{"code":1,"message":"m"}}"#).unwrap(),
            Kind::Response { result: None, .. }
        ));
        assert!(matches!(classify(b" [1]").unwrap(), Kind::Batch));
        assert!(matches!(classify(b"[1"), Err(Malformed::NotJson(_))));
        assert!(matches!(classify(b"{}"), Err(Malformed::NotJsonRpc)));
        assert!(matches!(classify(b"nope"), Err(Malformed::NotJson(_))));
        // Escapes in the method name are decoded.
        match classify(br#"{"id":1,"method":"tools\/call"}"#).unwrap() {
            Kind::Request { method, .. } => assert_eq!(method, "tools/call"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn error_lines_echo_the_id() {
        let raw: &RawValue = serde_json::from_str(r#""x-1""#).unwrap();
        let line = error_response(Some(raw), -32001, "no", None);
        assert_eq!(
            String::from_utf8(line).unwrap(),
            "{\"jsonrpc\":\"2.0\",\"id\":\"x-1\",\"error\":{\"code\":-32001,\"message\":\"no\"}}\n"
        );
    }
}
