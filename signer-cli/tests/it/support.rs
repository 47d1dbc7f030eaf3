//! Running the `mcp-sign` binary from a scratch folder (testkit's `Scratch`), with no password
//! in the environment and stdin not a terminal.

use assert_cmd::Command;

pub use testkit::scratch::{Run, Scratch, filters};

/// `mcp-sign` runs in a scratch folder. A trait because `Scratch` is testkit's and the binary
/// (`CARGO_BIN_EXE_mcp-sign`) is only known to this crate's tests.
pub trait McpSign {
    /// `mcp-sign` in this folder, with no password in the environment.
    fn mcp_sign(&self) -> Command;

    /// Run `mcp-sign` with these arguments.
    fn run(&self, args: &[&str]) -> Run {
        Run::from(self.mcp_sign().args(args).output().unwrap())
    }

    /// Run `mcp-sign` with these arguments and `MCP_SIGN_PASSWORD` set.
    fn run_with_password(&self, args: &[&str], password: &str) -> Run {
        Run::from(
            self.mcp_sign()
                .args(args)
                .env("MCP_SIGN_PASSWORD", password)
                .output()
                .unwrap(),
        )
    }

    /// An unencrypted key pair `<name>.pub` / `<name>.key` made by `mcp-sign keygen`.
    fn keygen(&self, name: &str) {
        let (pk, sk) = (format!("{name}.pub"), format!("{name}.key"));
        self.run(&["keygen", "--no-password", "-p", &pk, "-s", &sk])
            .success();
    }
}

impl McpSign for Scratch {
    fn mcp_sign(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_mcp-sign"));
        cmd.current_dir(self.root()).env_remove("MCP_SIGN_PASSWORD");
        cmd
    }
}
