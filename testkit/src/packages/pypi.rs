//! PyPI's JSON API: `GET /pypi/NAME/VERSION/json`.

use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use protocol::manifest::digest::Sha256Digest;
use serde_json::json;

use super::{FakeRegistries, World};

impl FakeRegistries {
    /// Publishes a PyPI release with a wheel and an sdist, as `/pypi/NAME/VERSION/json` shows.
    pub fn add_pypi(&self, name: &str, version: &str, readme: &str, wheel: &[u8]) -> Sha256Digest {
        let mut w = self.world.lock().unwrap();
        let sha = Sha256Digest::of(wheel);
        let sdist = Sha256Digest::of(b"sdist bytes");
        let under = name.replace('-', "_");
        let file = |filename: String, sha: String, packagetype: &str, pyver: &str| {
            json!({
                "comment_text": "",
                "digests": {"blake2b_256": "9c1e0d4f2b7a8e5c3d6f1a0b9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d", "md5": "0f343b0931126a20f133d67c2b018a3b", "sha256": sha},
                "downloads": -1,
                "filename": filename,
                "has_sig": false,
                "md5_digest": "0f343b0931126a20f133d67c2b018a3b",
                "packagetype": packagetype,
                "python_version": pyver,
                "requires_python": ">=3.10",
                "size": 12345,
                "upload_time": "2025-06-01T12:00:00",
                "upload_time_iso_8601": "2025-06-01T12:00:00.123456Z",
                "url": format!("https://files.pythonhosted.org/packages/9c/1e/0d4f/{under}-{version}.whl"),
                "yanked": false,
                "yanked_reason": null
            })
        };
        let doc = json!({
            "info": {
                "author": null,
                "author_email": "Octo <octo@example.com>",
                "classifiers": ["Programming Language :: Python :: 3"],
                "description": readme,
                "description_content_type": "text/markdown",
                "home_page": null,
                "license": "MIT",
                "name": name,
                "package_url": format!("https://pypi.org/project/{name}/"),
                "project_urls": {"Repository": "https://github.com/octo/weather"},
                "release_url": format!("https://pypi.org/project/{name}/{version}/"),
                "requires_dist": ["mcp>=1.10.0", "httpx>=0.28"],
                "requires_python": ">=3.10",
                "summary": "Weather forecasts for MCP clients",
                "version": version,
                "yanked": false,
                "yanked_reason": null
            },
            "last_serial": 29_383_712,
            "urls": [
                file(format!("{under}-{version}-py3-none-any.whl"), sha.to_string(), "bdist_wheel", "py3"),
                file(format!("{under}-{version}.tar.gz"), sdist.to_string(), "sdist", "source"),
            ],
            "vulnerabilities": []
        });
        w.pypi.insert(format!("{name}@{version}"), doc);
        sha
    }

    /// Publishes a PyPI release with exactly `files` (name, bytes), as `/pypi/NAME/VERSION/json`
    /// lists them.
    pub fn add_pypi_files(
        &self,
        name: &str,
        version: &str,
        readme: &str,
        files: &[(&str, Vec<u8>)],
    ) {
        let mut w = self.world.lock().unwrap();
        let urls: Vec<_> = files
            .iter()
            .map(|(filename, bytes)| {
                json!({
                    "digests": {"sha256": Sha256Digest::of(bytes).to_string()},
                    "filename": filename,
                    "packagetype": if filename.ends_with(".whl") { "bdist_wheel" } else { "sdist" },
                    "url": format!("https://files.pythonhosted.org/packages/{filename}"),
                    "yanked": false
                })
            })
            .collect();
        let doc = json!({
            "info": {"description": readme, "name": name, "version": version},
            "urls": urls,
        });
        w.pypi.insert(format!("{name}@{version}"), doc);
    }
}

pub(super) async fn doc(
    State(world): State<Arc<Mutex<World>>>,
    Path((name, version)): Path<(String, String)>,
) -> Response {
    let mut w = world.lock().unwrap();
    w.requests.push(format!("/pypi/{name}/{version}/json"));
    match w.pypi.get(&format!("{name}@{version}")) {
        Some(doc) => axum::Json(doc.clone()).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"message": "Not Found"})),
        )
            .into_response(),
    }
}
