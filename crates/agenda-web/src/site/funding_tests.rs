//! Resources in the open, through the router: only validated budget lines reach the public
//! (pages and API), `/funding` adds them up to the cent, and a lead organisation's submitted
//! line is public only once an editor has validated it.

use agenda_core::funding::totals;
use agenda_core::numbers::fmt_money;
use agenda_core::{Budget, Change, Money, ObservationStatus, Role};
use axum::http::StatusCode;

use crate::testkit::{Client, TestApp};

/// A line of `planned` on AL-1.1 in 2026 from another source, in `status`.
fn extra(planned: &str, status: ObservationStatus) -> Budget {
    serde_json::from_value(serde_json::json!({
        "action_line": "AL-1.1", "year": 2026, "source": "other", "partner": null,
        "planned": planned, "committed": "0", "spent": "0", "status": status.as_str(),
        "note": "a line planted by the test"
    }))
    .unwrap()
}

fn usd(s: &str) -> String {
    fmt_money("en", Money::parse(s).unwrap(), "USD")
}

#[tokio::test]
async fn only_validated_budget_lines_are_public_on_pages_and_in_the_api() {
    let app = TestApp::demo_sqlite().await;
    let anon = Client::default();
    let all = app.state.store.snapshot();
    let hidden: Vec<&Budget> = all
        .budgets
        .values()
        .filter(|b| b.status != ObservationStatus::Validated)
        .collect();
    assert!(
        hidden.len() >= 5,
        "the demo has lines waiting for validation"
    );
    let validated = all.budgets.len() - hidden.len();

    // The API lists the validated lines only, and knows no other.
    let list = app.get(&anon, "/api/v1/budgets").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let v: serde_json::Value = serde_json::from_str(&list.body).unwrap();
    assert_eq!(v["meta"]["total"], validated);
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), validated);
    assert!(items.iter().all(|b| b["status"] == "validated"));
    // Amounts travel as exact decimal text.
    assert!(items.iter().all(|b| b["planned"].is_string()));
    for b in &hidden {
        let key = agenda_core::Record::key(*b);
        let r = app.get(&anon, &format!("/api/v1/budgets/{key}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{key}");
        // Nor does its history show it.
        let r = app.get(&anon, &format!("/history/budgets/{key}")).await;
        assert!(!r.body.contains(&b.planned.to_string()), "{key}");
    }
    let shown = all
        .budgets
        .values()
        .find(|b| b.status == ObservationStatus::Validated)
        .unwrap();
    let r = app
        .get(
            &anon,
            &format!("/api/v1/budgets/{}", agenda_core::Record::key(shown)),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);

    // Pages: a submitted line's note shows nowhere — not on its action line, its partner's
    // page or the funding page.
    let submitted = &all.budgets["AL-1.2:2026:loan:RDB"];
    assert_eq!(submitted.status, ObservationStatus::Submitted);
    let note = submitted.note.as_deref().unwrap();
    for path in ["/action-lines/AL-1.2", "/funding/RDB", "/funding"] {
        let page = app.get(&anon, path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(!page.body.contains(note), "{path} shows a submitted line");
    }
    // A validated line of the same action line does show, with its amounts.
    let page = app.get(&anon, "/action-lines/AL-1.2").await;
    let loan_2025 = &all.budgets["AL-1.2:2025:loan:RDB"];
    assert!(page.body.contains(&usd(&loan_2025.planned.to_string())));
    assert!(page.body.contains("id=\"budget-h\""));
}

#[tokio::test]
async fn the_funding_page_adds_up_the_validated_lines_to_the_cent() {
    let app = TestApp::demo_sqlite().await;
    let anon = Client::default();
    let public = app.state.public_snapshot();
    let t = totals(public.budgets.values());
    let page = app.get(&anon, "/funding").await;
    assert_eq!(page.status, StatusCode::OK);
    // The grand totals, each year's and each source's, computed here independently.
    let sum = |f: &dyn Fn(&Budget) -> bool, g: fn(&Budget) -> Money| -> Money {
        public.budgets.values().filter(|b| f(b)).map(g).sum()
    };
    let planned = sum(&|_| true, |b| b.planned);
    assert_eq!(planned, t.all.planned);
    for m in [
        planned,
        sum(&|_| true, |b| b.committed),
        sum(&|_| true, |b| b.spent),
    ] {
        assert!(page.body.contains(&fmt_money("en", m, "USD")), "{m}");
    }
    for year in 2024..=2027 {
        let m = sum(&|b| b.year == year, |b| b.planned);
        assert!(m > Money::ZERO);
        assert!(page.body.contains(&fmt_money("en", m, "USD")), "{year}");
    }
    for src in [
        "treasury",
        "donor_grant",
        "loan",
        "public_private_partnership",
    ] {
        let m = sum(&|b| b.source.as_str() == src, |b| b.spent);
        assert!(page.body.contains(&fmt_money("en", m, "USD")), "{src}");
    }
    // Both partners are there, linked to their pages, with the lines they fund.
    assert!(page.body.contains("href=\"/funding/IDP\""));
    assert!(page.body.contains("href=\"/funding/RDB\""));

    // A line planted as submitted changes nothing; validated, it adds exactly its amount.
    app.state
        .store
        .apply(
            "test",
            vec![Change::Upsert(
                extra("1000000.01", ObservationStatus::Submitted).into(),
            )],
        )
        .await
        .unwrap();
    let again = app.get(&anon, "/funding").await;
    assert!(again.body.contains(&fmt_money("en", planned, "USD")));
    assert!(!again.body.contains("a line planted by the test"));
    app.state
        .store
        .apply(
            "test",
            vec![Change::Upsert(
                extra("1000000.01", ObservationStatus::Validated).into(),
            )],
        )
        .await
        .unwrap();
    let after = app.get(&anon, "/funding").await;
    let more = planned + Money::parse("1000000.01").unwrap();
    assert!(after.body.contains(&fmt_money("en", more, "USD")));
    assert!(!after.body.contains(&fmt_money("en", planned, "USD")));

    // In French, the same amounts in French style; a year filter narrows the action lines.
    let fr = app.get(&anon, "/fr/funding?year=2027").await;
    assert_eq!(fr.status, StatusCode::OK);
    assert!(fr.body.contains(&fmt_money("fr", more, "USD")));
    for bad in [
        "/funding?year=1999",
        "/funding?year=twenty",
        "/funding?page=0",
    ] {
        assert_eq!(
            app.get(&anon, bad).await.status,
            StatusCode::BAD_REQUEST,
            "{bad}"
        );
    }
    // A partner's page; none for a ministry, nor for an unknown code.
    assert_eq!(app.get(&anon, "/funding/IDP").await.status, StatusCode::OK);
    assert_eq!(
        app.get(&anon, "/funding/MOF").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&anon, "/funding/NOPE").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_lead_submits_its_lines_and_an_editor_validates_them() {
    let app = TestApp::demo_sqlite().await;
    let anon = Client::default();
    // AL-5.3 is led by the Digital Government Authority.
    let lead = app.with_user(Role::Entity, Some("DGA")).await;
    let other = app.with_user(Role::Entity, Some("MOF")).await;
    let editor = app.with_user(Role::Editor, None).await;
    let line = |status: &'static str| {
        vec![
            ("action_line", "AL-5.3"),
            ("year", "2026"),
            ("source", "donor_grant"),
            ("partner", "IDP"),
            ("planned", "250000.75"),
            ("committed", "120000.5"),
            ("spent", ""),
            ("status", status),
            ("note", "Team coaching funded by the partner"),
        ]
    };
    let key = "AL-5.3:2026:donor_grant:IDP";
    // The lead may not validate its own line, nor may another organisation submit it.
    let r = app
        .post_form(&lead, "/admin/data/budgets/new", &line("validated"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = app
        .post_form(&other, "/admin/data/budgets/new", &line("submitted"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = app
        .post_form(&lead, "/admin/data/budgets/new", &line("submitted"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let stored = app.state.store.snapshot().budgets[key].clone();
    assert_eq!(stored.planned, Money::parse("250000.75").unwrap());
    assert_eq!(stored.spent, Money::ZERO, "an empty amount is 0");
    // Not public yet.
    let r = app.get(&anon, &format!("/api/v1/budgets/{key}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // The editor finds it among the submitted lines, and only submitted ones are listed.
    let waiting = app
        .get(&editor, "/admin/data/budgets?status=submitted")
        .await;
    assert_eq!(waiting.status, StatusCode::OK);
    assert!(waiting.body.contains(key), "{}", waiting.body);
    assert!(!waiting.body.contains("AL-1.1:2024:treasury"));
    let r = app
        .get(&editor, "/admin/data/budgets?status=approved")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // The lead sees its own lines only.
    let mine = app.get(&lead, "/admin/data/budgets").await;
    assert!(mine.body.contains(key));
    assert!(!mine.body.contains("AL-2.3:2024:treasury"), "MOF's line");

    let version = app
        .state
        .store
        .version_of(agenda_core::Kind::Budget, key)
        .await
        .unwrap()
        .unwrap()
        .to_string();
    let mut fields = line("validated");
    fields.push(("version", &version));
    let r = app
        .post_form(&editor, &format!("/admin/data/budgets/{key}"), &fields)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app.get(&anon, &format!("/api/v1/budgets/{key}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("\"planned\":\"250000.75\""), "{}", r.body);
    let page = app.get(&anon, "/funding/IDP").await;
    assert!(page.body.contains("Team coaching funded by the partner"));
    // Validated, it is no longer the lead's to change.
    let version = app
        .state
        .store
        .version_of(agenda_core::Kind::Budget, key)
        .await
        .unwrap()
        .unwrap()
        .to_string();
    let mut fields = line("submitted");
    fields.push(("version", &version));
    let r = app
        .post_form(&lead, &format!("/admin/data/budgets/{key}"), &fields)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
}

#[tokio::test]
async fn amounts_are_shown_in_the_configured_currency() {
    let db = agenda_store::testing::test_databases()
        .await
        .into_iter()
        .next()
        .expect("SQLite test database");
    let mut settings = crate::WebSettings::new("Demo Republic");
    settings.currency = "XOF".into();
    let app = TestApp::demo_with(db, settings).await;
    let planned: Money = app
        .state
        .public_snapshot()
        .budgets
        .values()
        .map(|b| b.planned)
        .sum();
    let page = app.get(&Client::default(), "/fr/funding").await;
    assert_eq!(page.status, StatusCode::OK);
    // The CFA franc has no minor unit: whole francs, French style.
    let shown = fmt_money("fr", planned, "XOF");
    assert!(!shown.contains(','), "{shown}");
    assert!(page.body.contains(&shown), "{shown}");
    assert!(page.body.contains("Montants en XOF."));
    assert!(!page.body.contains("USD"));
}
