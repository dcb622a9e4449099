//! Reference data compiled into the binary, so the platform needs no file at run time: the demo
//! country (`data/demo/`, fictional), the UN SDG framework (`data/sdg/`) and the other indicator
//! frameworks KPIs align to (`data/frameworks/`). Their provenance is in the README of each
//! folder.

use std::collections::BTreeMap;

use agenda_core::frameworks::{Framework, FrameworkGroup, FrameworkIndicator, Frameworks};
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
    "objectives",
    "kpi_targets",
    "observations",
    "progress_reports",
    "budgets",
    "life_events",
    "data_items",
    "registries",
    "building_blocks",
    "contact_points",
    "services",
    "service_figures",
    "systems",
    "standard_criteria",
    "assessments",
    "governance_bodies",
    "seats",
    "meetings",
    "decisions",
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

const FRAMEWORKS: &[u8] = include_bytes!("../../../data/frameworks/frameworks.csv");
const FRAMEWORK_GROUPS: &[u8] = include_bytes!("../../../data/frameworks/groups.csv");
/// The indicators of the frameworks, one file each.
const FRAMEWORK_INDICATORS: &[(&str, &[u8])] = &[
    (
        "digital-decade.csv",
        include_bytes!("../../../data/frameworks/digital-decade.csv"),
    ),
    (
        "gtmi.csv",
        include_bytes!("../../../data/frameworks/gtmi.csv"),
    ),
    (
        "un-egov.csv",
        include_bytes!("../../../data/frameworks/un-egov.csv"),
    ),
];

/// The rows of a CSV file as maps from header to cell.
fn rows(bytes: &[u8], file: &str) -> Result<Vec<BTreeMap<String, String>>, String> {
    let mut rdr = csv::Reader::from_reader(bytes);
    let headers = rdr.headers().map_err(|e| format!("{file}: {e}"))?.clone();
    rdr.records()
        .map(|rec| {
            let rec = rec.map_err(|e| format!("{file}: {e}"))?;
            Ok(headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_owned(), v.trim().to_owned()))
                .collect())
        })
        .collect()
}

/// A cell that must be there.
fn cell(row: &BTreeMap<String, String>, col: &str, file: &str) -> Result<String, String> {
    match row.get(col).filter(|v| !v.is_empty()) {
        Some(v) => Ok(v.clone()),
        None => Err(format!("{file}: a row has no {col}")),
    }
}

/// The indicator frameworks, in the order of `frameworks.csv`. Fails on a file that breaks the
/// rules of `data/frameworks/README.md`: an indicator of an unknown framework or group, a code
/// twice or one an alignment could not name, a target without its year.
pub fn frameworks() -> Result<Frameworks, String> {
    let mut all: Vec<Framework> = Vec::new();
    for r in rows(FRAMEWORKS, "frameworks.csv")? {
        let f = "frameworks.csv";
        all.push(Framework {
            id: cell(&r, "framework", f)?,
            name: cell(&r, "name_en", f)?,
            short: cell(&r, "short_en", f)?,
            publisher: cell(&r, "publisher", f)?,
            edition: cell(&r, "edition", f)?,
            url: cell(&r, "url", f)?,
            description: cell(&r, "description_en", f)?,
            groups: Vec::new(),
            indicators: Vec::new(),
        });
    }
    for r in rows(FRAMEWORK_GROUPS, "groups.csv")? {
        let f = "groups.csv";
        let id = cell(&r, "framework", f)?;
        let fw = all
            .iter_mut()
            .find(|x| x.id == id)
            .ok_or_else(|| format!("{f}: unknown framework {id}"))?;
        fw.groups.push(FrameworkGroup {
            code: cell(&r, "group", f)?,
            name: cell(&r, "name_en", f)?,
        });
    }
    for (file, bytes) in FRAMEWORK_INDICATORS {
        for r in rows(bytes, file)? {
            let id = cell(&r, "framework", file)?;
            let code = cell(&r, "code", file)?;
            let fw = all
                .iter_mut()
                .find(|x| x.id == id)
                .ok_or_else(|| format!("{file}: unknown framework {id}"))?;
            let key = format!("{id}{}{code}", agenda_core::frameworks::SEPARATOR);
            if crate::native::framework_code(&key).is_err() {
                return Err(format!("{file}: {key} cannot be written as an alignment"));
            }
            if fw.indicator(&code).is_some() {
                return Err(format!("{file}: {key} twice"));
            }
            let group = r.get("group").filter(|g| !g.is_empty()).cloned();
            if let Some(g) = &group
                && fw.group(g).is_none()
            {
                return Err(format!("{file}: {key} is in {g}, which groups.csv lacks"));
            }
            let number = |col: &str| -> Result<Option<f64>, String> {
                match r.get(col).map(String::as_str).unwrap_or("") {
                    "" => Ok(None),
                    v => agenda_core::parse_number(v)
                        .map(Some)
                        .map_err(|e| format!("{file}: {key} {col} {v:?}: {e}")),
                }
            };
            let target = number("target")?;
            let target_year = number("target_year")?.map(|y| y as i32);
            if target.is_some() != target_year.is_some() {
                return Err(format!(
                    "{file}: {key} needs a target and its year, or neither"
                ));
            }
            fw.indicators.push(FrameworkIndicator {
                framework: id.clone(),
                group,
                name: cell(&r, "name_en", file)?,
                unit: cell(&r, "unit", file)?,
                target,
                target_year,
                definition: cell(&r, "definition_en", file)?,
                source: cell(&r, "source", file)?,
                code,
            });
        }
    }
    if let Some(f) = all.iter().find(|f| f.indicators.is_empty()) {
        return Err(format!("framework {} has no indicator", f.id));
    }
    Ok(Frameworks::new(all))
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

    #[test]
    fn the_frameworks_load_with_every_indicator_of_their_files() {
        let f = frameworks().unwrap();
        let counts: Vec<(&str, usize, usize)> = f
            .iter()
            .map(|x| (x.id.as_str(), x.groups.len(), x.indicators.len()))
            .collect();
        assert_eq!(
            counts,
            [
                ("eu-digital-decade-2030", 4, 18),
                ("wb-gtmi-2022", 5, 53),
                ("un-egov-survey", 1, 6)
            ]
        );
        let gtmi = f.get("wb-gtmi-2022").unwrap();
        // The 48 key indicators of the 2022 edition, in their four components.
        for (component, n) in [("CGSI", 17), ("PSDI", 9), ("DCEI", 6), ("GTEI", 16)] {
            let in_it = gtmi
                .indicators
                .iter()
                .filter(|i| i.group.as_deref() == Some(component))
                .count();
            assert_eq!(in_it, n, "{component}");
        }
        let (_, bds) = f.resolve("eu-digital-decade-2030:dd_bds").unwrap();
        assert_eq!((bds.target, bds.target_year), (Some(80.0), Some(2030)));
        assert!(f.resolve("eu-digital-decade-2030:art4(1)(4)(c)").is_ok());
        assert_eq!(
            f.resolve("un-egov-survey:OSI").unwrap().1.group.as_deref(),
            Some("EGDI")
        );
        // Only the Digital Decade sets targets.
        assert!(f.get("eu-digital-decade-2030").unwrap().has_targets());
        assert!(!gtmi.has_targets());
    }
}
