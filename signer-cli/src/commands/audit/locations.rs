//! Where MCP clients keep their server configurations, per operating system.
//!
//! | client | macOS | Linux | Windows | project (current folder) |
//! |---|---|---|---|---|
//! | Claude Desktop | `~/Library/Application Support/Claude/claude_desktop_config.json` | `$XDG_CONFIG_HOME/Claude/claude_desktop_config.json` | `%APPDATA%\Claude\claude_desktop_config.json` | |
//! | Claude Code | `~/.claude.json` (user and per-project `mcpServers`) | same | `%USERPROFILE%\.claude.json` | `.mcp.json` |
//! | Cursor | `~/.cursor/mcp.json` | same | `%USERPROFILE%\.cursor\mcp.json` | `.cursor/mcp.json` |
//! | VS Code (and Insiders) | `~/Library/Application Support/Code/User/{mcp.json,settings.json}` | `$XDG_CONFIG_HOME/Code/User/...` | `%APPDATA%\Code\User\...` | `.vscode/mcp.json` |
//! | Windsurf | `~/.codeium/windsurf/mcp_config.json` | same | `%USERPROFILE%\.codeium\windsurf\mcp_config.json` | |
//! | Gemini CLI | `~/.gemini/settings.json` | same | `%USERPROFILE%\.gemini\settings.json` | `.gemini/settings.json` |
//!
//! `~` is `$HOME` (on Windows `%USERPROFILE%`, then `$HOME`); `$XDG_CONFIG_HOME` defaults to
//! `~/.config` and `%APPDATA%` to `~\AppData\Roaming`. All come from the environment, so tests
//! (and users auditing another account) can point them elsewhere.

use std::path::{Path, PathBuf};

/// The operating systems whose locations differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Os {
    Mac,
    Linux,
    Windows,
}

impl Os {
    pub(crate) fn current() -> Self {
        if cfg!(target_os = "macos") {
            Self::Mac
        } else if cfg!(windows) {
            Self::Windows
        } else {
            Self::Linux
        }
    }
}

/// The folder a location is relative to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Base {
    Home,
    /// `%APPDATA%` on Windows, `~/Library/Application Support` on macOS, `$XDG_CONFIG_HOME`
    /// on Linux: where desktop applications keep their settings.
    AppConfig,
    /// The current folder: project configurations.
    Project,
}

pub(crate) const CLAUDE_DESKTOP: &str = "Claude Desktop";
pub(crate) const CLAUDE_CODE: &str = "Claude Code";
pub(crate) const CURSOR: &str = "Cursor";
pub(crate) const VS_CODE: &str = "VS Code";
pub(crate) const WINDSURF: &str = "Windsurf";
pub(crate) const GEMINI: &str = "Gemini CLI";

/// The table (see the module documentation): each client's files, relative to a base folder
/// and `/`-separated. Every client uses the same relative paths on every system; only the
/// base folders differ.
const LOCATIONS: &[(&str, &[(Base, &str)])] = {
    use Base::{AppConfig, Home, Project};
    &[
        (
            CLAUDE_DESKTOP,
            &[(AppConfig, "Claude/claude_desktop_config.json")],
        ),
        (
            CLAUDE_CODE,
            &[(Home, ".claude.json"), (Project, ".mcp.json")],
        ),
        (
            CURSOR,
            &[(Home, ".cursor/mcp.json"), (Project, ".cursor/mcp.json")],
        ),
        (
            VS_CODE,
            &[
                (AppConfig, "Code/User/mcp.json"),
                (AppConfig, "Code/User/settings.json"),
                (AppConfig, "Code - Insiders/User/mcp.json"),
                (AppConfig, "Code - Insiders/User/settings.json"),
                (Project, ".vscode/mcp.json"),
            ],
        ),
        (WINDSURF, &[(Home, ".codeium/windsurf/mcp_config.json")]),
        (
            GEMINI,
            &[
                (Home, ".gemini/settings.json"),
                (Project, ".gemini/settings.json"),
            ],
        ),
    ]
};

/// The environment the locations are resolved in.
#[derive(Debug, Clone, Default)]
pub(crate) struct Env {
    pub(crate) home: Option<PathBuf>,
    pub(crate) userprofile: Option<PathBuf>,
    pub(crate) appdata: Option<PathBuf>,
    pub(crate) xdg_config_home: Option<PathBuf>,
    pub(crate) cwd: Option<PathBuf>,
}

impl Env {
    /// From this process's environment.
    pub(crate) fn from_process() -> Self {
        let var = |k: &str| {
            std::env::var_os(k)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        Self {
            home: var("HOME"),
            userprofile: var("USERPROFILE"),
            appdata: var("APPDATA"),
            xdg_config_home: var("XDG_CONFIG_HOME"),
            cwd: std::env::current_dir().ok(),
        }
    }

    pub(crate) fn home(&self, os: Os) -> Option<&Path> {
        match os {
            Os::Windows => self.userprofile.as_deref().or(self.home.as_deref()),
            _ => self.home.as_deref(),
        }
    }

    fn app_config(&self, os: Os) -> Option<PathBuf> {
        match os {
            Os::Mac => self
                .home(os)
                .map(|h| h.join("Library").join("Application Support")),
            Os::Linux => self
                .xdg_config_home
                .clone()
                .or_else(|| self.home(os).map(|h| h.join(".config"))),
            Os::Windows => self
                .appdata
                .clone()
                .or_else(|| self.home(os).map(|h| h.join("AppData").join("Roaming"))),
        }
    }
}

/// A configuration file to look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Candidate {
    pub(crate) client: &'static str,
    pub(crate) path: PathBuf,
}

