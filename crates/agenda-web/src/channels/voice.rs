//! Voice: the same dialogue spoken. `POST /channels/voice` answers in TwiML — first a
//! `<Gather input="speech">` prompt in the caller's language, then, given the recogniser's
//! `SpeechResult`, a `<Say>` with the best service and how to get it, and a follow-up gather.
//! `/channels/voice.vxml` speaks the same dialogue as VoiceXML 2.1.

use agenda_core::Snapshot;
use agenda_search::Finder;
use askama::Template;

use super::{brief, find_services};
use crate::site::{t, t_args};

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

/// One turn of the call as TwiML, escaped by its template (askama's escaper covers the five
/// characters XML reserves).
#[derive(Template)]
#[template(path = "voice/twiml.xml", escape = "html")]
struct Twiml<'a> {
    voice_lang: &'a str,
    /// The answer to what the caller said, if they said something.
    said: Option<String>,
    action: String,
    prompt: String,
    bye: String,
}

/// One turn of the call as VoiceXML 2.1.
#[derive(Template)]
#[template(path = "voice/vxml.xml", escape = "html")]
struct Vxml<'a> {
    voice_lang: &'a str,
    said: Option<String>,
    action: String,
    prompt: String,
    bye: String,
}

/// What one turn says: the answer to the caller's words (none at the start of the call) and
/// the prompt that gathers the next words.
fn turn(
    s: &Snapshot,
    finder: &Finder,
    lang: &str,
    country: &str,
    speech: Option<&str>,
) -> (Option<String>, String) {
    let said = reply(s, finder, lang, country, speech);
    match speech.map(str::trim).filter(|q| !q.is_empty()) {
        // The welcome is the first prompt.
        None => (None, said),
        Some(_) => (Some(said), t(lang, "voice-again")),
    }
}

/// The TwiML document for one turn of the call.
pub fn twiml(
    s: &Snapshot,
    finder: &Finder,
    lang: &str,
    country: &str,
    speech: Option<&str>,
) -> Result<String, askama::Error> {
    let (said, prompt) = turn(s, finder, lang, country, speech);
    Twiml {
        voice_lang: speech_lang(lang),
        said,
        action: format!("/channels/voice?lang={lang}"),
        prompt,
        bye: t(lang, "voice-goodbye"),
    }
    .render()
}

/// The VoiceXML document for one turn: the answer to `q` (if any), then a field that asks
/// again and submits the caller's words back here.
pub fn vxml(
    s: &Snapshot,
    finder: &Finder,
    lang: &str,
    country: &str,
    q: Option<&str>,
) -> Result<String, askama::Error> {
    let (said, prompt) = turn(s, finder, lang, country, q);
    Vxml {
        voice_lang: speech_lang(lang),
        said,
        action: format!("/channels/voice.vxml?lang={lang}"),
        prompt,
        bye: t(lang, "voice-goodbye"),
    }
    .render()
}
