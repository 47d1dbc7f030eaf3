//! Intent rules for text in languages other than English (German, Spanish, French,
//! Portuguese, Italian, Russian, Chinese, Japanese, Korean): overriding instructions, secrecy
//! towards the user, blind copies, and steering away from other tools. They run on the
//! original text (case-insensitive Unicode regexes), so spans are exact.

use std::sync::LazyLock;

use regex::Regex;

use super::hidden::Hit;
use super::{Code, Severity};

static RULES: &[(Code, &str, &str)] = &[
    (
        Code::InstructionOverride,
        r"(?i)ignorier\w* (alle )?(vorherigen|bisherigen|früheren) anweisungen|ignora (todas )?las instrucciones anteriores|ignor\w* (toutes )?les instructions précédentes|ignore (todas )?as instruções anteriores|ignora (tutte )?le istruzioni precedenti|игнорир\w* (все )?предыдущие инструкции|忽略(之前|以前|先前)的?(所有)?(指令|指示)|以前の指示をすべて無視|以前の指示を無視|이전의? 모든 지시를? 무시",
        "tells the model to ignore its instructions (not in English)",
    ),
    (
        Code::Secrecy,
        r"(?i)sagen sie dem benutzer nichts|erwähne dies nicht|nicht dem (benutzer|nutzer) (sagen|mitteilen)|no se lo digas al usuario|no menciones esto al usuario|ne le dites pas à l'utilisateur|ne mentionnez pas ceci à l'utilisateur|não conte ao usuário|non dirlo all'utente|не сообщайте пользователю|не говори об этом пользователю|不要告诉用户|不要向用户提及|ユーザーには伝えないで|ユーザーに言わないで|사용자에게 알리지 마",
        "asks the model to keep something from the user (not in English)",
    ),
    (
        Code::Redirect,
        r"(?i)(in )?bcc an \S+@|copia oculta \(cco\) de cada correo a \S+@|cco a \S+@|en copie cachée|скрытую копию каждого письма на \S+@|密送给 ?\S+@|に BCC で送信|bcc で送信",
        "copies every message to a fixed address (not in English)",
    ),
    (
        Code::Shadowing,
        r"(?i)verwende keine anderen \S+-?tools|no uses otras herramientas|n'utilisez pas les autres outils|не используй другие \S+ инструменты|不要使用其他\S*工具|他の\S*ツールは使用しないで",
        "steers the model away from other tools (not in English)",
    ),
    (
        Code::DataHarvesting,
        r"(?i)gesamten chatverlauf|historial de la conversación|l'historique de la conversation|histórico da conversa|cronologia della conversazione|историю переписки|对话记录|会話履歴|대화 기록|alle api-schlüssel|las contraseñas del usuario|toutes les clés api|все пароли|所有 ?api ?密钥|すべての api キー",
        "asks for the conversation or every secret (not in English)",
    ),
];

static COMPILED: LazyLock<Vec<(Code, Regex, &'static str)>> = LazyLock::new(|| {
    RULES
        .iter()
        .filter_map(|(code, p, what)| Regex::new(p).ok().map(|re| (*code, re, *what)))
        .collect()
});

/// Apply the non-English rules to `text` (ASCII text too: German or Spanish need no accents).
pub(super) fn rules(text: &str, out: &mut Vec<Hit>) {
    for (code, re, what) in COMPILED.iter() {
        for m in re.find_iter(text) {
            out.push(Hit::plain(
                *code,
                Severity::High,
                m.start()..m.end(),
                (*what).to_owned(),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_rule_compiles() {
        assert_eq!(super::COMPILED.len(), super::RULES.len());
    }
}
