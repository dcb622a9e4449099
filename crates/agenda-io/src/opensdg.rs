//! Open SDG's CSV layout of one indicator, so that a national reporting platform built on Open
//! SDG can take a KPI's figures as they are.
//!
//! Open SDG's build (`sdg-build`) reads a data file whose first column is `Year`, a whole
//! year, and whose last is `Value`, a number; every other column is a disaggregation, except
//! the columns it knows, such as `Observation status`. Sub-annual figures therefore keep their
//! year in `Year` and their quarter or month in a column of its own (`Quarter`: `Q1`…`Q4`,
//! `Month`: `01`…`12`), which an Open SDG site shows as one series per quarter or month.

use std::collections::BTreeSet;

use agenda_core::model::ObservationFlag;
use agenda_core::{Frequency, Kpi, Period, Snapshot};

/// The column of a KPI's CSV that holds the quarter or month of a sub-annual figure.
pub fn sub_annual_column(f: Frequency) -> Option<&'static str> {
    match f {
        Frequency::Yearly => None,
        Frequency::Quarterly => Some("Quarter"),
        Frequency::Monthly => Some("Month"),
    }
}

/// A data-quality flag as Open SDG's `Observation status` column writes it: the names of
/// SDMX's observation status codes (B, E, P).
pub fn observation_status(f: ObservationFlag) -> &'static str {
    match f {
        ObservationFlag::Estimated => "Estimated value",
        ObservationFlag::Provisional => "Provisional value",
        ObservationFlag::Break => "Time series break",
    }
}

/// The quarter (`Q3`) or month (`09`) of a sub-annual period; empty for a year.
fn sub_annual(p: Period) -> String {
    match p {
        Period::Year(_) => String::new(),
        Period::Quarter(_, q) => format!("Q{q}"),
        Period::Month(_, m) => format!("{m:02}"),
    }
}

/// The observations of `k` in `s` as Open SDG CSV: `Year` (a whole year), the quarter or
/// month for a sub-annual KPI (see [`sub_annual_column`]), one column per disaggregation
/// dimension (empty for the total), `Observation status` when a figure is flagged, `Value`.
/// RFC 4180 quoting, `\n` line ends. The caller chooses which observations `s` holds (the
/// public view for the site).
pub fn kpi_csv(s: &Snapshot, k: &Kpi) -> Vec<u8> {
    let obs: Vec<_> = s.observations_of(k.code.as_str()).collect();
    // Every dimension of every breakdown; a combined one fills several columns of its row.
    let dims: BTreeSet<&str> = obs
        .iter()
        .filter_map(|o| o.disaggregation.as_ref())
        .flat_map(|d| d.dimensions())
        .collect();
    let sub = sub_annual_column(k.frequency);
    let flagged = obs.iter().any(|o| o.flag.is_some());
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let header: Vec<&str> = std::iter::once("Year")
        .chain(sub)
        .chain(dims.iter().copied())
        .chain(flagged.then_some("Observation status"))
        .chain(std::iter::once("Value"))
        .collect();
    // Writing to a Vec cannot fail.
    let _ = w.write_record(&header);
    for o in &obs {
        let mut row = vec![o.period.year().to_string()];
        if sub.is_some() {
            row.push(sub_annual(o.period));
        }
        for d in &dims {
            row.push(
                o.disaggregation
                    .as_ref()
                    .and_then(|x| x.value_of(d))
                    .unwrap_or_default()
                    .to_owned(),
            );
        }
        if flagged {
            row.push(o.flag.map(observation_status).unwrap_or("").to_owned());
        }
        row.push(format!("{}", o.value));
        let _ = w.write_record(&row);
    }
    w.into_inner().unwrap_or_default()
}

/// A YAML double-quoted scalar (a JSON string is one).
fn yaml_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

