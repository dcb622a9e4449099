//! Taking part in one's own name end to end, on the real binary and a real SMTP listener, on
//! SQLite and (when `AGENDA_TEST_POSTGRES_URL` is set) PostgreSQL: a person follows the "Take
//! part" link of the open consultation, signs in with a mailed link (no password), contributes
//! anonymously to the public, is moderated, receives the published response, exports and
//! deletes their data; the statistics and acknowledgements count them; reused links and floods
//! of addresses from one client are refused.

use agenda_jobs::testing::{Received, SmtpListener};
use agenda_store::testing::test_databases;

mod common;

use common::session::{Answer, Client, add_user, input, runtime};
use common::{mailed_link, serve};

const BASE_URL: &str = "https://agenda.test.example";
const OPEN: &str = "CONS-ODD-2026";

fn to(messages: &[Received], address: &str) -> Vec<Received> {
    messages
        .iter()
        .filter(|m| m.to.iter().any(|t| t == address))
        .cloned()
        .collect()
}

/// The value of cookie `name` a response sets.
fn set_cookie(a: &Answer, name: &str) -> Option<String> {
    a.cookies.iter().find_map(|c| {
        c.strip_prefix(&format!("{name}="))
            .and_then(|v| v.split(';').next())
            .map(str::to_owned)
    })
}

/// Asks for a sign-in link from the consultation's form, as a browser on this site does.
async fn ask_link(c: &Client, email: &str, name: &str, sector: &str) -> Answer {
    let page = c.get(&format!("/consultations/{OPEN}/take-part")).await;
    assert_eq!(page.status, 200, "{}", page.text);
    let token = input(&page.text, "token").expect("form token");
    c.post_raw(
        "/take-part/link",
        &[
            ("token", &token),
            ("next", OPEN),
            ("email", email),
            ("name", name),
            ("sector", sector),
            ("website", ""),
        ],
    )
    .await
}

