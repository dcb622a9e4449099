//! The channels' dialogues on the demo country, in English, French, Spanish, Arabic and
//! Portuguese.

use std::sync::Arc;

use agenda_core::Snapshot;
use agenda_search::Finder;

use super::chat::{Sessions, respond};
use super::{ussd, voice};

fn demo() -> Snapshot {
    let sdg = Arc::new(agenda_io::embedded::sdg().unwrap());
    let empty = Snapshot::empty(sdg);
    let plan =
        agenda_io::plan_import(&empty, &agenda_io::embedded::demo_tables().unwrap()).unwrap();
    agenda_io::apply_in_memory(&empty, &plan)
}

/// Each language: its menu number, a situation, a direct question and a word of its answer.
const LANGS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "en",
        "1",
        "we just had a baby",
        "renew my passport",
        "passport",
    ),
    (
        "fr",
        "2",
        "on vient d'avoir un bébé",
        "renouveler mon passeport",
        "passeport",
    ),
    (
        "es",
        "3",
        "acabamos de tener un bebé",
        "renovar mi pasaporte",
        "pasaporte",
    ),
    ("ar", "4", "رزقنا بمولود", "تجديد جواز السفر", "جواز"),
    (
        "pt",
        "5",
        "acabámos de ter um bebé",
        "renovar o meu passaporte",
        "passaporte",
    ),
];

#[test]
fn a_whole_ussd_session_fits_every_screen_in_every_language() {
    let s = demo();
    let finder = Finder::build(&s);
    let screen = |path: &str| {
        let out = ussd::answer(&s, &finder, "Demo Republic", path).render();
        assert!(ussd::fits(&out), "{path:?}: {out}");
        assert!(out.starts_with("CON ") || out.starts_with("END "), "{out}");
        out
    };
    let start = screen("");
    assert!(
        start.starts_with("CON ") && start.contains("Français"),
        "{start}"
    );
    for (lang, n, situation, _, _) in LANGS {
        let menu = screen(n);
        assert!(
            menu.starts_with("CON ") && menu.contains("1 ") && menu.contains("2 "),
            "{lang}: {menu}"
        );
        // Life events → the first event's services → the first service: what to bring, where.
        let events = screen(&format!("{n}*1"));
        assert!(
            events.starts_with("CON ") && events.contains("\n1 "),
            "{lang}: {events}"
        );
        let services = screen(&format!("{n}*1*1"));
        assert!(
            services.starts_with("CON ") && services.contains("\n1 "),
            "{lang}: {services}"
        );
        let sheet = screen(&format!("{n}*1*1*1"));
        assert!(sheet.starts_with("END "), "{lang}: {sheet}");
        assert!(
            sheet.contains("/services/SVC-"),
            "{lang}: the link: {sheet}"
        );
        // More, then back, returns to the same list.
        if events.contains("\n9 ") {
            assert_eq!(screen(&format!("{n}*1*9*0")), events, "{lang}");
        }
        // Back from the list is the main menu.
        assert_eq!(screen(&format!("{n}*1*0")), menu, "{lang}");
        // A question in the person's words.
        let ask = screen(&format!("{n}*2"));
        assert!(ask.starts_with("CON "), "{lang}: {ask}");
        let found = screen(&format!("{n}*2*{situation}"));
        assert!(
            found.starts_with("CON ") && found.contains("\n1 "),
            "{lang}: {found}"
        );
        let answer = screen(&format!("{n}*2*{situation}*1"));
        assert!(
            answer.starts_with("END ") && answer.contains("/services/SVC-"),
            "{lang}: {answer}"
        );
        // An invalid choice shows the list again rather than failing.
        assert_eq!(screen(&format!("{n}*1*77")), events, "{lang}");
    }
}

/// What the caller said on a turn, and nothing else.
fn heard(speech: Option<&str>) -> voice::Heard<'_> {
    voice::Heard {
        speech,
        ..Default::default()
    }
}

fn parse(xml: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("not XML ({e}): {xml}"))
}

