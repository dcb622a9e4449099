//! Published versions of the agenda (1.0, 1.1 …) and what changed between two of them.
//!
//! A version keeps what the agenda *says* when it is published — its pillars, action lines,
//! milestones, KPIs with their targets and the planned legal instruments — as rows of the
//! native format, and leaves out what only measures progress (statuses, completion and
//! adoption dates): publishing a version is a decision about the plan, not a progress report.
//! Comparing two versions is then a comparison of rows, field by field.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// The tables a version keeps, in the order differences are shown, each with the columns
/// left out because they record progress rather than the plan.
pub const VERSIONED: &[(&str, &[&str])] = &[
    ("agenda", &["status"]),
    ("pillars", &[]),
    ("action_lines", &["status"]),
    ("milestones", &["status", "completed_on"]),
    ("kpis", &[]),
    ("legal_instruments", &["status", "adopted_on"]),
];

/// The field of a KPI row holding its interim targets, `YEAR: VALUE` joined by `; `.
pub const TARGETS_FIELD: &str = "targets";

/// One record of a version: its non-empty fields by column name.
pub type Row = BTreeMap<String, String>;

/// What a version holds: per table, the rows by code.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VersionContent {
    /// Table name → code → row.
    pub tables: BTreeMap<String, BTreeMap<String, Row>>,
}

impl VersionContent {
    /// The row of `code` in `table`.
    pub fn row(&self, table: &str, code: &str) -> Option<&Row> {
        self.tables.get(table)?.get(code)
    }
}

/// A version number: major and minor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VersionNumber {
    /// Incremented for a new agenda (a re-launch).
    pub major: u32,
    /// Incremented for every other publication.
    pub minor: u32,
}

impl VersionNumber {
    /// The first version of an agenda.
    pub const FIRST: VersionNumber = VersionNumber { major: 1, minor: 0 };

    /// Parses `MAJOR.MINOR` (digits only, no leading `+`, no spaces).
    pub fn parse(s: &str) -> Option<VersionNumber> {
        let (a, b) = s.split_once('.')?;
        let digits =
            |x: &str| !x.is_empty() && x.len() <= 9 && x.bytes().all(|c| c.is_ascii_digit());
        if !digits(a) || !digits(b) {
            return None;
        }
        Some(VersionNumber {
            major: a.parse().ok()?,
            minor: b.parse().ok()?,
        })
    }

    /// The number after `latest` (the first one when there is none): `1.0` → `1.1`, or `2.0`
    /// when `major`.
    pub fn next(latest: Option<VersionNumber>, major: bool) -> VersionNumber {
        match latest {
            None => VersionNumber::FIRST,
            Some(v) if major => VersionNumber {
                major: v.major + 1,
                minor: 0,
            },
            Some(v) => VersionNumber {
                major: v.major,
                minor: v.minor + 1,
            },
        }
    }
}

impl fmt::Display for VersionNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// One field that differs between two versions of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// The column name.
    pub field: String,
    /// The value in the older version (`None`: empty).
    pub before: Option<String>,
    /// The value in the newer version (`None`: empty).
    pub after: Option<String>,
}

/// A record present in both versions whose fields differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemChange {
    /// The record's code.
    pub code: String,
    /// The differing fields, by column name.
    pub fields: Vec<FieldChange>,
}

/// The differences in one table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableDiff {
    /// The table name (see [`VERSIONED`]).
    pub table: &'static str,
    /// Codes only in the newer version.
    pub added: Vec<String>,
    /// Codes only in the older version.
    pub removed: Vec<String>,
    /// Records in both whose fields differ.
    pub changed: Vec<ItemChange>,
}

