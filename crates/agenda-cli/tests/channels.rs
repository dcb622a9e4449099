//! The channels over HTTP on the real binary: the USSD gateway callback, the voice webhooks,
//! the chat API and page, the search page and the installable app's files.

mod common;

use common::{databases, get, serve};

fn post(base: &str, path: &str, content_type: &str, body: String) -> (u16, String, String) {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let r = reqwest::Client::new()
                .post(format!("{base}{path}"))
                .header("content-type", content_type)
                .body(body)
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            let ct = r
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned();
            (status, ct, r.text().await.unwrap())
        })
}

fn form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| {
            let enc: String = v
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect();
            format!("{k}={enc}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[test]
fn every_channel_answers_from_the_catalogue() {
    for db in databases() {
        let url = db.url.clone();

        let s = serve(&url, &["--demo"]);
        let urlenc = "application/x-www-form-urlencoded";

        // USSD: the gateway posts the whole path; plain text, CON/END, at most 182 characters.
        let ussd = |text: &str| {
            let (status, ct, body) = post(
                &s.base,
                "/channels/ussd",
                urlenc,
                form(&[
                    ("sessionId", "ATUid_1"),
                    ("serviceCode", "*384*123#"),
                    ("phoneNumber", "+254700000000"),
                    ("text", text),
                ]),
            );
            assert_eq!(status, 200, "{text:?}: {body}");
            assert!(ct.starts_with("text/plain"), "{ct}");
            assert!(body.chars().count() <= 182, "{text:?}: {body}");
            body
        };
        assert!(ussd("").starts_with("CON "));
        assert!(ussd("2*1").starts_with("CON "));
        assert!(ussd("2*1*1*1").starts_with("END "));

        // Voice: TwiML first, then an answer to what was said.
        let (status, ct, twiml) = post(
            &s.base,
            "/channels/voice?lang=es",
            urlenc,
            form(&[("CallSid", "CA1")]),
        );
        assert_eq!(status, 200);
        assert!(ct.contains("xml"), "{ct}");
        assert!(
            twiml.contains("<Gather input=\"speech\" language=\"es-ES\""),
            "{twiml}"
        );
        let (_, _, answer) = post(
            &s.base,
            "/channels/voice?lang=en",
            urlenc,
            form(&[("CallSid", "CA1"), ("SpeechResult", "renew my passport")]),
        );
        assert!(
            answer.contains("<Say language=\"en-GB\">")
                && answer.to_lowercase().contains("passport"),
            "{answer}"
        );
        // Arabic and Portuguese calls carry their language codes (the defaults: no
        // `[speech_languages]` in this configuration).
        for (lang, said, tag, word) in [
            ("ar", "تجديد جواز السفر", "ar-SA", "جواز"),
            ("pt", "renovar o meu passaporte", "pt-PT", "passaporte"),
        ] {
            let (_, _, answer) = post(
                &s.base,
                &format!("/channels/voice?lang={lang}"),
                urlenc,
                form(&[("CallSid", "CA2"), ("SpeechResult", said)]),
            );
            assert!(
                answer.contains(&format!("<Say language=\"{tag}\">"))
                    && answer.contains(&format!("language=\"{tag}\" action="))
                    && answer.to_lowercase().contains(word),
                "{answer}"
            );
        }
        let vxml = get(&s, "/channels/voice.vxml?lang=fr");
        assert_eq!(vxml.status, 200);
        assert!(vxml.text.contains("<vxml version=\"2.1\""), "{}", vxml.text);

        // Chat API: a JSON conversation.
        let (status, ct, reply) = post(
            &s.base,
            "/api/v1/chat",
            "application/json",
            r#"{"session": "s1", "message": "we just had a baby", "lang": "en"}"#.into(),
        );
        assert_eq!(status, 200, "{reply}");
        assert!(ct.starts_with("application/json"));
        let reply: serde_json::Value = serde_json::from_str(&reply).unwrap();
        assert!(reply["services"].as_array().unwrap().len() >= 2, "{reply}");
        let (status, _, bad) = post(
            &s.base,
            "/api/v1/chat",
            "application/json",
            r#"{"session": "", "message": "x"}"#.into(),
        );
        assert_eq!(status, 400, "{bad}");

        // The chat page works as plain forms.
        let page = get(&s, "/fr/chat");
        assert_eq!(page.status, 200);
        assert!(page.text.contains("name=\"session\""));
        assert_eq!(page.header("cache-control"), Some("no-store"));
        let session = page
            .text
            .split("name=\"session\" value=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap()
            .to_owned();
        let chat_post = |origin: &str, fields: &[(&str, &str)]| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(async {
                    reqwest::Client::builder()
                        .redirect(reqwest::redirect::Policy::none())
                        .build()
                        .unwrap()
                        .post(format!("{}/chat", s.base))
                        .header("content-type", "application/x-www-form-urlencoded")
                        .header("origin", origin)
                        .body(form(
                            &[&[("session", session.as_str())][..], fields].concat(),
                        ))
                        .send()
                        .await
                        .unwrap()
                        .status()
                        .as_u16()
                })
        };
        // Another site cannot make a visitor's browser post into the conversation.
        let typed = [("message", "passport")];
        assert_eq!(chat_post("https://elsewhere.example", &typed), 403);
        assert_eq!(chat_post(&s.base, &typed), 303);
        let conversation = || get(&s, &format!("/fr/chat?session={session}")).text;
        let page = conversation();
        assert!(page.contains("passport"), "{page}");
        // Enter in the text box presses the form's first button: it must be Send, which carries
        // no value of its own, never a quick answer.
        let form_html = page.split("class=\"chat-form\"").nth(1).unwrap();
        let first_button = form_html.split("<button").nth(1).unwrap();
        assert!(!first_button.contains("name="), "{first_button}");
        // A quick answer pressed while text was typed: both fields arrive, the answer pressed is
        // what was said, and nothing is refused.
        let quick = page
            .split("name=\"quick\" value=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .map(str::to_owned)
            .unwrap_or_else(|| panic!("an answer offers quick answers: {page}"));
        let pressed = [("message", "half-typed words"), ("quick", quick.as_str())];
        assert_eq!(chat_post(&s.base, &pressed), 303);
        let after = conversation();
        assert!(!after.contains("half-typed words"), "{after}");
        assert!(
            after.contains(&format!("</span> {quick}</p>")),
            "the quick answer is the person's last turn: {after}"
        );
        // Enter after typing, once quick answers are shown: only the text is sent.
        assert_eq!(chat_post(&s.base, &[("message", "driving licence")]), 303);
        assert!(conversation().contains("driving licence"));

        // Search box on every page, and the results page.
        assert!(get(&s, "/").text.contains("action=\"/search\""));
        let results = get(&s, "/search?q=passport");
        assert_eq!(results.status, 200);
        assert!(results.text.contains("/services/SVC-"), "{}", results.text);
        let empty = get(&s, "/search?q=");
        assert_eq!(
            empty.status, 200,
            "an empty question is answered, not refused"
        );

        // The installable app.
        let manifest = get(&s, "/manifest.webmanifest");
        assert_eq!(manifest.status, 200);
        assert_eq!(manifest.json()["start_url"], "/");
        let sw = get(&s, "/sw.js");
        assert_eq!(sw.status, 200);
        assert!(sw.text.contains("caches"));
    }
}
