//! The record forms as the template receives them, for every kind and language.

use std::sync::Arc;

use agenda_core::model::Direction;
use agenda_core::{Code, Kind, Snapshot};

use super::controls::{self, Viewer};
use super::forms;

fn demo() -> Snapshot {
    let sdg = Arc::new(agenda_io::embedded::sdg().unwrap());
    let empty =
        Snapshot::empty(sdg).with_frameworks(Arc::new(agenda_io::embedded::frameworks().unwrap()));
    let plan =
        agenda_io::plan_import(&empty, &agenda_io::embedded::demo_tables().unwrap()).unwrap();
    agenda_io::apply_in_memory(&empty, &plan)
}

#[test]
fn every_key_of_the_administration_exists_in_every_language() {
    let keys = |file: &str| -> Vec<String> {
        file.lines()
            .filter_map(|l| l.split_once(" = ").map(|(k, _)| k.trim().to_owned()))
            .filter(|k| !k.starts_with('#'))
            .collect()
    };
    let en = keys(include_str!("../../../locales/en/admin.ftl"));
    assert!(en.len() > 100);
    for (lang, file) in [
        ("fr", include_str!("../../../locales/fr/admin.ftl")),
        ("es", include_str!("../../../locales/es/admin.ftl")),
    ] {
        let theirs = keys(file);
        for k in &en {
            assert!(theirs.contains(k), "{lang} lacks {k}");
        }
        assert_eq!(theirs.len(), en.len(), "{lang} has keys English lacks");
    }
}

#[test]
fn every_form_of_every_kind_is_in_words_in_every_language() {
    let s = demo();
    for lang in ["en", "fr", "es"] {
        let v = Viewer {
            lang,
            own_org: None,
        };
        for &kind in Kind::ALL {
            let texts = |e: Option<&agenda_core::Entity>| {
                let fields = forms::fields(&s, kind, e);
                let (blocks, _, _) = controls::blocks(&s, kind, &fields, &v);
                let mut out = Vec::new();
                for b in blocks {
                    if let Some(g) = b.group {
                        out.push(g.legend);
                        out.extend(g.fields.into_iter().map(|f| f.label));
                    }
                    for f in b.fields {
                        out.push(f.label.clone());
                        out.extend(f.hint);
                        out.extend(f.options.into_iter().map(|o| o.label));
                    }
                }
                out
            };
            let first = s.entities(kind).next();
            for text in texts(None).into_iter().chain(texts(first.as_ref())) {
                assert!(
                    !text.contains("Unknown localization") && !text.starts_with("admin-"),
                    "{lang} {kind:?}: {text}"
                );
                assert!(
                    !text.contains('_') || text.contains(' '),
                    "{lang} {kind:?}: {text}"
                );
            }
        }
    }
}

fn field<'a>(blocks: &'a [controls::Block], name: &str) -> &'a controls::FieldView {
    blocks
        .iter()
        .flat_map(|b| {
            b.fields
                .iter()
                .chain(b.group.iter().flat_map(|g| g.fields.iter()))
        })
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no field {name}"))
}

#[test]
fn a_vocabulary_is_a_select_of_exactly_its_allowed_values() {
    let s = demo();
    let v = Viewer {
        lang: "fr",
        own_org: None,
    };
    let kpi = s.entities(Kind::Kpi).next().unwrap();
    let fields = forms::fields(&s, Kind::Kpi, Some(&kpi));
    let (blocks, _, _) = controls::blocks(&s, Kind::Kpi, &fields, &v);
    let direction = field(&blocks, "direction");
    assert_eq!(direction.control, "select");
    let values: Vec<&str> = direction.options.iter().map(|o| o.value.as_str()).collect();
    let allowed: Vec<&str> = Direction::ALL.iter().map(|d| d.as_str()).collect();
    assert_eq!(values, allowed);
    assert_eq!(direction.options.iter().filter(|o| o.selected).count(), 1);
    assert!(
        direction.options.iter().all(|o| o.label != o.value),
        "in words"
    );
    assert_eq!(field(&blocks, "baseline_date").control, "date");
    assert_eq!(field(&blocks, "target_value").control, "number");
    // A new record offers the values behind an empty first choice, none silently picked.
    let fields = forms::fields(&s, Kind::Kpi, None);
    let (blocks, _, _) = controls::blocks(&s, Kind::Kpi, &fields, &v);
    let frequency = field(&blocks, "frequency");
    let values: Vec<&str> = frequency.options.iter().map(|o| o.value.as_str()).collect();
    assert_eq!(values, ["", "monthly", "quarterly", "yearly"]);
    assert!(frequency.options[0].selected);
}

