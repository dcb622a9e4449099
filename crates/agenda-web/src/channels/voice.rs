//! Voice: the same dialogue spoken. `POST /channels/voice` answers in TwiML — first a
//! `<Gather input="speech">` prompt in the caller's language, then, given the recogniser's
//! `SpeechResult`, a `<Say>` with the best service, how to get it and where, and a follow-up
//! gather. When the service's office has a telephone, the caller is offered to be put through
//! (key 1 or "connect"): the next turn answers `<Dial>`. `/channels/voice.vxml` speaks the
//! same dialogue as VoiceXML 2.1, putting through with `<transfer>`.

use agenda_core::{Service, Snapshot};
use agenda_search::Finder;
use askama::Template;

use super::{brief, find_services};
use crate::site::{t, t_args};

/// The speech language tag of a channel language when the country sets none: the language's
/// most widely supported variant among speech recognisers and voices (Modern Standard Arabic
/// as Saudi Arabia's `ar-SA`; European Portuguese, the written norm of the Lusophone African
/// countries). A country sets its own (`ar-MA`, `pt-BR`, `fr-SN` …) in `agenda.toml`.
pub fn default_speech_lang(lang: &str) -> &'static str {
    match lang {
        "fr" => "fr-FR",
        "es" => "es-ES",
        "ar" => "ar-SA",
        "pt" => "pt-PT",
        _ => "en-GB",
    }
}

/// The speech language tag of each channel language: the country's, else the default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpeechLangs(pub std::collections::BTreeMap<String, String>);

impl SpeechLangs {
    /// The tag spoken and recognised for `lang` (`ar` → `ar-SA`, or the country's `ar-MA`).
    pub fn tag(&self, lang: &str) -> String {
        self.0
            .get(lang)
            .cloned()
            .unwrap_or_else(|| default_speech_lang(lang).to_owned())
    }
}

/// Checks a country's speech language tags: each key a channel language, each tag a BCP 47
/// tag of that language (`ar` → `ar-MA`). The error names the first that is not.
pub fn check_speech_langs(tags: &std::collections::BTreeMap<String, String>) -> Result<(), String> {
    for (lang, tag) in tags {
        if !super::CHANNEL_LANGS.contains(&lang.as_str()) {
            return Err(format!(
                "{lang:?} is not a language the channels speak ({})",
                super::CHANNEL_LANGS.join(", ")
            ));
        }
        let primary = tag.split('-').next().unwrap_or_default();
        let well_formed = !tag.is_empty()
            && tag.split('-').all(|p| {
                (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric())
            });
        if !well_formed || !primary.eq_ignore_ascii_case(lang) {
            return Err(format!(
                "{lang} = {tag:?}: expected a language tag of {lang}, such as {lang}-{}",
                default_speech_lang(lang).split('-').nth(1).unwrap_or("XX")
            ));
        }
    }
    Ok(())
}

/// What the caller did on this turn of the call.
#[derive(Debug, Clone, Copy, Default)]
pub struct Heard<'a> {
    /// Their words, as the recogniser heard them.
    pub speech: Option<&'a str>,
    /// The key they pressed.
    pub digits: Option<&'a str>,
    /// The service whose office the previous turn offered to put them through to.
    pub offered: Option<&'a str>,
}

/// The answer to what the caller said (none at the start of the call): the best service and
/// how to get it, ending with where to do it; and the service whose office can take the call,
/// when it has a telephone.
pub fn reply<'s>(
    s: &'s Snapshot,
    finder: &Finder,
    lang: &str,
    country: &str,
    speech: Option<&str>,
) -> (String, Option<&'s Service>) {
    let Some(speech) = speech.map(str::trim).filter(|q| !q.is_empty()) else {
        return (
            t_args(lang, "voice-welcome", &[("country", country.to_owned())]),
            None,
        );
    };
    let services = find_services(finder, s, speech, lang, 3);
    let Some(best) = services.first() else {
        return (t(lang, "voice-nothing"), None);
    };
    let mut b = brief(s, best, lang);
    // A link is read out without its "https://".
    b.online = b.online.map(|l| super::short_link(&l).to_owned());
    let mut text = t_args(lang, "voice-best", &[("title", b.title.clone())]);
    let mut say = |sentence: &str| {
        text.push(' ');
        text.push_str(sentence);
        if !sentence.ends_with('.') {
            text.push('.');
        }
    };
    for sentence in b.sentences(lang).iter().chain(&b.handover(lang)) {
        say(sentence);
    }
    let connect = b.office.as_ref().filter(|o| o.phone.is_some());
    if let Some(o) = connect {
        say(&t_args(
            lang,
            "voice-connect",
            &[("office", o.name.clone())],
        ));
    }
    if let Some(other) = services.get(1) {
        say(&t_args(
            lang,
            "voice-other",
            &[("title", super::text_in(&other.title, lang))],
        ));
    }
    (text, connect.map(|_| *best))
}

