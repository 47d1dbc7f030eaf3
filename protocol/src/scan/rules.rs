//! The content rules: patterns over [folded](super::fold) text.
//!
//! Patterns are written for folded text: lowercase, one space between words, no invisible
//! characters. The `regex` crate matches in linear time, so no input can make a rule slow.

use std::sync::LazyLock;

use regex::bytes::Regex;

use super::{Code, Severity};

/// One content rule.
#[derive(Debug)]
pub(crate) struct Rule {
    pub(crate) code: Code,
    pub(crate) severity: Severity,
    /// Raise to high when the match itself says "all", "every", "always", "bcc", ...
    pub(crate) quantified_high: bool,
    pub(crate) pattern: &'static str,
    /// What the match means, for people.
    pub(crate) what: &'static str,
}

/// A concrete destination: an e-mail address, a phone number, a URL, an IP address, a
/// cryptocurrency wallet, an IBAN, an account or card number. One definition for every
/// redirect rule (`intent_rules` imports it).
macro_rules! dest {
    () => {
        r"([a-z0-9._%+\-]+@[a-z0-9\-]+(\.[a-z0-9\-]+)*\.[a-z]{2,}|\+[0-9][0-9 \-().]{6,}[0-9]|https?://[^\s'\x22<>`]+|(?-u:\b)[0-9]{1,3}(\.[0-9]{1,3}){3}(?-u:\b)|(?-u:\b)0x[a-f0-9]{40}(?-u:\b)|(?-u:\b)(bc1|[13])[a-z0-9]{25,59}(?-u:\b)|(?-u:\b)[a-z]{2}[0-9]{2}[a-z0-9]{11,30}(?-u:\b)|(?-u:\b)(iban|account) [a-z0-9\- ]{6,34}|(?-u:\b)[0-9]{4}[\- ][0-9]{4}[\- ][0-9]{4}(?-u:\b))"
    };
}
pub(crate) use dest;

const fn rule(code: Code, severity: Severity, pattern: &'static str, what: &'static str) -> Rule {
    Rule {
        code,
        severity,
        quantified_high: false,
        pattern,
        what,
    }
}

use Code as C;
use Severity::{High, Info, Warning};

