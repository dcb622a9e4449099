//! The record forms of the administration as a ministry official uses them, on the real
//! binary and on both databases: lists of allowed values and of named records instead of
//! codes, an existing figure answered as such, concurrent edits still refused, errors
//! summarised with links to their fields, archiving confirmed first, a confirmation after
//! saving, and the menu.

use agenda_store::testing::test_databases;

mod common;

use common::session::*;
use common::{Server, serve};

const TODAY: &str = "2026-11-26";

fn each_demo(test: impl Fn(&Server, &str, &str)) {
    let rt = runtime();
    for db in rt.block_on(test_databases()) {
        let s = serve(db.url(), &["--demo", "--today", TODAY]);
        let lead = rt.block_on(async {
            Client::anonymous(&s)
                .json("/api/v1/action-lines/AL-1.1")
                .await["lead_org"]
                .as_str()
                .unwrap()
                .to_owned()
        });
        add_user(db.url(), "ed", "editor", None);
        add_user(db.url(), "lead", "entity", Some(&lead));
        test(&s, db.backend().as_str(), &lead);
    }
}

/// The `(value, text)` of every option of select `name`.
fn options(page: &str, name: &str) -> Vec<(String, String)> {
    let at = page
        .find(&format!("<select id=\"f-{name}\" name=\"{name}\""))
        .unwrap_or_else(|| panic!("no select {name}"));
    let rest = &page[at..];
    let select = &rest[..rest.find("</select>").unwrap()];
    select
        .split("<option value=\"")
        .skip(1)
        .map(|o| {
            let value = &o[..o.find('"').unwrap()];
            let text = &o[o.find('>').unwrap() + 1..o.find("</option>").unwrap()];
            (html_unescape(value), html_unescape(text))
        })
        .collect()
}

#[test]
fn vocabularies_and_references_are_lists_in_words() {
    each_demo(|s, on, lead| {
        runtime().block_on(async {
            let ed = Client::login(s, "ed").await;
            let kpi = ed.get("/admin/data/kpis/KPI-01").await;
            assert_eq!(kpi.status, 200, "[{on}]");
            let direction = options(&kpi.text, "direction");
            let values: Vec<&str> = direction.iter().map(|(v, _)| v.as_str()).collect();
            assert_eq!(values, ["increase", "decrease"], "[{on}]");
            assert!(direction.iter().all(|(v, t)| v != t), "[{on}] in words");
            assert!(
                kpi.text.contains("name=\"baseline_date\" value=\"")
                    && kpi.text.contains("type=\"date\"")
            );
            // A reference shows the referenced record's name, its code as the value.
            let new = ed.get("/fr/admin/data/progress-reports/new").await;
            let title = ed.json("/api/v1/action-lines/AL-1.1").await["title"]["fr"]
                .as_str()
                .unwrap()
                .to_owned();
            let lines = options(&new.text, "action_line");
            let al = lines
                .iter()
                .find(|(v, _)| v == "AL-1.1")
                .expect("AL-1.1 offered");
            assert!(al.1.contains(&title), "[{on}] {al:?} shows {title}");
            // An entity names only its own organisation.
            let ent = Client::login(s, "lead").await;
            let form = ent.get("/admin/data/progress-reports/new").await;
            let orgs = options(&form.text, "submitted_by_org");
            assert_eq!(orgs.len(), 1, "[{on}] {orgs:?}");
            assert_eq!(orgs[0].0, lead, "[{on}]");
            assert!(form.text.contains(" selected>"), "[{on}]");
        });
    });
}

#[test]
fn a_figure_that_exists_is_offered_for_replacement_and_a_stale_edit_still_conflicts() {
    each_demo(|s, on, _| {
        runtime().block_on(async {
            let ed = Client::login(s, "ed").await;
            let path = "/admin/data/observations/KPI-01%3A2024-Q1";
            let old = input(&ed.get(path).await.text, "value").unwrap();
            let before = ed.version().await;
            let r = ed
                .post(
                    "/admin/data/observations/new",
                    &[
                        ("version", "0"),
                        ("kpi", "KPI-01"),
                        ("period", "2024-Q1"),
                        ("value", "77.5"),
                        ("status", "draft"),
                    ],
                )
                .await;
            assert_eq!(
                r.status, 200,
                "[{on}] a question, not a conflict: {}",
                r.text
            );
            assert!(r.text.contains("A figure for 2024-Q1"), "[{on}] {}", r.text);
            assert!(!r.text.contains("Someone else saved"), "[{on}]");
            assert!(
                r.text.contains(">77.5<") && r.text.contains(&format!(">{old}<")),
                "[{on}] both values shown"
            );
            assert_eq!(ed.version().await, before, "[{on}] nothing written yet");
            // Replacing it stores the new value.
            let replaced = post_form(&ed, path, &r.text, &[]).await;
            assert_eq!(replaced.status, 303, "[{on}] {}", replaced.text);
            assert!(
                replaced.location.ends_with("/saved"),
                "[{on}] {}",
                replaced.location
            );
            let now = ed.get(path).await.text;
            assert_eq!(input(&now, "value").as_deref(), Some("77.5"), "[{on}]");
            let saved = ed.get(&replaced.location).await;
            assert_eq!(saved.status, 200, "[{on}]");
            assert!(
                saved.text.contains("has been saved")
                    && saved.text.contains("/admin/data/observations/new"),
                "[{on}]"
            );

            // Two people open the same form; the second to save is told, with 409.
            let mine = ed.get(path).await.text;
            let first = post_form(&ed, path, &mine, &[("value", "80")]).await;
            assert_eq!(first.status, 303, "[{on}]");
            let stale = post_form(&ed, path, &mine, &[("value", "81")]).await;
            assert_eq!(stale.status, 409, "[{on}]");
            assert!(
                stale.text.contains("Someone else saved this record"),
                "[{on}]"
            );
            assert_eq!(
                input(&ed.get(path).await.text, "value").as_deref(),
                Some("80"),
                "[{on}]"
            );
        });
    });
}

