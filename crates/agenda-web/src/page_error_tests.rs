//! What a page answers when it cannot show what was asked: the status, and in the visitor's
//! language what is missing (its kind and code), which value is wrong, or why it is refused.

use agenda_core::Role;
use axum::http::StatusCode;

use crate::testkit::{Client, TestApp};

#[tokio::test]
async fn a_page_says_what_is_missing_wrong_or_refused_in_the_visitors_language() {
    let app = TestApp::demo_sqlite().await;
    let anon = Client::default();
    let org = app
        .state
        .store
        .snapshot()
        .organisations
        .values()
        .next()
        .expect("an organisation")
        .code
        .to_string();
    let entity = app.with_user(Role::Entity, Some(&org)).await;
    let editor = app.with_user(Role::Editor, None).await;
    let cases: Vec<(&Client, &str, StatusCode, &str)> = vec![
        (
            &anon,
            "/services/NO-SUCH",
            StatusCode::NOT_FOUND,
            "There is no service with the code “NO-SUCH”.",
        ),
        (
            &anon,
            "/fr/services/NO-SUCH",
            StatusCode::NOT_FOUND,
            "pas de service avec le code « NO-SUCH »",
        ),
        (
            &anon,
            "/es/kpis/NO-SUCH",
            StatusCode::NOT_FOUND,
            "«NO-SUCH»",
        ),
        (
            &anon,
            "/services?maturity=7",
            StatusCode::BAD_REQUEST,
            "“7”",
        ),
        (
            &anon,
            "/no-such-page",
            StatusCode::NOT_FOUND,
            "Page not found",
        ),
        (
            &entity,
            "/admin/users",
            StatusCode::FORBIDDEN,
            "Your role does not allow this.",
        ),
        (
            &entity,
            "/fr/admin/users",
            StatusCode::FORBIDDEN,
            "Votre rôle ne le permet pas.",
        ),
        (
            &entity,
            "/admin/tasks/2026-Q9/figures",
            StatusCode::NOT_FOUND,
            "There is no quarter with the code “2026-Q9”.",
        ),
        (
            &editor,
            "/admin/feedback/NO-SUCH",
            StatusCode::NOT_FOUND,
            "There is no feedback ticket with the code “NO-SUCH”.",
        ),
        (
            &editor,
            "/admin/data/services/NO-SUCH",
            StatusCode::NOT_FOUND,
            "There is no service with the code “NO-SUCH”.",
        ),
        (
            &editor,
            "/admin/reports/AL-1.1%3A2026-Q9",
            StatusCode::NOT_FOUND,
            "There is no progress report with the code “AL-1.1:2026-Q9”.",
        ),
    ];
    for (client, path, status, says) in cases {
        let r = app.get(client, path).await;
        assert_eq!(r.status, status, "{path}: {}", r.body);
        assert!(
            r.body.contains(says),
            "{path} does not say {says:?}: {}",
            r.body
        );
        assert!(
            r.headers["content-type"]
                .to_str()
                .is_ok_and(|v| v.starts_with("text/html")),
            "{path}"
        );
    }
}
