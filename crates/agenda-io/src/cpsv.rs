//! The services catalogue as **CPSV-AP 3.2.0** JSON-LD (the EU Core Public Service Vocabulary
//! Application Profile), conforming to the profile's official SHACL shapes (`data/cpsv-ap/`).
//!
//! The mapping, node by node (every IRI is under the base URI given):
//!
//! | ours | CPSV-AP | IRI |
//! | --- | --- | --- |
//! | service | `cpsv:PublicService` | `/services/<code>` |
//! | owner organisation | `cv:PublicOrganisation` (also `org:Organization`, `foaf:Agent`), its competent authority | `/organisations/<code>` |
//! | channel of a service | `cv:Channel`, `dct:type` a concept of our channel scheme | `/services/<code>/channels/<channel>` |
//! | data item asked for or fetched | `cv:Evidence`, an input (`cpsv:hasInput`) | `/data-items/<code>` |
//! | life event | `cv:Event` + `cv:LifeEvent` (citizens) or `cv:BusinessEvent` (businesses) | `/life-events/<code>` |
//! | fee of a service (0 = free) | `cv:Cost` (`cv:hasCost`), its currency the concept of the national currency | `/services/<code>/cost` |
//! | channel, audience, currency | `skos:Concept` in our schemes | `/concepts/channel/<name>`, `/concepts/audience/<name>`, `/concepts/currency/national` |
//! | the country | `dct:Location`, the organisations' `dct:spatial` | `/locations/jurisdiction` |
//!
//! The shapes check ranges with `sh:class` and do no inference, so every node that is the value
//! of a property is declared in the document with the exact class the shape names (a life event
//! is typed both `cv:Event` and `cv:LifeEvent`). Texts carry one language-tagged value per
//! translation. A service without a summary is described by its title, since `dct:description`
//! is mandatory. A service's `fee` is what the user pays, its `cv:Cost`: a free service (fee 0)
//! has a cost of value 0 described as free of charge, so "free" and "not known" stay apart; a
//! service whose fee is not known has no cost. Fees are in the national currency, which the model
//! does not name with an ISO code, so the currency is a concept of our own scheme. The cost says
//! nothing of who sets the fee (`cv:isDefinedBy`): the owner organisation does not always.
//! `cost_per_transaction` is what a transaction costs the state, not a fee, so it is not
//! exported. Data items a service fetches from a base registry are inputs of the service like
//! those the person provides: the profile has no way to say who supplies an input.
//!
//! The document references the profile's published context by URL (plus the prefixes it uses);
//! offline validators replace that URL by the content of `data/cpsv-ap/cpsv-ap.jsonld`.

use std::collections::{BTreeMap, BTreeSet};

use agenda_core::{Audience, Channel, ContactPoint, EventAudience, Service, Snapshot, Text};
use serde_json::{Map, Value, json};

/// The published JSON-LD context of CPSV-AP 3.2.0, as the specification's example references it.
pub const CONTEXT_URL: &str = "https://semiceu.github.io/uri.semic.eu-generated/CPSV-AP/releases/3.2.0/context/cpsv-ap.jsonld";

/// The base URI used when none is given.
pub const DEFAULT_BASE_URI: &str = "https://catalogue.example/";

/// The prefixes the exported document uses, added to the published context.
fn prefixes() -> Value {
    json!({
        "cpsv": "http://purl.org/vocab/cpsv#",
        "cv": "http://data.europa.eu/m8g/",
        "dct": "http://purl.org/dc/terms/",
        "foaf": "http://xmlns.com/foaf/0.1/",
        "locn": "http://www.w3.org/ns/locn#",
        "org": "http://www.w3.org/ns/org#",
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "time": "http://www.w3.org/2006/time#",
        "xsd": "http://www.w3.org/2001/XMLSchema#"
    })
}

/// Labels (English, French, Spanish) of a channel, as the public pages name them.
fn channel_labels(c: Channel) -> [&'static str; 3] {
    match c {
        Channel::Web => ["Website", "Site web", "Sitio web"],
        Channel::MobileApp => ["Mobile app", "Application mobile", "Aplicación móvil"],
        Channel::Chatbot => ["Chatbot", "Agent conversationnel", "Asistente virtual"],
        Channel::Voice => ["Voice", "Voix", "Voz"],
        Channel::Ussd => [
            "USSD (feature phones)",
            "USSD (téléphones simples)",
            "USSD (teléfonos básicos)",
        ],
        Channel::Phone => ["Telephone", "Téléphone", "Teléfono"],
        Channel::InPerson => ["In person", "Au guichet", "Presencial"],
        Channel::Post => ["Post", "Courrier", "Correo postal"],
        Channel::Email => ["E-mail", "Courriel", "Correo electrónico"],
    }
}

