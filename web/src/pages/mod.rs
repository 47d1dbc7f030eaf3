//! One module per page.

pub(crate) mod docs;
pub(crate) mod errors;
pub(crate) mod home;
pub(crate) mod log;
pub(crate) mod namespace;
pub(crate) mod search;
pub(crate) mod server;
