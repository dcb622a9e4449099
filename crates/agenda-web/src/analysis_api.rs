//! The analyses of the services catalogue in the read API, `/api/v1/analysis/…`: once-only,
//! building-block reuse, roadmap conflicts and slips, prioritisation, freshness and the service
//! standard. Each answers from the public view, as the rest of the API, with the rules of
//! `agenda_core::catalogue`. Lists answer `{"items": [...], "meta": {...}}`, paged like every
//! list (`page`, `per_page`); `meta` carries the analysis's totals.

use std::sync::Arc;

use agenda_core::catalogue::freshness::{self, StaleService};
use agenda_core::catalogue::once_only::{self, OnceOnlyItem};
use agenda_core::catalogue::priorities::{self, PriorityItem, PriorityWeights, QuadrantCounts};
use agenda_core::catalogue::reuse::{self, BlockUse, WaitingService};
use agenda_core::catalogue::roadmap::{self, Conflict, SlipMove};
use agenda_core::catalogue::standard::{self, CriterionCoverage, ServiceCoverage};
use agenda_core::{Date, Snapshot};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::api_list::{ListParams, Q};
use crate::error::{ApiError, ErrorEnvelope};

/// Largest slip, in days either way, a client may ask about (a hundred years).
pub const MAX_SLIP_DAYS: i64 = 36_500;

/// Longest governance period, in months, a client may ask about.
pub const MAX_MONTHS: u32 = 1_200;
/// Largest prioritisation weight the API takes.
pub const MAX_WEIGHT: f64 = 1_000_000.0;

/// Paging of an analysis list (the same as every list of the API).
pub type PageMeta = crate::api_list::ListMeta;

/// The page `q` asks for of `items`.
fn page<T>(items: Vec<T>, q: &ListParams) -> Result<(Vec<T>, PageMeta), ApiError> {
    let total = items.len();
    crate::api_list::page_of(items.into_iter(), total, q)
}

fn snapshot(st: &AppState) -> Arc<Snapshot> {
    st.public_snapshot()
}

/// National figures of the once-only analysis, with paging.
#[derive(Debug, Serialize, ToSchema)]
pub struct OnceOnlyMeta {
    /// (service, data item) pairs found.
    pub total: usize,
    /// Services with at least one pair.
    pub services: usize,
    /// Requests per year for data the state already holds.
    pub annual_requests: u64,
    /// Of these, requests a reachable registry could answer today.
    pub fixable_now_requests: u64,
    /// Of these, requests waiting for a registry to be connected.
    pub blocked_requests: u64,
    /// Share of evidence already fetched, weighted by transactions, in %.
    pub fetched_share_pct: Option<f64>,
    /// This page's number.
    pub page: usize,
    /// Items per page.
    pub per_page: usize,
    /// The next page's number, if there is one.
    pub next_page: Option<usize>,
}

/// The once-only analysis.
#[derive(Debug, Serialize, ToSchema)]
pub struct OnceOnlyList<'a> {
    /// Services asking for data a registry already holds, in service code order.
    pub items: Vec<OnceOnlyItem<'a>>,
    /// National figures and paging.
    pub meta: OnceOnlyMeta,
}

/// Services that ask for data a base registry already holds, and the national figure.
#[utoipa::path(get, path = "/api/v1/analysis/once-only", tag = "catalogue", params(ListParams),
    responses((status = 200, body = OnceOnlyList), (status = 400, body = ErrorEnvelope)))]
pub async fn once_only(State(st): State<AppState>, q: ListParams) -> Result<Response, ApiError> {
    let snapshot = snapshot(&st);
    let o = once_only::once_only(&snapshot);
    let (items, p) = page(o.items, &q)?;
    let s = o.summary;
    Ok(Json(OnceOnlyList {
        items,
        meta: OnceOnlyMeta {
            total: s.total,
            services: s.services,
            annual_requests: s.annual_requests,
            fixable_now_requests: s.fixable_now_requests,
            blocked_requests: s.blocked_requests,
            fetched_share_pct: s.fetched_share_pct,
            page: p.page,
            per_page: p.per_page,
            next_page: p.next_page,
        },
    })
    .into_response())
}

