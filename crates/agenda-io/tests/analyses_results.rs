//! The catalogue analyses give exactly the results recorded in
//! `tests/fixtures/analyses/results.json`: on the demo country plus a few hundred generated
//! services, each with a planned release and, for every third, assessments against the
//! standard. A change meant to make the analyses faster must not change what they say.
//!
//! After a deliberate change of a rule, `AGENDA_WRITE_FIXTURE=1 cargo test -p agenda-io --test
//! analyses_results` rewrites the file; review its diff.

use std::path::PathBuf;
use std::sync::Arc;

use agenda_core::catalogue::{freshness, once_only, priorities, reuse, roadmap, standard};
use agenda_core::*;
use agenda_io::{apply_in_memory, embedded, plan_import};
use serde_json::{Value, json};

fn code(s: &str) -> Code {
    Code::parse(s).unwrap()
}

/// The demo country, 300 generated services, a release per service (some planned, some
/// released), ten criteria and assessments of every third service (some reassessed later).
fn catalogue() -> Snapshot {
    let empty = Snapshot::empty(Arc::new(embedded::sdg().unwrap()));
    let plan = plan_import(&empty, &embedded::demo_tables().unwrap()).unwrap();
    let demo = apply_in_memory(&empty, &plan);
    let mut s = agenda_io::generate::national(&demo, 300, 0, 11);
    let start = Date::from_ymd(2025, 1, 1).unwrap();
    for i in 1..=10 {
        s.upsert(
            StandardCriterion {
                code: code(&format!("STD-G{i:02}")),
                title: Text::en(format!("Criterion {i}")).unwrap(),
                description: None,
            }
            .into(),
        );
    }
    let results = [
        AssessmentResult::Met,
        AssessmentResult::PartlyMet,
        AssessmentResult::NotMet,
    ];
    let services: Vec<Service> = s.services.values().cloned().collect();
    for (n, v) in services.iter().enumerate() {
        s.upsert(
            Release {
                code: code(&format!("{}-R9", v.code)),
                service: v.code.clone(),
                target_maturity: Maturity::parse("4").unwrap(),
                target_date: start.add_days((n * 7 % 1500) as i64),
                responsible_org: v.owner_code.clone(),
                status: if n % 5 == 0 {
                    ReleaseStatus::Released
                } else {
                    ReleaseStatus::Planned
                },
            }
            .into(),
        );
        if n % 3 == 0 {
            for c in 1..=10 {
                for again in 0..=(n + c) % 2 {
                    s.upsert(
                        Assessment {
                            service: v.code.clone(),
                            criterion: code(&format!("STD-G{c:02}")),
                            assessed_on: start.add_days((n % 300 + again * 40) as i64),
                            result: results[(n + c + again) % 3],
                            assessor_org: None,
                            note: None,
                        }
                        .into(),
                    );
                }
            }
        }
    }
    s
}

/// Every analysis, as the API and `--json` output show it.
fn results(s: &Snapshot) -> Value {
    let today = Date::from_ymd(2026, 11, 26).unwrap();
    let slips: Vec<Value> = s
        .building_blocks
        .keys()
        .flat_map(|bb| [(bb.clone(), 90), (bb.clone(), -30)])
        .map(|(bb, days)| match roadmap::slip(s, &bb, days) {
            Ok(sl) => json!({"ok": sl}),
            Err(e) => json!({"error": e.to_string()}),
        })
        .collect();
    let custom = priorities::PriorityWeights {
        demand: 1.0,
        complexity: 3.0,
        alignment: 0.5,
        reuse: 2.0,
        readiness: 0.0,
    };
    json!({
        "once_only": once_only::once_only(s),
        "reuse": reuse::reuse(s),
        "roadmap_conflicts": roadmap::conflicts(s),
        "roadmap_slips": slips,
        "priorities_default": priorities::priorities(s, priorities::PriorityWeights::default()).unwrap(),
        "priorities_custom": priorities::priorities(s, custom).unwrap(),
        "freshness_12": freshness::freshness(s, today, freshness::DEFAULT_MONTHS),
        "freshness_3": freshness::freshness(s, today, 3),
        "standard": standard::standard(s),
    })
}

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/analyses/results.json")
}

#[test]
fn the_analyses_give_the_recorded_results() {
    let got = results(&catalogue());
    let path = fixture();
    // Compared as text: the file is what the analyses printed, to the last digit of every
    // score (parsing a float back may round it).
    let text = serde_json::to_string_pretty(&got).unwrap() + "\n";
    if std::env::var_os("AGENDA_WRITE_FIXTURE").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &text).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap();
    if text != want {
        let line = text
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(text.lines().count().min(want.lines().count()));
        panic!(
            "the results differ from {} from line {}: {:?} instead of {:?}",
            path.display(),
            line + 1,
            text.lines().nth(line),
            want.lines().nth(line)
        );
    }
}

#[test]
fn the_recorded_results_are_not_trivial() {
    // Every analysis finds something to say on this catalogue, so the comparison above means
    // something.
    let got = results(&catalogue());
    for key in [
        "once_only",
        "reuse",
        "priorities_default",
        "freshness_12",
        "standard",
    ] {
        assert!(got[key] != Value::Null, "{key}");
    }
    assert!(got["once_only"]["items"].as_array().unwrap().len() > 100);
    assert!(!got["reuse"]["waiting"].as_array().unwrap().is_empty());
    assert!(got["roadmap_conflicts"].as_array().unwrap().len() > 10);
    assert!(
        got["roadmap_slips"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["ok"]["moves"].as_array().is_some_and(|m| !m.is_empty()))
    );
    assert!(got["freshness_12"]["items"].as_array().unwrap().len() > 10);
    let assessed = got["standard"]["services"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["not_assessed"].as_u64() != got["standard"]["criteria_count"].as_u64())
        .count();
    assert!(assessed > 50, "{assessed}");
}
