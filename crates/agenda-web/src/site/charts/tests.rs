//! The charts are well-formed SVG whose texts are escaped, and the release timeline stays bounded.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use agenda_core::catalogue::roadmap::conflicts;
use agenda_core::{Code, Date, Maturity, Release, ReleaseStatus, Snapshot};

use super::timeline::{TIMELINE_MAX_BUCKETS, TIMELINE_MAX_ROWS, month_index, month_label};
use super::*;

/// An element of an SVG document: its name and attributes (entities left as written).
#[derive(Debug)]
struct Element {
    name: String,
    attrs: BTreeMap<String, String>,
}

impl Element {
    fn attr(&self, k: &str) -> &str {
        self.attrs.get(k).map(String::as_str).unwrap_or("")
    }
}

/// Checks that `s` is one well-formed XML element (the subset the charts write: elements,
/// double-quoted attributes, text, the five predefined entities and numeric references)
/// and returns its elements in document order.
fn well_formed(s: &str) -> Result<Vec<Element>, String> {
    fn check_text(t: &str) -> Result<(), String> {
        let mut rest = t;
        while let Some(i) = rest.find('&') {
            let end = rest[i..]
                .find(';')
                .ok_or(format!("unterminated & in {t:?}"))?;
            let entity = &rest[i + 1..i + end];
            let known = ["amp", "lt", "gt", "quot", "apos"].contains(&entity)
                || entity.strip_prefix('#').is_some_and(|n| {
                    n.parse::<u32>().is_ok()
                        || n.strip_prefix('x')
                            .is_some_and(|h| u32::from_str_radix(h, 16).is_ok())
                });
            if !known {
                return Err(format!("unknown entity &{entity};"));
            }
            rest = &rest[i + end + 1..];
        }
        if t.contains('<') {
            return Err(format!("raw < in {t:?}"));
        }
        Ok(())
    }
    let name_ok = |n: &str| {
        !n.is_empty()
            && n.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_:.".contains(c))
    };
    let mut out = Vec::new();
    let mut open: Vec<String> = Vec::new();
    let mut rest = s;
    let mut roots = 0;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            check_text(rest)?;
            if !rest.trim().is_empty() && open.is_empty() {
                return Err("text outside the root".into());
            }
            break;
        };
        let text = &rest[..lt];
        check_text(text)?;
        if !text.trim().is_empty() && open.is_empty() {
            return Err("text outside the root".into());
        }
        let gt = rest[lt..].find('>').ok_or("unterminated tag")? + lt;
        let tag = &rest[lt + 1..gt];
        rest = &rest[gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            match open.pop() {
                Some(o) if o == name => continue,
                o => return Err(format!("</{name}> closes {o:?}")),
            }
        }
        let (body, empty) = match tag.strip_suffix('/') {
            Some(b) => (b, true),
            None => (tag, false),
        };
        let (name, mut attrs_src) = body.split_once(' ').unwrap_or((body, ""));
        if !name_ok(name) {
            return Err(format!("bad element name {name:?}"));
        }
        if open.is_empty() {
            roots += 1;
        }
        let mut attrs = BTreeMap::new();
        loop {
            attrs_src = attrs_src.trim_start();
            if attrs_src.is_empty() {
                break;
            }
            let eq = attrs_src
                .find("=\"")
                .ok_or(format!("bad attribute in <{tag}>"))?;
            let k = &attrs_src[..eq];
            let close = attrs_src[eq + 2..].find('"').ok_or("unterminated value")? + eq + 2;
            let v = &attrs_src[eq + 2..close];
            if !name_ok(k) {
                return Err(format!("bad attribute name {k:?}"));
            }
            check_text(v)?;
            if attrs.insert(k.to_owned(), v.to_owned()).is_some() {
                return Err(format!("attribute {k} twice in <{name}>"));
            }
            attrs_src = &attrs_src[close + 1..];
        }
        out.push(Element {
            name: name.to_owned(),
            attrs,
        });
        if !empty {
            open.push(name.to_owned());
        }
    }
    if !open.is_empty() {
        return Err(format!("unclosed {open:?}"));
    }
    if roots != 1 {
        return Err(format!("{roots} root elements"));
    }
    Ok(out)
}

fn demo() -> Snapshot {
    let base = Snapshot::empty(Arc::new(agenda_io::embedded::sdg().unwrap()));
    let plan = agenda_io::plan_import(&base, &agenda_io::embedded::demo_tables().unwrap()).unwrap();
    agenda_io::apply_in_memory(&base, &plan)
}

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn release(code: &str, service: &str, org: &str, date: Date, level: &str) -> Release {
    Release {
        code: Code::parse(code).unwrap(),
        service: Code::parse(service).unwrap(),
        target_maturity: Maturity::parse(level).unwrap(),
        target_date: date,
        responsible_org: Code::parse(org).unwrap(),
        status: ReleaseStatus::Planned,
    }
}

fn marks(elements: &[Element]) -> Vec<&Element> {
    elements
        .iter()
        .filter(|e| e.name == "g" && e.attr("class").split(' ').any(|c| c == "mark"))
        .collect()
}

