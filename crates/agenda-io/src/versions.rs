//! What a published version of the agenda keeps: the rows of the native format's tables that
//! make the plan (see `agenda_core::versions`), so that two versions compare field by field
//! with the same columns people import and export.

use std::collections::BTreeMap;

use agenda_core::Snapshot;
use agenda_core::versions::{Row, TARGETS_FIELD, VERSIONED, VersionContent};

use crate::native::write_tables;

/// The content of a version published from `sn` (the public snapshot: drafts never reach a
/// version). Empty cells are left out; a KPI's interim targets become its `targets` field.
pub fn version_content(sn: &Snapshot) -> VersionContent {
    let tables = write_tables(sn);
    let mut out = VersionContent::default();
    for &(name, left_out) in VERSIONED {
        let Some(t) = tables.iter().find(|t| t.name == name) else {
            continue;
        };
        let Some(code_col) = t.headers.iter().position(|h| h == "code") else {
            continue;
        };
        let rows: BTreeMap<String, Row> = t
            .rows
            .iter()
            .map(|cells| {
                let row: Row = t
                    .headers
                    .iter()
                    .zip(cells)
                    .filter(|(h, _)| h.as_str() != "code" && !left_out.contains(&h.as_str()))
                    .map(|(h, c)| (h.clone(), c.as_text()))
                    .filter(|(_, v)| !v.is_empty())
                    .collect();
                (cells[code_col].as_text(), row)
            })
            .collect();
        out.tables.insert(name.to_owned(), rows);
    }
    // Interim targets, in year order, into their KPI's row.
    let mut targets: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    if let Some(t) = tables.iter().find(|t| t.name == "kpi_targets") {
        let col = |n: &str| t.headers.iter().position(|h| h == n);
        if let (Some(k), Some(y), Some(v)) = (col("kpi"), col("year"), col("target_value")) {
            for cells in &t.rows {
                targets
                    .entry(cells[k].as_text())
                    .or_default()
                    .push((cells[y].as_text(), cells[v].as_text()));
            }
        }
    }
    if let Some(kpis) = out.tables.get_mut("kpis") {
        for (kpi, mut list) in targets {
            list.sort();
            if let Some(row) = kpis.get_mut(&kpi) {
                let joined = list
                    .iter()
                    .map(|(y, v)| format!("{y}: {v}"))
                    .collect::<Vec<_>>()
                    .join("; ");
                row.insert(TARGETS_FIELD.to_owned(), joined);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_version_keeps_the_plan_without_progress() {
        let s = crate::tests::demo();
        let v = version_content(&s);
        let al = v.row("action_lines", "AL-1.1").expect("AL-1.1");
        assert_eq!(al["title_en"], "Digital channels to government services");
        assert_eq!(al["lead_org"], "DGA");
        assert!(!al.contains_key("status"), "progress stays out");
        assert!(!al.contains_key("code"));
        let k = v.row("kpis", "KPI-01").expect("KPI-01");
        assert!(
            k[TARGETS_FIELD].starts_with("2025: 29.3"),
            "{}",
            k[TARGETS_FIELD]
        );
        for (table, _) in VERSIONED {
            assert!(
                v.tables.get(*table).is_some_and(|t| !t.is_empty()),
                "{table} is empty"
            );
        }
        let m = v.tables["milestones"].values().next().unwrap();
        assert!(!m.contains_key("completed_on") && !m.contains_key("status"));
        // The same snapshot gives the same content, and it round-trips through JSON.
        assert_eq!(version_content(&s), v);
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(serde_json::from_str::<VersionContent>(&json).unwrap(), v);
    }
}
