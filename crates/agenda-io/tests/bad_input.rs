//! Bad input at scale: every parser that takes a file from outside — the native CSV tables,
//! raw CSV bytes, and the GovStack RFI-2 and High Level Roadmap workbooks as people fill them
//! in — is fed generated input and must answer with a plan or with located problems, never
//! panic. The number of cases is bounded (`PROPTEST_CASES` overrides it), so CI stays short.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use agenda_core::Snapshot;
use agenda_io::native::{TABLES, required_columns};
use agenda_io::table::read_csv;
use agenda_io::{apply_in_memory, embedded, govstack, plan_import};
use calamine::{Data, Reader};
use proptest::prelude::*;
use rust_xlsxwriter::Workbook;

fn demo() -> &'static Snapshot {
    static DEMO: OnceLock<Snapshot> = OnceLock::new();
    DEMO.get_or_init(|| {
        let base = Snapshot::empty(Arc::new(embedded::sdg().unwrap()));
        let plan = plan_import(&base, &embedded::demo_tables().unwrap()).unwrap();
        apply_in_memory(&base, &plan)
    })
}

fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        // Failures are shrunk and printed; nothing is written next to the sources.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A cell as people and programs write them: empty, plausible values of every type the
/// format knows (codes, dates, periods, numbers with either decimal mark, languages,
/// vocabularies, lists), and arbitrary text.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[A-Z]{1,4}-[0-9]{1,3}(\\.[0-9])?",
        "(19|20|21)[0-9]{2}-[0-1][0-9]-[0-3][0-9]",
        "20[0-9]{2}(-Q[0-5]|-[0-1][0-9])?",
        "-?[0-9]{1,12}([.,][0-9]{1,6})?",
        prop_oneof![
            Just("NaN"),
            Just("inf"),
            Just("-0"),
            Just("1e308"),
            Just("1e-320"),
            Just("99999999999999999999999"),
            Just("%"),
            Just("true"),
            Just("n/a"),
        ]
        .prop_map(str::to_owned),
        prop_oneof![
            Just("increase"),
            Just("decrease"),
            Just("yearly"),
            Just("quarterly"),
            Just("draft"),
            Just("submitted"),
            Just("validated"),
            Just("citizen"),
            Just("business"),
            Just("ministry"),
            Just("in_progress"),
            Just("planned"),
            Just("sex=female"),
            Just("KPI-01"),
            Just("AL-1.1"),
            Just("SVC-001"),
            Just("MOH"),
        ]
        .prop_map(str::to_owned),
        "[A-Z0-9-]{1,8}(;[A-Z0-9-]{1,8}){0,3}",
        "\\PC{0,40}",
    ]
}

/// A CSV field, quoted.
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

proptest! {
    #![proptest_config(cases(96))]

    /// Each table of the native format, with its required columns (and some optional or
    /// unknown ones) and generated rows, planned over the demo country.
    #[test]
    fn native_tables_are_planned_or_refused_with_located_problems(
        table in 0..TABLES.len(),
        extra in proptest::collection::vec("[a-z_]{1,12}", 0..3),
        rows in proptest::collection::vec(proptest::collection::vec(cell(), 1..16), 0..8),
        semicolon in any::<bool>(),
    ) {
        let name = TABLES[table];
        let mut headers: Vec<String> =
            required_columns(name).iter().map(|s| (*s).to_owned()).collect();
        headers.extend(extra);
        let sep = if semicolon { ";" } else { "," };
        let mut text = headers.join(sep);
        text.push('\n');
        for row in &rows {
            let cells: Vec<String> = (0..headers.len())
                .map(|i| quoted(row.get(i % row.len()).map(String::as_str).unwrap_or("")))
                .collect();
            text.push_str(&cells.join(sep));
            text.push('\n');
        }
        let label = format!("{name}.csv");
        if let Ok(raw) = read_csv(text.as_bytes(), name, &label) {
            match plan_import(demo(), &[raw]) {
                Ok(plan) => {
                    prop_assert!(plan.rows <= rows.len());
                    // What was accepted applies.
                    let _ = apply_in_memory(demo(), &plan);
                }
                Err(problems) => {
                    prop_assert!(!problems.is_empty());
                    for p in &problems {
                        prop_assert!(!p.file.is_empty() && !p.expected.is_empty(), "{p:?}");
                    }
                }
            }
        }
    }

    /// Arbitrary bytes as a CSV file of any table.
    #[test]
    fn any_bytes_as_a_csv_file_are_read_or_refused(
        bytes in proptest::collection::vec(any::<u8>(), 0..2048),
        table in 0..TABLES.len(),
    ) {
        let name = TABLES[table];
        if let Ok(raw) = read_csv(&bytes, name, "x.csv") {
            let _ = plan_import(demo(), &[raw]);
        }
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/govstack")
        .join(name)
}

/// Every cell of a published workbook, by sheet.
type Cells = Vec<(String, Vec<(u32, u16, Data)>)>;

fn cells_of(path: &Path) -> Cells {
    let mut wb = calamine::open_workbook_auto(path).unwrap();
    let mut sheets = Vec::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        let mut cells = Vec::new();
        if let Some((top, left)) = range.start() {
            for (r, row) in range.rows().enumerate() {
                for (c, d) in row.iter().enumerate() {
                    cells.push((top + r as u32, left as u16 + c as u16, d.clone()));
                }
            }
        }
        sheets.push((name, cells));
    }
    sheets
}