#[test]
fn a_service_title_with_xml_characters_is_spoken_escaped() {
    let mut s = demo();
    let finder = Finder::build(&s);
    let found = super::find_services(&finder, &s, "renew my passport", "en", 3);
    let mut svc = found.first().copied().unwrap().clone();
    let title = "Passport & <visa> \"renewal\"";
    svc.title = agenda_core::Text::en(title).unwrap();
    s.upsert(svc.into());
    let finder = Finder::build(&s);
    let country = "Trinidad & <Tobago>";

    let twiml = voice::twiml(
        &s,
        &finder,
        &voice::SpeechLangs::default(),
        "en",
        country,
        heard(Some("renew my passport")),
    )
    .unwrap();
    // Written escaped (as character references), read back as said.
    assert!(
        !twiml.contains("<visa>") && !twiml.contains("Passport & "),
        "{twiml}"
    );
    let doc = parse(&twiml);
    let said = doc
        .root_element()
        .children()
        .find(|n| n.has_tag_name("Say"))
        .and_then(|n| n.text())
        .unwrap_or_default();
    assert!(said.contains(title), "{said}");

    let welcome = voice::twiml(
        &s,
        &finder,
        &voice::SpeechLangs::default(),
        "en",
        country,
        heard(None),
    )
    .unwrap();
    let doc = parse(&welcome);
    let prompt = doc
        .descendants()
        .find(|n| n.has_tag_name("Say"))
        .and_then(|n| n.text())
        .unwrap_or_default();
    assert!(prompt.contains(country), "{prompt}");

    let vxml = voice::vxml(
        &s,
        &finder,
        &voice::SpeechLangs::default(),
        "en",
        country,
        heard(Some("renew my passport")),
    )
    .unwrap();
    let doc = parse(&vxml);
    let answer = doc
        .descendants()
        .find(|n| n.has_tag_name("block"))
        .and_then(|b| b.descendants().find_map(|n| n.text()))
        .unwrap_or_default();
    assert!(answer.contains(title), "{answer}");
}

#[test]
fn a_voice_call_gathers_speech_and_answers_in_the_callers_language() {
    let s = demo();
    let finder = Finder::build(&s);
    for (lang, _, _, question, word) in LANGS {
        let speech = voice::default_speech_lang(lang);
        // The call starts with a spoken prompt that gathers speech.
        let first = voice::twiml(
            &s,
            &finder,
            &voice::SpeechLangs::default(),
            lang,
            "Demo Republic",
            heard(None),
        )
        .unwrap();
        let doc = parse(&first);
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "Response");
        let gather = root
            .children()
            .find(|n| n.has_tag_name("Gather"))
            .unwrap_or_else(|| panic!("{lang}: no Gather in {first}"));
        assert_eq!(gather.attribute("input"), Some("speech"));
        assert_eq!(gather.attribute("language"), Some(speech));
        assert_eq!(
            gather.attribute("action"),
            Some(&*format!("/channels/voice?lang={lang}"))
        );
        let prompt = gather.children().find(|n| n.has_tag_name("Say")).unwrap();
        assert!(
            prompt.text().unwrap_or("").contains("Demo Republic"),
            "{lang}"
        );

        // Given what the caller said: the best service, how to get it, and a follow-up.
        let turn = voice::twiml(
            &s,
            &finder,
            &voice::SpeechLangs::default(),
            lang,
            "Demo Republic",
            heard(Some(question)),
        )
        .unwrap();
        let doc = parse(&turn);
        let root = doc.root_element();
        let said = root
            .children()
            .find(|n| n.has_tag_name("Say"))
            .and_then(|n| n.text())
            .unwrap_or_default()
            .to_owned();
        assert!(said.to_lowercase().contains(word), "{lang}: {said}");
        assert!(
            root.children().any(|n| n.has_tag_name("Gather")),
            "{lang}: follow-up"
        );

        // The same dialogue as VoiceXML.
        let vxml = voice::vxml(
            &s,
            &finder,
            &voice::SpeechLangs::default(),
            lang,
            "Demo Republic",
            heard(Some(question)),
        )
        .unwrap();
        let doc = parse(&vxml);
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "vxml");
        assert_eq!(root.attribute("version"), Some("2.1"));
        assert!(vxml.to_lowercase().contains(word), "{lang}: {vxml}");
        assert!(
            root.descendants().any(|n| n.has_tag_name("field")),
            "{lang}"
        );
        assert!(
            root.descendants().any(|n| n.has_tag_name("submit")),
            "{lang}"
        );
    }
}

