//! The GovStack playbook's workbooks, as published and as users fill them in, imported over the
//! demo country.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use agenda_core::{Audience, Channel, Code, Hosting, Lang, OrgKind, Organisation, Snapshot, Text};
use agenda_io::govstack::{self, GovStackImport};
use agenda_io::{ImportError, apply_in_memory, embedded, plan_import};
use calamine::{Data, Reader};
use rust_xlsxwriter::{Color, ExcelDateTime, Format, Workbook};

const RFI2: &str = "rfi2-service-catalogue-template.xlsx";
const ROADMAP: &str = "high-level-roadmap-template.xlsx";
const RFI2_SHEET: &str = "sheet Service Cataloge";
const ROADMAP_SHEET: &str = "sheet High Level Road Map";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/govstack")
        .join(name)
}

fn demo() -> Snapshot {
    let base = Snapshot::empty(Arc::new(embedded::sdg().unwrap()));
    let plan = plan_import(&base, &embedded::demo_tables().unwrap()).unwrap();
    apply_in_memory(&base, &plan)
}

fn read(path: &Path, base: &Snapshot) -> GovStackImport {
    govstack::read(path, base, "USD").expect("recognised as a GovStack workbook")
}

/// Plans `g` over `base` and applies it; panics with the problems when the import is refused.
fn applied(g: &GovStackImport, base: &Snapshot) -> Snapshot {
    let plan = g.plan(base).unwrap_or_else(|errors| {
        panic!(
            "refused:\n{}",
            errors
                .iter()
                .take(20)
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    apply_in_memory(base, &plan)
}

/// Reads, plans and applies; panics with the problems when the import is refused.
fn import(path: &Path, base: &Snapshot) -> (GovStackImport, Snapshot) {
    let g = read(path, base);
    let after = applied(&g, base);
    (g, after)
}

/// A change to one cell of a copy, addressed as a spreadsheet does (`S11`).
enum Edit {
    Text(&'static str),
    Number(f64),
    Date(u16, u8, u8),
    Fill,
    Clear,
}

fn a1(cell: &str) -> (u32, u16) {
    let letters: String = cell.chars().take_while(char::is_ascii_alphabetic).collect();
    let row: u32 = cell[letters.len()..].parse().unwrap();
    let col = letters
        .bytes()
        .fold(0u32, |acc, b| acc * 26 + u32::from(b - b'A' + 1));
    (row - 1, (col - 1) as u16)
}

/// Copies every cell value of a published workbook into a new one (same sheet names, same
/// positions), with some cells changed.
fn copy_with(src: &Path, sheet: &str, edits: &[(&str, Edit)], dir: &Path) -> PathBuf {
    let mut wb_in = calamine::open_workbook_auto(src).unwrap();
    let mut out = Workbook::new();
    let date = Format::new().set_num_format("d mmmm yyyy");
    for name in wb_in.sheet_names() {
        let range = wb_in.worksheet_range(&name).unwrap();
        let ws = out.add_worksheet();
        ws.set_name(&name).unwrap();
        if let Some((top, left)) = range.start() {
            for (r, row) in range.rows().enumerate() {
                for (c, d) in row.iter().enumerate() {
                    let (r, c) = (top + r as u32, left as u16 + c as u16);
                    match d {
                        Data::String(s) => {
                            ws.write_string(r, c, s).unwrap();
                        }
                        Data::Float(f) => {
                            ws.write_number(r, c, *f).unwrap();
                        }
                        Data::Int(i) => {
                            ws.write_number(r, c, *i as f64).unwrap();
                        }
                        Data::Bool(b) => {
                            ws.write_boolean(r, c, *b).unwrap();
                        }
                        Data::DateTime(dt) => {
                            ws.write_number_with_format(r, c, dt.as_f64(), &date)
                                .unwrap();
                        }
                        _ => {}
                    }
                }
            }
        }
        if name.trim() == sheet {
            for (cell, e) in edits {
                let (r, c) = a1(cell);
                match e {
                    Edit::Text(s) => ws.write_string(r, c, *s).map(|_| ()),
                    Edit::Number(n) => ws.write_number(r, c, *n).map(|_| ()),
                    Edit::Date(y, m, d) => {
                        let dt = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                        ws.write_datetime_with_format(r, c, &dt, &date).map(|_| ())
                    }
                    Edit::Fill => {
                        let f = Format::new().set_background_color(Color::RGB(0x4472C4));
                        ws.write_blank(r, c, &f).map(|_| ())
                    }
                    Edit::Clear => ws.write_blank(r, c, &Format::new()).map(|_| ()),
                }
                .unwrap();
            }
        }
    }
    let path = dir.join(src.file_name().unwrap());
    out.save(&path).unwrap();
    path
}

fn has_error(errors: &[ImportError], row: Option<usize>, column: &str, value: Option<&str>) {
    assert!(
        errors.iter().any(|e| e.file == RFI2_SHEET
            && e.row == row
            && e.column.as_deref().is_some_and(|c| c.starts_with(column))
            && e.value.as_deref() == value),
        "no error at row {row:?}, column {column}, value {value:?} in:\n{}",
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn the_published_rfi2_workbook_imports_its_driving_licence_example() {
    let base = demo();
    let (g, after) = import(&fixture(RFI2), &base);
    assert!(g.errors.is_empty());
    assert_eq!(
        g.rows(),
        1,
        "one service row; option and empty numbered rows skipped"
    );

    let s = &after.services["Example-Sevice-1"];
    assert_eq!(s.title.get("en"), "Driving licence");
    assert_eq!(s.audience, vec![Audience::Citizen]);
    assert_eq!(s.annual_transactions, Some(1_102_000));
    // No level is given and the service is only offered in person: level 1.
    assert_eq!(s.maturity.level(), 1);
    assert_eq!(s.channels, [Channel::InPerson]);
    assert!(!s.cross_border);
    assert!(
        s.summary
            .as_ref()
            .is_some_and(|t| t.get("en").starts_with("A Civilian requests"))
    );
    // The ministry is not among the demo's organisations: created, and reported.
    assert_eq!(s.owner_code.as_str(), "MCT");
    let org = &after.organisations["MCT"];
    assert_eq!(org.name.get("en"), "Ministory of Civil Trasnsportation");
    assert_eq!(org.kind, OrgKind::Ministry);
    // So is the agency involved beside it, which contributes to the service.
    assert_eq!(g.report.new_organisations.len(), 2, "{}", g.report);
    assert_eq!(g.report.new_organisations[0].row, 11);
    assert_eq!(after.organisations["BRRS"].kind, OrgKind::Agency);
    assert_eq!(
        s.contributing_orgs,
        [agenda_core::Code::parse("BRRS").unwrap()]
    );
    assert_eq!(after.services.len(), base.services.len() + 1);

    // Every column of the template has a place: nothing is left unmapped.
    assert!(
        g.report.not_mapped.iter().all(|n| n.sheet != RFI2_SHEET),
        "{}",
        g.report
    );
    assert_eq!(s.iterations, Some(7));
    let report = g.report.to_string();
    assert!(
        report.contains("new data item DI-UID-AGE \"UID/Proof of age\""),
        "{report}"
    );
    assert!(report.contains("Example-Sevice-1"), "{report}");
    // The empty systems sheet is read as such, both of its monitoring columns included.
    assert!(
        report.contains(
            "Systems-Platforms Catalogue: read as the GovStack RFI-2 systems-platforms catalogue — 0 systems"
        ),
        "{report}"
    );
    assert!(g.report.not_mapped.is_empty(), "{report}");

    // Importing the same workbook again changes nothing.
    let again = read(&fixture(RFI2), &after).plan(&after).unwrap();
    assert!(again.changes.is_empty(), "{:?}", again.changes);
}

const SYSTEMS_SHEET: &str = "Systems-Platforms Catalogue";

/// The published workbook with its systems sheet filled in as a ministry would: the template's
/// columns, plus the owner, the services and the building block a country adds.
fn systems_copy(dir: &Path, rows: &[[&'static str; 9]]) -> PathBuf {
    let mut cells: Vec<(String, &'static str)> = ["G5", "H5", "I5"]
        .into_iter()
        .zip(["Owner", "Services that use it", "Building block"])
        .map(|(c, t)| (c.to_owned(), t))
        .collect();
    for (i, row) in rows.iter().enumerate() {
        for (col, v) in "ABCDEFGHI".chars().zip(row) {
            if !v.is_empty() {
                cells.push((format!("{col}{}", 6 + i), v));
            }
        }
    }
    let edits: Vec<(&str, Edit)> = cells
        .iter()
        .map(|(c, t)| (c.as_str(), Edit::Text(t)))
        .collect();
    copy_with(&fixture(RFI2), SYSTEMS_SHEET, &edits, dir)
}

#[test]
fn the_systems_sheet_becomes_systems_linked_to_services_and_building_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let path = systems_copy(
        dir.path(),
        &[
            // The workbook's own service by its Service ID, a demo service by name, and the
            // demo's identity block by its name.
            [
                "SYS-DL",
                "Driving licence system",
                "Cloud",
                "PostgreSQL 15",
                "Prometheus",
                "Grafana",
                "Ministory of Civil Trasnsportation",
                "Example Sevice 1, Renew a driving licence",
                "Digital identity",
            ],
            // No ID, no owner: the owner is its one service's owner, and the system of that
            // name that owner runs is found; the block is named as GovStack names it.
            [
                "",
                "Revenue payments gateway",
                "on-premise",
                "Oracle 19c",
                "",
                "",
                "",
                "SVC-020",
                "Payments",
            ],
            [
                "SYS-WF",
                "Case tracker",
                "Cloud and on premise",
                "",
                "",
                "",
                "Courts Service",
                "",
                "case management",
            ],
        ],
    );
    let base = demo();
    let (g, after) = import(&path, &base);
    let report = g.report.to_string();
    assert!(report.contains("— 3 systems"), "{report}");
    assert!(
        g.report
            .not_mapped
            .iter()
            .all(|n| !n.sheet.contains("Systems")),
        "{report}"
    );

    let dl = &after.systems["SYS-DL"];
    assert_eq!(dl.name.get("en"), "Driving licence system");
    assert_eq!(dl.hosting, Some(Hosting::Cloud));
    assert_eq!(dl.database.as_deref(), Some("PostgreSQL 15"));
    // Both monitoring columns of the template are read.
    assert_eq!(dl.monitoring.as_deref(), Some("Prometheus; Grafana"));
    assert_eq!(dl.owner_code.as_ref().map(|c| c.as_str()), Some("MCT"));
    let used: Vec<&str> = dl.services.iter().map(|c| c.as_str()).collect();
    assert_eq!(used, ["Example-Sevice-1", "SVC-037"]);
    assert_eq!(
        dl.building_block.as_ref().map(|c| c.as_str()),
        Some("BB-ID")
    );
    assert_eq!(dl.govstack_bb.as_deref(), Some("identity"));

    // No System ID, but the catalogue has a system of that name run by that owner: it is
    // updated, not duplicated.
    assert_eq!(after.systems.len(), base.systems.len() + 2);
    let pay = &after.systems["SYS-TAX-PAY"];
    assert_eq!(pay.hosting, Some(Hosting::OnPremise));
    assert_eq!(pay.owner_code.as_ref().map(|c| c.as_str()), Some("TAX"));
    assert_eq!(pay.govstack_bb.as_deref(), Some("payments"));
    assert!(pay.building_block.is_none());
    assert!(
        report.contains("run by TAX, which owns every service it serves"),
        "{report}"
    );

    let wf = &after.systems["SYS-WF"];
    assert_eq!(wf.hosting, Some(Hosting::Hybrid));
    assert_eq!(wf.govstack_bb.as_deref(), Some("workflow"));
    assert_eq!(wf.owner_code.as_ref().map(|c| c.as_str()), Some("CRT"));

    // The analysis sees them: the revenue gateway could move onto the payments block.
    let r = agenda_core::catalogue::systems::systems(&after);
    let payments = r
        .groups
        .iter()
        .find(|g| g.govstack_bb == "payments")
        .unwrap();
    assert!(
        payments
            .systems
            .iter()
            .any(|y| y.code.as_str() == "SYS-TAX-PAY")
    );

    // The same workbook again, over the result: nothing changes, nothing is duplicated.
    let again = read(&path, &after).plan(&after).unwrap();
    assert!(again.changes.is_empty(), "{:?}", again.changes);
}

#[test]
fn a_systems_row_naming_an_unknown_service_or_hosting_is_refused_where_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let path = systems_copy(
        dir.path(),
        &[[
            "SYS-1",
            "Archive",
            "In the basement",
            "",
            "",
            "",
            "",
            "SVC-999, Register a birth",
            "",
        ]],
    );
    let errors = read(&path, &demo()).plan(&demo()).unwrap_err();
    let at = |col: &str, value: &str| {
        errors.iter().any(|e| {
            e.file == "sheet Systems-Platforms Catalogue"
                && e.row == Some(6)
                && e.column.as_deref().is_some_and(|c| c.starts_with(col))
                && e.value.as_deref() == Some(value)
        })
    };
    let all = errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(at("C", "In the basement"), "{all}");
    assert!(at("H", "SVC-999"), "{all}");
    assert!(!at("H", "Register a birth"), "{all}");
}

#[test]
fn a_filled_in_rfi2_copy_reads_levels_number_cells_channels_and_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_with(
        &fixture(RFI2),
        "Service Cataloge",
        &[
            ("B11", Edit::Clear),
            ("D11", Edit::Text("ministry of transport")),
            ("N11", Edit::Clear),
            ("E11", Edit::Number(1_102_000.0)),
            ("L11", Edit::Text("Date of birth, Proof of residence")),
            ("Q11", Edit::Text("Online")),
            ("S11", Edit::Text("Level 3: Submit Webform")),
            ("T11", Edit::Text("Yes")),
            ("C12", Edit::Text("Register a company")),
            ("D12", Edit::Text("BRA")),
            ("E12", Edit::Text("12,500")),
            ("K12", Edit::Text("Business")),
            ("Q12", Edit::Text("Online")),
            ("S12", Edit::Text("Level 4: 100% online")),
        ],
        dir.path(),
    );
    let base = demo();
    let (g, after) = import(&path, &base);
    assert!(g.report.new_organisations.is_empty(), "{}", g.report);

    let s = &after.services["SVC-1"];
    assert_eq!(s.title.get("en"), "Driving licence");
    assert_eq!(s.owner_code.as_str(), "MOT");
    assert_eq!(s.maturity.level(), 3);
    assert_eq!(s.channels, [Channel::Web]);
    assert_eq!(s.annual_transactions, Some(1_102_000));
    assert_eq!(
        s.evidence.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        ["DI-DOB", "DI-RESPROOF"]
    );
    assert!(s.cross_border);

    // No Service ID, and the demo already has "Register a company" by BRA: it is updated,
    // not duplicated.
    assert!(!after.services.contains_key("SVC-2"));
    let s = &after.services["SVC-073"];
    assert_eq!(s.audience, vec![Audience::Business]);
    assert_eq!(s.owner_code.as_str(), "BRA");
    assert_eq!(s.maturity.level(), 4);
    assert_eq!(s.annual_transactions, Some(12_500));
}

#[test]
fn every_recipient_of_the_template_and_any_combination_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    // The template's drop-down offers Individual, Business and Other government agency
    // (K7:K9); ministries also write several in one cell.
    let path = copy_with(
        &fixture(RFI2),
        "Service Cataloge",
        &[
            ("K11", Edit::Text("Individual, Business")),
            ("C12", Edit::Text("Exchange civil registry extracts")),
            ("D12", Edit::Text("MOI")),
            ("K12", Edit::Text("Other government agency")),
            ("Q12", Edit::Text("Online")),
            ("S12", Edit::Text("Level 4: 100% online")),
            ("C13", Edit::Text("Procurement registration")),
            ("D13", Edit::Text("MOF")),
            ("K13", Edit::Text("Business / Other government agency")),
            ("S13", Edit::Text("Level 2: Downloadable form")),
        ],
        dir.path(),
    );
    let base = demo();
    let (_, after) = import(&path, &base);
    let svc = |code: &str| &after.services[code];
    assert_eq!(
        svc("Example-Sevice-1").audience,
        [Audience::Citizen, Audience::Business]
    );
    assert_eq!(svc("SVC-2").audience, [Audience::Government]);
    assert!(!svc("SVC-2").for_the_public());
    assert!(svc("SVC-2").for_agencies());
    assert_eq!(
        svc("SVC-3").audience,
        [Audience::Business, Audience::Government]
    );
    assert!(svc("SVC-3").for_the_public());
}

#[test]
fn the_online_link_of_a_service_is_kept_and_only_https_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_with(
        &fixture(RFI2),
        "Service Cataloge",
        &[
            ("R11", Edit::Text("www.drivers.gov.example/licence")),
            ("C12", Edit::Text("Register a company")),
            ("D12", Edit::Text("BRA")),
            ("K12", Edit::Text("Business")),
            ("Q12", Edit::Text("Online")),
            ("R12", Edit::Text("https://business.gov.example/register")),
            ("S12", Edit::Text("Level 4: 100% online")),
        ],
        dir.path(),
    );
    let base = demo();
    let (g, after) = import(&path, &base);
    assert_eq!(
        after.services["Example-Sevice-1"].online_link.as_deref(),
        Some("https://www.drivers.gov.example/licence")
    );
    assert_eq!(
        after.services["SVC-073"].online_link.as_deref(),
        Some("https://business.gov.example/register")
    );
    // The link is no longer an unmapped column, and the added https:// is noted.
    assert!(
        g.report
            .not_mapped
            .iter()
            .all(|n| !n.column.contains("link")),
        "{}",
        g.report
    );
    assert!(
        g.report
            .notes
            .iter()
            .any(|n| n.contains("read as https://www.drivers.gov.example/licence")),
        "{}",
        g.report
    );

    // A plain http or a script address is refused where it is written.
    for bad in ["http://drivers.gov.example/licence", "javascript:alert(1)"] {
        let path = copy_with(
            &fixture(RFI2),
            "Service Cataloge",
            &[("R11", Edit::Text(bad))],
            dir.path(),
        );
        let errors = read(&path, &base).plan(&base).unwrap_err();
        has_error(&errors, Some(11), "R (", Some(bad));
    }
}

/// Every file of an export directory, by name.
fn exported(s: &Snapshot, dir: &Path) -> Vec<(String, Vec<u8>)> {
    agenda_io::export_csv(s, dir).unwrap();
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn every_answer_of_a_filled_in_rfi2_workbook_is_kept_and_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    // Row 11 is the template's own example, which fills most columns. Rows 12 and 13 are
    // filled the way ministries fill them: numbers in words, "n/a", no transactions.
    let path = copy_with(
        &fixture(RFI2),
        "Service Cataloge",
        &[
            ("C12", Edit::Text("Register a company")),
            ("D12", Edit::Text("BRA")),
            ("F12", Edit::Text("approx. 12,000")),
            ("G12", Edit::Text("about 2")),
            ("K12", Edit::Text("Business")),
            ("N12", Edit::Text("Revenue Authority; Ministry of Finance")),
            ("O12", Edit::Text("2,000/month")),
            ("P12", Edit::Text("2-5 years")),
            ("Q12", Edit::Text("Online")),
            ("R12", Edit::Text("https://business.gov.example/register")),
            ("S12", Edit::Text("Level 4: 100% online")),
            ("U12", Edit::Text("Yes")),
            ("V12", Edit::Text("n/a")),
            ("W12", Edit::Text("No")),
            (
                "X12",
                Edit::Text("Days to register; share registered online"),
            ),
            ("C13", Edit::Text("Fishing licence")),
            ("D13", Edit::Text("MEN")),
            ("E13", Edit::Text("15k")),
            ("K13", Edit::Text("Individual")),
            ("S13", Edit::Text("Level 2: Downloadable form")),
        ],
        dir.path(),
    );
    let base = demo();
    let (g, after) = import(&path, &base);
    let report = g.report.to_string();
    // No column of the template is left unmapped.
    assert!(
        g.report.not_mapped.iter().all(|n| n.sheet != RFI2_SHEET),
        "{report}"
    );

    let ex = &after.services["Example-Sevice-1"];
    assert_eq!(ex.iterations, Some(7));
    assert_eq!(
        ex.prerequisites.as_ref().map(|t| t.get("en")),
        Some("Complete Driving School Course")
    );
    assert_eq!(
        ex.eligibility.as_ref().map(|t| t.get("en")),
        Some("Must be above 18 YO")
    );
    // The ministry lists itself among the agencies: only the other one contributes, its name
    // kept whole with its "&".
    assert_eq!(ex.contributing_orgs.len(), 1, "{report}");
    assert_eq!(
        after.organisations[ex.contributing_orgs[0].as_str()]
            .name
            .get("en"),
        "Board of Rail & Road Safety"
    );
    assert_eq!(ex.request_volume.as_deref(), Some("1.3"));
    assert_eq!(ex.in_operation.as_deref(), Some("5-10 years"));
    assert_eq!(ex.languages.as_deref(), Some("Hindi, English, French"));
    assert_eq!(
        ex.challenges.as_ref().map(|t| t.get("en")),
        Some("Digital Skills")
    );
    assert!(ex.satisfaction_metrics.is_some());
    assert_eq!(ex.annual_transactions, Some(1_102_000));
    assert!(!ex.transactions_estimated);

    // Matched to the demo's own "Register a company" by its name and ministry.
    let co = &after.services["SVC-073"];
    assert_eq!(co.customers_per_year.as_deref(), Some("approx. 12,000"));
    assert_eq!(co.request_volume.as_deref(), Some("2,000/month"));
    // No transactions given: estimated from the requests, and marked so.
    assert_eq!(co.annual_transactions, Some(24_000));
    assert!(co.transactions_estimated);
    assert!(
        report
            .contains("transactions estimated at 24,000 a year from the requests \"2,000/month\""),
        "{report}"
    );
    assert_eq!(co.iterations, Some(2));
    assert!(
        report.contains("iterations \"about 2\" read as 2"),
        "{report}"
    );
    assert_eq!(
        co.contributing_orgs
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>(),
        ["TAX", "MOF"]
    );
    assert_eq!(co.public_private_partnership, Some(true));
    assert_eq!(co.fdi_potential, None);
    assert_eq!(co.regional_harmonisation, Some(false));
    assert!(co.key_metrics.is_some());

    let fish = &after.services["SVC-3"];
    assert_eq!(fish.annual_transactions, Some(15_000));
    assert!(!fish.transactions_estimated);
    assert!(
        report.contains("transactions \"15k\" read as 15,000"),
        "{report}"
    );

    // Exported and imported into a fresh database, the catalogue exports the same, byte for
    // byte; importing the workbook again changes nothing.
    let one = tempfile::tempdir().unwrap();
    let first = exported(&after, one.path());
    let empty = Snapshot::empty(Arc::new(embedded::sdg().unwrap()));
    let tables = agenda_io::read_path(one.path()).unwrap();
    let fresh = apply_in_memory(&empty, &plan_import(&empty, &tables).unwrap());
    let two = tempfile::tempdir().unwrap();
    assert_eq!(exported(&fresh, two.path()), first);
    let again = read(&path, &after).plan(&after).unwrap();
    assert!(again.changes.is_empty(), "{:?}", again.changes);

    // The ministries send it again with two rows swapped and no Service IDs: matched by name
    // and ministry, the services are updated where they are, not duplicated.
    let swapped = copy_with(
        &fixture(RFI2),
        "Service Cataloge",
        &[
            ("C12", Edit::Text("Fishing licence")),
            ("D12", Edit::Text("MEN")),
            ("E12", Edit::Text("16k")),
            ("K12", Edit::Text("Individual")),
            ("S12", Edit::Text("Level 2: Downloadable form")),
            ("C13", Edit::Text("Register a company")),
            ("D13", Edit::Text("BRA")),
            ("K13", Edit::Text("Business")),
            ("Q13", Edit::Text("Online")),
            ("S13", Edit::Text("Level 4: 100% online")),
        ],
        dir.path(),
    );
    let plan = read(&swapped, &after).plan(&after).unwrap();
    let next = apply_in_memory(&after, &plan);
    assert_eq!(next.services.len(), after.services.len());
    assert_eq!(next.services["SVC-3"].annual_transactions, Some(16_000));
    assert_eq!(next.services["SVC-073"], after.services["SVC-073"]);
}

#[test]
fn required_documents_become_data_items_merged_across_spellings_and_the_once_only_analysis_finds_them()
 {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_with(
        &fixture(RFI2),
        "Service Cataloge",
        &[
            (
                "L11",
                Edit::Text("Copy of birth certificate, National ID card"),
            ),
            ("C12", Edit::Text("Apply for a social grant")),
            ("D12", Edit::Text("SSI")),
            ("K12", Edit::Text("Individual")),
            ("L12", Edit::Text("National ID; ID card copy; Income")),
            ("S12", Edit::Text("Level 2: Downloadable form")),
            ("C13", Edit::Text("Register a cooperative")),
            ("D13", Edit::Text("BRA")),
            ("K13", Edit::Text("Business")),
            (
                "L13",
                Edit::Text("Natonal ID card\nCertificate of incorporation\nProof of residance"),
            ),
            ("S13", Edit::Text("Level 2: Downloadable form")),
        ],
        dir.path(),
    );
    let base = demo();
    let (g, after) = import(&path, &base);
    let report = g.report.to_string();
    let codes = |svc: &str| -> Vec<String> {
        after.services[svc]
            .evidence
            .iter()
            .map(|c| c.to_string())
            .collect()
    };
    // A birth certificate is the demo's "Proof of birth", which the civil status register
    // holds; the national ID card is new, and its other spellings are merged into it.
    assert_eq!(
        codes("Example-Sevice-1"),
        ["DI-BIRTHPROOF", "DI-ID"],
        "{report}"
    );
    assert_eq!(codes("SVC-2"), ["DI-ID", "DI-INCOME"], "{report}");
    assert_eq!(
        codes("SVC-3"),
        ["DI-ID", "DI-INCORPORATION", "DI-RESPROOF"],
        "{report}"
    );
    let id = &after.data_items["DI-ID"];
    assert_eq!(id.name.get("en"), "National ID card");
    assert_eq!(
        id.aliases,
        ["National ID", "ID card copy", "Natonal ID card"]
    );
    assert_eq!(
        after.data_items["DI-BIRTHPROOF"].aliases,
        ["Copy of birth certificate"]
    );
    // Each merge is reported, so a person can undo it; so is each new item.
    assert!(
        report.contains(
            "document \"Copy of birth certificate\" read as DI-BIRTHPROOF \"Proof of birth\" (variant), kept as an alias, named on sheet Service Cataloge row 11"
        ),
        "{report}"
    );
    assert!(
        report
            .contains("document \"Natonal ID card\" read as DI-ID \"National ID card\" (variant)"),
        "{report}"
    );
    assert!(
        report.contains(
            "document \"Proof of residance\" read as DI-RESPROOF \"Proof of residence\" (spelling)"
        ),
        "{report}"
    );
    assert!(
        report.contains(
            "new data item DI-ID \"National ID card\", named on sheet Service Cataloge row 11"
        ),
        "{report}"
    );

    // The once-only analysis finds the certificate the civil status register already holds.
    let oo = agenda_core::catalogue::once_only::once_only(&after);
    let held: Vec<(&str, &str)> = oo
        .items
        .iter()
        .map(|i| (i.service.as_str(), i.data_item.as_str()))
        .collect();
    assert!(
        held.contains(&("Example-Sevice-1", "DI-BIRTHPROOF")),
        "{held:?}"
    );
    let item = oo
        .items
        .iter()
        .find(|i| i.service.as_str() == "Example-Sevice-1")
        .unwrap();
    assert!(item.registries.iter().any(|r| r.as_str() == "REG-CIVIL"));

    // Importing the same workbook again merges nothing twice.
    let again = read(&path, &after).plan(&after).unwrap();
    assert!(again.changes.is_empty(), "{:?}", again.changes);
}

#[test]
fn a_broken_rfi2_copy_is_refused_with_every_position() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_with(
        &fixture(RFI2),
        "Service Cataloge",
        &[
            ("S11", Edit::Text("Level 7: Teleport")),
            ("E11", Edit::Text("about a million")),
            ("K6", Edit::Clear),
            ("C12", Edit::Text("Renew a passport")),
            ("D12", Edit::Text("MOI")),
            ("E12", Edit::Text("lots")),
            ("S12", Edit::Text("Level 2: Downloadable form")),
        ],
        dir.path(),
    );
    let base = demo();
    let g = read(&path, &base);
    let errors = g.plan(&base).unwrap_err();
    has_error(
        &errors,
        Some(11),
        "S (Level of digitalization)",
        Some("Level 7: Teleport"),
    );
    has_error(
        &errors,
        Some(11),
        "E (Number of transactions/year)",
        Some("about a million"),
    );
    has_error(
        &errors,
        Some(12),
        "E (Number of transactions/year)",
        Some("lots"),
    );
    has_error(&errors, None, "Recipient/beneficiary", None);
    let level = errors
        .iter()
        .find(|e| e.value.as_deref() == Some("Level 7: Teleport"))
        .unwrap()
        .to_string();
    assert!(level.contains("Level 3: Submit Webform"), "{level}");
    // Nothing is planned while anything is wrong.
    assert!(g.plan(&base).is_err());
}

#[test]
fn the_published_roadmap_imports_and_reports_the_activities_it_cannot_date() {
    let base = demo();
    let (g, after) = import(&fixture(ROADMAP), &base);
    assert!(g.errors.is_empty());
    let report = g.report.to_string();
    // The template marks no week and its activities say "(TBD on proposal dev.)".
    assert!(
        report.contains("3.1.1, 3.1.2, 3.1.3, 3.1.4, 3.1.5, 3.3.1, 3.3.2) have no week marked"),
        "{report}"
    );
    assert!(report.contains("7 week columns"), "{report}");
    assert!(report.contains("rows 4–23 (activity ids 1.1.1"), "{report}");
    assert!(
        report.contains("row 33: \"Suggestion\" is not an activity id"),
        "{report}"
    );
    assert!(
        g.report
            .not_mapped
            .iter()
            .any(|n| n.sheet == ROADMAP_SHEET && n.column.starts_with("F (Deliverable")),
        "{report}"
    );
    assert_eq!(after.milestones.len(), base.milestones.len());
}

#[test]
fn a_marked_roadmap_copy_becomes_milestones_due_on_their_last_marked_week() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_with(
        &fixture(ROADMAP),
        "High Level Road Map",
        &[
            // 3.1.1 runs three weeks, marked with text.
            ("L24", Edit::Text("x")),
            ("M24", Edit::Text("x")),
            ("N24", Edit::Text("x")),
            // 3.1.2 is marked by colour only.
            ("O25", Edit::Fill),
            // 3.3.1 in the last week, whose header is a real date cell.
            ("R2", Edit::Date(2022, 7, 21)),
            ("R29", Edit::Text("✓")),
        ],
        dir.path(),
    );
    let base = demo();
    let (g, after) = import(&path, &base);

    let m = &after.milestones["HLR-3.1.1"];
    assert_eq!(m.due.to_string(), "2022-06-23");
    assert_eq!(m.action_line.as_str(), "HLR-OI-3.1");
    assert!(
        m.title
            .get("en")
            .starts_with("3 concepts for technical training")
    );
    assert_eq!(after.milestones["HLR-3.1.2"].due.to_string(), "2022-06-30");
    assert_eq!(after.milestones["HLR-3.3.1"].due.to_string(), "2022-07-21");
    assert!(!after.milestones.contains_key("HLR-3.1.3"));

    let al = &after.action_lines["HLR-OI-3.1"];
    assert_eq!(al.pillar_code.as_str(), "HLR");
    assert_eq!(al.title.get("en"), "OI 3.1");
    assert_eq!(al.start.to_string(), "2022-06-09");
    assert_eq!(al.end.to_string(), "2022-06-30");
    assert_eq!(al.lead_org.as_str(), "DIAL");
    assert!(after.action_lines.contains_key("HLR-OI-3.3"));
    assert!(after.pillars.contains_key("HLR"));
    assert_eq!(after.organisations["DIAL"].kind, OrgKind::International);
    assert_eq!(g.report.new_organisations.len(), 1);

    // Twice is the same as once.
    let again = read(&path, &after).plan(&after).unwrap();
    assert!(again.changes.is_empty(), "{:?}", again.changes);
}

#[test]
fn a_roadmap_indicator_without_any_lead_is_refused_at_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_with(
        &fixture(ROADMAP),
        "High Level Road Map",
        &[("L30", Edit::Text("x")), ("G30", Edit::Clear)],
        dir.path(),
    );
    let base = demo();
    let errors = read(&path, &base).plan(&base).unwrap_err();
    assert!(
        errors.iter().any(|e| e.file == ROADMAP_SHEET
            && e.row == Some(30)
            && e.column.as_deref() == Some("G (Lead Organization)")),
        "{errors:?}"
    );
}

/// The demo country with a National Digital Authority (NDA) and a Ministry of Trade and
/// Industry, as a country that imports its roadmap has them.
fn with_authority() -> Snapshot {
    let mut base = demo();
    for (code, name, kind) in [
        ("NDA", "National Digital Authority", OrgKind::Authority),
        ("MTI", "Ministry of Trade and Industry", OrgKind::Ministry),
    ] {
        base.upsert(
            Organisation {
                code: Code::parse(code).unwrap(),
                name: Text::new([(Lang::en(), name.to_owned())]).unwrap(),
                kind,
                parent_code: None,
                website: None,
            }
            .into(),
        );
    }
    base
}

/// The published roadmap as a country fills it: its own weeks (two added after the
/// template's), leads written every way people write them, amounts in every style, weeks
/// marked with anything, and notes of what happened in the week cells.
fn filled_roadmap(dir: &Path) -> PathBuf {
    use Edit::{Date, Fill, Number, Text};
    copy_with(
        &fixture(ROADMAP),
        "High Level Road Map",
        &[
            // Weeks from 7 March 2022: date cells, text dates, and two more columns.
            ("L2", Date(2022, 3, 7)),
            ("M2", Date(2022, 3, 14)),
            ("N2", Text("21 March 2022")),
            ("O2", Text("28 March 2022")),
            ("P2", Date(2022, 4, 4)),
            ("Q2", Text("11 April 2022")),
            ("R2", Text("18 April 2022")),
            ("S2", Text("25 April 2022")),
            ("T2", Date(2022, 5, 2)),
            // OI 1.1
            ("D4", Text("Kick-off with the digital authority")),
            ("G4", Text("NDA")),
            ("I4", Text("EUR 45.000")),
            ("L4", Text("x")),
            ("M4", Text("X")),
            ("D5", Text("Stakeholder mapping")),
            ("G5", Text("National Digital Authority (NDA)")),
            ("I5", Text("€45,000")),
            ("M5", Text("✓")),
            ("N5", Text("✔")),
            ("D6", Text("Legal review of data exchange")),
            ("G6", Text("MoJ + GIZ")),
            ("I6", Text("USD 45k World Bank TA")),
            ("L6", Text("1")),
            ("M6", Number(1.0)),
            ("N6", Text("1")),
            ("D8", Text("Interoperability assessment")),
            ("G8", Text("Natl Digital Authority")),
            ("I8", Text("200k")),
            ("N8", Text("3")),
            ("O8", Text("5d")),
            ("D9", Text("Registry data audit")),
            ("G9", Text("Ministry of Interior")),
            ("I9", Text("1.2M USD")),
            ("O9", Fill),
            ("P9", Fill),
            ("D10", Text("Validate the roadmap with the ministries")),
            ("G10", Text("National Digital Agency")),
            ("I10", Text("in-kind")),
            ("L10", Text("12/03 kickoff held")),
            ("M10", Text("done")),
            // OI 1.2
            ("D11", Text("Procure the data exchange platform")),
            ("G11", Text("Ministery of Finance")),
            ("I11", Text("45 000 XOF")),
            ("M11", Text("2022-03-14: contract signed")),
            ("N11", Text("x")),
            ("D12", Text("Budget approval")),
            ("G12", Text("MoF")),
            ("I12", Text("TBD")),
            ("O12", Text("x")),
            // OI 2.1 (the template's "1.2.0." included)
            ("D13", Text("Cloud hosting study")),
            ("G13", Text("Ministry of Posts & Telecommunications")),
            ("I13", Text("n/a")),
            ("P13", Text("x")),
            ("D14", Text("Spectrum for rural connectivity")),
            ("G14", Text("Ministry of Posts and Telecommunications")),
            ("I14", Text("2 FTE + 10k")),
            ("Q14", Text("✓")),
            ("D15", Text("Trade licensing e-service")),
            ("G15", Text("Ministry of Trade and Industry")),
            ("P15", Text("x")),
            ("Q15", Text("x")),
            ("D16", Text("Consular services online")),
            (
                "G16",
                Text("Ministry of Foreign Affairs and International Cooperation"),
            ),
            ("I16", Text("EUR 20,000 (EU)")),
            ("R16", Text("x")),
            ("D17", Text("Digital ID pilot")),
            ("G17", Text("NDA / DIAL")),
            ("I17", Text("Staff")),
            ("S17", Text("x")),
            // OI 2.2
            ("D18", Text("Connectivity survey")),
            ("G18", Text("NDA, ITU")),
            ("Q18", Text("12 April: survey launched")),
            ("D19", Text("Health data standards")),
            ("G19", Text("Ministry of Health (MoH) and UNICEF")),
            ("I19", Text("UNICEF in-kind")),
            ("L19", Text("x")),
            ("D20", Text("School connectivity")),
            ("G20", Text("Min. of Education + UNDP")),
            ("I20", Text("USD 1,500,000")),
            ("M20", Text("x")),
            ("D21", Text("e-Procurement integration")),
            ("G21", Text("Govt Printing Office")),
            ("N21", Text("x")),
            ("D22", Text("Printing of ID cards")),
            ("G22", Text("Government Printing Office")),
            ("I22", Text("1.5M")),
            ("O22", Text("x")),
            ("D23", Text("Data protection authority set up")),
            ("G23", Text("MoJ and GIZ")),
            ("I23", Text("45,000 EUR")),
            ("P23", Text("x")),
            // OI 3.1 and 3.3: the template's DIAL rows, led by partners. "-" marks nothing.
            ("G24", Text("DIAL")),
            ("L24", Text("x")),
            ("M24", Text("-")),
            ("G25", Text("World Bank")),
            ("M25", Text("x")),
            ("G26", Text("European Union")),
            ("N26", Text("x")),
            ("G27", Text("e-Governance Academy (eGA)")),
            ("O27", Text("x")),
            ("G28", Text("USAID")),
            ("I28", Number(30_000.0)),
            ("P28", Text("x")),
            ("G29", Text("GovStack")),
            ("Q29", Text("Workshop with the GovStack team")),
            ("G30", Text("Nat'l Digital Authority")),
            ("I30", Text("EUR 5k + EUR 2.5k (European Union)")),
            ("R30", Text("x")),
            ("T30", Text("x")),
        ],
        dir,
    )
}

#[test]
fn a_roadmap_filled_as_a_country_fills_it_names_each_organisation_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled_roadmap(dir.path());
    let base = with_authority();
    let (g, after) = import(&path, &base);
    let report = g.report.to_string();
    assert!(g.errors.is_empty(), "{:?}", g.errors);

    // 26 lead cells name 20 organisations, most of them several ways: 7 the country has, 13
    // created — and nothing else.
    let created: Vec<(&str, &str, OrgKind)> = g
        .report
        .new_organisations
        .iter()
        .map(|o| (o.code.as_str(), o.name.as_str(), o.kind))
        .collect();
    use OrgKind::{International as Intl, Ministry};
    assert_eq!(
        created,
        [
            ("GIZ", "GIZ", Intl),
            ("MPT", "Ministry of Posts & Telecommunications", Ministry),
            (
                "MFAIC",
                "Ministry of Foreign Affairs and International Cooperation",
                Ministry
            ),
            ("DIAL", "DIAL", Intl),
            ("ITU", "ITU", Intl),
            ("UNICEF", "UNICEF", Intl),
            ("UNDP", "UNDP", Intl),
            ("GPO", "Govt Printing Office", OrgKind::Agency),
            ("WB", "World Bank", Intl),
            ("EU", "European Union", Intl),
            ("EGA", "e-Governance Academy", Intl),
            ("USAID", "USAID", Intl),
            ("GOVSTACK", "GovStack", Intl),
        ],
        "{report}"
    );
    assert_eq!(
        after.organisations.len(),
        base.organisations.len() + 13,
        "{report}"
    );
    let matched: Vec<(&str, &str, &str, usize)> = g
        .report
        .matched_organisations
        .iter()
        .map(|m| (m.written.as_str(), m.code.as_str(), m.how, m.row))
        .collect();
    assert_eq!(
        matched,
        [
            ("NDA", "NDA", "code", 4),
            ("National Digital Authority (NDA)", "NDA", "abbreviation", 5),
            ("MoJ", "MOJ", "code", 6),
            ("Natl Digital Authority", "NDA", "variant", 8),
            ("Ministry of Interior", "MOI", "variant", 9),
            ("National Digital Agency", "NDA", "initials", 10),
            ("Ministery of Finance", "MOF", "variant", 11),
            ("MoF", "MOF", "code", 12),
            (
                "Ministry of Posts and Telecommunications",
                "MPT",
                "variant",
                14
            ),
            ("Ministry of Health (MoH)", "MOH", "abbreviation", 19),
            ("Min. of Education", "MOE", "variant", 20),
            ("Government Printing Office", "GPO", "variant", 22),
            ("Nat'l Digital Authority", "NDA", "variant", 30),
        ],
        "{report}"
    );
    assert!(
        report.contains(
            "organisation \"National Digital Agency\" read as NDA \"National Digital Authority\" \
             (initials), named on sheet High Level Road Map row 10"
        ),
        "{report}"
    );
    // Matched organisations keep their kind; none became international.
    assert_eq!(after.organisations["NDA"].kind, OrgKind::Authority);
    assert_eq!(after.organisations["MTI"].kind, OrgKind::Ministry);

    // Cells naming several organisations: the first leads, the others contribute.
    let shared: Vec<(&str, Vec<&str>)> = g
        .report
        .shared_cells
        .iter()
        .map(|c| {
            (
                c.written.as_str(),
                c.codes.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        shared,
        [
            ("MoJ + GIZ", vec!["MOJ", "GIZ"]),
            ("NDA / DIAL", vec!["NDA", "DIAL"]),
            ("NDA, ITU", vec!["NDA", "ITU"]),
            ("Ministry of Health (MoH) and UNICEF", vec!["MOH", "UNICEF"]),
            ("Min. of Education + UNDP", vec!["MOE", "UNDP"]),
            ("MoJ and GIZ", vec!["MOJ", "GIZ"]),
        ],
        "{report}"
    );
    assert!(
        report.contains(
            "\"MoJ + GIZ\" names 2 organisations: MOJ leads, GIZ contributes, on sheet High \
             Level Road Map row 6"
        ),
        "{report}"
    );
    let line = |code: &str| {
        let al = &after.action_lines[code];
        (
            al.lead_org.to_string(),
            al.contributing_orgs
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
        )
    };
    let v = |x: &[&str]| x.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        line("HLR-OI-1.1"),
        ("NDA".into(), v(&["MOJ", "GIZ", "MOI"]))
    );
    assert_eq!(line("HLR-OI-1.2"), ("MOF".into(), v(&[])));
    assert_eq!(
        line("HLR-OI-2.1"),
        ("MPT".into(), v(&["MTI", "MFAIC", "NDA", "DIAL"]))
    );
    assert_eq!(
        line("HLR-OI-2.2"),
        (
            "NDA".into(),
            v(&["ITU", "MOH", "UNICEF", "MOE", "UNDP", "GPO", "MOJ", "GIZ"])
        )
    );
    assert_eq!(
        line("HLR-OI-3.1"),
        ("DIAL".into(), v(&["WB", "EU", "EGA", "USAID"]))
    );
    assert_eq!(line("HLR-OI-3.3"), ("GOVSTACK".into(), v(&["NDA"])));

    // Every mark marks its week; "-" does not; the milestone is due on the last.
    let due = |id: &str| after.milestones[&format!("HLR-{id}")].due.to_string();
    for (id, day) in [
        ("1.1.1", "2022-03-14"), // x, X
        ("1.1.2", "2022-03-21"), // ✓, ✔
        ("1.1.3", "2022-03-21"), // 1 as text and as a number
        ("1.1.4", "2022-03-28"), // 3 and 5d days
        ("1.1.5", "2022-04-04"), // colour only
        ("1.1.6", "2022-03-14"), // a dated note, then "done"
        ("1.2.1", "2022-03-21"), // an ISO-dated note, then x
        ("1.2.0", "2022-04-04"),
        ("2.1.4", "2022-04-25"), // a week the country added
        ("2.2.1", "2022-04-11"), // a note only
        ("3.1.1", "2022-03-07"), // x, then "-"
        ("3.3.1", "2022-04-11"), // an undated note
        ("3.3.2", "2022-05-02"),
    ] {
        assert_eq!(due(id), day, "{id}");
    }
    assert_eq!(
        after.action_lines["HLR-OI-3.3"].end.to_string(),
        "2022-05-02"
    );
    assert_eq!(after.milestones.len(), base.milestones.len() + 26);

    // Amounts, read in every style and reported for each activity.
    let res = |id: &str| {
        let r = g
            .report
            .resources
            .iter()
            .find(|x| x.milestone == format!("HLR-{id}"))
            .unwrap_or_else(|| panic!("no resources for {id}:\n{report}"));
        (
            r.resources.amount,
            r.resources.currency.clone(),
            r.resources.kind,
            r.resources.partner.clone(),
        )
    };
    let s = |x: &str| Some(x.to_owned());
    use agenda_io::govstack::ResourceKind::{Amount, InKind, NotNeeded, Other, ToBeDecided};
    assert_eq!(res("1.1.1"), (Some(45_000.0), s("EUR"), Amount, None));
    assert_eq!(res("1.1.2"), (Some(45_000.0), s("EUR"), Amount, None));
    assert_eq!(
        res("1.1.3"),
        (Some(45_000.0), s("USD"), Amount, s("World Bank"))
    );
    assert_eq!(res("1.1.4"), (Some(200_000.0), None, Amount, None));
    assert_eq!(res("1.1.5"), (Some(1_200_000.0), s("USD"), Amount, None));
    assert_eq!(res("1.1.6"), (None, None, InKind, None));
    assert_eq!(res("1.2.1"), (Some(45_000.0), s("XOF"), Amount, None));
    assert_eq!(res("1.2.2"), (None, None, ToBeDecided, None));
    assert_eq!(res("1.2.0"), (None, None, NotNeeded, None));
    assert_eq!(res("2.1.1"), (Some(10_000.0), None, Amount, None));
    assert_eq!(res("2.1.2"), (None, None, Other, None)); // the template's "Grant "
    assert_eq!(
        res("2.1.3"),
        (Some(20_000.0), s("EUR"), Amount, s("European Union"))
    );
    assert_eq!(res("2.1.4"), (None, None, InKind, None));
    assert_eq!(res("2.2.1"), (None, None, Other, None)); // "staff/service contract"
    assert_eq!(res("2.2.2"), (None, None, InKind, s("UNICEF")));
    assert_eq!(res("2.2.3"), (Some(1_500_000.0), s("USD"), Amount, None));
    assert_eq!(res("2.2.5"), (Some(1_500_000.0), None, Amount, None));
    assert_eq!(res("2.2.6"), (Some(45_000.0), s("EUR"), Amount, None));
    assert_eq!(res("3.1.5"), (Some(30_000.0), None, Amount, None)); // a number cell
    assert_eq!(
        res("3.3.2"),
        (Some(7_500.0), s("EUR"), Amount, s("European Union"))
    );
    assert!(
        report.contains(
            "HLR-1.1.3 (HLR-OI-1.1, row 6): \"USD 45k World Bank TA\": 45,000 USD, partner World \
             Bank"
        ),
        "{report}"
    );
    // The column is read now, so not reported as unmapped; the written forms stay on the
    // action line.
    assert!(
        !g.report
            .not_mapped
            .iter()
            .any(|n| n.column.contains("Required Resources")),
        "{report}"
    );
    let described = after.action_lines["HLR-OI-1.1"]
        .description
        .as_ref()
        .unwrap()
        .get("en")
        .to_owned();
    assert_eq!(
        described,
        "GovStack country engagement framework stage: Scoping\n\
         Required resources, as written in the roadmap:\n\
         1.1.1: EUR 45.000\n1.1.2: €45,000\n1.1.6: in-kind"
    );

    // Amounts in the platform's currency (USD here; a cell naming none means it) are budget
    // lines of their action line and year, submitted for an editor to validate: a named
    // partner's as its grant, the others' source left to be stated.
    let budget = |key: &str| {
        let b = after
            .budgets
            .get(key)
            .unwrap_or_else(|| panic!("no budget line {key}:\n{report}"));
        (
            b.planned.cents(),
            b.status,
            b.note.clone().unwrap_or_default(),
        )
    };
    use agenda_core::ObservationStatus::Submitted;
    let (cents, status, note) = budget("HLR-OI-1.1:2022:donor_grant:WB");
    assert_eq!((cents, status), (4_500_000, Submitted));
    assert_eq!(
        note,
        "From the High Level Roadmap's required resources: 1.1.3 \"USD 45k World Bank TA\""
    );
    let (cents, _, note) = budget("HLR-OI-1.1:2022:other");
    assert_eq!(cents, 140_000_000, "200k and 1.2M USD");
    assert!(
        note.ends_with("1.1.4 \"200k\"; 1.1.5 \"1.2M USD\""),
        "{note}"
    );
    assert_eq!(budget("HLR-OI-2.1:2022:other").0, 1_000_000);
    assert_eq!(budget("HLR-OI-2.2:2022:other").0, 300_000_000);
    assert_eq!(budget("HLR-OI-3.1:2022:other").0, 3_000_000);
    assert!(
        !after.budgets.keys().any(|k| k.starts_with("HLR-OI-1.2:")),
        "45 000 XOF is not in USD: no budget line"
    );
    for line in [
        "HLR-1.1.3 (HLR-OI-1.1, row 6): \"USD 45k World Bank TA\": 45,000 USD, partner World \
         Bank → budget line HLR-OI-1.1:2022:donor_grant:WB",
        "→ kept as written: an amount in EUR, and budget lines are in USD",
        "→ kept as written: in kind",
    ] {
        assert!(report.contains(line), "{line}\n{report}");
    }
    // Every activity's resources are reported with what keeps them.
    assert!(
        g.report.resources.iter().all(|r| !r.kept.is_empty()),
        "{report}"
    );

    // A country budgeting in euros gets the euro amounts instead.
    let in_euros = govstack::read(&path, &base, "EUR").unwrap();
    let plan = in_euros.plan(&base).unwrap();
    let euros = apply_in_memory(&base, &plan);
    assert_eq!(
        euros.budgets["HLR-OI-1.1:2022:other"].planned.cents(),
        29_000_000,
        "EUR 45.000, €45,000 and 200k"
    );
    assert!(!euros.budgets.contains_key("HLR-OI-1.1:2022:donor_grant:WB"));
    assert_eq!(
        euros.budgets["HLR-OI-2.1:2022:donor_grant:EU"]
            .planned
            .cents(),
        2_000_000
    );

    // Notes in week cells are the lead's draft progress reports of their quarter.
    let notes: Vec<(String, &str, &str)> = g
        .report
        .progress_notes
        .iter()
        .map(|n| (n.on.to_string(), n.milestone.as_str(), n.text.as_str()))
        .collect();
    assert_eq!(
        notes,
        [
            ("2022-03-12".into(), "HLR-1.1.6", "kickoff held"),
            ("2022-03-14".into(), "HLR-1.2.1", "contract signed"),
            ("2022-04-12".into(), "HLR-2.2.1", "survey launched"),
            (
                "2022-04-11".into(),
                "HLR-3.3.1",
                "Workshop with the GovStack team"
            ),
        ],
        "{report}"
    );
    let pr = &after.progress_reports["HLR-OI-1.1:2022-Q1"];
    assert_eq!(pr.status, agenda_core::ReportStatus::Draft);
    assert_eq!(pr.submitted_by_org.as_str(), "NDA");
    assert_eq!(
        pr.narrative.as_ref().unwrap().get("en"),
        "Notes written in the High Level Roadmap's week cells:\n2022-03-12 — 1.1.6: kickoff held"
    );
    assert_eq!(
        after.progress_reports["HLR-OI-1.2:2022-Q1"]
            .submitted_by_org
            .as_str(),
        "MOF"
    );
    assert!(after.progress_reports.contains_key("HLR-OI-2.2:2022-Q2"));
    assert_eq!(
        after.progress_reports["HLR-OI-3.3:2022-Q2"]
            .submitted_by_org
            .as_str(),
        "GOVSTACK"
    );
    assert_eq!(
        after.progress_reports.len(),
        base.progress_reports.len() + 4
    );

    // Twice is the same as once.
    let again = read(&path, &after);
    assert!(
        again.report.new_organisations.is_empty(),
        "{}",
        again.report
    );
    let plan = again.plan(&after).unwrap();
    assert!(plan.changes.is_empty(), "{:?}", plan.changes);

    // A line an editor validated, with what was committed and spent since, keeps all of it
    // when the roadmap is imported again; a changed plan goes back for validation.
    let mut edited = after.clone();
    let key = "HLR-OI-1.1:2022:donor_grant:WB";
    let mut line = edited.budgets[key].clone();
    line.status = agenda_core::ObservationStatus::Validated;
    line.committed = agenda_core::Money::from_cents(1_000_000);
    edited.upsert(line.into());
    let plan = read(&path, &edited).plan(&edited).unwrap();
    assert!(plan.changes.is_empty(), "{:?}", plan.changes);
    let mut more = edited.clone();
    let mut line = more.budgets["HLR-OI-1.1:2022:other"].clone();
    line.planned = agenda_core::Money::from_cents(1);
    line.status = agenda_core::ObservationStatus::Validated;
    line.spent = agenda_core::Money::from_cents(500);
    more.upsert(line.into());
    let (_, reread) = import(&path, &more);
    let line = &reread.budgets["HLR-OI-1.1:2022:other"];
    assert_eq!(line.planned.cents(), 140_000_000);
    assert_eq!(line.status, agenda_core::ObservationStatus::Submitted);
    assert_eq!(line.spent.cents(), 500);
    assert_eq!(
        reread.budgets[key].status,
        agenda_core::ObservationStatus::Validated
    );
}

#[test]
fn notes_never_overwrite_a_progress_report_someone_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled_roadmap(dir.path());
    let base = with_authority();
    let (_, after) = import(&path, &base);
    // The lead completes its draft and submits it.
    let mut mine = after
        .progress_reports
        .get("HLR-OI-1.1:2022-Q1")
        .cloned()
        .unwrap();
    mine.narrative = Some(
        Text::new([(
            Lang::en(),
            "Kick-off held with every ministry; mapping under way.".to_owned(),
        )])
        .unwrap(),
    );
    mine.status = agenda_core::ReportStatus::Submitted;
    mine.submitted_on = Some(agenda_core::Date::parse("2022-04-05").unwrap());
    let mut edited = after.clone();
    edited.upsert(mine.clone().into());

    let g = read(&path, &edited);
    let plan = g.plan(&edited).unwrap();
    assert!(plan.changes.is_empty(), "{:?}", plan.changes);
    let note = g
        .report
        .progress_notes
        .iter()
        .find(|n| n.milestone == "HLR-1.1.6")
        .unwrap();
    assert!(note.kept.starts_with("not written"), "{}", note.kept);
}

