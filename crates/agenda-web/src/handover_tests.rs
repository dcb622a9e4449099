//! Where to do a service: its online link ("Start now") and the offices that serve it, on the
//! sheet, the life-event pages, the finder and the API; and no link or telephone number that
//! is not one gets in.

use agenda_core::{Kind, Role};
use axum::http::StatusCode;

use crate::site::admin::forms;
use crate::testkit::{Client, TestApp};

const LINK: &str = "https://passports.gov.example/apply-for-or-renew-a-passport";

#[tokio::test]
async fn the_sheet_the_life_event_and_the_finder_say_where_to_do_a_service() {
    let app = TestApp::demo_sqlite().await;
    let anon = Client::default();
    let sheet = app.get(&anon, "/services/SVC-043").await;
    assert_eq!(sheet.status, StatusCode::OK);
    assert!(
        sheet.body.contains(&format!(
            "<a class=\"button\" href=\"{LINK}\" rel=\"external noopener\">Start now"
        )),
        "{}",
        sheet.body
    );
    assert!(
        sheet
            .body
            .contains("<h2 id=\"of-h\">Where to go or call</h2>")
    );
    assert!(
        sheet
            .body
            .contains("<a href=\"tel:+99920500500\">+999 20 500 500</a>")
    );
    assert!(sheet.body.contains("3 Embassy Row, Capital City"));
    // In French, with the office's French name and hours.
    let fr = app.get(&anon, "/fr/services/SVC-043").await;
    assert!(fr.body.contains(">Commencer<"), "{}", fr.body);
    assert!(fr.body.contains("Bureau des passeports"));
    assert!(fr.body.contains("Du lundi au vendredi 8 h–15 h"));
    // A service with neither says nothing of it.
    let s = app.state.public_snapshot();
    let bare = s
        .services
        .values()
        .find(|v| v.online_link.is_none() && v.contact_points.is_empty())
        .expect("a service with no link and no office");
    let page = app.get(&anon, &format!("/services/{}", bare.code)).await;
    assert!(!page.body.contains("Start now") && !page.body.contains("of-h"));

    let event = app.get(&anon, "/life-events/LE-ABROAD").await;
    assert!(event.body.contains("<h2 id=\"how-h\">Where to do it</h2>"));
    assert!(
        event.body.contains(&format!("href=\"{LINK}\"")),
        "{}",
        event.body
    );
    assert!(
        event
            .body
            .contains("Passport Office, <a href=\"tel:+99920500500\">")
    );

    let found = app.get(&anon, "/search?q=renew+my+passport").await;
    assert!(
        found.body.contains(&format!(
            "<a href=\"{LINK}\" rel=\"external noopener\">can be done online now"
        )),
        "{}",
        found.body
    );
    let api = app.get(&anon, "/api/v1/finder?q=renew+my+passport").await;
    assert!(
        api.body.contains(&format!("\"online_link\":\"{LINK}\"")),
        "{}",
        api.body
    );

    let office = app.get(&anon, "/api/v1/contact-points/CP-PAS-HQ").await;
    assert_eq!(office.status, StatusCode::OK);
    assert!(
        office.body.contains("\"phone\":\"+999 20 500 500\""),
        "{}",
        office.body
    );
    let service = app.get(&anon, "/api/v1/services/SVC-043").await;
    assert!(service.body.contains("\"contact_points\":[\"CP-PAS-HQ\"]"));
}

/// Sends the edit form of `code` of `kind` with `changes` made, as an editor.
async fn save(
    app: &TestApp,
    ed: &Client,
    kind: Kind,
    code: &str,
    changes: &[(&str, &str)],
) -> (StatusCode, String) {
    let s = app.state.store.snapshot();
    let entity = s.entities(kind).find(|e| e.key() == code).unwrap();
    let fields = forms::fields(&s, kind, Some(&entity));
    // A list goes as one `a;b` value, which the form reads as the boxes ticked.
    let mut sent: Vec<(String, String)> = fields
        .iter()
        .filter(|f| !changes.iter().any(|(c, _)| *c == f.name))
        .map(|f| (f.name.clone(), f.value.clone()))
        .collect();
    sent.extend(changes.iter().map(|(n, v)| (n.to_string(), v.to_string())));
    let version = app
        .state
        .store
        .version_of(kind, code)
        .await
        .unwrap()
        .unwrap();
    sent.push(("version".into(), version.to_string()));
    let pairs: Vec<(&str, &str)> = sent.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let path = format!("/admin/data/{}/{code}", kind.collection());
    let r = app.post_form(ed, &path, &pairs).await;
    (r.status, r.body)
}

#[tokio::test]
async fn only_https_links_real_numbers_and_addresses_are_saved() {
    let app = TestApp::demo_sqlite().await;
    let ed = app.with_user(Role::Editor, None).await;
    for bad in ["javascript:alert(1)", "http://passports.gov.example"] {
        let (status, body) =
            save(&app, &ed, Kind::Service, "SVC-043", &[("online_link", bad)]).await;
        assert_eq!(status.as_u16(), 422, "{bad}: {body}");
        assert!(
            body.contains("a web address starting with https://"),
            "{body}"
        );
    }
    let (status, body) = save(
        &app,
        &ed,
        Kind::ContactPoint,
        "CP-PAS-HQ",
        &[("phone", "call us")],
    )
    .await;
    assert_eq!(status.as_u16(), 422, "{body}");
    assert!(body.contains("a telephone number"), "{body}");
    let (status, body) = save(
        &app,
        &ed,
        Kind::ContactPoint,
        "CP-PAS-HQ",
        &[("email", "not an address")],
    )
    .await;
    assert_eq!(status.as_u16(), 422, "{body}");

    // One office serves many services: a change to it reaches every sheet.
    let (status, body) = save(
        &app,
        &ed,
        Kind::ContactPoint,
        "CP-CAP-CENTRE",
        &[("phone", "+999 20 100 199")],
    )
    .await;
    assert!(
        status.is_redirection() || status.is_success(),
        "{status} {body}"
    );
    let s = app.state.store.snapshot();
    let served: Vec<String> = s
        .services
        .values()
        .filter(|v| {
            v.contact_points
                .iter()
                .any(|c| c.as_str() == "CP-CAP-CENTRE")
        })
        .map(|v| v.code.to_string())
        .collect();
    assert!(served.len() > 10, "{served:?}");
    let anon = Client::default();
    for code in served.iter().take(3) {
        let sheet = app.get(&anon, &format!("/services/{code}")).await;
        assert!(sheet.body.contains("tel:+99920100199"), "{code}");
    }
}