#[test]
fn the_chatbot_asks_which_service_is_meant_then_tells_what_is_needed() {
    let s = demo();
    let finder = Finder::build(&s);
    let sessions = Sessions::default();
    for (lang, _, situation, _, _) in LANGS {
        let session = format!("test-{lang}");
        let hello = respond(&sessions, &s, &finder, &session, "", lang);
        assert!(!hello.reply.is_empty());
        // A situation fits several services: the chatbot asks which one.
        let ask = respond(&sessions, &s, &finder, &session, situation, lang);
        assert!(ask.services.len() >= 2, "{lang}: {ask:?}");
        assert_eq!(ask.quick_replies.len(), ask.services.len(), "{lang}");
        assert!(
            ask.reply.contains("1.") && ask.reply.contains("2."),
            "{lang}: {}",
            ask.reply
        );
        // The answer "2" picks the second, remembered from the previous turn.
        let chosen = &ask.services[1];
        let told = respond(&sessions, &s, &finder, &session, "2", lang);
        assert_eq!(told.services.len(), 1, "{lang}: {told:?}");
        assert_eq!(told.services[0].code, chosen.code, "{lang}");
        assert!(
            told.reply.starts_with(&chosen.title),
            "{lang}: {}",
            told.reply
        );
        let svc = &s.services[&chosen.code];
        if !svc.channels.is_empty() {
            let channel = crate::site::t(lang, &format!("channel-{}", svc.channels[0].as_str()));
            assert!(
                told.reply.contains(&channel),
                "{lang}: channels in {}",
                told.reply
            );
        }
        assert!(
            told.services[0]
                .url
                .contains(&format!("/services/{}", chosen.code))
        );
        // Picking by the title's words works too.
        respond(&sessions, &s, &finder, &session, situation, lang);
        let by_title = respond(
            &sessions,
            &s,
            &finder,
            &session,
            &ask.quick_replies[0],
            lang,
        );
        assert_eq!(by_title.services[0].code, ask.services[0].code, "{lang}");
        // The conversation is remembered, both sides.
        let turns = sessions.transcript(&session);
        assert!(turns.len() >= 7 && turns.iter().any(|t| t.mine), "{lang}");
    }
}

#[test]
fn what_the_state_already_holds_is_told_apart_from_what_to_bring() {
    let s = demo();
    // A service that asks for something a base registry holds.
    let svc = s
        .services
        .values()
        .find(|svc| {
            svc.evidence.iter().any(|e| {
                !svc.evidence_fetched.contains(e)
                    && s.registries.values().any(|r| r.data_items.contains(e))
            })
        })
        .expect("the demo has once-only cases");
    let b = super::brief(&s, svc, "en");
    assert!(!b.held.is_empty() && !b.bring.is_empty());
    assert!(
        b.sentences("en")
            .iter()
            .any(|l| l.contains("already holds"))
    );
}

/// Every screen a caller can reach in a few key presses, in every language, fits the gateway's
/// limit *before* `render` cuts it: nothing is lost off the end of a screen (the "0 back"
/// footer included). Checking `render`'s output alone would pass whatever the screen held.
#[test]
fn every_reachable_ussd_screen_fits_without_being_cut() {
    let s = demo();
    let finder = Finder::build(&s);
    let keys = ["1", "2", "3", "4", "5", "9", "0"];
    let mut frontier = vec![String::new()];
    let mut seen = 0;
    for _depth in 0..5 {
        let mut next = Vec::new();
        for path in &frontier {
            let screen = ussd::answer(&s, &finder, "Demo Republic", path);
            assert!(
                ussd::fits(&format!("CON {}", screen.text)),
                "{path:?}: too long before cutting: {}",
                screen.text
            );
            assert_eq!(
                screen.render(),
                format!(
                    "{} {}",
                    if screen.more { "CON" } else { "END" },
                    screen.text
                )
            );
            seen += 1;
            if screen.more {
                for k in keys {
                    next.push(if path.is_empty() {
                        k.to_owned()
                    } else {
                        format!("{path}*{k}")
                    });
                }
            }
        }
        frontier = next;
    }
    assert!(seen > 500, "only {seen} screens reached");
}

