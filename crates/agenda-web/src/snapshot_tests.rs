//! Snapshots of every page type: one page of each, in English, signed out, as an
//! administrator and as an entity, on the demo country with a fixed date. A change to a
//! template or to what a handler puts in it shows up as a reviewable diff of the HTML
//! (`INSTA_UPDATE=always cargo test -p agenda-web --lib snapshot` writes the new ones).
//!
//! What differs from run to run is masked: anti-forgery tokens, the chat's conversation id, the
//! feedback form's token, the dates and times of the day the test database was filled, and the
//! feed's timestamps.

use agenda_core::{Date, Kind, Role};

use crate::WebSettings;
use crate::testkit::{Client, TestApp, admin_paths, first, public_paths};

/// The day statuses are computed for, so that a snapshot does not change with the calendar.
const DAY: &str = "2026-10-15";

/// `html` with what changes between runs masked.
fn masked(html: &str) -> String {
    let today = chrono::Utc::now().date_naive();
    let mut out = html.to_owned();
    // The session's anti-forgery token, the chat's conversation id, the feedback form's token.
    let token =
        regex::Regex::new(r#"(name="(csrf|session|token)"[^>]*value=")[^"]+""#).expect("regex");
    out = token.replace_all(&out, r#"$1[$2]""#).into_owned();
    // The import ran today: its day appears in histories and change dates, its time in the feed.
    for day in [today, today.pred_opt().expect("yesterday")] {
        out = out.replace(&day.format("%Y-%m-%d").to_string(), "[import day]");
        out = out.replace(&day.format("%-d %B %Y").to_string(), "[import day]");
    }
    let clock = regex::Regex::new(r"\[import day\]T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
        .expect("regex");
    clock.replace_all(&out, "[import time]").into_owned()
}

/// A file name for the snapshot of `who` at `path`.
fn name(who: &str, path: &str) -> String {
    let mut n: String = path
        .trim_start_matches('/')
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if n.is_empty() {
        n = "home".to_owned();
    }
    format!("{who}__{n}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_type_matches_its_snapshot() {
    let db = agenda_store::testing::test_databases()
        .await
        .into_iter()
        .next()
        .expect("SQLite test database");
    let mut settings = WebSettings::new("Demo Republic");
    settings.secure_cookies = false;
    settings.today = Some(Date::parse(DAY).expect("a date"));
    let app = TestApp::demo_with(db, settings).await;
    let s = app.state.store.snapshot();
    let admin = app.with_user(Role::Admin, None).await;
    let org = first(&s, Kind::Organisation).expect("an organisation");
    let entity = app.with_user(Role::Entity, Some(&org)).await;
    let runs: [(&str, Client, Vec<String>); 3] = [
        ("public", Client::default(), public_paths(&s)),
        ("admin", admin, admin_paths(&s)),
        (
            "entity",
            entity,
            vec!["/admin/tasks".to_owned(), "/admin/dashboard".to_owned()],
        ),
    ];
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    let _guard = settings.bind_to_scope();
    let mut taken = 0;
    for (who, client, paths) in runs {
        for path in paths {
            let reply = app.get(&client, &path).await;
            let body = format!(
                "{} {}\n{}",
                reply.status.as_u16(),
                path,
                masked(&reply.body)
            );
            insta::assert_snapshot!(name(who, &path), body);
            taken += 1;
        }
    }
    assert!(taken > 60, "only {taken} page types");
}