#[test]
fn framework_indicators_are_boxes_named_in_english_and_the_kpis_are_ticked() {
    let s = demo();
    let v = Viewer {
        lang: "fr",
        own_org: None,
    };
    let mut k = s.kpis.values().next().unwrap().clone();
    k.framework_indicators = vec![
        "wb-gtmi-2022:I-26".to_owned(),
        "eu-digital-decade-2030:dd_bds".to_owned(),
    ];
    let kpi: agenda_core::Entity = k.into();
    let fields = forms::fields(&s, Kind::Kpi, Some(&kpi));
    let (blocks, _, _) = controls::blocks(&s, Kind::Kpi, &fields, &v);
    let f = field(&blocks, "framework_indicators");
    assert_eq!(f.control, "checkboxes");
    assert!(f.search, "a long list gets a filter box");
    let all: usize = s.frameworks.iter().map(|f| f.indicators.len()).sum();
    assert_eq!(f.options.len(), all);
    // Ticked in the frameworks' order, whatever the KPI's.
    let ticked: Vec<&str> = f
        .options
        .iter()
        .filter(|o| o.selected)
        .map(|o| o.value.as_str())
        .collect();
    assert_eq!(
        ticked,
        ["eu-digital-decade-2030:dd_bds", "wb-gtmi-2022:I-26"]
    );
    let bds = f
        .options
        .iter()
        .find(|o| o.value == "eu-digital-decade-2030:dd_bds")
        .unwrap();
    assert_eq!(
        bds.label,
        "Digital Decade dd_bds — At least basic digital skills"
    );
    assert_eq!(
        bds.lang,
        Some("en"),
        "English names are marked on a French page"
    );
}

#[test]
fn a_reference_is_a_select_of_names_and_an_entity_names_only_itself() {
    let s = demo();
    let v = Viewer {
        lang: "en",
        own_org: None,
    };
    let fields = forms::fields(&s, Kind::ProgressReport, None);
    let (blocks, _, _) = controls::blocks(&s, Kind::ProgressReport, &fields, &v);
    let line = field(&blocks, "action_line");
    assert_eq!(line.control, "select");
    let al = s.action_lines.values().next().unwrap();
    let opt = line
        .options
        .iter()
        .find(|o| o.value == al.code.as_str())
        .expect("every action line offered");
    assert!(opt.label.contains(al.title.get("en")), "{}", opt.label);
    assert_eq!(line.options.len(), s.action_lines.len() + 1);

    let own: Code = s.organisations.values().next().unwrap().code.clone();
    let v = Viewer {
        lang: "en",
        own_org: Some(&own),
    };
    let (blocks, _, _) = controls::blocks(&s, Kind::ProgressReport, &fields, &v);
    let org = field(&blocks, "submitted_by_org");
    assert_eq!(org.options.len(), 1);
    assert!(org.options[0].selected && org.options[0].value == own.as_str());
}

