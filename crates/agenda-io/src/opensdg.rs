//! Open SDG's CSV layout of one indicator, so that a national reporting platform built on Open
//! SDG can take a KPI's figures as they are.

use std::collections::BTreeSet;

use agenda_core::{Kpi, Snapshot};

/// The observations of `k` in `s` as Open SDG CSV: `Year`, one column per disaggregation
/// dimension (empty for the total), `Value`; `Year` holds the period. RFC 4180 quoting, `\n`
/// line ends. The caller chooses which observations `s` holds (the public view for the site).
pub fn kpi_csv(s: &Snapshot, k: &Kpi) -> Vec<u8> {
    let obs: Vec<_> = s.observations_of(k.code.as_str()).collect();
    let dims: BTreeSet<&str> = obs
        .iter()
        .filter_map(|o| o.disaggregation.as_ref().map(|d| d.dimension.as_str()))
        .collect();
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let header: Vec<&str> = std::iter::once("Year")
        .chain(dims.iter().copied())
        .chain(std::iter::once("Value"))
        .collect();
    // Writing to a Vec cannot fail.
    let _ = w.write_record(&header);
    for o in &obs {
        let mut row = vec![o.period.to_string()];
        for d in &dims {
            row.push(
                o.disaggregation
                    .as_ref()
                    .filter(|x| x.dimension == *d)
                    .map(|x| x.value.clone())
                    .unwrap_or_default(),
            );
        }
        row.push(format!("{}", o.value));
        let _ = w.write_record(&row);
    }
    w.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use agenda_core::Observation;

    fn observation(kpi: &str, period: &str, value: f64, dis: Option<(&str, &str)>) -> Observation {
        serde_json::from_value(serde_json::json!({
            "kpi": kpi, "period": period, "value": value, "status": "validated",
            "disaggregation": dis.map(|(d, v)| serde_json::json!({"dimension": d, "value": v})),
            "note": null
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
        let k = s.kpis.values().next().unwrap().clone();
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
        assert!(csv.ends_with('\n') && !csv.contains('\r'));
    }

    #[test]
    fn a_kpi_without_figures_is_a_header_alone() {
        let mut s = crate::tests::demo();
        let k = s.kpis.values().next().unwrap().clone();
        without_figures(&mut s, k.code.as_str());
        assert_eq!(kpi_csv(&s, &k), b"Year,Value\n");
    }
}
