//! The one-stop shop: browsing the services catalogue, a service information sheet per
//! service (with the same performance figures for every service), life events, building
//! blocks. The catalogue analyses are in `catalogue_analysis`.

use agenda_core::*;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::i18n::{t, t_args};
use super::lang::Lang;
use super::pager::Pager;
use super::views::{
    Chrome, JsonLd, LocalText, Opt, OrgLink, fmt_num, opts, org_name, public, render,
};
use crate::AppState;
use crate::error::PageError;
use crate::extract::PageQuery;

pub(super) fn maturity_label(lang: &str, m: Maturity) -> String {
    t(lang, &format!("maturity-{}", m.level()))
}

/// A service's title in the page's language (empty for an unknown code).
pub(super) fn service_title(c: &Chrome, s: &Snapshot, code: &Code) -> LocalText {
    s.services
        .get(code.as_str())
        .map(|v| c.tx(&v.title))
        .unwrap_or_else(|| LocalText::plain(""))
}

/// A service in a list.
pub struct ServiceRow {
    pub(super) code: String,
    pub(super) title: LocalText,
    pub(super) owner: OrgLink,
    pub(super) maturity: String,
    pub(super) level: u8,
    pub(super) channels: String,
    pub(super) transactions: String,
}

pub(super) fn service_row(c: &Chrome, s: &Snapshot, v: &Service) -> ServiceRow {
    ServiceRow {
        code: v.code.to_string(),
        title: c.tx(&v.title),
        owner: org_name(c, s, &v.owner_code),
        maturity: maturity_label(c.lang, v.maturity),
        level: v.maturity.level(),
        channels: v
            .channels
            .iter()
            .map(|ch| c.status("channel", ch.as_str()))
            .collect::<Vec<_>>()
            .join(", "),
        transactions: v
            .annual_transactions
            .map(|n| fmt_num(c.lang, n as f64))
            .unwrap_or_else(|| "—".to_owned()),
    }
}

/// Filters of the services list.
#[derive(Debug, Default, Deserialize)]
pub struct ServiceFilter {
    life_event: Option<String>,
    owner: Option<String>,
    maturity: Option<String>,
    /// `citizen`, `business` or `government`: the services for them (among others).
    audience: Option<String>,
    /// Words the service's title (in the page's language or English) or code contains.
    q: Option<String>,
    /// The page of the list, from 1.
    page: Option<usize>,
}

/// The longest search within the list, in characters.
const LIST_QUERY_MAX: usize = 100;

/// Whether every word of `words` (lower case) is in `v`'s code or title in `lang` or English.
fn title_has(v: &Service, lang: &str, words: &[String]) -> bool {
    let hay = format!(
        "{} {} {}",
        v.code.as_str().to_lowercase(),
        v.title.get(lang).to_lowercase(),
        v.title.get("en").to_lowercase()
    );
    words.iter().all(|w| hay.contains(w.as_str()))
}

/// `/services`.
#[derive(Template)]
#[template(path = "services.html")]
pub struct ServicesPage {
    c: Chrome,
    rows: Vec<ServiceRow>,
    pager: Pager,
    events: Vec<Opt>,
    owners: Vec<Opt>,
    levels: Vec<Opt>,
    audiences: Vec<Opt>,
    /// The whole catalogue's count, when the filters leave fewer.
    total: Option<String>,
    /// The search within the list, as given.
    q: String,
    citizen_events: Vec<(String, LocalText, usize)>,
    business_events: Vec<(String, LocalText, usize)>,
}

