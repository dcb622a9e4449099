//! The catalogue analyses end to end on the demo country: the API and the `agenda` command
//! give the same answers, and those answers are the facts read by hand from `data/demo/*.csv`.

mod common;

use common::{Db, Server, databases, get, serve};
use serde_json::Value;

const TODAY: &str = "2026-11-26";

/// The demo served on each backend in turn, with its database's URL.
fn started() -> impl Iterator<Item = (Server, Db, String)> {
    databases().into_iter().map(|db| {
        let url = db.url.clone();
        (serve(&url, &["--demo", "--today", TODAY]), db, url)
    })
}

/// `agenda ARGS` on the server's database: exit code, stdout, stderr.
fn agenda(url: &str, args: &[&str]) -> (i32, String, String) {
    let out = common::run(url, args);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn cli_json(url: &str, args: &[&str]) -> Value {
    let (code, out, err) = agenda(url, args);
    assert_eq!(code, 0, "agenda {args:?}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("agenda {args:?}: {e}\n{out}"))
}

fn api(s: &Server, path: &str) -> Value {
    let r = get(s, path);
    assert_eq!(r.status, 200, "GET {path}: {}", r.text);
    r.json()
}

fn items(v: &Value) -> &Vec<Value> {
    v["items"].as_array().expect("items")
}

fn find<'a>(list: &'a [Value], pairs: &[(&str, &str)]) -> Option<&'a Value> {
    list.iter()
        .find(|i| pairs.iter().all(|(k, v)| i[*k].as_str() == Some(*v)))
}

#[test]
fn the_api_and_the_command_agree_on_the_demo_country() {
    for (s, _db, url) in started() {
        let all = "per_page=10000";
        let cases: [(&str, Vec<&str>); 7] = [
            ("once-only", vec!["analyse", "once-only", "--json"]),
            (
                "building-blocks",
                vec!["analyse", "building-blocks", "--json"],
            ),
            ("roadmap-conflicts", vec!["roadmap", "conflicts", "--json"]),
            (
                "roadmap-slip?building_block=BB-SIGN&days=200",
                vec!["roadmap", "slip", "BB-SIGN", "--days", "200", "--json"],
            ),
            (
                "priorities?reuse=3&demand=1",
                vec![
                    "analyse",
                    "priorities",
                    "--reuse",
                    "3",
                    "--demand",
                    "1",
                    "--json",
                ],
            ),
            (
                "freshness?months=6",
                vec![
                    "analyse",
                    "freshness",
                    "--months",
                    "6",
                    "--today",
                    TODAY,
                    "--json",
                ],
            ),
            ("standard", vec!["analyse", "standard", "--json"]),
        ];
        for (path, args) in cases {
            let sep = if path.contains('?') { '&' } else { '?' };
            let a = api(&s, &format!("/api/v1/analysis/{path}{sep}{all}"));
            let c = cli_json(&url, &args);
            assert_eq!(a["items"], c["items"], "{path}");
            assert_eq!(a["meta"]["total"], c["meta"]["total"], "{path}");
            for extra in ["waiting", "criteria"] {
                assert_eq!(a[extra], c[extra], "{path} {extra}");
            }
            if let Some(meta) = c["meta"].as_object() {
                for (k, v) in meta {
                    assert_eq!(&a["meta"][k], v, "{path} meta {k}");
                }
            }
        }
    }
}