/// The metadata of `k` as an Open SDG metadata file (`meta/<id>.md`): YAML front matter with
/// the fields Open SDG's build requires (`reporting_status`; for a complete indicator
/// `data_non_statistical`, `graph_title` and `graph_type`), the name, unit, source organisation
/// and the final target as a target line, then the method as the page text. Texts are in
/// `lang`, falling back as the KPI's texts do. `s` is the snapshot whose figures count (the
/// public view for the site): a KPI without a total figure there is `notstarted`.
pub fn kpi_meta(s: &Snapshot, k: &Kpi, lang: &str) -> String {
    let has_total = s
        .observations_of(k.code.as_str())
        .any(|o| o.disaggregation.is_none());
    let title = k.title.get(lang);
    let mut out = String::from("---\n");
    let mut field = |key: &str, value: String| {
        out.push_str(key);
        out.push_str(": ");
        out.push_str(&value);
        out.push('\n');
    };
    field("indicator_number", yaml_str(k.code.as_str()));
    field("indicator_name", yaml_str(title));
    field(
        "reporting_status",
        (if has_total { "complete" } else { "notstarted" }).to_owned(),
    );
    field("data_non_statistical", "false".to_owned());
    field("graph_title", yaml_str(title));
    field("graph_type", "line".to_owned());
    field("computation_units", yaml_str(k.unit.as_str()));
    if let Some(org) = s.organisations.get(k.owner_org.as_str()) {
        field("source_active_1", "true".to_owned());
        field("source_organisation_1", yaml_str(org.name.get(lang)));
    }
    if let Some(i) = &k.sdg_indicator {
        field("sdg_indicator", yaml_str(i));
    }
    out.push_str("graph_target_lines:\n");
    out.push_str(&format!(
        "  - value: {}\n    label: {}\n",
        k.target_value,
        yaml_str(&format!("Target {}", k.target_date.year()))
    ));
    out.push_str("---\n");
    if let Some(m) = &k.method {
        out.push_str(m.get(lang));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use agenda_core::Observation;

    fn observation(kpi: &str, period: &str, value: f64, dis: Option<(&str, &str)>) -> Observation {
        flagged(kpi, period, value, dis, None)
    }

    fn flagged(
        kpi: &str,
        period: &str,
        value: f64,
        dis: Option<(&str, &str)>,
        flag: Option<&str>,
    ) -> Observation {
        serde_json::from_value(serde_json::json!({
            "kpi": kpi, "period": period, "value": value, "status": "validated",
            "disaggregation": dis.map(|(d, v)| serde_json::json!({"dimension": d, "value": v})),
            "note": null, "flag": flag
        }))
        .unwrap()
    }

    fn without_figures(s: &mut Snapshot, kpi: &str) {
        let keys: Vec<String> = s
            .observations
            .iter()
            .filter(|(_, o)| o.kpi.as_str() == kpi)
            .map(|(key, _)| key.clone())
            .collect();
        for key in keys {
            s.remove(agenda_core::Kind::Observation, &key);
        }
    }

    #[test]
    fn a_kpi_reads_as_open_sdg_csv_with_a_column_per_dimension() {
        let mut s = crate::tests::demo();
        let mut k = s.kpis.values().next().unwrap().clone();
        k.frequency = Frequency::Yearly;
        let code = k.code.to_string();
        without_figures(&mut s, &code);
        s.upsert(observation(&code, "2024", 40.0, None).into());
        s.upsert(observation(&code, "2024", 37.5, Some(("sex", "female"))).into());
        s.upsert(observation(&code, "2025", 12.0, Some(("region", "North, \"upper\""))).into());

        let csv = String::from_utf8(kpi_csv(&s, &k)).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        // Dimensions in name order, between the period and the value.
        assert_eq!(lines[0], "Year,region,sex,Value");
        // The total leaves every dimension empty; a disaggregated row fills its own.
        assert!(lines.contains(&"2024,,,40"), "{csv}");
        assert!(lines.contains(&"2024,,female,37.5"), "{csv}");
        // A category with a comma and quotes is quoted, its quotes doubled.
        assert!(
            lines.contains(&"2025,\"North, \"\"upper\"\"\",,12"),
            "{csv}"
        );
        assert_eq!(lines.len(), 4, "{csv}");
        // A combined breakdown fills each of its dimensions on one row.
        let mut both = observation(&code, "2025", 9.5, None);
        both.disaggregation =
            Some(agenda_core::model::Disaggregation::parse("sex=female;region=north").unwrap());
        s.upsert(both.into());
        let csv = String::from_utf8(kpi_csv(&s, &k)).unwrap();
        assert!(csv.lines().any(|l| l == "2025,north,female,9.5"), "{csv}");
        assert!(csv.ends_with('\n') && !csv.contains('\r'));
    }

    #[test]
    fn a_kpi_without_figures_is_a_header_alone() {
        let mut s = crate::tests::demo();
        let mut k = s.kpis.values().next().unwrap().clone();
        k.frequency = Frequency::Yearly;
        without_figures(&mut s, k.code.as_str());
        assert_eq!(kpi_csv(&s, &k), b"Year,Value\n");
    }

    #[test]
    fn sub_annual_figures_keep_a_whole_year_and_flags_go_to_observation_status() {
        let mut s = crate::tests::demo();
        let mut k = s.kpis.values().next().unwrap().clone();
        k.frequency = Frequency::Quarterly;
        let code = k.code.to_string();
        without_figures(&mut s, &code);
        s.upsert(observation(&code, "2024-Q1", 40.0, None).into());
        s.upsert(flagged(&code, "2024-Q2", 41.5, None, Some("provisional")).into());
        s.upsert(flagged(&code, "2025-Q4", 30.0, Some(("sex", "male")), Some("break")).into());
        let csv = String::from_utf8(kpi_csv(&s, &k)).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "Year,Quarter,sex,Observation status,Value");
        assert!(lines.contains(&"2024,Q1,,,40"), "{csv}");
        assert!(lines.contains(&"2024,Q2,,Provisional value,41.5"), "{csv}");
        assert!(
            lines.contains(&"2025,Q4,male,Time series break,30"),
            "{csv}"
        );
        // Open SDG's rules for a data file: `Year` first and a whole year, `Value` last.
        for line in &lines[1..] {
            let year = line.split(',').next().unwrap();
            assert!(year.len() == 4 && year.parse::<i32>().is_ok(), "{line}");
        }
        k.frequency = Frequency::Monthly;
        without_figures(&mut s, &code);
        s.upsert(observation(&code, "2026-09", 7.0, None).into());
        assert_eq!(kpi_csv(&s, &k), b"Year,Month,Value\n2026,09,7\n");
    }

    #[test]
    fn metadata_has_what_open_sdg_requires_and_quotes_every_text() {
        let mut s = crate::tests::demo();
        let mut k = s.kpis.values().next().unwrap().clone();
        k.title = agenda_core::Text::en("Services: \"fully\" online").unwrap();
        let meta = kpi_meta(&s, &k, "en");
        let front = meta
            .strip_prefix("---\n")
            .unwrap()
            .split("---\n")
            .next()
            .unwrap();
        assert!(front.contains("reporting_status: complete\n"), "{meta}");
        assert!(front.contains("data_non_statistical: false\n"));
        assert!(front.contains("graph_type: line\n"));
        assert!(
            front.contains("indicator_name: \"Services: \\\"fully\\\" online\"\n"),
            "{meta}"
        );
        assert!(front.contains("graph_target_lines:\n  - value: "), "{meta}");
        let code = k.code.to_string();
        without_figures(&mut s, &code);
        assert!(kpi_meta(&s, &k, "en").contains("reporting_status: notstarted\n"));
    }
}