#[test]
fn services_only_for_government_agencies_are_never_offered_to_the_public() {
    // Registering a death is made a service for agencies only: neither the situation nor the
    // life event's list may offer it to a person any more.
    let mut s = demo();
    let mut g2g = s.services["SVC-068"].clone();
    g2g.audience = vec![agenda_core::Audience::Government];
    s.upsert(g2g.into());
    let finder = Finder::build(&s);
    let found = super::find_services(&finder, &s, "my mother died", "en", 10);
    assert!(!found.is_empty());
    assert!(found.iter().all(|v| v.for_the_public()), "{found:?}");
    let sessions = Sessions::default();
    let reply = respond(&sessions, &s, &finder, "g2g", "my mother died", "en");
    assert!(!reply.services.is_empty());
    assert!(
        reply.services.iter().all(|l| l.code != "SVC-068"),
        "{reply:?}"
    );
    // USSD, in English, through the life events (paging on with 9): every list leaves it out,
    // while the other services of the death life event are still offered.
    let mut frontier = vec!["1*1".to_owned()];
    let mut death_listed = false;
    for _depth in 0..4 {
        let mut next = Vec::new();
        for path in &frontier {
            let screen = ussd::answer(&s, &finder, "Demo Republic", path);
            assert!(
                !screen.text.contains("Register a death"),
                "{path}: {}",
                screen.text
            );
            death_listed |= screen.text.contains("Get a death certificate");
            if screen.more {
                next.extend(["1", "2", "3", "4", "5", "9"].map(|k| format!("{path}*{k}")));
            }
        }
        frontier = next;
    }
    assert!(death_listed);
}

/// The Passport Office of the demo: the office of SVC-043, and its number as dialled.
const PASSPORT_PHONE: &str = "+999 20 500 500";
const PASSPORT_DIAL: &str = "+99920500500";
const PASSPORT_LINK: &str = "https://passports.gov.example/apply-for-or-renew-a-passport";

#[test]
fn every_channel_hands_the_person_over_to_the_service() {
    let s = demo();
    let finder = Finder::build(&s);
    let svc = &s.services["SVC-043"];
    assert_eq!(svc.online_link.as_deref(), Some(PASSPORT_LINK));

    // Chat: the answer about the service ends with where to do it.
    let sessions = Sessions::default();
    let mut reply = respond(&sessions, &s, &finder, "h", "renew my passport", "en");
    if let Some(n) = reply.services.iter().position(|l| l.code == "SVC-043")
        && reply.services.len() > 1
    {
        reply = respond(&sessions, &s, &finder, "h", &(n + 1).to_string(), "en");
    }
    let text = &reply.reply;
    assert!(text.starts_with("Apply for or renew a passport."), "{text}");
    let online = text.find(PASSPORT_LINK).expect(text);
    let office = text
        .find("Go to Passport Office, 3 Embassy Row")
        .expect(text);
    assert!(
        text.ends_with(&format!("Telephone {PASSPORT_PHONE}.")),
        "{text}"
    );
    assert!(online < office, "{text}");
    // The chat page shows the service with its "Start now" link.
    assert_eq!(
        reply.services[0].online_link.as_deref(),
        Some(PASSPORT_LINK)
    );

    // USSD: the office's number and the short link are on the service's screen, whole.
    let mut found = None;
    for path in ["1*2*renew my passport*1", "1*2*renew my passport*2"] {
        let screen = ussd::answer(&s, &finder, "Demo Republic", path);
        if screen.text.starts_with("Apply for or renew a passport") {
            found = Some(screen);
        }
    }
    let screen = found.expect("the passport service is offered on USSD");
    assert!(!screen.more);
    assert!(
        screen
            .text
            .contains(&format!("{PASSPORT_PHONE} - Passport Office")),
        "{}",
        screen.text
    );
    assert!(
        screen
            .text
            .contains("Online: passports.gov.example/apply-for-or-renew-a-passport"),
        "{}",
        screen.text
    );
    assert!(ussd::fits(&screen.render()));

    // Voice: the answer offers to put the caller through, by key or by word.
    let turn = voice::twiml(
        &s,
        &finder,
        &voice::SpeechLangs::default(),
        "en",
        "Demo Republic",
        heard(Some("renew my passport")),
    )
    .unwrap();
    let doc = parse(&turn);
    let said = doc
        .root_element()
        .children()
        .find(|n| n.has_tag_name("Say"))
        .and_then(|n| n.text())
        .unwrap_or_default()
        .to_owned();
    assert!(
        said.contains("To be put through to Passport Office, press 1"),
        "{said}"
    );
    // A link is read out without its "https://".
    assert!(
        said.contains("Do it online: passports.gov.example/apply-for-or-renew-a-passport."),
        "{said}"
    );
    let gather = doc
        .root_element()
        .children()
        .find(|n| n.has_tag_name("Gather"))
        .unwrap();
    assert_eq!(gather.attribute("input"), Some("dtmf speech"));
    assert_eq!(gather.attribute("numDigits"), Some("1"));
    assert_eq!(
        gather.attribute("action"),
        Some("/channels/voice?lang=en&offered=SVC-043")
    );
    let key = voice::Heard {
        digits: Some("1"),
        offered: Some("SVC-043"),
        ..Default::default()
    };
    let put_through = voice::twiml(
        &s,
        &finder,
        &voice::SpeechLangs::default(),
        "en",
        "Demo Republic",
        key,
    )
    .unwrap();
    let doc = parse(&put_through);
    let dial = doc
        .root_element()
        .children()
        .find(|n| n.has_tag_name("Dial"))
        .unwrap_or_else(|| panic!("{put_through}"));
    assert_eq!(dial.text(), Some(PASSPORT_DIAL));
    assert!(put_through.contains("Putting you through to Passport Office."));
    // In French, by word, as VoiceXML: a bridged transfer to the same number.
    let word = voice::Heard {
        speech: Some("Connecter."),
        offered: Some("SVC-043"),
        ..Default::default()
    };
    let vxml = voice::vxml(
        &s,
        &finder,
        &voice::SpeechLangs::default(),
        "fr",
        "Demo Republic",
        word,
    )
    .unwrap();
    let doc = parse(&vxml);
    let transfer = doc
        .descendants()
        .find(|n| n.has_tag_name("transfer"))
        .unwrap_or_else(|| panic!("{vxml}"));
    assert_eq!(
        transfer.attribute("dest"),
        Some(&*format!("tel:{PASSPORT_DIAL}"))
    );
    assert_eq!(transfer.attribute("bridge"), Some("true"));
    // Anything else is a new question, not a transfer.
    let other = voice::Heard {
        speech: Some("register a birth"),
        offered: Some("SVC-043"),
        ..Default::default()
    };
    let next = voice::twiml(
        &s,
        &finder,
        &voice::SpeechLangs::default(),
        "en",
        "Demo Republic",
        other,
    )
    .unwrap();
    assert!(!next.contains("<Dial>"), "{next}");
    assert!(next.contains("birth"), "{next}");
}