/// `GET /services`: browse by life event, organisation and maturity.
pub async fn services(
    State(state): State<AppState>,
    lang: Lang,
    PageQuery(f): PageQuery<ServiceFilter>,
) -> Result<Response, PageError> {
    let s = public(&state);
    let f = ServiceFilter {
        life_event: f.life_event.filter(|v| !v.is_empty()),
        owner: f.owner.filter(|v| !v.is_empty()),
        maturity: f.maturity.filter(|v| !v.is_empty()),
        audience: f.audience.filter(|v| !v.is_empty()),
        q: f.q
            .map(|q| q.trim().chars().take(LIST_QUERY_MAX).collect::<String>())
            .filter(|q| !q.is_empty()),
        page: f.page,
    };
    let words: Vec<String> =
        f.q.as_deref()
            .map(|q| q.split_whitespace().map(str::to_lowercase).collect())
            .unwrap_or_default();
    let bad = |what: &'static str, v: &str| PageError::bad_value(what, v);
    if let Some(e) = &f.life_event
        && !s.life_events.contains_key(e)
    {
        return Err(bad("filter-life-event", e));
    }
    if let Some(o) = &f.owner
        && !s.organisations.contains_key(o)
    {
        return Err(bad("filter-owner", o));
    }
    let level = match &f.maturity {
        Some(v) => match Maturity::parse(v) {
            Ok(m) => Some(m),
            Err(_) => return Err(bad("filter-maturity", v)),
        },
        None => None,
    };
    let audience = match &f.audience {
        Some(v) => match Audience::parse(v) {
            Ok(a) => Some(a),
            Err(_) => return Err(bad("filter-audience", v)),
        },
        None => None,
    };
    let c = Chrome::new(&state, lang, "/services", t(lang.0, "nav-services"));
    let matching: Vec<&Service> = s
        .services
        .values()
        .filter(|v| {
            f.life_event
                .as_deref()
                .is_none_or(|e| v.life_event.iter().any(|x| x.as_str() == e))
        })
        .filter(|v| {
            f.owner
                .as_deref()
                .is_none_or(|o| v.owner_code.as_str() == o)
        })
        .filter(|v| level.is_none_or(|m| v.maturity == m))
        .filter(|v| audience.is_none_or(|a| v.audience.contains(&a)))
        .filter(|v| words.is_empty() || title_has(v, lang.0, &words))
        .collect();
    let pager = Pager::new(
        &c,
        "/services",
        &[
            ("life_event", f.life_event.as_deref()),
            ("owner", f.owner.as_deref()),
            ("maturity", f.maturity.as_deref()),
            ("audience", f.audience.as_deref()),
            ("q", f.q.as_deref()),
        ],
        f.page,
        matching.len(),
        "pager-services",
    )?;
    let rows = pager
        .slice(&matching)
        .map(|v| service_row(&c, &s, v))
        .collect();
    let mut owners: Vec<&Code> = s.services.values().map(|v| &v.owner_code).collect();
    owners.sort();
    owners.dedup();
    let events_of = |aud: EventAudience| {
        s.life_events
            .values()
            .filter(|e| e.audience == aud)
            .map(|e| {
                let n = s
                    .services
                    .values()
                    .filter(|v| v.life_event.contains(&e.code))
                    .count();
                (e.code.to_string(), c.tx(&e.title), n)
            })
            .collect()
    };
    let page = ServicesPage {
        q: f.q.clone().unwrap_or_default(),
        total: (matching.len() < s.services.len()).then(|| {
            t_args(
                lang.0,
                "services-in-catalogue",
                &[("total", c.num(s.services.len() as f64))],
            )
        }),
        pager,
        events: opts(
            s.life_events
                .values()
                .map(|e| (e.code.to_string(), e.title.get(lang.0).to_owned())),
            &f.life_event,
        ),
        owners: opts(
            owners.into_iter().map(|o| {
                let name = s
                    .organisations
                    .get(o.as_str())
                    .map(|x| x.name.get(lang.0).to_owned())
                    .unwrap_or_default();
                (o.to_string(), format!("{o} — {name}"))
            }),
            &f.owner,
        ),
        levels: opts(
            (1..=4u8).map(|l| {
                (
                    l.to_string(),
                    format!("{l} — {}", t(lang.0, &format!("maturity-{l}"))),
                )
            }),
            &f.maturity,
        ),
        audiences: opts(
            Audience::ALL
                .iter()
                .map(|a| (a.as_str().to_owned(), c.status("audience", a.as_str()))),
            &f.audience,
        ),
        citizen_events: events_of(EventAudience::Citizen),
        business_events: events_of(EventAudience::Business),
        rows,
        c,
    };
    Ok(render(StatusCode::OK, &page))
}