/// Whether the caller accepted being put through: the key 1, or one of the language's words
/// for it.
fn accepts(lang: &str, heard: &Heard<'_>) -> bool {
    if heard.digits.map(str::trim) == Some("1") {
        return true;
    }
    let Some(said) = heard
        .speech
        .map(|w| w.trim().trim_end_matches(['.', '!']).to_lowercase())
    else {
        return false;
    };
    said == "1"
        || t(lang, "voice-connect-words")
            .split(',')
            .map(str::trim)
            .any(|w| !w.is_empty() && said == w)
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
    /// Whether the gather also takes a key press (when putting through is offered).
    keys: bool,
    prompt: String,
    bye: String,
    /// Put the caller through to this number (and say `said` first).
    dial: Option<String>,
}

/// One turn of the call as VoiceXML 2.1.
#[derive(Template)]
#[template(path = "voice/vxml.xml", escape = "html")]
struct Vxml<'a> {
    voice_lang: &'a str,
    said: Option<String>,
    action: String,
    keys: bool,
    prompt: String,
    bye: String,
    dial: Option<String>,
}

/// One turn: what to say, the prompt that gathers the next words, the service whose office
/// is offered (carried by the next turn's address), or the number to put the caller through to.
struct Turn {
    said: Option<String>,
    prompt: String,
    offered: Option<String>,
    dial: Option<String>,
}

fn turn(s: &Snapshot, finder: &Finder, lang: &str, country: &str, heard: Heard<'_>) -> Turn {
    // Put through when the previous turn offered it and the caller accepts.
    if let Some(svc) = heard.offered.and_then(|c| s.services.get(c))
        && accepts(lang, &heard)
        && let Some(o) = brief(s, svc, lang).office
        && let Some(dial) = o.dial()
    {
        return Turn {
            said: Some(t_args(lang, "voice-connecting", &[("office", o.name)])),
            prompt: String::new(),
            offered: None,
            dial: Some(dial),
        };
    }
    let (said, connect) = reply(s, finder, lang, country, heard.speech);
    match heard.speech.map(str::trim).filter(|q| !q.is_empty()) {
        // The welcome is the first prompt.
        None => Turn {
            said: None,
            prompt: said,
            offered: None,
            dial: None,
        },
        Some(_) => Turn {
            said: Some(said),
            prompt: t(lang, "voice-again"),
            offered: connect.map(|v| v.code.to_string()),
            dial: None,
        },
    }
}

/// The address the next turn posts to: the language, and the service offered, if any.
fn action(path: &str, lang: &str, offered: &Option<String>) -> String {
    match offered {
        Some(code) => format!("{path}?lang={lang}&offered={code}"),
        None => format!("{path}?lang={lang}"),
    }
}

/// The TwiML document for one turn of the call.
pub fn twiml(
    s: &Snapshot,
    finder: &Finder,
    speech: &SpeechLangs,
    lang: &str,
    country: &str,
    heard: Heard<'_>,
) -> Result<String, askama::Error> {
    let tr = turn(s, finder, lang, country, heard);
    Twiml {
        voice_lang: &speech.tag(lang),
        said: tr.said,
        action: action("/channels/voice", lang, &tr.offered),
        keys: tr.offered.is_some(),
        prompt: tr.prompt,
        bye: t(lang, "voice-goodbye"),
        dial: tr.dial,
    }
    .render()
}

/// The VoiceXML document for one turn: the answer to what the caller said (if anything), then
/// a field that asks again and submits the caller's words (or key) back here; or the transfer
/// to the office the caller accepted.
pub fn vxml(
    s: &Snapshot,
    finder: &Finder,
    speech: &SpeechLangs,
    lang: &str,
    country: &str,
    heard: Heard<'_>,
) -> Result<String, askama::Error> {
    let tr = turn(s, finder, lang, country, heard);
    Vxml {
        voice_lang: &speech.tag(lang),
        said: tr.said,
        action: action("/channels/voice.vxml", lang, &tr.offered),
        keys: tr.offered.is_some(),
        prompt: tr.prompt,
        bye: t(lang, "voice-goodbye"),
        dial: tr.dial,
    }
    .render()
}
