//! The report for people: the configuration files, a table of the servers, then each
//! server's findings.

use super::report::{ConfigReport, ServerReport};
use super::safe_display::printable;

pub(super) fn render(
    configs: &[ConfigReport],
    servers: &[ServerReport],
    explicit: bool,
    (high, warning, info): (usize, usize, usize),
) -> String {
    let mut text = String::new();
    if configs.is_empty() {
        text.push_str(if explicit {
            "no configuration files given\n"
        } else {
            "no MCP client configuration found in the known locations (pass --config PATH)\n"
        });
        return text;
    }
    text.push_str("MCP client configurations:\n");
    for c in configs {
        match &c.error {
            Some(error) => text.push_str(&format!(
                "  {} ({}): skipped: {}\n",
                c.path, c.client, error
            )),
            None => text.push_str(&format!(
                "  {} ({}): {} server{}\n",
                c.path,
                c.client,
                c.servers,
                if c.servers == 1 { "" } else { "s" }
            )),
        }
        for p in &c.problems {
            text.push_str(&format!(
                "    skipped {}: {}\n",
                printable(&p.server),
                p.message
            ));
        }
    }
    if servers.is_empty() {
        text.push_str("\nno servers configured\n");
        return text;
    }

    let rows: Vec<[String; 6]> = servers
        .iter()
        .map(|s| {
            let (package, version) = match &s.package {
                Some(p) => (
                    p.source.clone(),
                    match (&p.version, p.pinned) {
                        (Some(v), _) => v.clone(),
                        (None, false) => "unpinned".to_owned(),
                        (None, true) => "-".to_owned(),
                    },
                ),
                None => (s.runs.clone(), "-".to_owned()),
            };
            [
                format!("{}{}", s.name, if s.disabled { " (disabled)" } else { "" }),
                s.client.to_owned(),
                package,
                version,
                s.sandbox.to_owned(),
                s.verdict
                    .as_ref()
                    .map_or_else(|| "-".to_owned(), |v| v.level.to_string()),
            ]
        })
        .collect();
    let headers = [
        "SERVER", "CLIENT", "PACKAGE", "VERSION", "SANDBOX", "VERDICT",
    ];
    let mut widths = headers.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count().min(56));
        }
    }
    text.push('\n');
    let line = |cells: Vec<String>, highest: &str| {
        let mut l = String::from("  ");
        for (cell, w) in cells.iter().zip(widths) {
            l.push_str(&pad(cell, w));
            l.push_str("  ");
        }
        l.push_str(highest);
        l.push('\n');
        l
    };
    text.push_str(&line(headers.map(str::to_owned).to_vec(), "HIGHEST"));
    for (row, s) in rows.iter().zip(servers) {
        let highest = s
            .highest
            .map_or_else(|| "-".to_owned(), |h| h.as_str().to_uppercase());
        text.push_str(&line(row.to_vec(), &highest));
    }

    for s in servers {
        text.push_str(&format!(
            "\n{} ({}, {} {})\n",
            s.name, s.client, s.config, s.at
        ));
        text.push_str(&format!("  runs: {}\n", s.runs));
        for f in &s.findings {
            text.push_str(&format!(
                "  {:<8} {:<18} {}\n",
                f.severity.as_str().to_uppercase(),
                f.code,
                f.message
            ));
        }
    }
    let n_configs = configs.iter().filter(|c| c.error.is_none()).count();
    text.push_str(&format!(
        "\n{} server{} in {} configuration{}: {high} high, {warning} warning, {info} info\n",
        servers.len(),
        if servers.len() == 1 { "" } else { "s" },
        n_configs,
        if n_configs == 1 { "" } else { "s" },
    ));
    text
}

/// `cell` padded (or cut with `…`) to `width` characters.
fn pad(cell: &str, width: usize) -> String {
    let n = cell.chars().count();
    if n > width {
        let mut s: String = cell.chars().take(width.saturating_sub(1)).collect();
        s.push('…');
        s
    } else {
        format!("{cell}{}", " ".repeat(width - n))
    }
}