/// Labels (English, French, Spanish) of an audience.
fn audience_labels(a: Audience) -> [&'static str; 3] {
    match a {
        Audience::Citizen => ["People", "Particuliers", "Personas"],
        Audience::Business => ["Businesses", "Entreprises", "Empresas"],
        Audience::Government => [
            "Government agencies",
            "Administrations",
            "Administraciones públicas",
        ],
    }
}

/// IRIs of the catalogue's nodes under one base URI.
struct Iris(String);

impl Iris {
    fn new(base_uri: &str) -> Self {
        let base = base_uri.trim().trim_end_matches('/');
        Self(if base.is_empty() {
            DEFAULT_BASE_URI.trim_end_matches('/').to_owned()
        } else {
            base.to_owned()
        })
    }

    fn at(&self, path: &str) -> String {
        format!("{}/{path}", self.0)
    }

    fn service(&self, code: &str) -> String {
        self.at(&format!("services/{code}"))
    }

    fn channel(&self, service: &str, c: Channel) -> String {
        self.at(&format!("services/{service}/channels/{}", c.as_str()))
    }

    fn contact_point(&self, code: &str) -> String {
        self.at(&format!("contact-points/{code}"))
    }

    fn organisation(&self, code: &str) -> String {
        self.at(&format!("organisations/{code}"))
    }

    fn data_item(&self, code: &str) -> String {
        self.at(&format!("data-items/{code}"))
    }

    fn life_event(&self, code: &str) -> String {
        self.at(&format!("life-events/{code}"))
    }

    fn scheme(&self, name: &str) -> String {
        self.at(&format!("concepts/{name}"))
    }

    fn concept(&self, scheme: &str, name: &str) -> String {
        self.at(&format!("concepts/{scheme}/{name}"))
    }

    fn cost(&self, service: &str) -> String {
        self.at(&format!("services/{service}/cost"))
    }

    fn jurisdiction(&self) -> String {
        self.at("locations/jurisdiction")
    }
}

/// A reference to a node.
fn id(iri: impl Into<String>) -> Value {
    json!({ "@id": iri.into() })
}

/// References to nodes, as a JSON array.
fn ids(iris: impl IntoIterator<Item = String>) -> Value {
    Value::Array(iris.into_iter().map(id).collect())
}

/// A language tag in BCP 47 form (`nb_NO` → `nb-NO`).
fn bcp47(tag: &str) -> String {
    tag.replace('_', "-")
}

/// One language-tagged value per translation of `t`, English first.
fn lang_values(t: &Text) -> Value {
    let mut langs: Vec<_> = t.langs().collect();
    langs.sort_by_key(|l| (l.as_str() != "en", l.as_str().to_owned()));
    Value::Array(
        langs
            .into_iter()
            .filter_map(|l| {
                t.exact(l)
                    .map(|s| json!({ "@language": bcp47(l.as_str()), "@value": s }))
            })
            .collect(),
    )
}

/// Language-tagged values from fixed English, French and Spanish labels.
fn labels(l: [&str; 3]) -> Value {
    json!([
        { "@language": "en", "@value": l[0] },
        { "@language": "fr", "@value": l[1] },
        { "@language": "es", "@value": l[2] },
    ])
}

/// The EU's authority table of languages, whose IRIs CPSV-AP expects for `dct:language`.
const EU_LANGUAGE: &str = "http://publications.europa.eu/resource/authority/language/";