/// A piece of evidence on a sheet, with what the state already knows about it.
pub struct EvidenceView {
    name: LocalText,
    note: String,
    class: &'static str,
}

/// An office or contact centre that serves a service: where a person goes or calls.
pub struct OfficeView {
    pub name: LocalText,
    pub address: LocalText,
    pub hours: LocalText,
    /// The number as written, and as dialled (`tel:`).
    pub phone: Option<(String, String)>,
    pub email: Option<String>,
    /// A map of where it is, when its coordinates are known.
    pub map: Option<String>,
}

/// The offices and contact centres of a service, in the order its record lists them.
pub fn offices(c: &Chrome, s: &Snapshot, v: &Service) -> Vec<OfficeView> {
    v.contact_points
        .iter()
        .filter_map(|code| s.contact_points.get(code.as_str()))
        .map(|p| OfficeView {
            name: c.tx(&p.name),
            address: c.otx(&p.address),
            hours: c.otx(&p.opening_hours),
            phone: p.phone.as_ref().map(|n| (n.clone(), dial_number(n))),
            email: p.email.clone(),
            map: p.latitude.zip(p.longitude).map(|(lat, lon)| {
                format!("https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}")
            }),
        })
        .collect()
}

/// A performance figure.
pub struct Figure {
    label: String,
    value: String,
}

/// `/services/<code>`: the service information sheet.
#[derive(Template)]
#[template(path = "service.html")]
pub struct ServicePage {
    c: Chrome,
    v: Service,
    title: LocalText,
    summary: LocalText,
    owner: OrgLink,
    audience: String,
    maturity: String,
    channels: Vec<String>,
    evidence: Vec<EvidenceView>,
    figures: Vec<Figure>,
    events: Vec<(String, LocalText)>,
    blocks: Vec<(String, LocalText, String)>,
    releases: Vec<(String, String, String)>,
    offices: Vec<OfficeView>,
    /// What the catalogue also knows of it (the RFI-2 answers), those given only.
    more: Vec<(String, LocalText)>,
    /// Its figures per period, oldest first, as the table under the chart shows them.
    series: Vec<PerfRow>,
    series_chart: super::svg::SvgImage,
    jsonld: JsonLd,
    fee: Option<String>,
    processing: Option<String>,
    steps: Vec<String>,
    /// The language of the steps and the note, when they are not in the page's language.
    steps_fallback: Option<(String, String)>,
    outcome: LocalText,
    /// The signed token of the feedback form (shared by every visitor of the cached page).
    feedback_token: String,
    feedback_hint: String,
    feedback_max: usize,
}

fn schema_org(s: &Snapshot, v: &Service, lang: &str) -> JsonLd {
    let provider = s
        .organisations
        .get(v.owner_code.as_str())
        .map(|o| o.name.get(lang).to_owned())
        .unwrap_or_else(|| v.owner_code.to_string());
    let json = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "identifier": v.code.as_str(),
        "name": v.title.get(lang),
        "description": v.summary.as_ref().map(|t| t.get(lang)),
        "serviceType": v.life_event.iter().filter_map(|e| s.life_events.get(e.as_str())).map(|e| e.title.get(lang)).collect::<Vec<_>>(),
        "audience": v.audience.iter().map(|a| serde_json::json!({"@type": "Audience", "audienceType": a.as_str()})).collect::<Vec<_>>(),
        "provider": {"@type": "GovernmentOrganization", "name": provider},
        "availableChannel": v.channels.iter().map(|ch| serde_json::json!({"@type": "ServiceChannel", "name": ch.as_str()})).collect::<Vec<_>>(),
    });
    JsonLd::new(&json)
}

/// `GET /services/<code>`.
/// A service's figures for one period, formatted.
pub struct PerfRow {
    pub(crate) period: String,
    pub(crate) transactions: String,
    pub(crate) digital: String,
    pub(crate) satisfaction: String,
    pub(crate) completion: String,
    pub(crate) cost: String,
    pub(crate) note: String,
}

