#![doc = include_str!("../README.md")]

pub mod api;
pub mod artifact_state;
pub mod client;
pub mod error;
pub mod formats;
pub mod grant;
mod json_path;
pub mod log;
pub mod manifest;
pub mod minisign;
pub mod names;
pub mod oci_tag;
pub mod ownership;
pub mod scan;
pub mod trust;

pub use artifact_state::ArtifactState;
pub use error::{Error, Result};
pub use manifest::{Manifest, Problem, Severity};
pub use minisign::{KeyId, PublicKey, SecretKey, Signature};
pub use names::{Namespace, PackageRef, ServerName, Version};