/// The building-block reuse analysis.
#[derive(Debug, Serialize, ToSchema)]
pub struct BuildingBlockUseList<'a> {
    /// Every building block with the services needing it, the most used first.
    pub items: Vec<BlockUse<'a>>,
    /// Every (service, block) where the block is not in production, in service code order.
    pub waiting: Vec<WaitingService<'a>>,
    /// Paging of `items` (`waiting` is whole).
    pub meta: PageMeta,
}

/// Per building block, the services and yearly transactions that need it; services needing a
/// block not yet in production.
#[utoipa::path(get, path = "/api/v1/analysis/building-blocks", tag = "catalogue", params(ListParams),
    responses((status = 200, body = BuildingBlockUseList), (status = 400, body = ErrorEnvelope)))]
pub async fn building_blocks(
    State(st): State<AppState>,
    q: ListParams,
) -> Result<Response, ApiError> {
    let snapshot = snapshot(&st);
    let r = reuse::reuse(&snapshot);
    let (items, meta) = page(r.blocks, &q)?;
    Ok(Json(BuildingBlockUseList {
        items,
        waiting: r.waiting,
        meta,
    })
    .into_response())
}

/// Releases planned before something they need is available.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConflictList<'a> {
    /// One item per (release, building block), by release date.
    pub items: Vec<Conflict<'a>>,
    /// Paging.
    pub meta: PageMeta,
}

/// Planned releases scheduled before a building block they need goes live.
#[utoipa::path(get, path = "/api/v1/analysis/roadmap-conflicts", tag = "catalogue", params(ListParams),
    responses((status = 200, body = ConflictList), (status = 400, body = ErrorEnvelope)))]
pub async fn roadmap_conflicts(
    State(st): State<AppState>,
    q: ListParams,
) -> Result<Response, ApiError> {
    let snapshot = snapshot(&st);
    let (items, meta) = page(roadmap::conflicts(&snapshot), &q)?;
    Ok(Json(ConflictList { items, meta }).into_response())
}

/// Which slip to simulate.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SlipParams {
    /// The building block that slips, e.g. `BB-ID`.
    #[param(pattern = r"\S")]
    pub building_block: String,
    /// By how many days it slips (negative: earlier), at most 36500 either way.
    #[param(minimum = -36_500, maximum = 36_500)]
    pub days: i64,
}

/// The slip simulated and its totals.
#[derive(Debug, Serialize, ToSchema)]
pub struct SlipMeta {
    /// Releases that move.
    pub total: usize,
    /// The block that slips.
    pub building_block: String,
    /// By how many days.
    pub days: i64,
    /// Its go-live date today.
    pub available_before: Date,
    /// Its go-live date after the slip.
    pub available_after: Date,
}

/// The releases that move when a building block slips.
#[derive(Debug, Serialize, ToSchema)]
pub struct SlipList<'a> {
    /// The releases that move, by their current date.
    pub items: Vec<SlipMove<'a>>,
    /// The slip.
    pub meta: SlipMeta,
}

/// Which planned releases move, and by how much, if a building block goes live later.
#[utoipa::path(get, path = "/api/v1/analysis/roadmap-slip", tag = "catalogue", params(SlipParams),
    responses((status = 200, body = SlipList, description = "The releases that move"),
        (status = 400, body = ErrorEnvelope, description = "A parameter missing or out of its range"),
        (status = 404, body = ErrorEnvelope, description = "No building block with this code"),
        (status = 422, body = ErrorEnvelope, description = "The block is retired or has no go-live date to move")))]
pub async fn roadmap_slip(
    State(st): State<AppState>,
    Q(q): Q<SlipParams>,
) -> Result<Response, ApiError> {
    let bb = Some(q.building_block)
        .filter(|b| !b.trim().is_empty())
        .ok_or_else(|| ApiError::bad_request("building_block is required, e.g. BB-ID"))?;
    let days = q.days;
    if days.abs() > MAX_SLIP_DAYS {
        return Err(ApiError::bad_request(format!(
            "days must be from -{MAX_SLIP_DAYS} to {MAX_SLIP_DAYS}"
        )));
    }
    let snapshot = snapshot(&st);
    let sl = roadmap::slip(&snapshot, bb.trim(), days).map_err(|e| match e {
        roadmap::SlipError::UnknownBlock(_) => ApiError::not_found(e.to_string()),
        _ => ApiError::Unprocessable(e.to_string()),
    })?;
    Ok(Json(SlipList {
        meta: SlipMeta {
            total: sl.moves.len(),
            building_block: sl.building_block.to_string(),
            days: sl.days,
            available_before: sl.available_before,
            available_after: sl.available_after,
        },
        items: sl.moves,
    })
    .into_response())
}

