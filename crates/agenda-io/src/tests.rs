//! Import and export of the native format on the demo country.

use std::sync::Arc;

use super::*;
use crate::embedded::{demo_tables, frameworks, sdg};
use crate::table::read_csv;
use agenda_core::{Budget, Lang, Money, Record};

fn empty() -> Snapshot {
    Snapshot::empty(Arc::new(sdg().unwrap())).with_frameworks(Arc::new(frameworks().unwrap()))
}

pub(crate) fn demo() -> Snapshot {
    let base = empty();
    let plan = plan_import(&base, &demo_tables().unwrap()).unwrap_or_else(|e| {
        panic!(
            "{}",
            e.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    apply_in_memory(&base, &plan)
}

fn tables_of(dir: &Path) -> Vec<RawTable> {
    read_path(dir).unwrap()
}

#[test]
fn the_demo_country_imports_without_a_problem() {
    let s = demo();
    assert_eq!(s.services.len(), 91);
    assert_eq!(s.action_lines.len(), 22);
    assert_eq!(s.kpis.len(), 29);
    assert_eq!(s.organisations.len(), 38);
    assert_eq!(s.budgets.len(), 102);
    assert_eq!(s.observations.len(), 344);
    assert_eq!(s.milestones.len(), 59);
    assert_eq!(s.progress_reports.len(), 56);
    let targets: usize = s.kpis.values().map(|k| k.targets.len()).sum();
    assert_eq!(targets, 115);
    // Each service row with target_maturity and target_date plans one release.
    assert_eq!(s.releases.len(), 52);
    // The co-design record of the agenda itself, and the consultation open today.
    assert_eq!(s.consultations.len(), 2);
    assert_eq!(s.contributions.len(), 6);
    // The governance bodies, their seats, meetings and decisions, and the objectives.
    assert_eq!(s.governance_bodies.len(), 2);
    assert_eq!(s.seats.len(), 18);
    assert_eq!(s.meetings.len(), 6);
    assert_eq!(s.decisions.len(), 7);
    assert_eq!(s.objectives.len(), 24);
    assert_eq!(s.responses.len(), 4);
    assert_eq!(s.codesign_events.len(), 2);
    assert!(agenda_core::integrity::integrity(&s).is_empty());
}

#[test]
fn csv_export_is_stable_across_a_round_trip() {
    let s = demo();
    let a = tempfile::tempdir().unwrap();
    let first = export_csv(&s, a.path()).unwrap();
    let again = apply_in_memory(
        &empty(),
        &plan_import(&empty(), &tables_of(a.path())).unwrap(),
    );
    let second = native::write_tables(&again);
    assert_eq!(first, second);
    // Nothing is lost on the way: every entity reads back equal, every field included.
    for &kind in Kind::ALL {
        assert!(
            s.entities(kind).eq(again.entities(kind)),
            "{kind:?} changed through the CSV export"
        );
    }
    for t in &first {
        assert_eq!(
            std::fs::read(a.path().join(format!("{}.csv", t.name))).unwrap(),
            t.to_csv()
        );
    }
}

#[test]
fn a_workbook_written_to_a_buffer_reads_back_as_the_same_data() {
    let s = demo();
    let mut bytes = Vec::new();
    export_xlsx_to(&s, &mut bytes).unwrap();
    assert!(
        bytes.starts_with(b"PK"),
        "an XLSX workbook is a zip archive"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agenda.xlsx");
    std::fs::write(&path, &bytes).unwrap();
    let back = apply_in_memory(&empty(), &plan_import(&empty(), &tables_of(&path)).unwrap());
    let csv = |s: &Snapshot| -> Vec<Vec<u8>> {
        native::write_tables(s)
            .iter()
            .map(OutTable::to_csv)
            .collect()
    };
    assert_eq!(csv(&s), csv(&back));
}

#[test]
fn the_csv_zip_holds_every_table_as_its_native_csv() {
    use std::io::Read as _;
    let s = demo();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(export_csv_zip(&s).unwrap())).unwrap();
    let tables = native::write_tables(&s);
    assert_eq!(zip.len(), tables.len());
    for t in &tables {
        let mut f = zip.by_name(&format!("{}.csv", t.name)).unwrap();
        let mut body = Vec::new();
        f.read_to_end(&mut body).unwrap();
        assert_eq!(body, t.to_csv(), "{}", t.name);
    }
}

#[test]
fn a_workbook_reads_back_as_the_same_data() {
    let s = demo();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agenda.xlsx");
    export_xlsx(&s, &path).unwrap();
    let back = apply_in_memory(&empty(), &plan_import(&empty(), &tables_of(&path)).unwrap());
    let a: Vec<Vec<u8>> = native::write_tables(&s)
        .iter()
        .map(OutTable::to_csv)
        .collect();
    let b: Vec<Vec<u8>> = native::write_tables(&back)
        .iter()
        .map(OutTable::to_csv)
        .collect();
    assert_eq!(a, b);
}

/// Budget lines whose amounts a floating-point number would not keep: cents that do not
/// add up in binary, and amounts beyond the 15 significant digits a spreadsheet's number holds.
fn awkward_budgets() -> Snapshot {
    let mut s = demo();
    for (year, planned, committed, spent) in [
        (2024, "0.1", "0.2", "0.3"),
        (2025, "1234567890123.45", "9007199254740993", "0.07"),
        (
            2026,
            "99999999999999999.99",
            "123456789012345678.91",
            "100000000000000000",
        ),
        (2027, "19.99", "", "4503599627370497.5"),
    ] {
        let b: Budget = serde_json::from_value(serde_json::json!({
            "action_line": "AL-4.4", "year": year, "source": "other", "partner": null,
            "planned": planned, "committed": if committed.is_empty() { "0" } else { committed },
            "spent": spent, "status": "submitted", "note": "amounts that floats would round"
        }))
        .unwrap();
        s.upsert(b.into());
    }
    s
}

fn amounts(s: &Snapshot) -> Vec<(String, Money, Money, Money)> {
    s.budgets
        .values()
        .map(|b| (b.key(), b.planned, b.committed, b.spent))
        .collect()
}

#[test]
fn budget_amounts_round_trip_exactly_through_csv() {
    let s = awkward_budgets();
    let dir = tempfile::tempdir().unwrap();
    export_csv(&s, dir.path()).unwrap();
    let text = std::fs::read_to_string(dir.path().join("budgets.csv")).unwrap();
    assert!(
        text.contains("AL-4.4,2026,other,,99999999999999999.99,123456789012345678.91,100000000000000000,submitted,"),
        "{text}"
    );
    let back = apply_in_memory(
        &empty(),
        &plan_import(&empty(), &tables_of(dir.path())).unwrap(),
    );
    assert_eq!(amounts(&back), amounts(&s));
    assert!(s.budgets.values().eq(back.budgets.values()));
    // Read from a French Excel file too: decimal commas and grouped thousands.
    let csv = "action_line;year;source;partner;planned;committed;spent;status\n\
               AL-4.4;2028;treasury;;1 234 567,89;0,1;;draft\n";
    let t = read_csv(csv.as_bytes(), "budgets", "budgets.csv").unwrap();
    let after = apply_in_memory(&s, &plan_import(&s, &[t]).unwrap());
    let b = &after.budgets["AL-4.4:2028:treasury"];
    assert_eq!(b.planned, Money::parse("1234567.89").unwrap());
    assert_eq!(b.committed, Money::parse("0.10").unwrap());
    assert_eq!(b.spent, Money::ZERO);
}

#[test]
fn budget_amounts_round_trip_exactly_through_a_workbook() {
    let s = awkward_budgets();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agenda.xlsx");
    export_xlsx(&s, &path).unwrap();
    // What a spreadsheet keeps as a number reads as one; what it would round is text.
    let sheets = tables_of(&path);
    let budgets = sheets.iter().find(|t| t.name == "budgets").unwrap();
    let planned = budgets.column("planned").unwrap();
    let cells: Vec<&str> = budgets
        .rows
        .iter()
        .map(|r| r.cells[planned].as_str())
        .collect();
    assert!(cells.contains(&"99999999999999999.99"), "{cells:?}");
    assert!(cells.contains(&"0.1"), "{cells:?}");
    let back = apply_in_memory(&empty(), &plan_import(&empty(), &sheets).unwrap());
    assert_eq!(amounts(&back), amounts(&s));
    assert!(s.budgets.values().eq(back.budgets.values()));
}

#[test]
fn a_budget_line_is_refused_at_its_cell() {
    let s = demo();
    let csv = "action_line,year,source,partner,planned,committed,spent,status\n\
               AL-1.1,2026,loan,,100,,,draft\n\
               AL-1.1,2026,donor_grant,MOF,100,,,draft\n\
               AL-1.1,2026,treasury,,1.234,,,draft\n\
               AL-1.1,2026,other,,\"1,000\",,,draft\n\
               AL-1.1,2026,public_private_partnership,,-5,,,draft\n\
               AL-1.1,1850,treasury,,5,,,draft\n\
               AL-1.1,2150,treasury,,5,,,draft\n";
    let t = read_csv(csv.as_bytes(), "budgets", "budgets.csv").unwrap();
    let errors = plan_import(&s, &[t]).unwrap_err();
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    let amount =
        "an amount with at most two decimals and no thousands separators, such as 1250000.50";
    assert_eq!(
        lines,
        [
            "budgets.csv, row 2, column partner: \"\" — expected the international partner that funds it (the source is loan)".to_owned(),
            "budgets.csv, row 3, column partner: \"MOF\" — expected an international organisation (kind international): a development partner, bank or fund".to_owned(),
            format!("budgets.csv, row 4, column planned: \"1.234\" — expected {amount}"),
            format!("budgets.csv, row 5, column planned: \"1,000\" — expected {amount}"),
            "budgets.csv, row 6, column planned: \"-5\" — expected an amount of 0 or more".to_owned(),
            "budgets.csv, row 7, column year: \"1850\" — expected a year such as 2026".to_owned(),
            "budgets.csv, row 8, column year: \"2150\" — expected a year from 2000 to 2100".to_owned(),
        ]
    );
}

#[test]
fn reimporting_the_same_data_changes_nothing() {
    let s = demo();
    let plan = plan_import(&s, &demo_tables().unwrap()).unwrap();
    assert!(plan.changes.is_empty());
}

#[test]
fn french_excel_csv_with_decimal_commas_imports() {
    let s = demo();
    let csv = "\u{feff}kpi;period;value;status;disaggregation;note\r\nKPI-01;2026-Q4;41,5;draft;;\"estimate;\r\nto confirm\"\r\n";
    let t = read_csv(csv.as_bytes(), "observations", "observations.csv").unwrap();
    let plan = plan_import(&s, &[t]).unwrap();
    assert_eq!(plan.changes.len(), 1);
    let after = apply_in_memory(&s, &plan);
    let o = &after.observations["KPI-01:2026-Q4"];
    assert_eq!(o.value, 41.5);
    assert_eq!(o.note.as_deref(), Some("estimate;\nto confirm"));
}

#[test]
fn every_planted_problem_is_reported_with_its_position() {
    let s = demo();
    let services = "code,title_en,audience,owner_code,maturity,channels,digital_share_pct,last_reviewed\n\
SVC-900,Fine service,citizen,DGA,2,web,50,2026-01-01\n\
SVC-901,Bad maturity,citizen,DGA,5,web,50,2026-01-01\n\
SVC-902,Unknown owner,citizen,NOPE,2,web,50,2026-01-01\n\
SVC-900,Duplicate code,citizen,DGA,2,web,50,2026-01-01\n\
SVC-903,Bad date,citizen,DGA,2,web,50,2026-13-01\n\
SVC-904,Percent out of range,citizen,DGA,2,web,150,2026-01-01\n\
SVC-905,Bad channel,citizen,DGA,2,pigeon,50,2026-01-01\n";
    let observations =
        "kpi,period,value,status\nKPI-01,2026-Q9,1,validated\nKPI-01,2026-Q4,1,approved\n";
    let milestones = "code,action_line,due,status\nAL-1.1-M9,AL-1.1,2027-01-01,planned\n";
    let tables = vec![
        read_csv(services.as_bytes(), "services", "services.csv").unwrap(),
        read_csv(observations.as_bytes(), "observations", "observations.csv").unwrap(),
        read_csv(milestones.as_bytes(), "milestones", "milestones.csv").unwrap(),
    ];
    let errors = plan_import(&s, &tables).unwrap_err();
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    let expect = [
        "milestones.csv, column title_en: expected this required column in the header row (a text in English (en, the default language, is required))",
        "observations.csv, row 2, column period: \"2026-Q9\" — expected a period as YYYY, YYYY-Qn or YYYY-MM",
        "observations.csv, row 3, column status: \"approved\" — expected one of draft, submitted, validated",
        "services.csv, row 3, column maturity: \"5\" — expected a GovStack maturity level from 1 to 4",
        "services.csv, row 4, column owner_code: \"NOPE\" — expected the code of an existing organisation",
        "services.csv, row 5, column code: \"SVC-900\" — expected a key not used before (already on services.csv row 2)",
        "services.csv, row 6, column last_reviewed: \"2026-13-01\" — expected a real calendar date as YYYY-MM-DD",
        "services.csv, row 7, column digital_share_pct: \"150\" — expected a percentage from 0 to 100",
        "services.csv, row 8, column channels: \"pigeon\" — expected one of web, mobile_app, chatbot, voice, ussd, phone, in_person, post, email",
    ];
    assert_eq!(lines, expect);
}

#[test]
fn a_kpi_aligned_to_an_unknown_framework_indicator_is_refused_at_its_cell() {
    let with_kpi_01_aligned_to = |cell: &str| {
        let mut tables = demo_tables().unwrap();
        let kpis = tables.iter_mut().find(|t| t.name == "kpis").unwrap();
        let col = match kpis
            .headers
            .iter()
            .position(|h| h == "framework_indicators")
        {
            Some(col) => col,
            None => {
                kpis.headers.push("framework_indicators".to_owned());
                for r in &mut kpis.rows {
                    r.cells.push(String::new());
                }
                kpis.headers.len() - 1
            }
        };
        kpis.rows[0].cells[col] = cell.to_owned();
        let errors = plan_import(&empty(), &tables).unwrap_err();
        errors.iter().map(ToString::to_string).collect::<Vec<_>>()
    };
    assert_eq!(
        with_kpi_01_aligned_to("un-egov-survey:OSI;wb-gtmi-2022:I-99;gtmi:I-5"),
        [
            "kpis.csv, row 2, column framework_indicators: \"wb-gtmi-2022:I-99\" — expected an indicator code of wb-gtmi-2022 (GTMI) after the colon, such as GTMI",
            "kpis.csv, row 2, column framework_indicators: \"gtmi:I-5\" — expected a framework id before the colon: one of eu-digital-decade-2030, wb-gtmi-2022, un-egov-survey",
        ]
    );
    // A cell that is no alignment code at all is refused as it is read.
    assert!(
        with_kpi_01_aligned_to("wb-gtmi-2022 I-5").contains(
            &"kpis.csv, row 2, column framework_indicators: \"wb-gtmi-2022 I-5\" — expected a framework indicator as framework:code, such as wb-gtmi-2022:I-5".to_owned()
        )
    );
}

#[test]
fn generated_national_data_is_consistent_and_imports() {
    let s = crate::generate::national(&demo(), 500, 2_000, 7);
    assert_eq!(s.services.len(), 591);
    assert_eq!(s.observations.len(), 344 + 2_000);
    assert!(agenda_core::integrity::integrity(&s).is_empty());
    let dir = tempfile::tempdir().unwrap();
    export_csv(&s, dir.path()).unwrap();
    let plan = plan_import(&empty(), &tables_of(dir.path())).unwrap();
    assert_eq!(
        apply_in_memory(&empty(), &plan).services.len(),
        s.services.len()
    );
}

/// A French-default country's languages.
fn french() -> Arc<agenda_core::languages::ContentLanguages> {
    Arc::new(agenda_core::languages::ContentLanguages::only(
        Lang::parse("fr").unwrap(),
    ))
}

#[test]
fn a_text_needs_the_default_language_not_english() {
    let orgs = "code,name_fr,kind\nANN,Agence nationale du numérique,authority\n";
    let services = "code,title_fr,summary_fr,audience,owner_code,maturity\n\
                    SVC-1,Déclarer une naissance,À l'état civil,citizen,ANN,2\n\
                    SVC-2,,Sans titre,citizen,ANN,2\n";
    let tables = || {
        vec![
            read_csv(orgs.as_bytes(), "organisations", "organisations.csv").unwrap(),
            read_csv(services.as_bytes(), "services", "services.csv").unwrap(),
        ]
    };
    // English is the default unless configured: the French-only file is refused, naming it.
    let lines: Vec<String> = plan_import(&empty(), &tables())
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        lines,
        [
            "organisations.csv, column name_en: expected this required column in the header row (a text in English (en, the default language, is required))",
            "services.csv, column title_en: expected this required column in the header row (a text in English (en, the default language, is required))",
        ]
    );
    // Under a French default it is read; a row without its French title is refused, naming French.
    let base = empty().with_languages(french());
    let errors = plan_import(&base, &tables()).unwrap_err();
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "services.csv, row 3, column title_fr: \"\" — expected a text in French (fr, the default language, is required)"
        ]
    );
    assert_eq!(
        errors[0].kind.as_deref().copied(),
        Some(agenda_core::ExpectedKind::DefaultLanguage("fr"))
    );
    let only_first =
        "code,title_fr,audience,owner_code,maturity\nSVC-1,Déclarer une naissance,citizen,ANN,2\n";
    let tables = vec![
        read_csv(orgs.as_bytes(), "organisations", "organisations.csv").unwrap(),
        read_csv(only_first.as_bytes(), "services", "services.csv").unwrap(),
    ];
    let s = apply_in_memory(&base, &plan_import(&base, &tables).unwrap());
    let title = &s.services["SVC-1"].title;
    assert_eq!(title.langs().map(Lang::as_str).collect::<Vec<_>>(), ["fr"]);
    // Its export writes the default language first and no empty English column.
    let out = crate::native::write_tables(&s);
    let t = out.iter().find(|t| t.name == "services").unwrap();
    assert!(t.headers.contains(&"title_fr".to_owned()));
    assert!(
        !t.headers.iter().any(|h| h.ends_with("_en")),
        "{:?}",
        t.headers
    );
    // A text written before the default changed is what `agenda check` reports.
    let english_default = s.clone().with_languages(Arc::new(Default::default()));
    let problems = crate::native::missing_default_language(&english_default);
    assert!(
        problems
            .iter()
            .any(|p| p.key == "SVC-1" && p.column == "title"),
        "{problems:?}"
    );
    assert!(crate::native::missing_default_language(&s).is_empty());
}
