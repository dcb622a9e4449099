//! End-to-end tests of the `agenda` binary: each starts the real executable, on SQLite and —
//! when `AGENDA_TEST_POSTGRES_URL` is set — on a fresh PostgreSQL database.

use std::path::Path;
use std::process::Output;

mod common;

use common::{Db, Server, each_backend, repo};

fn agenda(db: &Db, args: &[&str]) -> Output {
    common::run(&db.url, args)
}

fn ok(db: &Db, args: &[&str]) -> String {
    let out = agenda(db, args);
    assert!(
        out.status.success(),
        "[{}] agenda {args:?} failed:\n{}",
        db.label,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn read_dir(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

fn serve(db: &Db, args: &[&str]) -> Server {
    common::serve(&db.url, args)
}

fn get(s: &Server, path: &str) -> (u16, serde_json::Value, String) {
    let r = common::get(s, path);
    (r.status, r.json(), r.text)
}

#[test]
fn serve_demo_answers_the_read_api_with_the_whole_demo_country() {
    each_backend(|fresh| {
        let db = fresh();
        let s = serve(&db, &["--demo"]);
        for (collection, total) in [
            ("services", 91),
            ("action-lines", 22),
            ("kpis", 29),
            ("organisations", 38),
            ("budgets", 96), // validated only: submitted and draft lines are never public
            ("pillars", 6),
            ("milestones", 59),
            ("progress-reports", 45), // approved only: drafts are never public
            ("legal-instruments", 10),
            ("life-events", 20),
            ("data-items", 36),
            ("registries", 12),
            ("building-blocks", 9),
            ("sdg/goals", 17),
            ("sdg/targets", 169),
        ] {
            let (status, body, _) = get(&s, &format!("/api/v1/{collection}"));
            assert_eq!(status, 200, "[{}] {collection}", db.label);
            assert_eq!(body["meta"]["total"], total, "[{}] {collection}", db.label);
            assert_eq!(
                body["items"].as_array().unwrap().len(),
                total,
                "{collection}"
            );
        }
        let (_, kpi, _) = get(&s, "/api/v1/kpis/KPI-01");
        assert_eq!(kpi["code"], "KPI-01");
        assert_eq!(kpi["unit"], "%");
        assert_eq!(kpi["targets"][0]["year"], 2025);
        assert_eq!(kpi["observations"][0]["period"], "2024-Q1");
        let (_, svc, _) = get(&s, "/api/v1/services/SVC-001");
        assert_eq!(svc["title"]["fr"], "Déclarer une naissance");
        assert_eq!(svc["last_reviewed"], "2025-12-21");
        let (_, report, _) = get(&s, "/api/v1/progress-reports/AL-1.1:2026-Q1");
        assert_eq!(report["status"], "approved");

        let (status, err, _) = get(&s, "/api/v1/services/SVC-999");
        assert_eq!(status, 404);
        assert_eq!(err["error"]["code"], "not_found");
        let (status, err, _) = get(&s, "/api/v1/services?page=zero");
        assert_eq!(status, 400);
        assert_eq!(err["error"]["code"], "bad_request");
        let (_, page, _) = get(&s, "/api/v1/services?page=2&per_page=50");
        assert_eq!(page["items"].as_array().unwrap().len(), 41);
        assert_eq!(page["meta"]["next_page"], serde_json::Value::Null);

        let (status, health, _) = get(&s, "/healthz");
        assert_eq!(status, 200);
        assert_eq!(health["status"], "ok");
        let (_, doc, _) = get(&s, "/api/v1/openapi.json");
        assert_eq!(doc["openapi"], "3.1.0");
        for p in [
            "/api/v1/services",
            "/api/v1/kpis/{code}",
            "/api/v1/sdg/targets/{code}",
        ] {
            assert!(doc["paths"][p]["get"].is_object(), "{p} documented");
        }
        let (_, _, metrics) = get(&s, "/metrics");
        assert!(metrics.contains("agenda_http_requests_total"), "{metrics}");
        assert!(
            metrics.contains("agenda_entities{kind=\"service\"} 91"),
            "{metrics}"
        );
    });
}

#[test]
fn csv_and_xlsx_round_trips_are_byte_identical() {
    each_backend(|fresh| {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b, c) = (
            tmp.path().join("a"),
            tmp.path().join("b"),
            tmp.path().join("c"),
        );
        let xlsx = tmp.path().join("agenda.xlsx");

        let first = fresh();
        ok(&first, &["import", path(&repo().join("data/demo"))]);
        ok(&first, &["export", "--format", "csv", "--out", path(&a)]);
        ok(
            &first,
            &["export", "--format", "xlsx", "--out", path(&xlsx)],
        );

        let second = fresh();
        ok(&second, &["import", path(&a)]);
        ok(&second, &["export", "--format", "csv", "--out", path(&b)]);
        assert_eq!(
            read_dir(&a),
            read_dir(&b),
            "[{}] csv round trip",
            first.label
        );

        let third = fresh();
        ok(&third, &["import", path(&xlsx)]);
        ok(&third, &["export", "--format", "csv", "--out", path(&c)]);
        assert_eq!(read_dir(&a), read_dir(&c), "[{}] xlsx → csv", first.label);

        // Importing the same data again changes nothing.
        let again = ok(&second, &["import", path(&a)]);
        assert!(again.contains(" 0 created, 0 updated"), "{again}");
    });
}

#[test]
fn an_import_with_planted_errors_reports_each_and_writes_nothing() {
    each_backend(|fresh| {
        let db = fresh();
        let tmp = tempfile::tempdir().unwrap();
        ok(&db, &["import", path(&repo().join("data/demo"))]);
        let before = tmp.path().join("before");
        ok(&db, &["export", "--out", path(&before)]);

        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/planted");
        let out = agenda(&db, &["import", path(&fixture)]);
        assert_eq!(out.status.code(), Some(1), "[{}] exit code", db.label);
        let stderr = String::from_utf8_lossy(&out.stderr);
        for expected in [
            "milestones.csv, row 2, column due: \"2027-02-30\" — expected a real calendar date as YYYY-MM-DD",
            "observations.csv, row 3, column period: \"2026-Q5\" — expected a period as YYYY, YYYY-Qn or YYYY-MM",
            "observations.csv, row 4, column status: \"approved\" — expected one of draft, submitted, validated",
            "pillars.csv, column title_en: expected this required column in the header row (a text in English (en, the default language, is required))",
            "services.csv, row 3, column owner_code: \"MINFISH\" — expected the code of an existing organisation",
            "services.csv, row 4, column digital_share_pct: \"135\" — expected a percentage from 0 to 100",
            "services.csv, row 5, column code: \"SVC-201\" — expected a key not used before (already on services.csv row 3)",
            "7 problems; nothing was imported",
        ] {
            assert!(
                stderr.contains(expected),
                "[{}] missing {expected:?} in:\n{stderr}",
                db.label
            );
        }

        let after = tmp.path().join("after");
        ok(&db, &["export", "--out", path(&after)]);
        assert_eq!(
            read_dir(&before),
            read_dir(&after),
            "[{}] database changed",
            db.label
        );
    });
}

#[test]
fn check_on_the_demo_lists_the_warnings_the_data_contains() {
    each_backend(|fresh| {
        let db = fresh();
        ok(&db, &["import", path(&repo().join("data/demo"))]);
        let out = agenda(&db, &["check", "--json", "--today", "2026-11-26"]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let h: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(h["errors"].as_array().unwrap().len(), 0);
        let warnings = h["warnings"].as_array().unwrap();
        let keys = |rule: &str| -> Vec<String> {
            warnings
                .iter()
                .filter(|w| w["rule"] == rule)
                .map(|w| w["key"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(keys("kpi_no_recent_data"), ["KPI-15", "KPI-20"]);
        assert_eq!(keys("milestone_past_due").len(), 11);
        assert_eq!(keys("action_line_past_end"), ["AL-5.3"]);
        let stale = keys("service_not_reviewed");
        assert!(!stale.is_empty() && stale.len() < 90, "{stale:?}");

        let text = ok(&db, &["check", "--today", "2026-11-26"]);
        assert!(text.contains("errors: 0"), "{text}");
        assert!(text.contains("KPI-15"), "{text}");
    });
}

#[test]
fn a_database_url_with_an_unknown_scheme_is_refused_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("typo.db");
    let db = Db::at(format!("sqllite://{}", file.display()), "typo");
    let out = agenda(&db, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("AGENDA_DATABASE_URL"), "{stderr}");
    assert!(!file.exists());
    assert!(!dir.path().join("agenda-data").exists());
}

#[test]
fn a_new_sqlite_file_is_created_where_the_url_says() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nested/new.db");
    let db = Db::at(format!("sqlite://{}", file.display()), "sqlite");
    ok(&db, &["migrate"]);
    assert!(file.exists());
}