/// The characters that decide a screen's encoding: the GSM 7-bit alphabet has é, à, ü but not
/// the other accented letters of Portuguese (nor of Spanish and French), and no Arabic.
#[test]
fn a_screen_is_measured_in_the_encoding_its_text_needs() {
    use ussd::{Encoding, encoding, length, limit};
    assert_eq!(encoding("Renew a passport"), Encoding::Gsm7);
    assert_eq!(encoding("Déclarer à la mairie, Müller"), Encoding::Gsm7);
    for c in ["ç", "ã", "õ", "á", "â", "ê", "í", "ó", "ô", "ú", "…", "·"] {
        assert_eq!(encoding(&format!("Serviço {c}")), Encoding::Ucs2, "{c}");
    }
    assert_eq!(encoding("تجديد جواز السفر"), Encoding::Ucs2);
    assert_eq!(limit(Encoding::Gsm7), 182);
    // 160 octets, two a character.
    assert_eq!(limit(Encoding::Ucs2), 80);
    // The extension table takes two septets a character.
    assert_eq!(length("€10 [a]", Encoding::Gsm7), 10);
    assert_eq!(length("جواز", Encoding::Ucs2), 4);
    assert!(ussd::fits(&"a".repeat(182)));
    assert!(!ussd::fits(&"a".repeat(183)));
    assert!(ussd::fits(&"ج".repeat(80)));
    assert!(!ussd::fits(&"ج".repeat(81)));
    assert!(!ussd::fits(&format!("{}ç", "a".repeat(80))));
}