/// Weights of the prioritisation; each one left out takes the country's (`[priorities]` in
/// `agenda.toml`, else the analysis's default).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WeightParams {
    /// Impact: demand (default: the country's; 2 unless configured).
    #[param(minimum = 0, maximum = 1_000_000)]
    pub demand: Option<f64>,
    /// Impact: complexity of access (default: the country's; 1 unless configured).
    #[param(minimum = 0, maximum = 1_000_000)]
    pub complexity: Option<f64>,
    /// Impact: alignment with the agenda (default: the country's; 1 unless configured).
    #[param(minimum = 0, maximum = 1_000_000)]
    pub alignment: Option<f64>,
    /// Feasibility: reuse of building blocks in production (default: the country's; 1 unless
    /// configured).
    #[param(minimum = 0, maximum = 1_000_000)]
    pub reuse: Option<f64>,
    /// Feasibility: current maturity (default: the country's; 1 unless configured).
    #[param(minimum = 0, maximum = 1_000_000)]
    pub readiness: Option<f64>,
}

impl WeightParams {
    /// The weights asked for, `defaults` filling the gaps.
    pub fn weights(&self, defaults: PriorityWeights) -> PriorityWeights {
        let d = defaults;
        PriorityWeights {
            demand: self.demand.unwrap_or(d.demand),
            complexity: self.complexity.unwrap_or(d.complexity),
            alignment: self.alignment.unwrap_or(d.alignment),
            reuse: self.reuse.unwrap_or(d.reuse),
            readiness: self.readiness.unwrap_or(d.readiness),
        }
    }
}

/// The ranking's weights, quadrant counts and paging.
#[derive(Debug, Serialize, ToSchema)]
pub struct PriorityMeta {
    /// Services ranked.
    pub total: usize,
    /// The weights used.
    pub weights: PriorityWeights,
    /// Services per quadrant.
    pub quadrants: QuadrantCounts,
    /// This page's number.
    pub page: usize,
    /// Items per page.
    pub per_page: usize,
    /// The next page's number, if there is one.
    pub next_page: Option<usize>,
}

/// The prioritisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct PriorityList<'a> {
    /// Services below maturity 4, highest score first.
    pub items: Vec<PriorityItem<'a>>,
    /// Weights, quadrants and paging.
    pub meta: PriorityMeta,
}

/// Services ranked by impact × feasibility, with their quadrant; the country's weights, each
/// of which a parameter may override.
#[utoipa::path(get, path = "/api/v1/analysis/priorities", tag = "catalogue",
    params(ListParams, WeightParams),
    responses((status = 200, body = PriorityList, description = "The ranking"),
        (status = 400, body = ErrorEnvelope, description = "A parameter out of its range"),
        (status = 422, body = ErrorEnvelope, description = "Every weight of an axis is 0, so it ranks nothing")))]
pub async fn priorities(
    State(st): State<AppState>,
    q: ListParams,
    Q(w): Q<WeightParams>,
) -> Result<Response, ApiError> {
    let snapshot = snapshot(&st);
    // Only the ratios within an axis matter; the bound keeps the sums finite.
    let given = [w.demand, w.complexity, w.alignment, w.reuse, w.readiness];
    if given.into_iter().flatten().any(|x| x > MAX_WEIGHT) {
        return Err(ApiError::bad_request(format!(
            "each weight must be from 0 to {MAX_WEIGHT}"
        )));
    }
    // Each weight is checked by the query's schema; what is left is the axes' sums, which no
    // one parameter can express.
    let p = priorities::priorities(&snapshot, w.weights(st.settings.priority_weights)).map_err(
        |e| match e {
            agenda_core::catalogue::priorities::WeightsError::AllZero(_) => {
                ApiError::Unprocessable(e.to_string())
            }
            _ => ApiError::bad_request(e.to_string()),
        },
    )?;
    let (items, pm) = page(p.items, &q)?;
    Ok(Json(PriorityList {
        items,
        meta: PriorityMeta {
            total: pm.total,
            weights: p.weights,
            quadrants: p.quadrants,
            page: pm.page,
            per_page: pm.per_page,
            next_page: pm.next_page,
        },
    })
    .into_response())
}