/// Every content rule, in the order findings are reported for one span.
pub(crate) static RULES: &[Rule] = &[
    // --- instruction markup -------------------------------------------------------------
    rule(
        C::InstructionTag,
        Warning,
        r"<\s*/?\s*(important|system|instructions?|secret|hidden|admin|critical|urgent|mandatory|priority|override|system[ _-]?(prompt|message|reminder|instructions?|note)|(tool|agent|assistant|ai|llm|model)[ _-]?(instructions?|rules|directives?)|assistant)(?-u:\b)[^<>]{0,60}>",
        "markup that addresses the model (<IMPORTANT>, <system>, <instructions>, ...)",
    ),
    rule(
        C::InstructionTag,
        Warning,
        r"<\|(im_start|im_end|system|user|assistant|endoftext|start_header_id|end_header_id|eot_id)\|>|\[/?inst\]|<</?sys>>|\[/?system\]",
        "a chat-template token that fakes a system or user turn",
    ),
    rule(
        C::HiddenMarker,
        Warning,
        r"\[\s*(hidden|secret|invisible|system|admin|internal|instructions?|note to (the )?(ai|assistant|model|llm|agent))(?-u:\b)[^\]]{0,300}\]|\{\{\s*(system|hidden|secret|instructions?)(?-u:\b)|\(\s*(hidden|secret) (note|instructions?|message)",
        "a bracketed hidden note ([HIDDEN ...], [SYSTEM ...], {{SYSTEM}})",
    ),
    // --- overriding the model's instructions --------------------------------------------
    rule(
        C::InstructionOverride,
        High,
        r"(?-u:\b)(ignore|disregard|forget|override|bypass|skip|drop|abandon)\s+(all\s+|any\s+|the\s+|your\s+|of\s+|these\s+|those\s+|my\s+)*(previous|prior|above|earlier|preceding|former|existing|original|initial|system|developer|safety|other)\s+(instructions?|prompts?|rules|directions|directives|guidelines|guidance|messages|context|constraints|polic(y|ies)|commands|orders)(?-u:\b)",
        "tells the model to ignore its instructions",
    ),
    rule(
        C::InstructionOverride,
        High,
        r"(?-u:\b)forget (everything|all) (you|that|above)(?-u:\b)|(?-u:\b)you are now (a |an |in |no longer |dan(?-u:\b)|free(?-u:\b)|unrestricted|jailbroken|operating in|acting as)|(?-u:\b)(new|updated|real|actual|true|secret|hidden) (system )?(instructions?|prompt|directives?) ?:|(?-u:\b)the (previous|above|prior) (instructions?|rules) (are|were|is) (no longer|not) (valid|in effect|applicable)(?-u:\b)|(?-u:\b)(disable|turn off|ignore|bypass) (your |all |any )?(safety|security|content) (filters?|guidelines|checks|polic(y|ies)|restrictions)(?-u:\b)",
        "tries to replace the model's instructions",
    ),
    // --- coercion -------------------------------------------------------------------------
    rule(
        C::Coercion,
        Warning,
        r"(?-u:\b)before (using|calling|invoking|executing|running|you use|you call) (this|the|any|these|other) (tool|function|command|server)s?(?-u:\b)[^.!?]{0,80}?(?-u:\b)(read|open|cat|fetch|get|load|access|send|include|pass|provide|call|run|execute|retrieve|first|must)(?-u:\b)",
        "a precondition the model must satisfy before using the tool",
    ),
    rule(
        C::Coercion,
        Warning,
        r"(?-u:\b)(will not|won'?t|does not|doesn'?t|cannot|can'?t|would not) (work|function|run|succeed)( properly| correctly)? (unless|otherwise|if you (do not|don'?t))(?-u:\b)|(?-u:\b)(this|the) (tool|function|server) (will|would) (not work|fail|crash|break)(?-u:\b)|(?-u:\b)otherwise,? (the |this |your |it |all )?([a-z]+ ){0,2}(will|would) (not work|fail|crash|break|be blocked|be rejected|stop working)(?-u:\b)",
        "a threat that the tool fails unless the model complies",
    ),
    rule(
        C::Coercion,
        Warning,
        r"(?-u:\b)(system|application|app|server|computer|tool) (will|would) crash(?-u:\b)|(?-u:\b)(all )?(the |your |user )?(data|files|work) will be (lost|deleted|destroyed|erased)(?-u:\b)|(?-u:\b)(your )?requests? will be blocked(?-u:\b)|(?-u:\b)avoid at all costs(?-u:\b)|(?-u:\b)(very\s+){2,}important(?-u:\b)|(?-u:\b)(extremely|critically|vitally|absolutely) important(?-u:\b)",
        "pressure on the model (crash or data-loss threats, VERY VERY important)",
    ),
    rule(
        C::Coercion,
        Warning,
        r"(?-u:\b)you (must|have to|need to|are required to) (always )?(first )?(read|call|run|execute|pass|include|send|provide|fetch|open|access|cat|attach|append)(?-u:\b)[^.!?]{0,100}?(?-u:\b)(before|first|otherwise|or else|or the)(?-u:\b)",
        "an obligation the model must fulfil first",
    ),
    // --- secrecy towards the user -------------------------------------------------------
    rule(
        C::Secrecy,
        High,
        r"(?-u:\b)(do not|don'?t|dont|never|must not|mustn'?t|should not|shouldn'?t|no need to|without)\s+(ever\s+)?(tell|telling|mention|mentioning|inform|informing|notify|notifying|alert|alerting|reveal|revealing|disclose|disclosing|show|showing|let|letting|warn|warning|explain|report|reporting|bring up)(?-u:\b)[^.!?]{0,100}?(?-u:\b)(the user|users|the human|the person|the operator|anyone)(?-u:\b)",
        "asks the model to keep something from the user",
    ),
    rule(
        C::Secrecy,
        High,
        r"(?-u:\b)(the )?users? (should not|must not|shall not|need not|will not|would not|does not|do not|can not|cannot|should never|must never|will never|won'?t|wouldn'?t|shouldn'?t|mustn'?t|doesn'?t|don'?t|can'?t|never) (ever )?(see|know|notice|be told|be informed|be notified|find out|learn|be aware|suspect|realize|realise|need to know)(?-u:\b)|(?-u:\b)(hide|conceal|keep)(?-u:\b)[^.!?]{0,40}?(?-u:\b)(from the user|from users|secret from|hidden from|confidential from)(?-u:\b)|(?-u:\b)without (the )?users?'?s? (knowing|knowledge|noticing|consent|permission|approval|awareness)(?-u:\b)",
        "asks the model to hide what it does from the user",
    ),
    rule(
        C::Secrecy,
        Warning,
        r"(?-u:\b)(it is|it'?s|this is|is)( just)? (a )?mere implementation detail(?-u:\b)|(?-u:\b)does not (really )?matter to (them|the user)(?-u:\b)|(?-u:\b)(could|would|might|will) (even )?(upset|annoy|confuse|scare|worry) the user(?-u:\b)",
        "plays down to the model what it hides from the user",
    ),
    // --- sensitive targets --------------------------------------------------------------
    rule(
        C::SensitivePath,
        Warning,
        r"~/\.ssh(?-u:\b)|\.ssh/|%userprofile%\\\.ssh|(?-u:\b)id[_ ]?(rsa|dsa|ecdsa|ed25519)(?-u:\b)(\.pub)?|(?-u:\b)authorized_keys(?-u:\b)|(?-u:\b)known_hosts(?-u:\b)|/etc/(passwd|shadow|sudoers|master\.passwd)(?-u:\b)",
        "names SSH keys or system account files",
    ),
    rule(
        C::SensitivePath,
        Warning,
        r"(^|[\s'\x22`(/~=:])\.env(\.[a-z]+)?(?-u:\b)|(?-u:\b)(mcp|mcp_config|claude_desktop_config|mcp_settings|cline_mcp_settings)\.json(?-u:\b)|\.claude\.json(?-u:\b)|~/\.cursor(?-u:\b)|\.cursor/|\.codeium/|\.gemini/settings",
        "names a secrets file or an MCP client configuration (which holds API keys)",
    ),
    rule(
        C::SensitivePath,
        Warning,
        r"\.aws/(credentials|config)(?-u:\b)|\.(npmrc|pypirc|netrc|git-credentials|pgpass|my\.cnf)(?-u:\b)|\.docker/config\.json(?-u:\b)|\.kube/config(?-u:\b)|(?-u:\b)kubeconfig(?-u:\b)|\.gnupg(?-u:\b)|\.password-store(?-u:\b)|\.(bash|zsh|psql|mysql|python)_history(?-u:\b)|(?-u:\b)wallet\.dat(?-u:\b)|(?-u:\b)keychain(?-u:\b)|(?-u:\b)login data(?-u:\b)|(?-u:\b)cookies\.sqlite(?-u:\b)|(?-u:\b)application_default_credentials\.json(?-u:\b)|\.config/gcloud(?-u:\b)|\.azure/|~/\.(bashrc|zshrc|bash_profile|profile|gitconfig|vault-token)(?-u:\b)|\.config/(gh/hosts\.yml|solana|rclone)|\.terraform\.d/credentials|\.ethereum/keystore|(?-u:\b)keychains?(?-u:\b)|/cookies(?-u:\b)|(?-u:\b)[(?-u:\w)-]+\.(pem|p12|pfx|ppk|kdbx)(?-u:\b)",
        "names a credential store",
    ),
    rule(
        C::SensitiveData,
        Info,
        r"((?-u:\b)|_)(api[ _-]?keys?|access[ _-]?tokens?|auth(entication)?[ _-]?tokens?|bearer tokens?|refresh[ _-]?tokens?|session[ _-]?(tokens?|cookies?|keys?)|secret[ _-]?keys?|private[ _-]?keys?|ssh[ _-]?keys?|client[ _-]?secrets?|passwords?|passphrases?|passwd|credentials?|cookies?|seed[ _-]?phrases?|mnemonic( phrases?)?|recovery[ _-]?(phrases?|codes?)|2fa[ _-]?codes?|otp[ _-]?codes?|one[ -]time (password|code)s?|credit[ _-]?card( numbers?)?|card numbers?|cvv|social security numbers?|tokens?|secrets?)(?-u:\b)",
        "mentions credentials or other secrets",
    ),
    // --- collecting data beyond the task ------------------------------------------------
    rule(
        C::DataHarvesting,
        Warning,
        r"(?-u:\b)(pass|put|include|insert|append|attach|send|provide|paste|embed|forward|copy|share|upload|post|transmit|submit|add|concatenate|concantate|fill|write|place|store)(?-u:\b)[^.!?]{0,60}?(?-u:\b)(its|their|the|this|that|file'?s?)? ?(full |entire |complete |whole |raw )?(content|contents)(?-u:\b)[^.!?]{0,30}?(?-u:\b)(as|in|into|inside|within|under)(?-u:\b)|(?-u:\b)(append|attach|send|forward|copy|paste|upload|post|add|include|insert|leak|share)(?-u:\b) [^.!?]{0,20}?(?-u:\b)(contents?|text) of(?-u:\b)",
        "asks the model to copy content into the call",
    ),
    rule(
        C::DataHarvesting,
        Warning,
        r"(?-u:\b)(full|entire|complete|whole|all( of)?( the)?)\s+(list of\s+)?((last|previous|prior|recent|past|earlier|other) )*(messages|conversations?|chats|chat history|conversation history|history|emails|contacts|tool (calls|results|outputs))(?-u:\b)|(?-u:\b)(conversation|chat|message|browsing) history(?-u:\b)|(?-u:\b)(result|output|contents?) of (the |any |a )?(previous|prior|last|earlier) [a-z0-9_.\-]+( tool)? calls?(?-u:\b)",
        "asks for the conversation, message history or earlier tool results",
    ),
    rule(
        C::DataHarvesting,
        Warning,
        r"(?-u:\b)(your|the) (system prompt|system message|initial instructions|hidden instructions|developer message)(?-u:\b)|(?-u:\b)(all|every|any) (api keys?|tokens|passwords|credentials|secrets|cookies|env(ironment)? variables)(?-u:\b)",
        "asks for the system prompt or every secret",
    ),
    // --- shadowing other tools ----------------------------------------------------------
    rule(
        C::Shadowing,
        Warning,
        r"(?-u:\b)(when|whenever|if|each time|every time|before|after|once)(?-u:\b) (the |any |another |other |a )?(\(?[a-z0-9_.\-]+\)? )?[`'\x22]?[a-z0-9]+[_.\-][a-z0-9_.\-]*[`'\x22]?( tool| function| method)? (is|are|gets?|has been|have been) (invoked|called|used|executed|run|triggered)(?-u:\b)",
        "gives instructions for when another tool is used",
    ),
    rule(
        C::Shadowing,
        Warning,
        r"(?-u:\b)(when|whenever|if|each time|every time|before|after)(?-u:\b) (you |the (assistant|agent|model|ai) )?(use|call|invoke|run|execute)s? (the |a )?[`'\x22]?[a-z0-9]+[_.\-][a-z0-9_.\-]*[`'\x22]? (tool|function)(?-u:\b)|(?-u:\b)(when|whenever|if|each time|every time|before|after)(?-u:\b) (you |the (assistant|agent|model|ai) )?(use|call|invoke|run|execute)s? (any|another|other|all|every) (other )?(tools?|functions?)(?-u:\b)",
        "gives instructions for when another tool is used",
    ),
    rule(
        C::Shadowing,
        Warning,
        r"(?-u:\b)(any|another|other|all|every|each) (other )?(tools?|functions?|servers?|mcp servers?|plugins?)(?-u:\b)[^.!?]{0,40}?(?-u:\b)(must|should|shall|need to|has to|have to|is required to|are required to)(?-u:\b)|(?-u:\b)side[ -]?effects? on(?-u:\b)[^.!?]{0,60}?(?-u:\b)(tools?|functions?|servers?)(?-u:\b)|(?-u:\b)when this (tool|server|function) is (available|present|installed|loaded|enabled|active|connected)(?-u:\b)|(?-u:\b)(before|after) (invoking|calling|using|running|executing) (any|all|every|other) (other )?(tools?|functions?)(?-u:\b)[^.!?]{0,60}?(?-u:\b)(first|always|must)(?-u:\b)|(?-u:\b)(always|first) (use|call|invoke|run) this tool (first|before)(?-u:\b)",
        "tries to change how other tools or servers behave",
    ),
    rule(
        C::Shadowing,
        Warning,
        r"(?-u:\b)[a-z0-9]+[_.\-][a-z0-9_.\-]* (tool|function) (must|should|shall|will|needs to|has to) (always |now |also )?(send|forward|use|add|include|call|set|change|redirect|bcc|cc|route|replace|append|prepend|pass)(?-u:\b)|(?-u:\b)instead of (using |calling |invoking )?(the )?[`'\x22]?[a-z0-9_.\-]+[`'\x22]? (tool|function|server)(?-u:\b)|(?-u:\b)(override|overrides|replace|replaces|supersede|supersedes|take precedence over|takes precedence over|modify|modifies|alter|alters)(?-u:\b) (the )?(behaviou?r|instructions|rules|descriptions?|functionality|parameters|arguments|recipients?) of (the |all |any |other |every )?[^.!?]{0,40}?(?-u:\b)(tools?|functions?|servers?)(?-u:\b)",
        "tries to change how other tools or servers behave",
    ),
    // --- redirecting data to a fixed destination ----------------------------------------
    Rule {
        code: C::Redirect,
        severity: Warning,
        quantified_high: true,
        pattern: concat!(
            r"(?-u:\b)(change|set|replace|switch|update|modify|rewrite) (the )?(recipient|recipients|destination|receiver|to address|to field|email address|phone number|number|account( number)?|iban|wallet( address)?|address|url|endpoint|webhook|channel|chat id)(?-u:\b)[^.!?]{0,40}?(?-u:\b)to(?-u:\b)[^.!?]{0,10}?",
            dest!()
        ),
        what: "changes where data goes to a fixed destination",
    },
    // Plain business prose too ("all invoices should be forwarded to billing@..."): inflected
    // verbs, a whole sentence between the verb and the destination (`SENT`, see below).
    Rule {
        code: C::Redirect,
        severity: Warning,
        quantified_high: true,
        pattern: concat!(
            r"(?-u:\b)(send|sent|sending|forward|forwarded|forwarding|report|reported|mirror|mirrored|post|posted|upload|uploaded|share|shared|bcc'?d?|cc'?d?|copy|copied|mail|mailed|redirect|redirected|route|routed|deliver|delivered|transmit|transmitted|submit|submitted|sync|synced|export|exported|push|pushed|stream|streamed|transfer|transferred|exfiltrate|exfiltrated|leak|leaked)(?-u:\b)SENT{0,140}?(?-u:\b)(to|at|via|with|into) (the )?(endpoint |address |url |webhook )?",
            dest!()
        ),
        what: "sends data to a fixed destination",
    },
    Rule {
        code: C::Redirect,
        severity: Warning,
        quantified_high: true,
        pattern: concat!(r"(?-u:\b)(bcc|cc)(?-u:\b):? (to )?", dest!()),
        what: "copies messages to a fixed address",
    },
    // --- commands -----------------------------------------------------------------------
    rule(
        C::DangerousCommand,
        Warning,
        r"(?-u:\b)chmod (-r )?[0-7]?[67][67][67](?-u:\b)|(?-u:\b)rm -(rf|fr|r) (/|~|\*|\$home)|(?-u:\b)(curl|wget)(?-u:\b)[^|]{0,200}?\| ?(sudo )?(ba|z|k)?sh(?-u:\b)|(?-u:\b)(nc|ncat|netcat) (-(?-u:\w)+ )*-e(?-u:\b)|/dev/tcp/|(?-u:\b)base64 (-d|--decode)(?-u:\b)[^|]{0,50}?\| ?(ba|z)?sh(?-u:\b)|(?-u:\b)powershell(?-u:\b)[^.]{0,40}?-(enc|encodedcommand)(?-u:\b)|(?-u:\b)eval ?\( ?atob(?-u:\b)|(?-u:\b)mkfifo(?-u:\b)",
        "a dangerous shell command",
    ),
    rule(
        C::DangerousCommand,
        Warning,
        r"(?-u:\b)(prefix|prepend|begin|start)(?-u:\b)[^.!?]{0,30}?(?-u:\b)(every|each|all|any) (shell |terminal |bash )?commands?(?-u:\b)|(?-u:\b)(all|every|each|any) (shell |terminal )?commands? (must|should|need to|have to|has to) (include|start with|begin with|be prefixed|contain)(?-u:\b)",
        "tells the model to alter every command it runs",
    ),
];