/// A USSD session in Arabic, and one in Portuguese: every screen reachable in a few key
/// presses, and a question's answers, fit one screen in the encoding they are sent in, before
/// anything is cut; the Arabic screens are UCS-2, so 80 characters.
#[test]
fn a_ussd_session_in_arabic_or_portuguese_fits_every_screen_in_its_encoding() {
    use ussd::{Encoding, encoding, length, limit};
    let s = demo();
    let finder = Finder::build(&s);
    let first = ussd::answer(&s, &finder, "Demo Republic", "").render();
    assert!(
        first.contains("4 العربية") && first.contains("5 Português"),
        "{first}"
    );
    assert!(ussd::fits(&first), "{first}");
    for (n, lang, question) in [("4", "ar", "توفي والدي"), ("5", "pt", "o meu pai faleceu")]
    {
        // Forward only: `0` at the main menu goes back to the choice of language (the other
        // languages' screens are walked by `every_reachable_ussd_screen_fits_without_being_cut`).
        let keys = ["1", "2", "3", "4", "5", "9"];
        let mut frontier = vec![n.to_owned(), format!("{n}*2*{question}")];
        let (mut seen, mut ucs2) = (0, 0);
        for _depth in 0..4 {
            let mut next = Vec::new();
            for path in &frontier {
                let screen = ussd::answer(&s, &finder, "Demo Republic", path);
                let whole = format!(
                    "{} {}",
                    if screen.more { "CON" } else { "END" },
                    screen.text
                );
                let enc = encoding(&whole);
                assert!(
                    length(&whole, enc) <= limit(enc),
                    "{lang} {path:?}: {} of {} ({enc:?}): {whole}",
                    length(&whole, enc),
                    limit(enc)
                );
                assert_eq!(screen.render(), whole, "{lang} {path:?}: cut");
                if lang == "ar" {
                    assert_eq!(enc, Encoding::Ucs2, "{path:?}: {whole}");
                    assert!(whole.chars().count() <= 80, "{path:?}: {whole}");
                }
                seen += 1;
                ucs2 += usize::from(enc == Encoding::Ucs2);
                if screen.more {
                    next.extend(keys.iter().map(|k| format!("{path}*{k}")));
                }
            }
            frontier = next;
        }
        assert!(seen > 100, "{lang}: only {seen} screens");
        // Portuguese needs UCS-2 for most of its screens (ç, ã, í …).
        assert!(ucs2 > 0, "{lang}");
        // The question found what a bereaved person needs, and its sheet is in the language.
        let found = super::find_services(&finder, &s, question, lang, 10);
        assert!(
            found.iter().any(|v| v.code.as_str() == "SVC-068"),
            "{lang}: {:?}",
            found.iter().map(|v| v.code.as_str()).collect::<Vec<_>>()
        );
        let sheet = ussd::answer(&s, &finder, "Demo Republic", &format!("{n}*2*{question}*1"));
        assert!(
            !sheet.more && sheet.text.contains("/services/SVC-"),
            "{lang}: {}",
            sheet.text
        );
    }
}

/// TwiML and VoiceXML speak and listen in the caller's language: `ar-…` and `pt-…` by default,
/// and the country's own variants when `agenda.toml` names them.
#[test]
fn voice_answers_carry_the_arabic_and_portuguese_language_codes() {
    let s = demo();
    let finder = Finder::build(&s);
    let defaults = voice::SpeechLangs::default();
    let mut country = std::collections::BTreeMap::new();
    country.insert("ar".to_owned(), "ar-MA".to_owned());
    country.insert("pt".to_owned(), "pt-BR".to_owned());
    let country = voice::SpeechLangs(country);
    for (lang, question, default, own) in [
        ("ar", "تجديد جواز السفر", "ar-SA", "ar-MA"),
        ("pt", "renovar o meu passaporte", "pt-PT", "pt-BR"),
    ] {
        for (langs, tag) in [(&defaults, default), (&country, own)] {
            for doc in [
                voice::twiml(&s, &finder, langs, lang, "Demo Republic", heard(None)).unwrap(),
                voice::twiml(
                    &s,
                    &finder,
                    langs,
                    lang,
                    "Demo Republic",
                    heard(Some(question)),
                )
                .unwrap(),
            ] {
                let xml = parse(&doc);
                let tags: Vec<&str> = xml
                    .descendants()
                    .filter(|n| n.has_tag_name("Say") || n.has_tag_name("Gather"))
                    .filter_map(|n| n.attribute("language"))
                    .collect();
                assert!(!tags.is_empty(), "{doc}");
                assert!(tags.iter().all(|t| *t == tag), "{lang}: {tags:?}");
            }
            let vxml = voice::vxml(
                &s,
                &finder,
                langs,
                lang,
                "Demo Republic",
                heard(Some(question)),
            )
            .unwrap();
            let xml = parse(&vxml);
            assert_eq!(
                xml.root_element()
                    .attribute(("http://www.w3.org/XML/1998/namespace", "lang")),
                Some(tag),
                "{vxml}"
            );
        }
    }
    // A country's tag must be of the language it is given for.
    let mut wrong = std::collections::BTreeMap::new();
    wrong.insert("ar".to_owned(), "fr-MA".to_owned());
    assert!(voice::check_speech_langs(&wrong).is_err());
    wrong.clear();
    wrong.insert("de".to_owned(), "de-DE".to_owned());
    assert!(voice::check_speech_langs(&wrong).is_err());
    wrong.clear();
    wrong.insert("pt".to_owned(), "pt-AO".to_owned());
    assert!(voice::check_speech_langs(&wrong).is_ok());
}
