//! The official server.json (schema 2025-12-11) as Rust types.
//!
//! These types are a typed *view* of a manifest that has already been checked (see
//! [`Manifest::parse`](super::Manifest::parse)); the manifest's exact bytes stay the source of
//! truth. Field names follow the JSON (camelCase); unknown fields are tolerated so newer
//! manifests still load. Validated strings are typed ([`ServerName`], [`Version`],
//! [`Sha256Digest`]); URLs stay strings so they round-trip unchanged.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::manifest::digest::Sha256Digest;
use crate::names::{PackageRef, ServerName, Version};

/// A server.json document: the official registry's `ServerDetail`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerJson {
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub name: ServerName,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub version: Version,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<Repository>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub packages: Vec<Package>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remotes: Vec<Remote>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub icons: Vec<Icon>,
    /// Extension metadata keyed by reverse-DNS names; ours is
    /// [`RELEASE_META_KEY`](crate::formats::RELEASE_META_KEY).
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Map<String, Value>>,
}

/// Where the server's source code lives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Repository {
    pub url: String,
    /// The hosting service, such as `github` or `gitlab`.
    pub source: String,
    /// The forge's stable repository id (detects a deleted and re-created repository).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// A clean relative path to the server inside a monorepo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subfolder: Option<String>,
}

/// A package a client can install the server from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Package {
    /// `npm`, `pypi`, `oci`, `nuget`, `mcpb`, or another registry the official schema may add.
    pub registry_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry_base_url: Option<String>,
    /// The package name, or for `mcpb` the download URL.
    pub identifier: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<Version>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_sha256: Option<Sha256Digest>,
    /// `npx`, `uvx`, `docker`, `dnx`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime_hint: Option<String>,
    pub transport: Transport,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub runtime_arguments: Vec<Argument>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub package_arguments: Vec<Argument>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub environment_variables: Vec<KeyValueInput>,
}

impl Package {
    /// This package as a [`PackageRef`] (`npm:@scope/pkg@1.2.3`, ...), if its registry type is
    /// one a reference can name and its identifier is well formed.
    pub fn package_ref(&self) -> Option<PackageRef> {
        PackageRef::from_parts(
            &self.registry_type,
            &self.identifier,
            self.version.as_ref().map(Version::as_str),
        )
        .ok()
    }
}

/// How a client talks to a locally run package.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Transport {
    #[serde(rename = "stdio")]
    Stdio {},
    /// Streamable HTTP or SSE, spelled as a remote's transport (its own `type`). The URL may
    /// contain `{variables}` naming the package's arguments or environment variables.
    #[serde(untagged)]
    Http(RemoteTransport),
}

/// A hosted endpoint of the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Remote {
    #[serde(flatten)]
    pub transport: RemoteTransport,
    /// Values for `{variables}` in the URL.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub variables: BTreeMap<String, Input>,
}

/// The transports a remote can use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum RemoteTransport {
    #[serde(rename = "streamable-http")]
    StreamableHttp {
        url: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        headers: Vec<KeyValueInput>,
    },
    #[serde(rename = "sse")]
    Sse {
        url: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        headers: Vec<KeyValueInput>,
    },
}

impl RemoteTransport {
    pub fn url(&self) -> &str {
        match self {
            Self::StreamableHttp { url, .. } | Self::Sse { url, .. } => url,
        }
    }

    pub fn headers(&self) -> &[KeyValueInput] {
        match self {
            Self::StreamableHttp { headers, .. } | Self::Sse { headers, .. } => headers,
        }
    }
}

/// A value the user (or the client) supplies: an argument, an environment variable, a header.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Input {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub is_required: bool,
    /// A password, token or key: clients must handle it securely.
    #[serde(default, skip_serializing_if = "is_false")]
    pub is_secret: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<InputFormat>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
    /// A fixed value; `{variables}` in it are replaced from [`Input::variables`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub variables: BTreeMap<String, Input>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// How an input's value is to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InputFormat {
    String,
    Number,
    Boolean,
    Filepath,
}

/// A named input: an environment variable or an HTTP header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyValueInput {
    pub name: String,
    #[serde(flatten)]
    pub input: Input,
}

/// A command-line argument.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Argument {
    /// A value inserted verbatim.
    Positional(PositionalArgument),
    /// A `--flag` with a value.
    Named(NamedArgument),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PositionalArgument {
    /// A label for the argument (not part of the command line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_hint: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub is_repeated: bool,
    #[serde(flatten)]
    pub input: Input,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NamedArgument {
    /// The flag, leading dashes included.
    pub name: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub is_repeated: bool,
    #[serde(flatten)]
    pub input: Input,
}

/// An icon for user interfaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Icon {
    /// An https URL.
    pub src: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<IconMimeType>,
    /// `WxH` or `any`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sizes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<IconTheme>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum IconMimeType {
    #[serde(rename = "image/png")]
    Png,
    #[serde(rename = "image/jpeg")]
    Jpeg,
    #[serde(rename = "image/jpg")]
    Jpg,
    #[serde(rename = "image/svg+xml")]
    Svg,
    #[serde(rename = "image/webp")]
    Webp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IconTheme {
    Light,
    Dark,
}
