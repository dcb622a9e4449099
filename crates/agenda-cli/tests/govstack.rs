//! `agenda import` on the GovStack playbook's workbooks, as published, over the demo country.

use std::path::PathBuf;
use std::process::Output;

mod common;

use common::{databases, repo, run as agenda};

fn fixture(name: &str) -> PathBuf {
    repo()
        .join("crates/agenda-io/tests/fixtures/govstack")
        .join(name)
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn both_published_workbooks_import_over_the_demo_country_with_their_report() {
    let dir = tempfile::tempdir().unwrap();
    for db in databases() {
        let url = db.url.clone();

        let demo = repo().join("data/demo");
        let out = agenda(&url, &["import", demo.to_str().unwrap()]);
        assert!(out.status.success(), "{:?}", text(&out));

        let rfi2 = fixture("rfi2-service-catalogue-template.xlsx");
        let out = agenda(&url, &["import", rfi2.to_str().unwrap()]);
        let (stdout, stderr) = text(&out);
        assert!(out.status.success(), "{stdout}\n{stderr}");
        assert!(
            stdout.contains("read as the GovStack RFI-2 service catalogue — 1 service"),
            "{stdout}"
        );
        assert!(
            stdout
                .contains("new organisation MCT \"Ministory of Civil Trasnsportation\" (ministry)"),
            "{stdout}"
        );
        // Every column of the template has a place; the agencies involved become
        // organisations that contribute.
        assert!(!stdout.contains("not mapped"), "{stdout}");
        assert!(
            stdout.contains("new organisation BRRS \"Board of Rail & Road Safety\" (agency)"),
            "{stdout}"
        );
        assert!(
            stdout.contains("(2 organisation, 1 data_item, 1 service)"),
            "{stdout}"
        );
        assert!(stdout.contains("4 created, 0 updated"), "{stdout}");

        // The same workbook again: recognised, reported, nothing changes.
        let out = agenda(&url, &["import", rfi2.to_str().unwrap()]);
        let (stdout, stderr) = text(&out);
        assert!(out.status.success(), "{stdout}\n{stderr}");
        assert!(stdout.contains("0 created, 0 updated"), "{stdout}");

        let roadmap = fixture("high-level-roadmap-template.xlsx");
        let out = agenda(&url, &["import", roadmap.to_str().unwrap()]);
        let (stdout, stderr) = text(&out);
        assert!(out.status.success(), "{stdout}\n{stderr}");
        assert!(
            stdout.contains("read as the GovStack High Level Roadmap"),
            "{stdout}"
        );
        assert!(stdout.contains("have no week marked"), "{stdout}");
        assert!(stdout.contains("column F (Deliverable): "), "{stdout}");

        // The service is in the database: the native export lists it.
        let export = dir.path().join("out");
        let out = agenda(
            &url,
            &[
                "export",
                "--format",
                "csv",
                "--out",
                export.to_str().unwrap(),
            ],
        );
        assert!(out.status.success(), "{:?}", text(&out));
        let services = std::fs::read_to_string(export.join("services.csv")).unwrap();
        let row = services
            .lines()
            .find(|l| l.starts_with("Example-Sevice-1,"))
            .expect("the imported service");
        assert!(row.contains("Driving licence"), "{row}");
        assert!(row.contains(",MCT,1,in_person,1102000,"), "{row}");
    }
}

#[test]
fn a_file_named_xlsx_that_is_not_a_workbook_is_refused_with_exit_status_1() {
    let dir = tempfile::tempdir().unwrap();
    for db in databases() {
        let url = db.url.clone();

        let fake = dir.path().join("catalogue.xlsx");
        std::fs::write(&fake, "S.no,Service Name\n1,Driving licence\n").unwrap();
        let out = agenda(&url, &["import", fake.to_str().unwrap()]);
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("nothing was imported"), "{stderr}");
    }
}

#[test]
fn a_dry_run_reports_every_change_field_by_field_and_writes_nothing() {
    for db in databases() {
        let url = db.url.clone();
        let demo = repo().join("data/demo");
        let out = agenda(&url, &["import", demo.to_str().unwrap()]);
        assert!(out.status.success(), "{:?}", text(&out));

        // A corrected catalogue: one service renamed, its transactions updated.
        let dir = tempfile::tempdir().unwrap();
        for e in std::fs::read_dir(&demo).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "csv") {
                std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
            }
        }
        let services = dir.path().join("services.csv");
        let csv = std::fs::read_to_string(&services).unwrap();
        let csv = csv.replacen(
            "SVC-001,Register a birth,",
            "SVC-001,Register a birth or adoption,",
            1,
        );
        let csv = csv.replacen(
            ",web;in_person;post,240000,",
            ",web;in_person;post,250000,",
            1,
        );
        std::fs::write(&services, csv).unwrap();

        let path = dir.path().to_str().unwrap();
        let out = agenda(&url, &["import", "--dry-run", path]);
        let (stdout, stderr) = text(&out);
        assert!(out.status.success(), "{stdout}\n{stderr}");
        assert!(
            stdout.contains("services: 0 added, 1 changed, 90 unchanged"),
            "[{}] {stdout}",
            db.label
        );
        assert!(
            stdout.contains("changed service SVC-001: annual_transactions 240000 → 250000; title"),
            "{stdout}"
        );
        assert!(stdout.contains("Register a birth or adoption"), "{stdout}");
        assert!(stdout.contains("dry run: nothing was written"), "{stdout}");

        // Nothing was written: the real import still has the change to make.
        let out = agenda(&url, &["import", path]);
        let (stdout, _) = text(&out);
        assert!(stdout.contains("0 created, 1 updated"), "{stdout}");
        let out = agenda(&url, &["import", "--dry-run", path]);
        let (stdout, _) = text(&out);
        assert!(
            stdout.contains("services: 0 added, 0 changed, 91 unchanged"),
            "{stdout}"
        );

        // A workbook read as a GovStack catalogue is reported the same way.
        let rfi2 = fixture("rfi2-service-catalogue-template.xlsx");
        let out = agenda(&url, &["import", "--dry-run", rfi2.to_str().unwrap()]);
        let (stdout, stderr) = text(&out);
        assert!(out.status.success(), "{stdout}\n{stderr}");
        assert!(
            stdout.contains("services: 1 added, 0 changed, 0 unchanged"),
            "{stdout}"
        );
        assert!(
            stdout.contains("  added service Example-Sevice-1"),
            "{stdout}"
        );
        let out = agenda(&url, &["import", rfi2.to_str().unwrap()]);
        let (stdout, _) = text(&out);
        assert!(stdout.contains("4 created, 0 updated"), "{stdout}");
    }
}
