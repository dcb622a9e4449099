//! The framework pages on the demo country: what they call measured and not measured is what
//! the KPIs' alignments say, in every language, and the KPI page links to what it serves.

use std::collections::BTreeMap;

use axum::http::StatusCode;

use crate::testkit::{Client, TestApp};

/// The table row of indicator `code` on a framework page.
fn row<'a>(html: &'a str, code: &str) -> &'a str {
    let start = html
        .find(&format!("<tr id=\"i-{code}\">"))
        .unwrap_or_else(|| panic!("no row for {code}"));
    let len = html[start..].find("</tr>").expect("the row ends");
    &html[start..start + len]
}

#[tokio::test]
async fn each_framework_page_splits_its_indicators_as_the_kpis_align_to_them() {
    let app = TestApp::demo_sqlite().await;
    let anon = Client::default();
    let s = app.state.store.snapshot();
    // What the data says, read from the KPIs' own alignments: indicator key → KPI codes.
    let mut served: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for k in s.kpis.values() {
        for key in &k.framework_indicators {
            served
                .entry(key.clone())
                .or_default()
                .push(k.code.to_string());
        }
    }
    assert_eq!(s.frameworks.iter().count(), 3);
    let list = app.get(&anon, "/frameworks").await;
    assert_eq!(list.status, StatusCode::OK);
    for pre in ["", "/fr", "/es"] {
        for f in s.frameworks.iter() {
            let page = app.get(&anon, &format!("{pre}/frameworks/{}", f.id)).await;
            assert_eq!(page.status, StatusCode::OK, "{pre} {}", f.id);
            let html = &page.body;
            let gap_at = html.find("<h2 id=\"gap\">").expect("a gap section");
            let (measured, gap) = html.split_at(gap_at);
            let mut covered = 0;
            for i in &f.indicators {
                let kpis = served.get(&i.key()).cloned().unwrap_or_default();
                let r = row(measured, &i.code);
                let listed_in_gap = gap.contains(&format!("href=\"#i-{}\"", i.code));
                assert_eq!(listed_in_gap, kpis.is_empty(), "{pre} {}", i.key());
                for k in &kpis {
                    assert!(r.contains(&format!("/kpis/{k}\"")), "{pre} {} {k}", i.key());
                }
                covered += usize::from(!kpis.is_empty());
            }
            let total = f.indicators.len();
            if pre.is_empty() {
                assert!(
                    html.contains(&format!("measure {covered} of the {total} indicators")),
                    "{}",
                    f.id
                );
                assert!(
                    list.body.contains(&format!("{covered} of {total}")),
                    "{}",
                    f.id
                );
            } else {
                // Their words are English, and marked so.
                assert!(
                    html.contains(&format!("<h1 lang=\"en\" dir=\"ltr\">{}</h1>", f.name)),
                    "{pre} {}",
                    f.id
                );
            }
        }
    }
    // The demo's own figures, stated once more by hand.
    let dd = app
        .get(&anon, "/frameworks/eu-digital-decade-2030")
        .await
        .body;
    let bds = row(&dd, "dd_bds");
    for link in ["/kpis/KPI-26\"", "/kpis/KPI-27\"", "/action-lines/AL-5.2\""] {
        assert!(bds.contains(link), "{link}");
    }
    assert!(bds.contains("80 by 2030"), "{bds}");
    assert!(row(&dd, "dd_5gc").contains("Not measured"));
    assert!(dd.contains("measure 4 of the 18 indicators"));
    let gtmi = app.get(&anon, "/frameworks/wb-gtmi-2022").await.body;
    assert!(gtmi.contains("measure 11 of the 53 indicators"));
    assert!(row(&gtmi, "I-26").contains("/kpis/KPI-12\""));
    assert!(!gtmi.contains("fw-col-target") && !gtmi.contains(">Target<"));
    let un = app.get(&anon, "/es/frameworks/un-egov-survey").await.body;
    assert!(un.contains("miden 2 de los 6 indicadores"), "{un}");
}

#[tokio::test]
async fn an_unknown_framework_is_not_found_in_the_visitors_language() {
    let app = TestApp::demo_sqlite().await;
    let anon = Client::default();
    let r = app.get(&anon, "/frameworks/no-such").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        r.body
            .contains("There is no indicator framework with the code “no-such”."),
        "{}",
        r.body
    );
    let r = app.get(&anon, "/fr/frameworks/wb-gtmi-2020").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        r.body.contains("pas de référentiel d’indicateurs"),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn a_kpi_page_links_to_the_framework_indicators_it_serves() {
    let app = TestApp::demo_sqlite().await;
    let anon = Client::default();
    let en = app.get(&anon, "/kpis/KPI-12").await.body;
    assert!(en.contains("href=\"/frameworks/eu-digital-decade-2030#i-art4(1)(4)(c)\""));
    assert!(en.contains("href=\"/frameworks/wb-gtmi-2022#i-I-26\">GTMI I-26</a>"));
    let fr = app.get(&anon, "/fr/kpis/KPI-12").await.body;
    assert!(fr.contains(
        "href=\"/fr/frameworks/wb-gtmi-2022#i-I-26\" lang=\"en\" dir=\"ltr\">GTMI I-26</a> \
         <span lang=\"en\" dir=\"ltr\">Digital ID for online services</span>"
    ));
    // A KPI that serves none says nothing about frameworks.
    let none = app.get(&anon, "/kpis/KPI-02").await.body;
    assert!(!none.contains("/frameworks/wb"));
}
