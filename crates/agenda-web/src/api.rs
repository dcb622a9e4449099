//! The read API, `/api/v1`: one list and one item endpoint per collection, keyed by the stable
//! natural codes. Anonymous, so it answers from the public view: no draft observation or budget
//! line, no unapproved progress report. Lists answer `{"items": [...], "meta": {"total": N, ...}}`. The OpenAPI 3.1
//! document at `/api/v1/openapi.json` is generated from these handlers, so the documented
//! paths are the paths that work.

use agenda_core::sdg::{SdgGoal, SdgIndicator, SdgTarget};
use agenda_core::*;
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use crate::AppState;
use crate::api_list::{ListMeta, ListParams, page_of};
use crate::error::{ApiError, ErrorEnvelope};

fn paginate<'a, T: Clone + 'a>(
    items: impl Iterator<Item = &'a T>,
    total: usize,
    q: &ListParams,
) -> Result<(Vec<T>, ListMeta), ApiError> {
    page_of(items.cloned(), total, q)
}

fn not_found(what: &str, code: &str) -> ApiError {
    ApiError::not_found(format!("no {what} with code {code}"))
}

macro_rules! collection {
    ($($list_fn:ident, $get_fn:ident, $list_ty:ident, $ty:ty, $field:ident, $what:literal, $tag:tt, $path:tt, $item_path:tt, $route:literal;)+) => {
        $(
            #[doc = concat!("A page of ", $what, " records.")]
            #[derive(Debug, Serialize, ToSchema)]
            pub struct $list_ty {
                /// The records, in code order.
                pub items: Vec<$ty>,
                /// Paging.
                pub meta: ListMeta,
            }

            #[doc = concat!("Lists ", $what, " records.")]
            #[utoipa::path(get, path = $path, tag = $tag, params(ListParams),
                responses((status = 200, body = $list_ty, description = concat!("A page of ", $what, " records")),
                    (status = 400, body = ErrorEnvelope, description = "A parameter out of its range")))]
            pub async fn $list_fn(
                State(st): State<AppState>,
                q: ListParams,
            ) -> Result<Json<$list_ty>, ApiError> {
                let s = st.public_snapshot();
                let (items, meta) = paginate(s.$field.values(), s.$field.len(), &q)?;
                Ok(Json($list_ty { items, meta }))
            }

            #[doc = concat!("Finds one ", $what, " by its code.")]
            #[utoipa::path(get, path = $item_path, tag = $tag,
                params(("code" = String, Path, description = "The natural key")),
                responses((status = 200, body = $ty, description = concat!("The ", $what, " record")),
                    (status = 404, body = ErrorEnvelope, description = "No record with this code")))]
            pub async fn $get_fn(
                State(st): State<AppState>,
                Path(code): Path<String>,
            ) -> Result<Json<$ty>, ApiError> {
                st.public_snapshot()
                    .$field
                    .get(&code)
                    .cloned()
                    .map(Json)
                    .ok_or_else(|| not_found($what, &code))
            }
        )+

        fn collection_routes() -> Router<AppState> {
            Router::new()
                $(
                    .route(concat!("/", $route), get($list_fn))
                    .route(concat!("/", $route, "/{code}"), get($get_fn))
                )+
        }
    };
}

