//! Writes through the JSON API. A ministry's system submits KPI observations, and its services'
//! figures for a period, with its organisation's token; the same authorisation rule and version
//! check as the forms apply.

use agenda_core::{
    Change, Entity, Kind, Observation, ObservationStatus, Percent, Period, Record, ServiceFigure,
};
use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::post;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use agenda_store::Writer;

use crate::site::admin::auth::ApiCaller;
use crate::{ApiError, AppState};

/// A figure submitted for a KPI.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewObservation {
    /// The period, at the KPI's frequency: `2026`, `2026-Q3` or `2026-09`.
    pub period: String,
    /// The value, in the KPI's unit.
    pub value: f64,
    /// `draft` or `submitted` (default); validation is a reviewer's decision.
    pub status: Option<String>,
    /// `dimension=value` for a disaggregated figure; absent for the total.
    pub disaggregation: Option<String>,
    /// Evidence or caveat.
    pub note: Option<String>,
    /// Data-quality flag: `estimated`, `provisional` or `break` (in series); absent for none.
    pub flag: Option<String>,
    /// The version the figure is replacing (from a previous answer), 0 for a new one. The
    /// `If-Match` header may carry it instead. Without either, a new figure is expected.
    pub version: Option<u64>,
}

/// What was stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct Stored {
    /// The key of the stored observation (`KPI-07:2026-Q3`).
    pub key: String,
    /// Its version now; send it back to replace it.
    pub version: u64,
}

/// Submits (creates or replaces) an observation of a KPI.
#[utoipa::path(post, path = "/api/v1/kpis/{code}/observations", tag = "reporting",
    params(("code" = String, Path, description = "The KPI's code")),
    request_body = NewObservation,
    security(("token" = [])),
    responses(
        (status = 201, body = Stored, description = "Created"),
        (status = 200, body = Stored, description = "Replaced"),
        (status = 401, body = crate::error::ErrorEnvelope, description = "No or unknown token"),
        (status = 403, body = crate::error::ErrorEnvelope, description = "Not this organisation's KPI"),
        (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope, description = "Changed since the given version"),
        (status = 422, body = crate::error::ErrorEnvelope, description = "Invalid figure")))]
pub async fn submit_observation(
    State(st): State<AppState>,
    caller: ApiCaller,
    Path(code): Path<String>,
    headers: HeaderMap,
    Json(body): Json<NewObservation>,
) -> Result<(StatusCode, Json<Stored>), ApiError> {
    let s = st.store.snapshot();
    let Some(kpi) = s.kpis.get(&code) else {
        return Err(ApiError::not_found(format!("no KPI {code}")));
    };
    if let Some(f) = kpi.computed {
        return Err(ApiError::Unprocessable(format!(
            "the figures of {code} are computed from the services catalogue ({}), not sent",
            f.as_str()
        )));
    }
    let invalid = |field: &str, e: agenda_core::Expected| {
        ApiError::Unprocessable(format!("{field}: expected {}", e.phrase()))
    };
    let period = Period::parse(&body.period).map_err(|e| invalid("period", e))?;
    let status = match body.status.as_deref() {
        None => ObservationStatus::Submitted,
        Some(v) => ObservationStatus::parse(v).map_err(|e| invalid("status", e))?,
    };
    let disaggregation = body
        .disaggregation
        .as_deref()
        .map(agenda_core::model::Disaggregation::parse)
        .transpose()
        .map_err(|e| invalid("disaggregation", e))?;
    let flag = body
        .flag
        .as_deref()
        .filter(|f| !f.trim().is_empty())
        .map(agenda_core::model::ObservationFlag::parse)
        .transpose()
        .map_err(|e| invalid("flag", e))?;
    let obs = Observation {
        kpi: kpi.code.clone(),
        period,
        value: body.value,
        status,
        disaggregation,
        note: body.note.filter(|n| !n.trim().is_empty()),
        flag,
    };
    let key = obs.key();
    let change = Change::Upsert(Entity::Observation(obs));
    let if_match = headers
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().trim_matches('"').parse::<u64>().ok());
    let expected = body.version.or(if_match).unwrap_or(0);
    // The version answered is the one this write produced, not whatever is stored by the
    // time it is read back.
    let outcome = st
        .store
        .apply_as(
            Writer::actor(&caller.name, caller.actor, Some(st.today())),
            vec![change],
            vec![(Kind::Observation, key.clone(), expected)],
        )
        .await?;
    let version = outcome
        .record_version(Kind::Observation, &key)
        .unwrap_or(expected);
    let status = if expected == 0 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(Stored { key, version })))
}

