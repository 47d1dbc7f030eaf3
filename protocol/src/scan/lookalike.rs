//! Look-alike tool names: a name that mixes scripts (`ѕend_email` with a Cyrillic `ѕ`),
//! writes a well-known tool's name with digits or look-alike letters (`read_fi1e`), or is one
//! typo away from it (`read_fle`, `reaad_file`, `raed_file`, `reed_file`; see `typo`), so the
//! model calls it instead of the real one.

use super::fold::{fold, is_confusable};
use super::hidden::Hit;
use super::{Code, Severity};

/// Tool names of the reference servers and of popular servers, which look-alikes imitate.
const KNOWN: &[&str] = &[
    "read_file",
    "write_file",
    "edit_file",
    "list_directory",
    "directory_tree",
    "move_file",
    "search_files",
    "get_file_info",
    "read_multiple_files",
    "create_directory",
    "list_allowed_directories",
    "send_email",
    "execute_command",
    "run_command",
    "brave_web_search",
    "brave_local_search",
    "search_repositories",
    "create_issue",
    "create_pull_request",
    "get_file_contents",
    "push_files",
    "create_or_update_file",
    "fork_repository",
    "create_branch",
    "slack_post_message",
    "slack_list_channels",
    "get_weather",
    "fetch",
    "git_status",
    "git_commit",
    "git_diff",
    "puppeteer_navigate",
    "search_code",
    "list_issues",
    "get_issue",
    "update_issue",
    "add_issue_comment",
    "read_text_file",
    "read_media_file",
    "create_entities",
    "search_nodes",
    "list_commits",
    "search_issues",
    "create_repository",
    "get_pull_request",
    "merge_pull_request",
    "list_pull_requests",
];

/// The name with digits and look-alike letters replaced: `0`→`o`, `1`/`I`/`|`→`l`, `3`→`e`,
/// `5`→`s`, `rn`→`m`, `i`→`l` (so `repositorles` meets `repositories`).
fn skeleton(name: &str) -> String {
    let folded = fold(name).text;
    let mut out = String::with_capacity(folded.len());
    for (c, orig) in folded
        .chars()
        .zip(name.chars().chain(std::iter::repeat(' ')))
    {
        out.push(match c {
            '0' => 'o',
            '1' | '|' | 'i' => 'l',
            'l' if orig == 'I' => 'l',
            '3' => 'e',
            '5' => 's',
            _ => c,
        });
    }
    out.replace("rn", "m")
}

/// A hit on the whole name if it imitates a known tool or mixes scripts.
pub(super) fn check_name(name: &str) -> Option<Hit> {
    let mixed = name.chars().any(char::is_alphabetic)
        && name.chars().any(|c| c.is_ascii_alphabetic())
        && name.chars().any(is_confusable);
    let sk = skeleton(name);
    let imitated = KNOWN
        .iter()
        .find(|k| **k != name && skeleton(k) == sk && !name.eq_ignore_ascii_case(k));
    let message = match (imitated, mixed) {
        (Some(k), _) => format!("a tool name that imitates the well-known tool \"{k}\""),
        (None, true) => {
            "a tool name that mixes Latin letters with Cyrillic or Greek look-alikes".to_owned()
        }
        (None, false) => {
            let (k, how) = super::typo::imitates(name, KNOWN)?;
            format!("a tool name one typo ({how}) away from the well-known tool \"{k}\"")
        }
    };
    Some(Hit::plain(
        Code::Obfuscation,
        Severity::High,
        0..name.len(),
        message,
    ))
}

#[cfg(test)]
mod tests {
    use super::check_name;

    #[test]
    fn lookalikes_and_honest_names() {
        for bad in [
            "read_fi1e",
            "ѕend_email",
            "search_repositorles",
            "search_fiIes",
            "execute_cornmand",
        ] {
            assert!(check_name(bad).is_some(), "{bad}");
        }
        for good in [
            "read_file",
            "file1_compare",
            "s3_list_buckets",
            "k8s_get_pods",
            "get_i18n_strings",
            "получить_погоду",
        ] {
            assert!(check_name(good).is_none(), "{good}");
        }
    }
}
