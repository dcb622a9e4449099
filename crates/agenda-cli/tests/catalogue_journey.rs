//! A country's catalogue end to end, on the real binary and both databases: GovStack's published
//! RFI-2 template filled in the way ministries fill it in (all three audiences, two in one cell,
//! ministries named with typos, numbers as people type them, links, documents spelt three ways,
//! a Systems-Platforms sheet), imported over the demo country and one registry; imported again
//! (nothing changes); exported and re-imported into a fresh database (the same export byte for
//! byte); an office attached in the native format; then the person handed over by the service
//! sheet, the finder, the chat, USSD and voice, and a computed KPI's figure recorded.

use std::path::{Path, PathBuf};

use calamine::{Data, Reader};
use rust_xlsxwriter::Workbook;

mod common;

use common::{databases, get, repo, run_ok as ok, serve};

const SERVICES: &str = "Service Cataloge";
const SYSTEMS: &str = "Systems-Platforms Catalogue";

/// The services a ministry sends, in the template's columns A to AA (row 12 on; row 11 keeps the
/// template's own example).
const ROWS: &[[&str; 27]] = &[
    [
        "1",
        "",
        "Check a vehicle's ownership record",
        "Ministory of Transprot",
        "15k",
        "",
        "",
        "",
        "",
        "An agency checks who owns a vehicle before it acts on it.",
        "Other government agency",
        "",
        "",
        "",
        "",
        "2-5 years",
        "Online",
        "https://vehicles.gov.example/ownership",
        "Level 4: 100% online",
        "No",
        "",
        "",
        "",
        "",
        "",
        "English",
        "",
    ],
    [
        "2",
        "EX-2",
        "Apply for a coastal trawling permit",
        "Ministry of Agriculture",
        "",
        "about 900",
        "2",
        "Own or rent a registered fishing boat",
        "",
        "A person or a company applies for the permit to trawl in coastal waters.",
        "Individual, Business",
        "National ID card, Copy of ID card",
        "Must be over 18",
        "Ministry of Agriculture, Ministry of Environment",
        "approx. 2,000/month",
        "5-10 years",
        "Online, In person/Offline",
        "https://fish.gov.example/apply",
        "Level 3: Submit Webform",
        "No",
        "No",
        "Yes",
        "n/a",
        "Licences issued",
        "Feedback form",
        "English, French",
        "Infrastructure",
    ],
    [
        "3",
        "EX-3",
        "Register a fishing boat",
        "Ministry of Agriculture",
        "n/a",
        "",
        "",
        "",
        "",
        "A boat owner registers the boat before it is used for fishing.",
        "Business",
        "National ID, Copy of boat registration certificate",
        "",
        "",
        "",
        "One year",
        "In person/Offline",
        "",
        "Level 2: Downloadable form",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
];

/// The systems, in the template's columns A to F plus the owner, services and building block a
/// country adds (G to I).
const SYSTEM_ROWS: &[[&str; 9]] = &[[
    "SYS-VEHICLES",
    "Vehicle register",
    "On premise",
    "PostgreSQL 12",
    "Zabbix",
    "",
    "Ministory of Transprot",
    "Check a vehicle's ownership record, SVC-031",
    "Digital identity",
]];

/// The published template, every cell copied, with the rows above written in.
fn filled_workbook(dir: &Path) -> PathBuf {
    let src = repo()
        .join("crates/agenda-io/tests/fixtures/govstack/rfi2-service-catalogue-template.xlsx");
    let mut wb_in = calamine::open_workbook_auto(&src).unwrap();
    let mut out = Workbook::new();
    for name in wb_in.sheet_names() {
        let range = wb_in.worksheet_range(&name).unwrap();
        let ws = out.add_worksheet();
        ws.set_name(&name).unwrap();
        if let Some((top, left)) = range.start() {
            for (r, row) in range.rows().enumerate() {
                for (c, d) in row.iter().enumerate() {
                    let (r, c) = (top + r as u32, left as u16 + c as u16);
                    match d {
                        Data::String(s) => ws.write_string(r, c, s).map(|_| ()),
                        Data::Float(f) => ws.write_number(r, c, *f).map(|_| ()),
                        Data::Int(i) => ws.write_number(r, c, *i as f64).map(|_| ()),
                        _ => Ok(()),
                    }
                    .unwrap();
                }
            }
        }
        match name.trim() {
            SERVICES => {
                for (i, row) in ROWS.iter().enumerate() {
                    for (c, v) in row.iter().enumerate().filter(|(_, v)| !v.is_empty()) {
                        ws.write_string(11 + i as u32, c as u16, *v).unwrap();
                    }
                }
            }
            SYSTEMS => {
                for (c, h) in ["Owner", "Services that use it", "Building block"]
                    .iter()
                    .enumerate()
                {
                    ws.write_string(4, 6 + c as u16, *h).unwrap();
                }
                for (i, row) in SYSTEM_ROWS.iter().enumerate() {
                    for (c, v) in row.iter().enumerate().filter(|(_, v)| !v.is_empty()) {
                        ws.write_string(5 + i as u32, c as u16, *v).unwrap();
                    }
                }
            }
            _ => {}
        }
    }
    let path = dir.join("ministries.xlsx");
    out.save(&path).unwrap();
    path
}

/// The registry the test gives: the boat register, reachable through the information mediator,
/// holding boat registrations.
fn registry(dir: &Path) -> PathBuf {
    let d = dir.join("registry");
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(
        d.join("data_items.csv"),
        "code,name_en\nDI-BOATREG,Boat registration\n",
    )
    .unwrap();
    std::fs::write(
        d.join("registries.csv"),
        "code,name_en,owner_code,data_items,exposed_via_interop\nREG-BOATS,Boat register,MAG,DI-BOATREG,yes\n",
    )
    .unwrap();
    d
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

/// Rewrites one cell of a native CSV table: `column` of the row whose code is `code`.
fn set_cell(table: &Path, code: &str, column: &str, value: &str) {
    let mut r = csv::Reader::from_path(table).unwrap();
    let headers = r.headers().unwrap().clone();
    let at = headers.iter().position(|h| h == column).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let mut w = csv::Writer::from_path(table).unwrap();
    w.write_record(&headers).unwrap();
    for row in rows {
        let mut cells: Vec<String> = row.iter().map(str::to_owned).collect();
        if cells[0] == code {
            cells[at] = value.to_owned();
        }
        w.write_record(&cells).unwrap();
    }
    w.flush().unwrap();
}

/// Appends a row to a native CSV table, the given columns filled.
fn add_row(table: &Path, cells: &[(&str, &str)]) {
    let mut r = csv::Reader::from_path(table).unwrap();
    let headers = r.headers().unwrap().clone();
    let mut rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let row: Vec<&str> = headers
        .iter()
        .map(|h| cells.iter().find(|(c, _)| *c == h).map_or("", |(_, v)| *v))
        .collect();
    rows.push(csv::StringRecord::from(row));
    let mut w = csv::Writer::from_path(table).unwrap();
    w.write_record(&headers).unwrap();
    for row in rows {
        w.write_record(&row).unwrap();
    }
    w.flush().unwrap();
}

fn post_form(base: &str, path: &str, body: &str) -> String {
    common::block_on(async {
        reqwest::Client::new()
            .post(format!("{base}{path}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_owned())
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    })
}

fn post_json(base: &str, path: &str, body: &str) -> serde_json::Value {
    common::block_on(async {
        reqwest::Client::new()
            .post(format!("{base}{path}"))
            .header("content-type", "application/json")
            .body(body.to_owned())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    })
}

#[test]
fn a_ministrys_workbook_goes_from_import_to_the_person_handed_over() {
    let dir = tempfile::tempdir().unwrap();
    let workbook = filled_workbook(dir.path());
    let registry = registry(dir.path());
    let demo = repo().join("data/demo");
    for db in databases() {
        let url = db.url.clone();
        let label = db.label;
        ok(&url, &["import", demo.to_str().unwrap()]);
        ok(&url, &["import", registry.to_str().unwrap()]);

        // The workbook imports with no error, and the report says what it matched and made.
        let report = ok(&url, &["import", workbook.to_str().unwrap()]);
        for expected in [
            "read as the GovStack RFI-2 service catalogue — 4 services",
            "read as the GovStack RFI-2 systems-platforms catalogue — 1 system",
            // The typo is the demo's Ministry of Transport, not a new ministry.
            "organisation \"Ministory of Transprot\" read as MOT \"Ministry of Transport\" (spelling)",
            // Three spellings of one document: one new item, its variants kept as aliases.
            "document \"Copy of ID card\" read as DI-ID \"National ID card\" (variant)",
            // The registry's item is found through a variant of its name.
            "document \"Copy of boat registration certificate\" read as DI-BOATREG",
            "requests \"approx. 2,000/month\"",
        ] {
            assert!(
                report.contains(expected),
                "{label}: {expected:?} in\n{report}"
            );
        }
        assert!(!report.contains("not mapped"), "{label}:\n{report}");

        // The same workbook again changes nothing and duplicates nothing.
        let again = ok(&url, &["import", workbook.to_str().unwrap()]);
        assert!(again.contains("0 created, 0 updated"), "{label}:\n{again}");

        // Exported, imported into a fresh database, exported again: the same files.
        let first = dir.path().join(format!("{label}-first"));
        ok(
            &url,
            &[
                "export",
                "--format",
                "csv",
                "--out",
                first.to_str().unwrap(),
            ],
        );
        let fresh = format!(
            "sqlite:{}?mode=rwc",
            dir.path().join(format!("{label}-fresh.db")).display()
        );
        ok(&fresh, &["import", first.to_str().unwrap()]);
        let second = dir.path().join(format!("{label}-second"));
        ok(
            &fresh,
            &[
                "export",
                "--format",
                "csv",
                "--out",
                second.to_str().unwrap(),
            ],
        );
        assert!(
            files(&first) == files(&second),
            "{label}: the round trip changed the export"
        );

        // The authority attaches an office to the trawling permit in the native format.
        let office = dir.path().join(format!("{label}-office"));
        std::fs::create_dir_all(&office).unwrap();
        std::fs::copy(
            first.join("contact_points.csv"),
            office.join("contact_points.csv"),
        )
        .unwrap();
        std::fs::copy(first.join("services.csv"), office.join("services.csv")).unwrap();
        add_row(
            &office.join("contact_points.csv"),
            &[
                ("code", "CP-FISHERIES"),
                ("name_en", "Fisheries office"),
                ("organisation", "MAG"),
                ("address_en", "1 Quay Street, Port City"),
                ("phone", "+999 20 700 700"),
            ],
        );
        set_cell(
            &office.join("services.csv"),
            "EX-2",
            "contact_points",
            "CP-FISHERIES",
        );
        // In the same file the boat register goes online (level 2 to 3), and the electronic
        // signature block goes live: both are launches.
        set_cell(&office.join("services.csv"), "EX-3", "maturity", "3");
        std::fs::copy(
            first.join("building_blocks.csv"),
            office.join("building_blocks.csv"),
        )
        .unwrap();
        set_cell(
            &office.join("building_blocks.csv"),
            "BB-SIGN",
            "status",
            "production",
        );
        ok(&url, &["import", office.to_str().unwrap()]);

        // A computed KPI counts the imported catalogue.
        let computed = ok(&url, &["compute", "--today", "2026-11-26"]);
        assert!(computed.contains("2 computed KPIs"), "{label}: {computed}");

        let s = serve(&url, &["--today", "2026-11-26"]);

        // The G2G service is in the catalogue, for agencies, and out of the public finder.
        let g2g = get(&s, "/services/SVC-1");
        assert_eq!(g2g.status, 200, "{label}");
        assert!(g2g.text.contains("For government agencies"), "{label}");
        let finder = |q: &str| {
            get(
                &s,
                &format!("/api/v1/finder?q=vehicle%20ownership%20record{q}"),
            )
            .json()
        };
        let codes = |v: serde_json::Value| -> Vec<String> {
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| {
                    h["service"]
                        .as_str()
                        .or(h["code"].as_str())
                        .unwrap_or("")
                        .to_owned()
                })
                .collect()
        };
        assert!(!codes(finder("")).contains(&"SVC-1".to_owned()), "{label}");
        assert!(
            codes(finder("&for=agencies")).contains(&"SVC-1".to_owned()),
            "{label}"
        );

        // The sheet says where to do it: online, and at the office.
        let sheet = get(&s, "/services/EX-2");
        assert_eq!(sheet.status, 200, "{label}");
        assert!(
            sheet
                .text
                .contains("href=\"https://fish.gov.example/apply\""),
            "{label}"
        );
        assert!(sheet.text.contains("Fisheries office"), "{label}");
        assert!(sheet.text.contains("href=\"tel:+99920700700\""), "{label}");
        // For people and businesses; the requests estimated a year's transactions.
        assert!(
            sheet.text.contains("For people") && sheet.text.contains("For businesses"),
            "{label}"
        );
        assert!(sheet.text.contains("24,000 (estimate)"), "{label}");

        // The merged document and the matched registry: the once-only analysis finds it.
        let once = get(&s, "/api/v1/analysis/once-only?per_page=500").json();
        assert!(
            once["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i["service"] == "EX-3" && i["data_item"] == "DI-BOATREG"),
            "{label}: {once}"
        );

        // The system, linked to the identity block, on the systems page and the block's page.
        let systems = get(&s, "/analysis/systems");
        assert!(systems.text.contains("Vehicle register"), "{label}");
        let block = get(&s, "/building-blocks/BB-ID");
        assert!(block.text.contains("Vehicle register"), "{label}");
        // The database a system runs is not published.
        let api = get(&s, "/api/v1/systems/SYS-VEHICLES").json();
        assert_eq!(api["building_block"], "BB-ID", "{label}: {api}");
        assert!(api["database"].is_null(), "{label}: {api}");

        // Chat: the answer ends with the link and the office.
        let reply = post_json(
            &s.base,
            "/api/v1/chat",
            r#"{"session": "j1", "message": "apply for a coastal trawling permit", "lang": "en"}"#,
        );
        let text = reply["reply"].as_str().unwrap_or_default();
        assert!(
            text.contains("https://fish.gov.example/apply"),
            "{label}: {reply}"
        );
        assert!(text.contains("Fisheries office"), "{label}: {reply}");

        // USSD: the office and its number, and the short link, within 182 characters.
        let screens: Vec<String> = ["1", "2", "3"]
            .iter()
            .map(|n| {
                post_form(
                    &s.base,
                    "/channels/ussd",
                    &format!("sessionId=j1&serviceCode=*384%23&phoneNumber=%2B1&text=1*2*coastal%20trawling%20permit*{n}"),
                )
            })
            .collect();
        let screen = screens
            .iter()
            .find(|t| t.contains("trawling permit"))
            .unwrap_or_else(|| panic!("{label}: {screens:?}"));
        assert!(screen.chars().count() <= 182, "{label}: {screen}");
        assert!(
            screen.contains("+999 20 700 700 - Fisheries office"),
            "{label}: {screen}"
        );
        assert!(
            screen.contains("Online: fish.gov.example/apply"),
            "{label}: {screen}"
        );

        // Voice: offered to be put through, then put through.
        let offer = post_form(
            &s.base,
            "/channels/voice?lang=en",
            "CallSid=J1&SpeechResult=apply%20for%20a%20coastal%20trawling%20permit",
        );
        assert!(offer.contains("offered=EX-2"), "{label}: {offer}");
        let dial = post_form(
            &s.base,
            "/channels/voice?lang=en&offered=EX-2",
            "CallSid=J1&Digits=1",
        );
        assert!(
            dial.contains("<Dial>+99920700700</Dial>"),
            "{label}: {dial}"
        );

        // The launches are news: on the home page, credited to their owner, and in the feed.
        let home = get(&s, "/");
        assert!(
            home.text.contains(
                "Now at level 3: Register a fishing boat (EX-3), by Ministry of Agriculture"
            ),
            "{label}: the home page"
        );
        let feed = get(&s, "/feed.atom?scope=launches");
        assert_eq!(feed.status, 200, "{label}");
        assert!(
            feed.text.contains("Register a fishing boat"),
            "{label}: {}",
            feed.text
        );
        assert!(
            feed.text
                .contains("Shared building block live: Electronic signature (BB-SIGN)"),
            "{label}: {}",
            feed.text
        );

        // The computed KPI's figure, with where it came from: the demo's services with both
        // figures (the workbook gives no take-up).
        let kpi = get(&s, "/kpis/KPI-02");
        assert!(
            kpi.text.contains("computed from 77 services on 2026-11-26"),
            "{label}: the KPI page"
        );
    }
}
