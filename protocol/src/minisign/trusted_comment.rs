//! The trusted comments mcp-sign and the registry write into signatures, in one format:
//! `timestamp:<unix seconds>\t<subject>`, where the subject is
//!
//! - `server:<name>@<version>` for a release manifest (`mcp-sign sign`, `publish`);
//! - `statement:<action>` for a signed statement (revoke-key, rotate-key, yank, unyank);
//! - `operator:<action> <subject>` for an operator statement (`mcp-registry admin`);
//! - `file:<name>\thashed` for any other file (minisign 0.11's default comment).
//!
//! The comment is signed with the data (the global signature), so a reader can trust what it
//! says: `mcp-sign publish` uses it to tell a signature made for another release apart.

use std::fmt;
use std::str::FromStr;

use crate::api::OperatorAction;
use crate::error::{Error, Result};
use crate::formats::minisign::TRUSTED_COMMENT_HASHED_TAG;
use crate::names::{ServerName, Version};

const TIMESTAMP: &str = "timestamp:";
const SERVER: &str = "server:";
const STATEMENT: &str = "statement:";
const OPERATOR: &str = "operator:";
const FILE: &str = "file:";

/// A parsed trusted comment. [`FromStr`] accepts exactly what [`Display`](fmt::Display)
/// writes, so a comment has one spelling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedComment {
    timestamp: u64,
    subject: CommentSubject,
}

/// What a trusted comment says was signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommentSubject {
    Release {
        name: ServerName,
        version: Version,
    },
    Statement {
        action: String,
    },
    Operator {
        action: OperatorAction,
        subject: String,
    },
    File {
        name: String,
        hashed: bool,
    },
}

/// Keeps free text a single field: the separators of the format (tab, and space where a
/// space separates fields) and line breaks become `_`, so the comment always parses back.
fn field(text: &str, space_too: bool) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || (space_too && c.is_whitespace()) {
                '_'
            } else {
                c
            }
        })
        .collect()
}

fn token_ok(text: &str) -> bool {
    !text.is_empty() && !text.chars().any(|c| c.is_control() || c.is_whitespace())
}

impl TrustedComment {
    /// `timestamp:<now>\tserver:<name>@<version>`.
    pub fn release(timestamp: u64, name: &ServerName, version: &Version) -> Self {
        Self {
            timestamp,
            subject: CommentSubject::Release {
                name: name.clone(),
                version: version.clone(),
            },
        }
    }

    /// `timestamp:<now>\tstatement:<action>` (`api::Statement::action`).
    pub fn statement(timestamp: u64, action: &str) -> Self {
        let action = if action.is_empty() {
            "_".to_owned()
        } else {
            field(action, true)
        };
        Self {
            timestamp,
            subject: CommentSubject::Statement { action },
        }
    }

    /// `timestamp:<now>\toperator:<action> <subject>`.
    pub fn operator(timestamp: u64, action: OperatorAction, subject: &str) -> Self {
        let subject = if subject.is_empty() {
            "_".to_owned()
        } else {
            field(subject, true)
        };
        Self {
            timestamp,
            subject: CommentSubject::Operator { action, subject },
        }
    }

    /// minisign's default, `timestamp:<now>\tfile:<name>\thashed` (prehashed signatures).
    pub fn file(timestamp: u64, name: &str) -> Self {
        Self {
            timestamp,
            subject: CommentSubject::File {
                name: field(name, false),
                hashed: true,
            },
        }
    }

    pub fn timestamp(&self) -> u64 {
        self.timestamp
    }

    pub fn subject(&self) -> &CommentSubject {
        &self.subject
    }

    /// The release a `server:` comment names, if it is one.
    pub fn release_of(&self) -> Option<(&ServerName, &Version)> {
        match &self.subject {
            CommentSubject::Release { name, version } => Some((name, version)),
            _ => None,
        }
    }
}