/// A service's figures for a period.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewServiceFigure {
    /// The period: `2026`, `2026-Q3` or `2026-09`.
    pub period: String,
    /// Transactions in the period.
    pub transactions: Option<u64>,
    /// Share completed digitally, 0–100.
    pub digital_share_pct: Option<f64>,
    /// Users satisfied, 0–100.
    pub satisfaction_pct: Option<f64>,
    /// Transactions started online and completed, 0–100.
    pub completion_rate_pct: Option<f64>,
    /// Cost per transaction, national currency, 0 or more.
    pub cost_per_transaction: Option<f64>,
    /// Source or caveat.
    pub note: Option<String>,
    /// The version the figures are replacing (from a previous answer), 0 for new ones. The
    /// `If-Match` header may carry it instead.
    pub version: Option<u64>,
}

/// Submits (creates or replaces) a service's figures for a period.
#[utoipa::path(post, path = "/api/v1/services/{code}/figures", tag = "reporting",
    params(("code" = String, Path, description = "The service's code")),
    request_body = NewServiceFigure,
    security(("token" = [])),
    responses(
        (status = 201, body = Stored, description = "Created"),
        (status = 200, body = Stored, description = "Replaced"),
        (status = 401, body = crate::error::ErrorEnvelope, description = "No or unknown token"),
        (status = 403, body = crate::error::ErrorEnvelope, description = "Not this organisation's service"),
        (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope, description = "Changed since the given version"),
        (status = 422, body = crate::error::ErrorEnvelope, description = "Invalid figures")))]
pub async fn submit_service_figure(
    State(st): State<AppState>,
    caller: ApiCaller,
    Path(code): Path<String>,
    headers: HeaderMap,
    Json(body): Json<NewServiceFigure>,
) -> Result<(StatusCode, Json<Stored>), ApiError> {
    let s = st.store.snapshot();
    let Some(service) = s.services.get(&code) else {
        return Err(ApiError::not_found(format!("no service {code}")));
    };
    let invalid = |field: &str, e: agenda_core::Expected| {
        ApiError::Unprocessable(format!("{field}: expected {}", e.phrase()))
    };
    let pct = |field: &str, v: Option<f64>| {
        v.map(Percent::new)
            .transpose()
            .map_err(|e| invalid(field, e))
    };
    let figure = ServiceFigure {
        service: service.code.clone(),
        period: Period::parse(&body.period).map_err(|e| invalid("period", e))?,
        transactions: body.transactions,
        digital_share_pct: pct("digital_share_pct", body.digital_share_pct)?,
        satisfaction_pct: pct("satisfaction_pct", body.satisfaction_pct)?,
        completion_rate_pct: pct("completion_rate_pct", body.completion_rate_pct)?,
        cost_per_transaction: body.cost_per_transaction,
        note: body.note.filter(|n| !n.trim().is_empty()),
    };
    let key = figure.key();
    let if_match = headers
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().trim_matches('"').parse::<u64>().ok());
    let expected = body.version.or(if_match).unwrap_or(0);
    let outcome = st
        .store
        .apply_as(
            Writer::actor(&caller.name, caller.actor, Some(st.today())),
            vec![Change::Upsert(Entity::ServiceFigure(figure))],
            vec![(Kind::ServiceFigure, key.clone(), expected)],
        )
        .await?;
    let version = outcome
        .record_version(Kind::ServiceFigure, &key)
        .unwrap_or(expected);
    let status = if expected == 0 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(Stored { key, version })))
}

/// Write routes under `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/kpis/{code}/observations", post(submit_observation))
        .route("/services/{code}/figures", post(submit_service_figure))
}
