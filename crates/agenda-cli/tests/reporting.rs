//! An organisation's reporting, end to end on the real binary, on SQLite and (when
//! `AGENDA_TEST_POSTGRES_URL` is set) PostgreSQL: its task list, "report this quarter" (report,
//! figures, confirmation), what another organisation may not see or do, and the review.

use std::collections::BTreeMap;
use std::sync::Arc;

use agenda_store::Store;
use agenda_store::testing::test_databases;

mod common;

use common::serve;
use common::session::*;

const TODAY: &str = "2026-11-26";

/// Every KPI figure stored, by key, as (value, status).
async fn figures(url: &str) -> BTreeMap<String, (f64, String)> {
    let store = Store::open(url, Arc::new(agenda_core::sdg::SdgFramework::default()))
        .await
        .expect("open the store");
    store
        .snapshot()
        .observations
        .iter()
        .map(|(k, o)| (k.to_string(), (o.value, o.status.as_str().to_owned())))
        .collect()
}

/// The task of the task list `page` that holds `needle`.
fn task<'a>(page: &'a str, needle: &str) -> &'a str {
    let at = page
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} is not on the page:\n{page}"));
    let start = page[..at].rfind("<li").expect("in a task");
    let end = at + page[at..].find("</li>").expect("task ends");
    &page[start..end]
}

/// Whether the task of `page` that holds `needle` is folded away among those done.
fn folded(page: &str, needle: &str) -> bool {
    let at = page.find(needle).expect("on the page");
    page[..at]
        .rfind("<details class=\"done\">")
        .is_some_and(|open| !page[open..at].contains("</details>"))
}

/// The table row of `page` that holds `needle`.
fn row<'a>(page: &'a str, needle: &str) -> &'a str {
    let at = page
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} is not on the page:\n{page}"));
    let start = page[..at].rfind("<tr").expect("in a row");
    let end = at + page[at..].find("</tr>").expect("row ends");
    &page[start..end]
}