/// Languages as a catalogue names them — English name, ISO 639-1 code, or the name in the
/// language itself — and their code in the EU's authority table.
const LANGUAGES: &[(&[&str], &str)] = &[
    (&["english", "en", "anglais", "inglés", "ingles"], "ENG"),
    (
        &["french", "fr", "français", "francais", "francés", "frances"],
        "FRA",
    ),
    (
        &[
            "spanish",
            "es",
            "español",
            "espanol",
            "espagnol",
            "castellano",
        ],
        "SPA",
    ),
    (
        &["portuguese", "pt", "português", "portugues", "portugais"],
        "POR",
    ),
    (&["arabic", "ar", "العربية", "arabe", "árabe"], "ARA"),
    (&["swahili", "sw", "kiswahili"], "SWA"),
    (&["hindi", "hi"], "HIN"),
    (&["german", "de", "deutsch"], "DEU"),
    (&["italian", "it", "italiano"], "ITA"),
    (&["russian", "ru"], "RUS"),
    (&["chinese", "mandarin", "zh"], "ZHO"),
    (&["amharic", "am"], "AMH"),
    (&["bengali", "bangla", "bn"], "BEN"),
    (&["hausa", "ha"], "HAU"),
    (&["yoruba", "yo"], "YOR"),
    (&["igbo", "ig"], "IBO"),
    (&["zulu", "isizulu", "zu"], "ZUL"),
    (&["xhosa", "isixhosa", "xh"], "XHO"),
    (&["somali", "so"], "SOM"),
    (&["kinyarwanda", "rw"], "KIN"),
    (&["malagasy", "mg"], "MLG"),
    (&["dutch", "nl"], "NLD"),
    (&["turkish", "tr"], "TUR"),
    (&["persian", "farsi", "fa"], "FAS"),
    (&["urdu", "ur"], "URD"),
    (&["indonesian", "bahasa indonesia", "id"], "IND"),
    (&["malay", "bahasa melayu", "ms"], "MSA"),
    (&["tagalog", "filipino", "tl"], "TGL"),
    (&["nepali", "ne"], "NEP"),
    (&["sinhala", "sinhalese", "si"], "SIN"),
    (&["tamil", "ta"], "TAM"),
    (&["khmer", "km"], "KHM"),
    (&["lao", "lo"], "LAO"),
    (&["thai", "th"], "THA"),
    (&["vietnamese", "vi"], "VIE"),
    (&["burmese", "myanmar", "my"], "MYA"),
    (&["ukrainian", "uk"], "UKR"),
    (&["haitian creole", "kreyòl", "ht"], "HAT"),
    (&["wolof", "wo"], "WOL"),
    (&["lingala", "ln"], "LIN"),
    (&["oromo", "om"], "ORM"),
    (&["tigrinya", "ti"], "TIR"),
    (&["shona", "sn"], "SNA"),
    (&["chichewa", "nyanja", "ny"], "NYA"),
    (&["sesotho", "sotho", "st"], "SOT"),
    (&["setswana", "tswana", "tn"], "TSN"),
    (&["afrikaans", "af"], "AFR"),
    (&["kirundi", "rn"], "RUN"),
    (&["luganda", "ganda", "lg"], "LUG"),
];

/// The EU codes of the languages a service's `languages` text names ("Hindi, English, French"),
/// each once, in the order written; names it does not know are left out (the text keeps them).
fn language_codes(text: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for name in text
        .split([',', ';', '/', '\n'])
        .flat_map(|p| p.split(" and "))
        .map(|p| p.trim().trim_end_matches('.').to_lowercase())
        .filter(|p| !p.is_empty())
    {
        let code = LANGUAGES
            .iter()
            .find(|(names, _)| names.contains(&name.as_str()))
            .map(|(_, c)| *c);
        if let Some(c) = code
            && !out.contains(&c)
        {
            out.push(c);
        }
    }
    out
}

/// A web site usable as an IRI: `http(s)://` and no character IRIs forbid.
fn homepage(website: &str) -> Option<&str> {
    let w = website.trim();
    let scheme = w.starts_with("https://") || w.starts_with("http://");
    let clean = !w
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "<>\"{}|\\^`".contains(c));
    (scheme && clean && w.len() > "https://".len()).then_some(w)
}

/// The services catalogue of `s` as a CPSV-AP 3.2.0 JSON-LD document, with every node's IRI
/// under `base_uri` (e.g. `https://services.gov.example/`). The organisations' jurisdiction is
/// an unnamed location; [`catalogue_jsonld_in`] names it.
pub fn catalogue_jsonld(s: &Snapshot, base_uri: &str) -> Value {
    catalogue_jsonld_in(s, base_uri, None)
}