/// The row of `f`, "—" for a figure not given.
pub(crate) fn perf_row(lang: &str, f: &ServiceFigure) -> PerfRow {
    let pct = |p: Option<agenda_core::Percent>| {
        p.map(|p| format!("{}\u{a0}%", fmt_num(lang, p.value())))
            .unwrap_or_else(|| "—".to_owned())
    };
    PerfRow {
        period: f.period.to_string(),
        transactions: f
            .transactions
            .map(|n| fmt_num(lang, n as f64))
            .unwrap_or_else(|| "—".to_owned()),
        digital: pct(f.digital_share_pct),
        satisfaction: pct(f.satisfaction_pct),
        completion: pct(f.completion_rate_pct),
        cost: f
            .cost_per_transaction
            .map(|n| fmt_num(lang, n))
            .unwrap_or_else(|| "—".to_owned()),
        note: f.note.clone().unwrap_or_default(),
    }
}

/// The figures of service `code`, in period order (keys are `code:period`).
pub(crate) fn figures_of<'a>(s: &'a Snapshot, code: &str) -> Vec<&'a ServiceFigure> {
    let prefix = format!("{code}:");
    let mut out: Vec<&ServiceFigure> = s
        .service_figures
        .range(prefix.clone()..)
        .take_while(|(k, _)| k.starts_with(&prefix))
        .map(|(_, f)| f)
        .collect();
    out.sort_by_key(|f| f.period.end());
    out
}

