//! What the public may see. Nothing in draft is ever shown: observations and budget lines are
//! public once validated, progress reports once approved (or published). A contribution hidden by the
//! moderators keeps only the moderators' reason: its words and its author's name are withheld.
//! A system's database and monitoring tools are withheld too: the software a system runs, and
//! its versions, would be a map for whoever wants to break in.

use crate::model::{ObservationStatus, ReportStatus};
use crate::snapshot::{Kind, Snapshot};

/// Whether an observation in this state is public.
pub fn observation_is_public(status: ObservationStatus) -> bool {
    status == ObservationStatus::Validated
}

/// Whether a progress report in this state is public.
pub fn report_is_public(status: ReportStatus) -> bool {
    matches!(status, ReportStatus::Approved | ReportStatus::Published)
}

/// Whether a record of `kind` in the state named `status` (as stored: `"validated"`) is public.
/// Kinds without a publication state always are; an observation or report whose state cannot
/// be read is not.
pub fn status_is_public(kind: Kind, status: &str) -> bool {
    match kind {
        Kind::Observation | Kind::Budget => {
            ObservationStatus::parse(status).is_ok_and(observation_is_public)
        }
        Kind::ProgressReport => ReportStatus::parse(status).is_ok_and(report_is_public),
        _ => true,
    }
}

/// Whether a stored state of a record of `kind` (its JSON body, as the audit trail keeps it)
/// is one the public may see: the same rule as [`public_view`], read from the body's `status`.
pub fn stored_state_is_public(kind: Kind, json: &str) -> bool {
    let status = serde_json::from_str::<serde_json::Value>(json)
        .ok()
        .and_then(|v| v.get("status").and_then(|s| s.as_str()).map(str::to_owned))
        .unwrap_or_default();
    status_is_public(kind, &status)
}

/// The snapshot as the public sees it.
pub fn public_view(s: &Snapshot) -> Snapshot {
    // Few records are not public: remove those rather than rebuild the maps.
    let mut p = s.clone();
    let hidden: Vec<String> = s
        .observations
        .iter()
        .filter(|(_, o)| !observation_is_public(o.status))
        .map(|(k, _)| k.clone())
        .collect();
    for k in hidden {
        p.observations.remove(&k);
    }
    // A budget line follows the KPI figures' workflow, and their rule.
    let hidden: Vec<String> = s
        .budgets
        .iter()
        .filter(|(_, b)| !observation_is_public(b.status))
        .map(|(k, _)| k.clone())
        .collect();
    for k in hidden {
        p.budgets.remove(&k);
    }
    let hidden: Vec<String> = s
        .progress_reports
        .iter()
        .filter(|(_, r)| !report_is_public(r.status))
        .map(|(k, _)| k.clone())
        .collect();
    for k in hidden {
        p.progress_reports.remove(&k);
    }
    for (k, y) in s
        .systems
        .iter()
        .filter(|(_, y)| y.database.is_some() || y.monitoring.is_some())
    {
        let mut shown = y.clone();
        shown.database = None;
        shown.monitoring = None;
        p.systems.insert(k.clone(), shown);
    }
    for (k, c) in s.contributions.iter().filter(|(_, c)| c.hidden) {
        let mut shown = c.clone();
        shown.text = format!(
            "hidden by the moderators: {}",
            c.hidden_reason.as_deref().unwrap_or("")
        );
        shown.author_name = None;
        p.contributions.insert(k.clone(), shown);
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_validated_observations_and_approved_reports_are_public() {
        assert!(observation_is_public(ObservationStatus::Validated));
        assert!(!observation_is_public(ObservationStatus::Submitted));
        assert!(!observation_is_public(ObservationStatus::Draft));
        assert!(report_is_public(ReportStatus::Approved));
        assert!(report_is_public(ReportStatus::Published));
        assert!(!report_is_public(ReportStatus::Returned));
        assert!(!report_is_public(ReportStatus::Draft));
    }

    #[test]
    fn a_stored_state_is_public_by_the_same_rule() {
        assert!(status_is_public(Kind::Observation, "validated"));
        assert!(!status_is_public(Kind::Observation, "submitted"));
        assert!(status_is_public(Kind::Budget, "validated"));
        assert!(!status_is_public(Kind::Budget, "submitted"));
        assert!(!status_is_public(Kind::Budget, "draft"));
        assert!(status_is_public(Kind::ProgressReport, "approved"));
        assert!(status_is_public(Kind::ProgressReport, "published"));
        assert!(!status_is_public(Kind::ProgressReport, "returned"));
        assert!(!status_is_public(Kind::ProgressReport, "nonsense"));
        // Kinds without a publication state are always public.
        assert!(status_is_public(Kind::Pillar, ""));

        assert!(stored_state_is_public(
            Kind::Observation,
            r#"{"code":"O-1","status":"validated"}"#
        ));
        assert!(!stored_state_is_public(
            Kind::Observation,
            r#"{"code":"O-1","status":"draft"}"#
        ));
        assert!(!stored_state_is_public(
            Kind::ProgressReport,
            r#"{"code":"R-1"}"#
        ));
        assert!(!stored_state_is_public(Kind::ProgressReport, "not json"));
        assert!(stored_state_is_public(Kind::Kpi, r#"{"code":"KPI-01"}"#));
    }

    #[test]
    fn only_validated_budget_lines_are_public() {
        let mut s = Snapshot::default();
        for (year, status) in [(2025, "validated"), (2026, "submitted"), (2027, "draft")] {
            let b: crate::Budget = serde_json::from_value(serde_json::json!({
                "action_line": "AL-1", "year": year, "source": "treasury", "partner": null,
                "planned": "100", "committed": "0", "spent": "0", "status": status,
                "note": null
            }))
            .unwrap();
            s.upsert(b.into());
        }
        let p = public_view(&s);
        let keys: Vec<&String> = p.budgets.keys().collect();
        assert_eq!(keys, ["AL-1:2025:treasury"]);
        assert_eq!(s.budgets.len(), 3, "the full snapshot keeps every line");
    }

    #[test]
    fn a_hidden_contribution_shows_only_the_moderators_reason() {
        let mut s = Snapshot::default();
        let c: crate::Contribution = serde_json::from_value(serde_json::json!({
            "code": "C-1", "consultation": "CONS-1", "kind": "comment",
            "text": "Call 555-0100 at home", "author_org": "CSN", "sector": "civil_society",
            "author_name": "Someone", "submitted_on": "2026-10-02", "endorsements": [],
            "hidden": true, "hidden_reason": "private details"
        }))
        .unwrap();
        s.upsert(c.into());
        let shown = &public_view(&s).contributions["C-1"];
        assert_eq!(shown.text, "hidden by the moderators: private details");
        assert_eq!(shown.author_name, None);
    }
}