collection! {
    list_organisations, find_organisation, OrganisationList, Organisation, organisations, "organisation", "agenda",
        "/api/v1/organisations", "/api/v1/organisations/{code}", "organisations";
    list_agenda, find_agenda, AgendaList, Agenda, agenda, "agenda", "agenda",
        "/api/v1/agenda", "/api/v1/agenda/{code}", "agenda";
    list_pillars, find_pillar, PillarList, Pillar, pillars, "pillar", "agenda",
        "/api/v1/pillars", "/api/v1/pillars/{code}", "pillars";
    list_action_lines, find_action_line, ActionLineList, ActionLine, action_lines, "action line", "agenda",
        "/api/v1/action-lines", "/api/v1/action-lines/{code}", "action-lines";
    list_objectives, find_objective, ObjectiveList, Objective, objectives, "objective", "agenda",
        "/api/v1/objectives", "/api/v1/objectives/{code}", "objectives";
    list_milestones, find_milestone, MilestoneList, Milestone, milestones, "milestone", "agenda",
        "/api/v1/milestones", "/api/v1/milestones/{code}", "milestones";
    list_legal_instruments, find_legal_instrument, LegalInstrumentList, LegalInstrument, legal_instruments, "legal instrument", "agenda",
        "/api/v1/legal-instruments", "/api/v1/legal-instruments/{code}", "legal-instruments";
    list_progress_reports, find_progress_report, ProgressReportList, ProgressReport, progress_reports, "progress report", "reporting",
        "/api/v1/progress-reports", "/api/v1/progress-reports/{code}", "progress-reports";
    list_budgets, find_budget, BudgetList, Budget, budgets, "budget line", "reporting",
        "/api/v1/budgets", "/api/v1/budgets/{code}", "budgets";
    list_governance_bodies, find_governance_body, GovernanceBodyList, GovernanceBody, governance_bodies, "governance body", "reporting",
        "/api/v1/governance-bodies", "/api/v1/governance-bodies/{code}", "governance-bodies";
    list_seats, find_seat, SeatList, Seat, seats, "seat", "reporting",
        "/api/v1/seats", "/api/v1/seats/{code}", "seats";
    list_meetings, find_meeting, MeetingList, Meeting, meetings, "meeting", "reporting",
        "/api/v1/meetings", "/api/v1/meetings/{code}", "meetings";
    list_decisions, find_decision, DecisionList, Decision, decisions, "decision", "reporting",
        "/api/v1/decisions", "/api/v1/decisions/{code}", "decisions";
    list_services, find_service, ServiceList, Service, services, "service", "catalogue",
        "/api/v1/services", "/api/v1/services/{code}", "services";
    list_life_events, find_life_event, LifeEventList, LifeEvent, life_events, "life event", "catalogue",
        "/api/v1/life-events", "/api/v1/life-events/{code}", "life-events";
    list_data_items, find_data_item, DataItemList, DataItem, data_items, "data item", "catalogue",
        "/api/v1/data-items", "/api/v1/data-items/{code}", "data-items";
    list_registries, find_registry, RegistryList, Registry, registries, "registry", "catalogue",
        "/api/v1/registries", "/api/v1/registries/{code}", "registries";
    list_building_blocks, find_building_block, BuildingBlockList, BuildingBlock, building_blocks, "building block", "catalogue",
        "/api/v1/building-blocks", "/api/v1/building-blocks/{code}", "building-blocks";
    list_contact_points, find_contact_point, ContactPointList, ContactPoint, contact_points, "contact point", "catalogue",
        "/api/v1/contact-points", "/api/v1/contact-points/{code}", "contact-points";
    list_service_figures, find_service_figure, ServiceFigureList, ServiceFigure, service_figures, "service figure", "catalogue",
        "/api/v1/service-figures", "/api/v1/service-figures/{code}", "service-figures";
    list_systems, find_system, SystemList, System, systems, "system", "catalogue",
        "/api/v1/systems", "/api/v1/systems/{code}", "systems";
    list_releases, find_release, ReleaseList, Release, releases, "release", "catalogue",
        "/api/v1/releases", "/api/v1/releases/{code}", "releases";
    list_standard_criteria, find_standard_criterion, StandardCriterionList, StandardCriterion, standard_criteria, "service-standard criterion", "catalogue",
        "/api/v1/standard-criteria", "/api/v1/standard-criteria/{code}", "standard-criteria";
    list_assessments, find_assessment, AssessmentList, Assessment, assessments, "assessment", "catalogue",
        "/api/v1/assessments", "/api/v1/assessments/{code}", "assessments";
}

/// A KPI with its yearly targets and every observation.
#[derive(Debug, Serialize, ToSchema)]
pub struct KpiView {
    /// The KPI (its `targets` are the yearly interim targets).
    #[serde(flatten)]
    pub kpi: Kpi,
    /// Its observations in period order, totals before disaggregations.
    pub observations: Vec<Observation>,
}

fn kpi_view(s: &Snapshot, k: &Kpi) -> KpiView {
    KpiView {
        kpi: k.clone(),
        observations: s.observations_of(k.code.as_str()).cloned().collect(),
    }
}

/// A page of KPIs.
#[derive(Debug, Serialize, ToSchema)]
pub struct KpiList {
    /// The KPIs, in code order.
    pub items: Vec<KpiView>,
    /// Paging.
    pub meta: ListMeta,
}

/// Lists KPIs with their targets and observations.
#[utoipa::path(get, path = "/api/v1/kpis", tag = "agenda", params(ListParams),
    responses((status = 200, body = KpiList), (status = 400, body = ErrorEnvelope)))]
pub async fn list_kpis(
    State(st): State<AppState>,
    q: ListParams,
) -> Result<Json<KpiList>, ApiError> {
    let s = st.public_snapshot();
    let (items, meta) = paginate(s.kpis.values(), s.kpis.len(), &q)?;
    let items = items.iter().map(|k| kpi_view(&s, k)).collect();
    Ok(Json(KpiList { items, meta }))
}

