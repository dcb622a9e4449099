//! Reference data compiled into the binary, so the platform needs no file at run time: the demo
//! country (`data/demo/`, fictional) and the UN SDG framework (`data/sdg/`). Their provenance is
//! in the README of each folder.

use std::collections::BTreeMap;

use agenda_core::sdg::{SdgFramework, SdgGoal, SdgIndicator, SdgTarget};
use agenda_core::{Lang, Text};

use crate::ImportError;
use crate::table::{RawTable, read_csv};

macro_rules! demo_files {
    ($($name:literal),+ $(,)?) => {
        &[$(($name, include_bytes!(concat!("../../../data/demo/", $name, ".csv")))),+]
    };
}

/// The demo country's CSV files: (table name, bytes).
pub const DEMO: &[(&str, &[u8])] = demo_files!(
    "organisations",
    "agenda",
    "pillars",
    "action_lines",
    "milestones",
    "legal_instruments",
    "kpis",
    "kpi_targets",
    "observations",
    "progress_reports",
    "life_events",
    "data_items",
    "registries",
    "building_blocks",
    "services",
    "standard_criteria",
    "assessments",
    "consultations",
    "contributions",
    "responses",
    "codesign_events",
);

/// The demo country as tables, ready for `plan_import`.
pub fn demo_tables() -> Result<Vec<RawTable>, ImportError> {
    DEMO.iter()
        .map(|(name, bytes)| read_csv(bytes, name, &format!("{name}.csv")))
        .collect()
}

/// The demo country's region boundaries (fictional), a GeoJSON file for
/// [`crate::regions::parse_geojson`].
pub const DEMO_REGIONS: &str = include_str!("../../../data/demo/regions.geojson");

/// The demo country's regions.
pub fn demo_regions() -> crate::regions::RegionMap {
    // Checked by a test: the embedded file always reads.
    crate::regions::parse_geojson(DEMO_REGIONS).unwrap_or_default()
}

const GOALS: &[u8] = include_bytes!("../../../data/sdg/goals.csv");
const TARGETS: &[u8] = include_bytes!("../../../data/sdg/targets.csv");
const INDICATORS: &[u8] = include_bytes!("../../../data/sdg/indicators.csv");
const COLOURS: &[u8] = include_bytes!("../../../data/sdg/goal-colours.csv");

/// Groups `lang,<key…>,title` rows into one text per key.
fn texts(
    bytes: &[u8],
    key_cols: usize,
    title_col: &str,
) -> Result<BTreeMap<Vec<String>, BTreeMap<Lang, String>>, String> {
    let mut rdr = csv::Reader::from_reader(bytes);
    let headers = rdr.headers().map_err(|e| e.to_string())?.clone();
    let title = headers
        .iter()
        .position(|h| h == title_col)
        .ok_or_else(|| format!("no {title_col} column"))?;
    let mut out: BTreeMap<Vec<String>, BTreeMap<Lang, String>> = BTreeMap::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| e.to_string())?;
        let lang = Lang::parse(&rec[0]).map_err(|e| format!("{}: {e}", &rec[0]))?;
        let key: Vec<String> = (1..=key_cols).map(|i| rec[i].to_owned()).collect();
        out.entry(key)
            .or_default()
            .insert(lang, rec[title].to_owned());
    }
    Ok(out)
}

/// The UN SDG framework with titles in every language shipped.
pub fn sdg() -> Result<SdgFramework, String> {
    let text = |m: BTreeMap<Lang, String>| Text::new(m).map_err(|e| e.to_string());
    let mut colours = BTreeMap::new();
    let mut rdr = csv::Reader::from_reader(COLOURS);
    for rec in rdr.records() {
        let rec = rec.map_err(|e| e.to_string())?;
        let goal: u8 = rec[0]
            .parse()
            .map_err(|_| format!("bad goal {}", &rec[0]))?;
        colours.insert(goal, rec[2].to_owned());
    }
    let mut f = SdgFramework::default();
    let shorts = texts(GOALS, 1, "short")?;
    for (key, titles) in texts(GOALS, 1, "title")? {
        let goal: u8 = key[0].parse().map_err(|_| format!("bad goal {}", key[0]))?;
        let short = shorts.get(&key).cloned().unwrap_or_default();
        f.goals.insert(
            goal,
            SdgGoal {
                goal,
                short: text(short)?,
                title: text(titles)?,
                colour: colours.get(&goal).cloned().unwrap_or_default(),
            },
        );
    }
    for (key, titles) in texts(TARGETS, 2, "title")? {
        let goal: u8 = key[0].parse().map_err(|_| format!("bad goal {}", key[0]))?;
        f.targets.insert(
            key[1].clone(),
            SdgTarget {
                code: key[1].clone(),
                goal,
                title: text(titles)?,
            },
        );
    }
    for (key, titles) in texts(INDICATORS, 3, "title")? {
        f.indicators.insert(
            key[2].clone(),
            SdgIndicator {
                code: key[2].clone(),
                target: key[1].clone(),
                title: text(titles)?,
            },
        );
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sdg_framework_has_17_goals_and_169_targets_in_several_languages() {
        let f = sdg().unwrap();
        assert_eq!(f.goals.len(), 17);
        assert_eq!(f.targets.len(), 169);
        assert!(f.indicators.len() > 230);
        assert_eq!(f.goals[&16].colour.to_uppercase(), "#00689D");
        assert_ne!(
            f.targets["16.9"].title.get("fr"),
            f.targets["16.9"].title.get("en")
        );
        assert_eq!(f.indicators["9.c.1"].target, "9.c");
    }
}
