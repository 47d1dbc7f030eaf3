//! Intent rules: who the text addresses, what it asks and where it points, written for plain
//! business prose that avoids the classic magic words (issue 14). Same folded-text conventions
//! as [`rules`](super::rules); `SENT` in a pattern stands for "within one sentence" (a period
//! inside a path or address does not end it).

use super::rules::{Rule, dest};
use super::{Code as C, Severity};
use Severity::{High, Warning};

const fn rule(code: C, severity: Severity, pattern: &'static str, what: &'static str) -> Rule {
    Rule {
        code,
        severity,
        quantified_high: false,
        pattern,
        what,
    }
}

/// The English intent rules.
pub(crate) static INTENT_RULES: &[Rule] = &[
    // --- overriding the user, not just the system prompt ----------------------------------
    rule(
        C::InstructionOverride,
        High,
        r"(?-u:\b)(ignore|disregard|override|bypass|do not follow|don'?t follow|never follow|stop following|supersedes?)(?-u:\b) (what |whatever )?(the |your |any )?(user|human|operator)(?-u:\b)('?s|s'?)? ?(instructions?|requests?|question|asks?|asked|says|said|wants|prompts?|commands?|wishes)?|(?-u:\b)the users?'?s? (request|instructions?|question) (is|are) (superseded|overridden|void|irrelevant|no longer (valid|relevant))(?-u:\b)",
        "tells the model to ignore what the user asks",
    ),
    rule(
        C::InstructionOverride,
        High,
        r"(?-u:\b)(ignore|disregard|forget|override|bypass|skip|drop)\s+(all\s+|any\s+|the\s+|your\s+)*(previous|prior|above|earlier|existing|original|system|developer)\s+[a-z]+\s+(instructions?|rules|guidelines|polic(y|ies)|restrictions|constraints)(?-u:\b)|(?-u:\b)follow only (these|this|the following|my) (instructions?|rules)(?-u:\b)|(?-u:\b)from now on(?-u:\b)SENT{0,60}?(?-u:\b)(ignore|disregard|only|always|never)(?-u:\b)",
        "tries to replace the model's instructions",
    ),
    // --- hijacking the choice of tools ------------------------------------------------------
    rule(
        C::Shadowing,
        High,
        r"(?-u:\b)(ignore|avoid|disregard|distrust|do not (use|call|invoke|trust)|don'?t (use|call|invoke|trust)|never (use|call|invoke|trust)|must not (use|call)|should not (use|call))(?-u:\b) (all |any |the |every )?(other|another|rival|competing|alternative|third[ -]party)(?-u:\b)SENT{0,40}?(?-u:\b)(tools?|functions?|servers?|plugins?|integrations?)(?-u:\b)|(?-u:\b)(all |any |the |every )?other(?-u:\b)SENT{0,40}?(?-u:\b)(tools?|functions?|servers?)('s?)?(?-u:\b)SENT{0,20}?(?-u:\b)(are|is|were|have been) (now )?(deprecated|outdated|obsolete|broken|unsafe|insecure|fake|compromised|disabled|unreliable|not to be (used|trusted))(?-u:\b)",
        "steers the model away from other tools or servers",
    ),
    rule(
        C::Shadowing,
        High,
        r"(?-u:\b)(always )?(prefer|use|choose|pick|call) (only )?this (tool|server|function)(?-u:\b) (over|instead of|rather than|in place of) (all |any |every )?(other|another|the other)(?-u:\b)|(?-u:\b)(use|call|trust) only (this|our) (tool|server|function)s?(?-u:\b)|(?-u:\b)only this (server|tool)'?s? (tools )?(are|is) (to be )?(trusted|used|allowed|supported)(?-u:\b)|(?-u:\b)this (tool|server) supersedes (the )?[a-z0-9_.\-]+(?-u:\b)SENT{0,60}?(?-u:\b)(deprecated|do not use|don'?t use|never use)(?-u:\b)|(?-u:\b)route (every|all|each) (message|request|email|call|payment)s? through this(?-u:\b)",
        "claims precedence over the other tools",
    ),
    // --- redirecting data in business prose (sending to a fixed destination is in `rules`) --
    Rule {
        code: C::Redirect,
        severity: Warning,
        quantified_high: true,
        pattern: concat!(
            r"(?-u:\b)(recipients?|destination|receiver|to address|payee|beneficiary|target account)(?-u:\b)SENT{0,60}?(?-u:\b)(must|should|shall|will|is to|are to) (always |now |also )?be (changed|set|replaced|switched|redirected|updated|rewritten) to ",
            dest!()
        ),
        what: "changes where data goes to a fixed destination",
    },
    Rule {
        code: C::Redirect,
        severity: Warning,
        quantified_high: true,
        pattern: concat!(
            r"(?-u:\b)(route|redirect|send|pay|transfer|wire|deposit)(?-u:\b)SENT{0,40}?(?-u:\b)(to|into) ",
            dest!(),
            r"SENT{0,30}?(?-u:\b)instead(?-u:\b)"
        ),
        what: "sends payments or data somewhere other than asked",
    },
    // --- harvesting the conversation --------------------------------------------------------
    rule(
        C::DataHarvesting,
        Warning,
        r"(?-u:\b)(the )?(user'?s|users'?|their|all|every|previous|prior|earlier|past) (previous |prior |earlier |past |other )?(messages|prompts|questions|requests|replies|answers|emails|files|documents|conversation)(?-u:\b)|(?-u:\b)(contents?|everything) of (the )?(current )?(workspace|project|home (directory|folder)|repository|clipboard|inbox|mailbox)(?-u:\b)|(?-u:\b)(saved|stored|cached) (passwords|credentials|tokens|cookies|keys)(?-u:\b)|(?-u:\b)(all|every) (the )?(user'?s )?(environment variables|env vars|passwords|secrets|keys|api keys)(?-u:\b)",
        "asks for the conversation, the user's data or every secret",
    ),
    rule(
        C::DataHarvesting,
        Warning,
        r"(?-u:\b)(include|attach|add|pass|put|append|copy|send|upload|forward|insert|paste)(?-u:\b)SENT{0,80}?(?-u:\b)(in|into|to|as) the ['\x22`]?[a-z_]+['\x22`]? (parameter|field|argument)(?-u:\b)",
        "asks the model to put other data into a parameter",
    ),
    // --- secrecy that does not name the user -----------------------------------------------------
    rule(
        C::Secrecy,
        High,
        r"(?-u:\b)(do not|don'?t|never|must not|should not)(?-u:\b) (ever )?(show|display|print|echo|output|surface|reveal|mention|disclose|log|report|include|narrate|describe)( or (show|display|print|echo|output|surface|reveal|mention|disclose|log|report|narrate|describe))? (this|these|that|it|them|any of this)( step| steps| part| section| instructions?| action| call| note)?(?-u:\b)|(?-u:\b)(keep|leave) (this|it|these|that) (step |part |action )?(silent|quiet|secret|hidden|private|confidential|invisible|between us|off the record)(?-u:\b)|(?-u:\b)(quietly|silently|secretly|covertly|discreetly|invisibly) (also )?(read|include|send|add|forward|copy|upload|pass|attach|bcc|cc|append|insert|collect|record|log|post|share|put)(?-u:\b)|(?-u:\b)(happens|runs|done|performed) (silently|quietly|invisibly|secretly)(?-u:\b)|(?-u:\b)(do not|don'?t|never) (reveal|mention|disclose|say)(?-u:\b)SENT{0,40}?(?-u:\b)(in your (answer|reply|response|output)|to anyone|that this happened)(?-u:\b)",
        "asks the model to keep what it does out of sight",
    ),
    rule(
        C::Secrecy,
        Warning,
        r"(?-u:\b)(this is|it'?s|it is) (routine|standard|normal|expected|safe|harmless)(?-u:\b)SENT{0,40}?(?-u:\b)(skip|no need|without|do not|don'?t|never)(?-u:\b)|(?-u:\b)(skip|without|no need (to|for)|do not need to|don'?t need to|never) (confirm|confirming|confirmation|asking|ask|approval|permission|checking with)(?-u:\b)SENT{0,30}?(?-u:\b)(with anyone|from anyone|first|the user)?",
        "asks the model to act without asking",
    ),
];