impl fmt::Display for TrustedComment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{TIMESTAMP}{}\t", self.timestamp)?;
        match &self.subject {
            CommentSubject::Release { name, version } => write!(f, "{SERVER}{name}@{version}"),
            CommentSubject::Statement { action } => write!(f, "{STATEMENT}{action}"),
            CommentSubject::Operator { action, subject } => {
                write!(f, "{OPERATOR}{action} {subject}")
            }
            CommentSubject::File { name, hashed } => {
                write!(f, "{FILE}{name}")?;
                if *hashed {
                    write!(f, "\t{TRUSTED_COMMENT_HASHED_TAG}")?;
                }
                Ok(())
            }
        }
    }
}

fn malformed(reason: impl Into<String>) -> Error {
    Error::Malformed {
        what: "the trusted comment",
        reason: reason.into(),
    }
}

impl FromStr for TrustedComment {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let (head, rest) = s
            .split_once('\t')
            .ok_or_else(|| malformed("expected timestamp:<unix seconds>, a tab, then a subject"))?;
        let digits = head
            .strip_prefix(TIMESTAMP)
            .ok_or_else(|| malformed("it does not start with timestamp:"))?;
        // Decimal without leading zeros: one spelling per timestamp.
        let canonical = !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (digits == "0" || !digits.starts_with('0'));
        let timestamp = canonical
            .then(|| digits.parse::<u64>().ok())
            .flatten()
            .ok_or_else(|| malformed(format!("the timestamp {digits:?} is not unix seconds")))?;

        let subject = if let Some(release) = rest.strip_prefix(SERVER) {
            // Server names have no `@`, so the first one ends the name.
            let (name, version) = release
                .split_once('@')
                .ok_or_else(|| malformed("expected server:<name>@<version>"))?;
            let name: ServerName = name.parse()?;
            let version: Version = version.parse()?;
            if name.as_str().contains(['\t', ' ']) || version.as_str().contains(['\t', ' ']) {
                return Err(malformed("the release has more than one field"));
            }
            CommentSubject::Release { name, version }
        } else if let Some(action) = rest.strip_prefix(STATEMENT) {
            if !token_ok(action) {
                return Err(malformed("expected statement:<action>, one word"));
            }
            CommentSubject::Statement {
                action: action.to_owned(),
            }
        } else if let Some(op) = rest.strip_prefix(OPERATOR) {
            let (action, subject) = op
                .split_once(' ')
                .ok_or_else(|| malformed("expected operator:<action> <subject>"))?;
            let action: OperatorAction = action.parse().map_err(malformed)?;
            if !token_ok(subject) {
                return Err(malformed("the operator statement's subject is one word"));
            }
            CommentSubject::Operator {
                action,
                subject: subject.to_owned(),
            }
        } else if let Some(file) = rest.strip_prefix(FILE) {
            let (name, hashed) = match file.strip_suffix(TRUSTED_COMMENT_HASHED_TAG) {
                Some(name) if name.ends_with('\t') => (&name[..name.len() - 1], true),
                _ => (file, false),
            };
            if name.chars().any(char::is_control) {
                return Err(malformed("the file name has a tab or control character"));
            }
            CommentSubject::File {
                name: name.to_owned(),
                hashed,
            }
        } else {
            return Err(malformed(
                "the subject is not server:, statement:, operator: or file:",
            ));
        };
        Ok(Self { timestamp, subject })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn release(name: &str, version: &str) -> TrustedComment {
        TrustedComment::release(
            7,
            &name.parse().expect("name"),
            &version.parse().expect("version"),
        )
    }

    #[test]
    fn every_kind_is_written_as_before() {
        assert_eq!(
            release("io.github.a/b", "1.2.3").to_string(),
            "timestamp:7\tserver:io.github.a/b@1.2.3"
        );
        assert_eq!(
            TrustedComment::statement(1, "yank").to_string(),
            "timestamp:1\tstatement:yank"
        );
        assert_eq!(
            TrustedComment::operator(2, OperatorAction::Flag, "io.github.a/b@1.0").to_string(),
            "timestamp:2\toperator:flag io.github.a/b@1.0"
        );
        assert_eq!(
            TrustedComment::file(3, "f.txt").to_string(),
            "timestamp:3\tfile:f.txt\thashed"
        );
        // Separators in free text cannot change what the comment says.
        assert_eq!(
            TrustedComment::file(3, "a\tb\nc").to_string(),
            "timestamp:3\tfile:a_b_c\thashed"
        );
        assert_eq!(
            TrustedComment::operator(2, OperatorAction::Official, "a b").to_string(),
            "timestamp:2\toperator:official a_b"
        );
    }

