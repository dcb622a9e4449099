//! The shared building blocks and the systems organisations run: the index of blocks with
//! their governance, a block's page with its service level, onboarding, the services onboarded,
//! planned or waiting and the releases that depend on it, the systems that do its work, and the
//! systems analysis.

use agenda_core::catalogue::systems::{self, Verdict};
use agenda_core::governance::{
    Onboarding, onboarding, releases_depending_on, services_with_planned_release,
};
use agenda_core::*;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::catalogue_pages::{ServiceRow, service_row, service_title};
use super::i18n::{t, t_args};
use super::lang::Lang;
use super::pager::Pager;
use super::views::{Chrome, LocalText, OrgLink, fmt_num, org_name, public, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::PageQuery;

/// `/building-blocks/<code>`.
#[derive(Template)]
#[template(path = "building_block.html")]
pub struct BuildingBlockPage {
    c: Chrome,
    b: BuildingBlock,
    name: LocalText,
    owner: OrgLink,
    status: String,
    transactions: String,
    rows: Vec<ServiceRow>,
    pager: Pager,
    /// The systems that are this block, then those doing its work that could move onto it.
    systems: Vec<SystemRow>,
    maintainer: Option<OrgLink>,
    availability: String,
    onboarding_steps: Vec<String>,
    /// The language the steps are shown in and the note, for want of a translation.
    steps_fallback: Option<(String, String)>,
    policy: Option<(String, LocalText)>,
    /// Services onboarded, planned, waiting: (value, label, count, chosen).
    states: Vec<(&'static str, String, usize, bool)>,
    /// The onboarding state the list shows, if one was chosen.
    chosen: Option<String>,
    releases: Vec<ReleaseRow>,
}

/// A roadmap release that depends on a block.
pub struct ReleaseRow {
    code: String,
    service: String,
    title: LocalText,
    level: u8,
    date: String,
    org: OrgLink,
}

/// The block page's query: which services to list, and the page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct BlockQuery {
    onboarding: Option<String>,
    page: Option<usize>,
}

/// `GET /building-blocks/<code>`: the block and the services that reuse it, a page at a time.
pub async fn building_block(
    State(state): State<AppState>,
    lang: Lang,
    Path(code): Path<String>,
    PageQuery(q): PageQuery<BlockQuery>,
) -> Result<Response, PageError> {
    let s = public(&state);
    let chosen = match q.onboarding.as_deref().filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => match Onboarding::parse(v) {
            Ok(o) => Some(o),
            Err(_) => return Err(PageError::bad_value("bb-onboarding", v)),
        },
    };
    let Some(b) = s.building_blocks.get(&code).cloned() else {
        return Err(PageError::not_found("kind-building_block", &code));
    };
    let c = Chrome::new(
        &state,
        lang,
        &format!("/building-blocks/{code}"),
        b.name.get(lang.0).to_owned(),
    );
    let planned = services_with_planned_release(&s);
    let all: Vec<(&Service, Onboarding)> = s
        .services
        .values()
        .filter(|v| v.building_blocks.contains(&b.code))
        .map(|v| (v, onboarding(&b, v, planned.contains(&v.code))))
        .collect();
    let tx: u64 = all
        .iter()
        .map(|(v, _)| v.annual_transactions.unwrap_or(0))
        .sum();
    let states = Onboarding::ALL
        .iter()
        .map(|o| {
            (
                o.as_str(),
                c.status("bb-onboarding", o.as_str()),
                all.iter().filter(|(_, x)| x == o).count(),
                chosen == Some(*o),
            )
        })
        .collect();
    let users: Vec<&Service> = all
        .iter()
        .filter(|(_, o)| chosen.is_none_or(|c| c == *o))
        .map(|(v, _)| *v)
        .collect();
    let pager = Pager::new(
        &c,
        &format!("/building-blocks/{code}"),
        &[("onboarding", chosen.map(|o| o.as_str()))],
        q.page,
        users.len(),
        "pager-services",
    )?;
    let releases = releases_depending_on(&s, &b.code)
        .into_iter()
        .map(|r| ReleaseRow {
            code: r.code.to_string(),
            service: r.service.to_string(),
            title: service_title(&c, &s, &r.service),
            level: r.target_maturity.level(),
            date: r.target_date.to_string(),
            org: org_name(&c, &s, &r.responsible_org),
        })
        .collect();
    let steps_text = b.onboarding.as_ref();
    let steps_fallback = steps_text.and_then(|t| super::views::text_for(lang.0, t).1);
    let onboarding_steps = steps_text
        .map(|t| {
            t.get(lang.0)
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let systems = s
        .systems
        .values()
        .filter(|y| y.building_block.as_ref() == Some(&b.code))
        .chain(agenda_core::catalogue::systems::could_move_onto(
            &s, &b.code,
        ))
        .map(|y| system_row(&c, &s, y))
        .collect();
    let page = BuildingBlockPage {
        systems,
        maintainer: b.maintenance_org.as_ref().map(|o| org_name(&c, &s, o)),
        availability: b
            .availability_target_pct
            .map(|p| format!("{}\u{a0}%", c.num(p.value())))
            .unwrap_or_default(),
        onboarding_steps,
        steps_fallback,
        policy: b.policy_instrument.as_ref().map(|l| {
            (
                l.to_string(),
                s.legal_instruments
                    .get(l.as_str())
                    .map_or_else(|| LocalText::plain(l.as_str()), |x| c.tx(&x.title)),
            )
        }),
        states,
        chosen: chosen.map(|o| o.as_str().to_owned()),
        releases,
        name: c.tx(&b.name),
        owner: org_name(&c, &s, &b.owner_code),
        status: c.status("bb-status", b.status.as_str()),
        transactions: fmt_num(lang.0, tx as f64),
        rows: pager
            .slice(&users)
            .map(|v| service_row(&c, &s, v))
            .collect(),
        pager,
        b,
        c,
    };
    Ok(render(StatusCode::OK, &page))
}

/// A system on the systems page.
pub struct SystemRow {
    pub(crate) code: String,
    pub(crate) name: LocalText,
    pub(crate) org: Option<OrgLink>,
    pub(crate) hosting: String,
    /// The shared block it is, when it is one.
    pub(crate) block: Option<String>,
    pub(crate) services: Vec<(String, LocalText)>,
    pub(crate) more_services: usize,
}

/// A group of systems doing one building block's work.
pub struct SystemGroup {
    kind: String,
    verdict: String,
    shared: Vec<(String, LocalText)>,
    organisations: usize,
    transactions: String,
    rows: Vec<SystemRow>,
}

/// `/analysis/systems`.
#[derive(Template)]
#[template(path = "analysis_systems.html")]
pub struct SystemsPage {
    c: Chrome,
    total: usize,
    candidates: usize,
    movable: usize,
    groups: Vec<SystemGroup>,
    unclassified: Vec<SystemRow>,
}

/// The services a system row names; beyond this many, a count.
const SYSTEM_SERVICES_SHOWN: usize = 5;

pub(crate) fn system_row(c: &Chrome, s: &Snapshot, y: &System) -> SystemRow {
    SystemRow {
        code: y.code.to_string(),
        name: c.tx(&y.name),
        org: y.owner_code.as_ref().map(|o| org_name(c, s, o)),
        hosting: y
            .hosting
            .map(|h| c.status("hosting", h.as_str()))
            .unwrap_or_else(|| "—".to_owned()),
        block: y.building_block.as_ref().map(ToString::to_string),
        services: y
            .services
            .iter()
            .take(SYSTEM_SERVICES_SHOWN)
            .map(|v| (v.to_string(), service_title(c, s, v)))
            .collect(),
        more_services: y.services.len().saturating_sub(SYSTEM_SERVICES_SHOWN),
    }
}

/// `GET /analysis/systems`: the systems organisations run, grouped by the building block whose
/// work they do, and which could become, or move onto, a shared building block.
pub async fn analysis_systems(
    State(state): State<AppState>,
    lang: Lang,
) -> Result<Response, PageError> {
    let s = public(&state);
    let c = Chrome::new(
        &state,
        lang,
        "/analysis/systems",
        t(lang.0, "analysis-systems"),
    );
    let r = systems::systems(&s);
    let groups: Vec<SystemGroup> = r
        .groups
        .iter()
        .map(|g| {
            let verdict = match g.verdict {
                Verdict::Candidate => t_args(
                    lang.0,
                    "systems-candidate",
                    &[("orgs", g.organisations.to_string())],
                ),
                Verdict::MoveOntoShared => t_args(
                    lang.0,
                    "systems-move-onto",
                    &[("count", g.separate.to_string())],
                ),
                Verdict::Single => t(lang.0, "systems-single"),
            };
            SystemGroup {
                kind: g.govstack_bb.to_owned(),
                verdict,
                shared: g
                    .shared
                    .iter()
                    .filter_map(|b| s.building_blocks.get(b.as_str()))
                    .map(|b| (b.code.to_string(), c.tx(&b.name)))
                    .collect(),
                organisations: g.organisations,
                transactions: fmt_num(lang.0, g.annual_transactions as f64),
                rows: g.systems.iter().map(|y| system_row(&c, &s, y)).collect(),
            }
        })
        .collect();
    let page = SystemsPage {
        total: s.systems.len(),
        candidates: r
            .groups
            .iter()
            .filter(|g| g.verdict == Verdict::Candidate)
            .count(),
        movable: r
            .groups
            .iter()
            .filter(|g| g.verdict == Verdict::MoveOntoShared)
            .map(|g| g.separate)
            .sum(),
        unclassified: r
            .unclassified
            .iter()
            .map(|y| system_row(&c, &s, y))
            .collect(),
        groups,
        c,
    };
    Ok(render(StatusCode::OK, &page))
}

/// A block on the index.
pub struct BlockRow {
    code: String,
    name: LocalText,
    govstack_bb: String,
    status: String,
    status_class: &'static str,
    owner: OrgLink,
    version: String,
    availability: String,
    onboarded: usize,
    planned: usize,
    waiting: usize,
}

/// `/building-blocks`.
#[derive(Template)]
#[template(path = "building_blocks.html")]
pub struct BuildingBlocksPage {
    c: Chrome,
    rows: Vec<BlockRow>,
}

/// `GET /building-blocks`: every shared building block, who runs it, its service level and
/// how many services are onboarded, planned or waiting.
pub async fn building_blocks(State(state): State<AppState>, lang: Lang) -> Response {
    let s = public(&state);
    let c = Chrome::new(
        &state,
        lang,
        "/building-blocks",
        t(lang.0, "building-blocks"),
    );
    let planned = services_with_planned_release(&s);
    // One pass over the catalogue for every block at once.
    let mut counts: std::collections::HashMap<&str, [usize; 3]> = Default::default();
    for v in s.services.values() {
        for code in &v.building_blocks {
            if let Some(b) = s.building_blocks.get(code.as_str()) {
                let i = match onboarding(b, v, planned.contains(&v.code)) {
                    Onboarding::Onboarded => 0,
                    Onboarding::Planned => 1,
                    Onboarding::Waiting => 2,
                };
                counts.entry(b.code.as_str()).or_default()[i] += 1;
            }
        }
    }
    let rows = s
        .building_blocks
        .values()
        .map(|b| {
            let [onboarded, planned, waiting] =
                counts.get(b.code.as_str()).copied().unwrap_or_default();
            BlockRow {
                code: b.code.to_string(),
                name: c.tx(&b.name),
                govstack_bb: b.govstack_bb.clone(),
                status: c.status("bb-status", b.status.as_str()),
                status_class: match b.status {
                    BuildingBlockStatus::Production => "ms-done",
                    BuildingBlockStatus::Pilot => "al-in_progress",
                    BuildingBlockStatus::Planned | BuildingBlockStatus::Retired => "ms-planned",
                },
                owner: org_name(&c, &s, &b.owner_code),
                version: b.product_version.clone().unwrap_or_default(),
                availability: b
                    .availability_target_pct
                    .map(|p| format!("{}\u{a0}%", c.num(p.value())))
                    .unwrap_or_default(),
                onboarded,
                planned,
                waiting,
            }
        })
        .collect();
    render(StatusCode::OK, &BuildingBlocksPage { c, rows })
}
