//! A francophone country end to end, on the real binary and both databases: its catalogue and
//! agenda, written only in French (no English column at all), are refused under the default
//! configuration with a message naming English as the default language, then imported under a
//! French-default `agenda.toml`; every page type is served in French, the API and the CSV
//! export carry `fr`, the CPSV-AP export tags its texts `fr`, and an English reader sees the
//! French text marked as such.

use std::path::{Path, PathBuf};

mod common;

use common::{Server, databases, get, get_with, repo, run, run_ok, serve};

fn fixtures() -> PathBuf {
    repo().join("crates/agenda-cli/tests/fixtures/francophone")
}

/// A French-default configuration: the interface in French first, content in French only.
fn french_config(dir: &Path) -> PathBuf {
    let path = dir.join("agenda.toml");
    std::fs::write(
        &path,
        "country = \"République exemple\"\n\
         languages = [\"fr\", \"en\", \"es\"]\n\
         content_languages = [\"fr\"]\n",
    )
    .unwrap();
    path
}

/// Every page type, with a French text each must show.
const PAGES: &[(&str, &str)] = &[
    ("/", "Stratégie nationale du numérique 2030"),
    ("/pillars", "Socles numériques partagés"),
    ("/action-lines", "Identité numérique pour tous"),
    (
        "/action-lines/AL-1.1",
        "Dématérialiser les démarches d'état civil",
    ),
    ("/kpis", "Habitants ayant une identité numérique"),
    ("/kpis/KPI-01", "Démarches d'état civil faites en ligne"),
    (
        "/history/kpis/KPI-01",
        "Historique des modifications — KPI-01",
    ),
    ("/methodology", "Démarches d'état civil faites en ligne"),
    ("/reporting", "Agence nationale du numérique"),
    ("/organisations", "Agence nationale du numérique"),
    ("/organisations/ETAT-CIVIL", "Déclarer une naissance"),
    ("/sdgs", "Paix, justice et institutions efficaces"),
    ("/sdgs/16", "Identité numérique pour tous"),
    (
        "/roadmap",
        "Premier million d'identités numériques délivrées",
    ),
    ("/regulatory-plan", "Loi sur l'identité numérique"),
    ("/funding", "Financement"),
    ("/open-data", "Données ouvertes"),
    ("/services", "Demander un certificat de résidence"),
    ("/services/SVC-001", "Joindre le certificat d'accouchement."),
    ("/search?q=naissance", "Déclarer une naissance"),
    ("/life-events/EV-NAISSANCE", "Déclarer une naissance"),
    ("/building-blocks", "Paiement en ligne"),
    (
        "/building-blocks/BB-ID",
        "Brancher le service sur le fournisseur d'identité.",
    ),
    ("/analysis/once-only", "Nom complet"),
    ("/analysis/roadmap", "Déclarer une naissance"),
    (
        "/analysis/priorities",
        "Demander un certificat de résidence",
    ),
    (
        "/analysis/standard",
        "Comprendre les usagers et leurs besoins",
    ),
    ("/analysis/freshness", "Demander un certificat de résidence"),
    ("/consultations", "Consultation publique sur le projet"),
    (
        "/consultations/CONS-SN-2024",
        "Stratégie nationale du numérique 2030",
    ),
    ("/governance", "Conseil national du numérique"),
    ("/governance/CONSEIL", "Revue annuelle de la stratégie."),
    (
        "/governance/decisions",
        "Adopter la loi sur l'identité numérique avant mi-2026",
    ),
    ("/versions", "Versions"),
];

/// What is wrong with the page at `path`, if it is not in French with `text`.
fn not_french(server: &Server, path: &str, text: &str, label: &str) -> Option<String> {
    let r = get(server, path);
    // Apostrophes as the templates escape them.
    let body = r.text.replace("&#39;", "'").replace("&#x27;", "'");
    let main = body.split("<main").nth(1).unwrap_or(&body);
    let wrong = if r.status != 200 {
        format!("status {}", r.status)
    } else if !body.contains("<html lang=\"fr\"") {
        "not in French".to_owned()
    } else if !body.contains(text) {
        format!("does not show {text:?}")
    } else if main.contains("class=\"fallback\"") {
        // Nothing is shown in another language for want of a French text.
        "falls back to another language".to_owned()
    } else {
        return None;
    };
    Some(format!(
        "{label} {path}: {wrong}\n{}",
        main.chars().take(1500).collect::<String>()
    ))
}