#[test]
fn an_organisation_reports_its_quarter_from_its_task_list_and_sees_the_review() {
    let rt = runtime();
    for db in rt.block_on(test_databases()) {
        let on = db.backend().as_str();
        let s = serve(db.url(), &["--demo", "--today", TODAY]);
        // DGA leads AL-3.4 (no report for 2026-Q3) and owns KPI-15 and KPI-20 (no figure for
        // 2026-Q3); CRA is another organisation.
        for (u, r, o) in [
            ("ed", "editor", None),
            ("lead", "entity", Some("DGA")),
            ("owner", "entity", Some("CRA")),
        ] {
            add_user(db.url(), u, r, o);
        }
        rt.block_on(async {
            let lead = Client::login(&s, "lead").await;
            let owner = Client::login(&s, "owner").await;
            let ed = Client::login(&s, "ed").await;
            let report = "/admin/reports/AL-3.4%3A2026-Q3";
            let figures_page = "/admin/tasks/2026-Q3/figures";

            // The task list: what DGA owes this cycle, by name, with deadlines and links to
            // forms already set to the organisation and period.
            let tasks = lead.get("/admin/tasks").await;
            assert_eq!(tasks.status, 200, "[{on}]");
            assert!(
                tasks.text.contains("Digital Government Authority"),
                "[{on}]"
            );
            let r = task(&tasks.text, &format!("href=\"{report}\""));
            assert!(r.contains("Data governance and consent"), "[{on}] {r}");
            assert!(
                r.contains("2026-10-15") && r.contains("Overdue"),
                "[{on}] {r}"
            );
            assert!(r.contains("class=\"overdue\""), "[{on}] {r}");
            let f = task(
                &tasks.text,
                "href=\"/admin/tasks/2026-Q3/figures#f-KPI-15-2026-Q3\"",
            );
            assert!(
                f.contains("Documents signed with a qualified electronic signature"),
                "[{on}] {f}"
            );
            assert!(
                f.contains("2026-10-15") && f.contains("Overdue"),
                "[{on}] {f}"
            );
            // A report already sent is listed as such; one returned asks for changes.
            // What is still to do is in sight; what is done is folded away.
            let sent_link = "href=\"/admin/reports/AL-1.1%3A2026-Q3\"";
            let sent = task(&tasks.text, sent_link);
            assert!(sent.contains("Submitted"), "[{on}] {sent}");
            assert!(folded(&tasks.text, sent_link), "[{on}] {sent}");
            let back_link = "href=\"/admin/reports/AL-4.2%3A2026-Q3\"";
            let back = task(&tasks.text, back_link);
            assert!(back.contains("Returned for changes"), "[{on}] {back}");
            assert!(!folded(&tasks.text, back_link), "[{on}] {back}");
            assert!(
                !folded(&tasks.text, &format!("href=\"{report}\"")),
                "[{on}]"
            );

            // Another organisation is shown none of it and cannot open DGA's forms.
            let theirs = owner.get("/admin/tasks").await;
            assert_eq!(theirs.status, 200, "[{on}]");
            assert!(theirs.text.contains("Civil Registry Agency"), "[{on}]");
            assert!(
                !theirs.text.contains("AL-3.4") && !theirs.text.contains("KPI-15"),
                "[{on}]"
            );
            assert_eq!(owner.get(report).await.status, 403, "[{on}]");
            let cra_figures = owner.get(figures_page).await;
            assert!(!cra_figures.text.contains("KPI-15"), "[{on}]");

            // 1. The report form, pre-filled with organisation and period.
            let form = lead.get(report).await;
            assert_eq!(form.status, 200, "[{on}]");
            assert!(form.text.contains("Digital Government Authority"), "[{on}]");
            assert!(form.text.contains("2026-Q3"), "[{on}]");
            let v = input(&form.text, "version").expect("version");
            let r = lead
                .post(
                    report,
                    &[
                        ("action", "submit"),
                        ("version", &v),
                        (
                            "narrative_en",
                            "Consent registry piloted with two ministries.",
                        ),
                    ],
                )
                .await;
            assert_eq!(r.status, 303, "[{on}] {}", r.text);

            // 2. The figures page: one field per figure owed, with unit, last value and target.
            let page = lead.get(figures_page).await;
            assert_eq!(page.status, 200, "[{on}]");
            for name in ["figure:KPI-15:2026-Q3", "figure:KPI-20:2026-Q3"] {
                assert!(
                    page.text.contains(&format!("name=\"{name}\"")),
                    "[{on}] {name}"
                );
            }
            assert!(
                page.text.contains("Last figure") && page.text.contains("Target"),
                "[{on}]"
            );
            // A validated figure is shown, not offered for change.
            assert!(
                !page.text.contains("name=\"figure:KPI-02:2026-Q3\""),
                "[{on}]"
            );
            let before = figures(db.url()).await;
            let version = lead.version().await;

            // Another organisation cannot send DGA's figures: refused, nothing stored.
            let r = owner
                .post(
                    figures_page,
                    &[
                        ("figure:KPI-15:2026-Q3", "99"),
                        ("version:KPI-15:2026-Q3", "0"),
                    ],
                )
                .await;
            assert_eq!(r.status, 403, "[{on}] {}", r.text);
            let r = owner
                .post(
                    report,
                    &[
                        ("action", "submit"),
                        ("version", "0"),
                        ("narrative_en", "Not ours."),
                    ],
                )
                .await;
            assert_eq!(r.status, 403, "[{on}] {}", r.text);
            assert_eq!(lead.version().await, version, "[{on}] nothing stored");

            // A number people would not write is answered next to its field.
            let bad = lead
                .post(figures_page, &[("figure:KPI-15:2026-Q3", "twelve")])
                .await;
            assert_eq!(bad.status, 422, "[{on}]");
            assert!(
                bad.text.contains("href=\"#f-KPI-15-2026-Q3\""),
                "[{on}] error summary links the field"
            );
            assert_eq!(lead.version().await, version, "[{on}]");

            let v15 = input(&page.text, "version:KPI-15:2026-Q3").expect("version of KPI-15");
            let v20 = input(&page.text, "version:KPI-20:2026-Q3").expect("version of KPI-20");
            let r = lead
                .post(
                    figures_page,
                    &[
                        ("figure:KPI-15:2026-Q3", "1234.5"),
                        ("version:KPI-15:2026-Q3", &v15),
                        ("figure:KPI-20:2026-Q3", "7"),
                        ("version:KPI-20:2026-Q3", &v20),
                    ],
                )
                .await;
            assert_eq!(r.status, 303, "[{on}] {}", r.text);
            // Exactly those two figures were stored, as submitted.
            let after = figures(db.url()).await;
            let changed: Vec<_> = after
                .iter()
                .filter(|(k, v)| before.get(*k) != Some(*v))
                .map(|(k, v)| (k.as_str(), v.0, v.1.as_str()))
                .collect();
            assert_eq!(
                changed,
                vec![
                    ("KPI-15:2026-Q3", 1234.5, "submitted"),
                    ("KPI-20:2026-Q3", 7.0, "submitted"),
                ],
                "[{on}]"
            );
            assert_eq!(before.len() + 2, after.len(), "[{on}]");

            // 3. The confirmation lists what was sent, with the way back to the task list.
            let done = lead.get("/admin/tasks/2026-Q3/done").await;
            assert_eq!(done.status, 200, "[{on}]");
            let r = row(&done.text, &format!("href=\"{report}\""));
            assert!(r.contains("Submitted") && r.contains(TODAY), "[{on}] {r}");
            let f = row(&done.text, "f-KPI-15-2026-Q3");
            assert!(
                f.contains("1234.5") && f.contains("Submitted"),
                "[{on}] {f}"
            );
            assert!(done.text.contains("href=\"/admin/tasks\""), "[{on}]");

            // The editor reviews: returns it with a comment, the organisation sees that; then
            // approves the resubmitted report, and the organisation sees it accepted.
            let review = ed.get(report).await;
            let v = input(&review.text, "version").expect("version");
            let r = ed
                .post(
                    report,
                    &[
                        ("action", "return"),
                        ("version", &v),
                        ("comment", "Name the ministries."),
                    ],
                )
                .await;
            assert_eq!(r.status, 303, "[{on}]");
            let tasks = lead.get("/admin/tasks").await.text;
            let r = task(&tasks, &format!("href=\"{report}\""));
            assert!(r.contains("Returned for changes"), "[{on}] {r}");
            let form = lead.get(report).await.text;
            assert!(form.contains("Name the ministries."), "[{on}]");
            let v = input(&form, "version").expect("version");
            let r = lead
                .post(
                    report,
                    &[
                        ("action", "submit"),
                        ("version", &v),
                        (
                            "narrative_en",
                            "Consent registry piloted with the ministries of health and finance.",
                        ),
                    ],
                )
                .await;
            assert_eq!(r.status, 303, "[{on}]");
            let v = input(&ed.get(report).await.text, "version").expect("version");
            let r = ed
                .post(report, &[("action", "approve"), ("version", &v)])
                .await;
            assert_eq!(r.status, 303, "[{on}]");
            let tasks = lead.get("/admin/tasks").await.text;
            let r = task(&tasks, &format!("href=\"{report}\""));
            assert!(r.contains("Accepted"), "[{on}] {r}");
            assert!(folded(&tasks, &format!("href=\"{report}\"")), "[{on}] {r}");

            // The organisation's dashboard is its own record, overdue items linking to them.
            let dash = lead.get("/admin/dashboard").await;
            assert_eq!(dash.status, 200, "[{on}]");
            assert!(dash.text.contains("Digital Government Authority"), "[{on}]");
            assert!(!dash.text.contains("Civil Registry Agency"), "[{on}]");
        });
    }
}