#[test]
fn errors_are_summarised_with_links_and_archiving_is_confirmed_first() {
    each_demo(|s, on, lead| {
        runtime().block_on(async {
            let ed = Client::login(s, "ed").await;
            let r = edit(
                &ed,
                "/admin/data/services/SVC-001",
                &[("title_en", ""), ("maturity", "7")],
            )
            .await;
            assert_eq!(r.status, 422, "[{on}]");
            let summary = &r.text[r.text.find("role=\"alert\"").expect("an error summary")..];
            assert!(summary.contains("href=\"#f-title_en\""), "[{on}]");
            assert!(summary.contains("href=\"#f-maturity\""), "[{on}]");
            assert!(
                r.text.contains("id=\"f-title_en\" name=\"title_en\""),
                "[{on}] the linked field"
            );
            assert!(
                r.text
                    .contains("aria-invalid=\"true\" aria-describedby=\"f-title_en-error\""),
                "[{on}]"
            );

            // A new service, nothing depending on it, to archive.
            let made = ed
                .post(
                    "/admin/data/services/new",
                    &[
                        ("version", "0"),
                        ("code", "SVC-ARCH"),
                        ("title_en", "A service to archive"),
                        ("audience", "citizen"),
                        ("owner_code", lead),
                        ("maturity", "1"),
                    ],
                )
                .await;
            assert_eq!(made.status, 303, "[{on}] {}", made.text);
            assert_eq!(
                made.location, "/admin/data/services/SVC-ARCH/saved",
                "[{on}]"
            );
            let path = "/admin/data/services/SVC-ARCH";
            // The form only links to the question; the question posts with the version.
            let form = ed.get(path).await.text;
            assert!(form.contains(&format!("href=\"{path}/archive\"")), "[{on}]");
            assert!(
                !form.contains(&format!("action=\"{path}/archive\"")),
                "[{on}]"
            );
            let before = ed.version().await;
            let question = ed.get(&format!("{path}/archive")).await;
            assert_eq!(question.status, 200, "[{on}]");
            assert!(question.text.contains("hides it from the public"), "[{on}]");
            assert!(
                question
                    .text
                    .contains(&format!("action=\"{path}/archive\"")),
                "[{on}]"
            );
            assert_eq!(ed.version().await, before, "[{on}] asking archives nothing");
            let anon = Client::anonymous(s);
            assert_eq!(anon.get("/api/v1/services/SVC-ARCH").await.status, 200);
            let done = post_form(&ed, &format!("{path}/archive"), &question.text, &[]).await;
            assert_eq!(done.status, 303, "[{on}] {}", done.text);
            assert_eq!(
                anon.get("/api/v1/services/SVC-ARCH").await.status,
                404,
                "[{on}]"
            );
        });
    });
}

#[test]
fn the_menu_shows_what_the_role_may_use_and_an_entity_starts_at_its_tasks() {
    each_demo(|s, on, _| {
        runtime().block_on(async {
            let ed = Client::login(s, "ed").await;
            let page = ed.get("/admin/data/kpis").await.text;
            assert!(
                page.contains("<a href=\"/admin/data/kpis\" aria-current=\"page\">"),
                "[{on}]"
            );
            assert!(
                page.contains("action=\"/logout\""),
                "[{on}] sign out in the header"
            );
            assert!(
                !page.contains("href=\"/login\""),
                "[{on}] no sign-in for the signed in"
            );
            assert!(page.contains("href=\"/admin/dashboard\""), "[{on}]");
            assert!(
                !page.contains("href=\"/admin/users\""),
                "[{on}] editors manage no accounts"
            );
            let ent = Client::login(s, "lead").await;
            let home = ent.get("/admin").await;
            assert_eq!(home.status, 303, "[{on}]");
            assert_eq!(home.location, "/admin/tasks", "[{on}]");
            let page = ent.get("/admin/data/services").await.text;
            assert!(page.contains("href=\"/admin/tokens\""), "[{on}]");
            assert!(
                !page.contains("href=\"/admin/data/kpis\""),
                "[{on}] only what it may edit"
            );
        });
    });
}