/// A value typed into a workbook's cell.
#[derive(Debug, Clone)]
enum Typed {
    Text(String),
    Number(f64),
    Blank,
}

fn typed() -> impl Strategy<Value = Typed> {
    prop_oneof![
        cell().prop_map(Typed::Text),
        prop_oneof![
            any::<f64>(),
            -1e6..1e6f64,
            // Excel's date serial numbers, in and out of range.
            -1000.0..120000.0f64
        ]
        .prop_map(Typed::Number),
        Just(Typed::Blank),
    ]
}

/// The published workbook with `edits` (row, column, value) on its GovStack sheets, saved in a
/// temporary folder; the rows and columns are those people fill in.
fn filled(cells: &Cells, edits: &[(u32, u16, Typed)], dir: &Path) -> PathBuf {
    let mut out = Workbook::new();
    for (name, sheet) in cells {
        let ws = out.add_worksheet();
        ws.set_name(name).unwrap();
        for (r, c, d) in sheet {
            match d {
                Data::String(s) => ws.write_string(*r, *c, s).map(|_| ()),
                Data::Float(f) => ws.write_number(*r, *c, *f).map(|_| ()),
                Data::Int(i) => ws.write_number(*r, *c, *i as f64).map(|_| ()),
                Data::DateTime(dt) => ws.write_number(*r, *c, dt.as_f64()).map(|_| ()),
                _ => Ok(()),
            }
            .unwrap();
        }
        if govstack::Layout::of_sheet(name).is_none() {
            continue;
        }
        for (r, c, v) in edits {
            match v {
                Typed::Text(s) => ws.write_string(*r, *c, s).map(|_| ()),
                Typed::Number(n) if n.is_finite() => ws.write_number(*r, *c, *n).map(|_| ()),
                Typed::Number(_) => Ok(()),
                Typed::Blank => ws
                    .write_blank(*r, *c, &rust_xlsxwriter::Format::new())
                    .map(|_| ()),
            }
            .unwrap();
        }
    }
    let path = dir.join("filled.xlsx");
    out.save(&path).unwrap();
    path
}

fn workbook_case(template: &str, edits: &[(u32, u16, Typed)]) -> Result<(), TestCaseError> {
    static RFI2: OnceLock<Cells> = OnceLock::new();
    static ROADMAP: OnceLock<Cells> = OnceLock::new();
    let cells = match template {
        "rfi2" => RFI2.get_or_init(|| cells_of(&fixture("rfi2-service-catalogue-template.xlsx"))),
        _ => ROADMAP.get_or_init(|| cells_of(&fixture("high-level-roadmap-template.xlsx"))),
    };
    let dir = tempfile::tempdir().unwrap();
    let path = filled(cells, edits, dir.path());
    let read = govstack::read(&path, demo(), "USD");
    prop_assert!(read.is_some(), "the filled template is still recognised");
    if let Some(import) = read {
        match import.plan(demo()) {
            Ok(plan) => {
                let _ = apply_in_memory(demo(), &plan);
            }
            Err(problems) => {
                for p in &problems {
                    prop_assert!(!p.expected.is_empty(), "{p:?}");
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(cases(24))]

    /// The RFI-2 service catalogue with generated answers in the rows ministries fill in.
    #[test]
    fn rfi2_workbooks_as_filled_in_are_planned_or_refused(
        edits in proptest::collection::vec((6u32..40, 0u16..30, typed()), 1..40),
    ) {
        workbook_case("rfi2", &edits)?;
    }

    /// The High Level Roadmap with generated activities, dates, week marks and owners.
    #[test]
    fn roadmap_workbooks_as_filled_in_are_planned_or_refused(
        edits in proptest::collection::vec((4u32..40, 0u16..60, typed()), 1..40),
    ) {
        workbook_case("roadmap", &edits)?;
    }
}