/// Finds one KPI, with its targets and observations.
#[utoipa::path(get, path = "/api/v1/kpis/{code}", tag = "agenda",
    params(("code" = String, Path, description = "The natural key")),
    responses((status = 200, body = KpiView), (status = 404, body = ErrorEnvelope)))]
pub async fn find_kpi(
    State(st): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<KpiView>, ApiError> {
    let s = st.public_snapshot();
    let k = s.kpis.get(&code).ok_or_else(|| not_found("KPI", &code))?;
    Ok(Json(kpi_view(&s, k)))
}

/// A page of SDG goals.
#[derive(Debug, Serialize, ToSchema)]
pub struct SdgGoalList {
    /// The goals, 1 to 17.
    pub items: Vec<SdgGoal>,
    /// Paging.
    pub meta: ListMeta,
}

/// A page of SDG targets.
#[derive(Debug, Serialize, ToSchema)]
pub struct SdgTargetList {
    /// The targets in code order.
    pub items: Vec<SdgTarget>,
    /// Paging.
    pub meta: ListMeta,
}

/// A page of SDG indicators.
#[derive(Debug, Serialize, ToSchema)]
pub struct SdgIndicatorList {
    /// The indicators in code order.
    pub items: Vec<SdgIndicator>,
    /// Paging.
    pub meta: ListMeta,
}

/// Lists the 17 Sustainable Development Goals.
#[utoipa::path(get, path = "/api/v1/sdg/goals", tag = "sdg", params(ListParams),
    responses((status = 200, body = SdgGoalList), (status = 400, body = ErrorEnvelope)))]
pub async fn list_sdg_goals(
    State(st): State<AppState>,
    q: ListParams,
) -> Result<Json<SdgGoalList>, ApiError> {
    let s = st.public_snapshot();
    let (items, meta) = paginate(s.sdg.goals.values(), s.sdg.goals.len(), &q)?;
    Ok(Json(SdgGoalList { items, meta }))
}

/// Finds one goal by its number (1–17).
#[utoipa::path(get, path = "/api/v1/sdg/goals/{code}", tag = "sdg",
    params(("code" = String, Path, description = "Goal number, 1–17")),
    responses((status = 200, body = SdgGoal), (status = 404, body = ErrorEnvelope)))]
pub async fn find_sdg_goal(
    State(st): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<SdgGoal>, ApiError> {
    let s = st.public_snapshot();
    code.parse::<u8>()
        .ok()
        .and_then(|g| s.sdg.goals.get(&g).cloned())
        .map(Json)
        .ok_or_else(|| not_found("SDG goal", &code))
}

/// Lists the 169 SDG targets.
#[utoipa::path(get, path = "/api/v1/sdg/targets", tag = "sdg", params(ListParams),
    responses((status = 200, body = SdgTargetList), (status = 400, body = ErrorEnvelope)))]
pub async fn list_sdg_targets(
    State(st): State<AppState>,
    q: ListParams,
) -> Result<Json<SdgTargetList>, ApiError> {
    let s = st.public_snapshot();
    let (items, meta) = paginate(s.sdg.targets.values(), s.sdg.targets.len(), &q)?;
    Ok(Json(SdgTargetList { items, meta }))
}

/// Finds one SDG target, e.g. `16.9`.
#[utoipa::path(get, path = "/api/v1/sdg/targets/{code}", tag = "sdg",
    params(("code" = String, Path, description = "Target code, e.g. 16.9")),
    responses((status = 200, body = SdgTarget), (status = 404, body = ErrorEnvelope)))]
pub async fn find_sdg_target(
    State(st): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<SdgTarget>, ApiError> {
    let s = st.public_snapshot();
    s.sdg
        .targets
        .get(&code)
        .cloned()
        .map(Json)
        .ok_or_else(|| not_found("SDG target", &code))
}

/// Lists the SDG indicators.
#[utoipa::path(get, path = "/api/v1/sdg/indicators", tag = "sdg", params(ListParams),
    responses((status = 200, body = SdgIndicatorList), (status = 400, body = ErrorEnvelope)))]
pub async fn list_sdg_indicators(
    State(st): State<AppState>,
    q: ListParams,
) -> Result<Json<SdgIndicatorList>, ApiError> {
    let s = st.public_snapshot();
    let (items, meta) = paginate(s.sdg.indicators.values(), s.sdg.indicators.len(), &q)?;
    Ok(Json(SdgIndicatorList { items, meta }))
}

/// Finds one SDG indicator, e.g. `16.9.1`.
#[utoipa::path(get, path = "/api/v1/sdg/indicators/{code}", tag = "sdg",
    params(("code" = String, Path, description = "Indicator code, e.g. 16.9.1")),
    responses((status = 200, body = SdgIndicator), (status = 404, body = ErrorEnvelope)))]
