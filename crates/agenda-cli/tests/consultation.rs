//! Consultation and co-design end to end, on the real binary, on SQLite and (when
//! `AGENDA_TEST_POSTGRES_URL` is set) PostgreSQL: an editor opens a consultation, stakeholders
//! of three sectors contribute and endorse, a moderator hides one contribution with a reason,
//! the authority responds, and the public pages show "you said, we did" and thank everyone who
//! took part. What a stakeholder may not do is refused and changes nothing.

use agenda_store::testing::test_databases;

mod common;

use common::serve;
use common::session::*;

const TODAY: &str = "2026-11-26";

const CONS: &str = "CONS-AL-3.3";

/// Posts `fields` and expects a redirect (the write was accepted).
async fn accepted(c: &Client, path: &str, fields: &[(&str, &str)]) {
    let r = c.post(path, fields).await;
    assert_eq!(r.status, 303, "{path}: {}", r.text);
}

/// Posts `fields` and expects a refusal that changed nothing.
async fn refused(c: &Client, editor: &Client, path: &str, fields: &[(&str, &str)]) -> String {
    let before = editor.version().await;
    let r = c.post(path, fields).await;
    assert_eq!(r.status, 403, "{path}: {}", r.text);
    assert_eq!(editor.version().await, before, "{path} changed something");
    r.text
}