impl TableDiff {
    /// Whether nothing differs.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// What changed from `from` to `to`: one entry per table of [`VERSIONED`] that differs, in
/// that order; codes and fields in ascending order. Empty when nothing differs.
pub fn diff(from: &VersionContent, to: &VersionContent) -> Vec<TableDiff> {
    let empty = BTreeMap::new();
    VERSIONED
        .iter()
        .map(|&(table, _)| {
            let a = from.tables.get(table).unwrap_or(&empty);
            let b = to.tables.get(table).unwrap_or(&empty);
            let added = b.keys().filter(|k| !a.contains_key(*k)).cloned().collect();
            let removed = a.keys().filter(|k| !b.contains_key(*k)).cloned().collect();
            let changed = a
                .iter()
                .filter_map(|(code, ra)| {
                    let rb = b.get(code)?;
                    let fields: Vec<FieldChange> = ra
                        .keys()
                        .chain(rb.keys().filter(|k| !ra.contains_key(*k)))
                        .collect::<std::collections::BTreeSet<_>>()
                        .into_iter()
                        .filter(|f| ra.get(*f) != rb.get(*f))
                        .map(|f| FieldChange {
                            field: f.clone(),
                            before: ra.get(f).cloned(),
                            after: rb.get(f).cloned(),
                        })
                        .collect();
                    (!fields.is_empty()).then(|| ItemChange {
                        code: code.clone(),
                        fields,
                    })
                })
                .collect();
            TableDiff {
                table,
                added,
                removed,
                changed,
            }
        })
        .filter(|d| !d.is_empty())
        .collect()
}

/// The title of a row in `lang`, else in English, else its code.
pub fn row_title<'a>(row: Option<&'a Row>, lang: &str, code: &'a str) -> &'a str {
    row.and_then(|r| {
        r.get(&format!("title_{lang}"))
            .or_else(|| r.get("title_en"))
            .map(String::as_str)
    })
    .unwrap_or(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(fields: &[(&str, &str)]) -> Row {
        fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn content(tables: &[(&str, &[(&str, Row)])]) -> VersionContent {
        VersionContent {
            tables: tables
                .iter()
                .map(|(t, rows)| {
                    (
                        (*t).to_owned(),
                        rows.iter()
                            .map(|(c, r)| ((*c).to_owned(), r.clone()))
                            .collect(),
                    )
                })
                .collect(),
        }
    }

    #[test]
    fn numbers_parse_print_and_follow_each_other() {
        assert_eq!(
            VersionNumber::parse("1.10"),
            Some(VersionNumber {
                major: 1,
                minor: 10
            })
        );
        for bad in [
            "", "1", "1.", ".1", "1.2.3", "a.b", "+1.0", " 1.0", "1.0 ", "-1.0",
        ] {
            assert_eq!(VersionNumber::parse(bad), None, "{bad:?}");
        }
        assert_eq!(VersionNumber::next(None, false).to_string(), "1.0");
        assert_eq!(VersionNumber::next(None, true).to_string(), "1.0");
        let v = VersionNumber::parse("1.9").unwrap();
        assert_eq!(VersionNumber::next(Some(v), false).to_string(), "1.10");
        assert_eq!(VersionNumber::next(Some(v), true).to_string(), "2.0");
        // Ordered as numbers, not as text.
        assert!(VersionNumber::parse("1.10") > VersionNumber::parse("1.9"));
    }

    #[test]
    fn the_difference_lists_added_removed_and_changed_records_field_by_field() {
        let a1 = row(&[("title_en", "Channels"), ("end", "2027-06-30")]);
        let a2 = row(&[("title_en", "Stack"), ("lead_org", "DGA")]);
        let k1 = row(&[("title_en", "Online"), ("targets", "2025: 29.3")]);
        let from = content(&[
            (
                "action_lines",
                &[("AL-1", a1.clone()), ("AL-2", a2.clone())],
            ),
            ("kpis", &[("KPI-1", k1.clone())]),
        ]);
        let a1b = row(&[
            ("title_en", "Channels"),
            ("end", "2027-12-31"),
            ("priority", "1"),
        ]);
        let k1b = row(&[("title_en", "Online"), ("targets", "2025: 29.3; 2026: 40")]);
        let to = content(&[
            (
                "action_lines",
                &[("AL-1", a1b), ("AL-3", row(&[("title_en", "Law")]))],
            ),
            ("kpis", &[("KPI-1", k1b)]),
            ("pillars", &[]),
        ]);
        let d = diff(&from, &to);
        assert_eq!(d.len(), 2, "pillars did not change: {d:?}");
        assert_eq!(d[0].table, "action_lines");
        assert_eq!(d[0].added, ["AL-3"]);
        assert_eq!(d[0].removed, ["AL-2"]);
        assert_eq!(
            d[0].changed,
            [ItemChange {
                code: "AL-1".into(),
                fields: vec![
                    FieldChange {
                        field: "end".into(),
                        before: Some("2027-06-30".into()),
                        after: Some("2027-12-31".into()),
                    },
                    FieldChange {
                        field: "priority".into(),
                        before: None,
                        after: Some("1".into()),
                    },
                ],
            }]
        );
        assert_eq!(d[1].table, "kpis");
        assert_eq!(d[1].changed[0].fields[0].field, "targets");
        assert_eq!(
            d[1].changed[0].fields[0].after.as_deref(),
            Some("2025: 29.3; 2026: 40")
        );
        // A version compared with itself, or backwards, is consistent.
        assert!(diff(&to, &to).is_empty());
        let back = diff(&to, &from);
        assert_eq!(back[0].added, ["AL-2"]);
        assert_eq!(back[0].removed, ["AL-3"]);
    }

    #[test]
    fn titles_fall_back_to_english_then_the_code() {
        let r = row(&[("title_en", "Channels"), ("title_fr", "Canaux")]);
        assert_eq!(row_title(Some(&r), "fr", "AL-1"), "Canaux");
        assert_eq!(row_title(Some(&r), "es", "AL-1"), "Channels");
        assert_eq!(row_title(None, "es", "AL-1"), "AL-1");
    }
}