#[test]
fn once_only_finds_the_evidence_registries_already_hold() {
    for (s, _db, url) in started() {
        let o = api(&s, "/api/v1/analysis/once-only?per_page=10000");
        let list = items(&o);
        // services.csv: SVC-002 (1,300,000 a year) asks for DI-DOB; registries.csv: REG-POP holds
        // it and is reachable through the information mediator.
        let dob = find(list, &[("service", "SVC-002"), ("data_item", "DI-DOB")]).expect("SVC-002");
        assert_eq!(dob["registries"], serde_json::json!(["REG-POP"]));
        assert_eq!(dob["fixable_now"], true);
        assert_eq!(dob["annual_requests"], 1_300_000);
        // SVC-009 asks for DI-ADDR, held only by REG-ADDR, which is not reachable: blocked.
        let addr =
            find(list, &[("service", "SVC-009"), ("data_item", "DI-ADDR")]).expect("SVC-009");
        assert_eq!(addr["fixable_now"], false);
        // SVC-004 fetches DI-BIRTHPROOF already: not listed for it.
        assert!(
            find(
                list,
                &[("service", "SVC-004"), ("data_item", "DI-BIRTHPROOF")]
            )
            .is_none()
        );
        // Summed over services.csv by hand (each held item asked × the service's transactions).
        let m = &o["meta"];
        assert_eq!(m["total"], 144);
        assert_eq!(m["services"], 80);
        assert_eq!(m["annual_requests"], 31_645_500);
        assert_eq!(m["fixable_now_requests"], 21_546_500);
        assert_eq!(m["blocked_requests"], 10_099_000);

        let (code, out, _) = agenda(&url, &["analyse", "once-only"]);
        assert_eq!(code, 0);
        assert!(out.contains("31,645,500 requests a year"), "{out}");
        assert!(out.contains("SVC-002  DI-DOB"), "{out}");
    }
}

#[test]
fn the_roadmap_conflicts_and_slips_as_the_data_says() {
    for (s, _db, url) in started() {
        let c = api(&s, "/api/v1/analysis/roadmap-conflicts");
        let list = items(&c);
        // services.csv × building_blocks.csv: releases dated before their block's go-live — seven
        // need the workflow engine (2028-01-15) and SVC-007 the scheduler (2027-06-01).
        assert_eq!(list.len(), 8, "{c}");
        let sched = find(list, &[("service", "SVC-007")]).expect("SVC-007");
        assert_eq!(sched["release"], "SVC-007-R1");
        assert_eq!(sched["release_date"], "2026-09-28");
        assert_eq!(sched["needs"], "BB-SCHED");
        assert_eq!(sched["available_on"], "2027-06-01");
        assert_eq!(
            list.iter().filter(|i| i["needs"] == "BB-WF").count(),
            7,
            "{c}"
        );
        // The e-signature pilot goes live 2027-03-01, the day SVC-076 is released: no conflict.
        assert!(find(list, &[("needs", "BB-SIGN")]).is_none());

        // BB-SIGN 200 days late (2027-09-17): SVC-076-R1 moves 200 days; SVC-029-R1, planned for
        // exactly 2027-09-17, stays.
        let sl = api(
            &s,
            "/api/v1/analysis/roadmap-slip?building_block=BB-SIGN&days=200",
        );
        assert_eq!(sl["meta"]["available_after"], "2027-09-17");
        assert_eq!(
            sl["items"],
            serde_json::json!([{"release": "SVC-076-R1", "service": "SVC-076",
            "from": "2027-03-01", "to": "2027-09-17", "days": 200}])
        );
        // BB-ID has been live since 2024-06-01: 90 days late would not move any release.
        let id90 = api(
            &s,
            "/api/v1/analysis/roadmap-slip?building_block=BB-ID&days=90",
        );
        assert_eq!(id90["meta"]["total"], 0);
        // 1000 days late (2027-02-26) it moves the six releases needing it planned before then.
        let id = api(
            &s,
            "/api/v1/analysis/roadmap-slip?building_block=BB-ID&days=1000",
        );
        let moved: Vec<&str> = items(&id)
            .iter()
            .map(|m| m["release"].as_str().unwrap())
            .collect();
        assert_eq!(
            moved,
            [
                "SVC-085-R1",
                "SVC-038-R1",
                "SVC-007-R1",
                "SVC-021-R1",
                "SVC-060-R1",
                "SVC-026-R1"
            ]
        );
        assert!(items(&id).iter().all(|m| m["to"] == "2027-02-26"));

        let (code, out, _) = agenda(&url, &["roadmap", "slip", "BB-SIGN", "--days", "200"]);
        assert_eq!(code, 0);
        assert!(
            out.contains("SVC-076-R1  SVC-076  2027-03-01  2027-09-17   200"),
            "{out}"
        );
        let (code, _, err) = agenda(&url, &["roadmap", "slip", "BB-NOPE", "--days", "90"]);
        assert_eq!(code, 1);
        assert!(err.contains("no building block with code BB-NOPE"), "{err}");
    }
}