pub async fn service(
    State(state): State<AppState>,
    lang: Lang,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let s = public(&state);
    let Some(v) = s.services.get(&code).cloned() else {
        return Err(PageError::not_found("kind-service", &code));
    };
    let feedback_token = super::feedback::token_for(&state, &code).await;
    let feedback_max = agenda_store::feedback::COMMENT_MAX_CHARS;
    let feedback_hint = t_args(
        lang.0,
        "feedback-comment-hint",
        &[("max", fmt_num(lang.0, feedback_max as f64))],
    );
    let c = Chrome::new(
        &state,
        lang,
        &format!("/services/{code}"),
        v.title.get(lang.0).to_owned(),
    );
    let holders = |item: &Code| -> Vec<&Registry> {
        s.registries
            .values()
            .filter(|r| r.data_items.contains(item))
            .collect()
    };
    let mut evidence: Vec<EvidenceView> = Vec::new();
    for item in &v.evidence {
        let name = s
            .data_items
            .get(item.as_str())
            .map(|d| LocalText::of(lang.0, &d.name))
            .unwrap_or_else(|| LocalText::plain(item.as_str()));
        let regs = holders(item);
        let (note, class) = if regs.is_empty() {
            (t(lang.0, "evidence-bring"), "bring")
        } else {
            let names: Vec<String> = regs.iter().map(|r| r.name.get(lang.0).to_owned()).collect();
            let key = if regs.iter().any(|r| r.exposed_via_interop) {
                "evidence-held-reachable"
            } else {
                "evidence-held-later"
            };
            (
                t_args(lang.0, key, &[("registry", names.join(", "))]),
                "held",
            )
        };
        evidence.push(EvidenceView { name, note, class });
    }
    for item in &v.evidence_fetched {
        let name = s
            .data_items
            .get(item.as_str())
            .map(|d| LocalText::of(lang.0, &d.name))
            .unwrap_or_else(|| LocalText::plain(item.as_str()));
        evidence.push(EvidenceView {
            name,
            note: t(lang.0, "evidence-fetched"),
            class: "fetched",
        });
    }
    let pct = |p: Option<Percent>| p.map(|p| format!("{}\u{a0}%", fmt_num(lang.0, p.value())));
    let dash = || "—".to_owned();
    let figures = vec![
        Figure {
            label: t(lang.0, "fig-transactions"),
            value: v
                .annual_transactions
                .map(|n| {
                    let n = fmt_num(lang.0, n as f64);
                    if v.transactions_estimated {
                        format!("{n} ({})", t(lang.0, "fig-estimate"))
                    } else {
                        n
                    }
                })
                .unwrap_or_else(dash),
        },
        Figure {
            label: t(lang.0, "fig-digital-take-up"),
            value: pct(v.digital_share_pct).unwrap_or_else(dash),
        },
        Figure {
            label: t(lang.0, "fig-satisfaction"),
            value: pct(v.satisfaction_pct).unwrap_or_else(dash),
        },
        Figure {
            label: t(lang.0, "fig-completion"),
            value: pct(v.completion_rate_pct).unwrap_or_else(dash),
        },
        Figure {
            label: t(lang.0, "fig-cost"),
            value: v
                .cost_per_transaction
                .map(|x| format!("{}\u{a0}{}", fmt_num(lang.0, x), t(lang.0, "unit-currency")))
                .unwrap_or_else(dash),
        },
    ];
    let fee = v.fee.map(|f| {
        if f == 0.0 {
            t(lang.0, "fee-free")
        } else {
            format!("{}\u{a0}{}", fmt_num(lang.0, f), t(lang.0, "unit-currency"))
        }
    });
    let processing = v.processing_days.map(|d| match d {
        0 => t(lang.0, "processing-at-once"),
        d => t_args(lang.0, "processing-days", &[("days", d.to_string())]),
    });
    // Steps are one per line; shown in the visitor's language when translated.
    let (steps, steps_fallback) = match &v.steps {
        Some(text) => {
            let (body, fallback) = super::views::text_for(lang.0, text);
            (
                body.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect(),
                fallback,
            )
        }
        None => (Vec::new(), None),
    };
    let yes_no = |b: Option<bool>| {
        b.map(|b| LocalText::plain(t(lang.0, if b { "service-yes" } else { "service-no" })))
    };
    let plain = |x: &Option<String>| x.as_ref().map(|x| LocalText::plain(x.as_str()));
    let contributors = v
        .contributing_orgs
        .iter()
        .map(|o| {
            s.organisations
                .get(o.as_str())
                .map_or_else(|| o.to_string(), |x| x.name.get(lang.0).to_owned())
        })
        .collect::<Vec<_>>()
        .join(", ");
    let more: Vec<(String, LocalText)> = [
        ("prerequisites", v.prerequisites.as_ref().map(|x| c.tx(x))),
        ("eligibility", v.eligibility.as_ref().map(|x| c.tx(x))),
        (
            "contributing-orgs",
            (!contributors.is_empty()).then(|| LocalText::plain(contributors)),
        ),
        ("languages", plain(&v.languages)),
        ("in-operation", plain(&v.in_operation)),
        ("customers-per-year", plain(&v.customers_per_year)),
        ("request-volume", plain(&v.request_volume)),
        (
            "iterations",
            v.iterations
                .map(|n| LocalText::plain(fmt_num(lang.0, n as f64))),
        ),
        (
            "public-private-partnership",
            yes_no(v.public_private_partnership),
        ),
        ("fdi-potential", yes_no(v.fdi_potential)),
        ("regional-harmonisation", yes_no(v.regional_harmonisation)),
        ("key-metrics", v.key_metrics.as_ref().map(|x| c.tx(x))),
        (
            "satisfaction-metrics",
            v.satisfaction_metrics.as_ref().map(|x| c.tx(x)),
        ),
        ("challenges", v.challenges.as_ref().map(|x| c.tx(x))),
    ]
    .into_iter()
    .filter_map(|(k, x)| x.map(|x| (t(lang.0, &format!("field-{k}")), x)))
    .collect();
    let series = figures_of(&s, &code);
    let series_chart = super::charts::service_chart(
        &series,
        &super::charts::ServiceChartLabels {
            title: t_args(
                lang.0,
                "perf-chart-title",
                &[("service", v.title.get(lang.0).to_owned())],
            ),
            desc: t(lang.0, "perf-chart-desc"),
            series: [
                t(lang.0, "fig-digital-take-up"),
                t(lang.0, "fig-satisfaction"),
                t(lang.0, "fig-completion"),
            ],
        },
        agenda_core::languages::direction(lang.0),
    );
    let page = ServicePage {
        series: series.iter().map(|f| perf_row(lang.0, f)).collect(),
        series_chart,
        more,
        offices: offices(&c, &s, &v),
        fee,
        processing,
        steps,
        steps_fallback,
        outcome: c.otx(&v.outcome),
        title: c.tx(&v.title),
        summary: c.otx(&v.summary),
        owner: org_name(&c, &s, &v.owner_code),
        audience: v
            .audience
            .iter()
            .map(|a| c.status("audience", a.as_str()))
            .collect::<Vec<_>>()
            .join(", "),
        maturity: format!(
            "{} — {}",
            v.maturity.level(),
            maturity_label(lang.0, v.maturity)
        ),
        channels: v
            .channels
            .iter()
            .map(|ch| c.status("channel", ch.as_str()))
            .collect(),
        evidence,
        figures,
        events: v
            .life_event
            .iter()
            .filter_map(|e| s.life_events.get(e.as_str()))
            .map(|e| (e.code.to_string(), c.tx(&e.title)))
            .collect(),
        blocks: v
            .building_blocks
            .iter()
            .filter_map(|b| s.building_blocks.get(b.as_str()))
            .map(|b| {
                (
                    b.code.to_string(),
                    c.tx(&b.name),
                    c.status("bb-status", b.status.as_str()),
                )
            })
            .collect(),
        releases: s
            .releases
            .values()
            .filter(|r| r.service == v.code)
            .map(|r| {
                (
                    r.target_date.to_string(),
                    format!(
                        "{} — {}",
                        r.target_maturity.level(),
                        maturity_label(lang.0, r.target_maturity)
                    ),
                    c.status("release-status", r.status.as_str()),
                )
            })
            .collect(),
        jsonld: schema_org(&s, &v, lang.0),
        feedback_token,
        feedback_hint,
        feedback_max,
        v,
        c,
    };
    Ok(render(StatusCode::OK, &page))
}