#[test]
fn texts_are_grouped_by_language_and_errors_are_summarised_with_links() {
    // A country writing in English and French (the demo's Spanish is not one of its languages).
    let lang = |l: &str| agenda_core::Lang::parse(l).unwrap();
    let s = demo().with_languages(std::sync::Arc::new(
        agenda_core::languages::ContentLanguages::new(vec![lang("en"), lang("fr")], vec![])
            .unwrap(),
    ));
    let v = Viewer {
        lang: "en",
        own_org: None,
    };
    let e = s.entities(Kind::Service).next().unwrap();
    let mut fields = forms::fields(&s, Kind::Service, Some(&e));
    for f in fields.iter_mut() {
        if f.name == "maturity" {
            f.value = "7".into();
        }
    }
    assert!(forms::parse(&s, Kind::Service, &mut fields, "en").is_none());
    let (blocks, hidden, errors) = controls::blocks(&s, Kind::Service, &fields, &v);
    let title = blocks
        .iter()
        .filter_map(|b| b.group.as_ref())
        .find(|g| g.id == "g-title")
        .expect("the title's languages in one group");
    let in_group: Vec<&str> = title.fields.iter().map(|f| f.lang.as_str()).collect();
    assert_eq!(in_group, ["en", "fr"]);
    // Spanish is not written here: its text is carried, unchanged, as a hidden value.
    assert!(hidden.iter().any(|(n, _)| n == "title_es"));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].id, "f-maturity");
    assert_eq!(field(&blocks, "maturity").described, "f-maturity-error");
}

/// Every closed list of the column spec (vocabularies, levels, yes/no) is a select of exactly
/// its values, each in words in every language: the form reads the spec, not a list of its own.
#[test]
fn every_closed_column_of_the_spec_is_a_select_of_its_values_in_words() {
    let s = demo();
    for lang in ["en", "fr", "es"] {
        let v = Viewer {
            lang,
            own_org: None,
        };
        for &kind in Kind::ALL {
            let table = agenda_io::native::table_of(kind);
            let spec = agenda_io::columns::table(table).unwrap();
            let fields = forms::fields(&s, kind, None);
            let (blocks, _, _) = controls::blocks(&s, kind, &fields, &v);
            for c in spec.columns.iter().filter(|c| c.written && !c.list) {
                let allowed = c.allowed();
                if allowed.is_empty() {
                    continue;
                }
                let f = field(&blocks, c.name);
                assert_eq!(f.control, "select", "{table}.{}", c.name);
                let values: Vec<&str> = f
                    .options
                    .iter()
                    .map(|o| o.value.as_str())
                    .filter(|v| !v.is_empty())
                    .collect();
                assert_eq!(values, allowed, "{table}.{}", c.name);
                let prefix = match c.value {
                    agenda_io::columns::Value::Vocabulary { name, .. }
                    | agenda_io::columns::Value::Level { name, .. } => controls::words_of(name),
                    _ => "admin",
                };
                for o in f.options.iter().filter(|o| !o.value.is_empty()) {
                    let key = match o.value.as_str() {
                        "%" => format!("{prefix}-percent"),
                        v => format!("{prefix}-{v}"),
                    };
                    assert_eq!(
                        crate::site::i18n::t_opt(lang, &key).as_deref(),
                        Some(o.label.as_str()),
                        "{lang} {table}.{}: {} has no words",
                        c.name,
                        o.value
                    );
                }
            }
            let spec_link = spec
                .columns
                .iter()
                .find(|c| matches!(c.value, agenda_io::columns::Value::Link));
            if let Some(c) = spec_link {
                assert_eq!(field(&blocks, c.name).control, "url");
            }
        }
    }
}

/// The form's fields of a record as a browser sends them (list columns one value per box).
fn as_sent(fields: &[forms::Field], list: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for f in fields {
        if f.name == list {
            out.extend(
                f.value
                    .split(';')
                    .filter(|v| !v.is_empty())
                    .map(|v| (f.name.clone(), v.to_owned())),
            );
        } else {
            out.push((f.name.clone(), f.value.clone()));
        }
    }
    out
}

