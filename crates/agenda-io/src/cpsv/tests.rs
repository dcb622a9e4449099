//! The CPSV-AP mapping on the demo country, checked without a SHACL processor: what the shapes
//! require of each class, the classes of the values (`sh:class`) and the language tags.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use agenda_core::Snapshot;
use serde_json::Value;

use super::*;
use crate::embedded::{demo_tables, sdg};
use crate::{apply_in_memory, plan_import};

fn demo() -> Snapshot {
    let base = Snapshot::empty(Arc::new(sdg().unwrap()));
    let plan = plan_import(&base, &demo_tables().unwrap()).unwrap();
    apply_in_memory(&base, &plan)
}

const BASE: &str = "https://services.gov.example/";

/// Expands `prefix:local` with the document's own prefixes.
fn expand(doc: &Value, curie: &str) -> String {
    let (p, local) = curie.split_once(':').unwrap();
    format!("{}{local}", doc["@context"][1][p].as_str().unwrap())
}

/// The values of a property as a list (a single value or an array).
fn values<'a>(node: &'a Value, prop: &str) -> Vec<&'a Value> {
    match node.get(prop) {
        None => vec![],
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v) => vec![v],
    }
}

fn types(node: &Value) -> BTreeSet<&str> {
    values(node, "@type")
        .into_iter()
        .map(|t| t.as_str().unwrap())
        .collect()
}