/// Words that make a redirect rule high: the destination replaces or copies everything.
pub(crate) static QUANTIFIER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    ascii(
        r"(?-u:\b)(all|every|each|always|bcc|cc|copy of|instead|secretly|silently|also|change|replace|switch)(?-u:\b)",
    )
});

/// Compile `pattern` for folded (ASCII) text: bytes, no Unicode classes.
pub(crate) fn ascii(pattern: &str) -> Option<Regex> {
    regex::bytes::RegexBuilder::new(pattern)
        .unicode(false)
        .build()
        .ok()
}

/// The compiled rules: `regexes[i]` belongs to `rules[i]`, from [`RULES`] and the intent
/// rules. A pattern that does not compile (a bug, caught by the tests) is left out. Each runs
/// on its own: a `RegexSet` of all of them falls back to the slow NFA on long texts, one regex
/// at a time keeps the lazy DFA and its prefilters.
#[derive(Debug)]
pub(crate) struct Compiled {
    pub(crate) regexes: Vec<Regex>,
    pub(crate) rules: Vec<&'static Rule>,
}

/// `SENT` in a pattern: any character of one sentence. A period, `!` or `?` ends a sentence
/// only when a space or the end follows, so paths (`~/.netrc`) and addresses stay inside.
pub(crate) const SENTENCE_CHAR: &str = r"([^.!?]|[.!?][^ ])";

