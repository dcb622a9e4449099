//! Services for other government agencies (G2G) are catalogue entries like any other, listed
//! and filtered by whom they are for, and found by the public finder only when asked for.

use axum::http::StatusCode;

use crate::testkit::{Client, TestApp};

#[tokio::test]
async fn the_catalogue_lists_services_by_whom_they_are_for() {
    let app = TestApp::demo_sqlite().await;
    let anon = Client::default();
    let s = app.state.public_snapshot();
    let g2g: Vec<&str> = s
        .services
        .values()
        .filter(|v| v.for_agencies())
        .map(|v| v.code.as_str())
        .collect();
    assert_eq!(g2g, ["SVC-091"]);

    let page = app.get(&anon, "/services?audience=government").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("/services/SVC-091\""), "{}", page.body);
    assert!(!page.body.contains("/services/SVC-001\""));
    assert!(
        page.body
            .contains("<option value=\"government\" selected>For government agencies</option>")
    );
    // A service for people and businesses is in both lists.
    for audience in ["citizen", "business"] {
        let page = app
            .get(&anon, &format!("/services?audience={audience}"))
            .await;
        assert!(page.body.contains("/services/SVC-030\""), "{audience}");
    }
    let sheet = app.get(&anon, "/services/SVC-030").await;
    assert!(sheet.body.contains("<dd>For people, For businesses</dd>"));
    let sheet = app.get(&anon, "/fr/services/SVC-091").await;
    assert!(sheet.body.contains("<dd>Pour les administrations</dd>"));

    let bad = app.get(&anon, "/services?audience=tourists").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("tourists"), "{}", bad.body);
}

#[tokio::test]
async fn the_finder_offers_services_for_agencies_only_when_asked_for() {
    let app = TestApp::demo_sqlite().await;
    let anon = Client::default();
    let q = "civil+status+record";
    let public = app.get(&anon, &format!("/search?q={q}")).await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(
        !public.body.contains("/services/SVC-091\""),
        "{}",
        public.body
    );
    let agencies = app.get(&anon, &format!("/search?q={q}&for=agencies")).await;
    assert!(
        agencies.body.contains("/services/SVC-091\""),
        "{}",
        agencies.body
    );
    assert!(agencies.body.contains("value=\"agencies\" checked"));

    let api = app
        .get(&anon, &format!("/api/v1/finder?q={q}&for=agencies"))
        .await;
    assert_eq!(api.status, StatusCode::OK);
    assert!(api.body.contains("\"code\":\"SVC-091\""), "{}", api.body);
    let api = app.get(&anon, &format!("/api/v1/finder?q={q}")).await;
    assert!(!api.body.contains("\"code\":\"SVC-091\""), "{}", api.body);
    let bad = app
        .get(&anon, &format!("/api/v1/finder?q={q}&for=everyone"))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_search_within_the_list_keeps_the_other_filters_and_the_pages() {
    let app = TestApp::demo_sqlite().await;
    let anon = Client::default();
    // Every word counts, in any case, in the page's language or English.
    let page = app.get(&anon, "/services?q=Driving+LICENCE").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("/services/SVC-037\""), "{}", page.body);
    assert!(!page.body.contains("/services/SVC-043\""));
    assert!(
        page.body
            .contains("name=\"q\" type=\"search\" value=\"Driving LICENCE\"")
    );
    let fr = app.get(&anon, "/fr/services?q=permis").await;
    assert!(fr.body.contains("/fr/services/SVC-037\""), "{}", fr.body);
    // With another filter: both apply.
    let none = app.get(&anon, "/services?q=driving&owner=CRA").await;
    assert!(!none.body.contains("/services/SVC-037\""));
    // The pages of a searched list keep the search.
    let many = app.get(&anon, "/services?q=a").await;
    assert!(many.body.contains("q=a"), "the pager keeps the search");
}
