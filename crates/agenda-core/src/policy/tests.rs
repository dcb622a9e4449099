use std::sync::Arc;

use serde_json::json;

use super::*;
use crate::model::*;

fn parse<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
    serde_json::from_value(v).unwrap()
}

/// Two ministries: MOH leads AL-1 and owns KPI-1 and SVC-1; MOF leads AL-2 and owns SVC-2.
fn snapshot() -> Snapshot {
    let mut s = Snapshot::empty(Arc::default());
    for (al, lead) in [("AL-1", "MOH"), ("AL-2", "MOF")] {
        s.upsert(Entity::ActionLine(parse(json!({
            "code": al, "pillar_code": "P1", "title": {"en": "A line"}, "description": null,
            "lead_org": lead, "contributing_orgs": [], "start": "2024-01-01", "end": "2028-12-31",
            "priority": 1, "status": "in_progress", "sdg_targets": []
        }))));
    }
    s.upsert(Entity::Kpi(parse(json!({
        "code": "KPI-1", "action_line": "AL-1", "title": {"en": "A KPI"}, "unit": "%",
        "direction": "increase", "baseline_value": 1.0, "baseline_date": "2024-01-01",
        "target_value": 2.0, "target_date": "2028-12-31", "frequency": "yearly",
        "owner_org": "MOH", "method": null, "sdg_indicator": null, "targets": []
    }))));
    s
}

fn service(code: &str, owner: &str) -> Entity {
    Entity::Service(parse(json!({
        "code": code, "title": {"en": "A service"}, "summary": null, "audience": "citizen",
        "life_event": [], "owner_code": owner, "maturity": 2, "channels": [],
        "annual_transactions": null, "digital_share_pct": null, "satisfaction_pct": null,
        "completion_rate_pct": null, "cost_per_transaction": null, "evidence": [],
        "evidence_fetched": [], "building_blocks": [], "cross_border": false,
        "last_reviewed": null
    })))
}

fn report(al: &str, org: &str, status: &str) -> Entity {
    Entity::ProgressReport(parse(json!({
        "action_line": al, "period": "2026-Q1", "submitted_by_org": org, "status": status,
        "narrative": null, "submitted_on": null
    })))
}

fn observation(status: &str) -> Entity {
    Entity::Observation(parse(json!({
        "kpi": "KPI-1", "period": "2026", "value": 1.5, "status": status,
        "disaggregation": null, "note": null
    })))
}

fn user(role: Role, org: Option<&str>) -> Actor {
    Actor::User {
        role,
        organisation: org.map(|o| Code::parse(o).unwrap()),
    }
}

fn upsert(actor: &Actor, s: &Snapshot, e: Entity) -> Result<(), Denied> {
    may_apply(actor, s, &[Change::Upsert(e)])
}

#[test]
fn admins_and_editors_may_change_anything() {
    let s = snapshot();
    for role in [Role::Admin, Role::Editor] {
        let a = user(role, None);
        assert!(upsert(&a, &s, service("SVC-2", "MOF")).is_ok());
        assert!(upsert(&a, &s, report("AL-1", "MOH", "published")).is_ok());
        assert!(may_apply(&a, &s, &[Change::Delete(Kind::Kpi, "KPI-1".into())]).is_ok());
        assert!(may_review(&a));
    }
}

#[test]
fn legal_advisors_change_only_the_regulatory_plan() {
    let s = snapshot();
    let a = user(Role::Legal, None);
    assert!(upsert(&a, &s, service("SVC-1", "MOH")).is_err());
    assert!(
        may_apply(
            &a,
            &s,
            &[Change::Delete(Kind::LegalInstrument, "LAW-1".into())]
        )
        .is_ok()
    );
    assert!(!may_review(&a));
}

#[test]
fn stakeholders_change_nothing() {
    let s = snapshot();
    let a = user(Role::Stakeholder, None);
    assert!(upsert(&a, &s, service("SVC-1", "MOH")).is_err());
    assert!(upsert(&a, &s, observation("draft")).is_err());
}

#[test]
fn an_entity_changes_only_its_own_organisations_records() {
    let mut s = snapshot();
    let moh = user(Role::Entity, Some("MOH"));
    assert!(upsert(&moh, &s, service("SVC-1", "MOH")).is_ok());
    assert!(upsert(&moh, &s, service("SVC-2", "MOF")).is_err());
    // Taking over another ministry's service by rewriting its owner is refused too.
    s.upsert(service("SVC-2", "MOF"));
    assert!(upsert(&moh, &s, service("SVC-2", "MOH")).is_err());
    assert!(may_apply(&moh, &s, &[Change::Delete(Kind::Service, "SVC-2".into())]).is_err());
    assert!(upsert(&moh, &s, report("AL-1", "MOH", "submitted")).is_ok());
    assert!(upsert(&moh, &s, report("AL-2", "MOF", "draft")).is_err());
    assert!(upsert(&moh, &s, observation("submitted")).is_ok());
    let mof = user(Role::Entity, Some("MOF"));
    assert!(upsert(&mof, &s, observation("draft")).is_err());
    // Not the organisation's to edit at all.
    assert!(may_apply(&moh, &s, &[Change::Delete(Kind::Kpi, "KPI-1".into())]).is_err());
    assert!(!may_review(&moh));
}

#[test]
fn an_entity_cannot_decide_a_review() {
    let mut s = snapshot();
    let moh = user(Role::Entity, Some("MOH"));
    assert!(upsert(&moh, &s, report("AL-1", "MOH", "approved")).is_err());
    assert!(upsert(&moh, &s, observation("validated")).is_err());
    s.upsert(report("AL-1", "MOH", "submitted"));
    assert!(upsert(&moh, &s, report("AL-1", "MOH", "returned")).is_err());
    s.upsert(report("AL-1", "MOH", "returned"));
    // A returned report is the organisation's to correct and resubmit.
    assert!(upsert(&moh, &s, report("AL-1", "MOH", "returned")).is_ok());
    assert!(upsert(&moh, &s, report("AL-1", "MOH", "submitted")).is_ok());
    s.upsert(report("AL-1", "MOH", "published"));
    assert!(upsert(&moh, &s, report("AL-1", "MOH", "submitted")).is_err());
}

#[test]
fn tokens_only_submit_their_organisations_observations() {
    let s = snapshot();
    let moh = Actor::Token {
        organisation: Code::parse("MOH").unwrap(),
    };
    assert!(upsert(&moh, &s, observation("submitted")).is_ok());
    assert!(upsert(&moh, &s, service("SVC-1", "MOH")).is_err());
    let mof = Actor::Token {
        organisation: Code::parse("MOF").unwrap(),
    };
    assert!(upsert(&mof, &s, observation("submitted")).is_err());
}