/// [`catalogue_jsonld`], naming the country whose organisations provide the services
/// (the `locn:geographicName` of their jurisdiction).
pub fn catalogue_jsonld_in(s: &Snapshot, base_uri: &str, country: Option<&str>) -> Value {
    let iri = Iris::new(base_uri);
    let mut graph: Vec<Value> = Vec::new();
    let mut authorities: BTreeSet<&str> = BTreeSet::new();
    let mut evidence: BTreeSet<&str> = BTreeSet::new();
    let mut channels_used: BTreeSet<Channel> = BTreeSet::new();
    let mut audiences_used: BTreeSet<Audience> = BTreeSet::new();
    let mut contact_points: BTreeSet<&str> = BTreeSet::new();
    let mut languages_used: BTreeSet<&'static str> = BTreeSet::new();

    // Services, their channels and their costs.
    let mut channel_nodes = Vec::new();
    let mut cost_nodes = Vec::new();
    for svc in s.services.values() {
        let requirements = requirement_nodes(&iri, svc);
        graph.push(service_node(&iri, s, svc, &requirements));
        graph.extend(requirements);
        cost_nodes.extend(cost_node(&iri, svc));
        authorities.insert(svc.owner_code.as_str());
        evidence.extend(svc.evidence.iter().map(|c| c.as_str()));
        evidence.extend(svc.evidence_fetched.iter().map(|c| c.as_str()));
        audiences_used.extend(svc.audience.iter().copied());
        contact_points.extend(svc.contact_points.iter().map(|c| c.as_str()));
        languages_used.extend(
            svc.languages
                .as_deref()
                .map(language_codes)
                .unwrap_or_default(),
        );
        for &c in &svc.channels {
            channels_used.insert(c);
            let mut node = json!({
                "@id": iri.channel(svc.code.as_str(), c),
                "@type": "cv:Channel",
                "dct:identifier": format!("{}:{}", svc.code, c.as_str()),
                "dct:type": id(iri.concept("channel", c.as_str())),
            });
            // The profile gives a channel no address; the web channel's page is where the
            // service is done.
            if let (Channel::Web, Some(link)) = (c, &svc.online_link) {
                node["foaf:page"] = id(link.as_str());
            }
            channel_nodes.push(node);
        }
    }
    graph.extend(channel_nodes);
    // The languages services are offered in, typed as the shapes require.
    for c in &languages_used {
        graph.push(json!({ "@id": format!("{EU_LANGUAGE}{c}"), "@type": "dct:LinguisticSystem" }));
    }
    let any_cost = !cost_nodes.is_empty();
    graph.extend(cost_nodes);

    // Contact points: offices and contact centres, each once however many services it serves.
    for code in &contact_points {
        if let Some(p) = s.contact_points.get(*code) {
            graph.push(contact_point_node(&iri, p));
        }
    }

    // Competent authorities.
    for code in &authorities {
        let Some(o) = s.organisations.get(*code) else {
            continue;
        };
        let mut node = Map::new();
        node.insert("@id".into(), json!(iri.organisation(code)));
        node.insert(
            "@type".into(),
            json!(["cv:PublicOrganisation", "org:Organization", "foaf:Agent"]),
        );
        node.insert("dct:identifier".into(), json!(code));
        node.insert("skos:prefLabel".into(), lang_values(&o.name));
        node.insert("dct:title".into(), lang_values(&o.name));
        node.insert("dct:spatial".into(), id(iri.jurisdiction()));
        if let Some(w) = o.website.as_deref().and_then(homepage) {
            node.insert("foaf:homepage".into(), id(w));
        }
        graph.push(Value::Object(node));
    }
    let mut location = Map::new();
    location.insert("@id".into(), json!(iri.jurisdiction()));
    location.insert("@type".into(), json!("dct:Location"));
    if let Some(c) = country.map(str::trim).filter(|c| !c.is_empty()) {
        location.insert("locn:geographicName".into(), json!(c));
    }
    graph.push(Value::Object(location));

    // Evidence.
    for code in &evidence {
        if let Some(d) = s.data_items.get(*code) {
            graph.push(json!({
                "@id": iri.data_item(code),
                "@type": "cv:Evidence",
                "dct:identifier": code,
                "dct:title": lang_values(&d.name),
            }));
        }
    }

    // Life and business events, with the services they group.
    let mut grouped: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for svc in s.services.values() {
        for e in &svc.life_event {
            grouped
                .entry(e.as_str())
                .or_default()
                .push(iri.service(svc.code.as_str()));
        }
    }
    for e in s.life_events.values() {
        let kind = match e.audience {
            EventAudience::Citizen => "cv:LifeEvent",
            EventAudience::Business => "cv:BusinessEvent",
        };
        let services = grouped.remove(e.code.as_str()).unwrap_or_default();
        let mut node = Map::new();
        node.insert("@id".into(), json!(iri.life_event(e.code.as_str())));
        node.insert("@type".into(), json!(["cv:Event", kind]));
        node.insert("dct:identifier".into(), json!(e.code.as_str()));
        node.insert("dct:title".into(), lang_values(&e.title));
        if !services.is_empty() {
            node.insert("cv:hasRelatedService".into(), ids(services));
        }
        graph.push(Value::Object(node));
    }

    // Our concept schemes: channels (the profile has none for chatbots, voice or USSD) and
    // audiences.
    graph.push(scheme_node(
        &iri,
        "channel",
        [
            "Service delivery channels",
            "Canaux de prestation",
            "Canales de prestación",
        ],
    ));
    for c in channels_used {
        graph.push(concept_node(&iri, "channel", c.as_str(), channel_labels(c)));
    }
    graph.push(scheme_node(
        &iri,
        "audience",
        ["Audiences", "Publics", "Destinatarios"],
    ));
    for a in audiences_used {
        graph.push(concept_node(
            &iri,
            "audience",
            a.as_str(),
            audience_labels(a),
        ));
    }

    if any_cost {
        graph.push(scheme_node(
            &iri,
            "currency",
            ["Currencies", "Monnaies", "Monedas"],
        ));
        graph.push(concept_node(
            &iri,
            "currency",
            "national",
            NATIONAL_CURRENCY,
        ));
    }

    json!({
        "@context": [CONTEXT_URL, prefixes()],
        "@graph": graph,
    })
}