#[test]
fn a_country_writing_only_in_french_imports_serves_and_exports_in_french() {
    for db in databases() {
        let label = db.label;
        let dir = tempfile::tempdir().unwrap();
        let folder = fixtures();
        let folder = folder.to_str().unwrap();

        // Under the default configuration English is the default language: refused, naming it.
        let out = run(&db.url, &["import", folder]);
        assert!(!out.status.success(), "{label}: accepted without English");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("services.csv, column title_en: expected this required column in the header row (a text in English (en, the default language, is required))"),
            "{label}: {err}"
        );

        let config = french_config(dir.path());
        let config = config.to_str().unwrap();
        let imported = run_ok(&db.url, &["--config", config, "import", folder]);
        assert!(
            imported.contains("SVC-001") || !imported.is_empty(),
            "{imported}"
        );
        // Nothing left to report by `agenda check`: every text has the default language.
        let check = run(&db.url, &["--config", config, "check"]);
        let check_out = String::from_utf8_lossy(&check.stdout);
        assert!(
            !check_out.contains("the default language"),
            "{label}: {check_out}"
        );

        let server = serve(&db.url, &["--config", config]);
        let mut wrong = Vec::new();
        for (path, text) in PAGES {
            // The default language's pages have no prefix; `/fr/…` names it all the same.
            let prefixed = if *path == "/" {
                "/fr".to_owned()
            } else {
                format!("/fr{path}")
            };
            wrong.extend(not_french(&server, path, text, label));
            wrong.extend(not_french(&server, &prefixed, text, label));
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));

        // An English reader gets the English interface, the French text marked as French.
        let en = get_with(&server, "/services/SVC-001", &[("accept-language", "en")]);
        assert!(en.text.contains("<html lang=\"en\""), "{label}");
        assert!(
            en.text
                .contains("<span lang=\"fr\" dir=\"ltr\">Déclarer une naissance</span>")
                && en.text.contains("(in French)"),
            "{label}: the fallback is not marked"
        );

        // The API carries the texts under `fr`.
        let api = get(&server, "/api/v1/services/SVC-001").json();
        assert_eq!(
            api["data"]["title"]["fr"]
                .as_str()
                .or(api["title"]["fr"].as_str()),
            Some("Déclarer une naissance"),
            "{label}: {api}"
        );
        let jsonld = get(&server, "/api/v1/catalogue.jsonld").text;
        assert!(
            jsonld.contains("\"@language\": \"fr\"") || jsonld.contains("\"@language\":\"fr\""),
            "{label}"
        );
        drop(server);

        // The CSV export writes French columns and no English one, and reads back as it is.
        let csv = dir.path().join("export");
        run_ok(
            &db.url,
            &["--config", config, "export", "--out", csv.to_str().unwrap()],
        );
        let services = std::fs::read_to_string(csv.join("services.csv")).unwrap();
        let header = services.lines().next().unwrap();
        assert!(
            header.contains("title_fr") && !header.contains("_en"),
            "{label}: {header}"
        );
        assert!(services.contains("Déclarer une naissance"));
        let again = run_ok(
            &db.url,
            &["--config", config, "import", csv.to_str().unwrap()],
        );
        assert!(!again.is_empty());

        // CPSV-AP: every language-tagged text of the catalogue is French.
        let cpsv = dir.path().join("catalogue.jsonld");
        run_ok(
            &db.url,
            &[
                "--config",
                config,
                "export",
                "--format",
                "cpsv-ap",
                "--out",
                cpsv.to_str().unwrap(),
            ],
        );
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&cpsv).unwrap()).unwrap();
        let mut tags = Vec::new();
        collect_languages(&doc, &mut tags);
        let titles: Vec<&str> = tags
            .iter()
            .filter(|(_, v)| v == "Déclarer une naissance")
            .map(|(l, _)| l.as_str())
            .collect();
        assert_eq!(titles, ["fr"], "{label}");
        assert!(
            !tags
                .iter()
                .any(|(l, v)| l != "fr" && v.contains("naissance")),
            "{label}: {tags:?}"
        );
    }
}

/// Every `{"@language": …, "@value": …}` in a JSON-LD document.
fn collect_languages(v: &serde_json::Value, out: &mut Vec<(String, String)>) {
    match v {
        serde_json::Value::Object(m) => {
            if let (Some(l), Some(s)) = (
                m.get("@language").and_then(|l| l.as_str()),
                m.get("@value").and_then(|s| s.as_str()),
            ) {
                out.push((l.to_owned(), s.to_owned()));
            }
            for x in m.values() {
                collect_languages(x, out);
            }
        }
        serde_json::Value::Array(a) => {
            for x in a {
                collect_languages(x, out);
            }
        }
        _ => {}
    }
}
