//! The shared building blocks and the systems organisations run: a block's page with the
//! services that reuse it and the systems that do its work, and the systems analysis.

use agenda_core::catalogue::systems::{self, Verdict};
use agenda_core::*;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::catalogue_pages::{ServiceRow, service_row, service_title};
use super::i18n::{t, t_args};
use super::lang::Lang;
use super::pager::{PageNumber, Pager};
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
}

/// `GET /building-blocks/<code>`: the block and the services that reuse it, a page at a time.
pub async fn building_block(
    State(state): State<AppState>,
    lang: Lang,
    Path(code): Path<String>,
    PageQuery(q): PageQuery<PageNumber>,
) -> Result<Response, PageError> {
    let s = public(&state);
    let Some(b) = s.building_blocks.get(&code).cloned() else {
        return Err(PageError::not_found("kind-building_block", &code));
    };
    let c = Chrome::new(
        &state,
        lang,
        &format!("/building-blocks/{code}"),
        b.name.get(lang.0).to_owned(),
    );
    let users: Vec<&Service> = s
        .services
        .values()
        .filter(|v| v.building_blocks.contains(&b.code))
        .collect();
    let tx: u64 = users
        .iter()
        .map(|v| v.annual_transactions.unwrap_or(0))
        .sum();
    let pager = Pager::new(
        &c,
        &format!("/building-blocks/{code}"),
        &[],
        q.page,
        users.len(),
        "pager-services",
    )?;
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
