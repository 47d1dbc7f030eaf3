//! `icons[]`: source URL, MIME type, sizes and theme.

use serde_json::Value;

use super::Checker;
use super::json_reads::{child, item};
use crate::formats::{ICON_MIME_TYPES, ICON_SRC_MAX_LEN};
use crate::names::excerpt;

impl<'a> Checker<'a> {
    pub(super) fn icon(&mut self, path: &str, value: &'a Value) {
        let Some(obj) = self.as_object(value, path) else {
            return;
        };
        if let Some(src) = self.string(obj, path, "src", true) {
            let https =
                url::Url::parse(src).is_ok_and(|u| u.scheme() == "https" && u.host_str().is_some());
            if !https || src.chars().count() > ICON_SRC_MAX_LEN {
                self.error(
                    &child(path, "src"),
                    "invalid-icon-src",
                    format!(
                        "an icon's src is an https URL of at most {ICON_SRC_MAX_LEN} characters"
                    ),
                );
            }
        }
        if let Some(mime) = self.string(obj, path, "mimeType", false)
            && !ICON_MIME_TYPES.contains(&mime)
        {
            self.error(
                &child(path, "mimeType"),
                "invalid-icon-mime-type",
                format!(
                    "{:?} is not an allowed icon type ({})",
                    excerpt(mime),
                    ICON_MIME_TYPES.join(", ")
                ),
            );
        }
        if let Some(sizes) = self.array(obj, path, "sizes") {
            let p = child(path, "sizes");
            for (i, size) in sizes.iter().enumerate() {
                match size {
                    Value::String(s) if is_icon_size(s) => {}
                    Value::String(s) => self.error(
                        &item(&p, i),
                        "invalid-icon-size",
                        format!(
                            "{:?} is not a size; use WxH (like 48x48) or any",
                            excerpt(s)
                        ),
                    ),
                    other => self.wrong_type(&item(&p, i), "a string", other),
                }
            }
        }
        if let Some(theme) = self.string(obj, path, "theme", false)
            && theme != "light"
            && theme != "dark"
        {
            self.error(
                &child(path, "theme"),
                "invalid-icon-theme",
                "an icon's theme is light or dark",
            );
        }
    }
}

fn is_icon_size(s: &str) -> bool {
    s == "any"
        || s.split_once('x').is_some_and(|(w, h)| {
            !w.is_empty() && !h.is_empty() && w.bytes().chain(h.bytes()).all(|b| b.is_ascii_digit())
        })
}
