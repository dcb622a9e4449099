//! The spec's own consistency, and every column of every table through a read and a write.

use super::*;
use crate::native;
use crate::table::{RawRow, RawTable};

fn demo() -> Snapshot {
    crate::tests::demo()
}

#[test]
fn every_kind_has_one_table_and_every_reference_names_one() {
    for &kind in Kind::ALL {
        assert_eq!(
            tables().iter().filter(|t| t.kind == Some(kind)).count(),
            1,
            "{kind:?}"
        );
        assert!(!spec(kind).is_empty(), "{kind:?}");
    }
    let mut names: Vec<&str> = tables().iter().map(|t| t.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), tables().len());
    for t in tables() {
        for (i, c) in t.columns.iter().enumerate() {
            // A code column without `=> Kind` would read as a key.
            if matches!(c.value, Value::Key) {
                assert!(
                    i == 0 && c.name == "code",
                    "{}.{} refers to no kind",
                    t.name,
                    c.name
                );
            }
            assert!(
                !c.translatable || matches!(c.value, Value::Text),
                "{}.{}",
                t.name,
                c.name
            );
        }
    }
}

/// A valid cell for a column, of its type (lists of two values, texts in two languages).
fn sample(c: &Column) -> String {
    let one = |i: usize| match c.value {
        Value::Key | Value::Reference(_) | Value::Subject => format!("X-{i}"),
        Value::Date => format!("2026-01-3{i}"),
        Value::Period | Value::Year => format!("202{i}"),
        Value::Number => format!("{i}.5"),
        Value::WholeNumber => format!("{i}"),
        Value::Percent => format!("5{i}.5"),
        Value::Amount => format!("{i}250000.05"),
        Value::Level { min, .. } => format!("{}", min + i as u8 - 1),
        Value::Vocabulary { values, .. } => values()[i - 1].to_owned(),
        Value::Bool => "yes".to_owned(),
        Value::Text if c.multiline => format!("line {i}\nnext line"),
        Value::Text => format!("text {i}"),
        Value::Link => format!("https://example.org/{i}"),
        Value::Phone => format!("+999 20 100 10{i}"),
        Value::Email => format!("help{i}@agency.example"),
        Value::SdgCode => format!("16.{i}"),
        Value::FrameworkCode => format!("wb-gtmi-2022:I-{i}"),
        Value::Token => format!("block-{i}"),
        Value::Disaggregation => format!("sex=f{i}"),
    };
    if c.list {
        format!("{};{}", one(1), one(2))
    } else {
        one(1)
    }
}

/// Every column of every table, filled with a valid value, reads into its record and is
/// written back as it was: a column read into one field and written from another, or not
/// written, fails here whatever the demo country holds.
#[test]
fn every_column_filled_reads_and_writes_back_the_same() {
    let base = demo();
    for t in tables() {
        let mut headers = Vec::new();
        let mut cells = Vec::new();
        for c in t.columns.iter().filter(|c| c.written) {
            if c.translatable {
                for lang in ["en", "fr"] {
                    headers.push(format!("{}_{lang}", c.name));
                    cells.push(format!("{} ({lang})", sample(c)));
                }
            } else {
                headers.push(c.name.to_owned());
                cells.push(sample(c));
            }
        }
        let raw = RawTable {
            label: format!("{}.csv", t.name),
            name: t.name.to_owned(),
            headers: headers.clone(),
            rows: vec![RawRow {
                row: 2,
                cells: cells.clone(),
            }],
            decimal_comma: false,
        };
        let mut errors = Vec::new();
        let parsed = native::parse_table(&raw, &Default::default(), &mut errors);
        assert!(errors.is_empty(), "{}: {errors:?}", t.name);
        let mut s = Snapshot::empty(base.sdg.clone());
        for p in parsed {
            match p.item {
                Item::Entity(e) => {
                    s.upsert(e);
                }
                Item::Target(kpi, target) => {
                    let mut k = base.kpis.values().next().unwrap().clone();
                    k.code = kpi;
                    k.targets = vec![target];
                    s.upsert(k.into());
                }
            }
        }
        let out = (t.write)(&s);
        assert_eq!(out.headers, headers, "{}", t.name);
        let written: Vec<String> = out.rows[0].iter().map(Cell::as_text).collect();
        assert_eq!(written, cells, "{}", t.name);
    }
}

/// `docs/data-format.md` shows the columns the spec declares. When the spec changes,
/// `AGENDA_UPDATE_DOCS=1 cargo test -p agenda-io` rewrites its column tables.
#[test]
fn the_data_format_document_shows_the_spec() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/data-format.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let want = docs::rewrite(&doc).unwrap();
    if want == doc {
        return;
    }
    if std::env::var_os("AGENDA_UPDATE_DOCS").is_some_and(|v| v == "1") {
        std::fs::write(&path, want).unwrap();
        return;
    }
    let first = doc
        .lines()
        .zip(want.lines())
        .position(|(a, b)| a != b)
        .unwrap_or(0);
    panic!(
        "docs/data-format.md differs from the column spec from line {}; run \
         AGENDA_UPDATE_DOCS=1 cargo test -p agenda-io to rewrite its column tables",
        first + 1
    );
}