#[test]
fn a_person_takes_part_in_their_own_name_from_the_link_to_the_deletion_of_their_data() {
    let rt = runtime();
    let smtp = rt.block_on(SmtpListener::start());
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("agenda.toml");
    std::fs::write(
        &config,
        format!(
            "[smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"none\"\n\
             from = \"Digital Agenda <agenda@gov.example>\"\n\
             [reminders]\nenabled = false\n\
             [subscriptions]\nbase_url = \"{BASE_URL}/\"\ndigest_interval = \"7d\"\n",
            smtp.addr.port()
        ),
    )
    .unwrap();
    let config = config.to_str().unwrap().to_owned();
    for db in rt.block_on(test_databases()) {
        let on = db.backend().as_str();
        let s = serve(
            db.url(),
            &["--demo", "--today", "2026-11-26", "--config", &config],
        );
        add_user(db.url(), "ed", "editor", None);
        let ana = format!("ana-{on}@example.org");
        rt.block_on(async {
            let mut c = Client::anonymous(&s);
            // Every open consultation shows the link; a closed one does not.
            let open = c.get(&format!("/consultations/{OPEN}")).await.text;
            assert!(
                open.contains(&format!("/consultations/{OPEN}/take-part")),
                "[{on}] the open consultation links to taking part"
            );
            let closed = c.get("/consultations/CONS-NDA-2023").await.text;
            assert!(!closed.contains("/take-part"), "[{on}]");

            // An address that is not one is refused at its field, nothing mailed.
            let r = ask_link(&c, "ana at example", "", "citizen").await;
            assert_eq!(r.status, 400, "[{on}]");
            assert!(r.text.contains("aria-invalid=\"true\""), "[{on}]");

            // Anonymous to the public: no name given.
            let r = ask_link(&c, &ana, "", "citizen").await;
            assert_eq!(r.status, 303, "[{on}] {}", r.text);
            assert!(r.location.contains("/take-part/sent"), "[{on}]");
            let mails = to(&smtp.messages(), &ana);
            assert_eq!(mails.len(), 1, "[{on}]");
            let link = mailed_link(&mails[0].data, BASE_URL, "/take-part/sign-in");
            assert!(link.contains(&format!("next={OPEN}")), "[{on}] {link}");

            // Opening the link spends nothing (a mail scanner may open it); the button does.
            let button = c.get(&link).await;
            assert_eq!(button.status, 200, "[{on}]");
            let token = input(&button.text, "token").expect("the link's token");
            let signed = c
                .post_raw(
                    &format!("/take-part/sign-in?next={OPEN}"),
                    &[("token", &token)],
                )
                .await;
            assert_eq!(signed.status, 303, "[{on}] {}", signed.text);
            assert!(
                signed
                    .location
                    .ends_with(&format!("/consultations/{OPEN}/take-part"))
            );
            let session = set_cookie(&signed, "agenda_participant").expect("a session");
            // The same link again: refused.
            let again = c
                .post_raw(
                    &format!("/take-part/sign-in?next={OPEN}"),
                    &[("token", &token)],
                )
                .await;
            assert_eq!(again.status, 403, "[{on}] a link works once");

            c.cookie = Some(format!("agenda_participant={session}"));
            let form = c
                .get(&format!("/consultations/{OPEN}/take-part"))
                .await
                .text;
            assert!(form.contains("shown anonymously"), "[{on}]");
            let send = |text: &'static str| {
                let c = c.clone();
                async move {
                    let form = c
                        .get(&format!("/consultations/{OPEN}/take-part"))
                        .await
                        .text;
                    let token = input(&form, "token").expect("form token");
                    c.post_raw(
                        &format!("/consultations/{OPEN}/take-part"),
                        &[("token", &token), ("kind", "comment"), ("text", text)],
                    )
                    .await
                }
            };
            let r =
                send("Publish the bus timetables as open data first: people use them every day.")
                    .await;
            assert_eq!(r.status, 303, "[{on}] {}", r.text);
            let mine = r.location.rsplit('#').next().unwrap().to_owned();
            let r = send("Call me on 555-0100 about it.").await;
            assert_eq!(r.status, 303, "[{on}]");
            let other = r.location.rsplit('#').next().unwrap().to_owned();
            assert_ne!(mine, other);

            let page = c.get(&format!("/consultations/{OPEN}")).await.text;
            assert!(
                page.contains("bus timetables") && page.contains("in their own name"),
                "[{on}]"
            );
            assert!(
                !page.contains(&ana) && !page.contains("ana-"),
                "[{on}] no address in public"
            );
            // The open data has the words and the sector, never who wrote them.
            let data = c.get("/open-data/agenda.json").await.text;
            assert!(data.contains("bus timetables"), "[{on}]");
            assert!(!data.contains(&ana), "[{on}] no address in the open data");

            // Moderated like every contribution, and answered.
            let ed = Client::login(&s, "ed").await;
            let r = ed
                .post(
                    &format!("/admin/contributions/{other}/moderate"),
                    &[("reason", "It gives a telephone number.")],
                )
                .await;
            assert_eq!(r.status, 303, "[{on}] {}", r.text);
            let r = ed
                .post(
                    &format!("/admin/contributions/{mine}/respond"),
                    &[
                        ("outcome", "accepted"),
                        (
                            "reason_en",
                            "Timetables are in the first wave of the decree's annex.",
                        ),
                        ("changed_kind", ""),
                        ("changed_code", ""),
                    ],
                )
                .await;
            assert_eq!(r.status, 303, "[{on}] {}", r.text);
            let mails = to(&smtp.messages(), &ana);
            assert_eq!(mails.len(), 2, "[{on}] the response is mailed");
            assert!(
                mails[1].data.contains("first wave of the decree")
                    && mails[1]
                        .data
                        .contains(&format!("/consultations/{OPEN}#{mine}")),
                "[{on}] {}",
                mails[1].data
            );
            let page = c.get(&format!("/consultations/{OPEN}")).await.text;
            assert!(page.contains("It gives a telephone number.") && !page.contains("555-0100"));

            // The statistics and acknowledgements count the person once.
            assert!(
                page.contains("People who took part in their own name: 1"),
                "[{on}] counted on the consultation"
            );
            let ack = c.get("/acknowledgements").await.text;
            assert!(ack.contains("Citizens: 1"), "[{on}] counted by sector");

            // Everything held about them, then deleted.
            let me = c.get("/take-part/me").await;
            assert_eq!(me.status, 200, "[{on}]");
            assert!(me.text.contains(&ana) && me.text.contains(&mine), "[{on}]");
            let export = c.json("/take-part/me.json").await;
            assert_eq!(export["email"], ana.as_str(), "[{on}]");
            assert_eq!(export["contributions"].as_array().map(Vec::len), Some(2));
            let token = input(&me.text, "token").expect("form token");
            let r = c
                .post_raw("/take-part/me/delete", &[("token", &token)])
                .await;
            assert_eq!(r.status, 200, "[{on}] {}", r.text);
            assert!(r.text.contains("withdrawn: 1"), "[{on}] {}", r.text);
            assert_eq!(
                c.get("/take-part/me").await.status,
                401,
                "[{on}] signed out"
            );
            // The answered contribution stays in the record, anonymous; the other is gone.
            let page = c.get(&format!("/consultations/{OPEN}")).await.text;
            assert!(page.contains("bus timetables"), "[{on}]");
            assert!(
                !page.contains(&format!("id=\"{other}\"")),
                "[{on}] withdrawn"
            );
            let ack = c.get("/acknowledgements").await.text;
            assert!(!ack.contains("Citizens: 1"), "[{on}] no one left to count");

            // A flood of addresses from one client is cut off by the rate limit.
            let c = Client::anonymous(&s);
            let before = smtp.messages().len();
            let mut refused = 0;
            for i in 0..12 {
                let r = ask_link(&c, &format!("flood-{i}-{on}@example.org"), "", "citizen").await;
                if r.status == 429 {
                    refused += 1;
                }
            }
            assert!(refused > 0, "[{on}] the flood is refused");
            assert!(smtp.messages().len() - before < 12, "[{on}]");
        });
        drop(s);
    }
}