#[test]
fn native_workbooks_are_not_taken_for_govstack_ones() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("native.xlsx");
    agenda_io::export_xlsx(&demo(), &path).unwrap();
    assert!(govstack::read(&path, &demo(), "USD").is_none());
}

#[test]
fn a_generated_rfi2_workbook_imports_whole_and_a_second_import_changes_nothing() {
    let base = demo();
    let bytes = agenda_io::generate::rfi2_workbook(&base, 400, 3).unwrap();
    let g = govstack::read_bytes(&bytes, &base, "USD").expect("a GovStack workbook");
    let after = applied(&g, &base);
    assert_eq!(after.services.len(), base.services.len() + 400);
    assert_eq!(after.systems.len(), base.systems.len() + 8);
    let report = g.report.to_string();
    assert!(
        report.contains("(spelling)"),
        "misspelt ministries are matched:\n{report}"
    );
    assert!(
        report.contains("kept as an alias"),
        "documents are merged:\n{report}"
    );
    assert!(g.report.not_mapped.is_empty(), "{report}");
    let again = govstack::read_bytes(&bytes, &after, "USD")
        .unwrap()
        .plan(&after)
        .unwrap();
    assert!(
        again.changes.is_empty(),
        "{:?}",
        &again.changes[..again.changes.len().min(3)]
    );
}

/// A country whose default language is not English fills the templates in its own language:
/// what the workbooks hold is read as that language, and imports under its rules.
#[test]
fn a_workbook_is_read_in_the_country_s_default_language() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled_roadmap(dir.path());
    let fr = Lang::parse("fr").unwrap();
    let base = Snapshot::empty(Arc::new(embedded::sdg().unwrap())).with_languages(Arc::new(
        agenda_core::languages::ContentLanguages::only(fr.clone()),
    ));
    let (_, after) = import(&path, &base);
    let only_french = |t: &Text| t.langs().cloned().collect::<Vec<_>>() == [fr.clone()];
    assert!(only_french(&after.action_lines["HLR-OI-1.1"].title));
    assert!(after.milestones.values().all(|m| only_french(&m.title)));
    assert!(after.organisations.values().all(|o| only_french(&o.name)));

    let bytes = agenda_io::generate::rfi2_workbook(&demo(), 40, 3).unwrap();
    let g = govstack::read_bytes(&bytes, &after, "USD").expect("a GovStack workbook");
    let done = applied(&g, &after);
    assert_eq!(done.services.len(), 40);
    assert!(done.services.values().all(|v| only_french(&v.title)));
}
