//! Long public lists come a page at a time: at national scale the services list stays small,
//! says which services it shows of how many, and leads on to the next page, filters kept.

use agenda_core::numbers::fmt_num;
use axum::http::StatusCode;

use crate::site::pager::PER_PAGE;
use crate::testkit::{Client, TestApp};

/// The codes of the services a list page links to, in order.
fn listed(page: &str) -> Vec<&str> {
    page.split("<a href=\"/services/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect()
}

/// The target of the page's `rel` link (`next`, `prev`), as a path to request.
fn link(page: &str, rel: &str) -> Option<String> {
    let end = page.find(&format!("\" rel=\"{rel}\""))?;
    let start = page[..end].rfind("href=\"")? + 6;
    Some(page[start..end].replace("&#38;", "&"))
}

#[tokio::test]
async fn a_national_catalogue_is_listed_fifty_services_a_page() {
    let app = TestApp::national(3000).await;
    let anon = Client::default();
    let s = app.state.public_snapshot();
    let total = s.services.len();
    assert!(total > 3000);
    let all: Vec<&str> = s.services.values().map(|v| v.code.as_str()).collect();
    let per = PER_PAGE;
    let pages = total.div_ceil(per);

    let first = app.get(&anon, "/services").await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body.len() < 200_000, "{} bytes", first.body.len());
    let n = fmt_num("en", total as f64);
    assert!(
        first.body.contains(&format!("Services 1–{per} of {n}")),
        "{}",
        first.body
    );
    assert_eq!(listed(&first.body), all[..per]);
    assert_eq!(link(&first.body, "prev"), None);
    assert!(first.body.contains(&format!("Page 1 of {pages}")));
    assert!(
        first
            .body
            .contains("<nav class=\"pager\" aria-label=\"Pages of the list\">")
    );

    // Page 2 follows on where page 1 ended, and leads back.
    let to = link(&first.body, "next").expect("a next page");
    assert_eq!(to, "/services?page=2");
    let second = app.get(&anon, &to).await;
    assert_eq!(second.status, StatusCode::OK);
    assert!(
        second
            .body
            .contains(&format!("Services {}–{} of {n}", per + 1, 2 * per))
    );
    assert_eq!(listed(&second.body), all[per..2 * per]);
    assert_eq!(link(&second.body, "prev").as_deref(), Some("/services"));

    // The last page holds the rest and leads nowhere further; there is no page after it.
    let last = app.get(&anon, &format!("/services?page={pages}")).await;
    assert_eq!(last.status, StatusCode::OK);
    assert_eq!(listed(&last.body), all[(pages - 1) * per..]);
    assert_eq!(link(&last.body, "next"), None);
    let beyond = app
        .get(&anon, &format!("/services?page={}", pages + 1))
        .await;
    assert_eq!(beyond.status, StatusCode::NOT_FOUND);
    for bad in ["0", "two", "-1"] {
        let r = app.get(&anon, &format!("/services?page={bad}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "page={bad}");
    }

    // Filters are kept from page to page, with the count of what they leave.
    let level2: Vec<&str> = s
        .services
        .values()
        .filter(|v| v.maturity.level() == 2)
        .map(|v| v.code.as_str())
        .collect();
    assert!(level2.len() > 2 * per);
    let f1 = app.get(&anon, "/services?maturity=2").await;
    let m = fmt_num("en", level2.len() as f64);
    assert!(f1.body.contains(&format!(
        "Services 1–{per} of {m} ({n} in the whole catalogue)"
    )));
    let to = link(&f1.body, "next").expect("a next page");
    assert_eq!(to, "/services?maturity=2&page=2");
    let f2 = app.get(&anon, &to).await;
    assert_eq!(listed(&f2.body), level2[per..2 * per]);

    // In French, with the French way of writing numbers.
    let fr = app.get(&anon, "/fr/services?page=2").await;
    assert_eq!(fr.status, StatusCode::OK);
    let n_fr = fmt_num("fr", total as f64);
    assert!(
        fr.body
            .contains(&format!("Services {} à {} sur {n_fr}", per + 1, 2 * per))
    );
    assert_eq!(
        link(&fr.body, "next").as_deref(),
        Some("/fr/services?page=3")
    );
}

#[tokio::test]
async fn a_list_that_fits_on_one_page_has_no_page_links() {
    let app = TestApp::demo_sqlite().await;
    let anon = Client::default();
    let orgs = app.get(&anon, "/organisations").await;
    assert_eq!(orgs.status, StatusCode::OK);
    let n = app.state.public_snapshot().organisations.len();
    assert!(n < PER_PAGE);
    assert!(orgs.body.contains(&format!("Organisations 1–{n} of {n}")));
    assert!(!orgs.body.contains("class=\"pager\""));
    let beyond = app.get(&anon, "/organisations?page=2").await;
    assert_eq!(beyond.status, StatusCode::NOT_FOUND);
}

/// The page cache keeps bodies up to a bound; a larger page is served, not refused.
#[tokio::test]
async fn a_page_larger_than_the_cache_keeps_is_served_uncached() {
    use axum::routing::get;
    use tower::ServiceExt;
    let app = TestApp::demo_sqlite().await;
    let state = app.state.clone();
    let big = "x".repeat(3 * 1024 * 1024);
    let body = big.clone();
    let router = axum::Router::new()
        .route("/big", get(move || async move { body }))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::site::cache_pages,
        ))
        .with_state(state);
    for _ in 0..2 {
        let res = router
            .clone()
            .oneshot(
                axum::http::Request::get("/big")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let got = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        assert_eq!(got.len(), big.len());
    }
    let cache = app.state.pages.read().unwrap();
    assert!(
        cache.entries.keys().all(|k| !k.ends_with("/big")),
        "not kept"
    );
}

/// Every public page type, for the busiest life event, organisation and building block of a
/// catalogue whose unpaged list of services would pass the page cache's old 2 MB bound, is
/// answered in under 200 KB.
#[tokio::test]
async fn every_public_page_type_stays_small_at_a_national_size() {
    let app = TestApp::national(8000).await;
    let anon = Client::default();
    let s = app.state.public_snapshot();
    let busiest = |codes: Vec<&agenda_core::Code>| -> String {
        let mut n: std::collections::HashMap<&str, usize> = Default::default();
        for c in codes {
            *n.entry(c.as_str()).or_default() += 1;
        }
        n.into_iter()
            .max_by_key(|(c, n)| (*n, std::cmp::Reverse(*c)))
            .map(|(c, _)| c.to_owned())
            .unwrap()
    };
    let event = busiest(s.services.values().flat_map(|v| &v.life_event).collect());
    let org = busiest(s.services.values().map(|v| &v.owner_code).collect());
    let block = busiest(
        s.services
            .values()
            .flat_map(|v| &v.building_blocks)
            .collect(),
    );
    let mut paths = crate::testkit::public_paths(&s);
    paths.extend([
        format!("/life-events/{event}"),
        format!("/organisations/{org}"),
        format!("/building-blocks/{block}"),
        "/services?audience=citizen".to_owned(),
        // A search within the list that most titles match, and one page of it further on.
        "/services?q=e".to_owned(),
        "/services?q=e&page=3".to_owned(),
    ]);
    // Beyond the first page of each long list.
    paths.extend([
        "/analysis/priorities?page=3".to_owned(),
        "/analysis/freshness?page=2".to_owned(),
        format!("/building-blocks/{block}?page=2"),
        format!("/life-events/{event}?page=2"),
    ]);
    let mut sizes = Vec::new();
    for path in &paths {
        let r = app.get(&anon, path).await;
        assert!(r.status.as_u16() < 500, "{path}: {}", r.status);
        sizes.push((r.body.len(), path.clone()));
    }
    sizes.sort();
    assert!(s.services.len() > 8000);
    let large: Vec<_> = sizes.iter().filter(|(n, _)| *n >= 200_000).collect();
    assert!(
        large.is_empty(),
        "over 200 KB: {large:?}; largest: {:?}",
        sizes.last()
    );
}
