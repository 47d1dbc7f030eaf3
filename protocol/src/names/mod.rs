//! Names: server names, their namespaces, versions and package references.
//!
//! Each type is parsed once, from a string, into a value that is known to be valid ("parse,
//! don't validate"). `Display` writes back exactly the string that was parsed, and the serde
//! impls go through the same parser, so a value read from JSON is as valid as one built in code.
//!
//! One file per type: [`namespace`](Namespace), [`server_name`](ServerName),
//! [`version`](Version), [`registry_type`](RegistryType) and [`package_ref`](PackageRef);
//! `token` holds the character rules they share, `string_serde` their serde impls and
//! `excerpt` the quoting of rejected input.

mod excerpt;
mod namespace;
mod package_ref;
mod registry_type;
mod server_name;
mod string_serde;
mod token;
mod version;

pub(crate) use excerpt::excerpt;
pub use namespace::Namespace;
pub use package_ref::{PackageRef, normalize_pypi_name};
pub use registry_type::RegistryType;
pub use server_name::ServerName;
pub(crate) use server_name::{ServerNameProblem, server_name_problem};
pub(crate) use string_serde::string_serde;
pub use version::Version;
pub(crate) use version::{VersionProblem, version_problem};