#[test]
fn reuse_priorities_and_freshness_match_the_data() {
    for (s, _db, _url) in started() {
        let b = api(&s, "/api/v1/analysis/building-blocks");
        // BB-ID is needed by 73 services with 24,775,500 transactions a year: the most used.
        let first = &items(&b)[0];
        assert_eq!(first["building_block"], "BB-ID");
        assert_eq!(first["service_count"], 73);
        assert_eq!(first["annual_transactions"], 24_775_500);
        let waiting = b["waiting"].as_array().unwrap();
        assert!(waiting.iter().any(|w| w["service"] == "SVC-002"
            && w["building_block"] == "BB-SIGN"
            && w["status"] == "pilot"));
        assert!(waiting.iter().all(|w| w["status"] != "production"));

        // 71 of the 91 services are below maturity 4; ranked 1 to 71, scores falling.
        let p = api(&s, "/api/v1/analysis/priorities");
        let ranked = items(&p);
        assert_eq!(ranked.len(), 71);
        let scores: Vec<f64> = ranked
            .iter()
            .map(|i| i["score"].as_f64().unwrap())
            .collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]));
        let q = &p["meta"]["quadrants"];
        let sum: u64 = ["quick_win", "major_project", "fill_in", "thankless"]
            .iter()
            .map(|k| q[*k].as_u64().unwrap())
            .sum();
        assert_eq!(sum, 71);

        // 21 services were last reviewed before 2025-11-26; the oldest, SVC-086, on 2023-03-18.
        let f = api(&s, "/api/v1/analysis/freshness");
        assert_eq!(f["meta"]["total"], 21);
        assert_eq!(f["meta"]["cutoff"], "2025-11-26");
        assert_eq!(items(&f)[0]["service"], "SVC-086");
        assert_eq!(items(&f)[0]["last_reviewed"], "2023-03-18");

        let st = api(&s, "/api/v1/analysis/standard");
        assert_eq!(st["meta"]["total"], 91);
        // data/demo/assessments.csv: SVC-011 met all 14 criteria; SVC-002 failed STD-06 and
        // partly met STD-07 and STD-11.
        let of = |code: &str| {
            items(&st)
                .iter()
                .find(|i| i["service"] == code)
                .cloned()
                .unwrap()
        };
        assert_eq!(of("SVC-011")["met"], 14);
        assert_eq!(of("SVC-002")["not_met"], 1);
        assert_eq!(of("SVC-002")["partly_met"], 2);
        assert_eq!(of("SVC-001")["not_assessed"], 14);
    }
}

