//! The spec against the demo country and against the hand-written reader and writer it
//! replaces.

use super::*;
use crate::ImportError;
use crate::embedded::demo_tables;
use crate::native::{self, Parsed};
use crate::table::{RawRow, RawTable};

fn demo() -> Snapshot {
    crate::tests::demo()
}

/// Parses a table with the spec, the way `native::parse_table` does with its match.
fn parse_with_spec(t: &RawTable, errors: &mut Vec<ImportError>) -> Vec<Parsed> {
    let Some(spec) = table(&t.name) else {
        return native::parse_table(t, errors);
    };
    let mut missing = false;
    for col in spec.columns.iter().filter(|c| c.required) {
        let present =
            t.column(col.header()).is_some() || (col.translatable && t.column(col.name).is_some());
        if !present {
            missing = true;
            errors.push(ImportError {
                file: t.label.clone(),
                row: None,
                column: Some(col.header().to_owned()),
                value: None,
                expected: "this required column in the header row".to_owned(),
            });
        }
    }
    if missing {
        return Vec::new();
    }
    let mut out = Vec::new();
    for raw in &t.rows {
        let mut r = Row::new(t, raw, errors);
        let items = (spec.read)(&mut r);
        if let (Some(items), false) = (items, r.failed) {
            out.extend(items.into_iter().map(|item| Parsed { row: raw.row, item }));
        }
    }
    out
}

fn both(t: &RawTable) -> (String, String) {
    let (mut e1, mut e2) = (Vec::new(), Vec::new());
    let old = native::parse_table(t, &mut e1);
    let new = parse_with_spec(t, &mut e2);
    (format!("{old:?}\n{e1:?}"), format!("{new:?}\n{e2:?}"))
}

#[test]
fn the_spec_reads_every_demo_row_as_the_match_did() {
    for t in demo_tables().unwrap() {
        let (old, new) = both(&t);
        assert_eq!(old, new, "{}", t.name);
    }
}

/// Every cell of the first rows of every demo table replaced, one at a time, by values that
/// are wrong for some column or other: the spec reports the same problems and keeps the same
/// rows as the match.
#[test]
fn the_spec_refuses_every_bad_cell_as_the_match_did() {
    let bad = [
        "",
        "x",
        "5",
        "0",
        "-3",
        "2026-13-01",
        "2026-Q9",
        "yes",
        "maybe",
        "150",
        "12,5",
        "1e9",
        "A;;B",
        "sex",
        "9.z.9.9.9.9.9",
        "Level 3: x",
        "%",
        "abc def",
    ];
    for t in demo_tables().unwrap() {
        for i in 0..t.headers.len() {
            for v in bad {
                let mut u = t.clone();
                u.rows.truncate(3);
                if u.rows.is_empty() {
                    u.rows.push(RawRow {
                        row: 2,
                        cells: vec![String::new(); u.headers.len()],
                    });
                }
                u.rows[0].cells[i] = v.to_owned();
                let (old, new) = both(&u);
                assert_eq!(old, new, "{} column {} = {v:?}", t.name, t.headers[i]);
            }
        }
        // Each column left out of the header row.
        for i in 0..t.headers.len() {
            let mut u = t.clone();
            u.headers[i] = "gone".to_owned();
            let (old, new) = both(&u);
            assert_eq!(old, new, "{} without {}", t.name, t.headers[i]);
        }
    }
}

#[test]
fn the_spec_writes_the_demo_country_as_the_writer_did() {
    let s = demo();
    let old = native::write_tables(&s);
    for t in tables() {
        let new = (t.write)(&s);
        let old = old.iter().find(|o| o.name == t.name).unwrap();
        assert_eq!(old, &new, "{}", t.name);
    }
}

#[test]
fn the_spec_requires_the_columns_the_list_did() {
    for t in tables() {
        let spec: Vec<&str> = t
            .columns
            .iter()
            .filter(|c| c.required)
            .map(Column::header)
            .collect();
        assert_eq!(spec, native::required_columns(t.name), "{}", t.name);
    }
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
        Value::Level { min, .. } => format!("{}", min + i as u8 - 1),
        Value::Vocabulary(values) => values()[i - 1].to_owned(),
        Value::Bool => "yes".to_owned(),
        Value::Text if c.multiline => format!("line {i}\nnext line"),
        Value::Text => format!("text {i}"),
        Value::SdgCode => format!("16.{i}"),
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
        let parsed = parse_with_spec(&raw, &mut errors);
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
