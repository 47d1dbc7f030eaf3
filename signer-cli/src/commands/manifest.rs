//! `manifest init` and `manifest check`: build a release manifest from a project folder, and
//! list every problem of one.

mod artifacts;
mod check;
mod init;
mod input;
mod project;
mod release_extension;
mod repository_url;
mod secrets;
mod tools;

pub(crate) use self::check::check;
pub(crate) use self::init::init;