/// `/life-events/<code>`.
#[derive(Template)]
#[template(path = "life_event.html")]
pub struct LifeEventPage {
    c: Chrome,
    code: String,
    title: LocalText,
    audience: String,
    rows: Vec<ServiceRow>,
    how: Vec<HowView>,
    pager: Pager,
}

/// Where a service of a life event is done: online, and the first office that serves it.
pub struct HowView {
    code: String,
    title: LocalText,
    link: Option<String>,
    office: Option<OfficeView>,
}

/// `GET /life-events/<code>`: its services, the most used first.
pub async fn life_event(
    State(state): State<AppState>,
    lang: Lang,
    Path(code): Path<String>,
    PageQuery(q): PageQuery<super::pager::PageNumber>,
) -> Result<Response, PageError> {
    let s = public(&state);
    let Some(e) = s.life_events.get(&code).cloned() else {
        return Err(PageError::not_found("kind-life_event", &code));
    };
    let c = Chrome::new(
        &state,
        lang,
        &format!("/life-events/{code}"),
        e.title.get(lang.0).to_owned(),
    );
    let mut list: Vec<&Service> = s
        .services
        .values()
        .filter(|v| v.life_event.contains(&e.code))
        .collect();
    list.sort_by_key(|v| {
        (
            std::cmp::Reverse(v.annual_transactions.unwrap_or(0)),
            v.code.clone(),
        )
    });
    // A national catalogue puts thousands of services under one event: a page at a time.
    let pager = Pager::new(
        &c,
        &format!("/life-events/{code}"),
        &[],
        q.page,
        list.len(),
        "pager-services",
    )?;
    let list: Vec<&Service> = pager.slice(list).collect();
    let page = LifeEventPage {
        pager,
        code: e.code.to_string(),
        title: c.tx(&e.title),
        audience: c.status("audience", e.audience.as_str()),
        how: list
            .iter()
            .map(|v| HowView {
                code: v.code.to_string(),
                title: c.tx(&v.title),
                link: v.online_link.clone(),
                office: offices(&c, &s, v).into_iter().next(),
            })
            .filter(|h| h.link.is_some() || h.office.is_some())
            .collect(),
        rows: list.into_iter().map(|v| service_row(&c, &s, v)).collect(),
        c,
    };
    Ok(render(StatusCode::OK, &page))
}