    #[test]
    fn parses_what_minisign_and_mcp_sign_write() {
        let c: TrustedComment = "timestamp:1795607452\tfile:f.txt\thashed"
            .parse()
            .expect("minisign's default");
        assert_eq!(
            c.subject(),
            &CommentSubject::File {
                name: "f.txt".into(),
                hashed: true
            }
        );
        assert_eq!(c.timestamp(), 1_795_607_452);
        let c: TrustedComment = "timestamp:0\tfile:test".parse().expect("legacy default");
        assert_eq!(c.to_string(), "timestamp:0\tfile:test");
        let c: TrustedComment = "timestamp:9\tserver:io.github.a/b@2.0.0"
            .parse()
            .expect("release");
        let (n, v) = c.release_of().expect("a release");
        assert_eq!((n.as_str(), v.as_str()), ("io.github.a/b", "2.0.0"));
        assert!(TrustedComment::statement(1, "yank").release_of().is_none());
    }

    #[test]
    fn refuses_other_spellings() {
        for bad in [
            "",
            "hello",
            "timestamp:1",
            "timestamp:01\tfile:x",
            "timestamp:-1\tfile:x",
            "timestamp:\tfile:x",
            "timestamp:99999999999999999999\tfile:x",
            "timestamp:1\tother:x",
            "timestamp:1\tserver:io.github.a/b",
            "timestamp:1\tserver:bad@1.0",
            "timestamp:1\tserver:io.github.a/b@latest",
            "timestamp:1\tstatement:",
            "timestamp:1\tstatement:a b",
            "timestamp:1\toperator:flag",
            "timestamp:1\toperator:ban x",
            "timestamp:1\toperator:flag a b",
            "timestamp:1\tfile:a\tb",
            " timestamp:1\tfile:x",
        ] {
            assert!(bad.parse::<TrustedComment>().is_err(), "{bad:?}");
        }
    }

    fn subject() -> impl Strategy<Value = CommentSubject> {
        prop_oneof![
            (
                "[a-z]{1,8}\\.[a-z]{1,8}/[a-z0-9]{1,12}",
                "[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}(-[a-z0-9]{1,5})?"
            )
                .prop_map(|(n, v)| CommentSubject::Release {
                    name: n.parse().expect("name"),
                    version: v.parse().expect("version"),
                }),
            "[a-z-]{1,12}".prop_map(|action| CommentSubject::Statement { action }),
            (0..4usize, "[!-~]{1,30}").prop_map(|(i, subject)| CommentSubject::Operator {
                action: OperatorAction::ALL[i],
                subject,
            }),
            ("[^\\p{Cc}]{0,30}", any::<bool>())
                .prop_map(|(name, hashed)| CommentSubject::File { name, hashed }),
        ]
    }

    proptest! {
        #[test]
        fn display_and_parse_round_trip(timestamp in any::<u64>(), subject in subject()) {
            let c = TrustedComment { timestamp, subject };
            let text = c.to_string();
            prop_assert_eq!(text.parse::<TrustedComment>().expect("parses"), c);
        }

        #[test]
        fn what_parses_is_written_back_identically(s in "timestamp:[0-9]{1,4}\t(server|statement|operator|file):[ -~\t]{0,30}") {
            if let Ok(c) = s.parse::<TrustedComment>() {
                prop_assert_eq!(c.to_string(), s);
            }
        }

        #[test]
        fn constructors_always_parse_back(timestamp in any::<u64>(), text in "\\PC{0,20}|[\t\n\r ]{0,3}") {
            for c in [
                TrustedComment::statement(timestamp, &text),
                TrustedComment::operator(timestamp, OperatorAction::Flag, &text),
                TrustedComment::file(timestamp, &text),
            ] {
                prop_assert_eq!(c.to_string().parse::<TrustedComment>().expect("parses"), c);
            }
        }
    }
}
