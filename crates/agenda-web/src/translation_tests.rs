//! No interface string reaches a person as a raw key: every page type, in every language,
//! signed out and signed in, and every kind of record and change the pages name.

use agenda_core::{Kind, Role};
use agenda_store::AuditAction;
use axum::http::StatusCode;

use crate::site::i18n::{LANGS, missing_keys, t_opt};
use crate::testkit::{TestApp, admin_paths, first, public_paths};

/// The language prefix of `lang`'s pages.
fn prefix(lang: &str) -> String {
    agenda_core::languages::url_prefix(lang).to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_type_in_every_language_has_all_its_strings() {
    let app = TestApp::demo_sqlite().await;
    let s = app.state.store.snapshot();
    let admin = app.with_user(Role::Admin, None).await;
    let org = first(&s, Kind::Organisation).expect("an organisation");
    let entity = app.with_user(Role::Entity, Some(&org)).await;
    let anonymous = crate::testkit::Client::default();

    let mut seen = 0;
    let mut raw = Vec::new();
    for lang in LANGS {
        let pre = prefix(lang);
        let runs = [
            (&anonymous, public_paths(&s)),
            (&admin, admin_paths(&s)),
            (
                &entity,
                vec!["/admin".to_owned(), "/admin/dashboard".to_owned()],
            ),
        ];
        for (client, paths) in runs {
            for path in paths {
                let url = if path == "/" && !pre.is_empty() {
                    pre.clone()
                } else {
                    format!("{pre}{path}")
                };
                let reply = app.get(client, &url).await;
                assert!(
                    reply.status != StatusCode::INTERNAL_SERVER_ERROR,
                    "{url} failed: {}",
                    reply.body
                );
                seen += 1;
                let html = reply
                    .headers
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|ct| ct.starts_with("text/html"));
                assert!(
                    html || url.ends_with(".atom") || reply.status.is_redirection(),
                    "{url} is not a page"
                );
                if reply.body.contains("Unknown localization key") {
                    raw.push(url);
                }
            }
        }
    }
    assert!(seen > 300, "only {seen} pages rendered");
    assert!(raw.is_empty(), "raw translation keys on {raw:?}");
    let missing = missing_keys();
    assert!(
        missing.is_empty(),
        "interface strings missing in every language: {missing:?}"
    );
}

#[test]
fn every_kind_and_change_has_words_in_every_language() {
    let mut missing = Vec::new();
    for lang in LANGS {
        for kind in Kind::ALL {
            let key = format!("kind-{}", kind.as_str());
            if t_opt(lang, &key).is_none() {
                missing.push(format!("{lang}: {key}"));
            }
        }
        for action in [
            AuditAction::Create,
            AuditAction::Update,
            AuditAction::Delete,
        ] {
            for key in [
                format!("action-{}", action.as_str()),
                crate::site::history_key(action).to_owned(),
            ] {
                if t_opt(lang, &key).is_none() {
                    missing.push(format!("{lang}: {key}"));
                }
            }
        }
    }
    assert!(missing.is_empty(), "no words for {missing:?}");
}

/// Every column a form can show has a label in words: its `admin-field-…` or `field-…` key
/// (the forms fall back to the column's name, which the missing-key record cannot see).
#[test]
fn every_column_of_every_table_has_a_label() {
    let mut missing = Vec::new();
    for table in agenda_io::columns::tables() {
        for column in table.columns.iter().filter(|c| c.written) {
            let key = column.name.replace('_', "-");
            let labelled = t_opt("en", &format!("admin-field-{key}")).is_some()
                || t_opt("en", &format!("field-{key}")).is_some();
            if !labelled {
                missing.push(format!("{}.{}", table.name, column.name));
            }
        }
    }
    assert!(missing.is_empty(), "columns without a label: {missing:?}");
}

/// Arabic pages read right to left, with the SDG titles the shipped framework has in Arabic;
/// Portuguese, which has none, shows the English titles marked as English, left to right.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arabic_pages_read_right_to_left_with_their_own_sdg_titles() {
    let app = TestApp::demo_sqlite().await;
    let anonymous = crate::testkit::Client::default();
    for page in ["/ar", "/ar/sdgs", "/ar/kpis/KPI-01", "/ar/login"] {
        let reply = app.get(&anonymous, page).await;
        assert_eq!(reply.status, StatusCode::OK, "{page}");
        assert!(
            reply.body.contains("<html lang=\"ar\" dir=\"rtl\">"),
            "{page} is not marked right to left"
        );
    }
    let goal = app.get(&anonymous, "/ar/sdgs/1").await.body;
    assert!(
        goal.contains("القضاء على الفقر بجميع أشكاله في كل مكان"),
        "{goal}"
    );
    assert!(!goal.contains("End poverty in all its forms everywhere"));
    let pt = app.get(&anonymous, "/pt/sdgs/1").await.body;
    assert!(pt.contains("<html lang=\"pt\" dir=\"ltr\">"));
    assert!(
        pt.contains("<span lang=\"en\" dir=\"ltr\">End poverty in all its forms everywhere</span>"),
        "{pt}"
    );
    // The time axis of a KPI's chart runs right to left: the path to target starts on the right.
    let kpi = app.get(&anonymous, "/ar/kpis/KPI-01").await.body;
    assert!(kpi.contains("<svg class=\"chart\""));
    assert!(
        kpi.contains("direction=\"rtl\""),
        "the chart is not mirrored"
    );
    // Language names in the switcher carry their own direction.
    let home = app.get(&anonymous, "/").await.body;
    assert!(
        home.contains("lang=\"ar\" dir=\"rtl\">العربية</a>"),
        "{home}"
    );
}