#[test]
fn bad_input_gets_the_error_envelope() {
    for (s, _db, _url) in started() {
        for path in [
            "roadmap-slip?building_block=BB-ID",
            "roadmap-slip?days=90",
            "roadmap-slip?building_block=BB-ID&days=soon",
            "roadmap-slip?building_block=BB-ID&days=99999999",
            "priorities?demand=-1",
            "priorities?demand=1000001",
            "freshness?months=-3",
            "once-only?page=0",
        ] {
            let r = get(&s, &format!("/api/v1/analysis/{path}"));
            assert_eq!(r.status, 400, "{path}: {}", r.text);
            assert_eq!(r.json()["error"]["code"], "bad_request", "{path}");
        }
        // Requests the document allows are not 400: an unknown block is not found, and weights
        // that leave an axis ranking nothing are refused as such.
        for (path, status, code) in [
            (
                "roadmap-slip?building_block=BB-NOPE&days=90",
                404,
                "not_found",
            ),
            ("priorities?reuse=0&readiness=0", 422, "invalid"),
        ] {
            let r = get(&s, &format!("/api/v1/analysis/{path}"));
            assert_eq!(r.status, status, "{path}: {}", r.text);
            assert_eq!(r.json()["error"]["code"], code, "{path}");
        }
        let r = get(
            &s,
            "/api/v1/analysis/roadmap-slip?building_block=BB-NOPE&days=90",
        );
        assert!(r.text.contains("BB-NOPE"), "{}", r.text);
    }
}

/// The services of a ranking, in rank order.
fn ranking(v: &Value) -> Vec<String> {
    items(v)
        .iter()
        .map(|i| i["service"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_country_weights_in_agenda_toml_rank_the_page_the_api_and_the_command() {
    for (default, same, _u) in started() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("agenda.toml");
        // Only how hard a service is to use and how ready it is.
        std::fs::write(
            &config,
            "[priorities]\ndemand = 0\ncomplexity = 1\nalignment = 0\nreuse = 0\nreadiness = 1\n",
        )
        .unwrap();
        let config = config.to_str().unwrap();
        let db = databases()
            .into_iter()
            .find(|d| d.label == same.label)
            .unwrap();
        let url = db.url.clone();
        let s = serve(&url, &["--demo", "--today", TODAY, "--config", config]);
        let all = "/api/v1/analysis/priorities?per_page=10000";

        let usual = api(&default, all);
        let country = api(&s, all);
        assert_eq!(
            country["meta"]["weights"],
            serde_json::json!({"demand": 0.0, "complexity": 1.0, "alignment": 0.0, "reuse": 0.0, "readiness": 1.0})
        );
        assert_ne!(ranking(&country), ranking(&usual));
        // Every score follows the configured weights: impact is complexity alone, feasibility
        // readiness alone.
        for i in items(&country) {
            let want =
                (i["complexity"].as_f64().unwrap() * i["readiness"].as_f64().unwrap()) / 100.0;
            assert!((i["score"].as_f64().unwrap() - want).abs() < 1e-9, "{i}");
        }

        // Parameters still override the country's weights, each on its own.
        let back = api(
            &s,
            &format!("{all}&demand=2&complexity=1&alignment=1&reuse=1&readiness=1"),
        );
        assert_eq!(ranking(&back), ranking(&usual));
        let partly = api(&s, &format!("{all}&readiness=0&reuse=1"));
        assert_eq!(partly["meta"]["weights"]["complexity"], 1.0);
        assert_eq!(partly["meta"]["weights"]["reuse"], 1.0);
        assert_eq!(partly["meta"]["weights"]["readiness"], 0.0);

        // The command reads the same file, and its flags override it too.
        let cli = cli_json(
            &url,
            &["--config", config, "analyse", "priorities", "--json"],
        );
        assert_eq!(ranking(&cli), ranking(&country));
        let cli_back = cli_json(
            &url,
            &[
                "--config",
                config,
                "analyse",
                "priorities",
                "--demand",
                "2",
                "--alignment",
                "1",
                "--reuse",
                "1",
                "--json",
            ],
        );
        assert_eq!(ranking(&cli_back), ranking(&usual));

        // The page ranks with the country's weights: its first service is the API's.
        let page = get(&s, "/analysis/priorities").text;
        let first = &ranking(&country)[0];
        let usual_first = &ranking(&usual)[0];
        if first != usual_first {
            let at = |code: &str| page.find(&format!(">{code}<")).unwrap_or(usize::MAX);
            assert!(at(first) < at(usual_first), "{first} before {usual_first}");
        }
    }
}