/// Every known location on `os`, resolved in `env`, without duplicates (when the current
/// folder is the home folder, `.cursor/mcp.json` is one file).
pub(crate) fn candidates(os: Os, env: &Env) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    let files = LOCATIONS.iter().flat_map(|(client, files)| {
        files
            .iter()
            .map(move |(base, path)| (*client, *base, *path))
    });
    for (client, base, rel) in files {
        let base = match base {
            Base::Home => env.home(os).map(Path::to_path_buf),
            Base::AppConfig => env.app_config(os),
            Base::Project => env.cwd.clone(),
        };
        let Some(base) = base else { continue };
        let path = rel.split('/').fold(base, |p, part| p.join(part));
        if out.iter().any(|c| c.path == path) {
            continue;
        }
        out.push(Candidate { client, path });
    }
    out
}

/// Which client a file given with `--config` belongs to, from its name and folder.
pub(crate) fn guess_client(path: &Path) -> &'static str {
    let text = path.to_string_lossy().replace('\\', "/");
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if name == "claude_desktop_config.json" {
        CLAUDE_DESKTOP
    } else if name == ".claude.json" || name == ".mcp.json" {
        CLAUDE_CODE
    } else if text.contains(".cursor/") {
        CURSOR
    } else if text.contains("windsurf") || name == "mcp_config.json" {
        WINDSURF
    } else if text.contains(".gemini/") {
        GEMINI
    } else if text.contains("/Code") || text.contains(".vscode/") {
        VS_CODE
    } else {
        "unknown client"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> Env {
        Env {
            home: Some(PathBuf::from("/h")),
            userprofile: Some(PathBuf::from("C:/Users/u")),
            appdata: Some(PathBuf::from("C:/Users/u/AppData/Roaming")),
            xdg_config_home: None,
            cwd: Some(PathBuf::from("/p")),
        }
    }

    fn paths(os: Os) -> Vec<String> {
        candidates(os, &env())
            .into_iter()
            .map(|c| format!("{}: {}", c.client, c.path.display()))
            .collect()
    }

    #[test]
    fn every_client_has_its_locations_on_every_os() {
        let mac = paths(Os::Mac);
        assert!(
            mac.contains(
                &"Claude Desktop: /h/Library/Application Support/Claude/claude_desktop_config.json"
                    .to_owned()
            )
        );
        assert!(
            mac.contains(&"VS Code: /h/Library/Application Support/Code/User/mcp.json".to_owned())
        );
        let linux = paths(Os::Linux);
        assert!(
            linux.contains(
                &"Claude Desktop: /h/.config/Claude/claude_desktop_config.json".to_owned()
            )
        );
        assert!(linux.contains(&"Claude Code: /h/.claude.json".to_owned()));
        assert!(linux.contains(&"Claude Code: /p/.mcp.json".to_owned()));
        assert!(linux.contains(&"Cursor: /h/.cursor/mcp.json".to_owned()));
        assert!(linux.contains(&"Windsurf: /h/.codeium/windsurf/mcp_config.json".to_owned()));
        assert!(linux.contains(&"Gemini CLI: /h/.gemini/settings.json".to_owned()));
        assert!(linux.contains(&"VS Code: /p/.vscode/mcp.json".to_owned()));
        let win = paths(Os::Windows);
        assert!(
            win.contains(
                &"Claude Desktop: C:/Users/u/AppData/Roaming/Claude/claude_desktop_config.json"
                    .to_owned()
            )
        );
        assert!(win.contains(&"Cursor: C:/Users/u/.cursor/mcp.json".to_owned()));
        assert!(
            win.contains(&"VS Code: C:/Users/u/AppData/Roaming/Code/User/settings.json".to_owned())
        );
    }

    #[test]
    fn the_home_folder_as_project_is_not_read_twice() {
        let mut e = env();
        e.cwd = e.home.clone();
        let all = candidates(Os::Linux, &e);
        let cursor = all
            .iter()
            .filter(|c| c.path == Path::new("/h/.cursor/mcp.json"))
            .count();
        assert_eq!(cursor, 1);
    }

    #[test]
    fn clients_are_guessed_from_paths() {
        assert_eq!(
            guess_client(Path::new("x/claude_desktop_config.json")),
            CLAUDE_DESKTOP
        );
        assert_eq!(guess_client(Path::new("/h/.cursor/mcp.json")), CURSOR);
        assert_eq!(guess_client(Path::new("/p/.vscode/mcp.json")), VS_CODE);
        assert_eq!(guess_client(Path::new("/h/.gemini/settings.json")), GEMINI);
        assert_eq!(guess_client(Path::new("a.json")), "unknown client");
    }
}
