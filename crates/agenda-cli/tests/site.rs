//! The public progress space, end to end: every page type for every entity of the demo country
//! in English, French and Spanish, checked for its content; statuses as the documented rule
//! gives them; caching, headers, errors.

mod common;

use std::sync::Arc;

use agenda_core::Snapshot;
use agenda_core::kpi_status::assess;
use common::{Db, Server, databases, get, get_with, head_with, serve};

const TODAY: &str = "2026-11-26";
const LANGS: [(&str, &str); 3] = [("en", ""), ("fr", "/fr"), ("es", "/es")];

fn demo() -> Snapshot {
    let empty = Snapshot::empty(Arc::new(agenda_io::embedded::sdg().unwrap()))
        .with_frameworks(Arc::new(agenda_io::embedded::frameworks().unwrap()));
    let plan =
        agenda_io::plan_import(&empty, &agenda_io::embedded::demo_tables().unwrap()).unwrap();
    agenda_core::visibility::public_view(&agenda_io::apply_in_memory(&empty, &plan))
}

/// The demo served on each backend in turn.
fn started() -> impl Iterator<Item = (Server, Db)> {
    databases()
        .into_iter()
        .map(|db| (serve(&db.url, &["--demo", "--today", TODAY]), db))
}

/// The page's text with the HTML entities that templates produce turned back into characters.
fn text(html: &str) -> String {
    html.replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn page(s: &Server, path: &str) -> String {
    let r = get(s, path);
    assert_eq!(r.status, 200, "GET {path}");
    assert!(
        r.header("content-type")
            .unwrap_or("")
            .starts_with("text/html"),
        "{path}"
    );
    assert!(r.text.len() < 100_000, "{path} is {} bytes", r.text.len());
    text(&r.text)
}

#[test]
fn every_page_type_renders_every_entity_in_three_languages() {
    for (s, _db) in started() {
        let d = demo();
        for (lang, pre) in LANGS {
            let home = page(&s, &format!("{pre}/"));
            assert!(home.contains(&format!("<html lang=\"{lang}\" dir=\"ltr\">")));
            assert!(
                home.contains(d.the_agenda().unwrap().title.get(lang)),
                "{lang} home title"
            );
            for l in ["en", "fr", "es"] {
                assert!(
                    home.contains(&format!("hreflang=\"{l}\"")),
                    "{lang} home links {l}"
                );
            }

            let pillars = page(&s, &format!("{pre}/pillars"));
            for p in d.pillars.values() {
                assert!(
                    pillars.contains(p.title.get(lang)),
                    "{lang} pillar {}",
                    p.code
                );
            }

            let list = page(&s, &format!("{pre}/action-lines"));
            for a in d.action_lines.values() {
                assert!(
                    list.contains(&format!("/action-lines/{}\"", a.code)),
                    "{lang} list {}",
                    a.code
                );
                let p = page(&s, &format!("{pre}/action-lines/{}", a.code));
                assert!(p.contains(a.title.get(lang)), "{lang} {} title", a.code);
                let lead = &d.organisations[a.lead_org.as_str()];
                assert!(p.contains(lead.name.get(lang)), "{lang} {} lead", a.code);
                for m in d.milestones.values().filter(|m| m.action_line == a.code) {
                    assert!(
                        p.contains(&format!("id=\"{}\"", m.code)),
                        "{lang} {} milestone",
                        m.code
                    );
                }
                for t in &a.sdg_targets {
                    assert!(
                        p.contains(&format!(">{t}</a>")),
                        "{lang} {} target {t}",
                        a.code
                    );
                }
                for r in d
                    .progress_reports
                    .values()
                    .filter(|r| r.action_line == a.code)
                    .take(1)
                {
                    assert!(
                        p.contains(&format!("<h3>{}</h3>", r.period))
                            || p.contains(&r.period.to_string())
                    );
                }
            }

            let today = agenda_core::Date::parse(TODAY).unwrap();
            let kpis = page(&s, &format!("{pre}/kpis"));
            for k in d.kpis.values() {
                assert!(
                    kpis.contains(&format!("/kpis/{}\"", k.code)),
                    "{lang} list {}",
                    k.code
                );
                let p = page(&s, &format!("{pre}/kpis/{}", k.code));
                assert!(p.contains(k.title.get(lang)), "{lang} {} title", k.code);
                // The badge shows what the KPI counts as (a stale one: its last figure).
                let status = assess(k, d.observations_of(k.code.as_str()), today).counted_status();
                assert!(
                    p.contains(&format!(
                        "<p class=\"status-line\"><span class=\"badge {}\">",
                        status.as_str()
                    )),
                    "{lang} {}: status should be {}",
                    k.code,
                    status.as_str()
                );
                assert!(
                    p.contains("<svg class=\"chart\""),
                    "{lang} {} chart",
                    k.code
                );
                assert!(
                    p.contains(&format!("href=\"/kpis/{}.csv\"", k.code)),
                    "{lang} {} csv",
                    k.code
                );
            }

            for o in d.organisations.values() {
                let p = page(&s, &format!("{pre}/organisations/{}", o.code));
                assert!(p.contains(o.name.get(lang)), "{lang} {} name", o.code);
            }

            let sdgs = page(&s, &format!("{pre}/sdgs"));
            for g in d.sdg.goals.values() {
                assert!(sdgs.contains(g.short.get(lang)), "{lang} goal {}", g.goal);
                let p = page(&s, &format!("{pre}/sdgs/{}", g.goal));
                assert!(
                    p.contains(g.title.get(lang)),
                    "{lang} goal {} title",
                    g.goal
                );
            }

            let roadmap = page(&s, &format!("{pre}/roadmap"));
            assert!(roadmap.contains(TODAY));
            for a in d.action_lines.values() {
                assert!(
                    roadmap.contains(a.title.get(lang)),
                    "{lang} roadmap {}",
                    a.code
                );
            }

            let plan = page(&s, &format!("{pre}/regulatory-plan"));
            for l in d.legal_instruments.values() {
                assert!(
                    plan.contains(&format!("id=\"{}\"", l.code)),
                    "{lang} {}",
                    l.code
                );
            }

            let open = page(&s, &format!("{pre}/open-data"));
            assert!(open.contains("/open-data/agenda.zip") && open.contains("/feed.atom"));
        }
    }
}

#[test]
fn kpi_statuses_match_the_documented_rule_in_the_demo() {
    for (s, _db) in started() {
        let expected = [
            ("on_track", "KPI-02"),
            ("at_risk", "KPI-06"),
            ("off_track", "KPI-01"),
            // No recent figure, and the last one is far behind: it counts as off track.
            ("off_track", "KPI-15"),
            ("not_due_yet", "KPI-19"),
        ];
        for (status, code) in expected {
            let p = page(&s, &format!("/kpis/{code}"));
            assert!(
                p.contains(&format!(
                    "<p class=\"status-line\"><span class=\"badge {status}\">"
                )),
                "{code} should be {status}"
            );
        }
        let stale = page(&s, "/kpis/KPI-15");
        assert!(stale.contains("<span class=\"badge no_recent_data\">No recent data</span>"));
        assert!(
            stale.contains("for 2026-Q1"),
            "the last figure's period is named"
        );
        assert!(stale.contains("(89 %)"), "and its gap");
        let list = page(&s, "/kpis?status=off_track");
        for code in ["KPI-01", "KPI-07", "KPI-28", "KPI-15"] {
            assert!(
                list.contains(&format!("/kpis/{code}\"")),
                "{code} off track"
            );
        }
        assert!(!list.contains("/kpis/KPI-02\""));
    }
}

#[test]
fn kpi_data_downloads_in_open_sdg_layout_without_drafts() {
    for (s, _db) in started() {
        let r = get(&s, "/kpis/KPI-24.csv");
        assert_eq!(r.status, 200);
        assert!(r.header("content-type").unwrap().starts_with("text/csv"));
        let mut lines = r.text.lines();
        assert_eq!(lines.next(), Some("Year,area,sex,Observation status,Value"));
        // The 2025 survey figure is provisional: Open SDG's observation status says so.
        assert!(
            r.text.contains("\n2025,,,Provisional value,64.6\n"),
            "{}",
            r.text
        );
        assert!(r.text.contains("\n2025,rural,,,"), "{}", r.text);
        // A quarterly KPI keeps a whole year in `Year` and its quarter beside it; KPI-01's
        // 2026-Q3 figure is only submitted: not public.
        let k1 = get(&s, "/kpis/KPI-01.csv");
        assert!(k1.text.starts_with("Year,Quarter,"), "{}", k1.text);
        assert!(k1.text.contains("\n2026,Q2,"), "{}", k1.text);
        assert!(!k1.text.contains("\n2026,Q3,"), "{}", k1.text);
        let api = get(&s, "/api/v1/kpis/KPI-01").json();
        let periods: Vec<&str> = api["observations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["period"].as_str().unwrap())
            .collect();
        assert!(!periods.contains(&"2026-Q3"), "{periods:?}");
        assert!(get(&s, "/kpis/KPI-99.csv").status == 404);
        // Open SDG's metadata file beside it.
        let meta = get(&s, "/kpis/KPI-24.md");
        assert_eq!(meta.status, 200);
        assert!(
            meta.header("content-type")
                .unwrap()
                .starts_with("text/markdown")
        );
        assert!(
            meta.text.starts_with("---\nindicator_number: \"KPI-24\"\n"),
            "{}",
            meta.text
        );
        assert!(meta.text.contains("reporting_status: complete\n"));
        assert!(meta.text.contains("sdg_indicator: \"17.8.1\"\n"));
        assert_eq!(get(&s, "/kpis/KPI-99.md").status, 404);
    }
}

#[test]
fn pages_are_cached_by_snapshot_version_and_carry_security_headers() {
    for (s, _db) in started() {
        let r = get(&s, "/kpis/KPI-01");
        let etag = r.header("etag").expect("etag").to_owned();
        assert!(etag.starts_with("W/\""));
        let csp = r.header("content-security-policy").unwrap();
        assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"));
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        assert!(r.header("referrer-policy").is_some());
        let again = get_with(&s, "/kpis/KPI-01", &[("if-none-match", &etag)]);
        assert_eq!(again.status, 304);
        assert!(again.text.is_empty());
        let gz = get_with(&s, "/", &[("accept-encoding", "gzip")]);
        assert_eq!(gz.header("content-encoding"), Some("gzip"));
        assert!(page(&s, "/").contains("<html lang=\"en\" dir=\"ltr\">"));
    }
}

#[test]
fn head_answers_gets_headers_and_revalidates_like_get() {
    for (s, _db) in started() {
        for path in ["/", "/kpis/KPI-01", "/fr/services", "/api/v1/kpis/KPI-01"] {
            // Twice: once filling the page cache, once from it.
            for _ in 0..2 {
                let g = get(&s, path);
                let h = head_with(&s, path, &[]);
                assert_eq!((g.status, h.status), (200, 200), "{path}");
                assert!(h.text.is_empty(), "HEAD {path} has a body");
                let names = |r: &common::Reply| {
                    let mut n: Vec<String> = r
                        .headers
                        .keys()
                        .map(|k| k.as_str().to_owned())
                        .filter(|k| k != "date")
                        .collect();
                    n.sort();
                    n
                };
                assert_eq!(names(&h), names(&g), "{path}");
                for name in names(&g) {
                    assert_eq!(h.header(&name), g.header(&name), "{path}: {name}");
                }
                let etag = g.header("etag").expect("etag");
                assert!(g.header("cache-control").is_some(), "{path}");
                let again = head_with(&s, path, &[("if-none-match", etag)]);
                assert_eq!(again.status, 304, "HEAD {path} with its ETag");
                assert_eq!(again.header("etag"), Some(etag), "{path}");
            }
        }
    }
}

#[test]
fn each_negotiated_language_has_its_own_etag() {
    for (s, _db) in started() {
        for path in ["/kpis", "/services/SVC-001"] {
            let en = get_with(&s, path, &[("accept-language", "en")]);
            let fr = get_with(&s, path, &[("accept-language", "fr-FR,fr;q=0.9")]);
            assert!(fr.text.contains("<html lang=\"fr\" dir=\"ltr\">"), "{path}");
            let (en_tag, fr_tag) = (en.header("etag").unwrap(), fr.header("etag").unwrap());
            assert_ne!(en_tag, fr_tag, "{path}");
            // French revalidated with the English tag is a new answer, in French.
            let r = get_with(
                &s,
                path,
                &[("accept-language", "fr"), ("if-none-match", en_tag)],
            );
            assert_eq!(r.status, 200, "{path}");
            assert!(r.text.contains("<html lang=\"fr\" dir=\"ltr\">"), "{path}");
            let r = get_with(
                &s,
                path,
                &[("accept-language", "fr"), ("if-none-match", fr_tag)],
            );
            assert_eq!(r.status, 304, "{path}");
            // The URL prefix names the same French answer as the header.
            let prefixed = get(&s, &format!("/fr{path}"));
            assert_eq!(prefixed.header("etag"), Some(fr_tag), "{path}");
        }
    }
}

#[test]
fn the_language_comes_from_the_url_then_accept_language() {
    for (s, _db) in started() {
        let fr = get_with(
            &s,
            "/kpis",
            &[("accept-language", "fr-FR,fr;q=0.9,en;q=0.5")],
        );
        assert!(fr.text.contains("<html lang=\"fr\" dir=\"ltr\">"));
        assert!(fr.header("vary").unwrap_or("").contains("Accept-Language"));
        let es_url = get_with(&s, "/es/kpis", &[("accept-language", "fr")]);
        assert!(es_url.text.contains("<html lang=\"es\" dir=\"ltr\">"));
        assert!(es_url.text.contains("Indicadores"));
        // A text only in English is shown in English and marked as such.
        let fr_ms = text(&get(&s, "/fr/action-lines/AL-1.1").text);
        assert!(
            fr_ms.contains("<span lang=\"en\" dir=\"ltr\">National portal launched</span>"),
            "{fr_ms}"
        );
    }
}

#[test]
fn unknown_codes_and_bad_filters_get_pages_in_the_visitors_language() {
    for (s, _db) in started() {
        let r = get(&s, "/fr/action-lines/AL-9.9");
        assert_eq!(r.status, 404);
        assert!(
            r.text.contains("<html lang=\"fr\" dir=\"ltr\">")
                && r.text.contains("Page introuvable")
        );
        assert!(text(&r.text).contains("« AL-9.9 »"));
        let r = get(&s, "/es/kpis/NOPE");
        assert_eq!(r.status, 404);
        assert!(r.text.contains("Página no encontrada"));
        for bad in [
            "/action-lines?status=finished",
            "/action-lines?pillar=P99",
            "/action-lines?lead=NOBODY",
            "/action-lines?sdg=18",
            "/kpis?status=great",
            "/sdgs/99",
        ] {
            let r = get(&s, bad);
            assert!(r.status == 400 || r.status == 404, "{bad}: {}", r.status);
            assert!(r.text.contains("<html lang=\"en\" dir=\"ltr\">"), "{bad}");
        }
        let ok = page(&s, "/action-lines?status=delayed&pillar=&lead=&sdg=");
        assert!(ok.contains("/action-lines/AL-2.4\"") && ok.contains("/action-lines/AL-5.3\""));
        assert!(!ok.contains("/action-lines/AL-1.1\""));
        let r = get(&s, "/no/such/page");
        assert_eq!(r.status, 404);
        assert!(r.text.contains("<html"));
        let api = get(&s, "/api/v1/nothing");
        assert_eq!(api.json()["error"]["code"], "not_found");
    }
}

#[test]
fn open_data_downloads_and_the_feed_are_served() {
    for (s, _db) in started() {
        let zip = get(&s, "/open-data/agenda.zip");
        assert_eq!(zip.header("content-type"), Some("application/zip"));
        let json = get(&s, "/open-data/agenda.json").json();
        assert_eq!(json["services"].as_array().unwrap().len(), 91);
        assert_eq!(json["progress_reports"].as_array().unwrap().len(), 45);
        let x = get(&s, "/open-data/agenda.xlsx");
        assert_eq!(x.status, 200);
        let feed = get(&s, "/feed.atom");
        assert!(
            feed.header("content-type")
                .unwrap()
                .starts_with("application/atom+xml")
        );
        assert!(
            feed.text
                .contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">")
        );
        assert!(feed.text.contains("<entry>"), "{}", feed.text);
        // The feed of one action line holds its own changes, such as its milestones reached.
        let line = get(&s, "/feed.atom?scope=action-line:AL-1.1").text;
        assert!(line.contains("Milestone reached: AL-1.1-M1"), "{line}");
    }
}

#[test]
fn a_status_change_appears_in_the_feed_and_the_history() {
    let dir = tempfile::tempdir().unwrap();
    for db in databases() {
        let url = db.url.clone();

        let run = |args: &[&str]| {
            let out = std::process::Command::new(common::BIN)
                .args(args)
                .env("AGENDA_DATABASE_URL", &url)
                .env("AGENDA_LOG", "warn")
                .current_dir(dir.path())
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        run(&["import", common::repo().join("data/demo").to_str().unwrap()]);
        let demo =
            std::fs::read_to_string(common::repo().join("data/demo/action_lines.csv")).unwrap();
        let changed: String = demo
            .lines()
            .enumerate()
            .filter(|(i, l)| *i == 0 || l.starts_with("AL-1.1,"))
            .map(|(_, l)| l.replace(",in_progress,", ",delayed,") + "\n")
            .collect();
        let file = dir.path().join("action_lines.csv");
        std::fs::write(&file, changed).unwrap();
        run(&["import", "--actor", "dga-editor", file.to_str().unwrap()]);

        let s = serve(&url, &["--today", TODAY]);
        let feed = get(&s, "/feed.atom").text;
        assert!(
            feed.contains("Status of AL-1.1: in_progress → delayed"),
            "{feed}"
        );
        let page = page(&s, "/action-lines/AL-1.1");
        assert!(page.contains("status"), "history shows the change");
        assert!(!page.contains("dga-editor"), "but not who made it");
    }
}

#[test]
fn the_country_brands_the_site_from_its_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("agenda.toml");
    std::fs::write(
        dir.path().join("logo.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .unwrap();
    std::fs::write(
        &config,
        format!(
            "country = \"Republic of Testland\"\nlanguages = [\"fr\", \"en\"]\nlogo = \"{}\"\n[colours]\nprimary = \"#f0e68c\"\naccent = \"#00ff00\"\n",
            dir.path().join("logo.svg").display()
        ),
    )
    .unwrap();
    for db in databases() {
        let url = db.url.clone();

        let s = serve(&url, &["--demo", "--config", config.to_str().unwrap()]);
        let home = page(&s, "/");
        assert!(
            home.contains("<html lang=\"fr\" dir=\"ltr\">"),
            "the first language is the default"
        );
        assert!(home.contains("Republic of Testland"));
        assert!(home.contains("src=\"/assets/logo\""));
        assert!(home.contains("hreflang=\"en\"") && !home.contains("hreflang=\"es\""));
        let theme = get(&s, "/assets/theme.css").text;
        // A light brand colour gets dark text, to keep the contrast.
        assert!(
            theme.contains("--brand: #f0e68c; --brand-ink: #111"),
            "{theme}"
        );
        let logo = get(&s, "/assets/logo");
        assert_eq!(logo.header("content-type"), Some("image/svg+xml"));
    }
}

#[test]
fn the_one_stop_shop_shows_every_service_life_event_and_building_block() {
    for (s, _db) in started() {
        let d = demo();
        for (lang, pre) in LANGS {
            // The list comes a page at a time: its "next" links lead through all of it.
            let mut list = String::new();
            let mut next = Some(format!("{pre}/services"));
            while let Some(path) = next.take() {
                let p = page(&s, &path);
                next = p.find("\" rel=\"next\"").map(|end| {
                    let start = p[..end].rfind("href=\"").expect("a link") + 6;
                    p[start..end].replace("&#38;", "&")
                });
                list.push_str(&p);
            }
            assert!(list.contains("rel=\"prev\""), "{lang} more than one page");
            for v in d.services.values() {
                assert!(
                    list.contains(&format!("/services/{}\"", v.code)),
                    "{lang} list {}",
                    v.code
                );
                let p = page(&s, &format!("{pre}/services/{}", v.code));
                assert!(p.contains(v.title.get(lang)), "{lang} {} title", v.code);
                assert!(
                    p.contains("\"@type\":\"GovernmentService\""),
                    "{lang} {} JSON-LD",
                    v.code
                );
                let owner = &d.organisations[v.owner_code.as_str()];
                assert!(p.contains(owner.name.get(lang)), "{lang} {} owner", v.code);
            }
            for e in d.life_events.values() {
                let p = page(&s, &format!("{pre}/life-events/{}", e.code));
                assert!(p.contains(e.title.get(lang)), "{lang} {}", e.code);
                for v in d
                    .services
                    .values()
                    .filter(|v| v.life_event.contains(&e.code))
                {
                    assert!(
                        p.contains(&format!("/services/{}\"", v.code)),
                        "{lang} {} in {}",
                        v.code,
                        e.code
                    );
                }
            }
            for b in d.building_blocks.values() {
                // Its services come 50 a page: every page, together.
                let users = d
                    .services
                    .values()
                    .filter(|v| v.building_blocks.contains(&b.code))
                    .count();
                let p: String = (1..=users.div_ceil(50).max(1))
                    .map(|n| {
                        let more = if n > 1 {
                            format!("?page={n}")
                        } else {
                            String::new()
                        };
                        page(&s, &format!("{pre}/building-blocks/{}{more}", b.code))
                    })
                    .collect();
                for v in d
                    .services
                    .values()
                    .filter(|v| v.building_blocks.contains(&b.code))
                {
                    assert!(
                        p.contains(&format!("/services/{}\"", v.code)),
                        "{lang} {} uses {}",
                        v.code,
                        b.code
                    );
                }
            }
            for a in [
                "once-only",
                "roadmap",
                "priorities",
                "standard",
                "freshness",
            ] {
                page(&s, &format!("{pre}/analysis/{a}"));
            }
            let std = page(&s, &format!("{pre}/analysis/standard"));
            for k in d.standard_criteria.values() {
                assert!(std.contains(k.title.get(lang)), "{lang} {}", k.code);
            }
        }
        // SVC-001 asks for the parents' identity, which the civil status register (reachable)
        // already holds, and a medical certificate nobody holds.
        let sheet = page(&s, "/services/SVC-001");
        assert!(
            sheet.contains("<li class=\"ev-held\"><strong>Parents' identity</strong>"),
            "{sheet}"
        );
        assert!(sheet.contains("<li class=\"ev-bring\"><strong>Medical certificate</strong>"));
        // The information sheet of a most-used service: fee, time, steps and outcome.
        let tax = page(&s, "/services/SVC-020");
        assert!(
            tax.contains("<dd>Free</dd>") && tax.contains("About 20 days"),
            "{tax}"
        );
        assert!(tax.contains("<li>Check the pre-filled income and deductions</li>"));
        assert!(tax.contains("An assessment notice"));
        let fr = page(&s, "/fr/services/SVC-020");
        assert!(fr.contains("<dd>Gratuit</dd>") && fr.contains("<ol lang=\"en\" dir=\"ltr\">"));
        // 21 sheets were last reviewed before 2025-11-26, the oldest SVC-086 (see the analysis test).
        let fresh = page(&s, "/analysis/freshness");
        assert!(fresh.contains("<p class=\"big\">21 / 91</p>"), "{fresh}");
        assert!(
            fresh.find("/services/SVC-086\"")
                < fresh.find("/services/SVC-001\"").or(Some(usize::MAX))
        );
        let r = get(&s, "/services?maturity=7");
        assert_eq!(r.status, 400);
        let filtered = page(&s, "/services?life_event=LE-CHILD&maturity=2");
        assert!(
            filtered.contains("/services/SVC-001\"") && !filtered.contains("/services/SVC-002\"")
        );
    }
}

/// The last day of a period written `2026`, `2026-Q3` or `2026-09`, as `(year, month, day)`.
fn period_end(p: &str) -> (i64, i64, i64) {
    let year: i64 = p[..4].parse().unwrap();
    let month = match &p[4..] {
        "" => 12,
        q if q.starts_with("-Q") => q[2..].parse::<i64>().unwrap() * 3,
        m => m[1..].parse().unwrap(),
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let day = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    (year, month, day)
}

fn ymd(d: &str) -> (i64, i64, i64) {
    let mut it = d.split('-').map(|x| x.parse::<i64>().unwrap());
    (it.next().unwrap(), it.next().unwrap(), it.next().unwrap())
}

fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

/// A visitor downloads the open data and recomputes every action line's progress and the home
/// page's headline with the published weights, without any of the platform's code.
#[test]
fn the_headline_can_be_recomputed_from_the_open_data() {
    for (s, _db) in started() {
        let records: serde_json::Value =
            serde_json::from_str(&get(&s, "/open-data/agenda.json").text).unwrap();
        let published: serde_json::Value =
            serde_json::from_str(&get(&s, "/open-data/progress.json").text).unwrap();
        let today = ymd(published["date"].as_str().unwrap());
        let list = |k: &str| records[k].as_array().unwrap().clone();
        let (milestones, kpis, observations) =
            (list("milestones"), list("kpis"), list("observations"));

        let lines = published["action_lines"].as_array().unwrap();
        assert_eq!(lines.len(), list("action_lines").len());
        let mut headline = 0.0;
        let mut weights = 0.0;
        for line in lines {
            let code = line["code"].as_str().unwrap();
            let status = line["status"].as_str().unwrap();
            // Milestones done among those not cancelled.
            let live: Vec<&serde_json::Value> = milestones
                .iter()
                .filter(|m| m["action_line"] == code && m["status"] != "cancelled")
                .collect();
            let done = live.iter().filter(|m| m["status"] == "done").count();
            let milestone_share =
                (!live.is_empty()).then(|| done as f64 * 100.0 / live.len() as f64);
            // Each KPI's latest validated total of an ended period, as a share of the way.
            let mut kpi_parts = Vec::new();
            for k in kpis.iter().filter(|k| k["action_line"] == code) {
                let latest = observations
                    .iter()
                    .filter(|o| {
                        o["kpi"] == k["code"]
                            && o["status"] == "validated"
                            && o["disaggregation"].is_null()
                            && period_end(o["period"].as_str().unwrap()) <= today
                    })
                    .max_by_key(|o| period_end(o["period"].as_str().unwrap()));
                if let Some(o) = latest {
                    let (v, b, t) = (
                        o["value"].as_f64().unwrap(),
                        k["baseline_value"].as_f64().unwrap(),
                        k["target_value"].as_f64().unwrap(),
                    );
                    let p = if t == b {
                        let reached = if k["direction"] == "decrease" {
                            v <= t
                        } else {
                            v >= t
                        };
                        if reached { 100.0 } else { 0.0 }
                    } else {
                        ((v - b) / (t - b) * 100.0).clamp(0.0, 100.0)
                    };
                    kpi_parts.push(p);
                }
            }
            let progress = if status == "completed" {
                100.0
            } else {
                mean(
                    &milestone_share
                        .into_iter()
                        .chain(mean(&kpi_parts))
                        .collect::<Vec<_>>(),
                )
                .unwrap_or(0.0)
            };
            let shown = line["progress_pct"].as_f64().unwrap();
            assert!(
                (progress - shown).abs() < 1e-9,
                "{code}: {progress} ≠ {shown}"
            );
            let weight = line["weight"].as_f64().unwrap();
            // The published rule: lines not started or cancelled weigh nothing.
            assert_eq!(
                weight == 0.0,
                status == "not_started" || status == "cancelled",
                "{code}"
            );
            headline += weight * progress;
            weights += weight;
        }
        assert!((weights - 1.0).abs() < 1e-9, "the weights add up to 1");
        let p = published["progress_pct"].as_f64().unwrap();
        assert!((headline - p).abs() < 1e-9, "{headline} ≠ {p}");
        // The home page shows that figure, rounded to one decimal.
        let home = page(&s, "/");
        let shown = format!("<p class=\"big\">{:.1}\u{a0}%</p>", headline);
        assert!(home.contains(&shown), "home shows {shown}");
        assert!(home.contains("/methodology#headline"));
    }
}

/// Who has sent which figures for this period: a submitted figure counts as sent before it is
/// public; a missing one past its deadline is overdue.
#[test]
fn the_reporting_status_names_sent_and_overdue_figures() {
    for (s, _db) in started() {
        let p = page(&s, "/reporting");
        let row = |code: &str| {
            let at = p.find(&format!("/kpis/{code}\"")).unwrap();
            let end = p[at..].find("</tr>").unwrap() + at;
            p[at..end].to_owned()
        };
        // KPI-01's 2026-Q3 figure is submitted, not yet validated.
        assert!(row("KPI-01").contains("2026-Q3"), "{}", row("KPI-01"));
        assert!(
            row("KPI-01").contains("badge on_track"),
            "{}",
            row("KPI-01")
        );
        // KPI-15 has sent nothing since 2026-Q1.
        assert!(
            row("KPI-15").contains("badge off_track"),
            "{}",
            row("KPI-15")
        );
        let fr = page(&s, "/fr/reporting");
        assert!(fr.contains("<h1>État des remontées</h1>"));
    }
}

/// A visitor picks the dimension a KPI's figures are broken down by; without JavaScript, by a
/// form; an unknown dimension is refused in words.
#[test]
fn a_kpi_is_broken_down_by_the_dimension_the_visitor_picks() {
    for (s, _db) in started() {
        let first = page(&s, "/kpis/KPI-24");
        // The first dimension in name order is shown at first.
        assert!(
            first.contains("<option value=\"area\" selected>"),
            "default"
        );
        assert!(first.contains("<th scope=\"col\">rural</th>"));
        let by_sex = page(&s, "/kpis/KPI-24?by=sex");
        assert!(by_sex.contains("<option value=\"sex\" selected>"));
        assert!(by_sex.contains("<th scope=\"col\">female</th><th scope=\"col\">male</th>"));
        assert!(by_sex.contains("KPI-24 by sex"), "the chart is titled");
        let bad = get(&s, "/kpis/KPI-24?by=shoe-size");
        assert_eq!(bad.status, 400);
        assert!(bad.text.contains("shoe-size"));
        // A KPI with totals only has no breakdown.
        assert!(!page(&s, "/kpis/KPI-01").contains("id=\"breakdown\""));
    }
}

/// Figures broken down by two dimensions at once are a breakdown of their own: `area × sex`.
#[test]
fn a_kpi_is_broken_down_by_two_dimensions_combined() {
    for (s, _db) in started() {
        let p = page(&s, "/kpis/KPI-24?by=sex,area");
        assert!(p.contains("<option value=\"area,sex\" selected>area × sex</option>"));
        assert!(
            p.contains("<th scope=\"col\">rural × female</th>"),
            "columns by combination"
        );
        assert!(p.contains("KPI-24 by area × sex"));
        let csv = get(&s, "/kpis/KPI-24.csv").text;
        assert!(csv.contains("\n2025,rural,female,,49.5\n"), "{csv}");
    }
}
