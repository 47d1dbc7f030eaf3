//! [`Code`]: what a finding is about, with its stable name and the role it plays when the
//! findings of one tool are weighed together.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What a finding is about. The kebab-case names are stable: programs and tests match on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    /// `<IMPORTANT>`, `<system>`, `<instructions>`, chat-template tokens.
    InstructionTag,
    /// `[HIDDEN ...]`, `[SYSTEM ...]`, `{{SYSTEM}}`.
    HiddenMarker,
    /// `<!-- ... -->`: invisible when the description is rendered as Markdown.
    HtmlComment,
    /// "ignore previous instructions", "you are now ...", "new instructions:".
    InstructionOverride,
    /// "before using this tool ... first", "this tool will not work unless", crash threats.
    Coercion,
    /// "do not tell the user", "the user should not see".
    Secrecy,
    /// `~/.ssh`, `id_rsa`, `.env`, `mcp.json`, `/etc/passwd`, credential stores.
    SensitivePath,
    /// Credentials, tokens, cookies, passwords, private keys.
    SensitiveData,
    /// Asks to copy file contents, the conversation or earlier tool results into a call.
    DataHarvesting,
    /// A free-text parameter (`sidenote`, `notes`, `context`, `metadata`, ...) the description
    /// asks the model to fill with other data.
    ExfilParameter,
    /// Text that changes how other tools or servers behave.
    Shadowing,
    /// Sends data, or changes a recipient, to a fixed address, number or URL.
    Redirect,
    /// `chmod -R 0666 ~`, `curl ... | sh`, "prefix every command with".
    DangerousCommand,
    /// Unicode tag characters (U+E0000–E007F): invisible ASCII, decoded in the finding.
    UnicodeTag,
    /// Zero-width characters, or variation selectors that carry bytes.
    ZeroWidth,
    /// Bidi controls that reorder what is shown.
    BidiControl,
    /// ANSI escape sequences.
    AnsiEscape,
    /// Other control characters (carriage return, backspace, ...).
    ControlCharacter,
    /// Runs of whitespace that push the text after them out of view.
    WhitespacePadding,
    /// Words mixing Latin letters with Cyrillic or Greek look-alikes.
    MixedScript,
    /// Base64 that decodes to text.
    EncodedPayload,
    /// A rule that matches only after invisible characters or look-alikes are removed.
    Obfuscation,
    /// The input was too deep or too large to scan completely.
    ScanLimit,
}

impl Code {
    /// Every code, in the order of the README's table.
    pub const ALL: [Code; 23] = [
        Code::InstructionTag,
        Code::HiddenMarker,
        Code::HtmlComment,
        Code::InstructionOverride,
        Code::Coercion,
        Code::Secrecy,
        Code::SensitivePath,
        Code::SensitiveData,
        Code::DataHarvesting,
        Code::ExfilParameter,
        Code::Shadowing,
        Code::Redirect,
        Code::DangerousCommand,
        Code::UnicodeTag,
        Code::ZeroWidth,
        Code::BidiControl,
        Code::AnsiEscape,
        Code::ControlCharacter,
        Code::WhitespacePadding,
        Code::MixedScript,
        Code::EncodedPayload,
        Code::Obfuscation,
        Code::ScanLimit,
    ];

    /// The stable kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::InstructionTag => "instruction-tag",
            Code::HiddenMarker => "hidden-marker",
            Code::HtmlComment => "html-comment",
            Code::InstructionOverride => "instruction-override",
            Code::Coercion => "coercion",
            Code::Secrecy => "secrecy",
            Code::SensitivePath => "sensitive-path",
            Code::SensitiveData => "sensitive-data",
            Code::DataHarvesting => "data-harvesting",
            Code::ExfilParameter => "exfil-parameter",
            Code::Shadowing => "shadowing",
            Code::Redirect => "redirect",
            Code::DangerousCommand => "dangerous-command",
            Code::UnicodeTag => "unicode-tag",
            Code::ZeroWidth => "zero-width",
            Code::BidiControl => "bidi-control",
            Code::AnsiEscape => "ansi-escape",
            Code::ControlCharacter => "control-character",
            Code::WhitespacePadding => "whitespace-padding",
            Code::MixedScript => "mixed-script",
            Code::EncodedPayload => "encoded-payload",
            Code::Obfuscation => "obfuscation",
            Code::ScanLimit => "scan-limit",
        }
    }

    /// How the code takes part in per-tool escalation.
    pub(super) fn role(self) -> Role {
        match self {
            Code::InstructionTag
            | Code::HiddenMarker
            | Code::HtmlComment
            | Code::Coercion
            | Code::UnicodeTag
            | Code::ZeroWidth
            | Code::BidiControl
            | Code::AnsiEscape
            | Code::ControlCharacter
            | Code::WhitespacePadding
            | Code::MixedScript
            | Code::EncodedPayload
            | Code::Obfuscation => Role::Framing,
            Code::Secrecy
            | Code::Shadowing
            | Code::Redirect
            | Code::InstructionOverride
            | Code::ExfilParameter => Role::Intent,
            Code::SensitivePath | Code::DataHarvesting | Code::DangerousCommand => Role::Target,
            Code::SensitiveData | Code::ScanLimit => Role::Context,
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a code combines with others in the same tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    /// How the payload is hidden or forced on the model: markup, coercion, invisible text.
    Framing,
    /// What the attacker wants from the model: secrecy, shadowing, redirects, exfiltration.
    Intent,
    /// What is taken or done: sensitive files, harvested data, commands.
    Target,
    /// Background: mentions of secrets.
    Context,
}