/// Every content rule, the classic ones first.
pub(crate) fn all_rules() -> impl Iterator<Item = &'static Rule> {
    RULES.iter().chain(super::intent_rules::INTENT_RULES.iter())
}

pub(crate) static COMPILED: LazyLock<Option<Compiled>> = LazyLock::new(|| {
    let mut regexes = Vec::new();
    let mut rules = Vec::new();
    for r in all_rules() {
        if let Some(re) = ascii(&r.pattern.replace("SENT", SENTENCE_CHAR)) {
            regexes.push(re);
            rules.push(r);
        }
    }
    Some(Compiled { regexes, rules })
});

/// Parameter names that invite free text the model may be told to fill with other data.
/// Compared after lowercasing and removing `_`, `-`, `.` and spaces.
pub(crate) const EXFIL_NAMES: &[&str] = &[
    "sidenote",
    "note",
    "notes",
    "feedback",
    "context",
    "additionalcontext",
    "extracontext",
    "metadata",
    "meta",
    "debug",
    "debuginfo",
    "debugging",
    "extra",
    "extrainfo",
    "extradata",
    "additionalinfo",
    "additionalinformation",
    "additionaldata",
    "details",
    "comment",
    "comments",
    "remark",
    "remarks",
    "annotation",
    "summary",
    "reasoning",
    "explanation",
    "memo",
    "hint",
    "payload",
    "info",
    "misc",
    "log",
    "logs",
    "trace",
    "telemetry",
    "analytics",
    "userinfo",
    "environment",
    "env",
    "history",
    "ps",
    "postscript",
    "aside",
    "scratchpad",
    "internal",
];

/// Verbs that ask the model to put something into a parameter.
pub(crate) const FILL_VERBS: &str = "pass|put|include|insert|append|attach|send|provide|paste|embed|forward|copy|add|concatenate|concantate|fill|write|place|store|supply|record|log";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_compiles() {
        for r in all_rules() {
            let pattern = r.pattern.replace("SENT", SENTENCE_CHAR);
            assert!(ascii(&pattern).is_some(), "{:?}: {}", r.code, r.pattern);
        }
        let compiled = COMPILED.as_ref().expect("compiled");
        assert_eq!(compiled.regexes.len(), all_rules().count());
        assert!(QUANTIFIER.is_some());
    }
}