/// The governance period.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FreshnessParams {
    /// Months a sheet may go without review (default 12).
    #[param(minimum = 0, maximum = 1_200)]
    pub months: Option<u32>,
}

/// The freshness analysis's parameters, totals and paging.
#[derive(Debug, Serialize, ToSchema)]
pub struct FreshnessMeta {
    /// Stale services.
    pub total: usize,
    /// Services in the catalogue.
    pub services: usize,
    /// The governance period, in months.
    pub months: u32,
    /// The day it was computed for.
    pub today: Date,
    /// Reviews before this day are stale.
    pub cutoff: Date,
    /// This page's number.
    pub page: usize,
    /// Items per page.
    pub per_page: usize,
    /// The next page's number, if there is one.
    pub next_page: Option<usize>,
}

/// Stale service sheets.
#[derive(Debug, Serialize, ToSchema)]
pub struct FreshnessList<'a> {
    /// Never reviewed first, then the longest unreviewed.
    pub items: Vec<StaleService<'a>>,
    /// Parameters, totals and paging.
    pub meta: FreshnessMeta,
}

/// Services whose sheet was not reviewed within the governance period.
#[utoipa::path(get, path = "/api/v1/analysis/freshness", tag = "catalogue",
    params(ListParams, FreshnessParams),
    responses((status = 200, body = FreshnessList), (status = 400, body = ErrorEnvelope)))]
pub async fn freshness(
    State(st): State<AppState>,
    q: ListParams,
    Q(f): Q<FreshnessParams>,
) -> Result<Response, ApiError> {
    let months = f.months.unwrap_or(freshness::DEFAULT_MONTHS);
    if months > MAX_MONTHS {
        return Err(ApiError::bad_request(format!(
            "months must be from 0 to {MAX_MONTHS}"
        )));
    }
    let snapshot = snapshot(&st);
    let fr = freshness::freshness(&snapshot, st.today(), months);
    let (items, p) = page(fr.items, &q)?;
    Ok(Json(FreshnessList {
        items,
        meta: FreshnessMeta {
            total: p.total,
            services: fr.services,
            months: fr.months,
            today: fr.today,
            cutoff: fr.cutoff,
            page: p.page,
            per_page: p.per_page,
            next_page: p.next_page,
        },
    })
    .into_response())
}

/// Totals of the standard coverage, with paging.
#[derive(Debug, Serialize, ToSchema)]
pub struct StandardMeta {
    /// Services.
    pub total: usize,
    /// Criteria in the standard.
    pub criteria_count: usize,
    /// This page's number.
    pub page: usize,
    /// Items per page.
    pub per_page: usize,
    /// The next page's number, if there is one.
    pub next_page: Option<usize>,
}

/// Coverage of the service standard.
#[derive(Debug, Serialize, ToSchema)]
pub struct StandardList<'a> {
    /// Every service with its criteria by latest result, in code order.
    pub items: Vec<ServiceCoverage<'a>>,
    /// Every criterion with the services by latest result (whole, not paged).
    pub criteria: Vec<CriterionCoverage<'a>>,
    /// Totals and paging of `items`.
    pub meta: StandardMeta,
}

/// Per service, the criteria of the standard met, partly met, not met and not assessed; per
/// criterion, the services in each case.
#[utoipa::path(get, path = "/api/v1/analysis/standard", tag = "catalogue", params(ListParams),
    responses((status = 200, body = StandardList), (status = 400, body = ErrorEnvelope)))]
pub async fn standard(State(st): State<AppState>, q: ListParams) -> Result<Response, ApiError> {
    let snapshot = snapshot(&st);
    let c = standard::standard(&snapshot);
    let (items, p) = page(c.services, &q)?;
    Ok(Json(StandardList {
        items,
        criteria: c.criteria,
        meta: StandardMeta {
            total: p.total,
            criteria_count: c.criteria_count,
            page: p.page,
            per_page: p.per_page,
            next_page: p.next_page,
        },
    })
    .into_response())
}

/// Routes under `/api/v1/analysis`, to merge into the API router.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/analysis/once-only", get(once_only))
        .route("/analysis/building-blocks", get(building_blocks))
        .route("/analysis/roadmap-conflicts", get(roadmap_conflicts))
        .route("/analysis/roadmap-slip", get(roadmap_slip))
        .route("/analysis/priorities", get(priorities))
        .route("/analysis/freshness", get(freshness))
        .route("/analysis/standard", get(standard))
}