/// The `cpsv:PublicService` node of a service, holding `requirements` (its requirement nodes).
fn service_node(iri: &Iris, s: &Snapshot, svc: &Service, requirements: &[Value]) -> Value {
    let code = svc.code.as_str();
    let mut node = Map::new();
    node.insert("@id".into(), json!(iri.service(code)));
    node.insert("@type".into(), json!("cpsv:PublicService"));
    node.insert("dct:identifier".into(), json!(code));
    node.insert("dct:title".into(), lang_values(&svc.title));
    node.insert(
        "dct:description".into(),
        lang_values(svc.summary.as_ref().unwrap_or(&svc.title)),
    );
    node.insert(
        "cv:hasCompetentAuthority".into(),
        id(iri.organisation(svc.owner_code.as_str())),
    );
    node.insert(
        "dct:audience".into(),
        ids(svc
            .audience
            .iter()
            .map(|a| iri.concept("audience", a.as_str()))),
    );
    let languages = svc
        .languages
        .as_deref()
        .map(language_codes)
        .unwrap_or_default();
    if !languages.is_empty() {
        node.insert(
            "dct:language".into(),
            ids(languages.iter().map(|c| format!("{EU_LANGUAGE}{c}"))),
        );
    }
    if fee_of(svc).is_some() {
        node.insert("cv:hasCost".into(), id(iri.cost(code)));
    }
    if !requirements.is_empty() {
        node.insert(
            "cv:holdsRequirement".into(),
            Value::Array(
                requirements
                    .iter()
                    .map(|r| id(r["@id"].as_str().unwrap_or_default()))
                    .collect(),
            ),
        );
    }
    let points: Vec<String> = svc
        .contact_points
        .iter()
        .filter(|c| s.contact_points.contains_key(c.as_str()))
        .map(|c| iri.contact_point(c.as_str()))
        .collect();
    if !points.is_empty() {
        node.insert("cv:contactPoint".into(), ids(points));
    }
    if !svc.channels.is_empty() {
        node.insert(
            "cv:hasChannel".into(),
            ids(svc.channels.iter().map(|&c| iri.channel(code, c))),
        );
    }
    let inputs: BTreeSet<&str> = svc
        .evidence
        .iter()
        .chain(&svc.evidence_fetched)
        .map(|c| c.as_str())
        .filter(|c| s.data_items.contains_key(*c))
        .collect();
    if !inputs.is_empty() {
        node.insert(
            "cpsv:hasInput".into(),
            ids(inputs.into_iter().map(|c| iri.data_item(c))),
        );
    }
    let events: Vec<String> = svc
        .life_event
        .iter()
        .filter(|e| s.life_events.contains_key(e.as_str()))
        .map(|e| iri.life_event(e.as_str()))
        .collect();
    if !events.is_empty() {
        node.insert("cv:isGroupedBy".into(), ids(events));
    }
    Value::Object(node)
}