pub async fn find_sdg_indicator(
    State(st): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<SdgIndicator>, ApiError> {
    let s = st.public_snapshot();
    s.sdg
        .indicators
        .get(&code)
        .cloned()
        .map(Json)
        .ok_or_else(|| not_found("SDG indicator", &code))
}

/// The OpenAPI description of this API.
#[derive(OpenApi)]
#[openapi(
    info(title = "agenda API", description = "Read access to a National Digital Agenda, its KPIs and its services catalogue, and submission of KPI observations with an organisation's token (`Authorization: Bearer agt_…`). Codes are stable natural keys."),
    paths(
        list_organisations, find_organisation, list_agenda, find_agenda, list_pillars, find_pillar,
        list_action_lines, find_action_line, list_objectives, find_objective, list_milestones,
        find_milestone, list_legal_instruments, find_legal_instrument, list_kpis, find_kpi,
        list_progress_reports, find_progress_report, list_budgets, find_budget,
        list_governance_bodies, find_governance_body,
        list_seats, find_seat, list_meetings, find_meeting, list_decisions, find_decision, list_services, find_service, list_life_events,
        find_life_event, list_data_items, find_data_item, list_registries, find_registry,
        list_building_blocks, find_building_block, list_contact_points, find_contact_point,
        list_service_figures, find_service_figure, list_systems, find_system, list_releases,
        find_release,
        list_standard_criteria, find_standard_criterion, list_assessments, find_assessment,
        list_sdg_goals, find_sdg_goal, list_sdg_targets, find_sdg_target, list_sdg_indicators,
        find_sdg_indicator,
        crate::analysis_api::once_only, crate::analysis_api::building_blocks,
        crate::analysis_api::roadmap_conflicts, crate::analysis_api::roadmap_slip,
        crate::analysis_api::priorities, crate::analysis_api::freshness,
        crate::analysis_api::standard, crate::catalogue_api::catalogue,
        crate::finder_api::finder,
        crate::write_api::submit_observation,
        crate::write_api::submit_service_figure,
    ),
    components(schemas(ErrorEnvelope)),
    tags(
        (name = "agenda", description = "The agenda: pillars, action lines, milestones, KPIs, regulatory plan"),
        (name = "reporting", description = "Progress reports, budgets and governance"),
        (name = "catalogue", description = "The services catalogue and the government stack"),
        (name = "sdg", description = "The UN Sustainable Development Goals framework"),
    )
)]
pub struct ApiDoc;

/// The OpenAPI document as served: [`ApiDoc`] with a description on every response, which
/// OpenAPI requires (the status's reason phrase where the handler gives none).
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    for item in doc.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ];
        for op in operations.into_iter().flatten() {
            for (status, response) in op.responses.responses.iter_mut() {
                if let utoipa::openapi::RefOr::T(r) = response
                    && r.description.trim().is_empty()
                {
                    r.description = status
                        .parse::<u16>()
                        .ok()
                        .and_then(|s| axum::http::StatusCode::from_u16(s).ok())
                        .and_then(|s| s.canonical_reason())
                        .unwrap_or("Response")
                        .to_owned();
                }
            }
        }
    }
    doc
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(document())
}

/// Routes under `/api/v1`.
pub fn router() -> Router<AppState> {
    collection_routes()
        .route("/kpis", get(list_kpis))
        .route("/kpis/{code}", get(find_kpi))
        .route("/sdg/goals", get(list_sdg_goals))
        .route("/sdg/goals/{code}", get(find_sdg_goal))
        .route("/sdg/targets", get(list_sdg_targets))
        .route("/sdg/targets/{code}", get(find_sdg_target))
        .route("/sdg/indicators", get(list_sdg_indicators))
        .route("/sdg/indicators/{code}", get(find_sdg_indicator))
        .route("/openapi.json", get(openapi))
        .merge(crate::analysis_api::router())
        .merge(crate::catalogue_api::router())
        .merge(crate::finder_api::router())
}

#[cfg(test)]
mod tests {
    /// OpenAPI requires a description on every response; validators reject the document
    /// without one.
    #[test]
    fn every_response_of_the_document_is_described() {
        let doc = serde_json::to_value(super::document()).unwrap();
        let mut responses = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                for (status, r) in op["responses"].as_object().unwrap() {
                    responses += 1;
                    let d = r["description"].as_str().unwrap_or("");
                    assert!(!d.trim().is_empty(), "{method} {path} {status}");
                }
            }
        }
        assert!(responses > 100, "{responses}");
    }
}
