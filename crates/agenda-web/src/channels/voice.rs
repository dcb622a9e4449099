//! Voice: the same dialogue spoken. `POST /channels/voice` answers in TwiML — first a
//! `<Gather input="speech">` prompt in the caller's language, then, given the recogniser's
//! `SpeechResult`, a `<Say>` with the best service and how to get it, and a follow-up gather.
//! `/channels/voice.vxml` speaks the same dialogue as VoiceXML 2.1.

use agenda_core::Snapshot;
use agenda_search::Finder;

use super::{brief, find_services};
use crate::site::{t, t_args};

/// Escapes text for XML content and attribute values.
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// The speech language tag of a channel language.
pub fn speech_lang(lang: &str) -> &'static str {
    match lang {
        "fr" => "fr-FR",
        "es" => "es-ES",
        _ => "en-GB",
    }
}

/// What to say for `speech` (the caller's words; `None` at the start of the call): the answer
/// text, and whether a service was found.
pub fn reply(
    s: &Snapshot,
    finder: &Finder,
    lang: &str,
    country: &str,
    speech: Option<&str>,
) -> String {
    let Some(speech) = speech.map(str::trim).filter(|q| !q.is_empty()) else {
        return t_args(lang, "voice-welcome", &[("country", country.to_owned())]);
    };
    let services = find_services(finder, s, speech, lang, 3);
    let Some(best) = services.first() else {
        return t(lang, "voice-nothing");
    };
    let b = brief(s, best, lang);
    let mut text = t_args(lang, "voice-best", &[("title", b.title.clone())]);
    for sentence in b.sentences(lang) {
        text.push(' ');
        text.push_str(&sentence);
        if !sentence.ends_with('.') {
            text.push('.');
        }
    }
    if let Some(other) = services.get(1) {
        text.push(' ');
        text.push_str(&t_args(
            lang,
            "voice-other",
            &[("title", super::text_in(&other.title, lang))],
        ));
    }
    text
}

/// The TwiML document for one turn of the call.
pub fn twiml(
    s: &Snapshot,
    finder: &Finder,
    lang: &str,
    country: &str,
    speech: Option<&str>,
) -> String {
    let voice_lang = speech_lang(lang);
    let said = reply(s, finder, lang, country, speech);
    let action = format!("/channels/voice?lang={lang}");
    let (first, prompt) = match speech.map(str::trim).filter(|q| !q.is_empty()) {
        None => (String::new(), said),
        Some(_) => (
            format!(r#"<Say language="{voice_lang}">{}</Say>"#, xml(&said)),
            t(lang, "voice-again"),
        ),
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Response>{first}<Gather input="speech" language="{voice_lang}" action="{action}" method="POST" speechTimeout="auto"><Say language="{voice_lang}">{prompt}</Say></Gather><Say language="{voice_lang}">{bye}</Say></Response>
"#,
        action = xml(&action),
        prompt = xml(&prompt),
        bye = xml(&t(lang, "voice-goodbye")),
    )
}

/// The VoiceXML document for one turn: the answer to `q` (if any), then a field that asks
/// again and submits the caller's words back here.
pub fn vxml(s: &Snapshot, finder: &Finder, lang: &str, country: &str, q: Option<&str>) -> String {
    let voice_lang = speech_lang(lang);
    let said = reply(s, finder, lang, country, q);
    let (answer, prompt) = match q.map(str::trim).filter(|x| !x.is_empty()) {
        None => (String::new(), said),
        Some(_) => (
            format!("<block><prompt>{}</prompt></block>", xml(&said)),
            t(lang, "voice-again"),
        ),
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<vxml version="2.1" xmlns="http://www.w3.org/2001/vxml" xml:lang="{voice_lang}">
<form id="ask">{answer}<field name="q"><grammar mode="voice" src="builtin:dictation"/><prompt>{prompt}</prompt><noinput><prompt>{bye}</prompt><exit/></noinput></field>
<filled><submit next="/channels/voice.vxml?lang={lang}" namelist="q" method="post"/></filled></form>
</vxml>
"#,
        prompt = xml(&prompt),
        bye = xml(&t(lang, "voice-goodbye")),
    )
}