#[test]
fn the_demo_timeline_has_a_mark_per_bucket_and_the_conflicts_of_the_analysis() {
    let s = demo();
    let all: Vec<&Release> = s.releases.values().collect();
    let found = conflicts(&s);
    let svg = release_timeline(&all, &found, d("2026-05-15"), "en").to_string();
    let elements = well_formed(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    let root = &elements[0];
    assert_eq!(root.name, "svg");
    assert_eq!(root.attr("role"), "img");
    assert_eq!(root.attr("aria-labelledby"), "timeline-title timeline-desc");
    let title = elements.iter().position(|e| e.name == "title").unwrap();
    assert_eq!(elements[title].attr("id"), "timeline-title");
    assert_eq!(elements[title + 1].attr("id"), "timeline-desc");
    assert!(svg.contains(">Planned releases over time</title>"), "{svg}");
    assert_eq!(root.attr("data-months"), "1", "the demo fits in months");

    let planned: Vec<&Release> = all
        .iter()
        .copied()
        .filter(|r| r.status == ReleaseStatus::Planned)
        .collect();
    let in_conflict: BTreeSet<&str> = found.iter().map(|c| c.release.as_str()).collect();
    assert!(planned.len() > 20 && !in_conflict.is_empty());
    // Expected buckets: (organisation, month) → (releases, releases in conflict).
    let mut expected: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
    for r in &planned {
        let e = expected
            .entry((
                r.responsible_org.to_string(),
                month_label(month_index(r.target_date)),
            ))
            .or_default();
        e.0 += 1;
        e.1 += usize::from(in_conflict.contains(r.code.as_str()));
    }
    let marks = marks(&elements);
    let drawn: BTreeMap<(String, String), (usize, usize)> = marks
        .iter()
        .map(|m| {
            (
                (
                    m.attr("data-row").to_owned(),
                    m.attr("data-from").to_owned(),
                ),
                (
                    m.attr("data-count").parse().unwrap(),
                    m.attr("data-conflicts").parse().unwrap(),
                ),
            )
        })
        .collect();
    assert_eq!(drawn.len(), marks.len(), "one mark per bucket");
    assert_eq!(drawn, expected);
    let total: usize = drawn.values().map(|v| v.0).sum();
    assert_eq!(total, planned.len());
    // The marks flagged as conflicts are exactly those holding a release in conflict.
    let flagged = marks
        .iter()
        .filter(|m| m.attr("class") == "mark conflict")
        .count();
    assert_eq!(flagged, expected.values().filter(|v| v.1 > 0).count());
    let rings = svg.matches("stroke=\"#b00020\"").count();
    assert_eq!(
        rings,
        flagged + 1,
        "one ring per flagged mark and the legend's"
    );
    // Today's line, year ticks, and no rows left out.
    assert_eq!(svg.matches("class=\"today\"").count(), 1);
    assert!(svg.contains(">2026</text>") && svg.contains(">2027</text>"));
    assert!(!svg.contains("class=\"more\""));
}

#[test]
fn the_timeline_speaks_the_page_language() {
    let s = demo();
    let all: Vec<&Release> = s.releases.values().collect();
    let found = conflicts(&s);
    for (lang, title, level) in [
        (
            "fr",
            "Évolutions prévues dans le temps",
            "Niveau 4 : Entièrement en ligne",
        ),
        ("es", "Lanzamientos previstos en el tiempo", "Nivel 1: "),
    ] {
        let svg = release_timeline(&all, &found, d("2026-05-15"), lang).to_string();
        well_formed(&svg).unwrap();
        assert!(svg.contains(title), "{lang}");
        assert!(svg.contains(level), "{lang}: {svg}");
        assert!(!svg.contains(">timeline-"), "{lang}: a key untranslated");
        assert!(!svg.contains("Planned before"), "{lang}: English left");
    }
}

#[test]
fn a_national_catalogue_is_aggregated_and_capped() {
    // 6,000 planned releases of 3,000 services by 200 organisations over 12 years.
    let owned: Vec<Release> = (0..6000)
        .map(|i| {
            release(
                &format!("R-{i}"),
                &format!("SVC-{}", i % 3000),
                &format!("ORG-{}", (i * 7) % 200),
                d("2026-01-01").add_days((i * 37 % 4380) as i64),
                &(1 + i % 4).to_string(),
            )
        })
        .collect();
    let all: Vec<&Release> = owned.iter().collect();
    let svg = release_timeline(&all, &[], d("2026-05-15"), "en").to_string();
    let elements = well_formed(&svg).unwrap();
    let marks = marks(&elements);
    let rows: BTreeSet<&str> = marks.iter().map(|m| m.attr("data-row")).collect();
    assert_eq!(rows.len(), TIMELINE_MAX_ROWS);
    let months: i64 = elements[0].attr("data-months").parse().unwrap();
    assert!(months > 1, "twelve years are not drawn month by month");
    assert!(marks.len() as i64 <= TIMELINE_MAX_ROWS as i64 * TIMELINE_MAX_BUCKETS);
    // What is drawn and what the note sums up add up to every release.
    let drawn: usize = marks
        .iter()
        .map(|m| m.attr("data-count").parse::<usize>().unwrap())
        .sum();
    let hidden_rows = 200 - TIMELINE_MAX_ROWS;
    let note = format!(
        "…and {hidden_rows} more organisations with {} planned releases",
        6000 - drawn
    );
    assert!(svg.contains(&note), "{note}");
    assert!(svg.len() < 300_000, "{} bytes", svg.len());
}

#[test]
fn a_few_services_get_a_row_each_and_nothing_planned_draws_nothing() {
    let mut done = release("R-0", "SVC-1", "CRA", d("2025-01-10"), "2");
    done.status = ReleaseStatus::Released;
    let a = release("R-1", "SVC-1", "CRA", d("2026-03-10"), "3");
    let b = release("R-2", "SVC-2", "CRA", d("2026-03-20"), "4");
    let svg = release_timeline(&[&done, &a, &b], &[], d("2026-01-01"), "en").to_string();
    let elements = well_formed(&svg).unwrap();
    let rows: Vec<&str> = marks(&elements)
        .iter()
        .map(|m| m.attr("data-row"))
        .collect();
    assert_eq!(
        rows,
        ["SVC-1", "SVC-2"],
        "only planned releases, a row per service"
    );
    assert!(svg.contains("one row per service"));
    assert!(release_timeline(&[&done], &[], d("2026-01-01"), "en").is_empty());
}

#[test]
fn a_flagged_figure_is_drawn_hollow_and_named_in_the_legend() {
    let s = demo();
    let k = s.kpis.values().next().unwrap();
    let mut obs: Vec<agenda_core::Observation> = s
        .observations_of(k.code.as_str())
        .filter(|o| o.disaggregation.is_none())
        .cloned()
        .collect();
    let labels = ChartLabels {
        title: "t".into(),
        desc: "d".into(),
        observed: "observed".into(),
        path: "path".into(),
        today: "today".into(),
        flagged: "flagged <figure>".into(),
    };
    let plain = kpi_chart(k, obs.iter(), d("2026-11-26"), &labels, "ltr").to_string();
    assert!(!plain.contains("flagged"));
    let drawn = obs
        .iter_mut()
        .filter(|o| o.status == agenda_core::ObservationStatus::Validated)
        .last()
        .unwrap();
    drawn.flag = Some(agenda_core::model::ObservationFlag::Estimated);
    let svg = kpi_chart(k, obs.iter(), d("2026-11-26"), &labels, "ltr").to_string();
    let elements = well_formed(&svg).unwrap();
    let hollow: Vec<_> = elements
        .iter()
        .filter(|e| e.name == "circle" && e.attr("class") == "flagged")
        .collect();
    assert_eq!(hollow.len(), 1);
    assert_eq!(hollow[0].attr("fill"), "#fff");
    assert!(
        svg.contains("flagged &lt;figure&gt;"),
        "the legend says so, escaped"
    );
}

#[test]
fn regions_are_coloured_by_their_figure_and_a_region_without_one_says_so() {
    let map = agenda_io::embedded::demo_regions();
    let labels = MapLabels {
        title: "t".into(),
        desc: "d".into(),
        no_figure: "no figure".into(),
    };
    let figures = [
        RegionFigure {
            code: "north".into(),
            value: 10.0,
            label: "10 %".into(),
        },
        RegionFigure {
            code: "capital".into(),
            value: 60.0,
            label: "60 %".into(),
        },
    ];
    let svg = region_map(&map, &figures, &labels, &|v| format!("{v}"), "ltr").to_string();
    let elements = well_formed(&svg).unwrap();
    let fill = |code: &str| {
        elements
            .iter()
            .find(|e| e.name == "path" && e.attr("data-region") == code)
            .map(|e| e.attr("fill").to_owned())
            .unwrap()
    };
    // Lowest and highest figures take the lightest and darkest classes; no figure is grey.
    assert_eq!(fill("north"), "#deebf7");
    assert_eq!(fill("capital"), "#08519c");
    assert_eq!(fill("south"), "#f2f2f2");
    assert!(svg.contains("<title>Southern Region: no figure</title>"));
    assert!(svg.contains("<title>Capital District: 60 %</title>"));
}

#[test]
fn a_breakdown_draws_a_line_per_category_told_apart_by_dash_as_well_as_colour() {
    let s = demo();
    let obs: Vec<&agenda_core::Observation> = s.observations_of("KPI-12").collect();
    let series = breakdown_series(obs.iter().copied(), &["region"]);
    let names: Vec<&str> = series.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(names, ["capital", "north", "south"]);
    let svg = breakdown_chart(&series, "KPI-12 by region", "d", "ltr").to_string();
    let elements = well_formed(&svg).unwrap();
    let lines: Vec<_> = elements.iter().filter(|e| e.name == "polyline").collect();
    assert_eq!(lines.len(), 3);
    let dashes: BTreeSet<&str> = lines.iter().map(|e| e.attr("stroke-dasharray")).collect();
    assert_eq!(dashes.len(), 3, "each line has its own dash");
    assert!(breakdown_chart(&[], "t", "d", "ltr").is_empty());
}