#[test]
fn a_consultation_from_opening_to_you_said_we_did() {
    let rt = runtime();
    for db in rt.block_on(test_databases()) {
        let on = db.backend().as_str();
        let s = serve(db.url(), &["--demo", "--today", TODAY]);
        for (u, role, org, name) in [
            ("ed", "editor", None, "Edith Editor"),
            ("uni", "stakeholder", Some("UNI"), "Ada Okafor"),
            ("cci", "stakeholder", Some("CCI"), "Ben Trader"),
            ("csn", "stakeholder", Some("CSN"), "Cleo Network"),
        ] {
            add_named_user(db.url(), u, role, org, Some(name));
        }
        rt.block_on(async {
            let ed = Client::login(&s, "ed").await;
            let uni = Client::login(&s, "uni").await;
            let cci = Client::login(&s, "cci").await;
            let csn = Client::login(&s, "csn").await;
            let anon = Client::anonymous(&s);

            // The editor opens a consultation on AL-3.3 with the generic form.
            accepted(
                &ed,
                "/admin/data/consultations/new",
                &[
                    ("version", "0"),
                    ("code", CONS),
                    ("title_en", "Open government data: when to start"),
                    ("subject_kind", "action_line"),
                    ("subject_code", "AL-3.3"),
                    ("opens", "2026-11-01"),
                    ("closes", "2026-12-15"),
                ],
            )
            .await;
            let list = anon.get("/consultations").await;
            assert_eq!(list.status, 200, "[{on}]");
            assert!(
                list.text.contains("Open government data: when to start"),
                "[{on}]"
            );
            assert!(
                list.text.contains(">Open<"),
                "[{on}] status computed from the dates"
            );
            assert!(
                list.text.contains(">Closed<"),
                "[{on}] the demo's own consultation"
            );

            // Stakeholders of three sectors contribute; only the university's person agrees
            // to be named.
            let contribute = format!("/admin/consultations/{CONS}/contribute");
            let form = uni.get(&format!("/admin/consultations/{CONS}")).await;
            assert!(form.text.contains("name=\"text\""), "[{on}] {}", form.text);
            accepted(
                &uni,
                &contribute,
                &[
                    ("kind", "amendment"),
                    (
                        "text",
                        "Start with the statistics researchers already ask for.",
                    ),
                    ("named", "yes"),
                ],
            )
            .await;
            accepted(
                &cci,
                &contribute,
                &[
                    ("kind", "comment"),
                    ("text", "Publish company data in bulk, for free."),
                ],
            )
            .await;
            accepted(
                &csn,
                &contribute,
                &[
                    ("kind", "comment"),
                    ("text", "Buy our data-cleaning product today!"),
                ],
            )
            .await;
            // One organisation endorses another's; nobody endorses their own.
            accepted(
                &cci,
                &format!("/admin/contributions/{CONS}-C1/endorse"),
                &[],
            )
            .await;
            refused(
                &uni,
                &ed,
                &format!("/admin/contributions/{CONS}-C1/endorse"),
                &[],
            )
            .await;

            // A stakeholder may neither moderate nor respond nor contribute once closed.
            let hide = [("reason", "Advertising for a product, not about the agenda.")];
            refused(
                &uni,
                &ed,
                &format!("/admin/contributions/{CONS}-C3/moderate"),
                &hide,
            )
            .await;
            refused(
                &uni,
                &ed,
                &format!("/admin/contributions/{CONS}-C2/respond"),
                &[("outcome", "accepted"), ("reason_en", "Yes")],
            )
            .await;
            let closed = refused(
                &uni,
                &ed,
                "/admin/consultations/CONS-NDA-2023/contribute",
                &[("kind", "comment"), ("text", "Too late?")],
            )
            .await;
            assert!(closed.contains("not open"), "[{on}] {closed}");

            // The editor moderates one and responds to the others.
            accepted(
                &ed,
                &format!("/admin/contributions/{CONS}-C3/moderate"),
                &hide,
            )
            .await;
            accepted(
                &ed,
                &format!("/admin/contributions/{CONS}-C1/respond"),
                &[
                    ("outcome", "accepted"),
                    (
                        "reason_en",
                        "The first release publishes the registry statistics.",
                    ),
                    ("changed_kind", "action_line"),
                    ("changed_code", "AL-3.3"),
                ],
            )
            .await;
            accepted(
                &ed,
                &format!("/admin/contributions/{CONS}-C2/respond"),
                &[
                    ("outcome", "not_accepted"),
                    (
                        "reason_en",
                        "Company data is published once the consent rules apply.",
                    ),
                ],
            )
            .await;

            // You said, we did.
            let page = anon.get(&format!("/consultations/{CONS}")).await;
            assert_eq!(page.status, 200, "[{on}]");
            let p = &page.text;
            for said in [
                "Start with the statistics researchers already ask for.",
                "Ada Okafor",
                "National University",
                "Academia",
                "Publish company data in bulk, for free.",
                "Private sector",
                "Endorsed by",
                "The first release publishes the registry statistics.",
                ">Accepted<",
                "href=\"/action-lines/AL-3.3\"",
                ">Not accepted<",
                "Hidden by the moderators: Advertising for a product, not about the agenda.",
            ] {
                assert!(p.contains(said), "[{on}] the page lacks {said:?}");
            }
            for withheld in [
                "Buy our data-cleaning product",
                "Ben Trader",
                "Cleo Network",
            ] {
                assert!(!p.contains(withheld), "[{on}] the page shows {withheld:?}");
            }
            let fr = anon.get(&format!("/fr/consultations/{CONS}")).await;
            assert!(fr.text.contains("Masquée par les modérateurs"), "[{on}]");
            // Open data withholds the hidden words too.
            let open = anon.get("/open-data/agenda.json").await.text;
            assert!(open.contains("Publish company data in bulk"), "[{on}]");
            assert!(!open.contains("Buy our data-cleaning product"), "[{on}]");

            // The agenda changes as the response says, and is published again: version 1.1,
            // whose differences from 1.0 (the demo's launch) list the change.
            let versions = anon.get("/versions").await;
            assert_eq!(versions.status, 200, "[{on}]");
            assert!(versions.text.contains(">1.0<"), "[{on}] {}", versions.text);
            assert!(versions.text.contains("2024-03-12"), "[{on}] launch date");
            let form = ed.get("/admin/data/action-lines/AL-3.3").await;
            assert_eq!(form.status, 200, "[{on}]");
            let r = post_form(
                &ed,
                "/admin/data/action-lines/AL-3.3",
                &form.text,
                &[("start", "2026-07-01")],
            )
            .await;
            assert_eq!(r.status, 303, "[{on}] {}", r.text);
            let publish = [("note_en", "After the open data consultation")];
            refused(&uni, &ed, "/admin/versions", &publish).await;
            let preview = ed.get("/admin/versions").await;
            assert!(preview.text.contains("2026-07-01"), "[{on}] preview");
            let r = ed.post("/admin/versions", &publish).await;
            assert_eq!(r.status, 303, "[{on}] {}", r.text);
            let again = ed.post("/admin/versions", &publish).await;
            assert_eq!(again.status, 409, "[{on}] nothing new to publish");
            let d = anon.get("/versions/1.0/1.1").await;
            assert_eq!(d.status, 200, "[{on}]");
            for shown in [
                "href=\"/action-lines/AL-3.3\"",
                "Open government data",
                "2027-01-01",
                "2026-07-01",
                ">Start<",
                "Changed (1)",
            ] {
                assert!(d.text.contains(shown), "[{on}] differences lack {shown:?}");
            }
            assert!(!d.text.contains("AL-1.1"), "[{on}] only what changed");
            let list = anon.get("/es/versions").await.text;
            assert!(list.contains("After the open data consultation"), "[{on}]");
            assert!(
                list.contains(TODAY),
                "[{on}] dated the day it was published"
            );
            assert_eq!(anon.get("/versions/1.0/9.9").await.status, 404, "[{on}]");
            assert_eq!(anon.get("/versions/one/1.1").await.status, 400, "[{on}]");
            let compare = anon.get("/fr/versions/compare?from=1.0&to=1.1").await;
            assert_eq!(compare.status, 303, "[{on}]");

            // Everyone who took part is thanked, with the names people agreed to give.
            let ack = anon.get("/acknowledgements").await;
            assert_eq!(ack.status, 200, "[{on}]");
            for who in [
                "National University",
                "Chamber of Commerce and Industry",
                "Civil Society Digital Network",
                "International Development Partner",
                "Ada Okafor",
                "Amina Diallo",
                "Co-design workshop: shared foundations and data",
            ] {
                assert!(
                    ack.text.contains(who),
                    "[{on}] acknowledgements lack {who:?}"
                );
            }
            assert!(!ack.text.contains("Ben Trader"), "[{on}]");
        });
    }
}