/// What the person must have done before, and who may use it: the profile's requirements.
fn requirement_nodes(iri: &Iris, svc: &Service) -> Vec<Value> {
    let code = svc.code.as_str();
    [
        ("prerequisites", &svc.prerequisites),
        ("eligibility", &svc.eligibility),
    ]
    .into_iter()
    .filter_map(|(kind, text)| {
        text.as_ref().map(|t| {
            json!({
                "@id": iri.at(&format!("services/{code}/requirements/{kind}")),
                "@type": "cv:Requirement",
                "dct:identifier": format!("{code}:{kind}"),
                "dct:title": lang_values(t),
            })
        })
    })
    .collect()
}

/// The `cv:ContactPoint` node of an office: its name, telephone, e-mail, opening hours (a
/// `time:TemporalEntity`, as the shapes ask) and address.
fn contact_point_node(iri: &Iris, p: &ContactPoint) -> Value {
    let mut node = Map::new();
    node.insert("@id".into(), json!(iri.contact_point(p.code.as_str())));
    node.insert("@type".into(), json!("cv:ContactPoint"));
    node.insert("dct:identifier".into(), json!(p.code.as_str()));
    node.insert("skos:prefLabel".into(), lang_values(&p.name));
    if let Some(phone) = &p.phone {
        node.insert("cv:telephone".into(), json!(phone));
    }
    if let Some(email) = &p.email {
        node.insert("cv:email".into(), json!(email));
    }
    if let Some(hours) = &p.opening_hours {
        node.insert(
            "cv:openingHours".into(),
            json!({ "@type": "time:TemporalEntity", "dct:description": lang_values(hours) }),
        );
    }
    if let Some(address) = &p.address {
        node.insert(
            "locn:address".into(),
            json!({ "@type": "locn:Address", "locn:fullAddress": lang_values(address) }),
        );
    }
    Value::Object(node)
}

/// Labels (English, French, Spanish) of the national currency, in which fees are expressed.
const NATIONAL_CURRENCY: [&str; 3] = ["National currency", "Monnaie nationale", "Moneda nacional"];

/// The fee of a service when it is known and exportable (an `xsd:double` has no NaN in JSON).
fn fee_of(svc: &Service) -> Option<f64> {
    svc.fee.filter(|f| f.is_finite() && *f >= 0.0)
}

/// The `cv:Cost` node of a service's fee, if the fee is known.
fn cost_node(iri: &Iris, svc: &Service) -> Option<Value> {
    let fee = fee_of(svc)?;
    let code = svc.code.as_str();
    let description = if fee == 0.0 {
        ["Free of charge", "Gratuit", "Gratuito"]
    } else {
        [
            "Fee paid by the user, in the national currency",
            "Frais payés par l'usager, en monnaie nationale",
            "Tasa pagada por el usuario, en moneda nacional",
        ]
    };
    Some(json!({
        "@id": iri.cost(code),
        "@type": "cv:Cost",
        "dct:identifier": format!("{code}:fee"),
        // Typed explicitly: JSON-LD reads a whole JSON number as xsd:integer, the shape wants
        // xsd:double.
        "cv:hasValue": { "@value": format!("{fee:?}"), "@type": "xsd:double" },
        "cv:currency": id(iri.concept("currency", "national")),
        "dct:description": labels(description),
    }))
}

/// A `skos:ConceptScheme` of ours.
fn scheme_node(iri: &Iris, name: &str, title: [&str; 3]) -> Value {
    json!({
        "@id": iri.scheme(name),
        "@type": "skos:ConceptScheme",
        "dct:title": labels(title),
        "skos:prefLabel": labels(title),
    })
}

/// A `skos:Concept` of one of our schemes.
fn concept_node(iri: &Iris, scheme: &str, name: &str, label: [&str; 3]) -> Value {
    json!({
        "@id": iri.concept(scheme, name),
        "@type": "skos:Concept",
        "skos:prefLabel": labels(label),
        "skos:notation": name,
        "skos:inScheme": id(iri.scheme(scheme)),
        "skos:topConceptOf": id(iri.scheme(scheme)),
    })
}

#[cfg(test)]
mod tests;