#[tokio::test]
async fn a_list_of_codes_is_a_group_of_boxes_and_two_ticked_codes_are_stored() {
    use agenda_core::Role;
    let app = crate::testkit::TestApp::demo_sqlite().await;
    let ed = app.with_user(Role::Editor, None).await;
    let s = app.state.store.snapshot();
    let svc = s.services.values().next().unwrap().clone();
    let path = format!("/admin/data/services/{}", svc.code);
    let page = app.get(&ed, &path).await;
    // The group has a legend, its first box is where the error summary would link to.
    assert!(
        page.body
            .contains(r#"<input type="checkbox" id="f-life_event" name="life_event""#),
        "{}",
        page.body
    );
    assert!(page.body.contains("<legend>"));
    let le = s.life_events.values().next().unwrap();
    assert!(
        page.body
            .contains(&format!(">{} ({})</label>", le.title.get("en"), le.code))
    );

    let chosen: Vec<String> = s
        .life_events
        .keys()
        .rev()
        .take(2)
        .map(|c| c.to_string())
        .collect();
    let fields = forms::fields(
        &s,
        Kind::Service,
        Some(&agenda_core::Entity::Service(svc.clone())),
    );
    let mut sent: Vec<(String, String)> = as_sent(&fields, "life_event")
        .into_iter()
        .filter(|(n, _)| n != "life_event")
        .collect();
    for c in &chosen {
        sent.push(("life_event".into(), c.clone()));
    }
    let version = app
        .state
        .store
        .version_of(Kind::Service, svc.code.as_str())
        .await
        .unwrap()
        .unwrap();
    sent.push(("version".into(), version.to_string()));
    let pairs: Vec<(&str, &str)> = sent.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let r = app.post_form(&ed, &path, &pairs).await;
    assert!(
        r.status.is_redirection() || r.status.is_success(),
        "{} {}",
        r.status,
        r.body
    );
    let after = app.state.store.snapshot();
    let stored: Vec<String> = after.services[svc.code.as_str()]
        .life_event
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(stored, chosen);
    assert_ne!(
        svc.life_event
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>(),
        chosen,
        "a change"
    );
}

#[tokio::test]
async fn a_refused_value_is_explained_in_the_language_of_the_form() {
    use agenda_core::Role;
    let app = crate::testkit::TestApp::demo_sqlite().await;
    let ed = app.with_user(Role::Editor, None).await;
    let s = app.state.store.snapshot();
    let svc = s.services.values().next().unwrap().clone();
    let fields = forms::fields(
        &s,
        Kind::Service,
        Some(&agenda_core::Entity::Service(svc.clone())),
    );
    let mut sent = as_sent(&fields, "life_event");
    for (n, v) in sent.iter_mut() {
        if n == "last_reviewed" {
            *v = "31/12/2025".into();
        }
    }
    let version = app
        .state
        .store
        .version_of(Kind::Service, svc.code.as_str())
        .await
        .unwrap()
        .unwrap();
    sent.push(("version".into(), version.to_string()));
    let pairs: Vec<(&str, &str)> = sent.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let r = app
        .post_form(
            &ed,
            &format!("/fr/admin/data/services/{}", svc.code),
            &pairs,
        )
        .await;
    assert_eq!(r.status.as_u16(), 422, "{}", r.body);
    assert!(
        r.body.contains("une date au format AAAA-MM-JJ"),
        "{}",
        r.body
    );
    assert!(!r.body.contains("a date as YYYY-MM-DD"));
    assert!(r.body.contains(r##"href="#f-last_reviewed""##));
}

/// A reviewer finds what waits for validation: a kind with states is listed by state, its
/// state shown; the home counts what was submitted.
#[tokio::test]
async fn records_are_listed_by_state_and_the_home_counts_what_awaits_validation() {
    use agenda_core::{ObservationStatus, Role};
    use axum::http::StatusCode;
    let app = crate::testkit::TestApp::demo_sqlite().await;
    let ed = app.with_user(Role::Editor, None).await;
    let s = app.state.store.snapshot();
    let submitted: Vec<String> = s
        .budgets
        .iter()
        .filter(|(_, b)| b.status == ObservationStatus::Submitted)
        .map(|(k, _)| k.clone())
        .collect();
    assert!(!submitted.is_empty());
    let page = app.get(&ed, "/admin/data/budgets?status=submitted").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(&format!("{} records", submitted.len())),
        "{}",
        page.body
    );
    for k in &submitted {
        assert!(page.body.contains(&format!("<code>{k}</code>")), "{k}");
    }
    assert!(!page.body.contains("<td>Validated</td>"));
    assert!(page.body.contains("<option value=\"submitted\" selected>"));
    // Every line when no state is chosen; a state the kind does not have, or a kind without
    // states, is a bad filter.
    let all = app.get(&ed, "/admin/data/budgets").await;
    assert!(all.body.contains(&format!("{} records", s.budgets.len())));
    assert!(all.body.contains("<td>Validated</td>"));
    for bad in [
        "/admin/data/budgets?status=approved",
        "/admin/data/pillars?status=draft",
    ] {
        assert_eq!(
            app.get(&ed, bad).await.status,
            StatusCode::BAD_REQUEST,
            "{bad}"
        );
    }
    // Observations too: the same filter finds the submitted figures.
    let figures = s
        .observations
        .values()
        .filter(|o| o.status == ObservationStatus::Submitted)
        .count();
    let page = app
        .get(&ed, "/admin/data/observations?status=submitted")
        .await;
    assert!(page.body.contains(&format!("{figures} records")));
    // The home links to both lists, with their counts.
    let home = app.get(&ed, "/admin").await;
    assert!(home.body.contains(&format!(
        "<a href=\"/admin/data/budgets?status=submitted\">Budget lines</a> ({})",
        submitted.len()
    )));
    assert!(home.body.contains(&format!(
        "<a href=\"/admin/data/observations?status=submitted\">Indicator figures</a> ({figures})"
    )));
}

/// A French-default country's form: the French field first and required, the other content
/// languages after it, and a text without French refused in the reader's words.
#[test]
fn a_form_offers_the_country_s_languages_default_first() {
    let lang = |l: &str| agenda_core::Lang::parse(l).unwrap();
    let s = demo().with_languages(std::sync::Arc::new(
        agenda_core::languages::ContentLanguages::new(
            vec![lang("fr"), lang("wo"), lang("en")],
            vec![],
        )
        .unwrap(),
    ));
    let e = s.get(Kind::Service, "SVC-001").unwrap();
    let mut fields = forms::fields(&s, Kind::Service, Some(&e));
    let titles: Vec<&str> = fields
        .iter()
        .map(|f| f.name.as_str())
        .filter(|n| n.starts_with("title_"))
        .collect();
    assert_eq!(titles[..3], ["title_fr", "title_wo", "title_en"]);
    assert!(fields.iter().any(|f| f.name == "title_fr" && f.required));
    assert!(forms::label("en", "title_wo").contains("Wolof"));
    for f in fields.iter_mut() {
        if f.name == "title_fr" {
            f.value.clear();
        }
    }
    assert!(forms::parse(&s, Kind::Service, &mut fields, "fr").is_none());
    let error = fields
        .iter()
        .find(|f| f.name == "title_fr")
        .and_then(|f| f.error.clone())
        .unwrap();
    assert!(
        error.contains("un texte en français (fr, la langue par défaut, est obligatoire)"),
        "{error}"
    );
    // Written in French only, it is accepted.
    for f in fields.iter_mut() {
        match f.name.as_str() {
            "title_fr" => f.value = "Déclarer une naissance".into(),
            n if n.starts_with("title_") || n.starts_with("summary_") => f.value.clear(),
            _ => {}
        }
    }
    let parsed = forms::parse(&s, Kind::Service, &mut fields, "fr").expect("accepted");
    let agenda_core::Entity::Service(v) = parsed else {
        panic!("a service")
    };
    assert_eq!(
        v.title
            .langs()
            .map(agenda_core::Lang::as_str)
            .collect::<Vec<_>>(),
        ["fr"]
    );
}
