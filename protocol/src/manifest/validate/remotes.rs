//! `remotes[]`: a remote transport, its URL and the template variables it uses.

use std::collections::BTreeSet;

use serde_json::Value;

use super::Checker;
use super::json_reads::child;
use super::url_template::{substitute_template, template_variables};
use crate::names::excerpt;

impl<'a> Checker<'a> {
    pub(super) fn remote(&mut self, path: &str, value: &'a Value) {
        let Some(obj) = self.as_object(value, path) else {
            return;
        };
        let mut variables = BTreeSet::new();
        if let Some(vars) = self.object(obj, path, "variables", false) {
            let p = child(path, "variables");
            for (name, var) in vars {
                variables.insert(name.as_str());
                let vp = child(&p, name);
                if let Some(var) = self.as_object(var, &vp) {
                    self.input_fields(var, &vp);
                }
            }
        }
        match self.string(obj, path, "type", true) {
            Some(t @ ("streamable-http" | "sse")) => {
                if !obj.contains_key("url") {
                    self.error(
                        &child(path, "url"),
                        "missing-field",
                        format!("a {t} remote needs a url"),
                    );
                } else if let Some(url) = self.string(obj, path, "url", false) {
                    let p = child(path, "url");
                    if self.transport_url_shape(&p, url) {
                        self.remote_url(&p, url, &variables);
                    }
                }
                self.headers(obj, path);
            }
            Some(other) => self.error(
                &child(path, "type"),
                "unknown-transport-type",
                format!(
                    "{:?} is not a remote transport type; use streamable-http or sse",
                    excerpt(other)
                ),
            ),
            None => {}
        }
    }

    /// Remotes are public endpoints: https, not localhost, variables defined.
    pub(super) fn remote_url(&mut self, path: &str, url: &str, variables: &BTreeSet<&str>) {
        let undefined: Vec<&str> = template_variables(url)
            .filter(|v| !variables.contains(v))
            .collect();
        if !undefined.is_empty() {
            self.error(
                path,
                "undefined-url-variable",
                format!(
                    "the url uses {} that the remote's variables do not define",
                    undefined
                        .iter()
                        .map(|v| format!("{{{v}}}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
            return;
        }
        let Ok(parsed) = url::Url::parse(&substitute_template(url)) else {
            return;
        };
        let host = parsed.host_str().unwrap_or_default();
        if parsed.scheme() != "https" {
            self.error(path, "invalid-remote-url", "a remote's url must use https");
        } else if host == "localhost"
            || host == "127.0.0.1"
            || host == "[::1]"
            || host.ends_with(".localhost")
        {
            self.error(
                path,
                "invalid-remote-url",
                "a remote's url cannot point at localhost",
            );
        }
    }
}