fn nodes(doc: &Value) -> BTreeMap<&str, &Value> {
    doc["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["@id"].as_str().unwrap(), n))
        .collect()
}

#[test]
fn the_document_references_the_published_context_with_known_prefixes() {
    let doc = catalogue_jsonld(&demo(), BASE);
    assert_eq!(doc["@context"][0], CONTEXT_URL);
    assert_eq!(
        expand(&doc, "cpsv:PublicService"),
        "http://purl.org/vocab/cpsv#PublicService"
    );
    assert_eq!(
        expand(&doc, "cv:Channel"),
        "http://data.europa.eu/m8g/Channel"
    );
    assert_eq!(expand(&doc, "dct:title"), "http://purl.org/dc/terms/title");
    // Every compact IRI used as a key or a type has a declared prefix.
    for n in doc["@graph"].as_array().unwrap() {
        for (k, _) in n.as_object().unwrap() {
            if !k.starts_with('@') {
                expand(&doc, k);
            }
        }
        for t in types(n) {
            expand(&doc, t);
        }
    }
}

#[test]
fn every_service_is_a_public_service_with_what_the_shapes_require() {
    let s = demo();
    let doc = catalogue_jsonld(&s, BASE);
    let nodes = nodes(&doc);
    assert_eq!(s.services.len(), 91);
    for svc in s.services.values() {
        let iri = format!("https://services.gov.example/services/{}", svc.code);
        let n = nodes.get(iri.as_str()).unwrap_or_else(|| panic!("{iri}"));
        assert_eq!(types(n), BTreeSet::from(["cpsv:PublicService"]));
        assert_eq!(n["dct:identifier"], svc.code.as_str());
        assert!(!values(n, "dct:title").is_empty());
        assert!(!values(n, "dct:description").is_empty());
        assert_eq!(values(n, "cv:hasCompetentAuthority").len(), 1);
        assert_eq!(values(n, "cv:hasChannel").len(), svc.channels.len());
        let inputs: BTreeSet<_> = svc.evidence.iter().chain(&svc.evidence_fetched).collect();
        assert_eq!(values(n, "cpsv:hasInput").len(), inputs.len(), "{iri}");
        assert_eq!(values(n, "cv:isGroupedBy").len(), svc.life_event.len());
    }
    let services = doc["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| types(n).contains("cpsv:PublicService"))
        .count();
    assert_eq!(services, s.services.len());
}

#[test]
fn services_with_a_known_fee_have_their_cost_and_free_ones_say_so() {
    let s = demo();
    let doc = catalogue_jsonld(&s, BASE);
    let nodes = nodes(&doc);
    let mut paid = 0;
    let mut free = 0;
    for svc in s.services.values() {
        let n = nodes[format!("{BASE}services/{}", svc.code).as_str()];
        let Some(fee) = svc.fee else {
            // No fee is made up, not even from what a transaction costs the state.
            assert!(n.get("cv:hasCost").is_none(), "{}", svc.code);
            continue;
        };
        let iri = format!("{BASE}services/{}/cost", svc.code);
        assert_eq!(n["cv:hasCost"]["@id"], iri.as_str());
        let cost = nodes[iri.as_str()];
        assert_eq!(types(cost), BTreeSet::from(["cv:Cost"]));
        assert_eq!(cost["dct:identifier"], format!("{}:fee", svc.code));
        assert_eq!(cost["cv:hasValue"]["@type"], "xsd:double");
        let value: f64 = cost["cv:hasValue"]["@value"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(value, fee, "{}", svc.code);
        assert_eq!(
            cost["cv:currency"]["@id"],
            format!("{BASE}concepts/currency/national")
        );
        let english = values(cost, "dct:description")
            .into_iter()
            .find(|d| d["@language"] == "en")
            .unwrap()["@value"]
            .as_str()
            .unwrap();
        if fee == 0.0 {
            assert_eq!(english, "Free of charge");
            free += 1;
        } else {
            assert!(english.starts_with("Fee"), "{english}");
            paid += 1;
        }
    }
    // The demo: 20 services with a known fee, 11 of them free.
    assert_eq!((paid, free), (9, 11));
    assert_eq!(
        nodes[format!("{BASE}services/SVC-043/cost").as_str()]["cv:hasValue"]["@value"],
        "60.0"
    );
    let costs = nodes
        .values()
        .filter(|n| types(n).contains("cv:Cost"))
        .count();
    assert_eq!(costs, 20);
}

#[test]
fn without_any_fee_there_is_no_cost_nor_currency() {
    let mut s = demo();
    let codes: Vec<_> = s.services.keys().cloned().collect();
    for code in codes {
        let mut svc = s.services[&code].clone();
        svc.fee = None;
        s.services.insert(code, svc);
    }
    let doc = catalogue_jsonld(&s, BASE);
    let nodes = nodes(&doc);
    assert!(
        nodes
            .values()
            .all(|n| n.get("cv:hasCost").is_none() && !types(n).contains("cv:Cost"))
    );
    assert!(!nodes.contains_key(format!("{BASE}concepts/currency").as_str()));
}

#[test]
fn every_referenced_node_is_in_the_document_with_the_class_the_shapes_name() {
    let doc = catalogue_jsonld(&demo(), BASE);
    let nodes = nodes(&doc);
    // property → the sh:class of its values in the CPSV-AP 3.2.0 shapes.
    let class_of: BTreeMap<&str, &str> = BTreeMap::from([
        ("cv:hasCompetentAuthority", "cv:PublicOrganisation"),
        ("cv:hasChannel", "cv:Channel"),
        ("cpsv:hasInput", "cv:Evidence"),
        ("cv:isGroupedBy", "cv:Event"),
        ("cv:hasRelatedService", "cpsv:PublicService"),
        ("cv:hasCost", "cv:Cost"),
        ("cv:contactPoint", "cv:ContactPoint"),
        ("cv:holdsRequirement", "cv:Requirement"),
        ("dct:language", "dct:LinguisticSystem"),
        ("cv:currency", "skos:Concept"),
        ("dct:type", "skos:Concept"),
        ("dct:audience", "skos:Concept"),
        ("dct:spatial", "dct:Location"),
        ("skos:inScheme", "skos:ConceptScheme"),
        ("skos:topConceptOf", "skos:ConceptScheme"),
    ]);
    let mut checked = 0;
    for n in nodes.values() {
        for prop in n.as_object().unwrap().keys() {
            for v in values(n, prop) {
                let Some(target) = v.get("@id").and_then(Value::as_str) else {
                    continue;
                };
                // Web pages outside the document.
                if prop == "foaf:homepage" || prop == "foaf:page" {
                    continue;
                }
                let node = nodes
                    .get(target)
                    .unwrap_or_else(|| panic!("{prop} → {target} is not in the document"));
                let class = class_of
                    .get(prop.as_str())
                    .unwrap_or_else(|| panic!("no class known for {prop}"));
                assert!(
                    types(node).contains(class),
                    "{prop} → {target} is not typed {class}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 500, "{checked}");
}

#[test]
fn each_class_has_the_properties_its_shape_makes_mandatory() {
    let doc = catalogue_jsonld(&demo(), BASE);
    // class → mandatory properties (sh:minCount 1), and those allowed at most once.
    let rules: [(&str, &[&str], &[&str]); 8] = [
        (
            "cpsv:PublicService",
            &[
                "dct:identifier",
                "dct:title",
                "dct:description",
                "cv:hasCompetentAuthority",
            ],
            &["dct:identifier"],
        ),
        (
            "cv:PublicOrganisation",
            &["skos:prefLabel", "dct:spatial"],
            &[],
        ),
        (
            "foaf:Agent",
            &["dct:identifier", "dct:title"],
            &["dct:identifier"],
        ),
        (
            "cv:Channel",
            &["dct:identifier"],
            &["dct:identifier", "dct:type"],
        ),
        (
            "cv:Evidence",
            &["dct:identifier", "dct:title"],
            &["dct:identifier"],
        ),
        (
            "cv:Event",
            &["dct:identifier", "dct:title"],
            &["dct:identifier"],
        ),
        (
            "cv:Cost",
            &["dct:identifier"],
            &["dct:identifier", "cv:hasValue", "cv:currency"],
        ),
        ("skos:Concept", &["skos:prefLabel", "skos:inScheme"], &[]),
    ];
    let mut seen = BTreeMap::new();
    for n in doc["@graph"].as_array().unwrap() {
        for (class, required, single) in &rules {
            if !types(n).contains(class) {
                continue;
            }
            *seen.entry(*class).or_insert(0) += 1;
            for p in *required {
                assert!(!values(n, p).is_empty(), "{} lacks {p}", n["@id"]);
            }
            for p in *single {
                assert!(values(n, p).len() <= 1, "{} has several {p}", n["@id"]);
            }
        }
        if types(n).contains("cv:LifeEvent") || types(n).contains("cv:BusinessEvent") {
            assert!(types(n).contains("cv:Event"), "{}", n["@id"]);
        }
    }
    assert_eq!(seen.len(), rules.len(), "every class occurs: {seen:?}");
}

#[test]
fn texts_are_language_tagged_with_every_translation() {
    let s = demo();
    let doc = catalogue_jsonld(&s, BASE);
    let nodes = nodes(&doc);
    for n in nodes.values() {
        for p in ["dct:title", "dct:description", "skos:prefLabel"] {
            for v in values(n, p) {
                let lang = v["@language"].as_str().unwrap_or_else(|| panic!("{v}"));
                assert!(!lang.is_empty() && !lang.contains('_'), "{lang}");
                assert!(!v["@value"].as_str().unwrap().is_empty());
            }
        }
    }
    let birth = nodes["https://services.gov.example/services/SVC-001"];
    let titles: BTreeMap<&str, &str> = values(birth, "dct:title")
        .into_iter()
        .map(|v| {
            (
                v["@language"].as_str().unwrap(),
                v["@value"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        titles,
        BTreeMap::from([
            ("ar", "تسجيل مولود"),
            ("en", "Register a birth"),
            ("es", "Registrar un nacimiento"),
            ("fr", "Déclarer une naissance"),
            ("pt", "Registar um nascimento"),
        ])
    );
    let cra = &s.organisations["CRA"];
    let org = nodes["https://services.gov.example/organisations/CRA"];
    assert_eq!(
        values(org, "skos:prefLabel").len(),
        cra.name.langs().count()
    );
}

#[test]
fn channels_without_an_eu_code_get_concepts_of_our_own_scheme() {
    let doc = catalogue_jsonld(&demo(), "https://services.gov.example");
    let nodes = nodes(&doc);
    for name in ["chatbot", "voice", "ussd", "mobile_app", "web"] {
        let iri = format!("https://services.gov.example/concepts/channel/{name}");
        let c = nodes.get(iri.as_str()).unwrap_or_else(|| panic!("{iri}"));
        assert_eq!(types(c), BTreeSet::from(["skos:Concept"]));
        assert_eq!(
            c["skos:inScheme"]["@id"],
            "https://services.gov.example/concepts/channel"
        );
    }
    let channel = nodes["https://services.gov.example/services/SVC-004/channels/ussd"];
    assert_eq!(channel["dct:identifier"], "SVC-004:ussd");
    assert_eq!(
        channel["dct:type"]["@id"],
        "https://services.gov.example/concepts/channel/ussd"
    );
}

#[test]
fn events_are_life_or_business_events_and_list_their_services() {
    let s = demo();
    let doc = catalogue_jsonld(&s, BASE);
    let nodes = nodes(&doc);
    for e in s.life_events.values() {
        let n = nodes[format!("https://services.gov.example/life-events/{}", e.code).as_str()];
        let kind = match e.audience {
            agenda_core::EventAudience::Citizen => "cv:LifeEvent",
            agenda_core::EventAudience::Business => "cv:BusinessEvent",
        };
        assert_eq!(types(n), BTreeSet::from(["cv:Event", kind]));
        let expected = s
            .services
            .values()
            .filter(|svc| svc.life_event.contains(&e.code))
            .count();
        assert_eq!(values(n, "cv:hasRelatedService").len(), expected);
    }
}

#[test]
fn the_country_names_the_jurisdiction_and_the_base_uri_is_normalised() {
    let doc = catalogue_jsonld_in(&demo(), " https://a.example/// ", Some("Demo Republic"));
    let nodes = nodes(&doc);
    let place = nodes["https://a.example/locations/jurisdiction"];
    assert_eq!(place["locn:geographicName"], "Demo Republic");
    assert!(nodes.contains_key("https://a.example/services/SVC-001"));
}

#[test]
fn a_service_without_summary_is_described_by_its_title() {
    let mut s = demo();
    let mut svc = s.services["SVC-001"].clone();
    svc.summary = None;
    s.services.insert("SVC-001".into(), svc);
    let doc = catalogue_jsonld(&s, BASE);
    let n = nodes(&doc)["https://services.gov.example/services/SVC-001"].clone();
    assert_eq!(n["dct:description"], n["dct:title"]);
}

#[test]
fn the_languages_a_service_is_offered_in_are_the_eu_language_table_s() {
    assert_eq!(
        super::language_codes("Hindi, English, French and Swahili; English; Klingon"),
        ["HIN", "ENG", "FRA", "SWA"]
    );
    assert_eq!(super::language_codes("fr / Español."), ["FRA", "SPA"]);
    let mut s = demo();
    let mut v = s.services["SVC-001"].clone();
    v.languages = Some("English, Kiswahili".into());
    s.upsert(v.into());
    let doc = catalogue_jsonld(&s, BASE);
    let nodes = nodes(&doc);
    let svc = &nodes[format!("{BASE}services/SVC-001").as_str()];
    let langs: Vec<&str> = values(svc, "dct:language")
        .iter()
        .filter_map(|v| v.get("@id").and_then(Value::as_str))
        .collect();
    assert_eq!(
        langs,
        [
            "http://publications.europa.eu/resource/authority/language/ENG",
            "http://publications.europa.eu/resource/authority/language/SWA"
        ]
    );
    let node = &nodes["http://publications.europa.eu/resource/authority/language/SWA"];
    assert_eq!(node["@type"], "dct:LinguisticSystem");
}
