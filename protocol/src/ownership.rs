//! The ownership markers a package carries to name its MCP server, read one way by the
//! registry (checking a published package) and by `mcp-sign manifest init` (building a
//! manifest from a project): npm's package.json `mcpName` and `mcp-name: <server>` in a PyPI
//! README. The OCI label is a plain key/value lookup (`formats::artifacts::OCI_OWNERSHIP_LABEL`).

use serde_json::Value;

use crate::formats::artifacts::{NPM_OWNERSHIP_FIELD, PYPI_OWNERSHIP_MARKER};

/// Every server name a README names with `mcp-name: <name>`, in order.
///
/// The marker may sit anywhere (usually inside an HTML comment, `<!-- mcp-name: x/y -->`);
/// spaces or tabs may follow the colon, not a line break. The name is the longest run of the
/// characters server names use (letters, digits, `.`, `/`, `_`, `-`), without trailing `-` and
/// `.` (names end with a letter or digit), so `-->` or a full stop right after it are not part
/// of it and `io.github.a/b` is never read as a prefix of `io.github.a/bc`.
pub fn readme_server_names(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices(PYPI_OWNERSHIP_MARKER)
        .filter_map(move |(at, marker)| {
            let rest = text.get(at + marker.len()..)?;
            let rest = rest.trim_start_matches([' ', '\t']);
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || matches!(c, '.' | '/' | '_' | '-')))
                .unwrap_or(rest.len());
            let token = rest.get(..end)?.trim_end_matches(['-', '.']);
            (!token.is_empty()).then_some(token)
        })
}

/// Whether a README names `server` with an `mcp-name:` marker.
pub fn readme_names_server(text: &str, server: &str) -> bool {
    readme_server_names(text).any(|n| n == server)
}

/// The server name of an npm package.json (or the registry's version document, which carries
/// package.json's fields): its `mcpName` string, if any.
pub fn npm_server_name(package_json: &Value) -> Option<&str> {
    package_json
        .get(NPM_OWNERSHIP_FIELD)
        .and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn readme_markers() {
        let s = "io.github.a/b";
        assert!(readme_names_server(
            "# T\n\n<!-- mcp-name: io.github.a/b -->\n",
            s
        ));
        assert!(readme_names_server("mcp-name:io.github.a/b", s));
        assert!(readme_names_server("<!--mcp-name: io.github.a/b-->", s));
        assert!(readme_names_server("See mcp-name: io.github.a/b.", s));
        assert!(readme_names_server("mcp-name:\tio.github.a/b\n", s));
        assert!(!readme_names_server("mcp-name: io.github.a/bc", s));
        assert!(!readme_names_server("mcp-name: io.github.a/b_c", s));
        assert!(!readme_names_server("name: io.github.a/b", s));
        assert!(!readme_names_server("mcp-name:\nio.github.a/b", s));
        assert!(!readme_names_server("", s));
    }

    #[test]
    fn every_marker_is_read_in_order() {
        let text = "mcp-name: a.b/c\nmcp-name:   \nmcp-name: d.e/f-->";
        assert_eq!(
            readme_server_names(text).collect::<Vec<_>>(),
            ["a.b/c", "d.e/f"]
        );
        assert!(readme_names_server(text, "d.e/f"));
        // Text that is not ASCII around the marker does not trip the byte offsets.
        assert_eq!(
            readme_server_names("é mcp-name: ü.x/y é").collect::<Vec<_>>(),
            ["ü.x/y"]
        );
    }

    #[test]
    fn npm_field() {
        assert_eq!(
            npm_server_name(&json!({"name": "p", "mcpName": "io.github.a/b"})),
            Some("io.github.a/b")
        );
        assert_eq!(npm_server_name(&json!({"mcpName": 3})), None);
        assert_eq!(npm_server_name(&json!({"name": "p"})), None);
        assert_eq!(npm_server_name(&json!([])), None);
    }
}
