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
fn a_report_belongs_to_its_action_lines_lead_whoever_is_named_as_submitting_it() {
    let mut s = snapshot();
    let moh = user(Role::Entity, Some("MOH"));
    let mof = user(Role::Entity, Some("MOF"));
    // MOH leads AL-1: naming itself as the submitter does not make MOF's report MOH's.
    assert!(upsert(&moh, &s, report("AL-2", "MOH", "draft")).is_err());
    assert!(upsert(&mof, &s, report("AL-1", "MOF", "draft")).is_err());
    // A report of the lead's line that names another submitter stays the lead's.
    s.upsert(report("AL-1", "MOF", "draft"));
    assert!(upsert(&mof, &s, report("AL-1", "MOF", "submitted")).is_err());
    assert!(
        may_apply(
            &mof,
            &s,
            &[Change::Delete(
                Kind::ProgressReport,
                report("AL-1", "MOF", "draft").key()
            )]
        )
        .is_err()
    );
    assert!(upsert(&moh, &s, report("AL-1", "MOH", "submitted")).is_ok());
    // A report on an action line that does not exist belongs to nobody.
    assert!(upsert(&moh, &s, report("AL-9", "MOH", "draft")).is_err());
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

fn figure(service: &str) -> Entity {
    Entity::ServiceFigure(parse(json!({
        "service": service, "period": "2026-Q3", "transactions": 1200,
        "digital_share_pct": 61.5, "satisfaction_pct": null, "completion_rate_pct": null,
        "cost_per_transaction": null, "note": null
    })))
}

#[test]
fn an_organisation_sends_its_own_services_figures_by_hand_or_by_token() {
    let mut s = snapshot();
    s.upsert(service("SVC-1", "MOH"));
    s.upsert(service("SVC-2", "MOF"));
    let moh_user = user(Role::Entity, Some("MOH"));
    let moh_token = Actor::Token {
        organisation: Code::parse("MOH").unwrap(),
    };
    for actor in [&moh_user, &moh_token] {
        assert!(upsert(actor, &s, figure("SVC-1")).is_ok());
        let refused = upsert(actor, &s, figure("SVC-2")).unwrap_err();
        assert!(refused.0.contains("another organisation"), "{refused}");
    }
    // Integrity: a figure names a service that exists and says something.
    let mut empty = figure("SVC-1");
    if let Entity::ServiceFigure(f) = &mut empty {
        f.transactions = None;
        f.digital_share_pct = None;
    }
    let problems = crate::integrity::problems_of(&empty, &s);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].expected, "at least one figure for the period");
    let problems = crate::integrity::problems_of(&figure("SVC-9"), &s);
    assert_eq!(problems[0].column, "service");
}

/// A consultation open in October 2026, with a contribution of the university.
fn consultation_snapshot() -> Snapshot {
    let mut s = snapshot();
    s.upsert(Entity::Consultation(parse(json!({
        "code": "CONS-1", "title": {"en": "AL-1"}, "subject_kind": "action_line",
        "subject_code": "AL-1", "opens": "2026-10-01", "closes": "2026-10-31"
    }))));
    s.upsert(contribution("CONS-1-C1", "UNI", "2026-10-02", &[]));
    s
}

fn contribution(code: &str, org: &str, on: &str, endorsements: &[&str]) -> Entity {
    Entity::Contribution(parse(json!({
        "code": code, "consultation": "CONS-1", "kind": "comment", "text": "Say more",
        "author_org": org, "sector": "academia", "author_name": null, "submitted_on": on,
        "endorsements": endorsements, "hidden": false, "hidden_reason": null
    })))
}

fn day(d: &str) -> Option<Date> {
    Some(Date::parse(d).unwrap())
}

fn upsert_on(actor: &Actor, s: &Snapshot, today: &str, e: Entity) -> Result<(), Denied> {
    may_apply_on(actor, s, day(today), &[Change::Upsert(e)])
}

#[test]
fn stakeholders_contribute_for_their_organisation_while_the_consultation_is_open() {
    let s = consultation_snapshot();
    let cci = user(Role::Stakeholder, Some("CCI"));
    let new = contribution("CONS-1-C2", "CCI", "2026-10-15", &[]);
    assert!(upsert_on(&cci, &s, "2026-10-15", new.clone()).is_ok());
    // Not before it opens, not after it closes, not without knowing the day.
    assert!(upsert_on(&cci, &s, "2026-09-30", new.clone()).is_err());
    let late = contribution("CONS-1-C2", "CCI", "2026-11-01", &[]);
    assert!(upsert_on(&cci, &s, "2026-11-01", late).is_err());
    assert!(upsert(&cci, &s, new.clone()).is_err());
    // Not in another organisation's name, not backdated, not hidden, not pre-endorsed.
    let other = contribution("CONS-1-C2", "CSN", "2026-10-15", &[]);
    assert!(upsert_on(&cci, &s, "2026-10-15", other).is_err());
    assert!(upsert_on(&cci, &s, "2026-10-16", new).is_err());
    let endorsed = contribution("CONS-1-C2", "CCI", "2026-10-15", &["CSN"]);
    assert!(upsert_on(&cci, &s, "2026-10-15", endorsed).is_err());
    // An account that speaks for no organisation cannot contribute.
    let nobody = user(Role::Stakeholder, None);
    let mine = contribution("CONS-1-C2", "CCI", "2026-10-15", &[]);
    assert!(upsert_on(&nobody, &s, "2026-10-15", mine).is_err());
}

#[test]
fn stakeholders_endorse_others_but_never_moderate_respond_or_open() {
    let s = consultation_snapshot();
    let cci = user(Role::Stakeholder, Some("CCI"));
    let uni = user(Role::Stakeholder, Some("UNI"));
    let endorsed = contribution("CONS-1-C1", "UNI", "2026-10-02", &["CCI"]);
    assert!(upsert_on(&cci, &s, "2026-10-20", endorsed.clone()).is_ok());
    assert!(upsert_on(&uni, &s, "2026-10-20", endorsed).is_err());
    // Endorsing is all: the text stays the author's.
    let Entity::Contribution(mut edited) = contribution("CONS-1-C1", "UNI", "2026-10-02", &["CCI"])
    else {
        unreachable!()
    };
    edited.text = "Something else".into();
    assert!(upsert_on(&cci, &s, "2026-10-20", Entity::Contribution(edited.clone())).is_err());
    edited.text = "Say more".into();
    edited.endorsements.clear();
    edited.hidden = true;
    edited.hidden_reason = Some("off topic".into());
    assert!(upsert_on(&cci, &s, "2026-10-20", Entity::Contribution(edited.clone())).is_err());
    let response = Entity::ContributionResponse(parse(json!({
        "contribution": "CONS-1-C1", "outcome": "accepted", "reason": {"en": "Yes"},
        "changed_kind": null, "changed_code": null
    })));
    assert!(upsert_on(&cci, &s, "2026-10-20", response.clone()).is_err());
    let delete = Change::Delete(Kind::Contribution, "CONS-1-C1".into());
    assert!(may_apply_on(&uni, &s, day("2026-10-20"), &[delete]).is_err());
    let reopened = s.consultations.get("CONS-1").cloned().unwrap();
    assert!(upsert_on(&cci, &s, "2026-10-20", Entity::Consultation(reopened)).is_err());
    // Moderating and responding are the editors' work.
    let ed = user(Role::Editor, None);
    assert!(upsert(&ed, &s, Entity::Contribution(edited)).is_ok());
    assert!(upsert(&ed, &s, response).is_ok());
}

#[test]
fn a_feedback_ticket_is_handled_by_the_services_organisation_and_the_editors_only() {
    let mut s = snapshot();
    s.upsert(service("SVC-1", "MOH"));
    s.upsert(service("SVC-2", "MOF"));
    let moh = user(Role::Entity, Some("MOH"));
    let mof = user(Role::Entity, Some("MOF"));
    assert!(may_handle_ticket(&moh, &s, "SVC-1").is_ok());
    assert!(may_handle_ticket(&mof, &s, "SVC-2").is_ok());
    assert!(may_handle_ticket(&mof, &s, "SVC-1").is_err());
    assert!(may_handle_ticket(&moh, &s, "SVC-2").is_err());
    // A ticket on a service no longer in the catalogue is for the editors.
    assert!(may_handle_ticket(&moh, &s, "SVC-9").is_err());
    for role in [Role::Admin, Role::Editor] {
        let a = user(role, None);
        for svc in ["SVC-1", "SVC-2", "SVC-9"] {
            assert!(may_handle_ticket(&a, &s, svc).is_ok(), "{role:?} {svc}");
        }
    }
    for a in [
        user(Role::Entity, None),
        user(Role::Legal, None),
        user(Role::Stakeholder, Some("MOH")),
        Actor::Token {
            organisation: Code::parse("MOH").unwrap(),
        },
    ] {
        assert!(may_handle_ticket(&a, &s, "SVC-1").is_err(), "{a:?}");
    }
    // The ticket follows the service when another organisation takes it over.
    s.upsert(service("SVC-1", "MOF"));
    assert!(may_handle_ticket(&mof, &s, "SVC-1").is_ok());
    assert!(may_handle_ticket(&moh, &s, "SVC-1").is_err());
}

fn decision(acting: &str, status: &str, done_on: Option<&str>) -> Entity {
    Entity::Decision(parse(json!({
        "code": "DEC-1", "body": "GOV-SC", "decided_on": "2026-03-10",
        "title": {"en": "Publish the open data policy"}, "action_lines": ["AL-1"], "url": null,
        "acting_org": acting, "due": "2026-06-30", "status": status, "done_on": done_on,
        "follow_up": null
    })))
}

#[test]
fn an_organisation_reports_the_follow_up_of_the_decisions_it_must_act_on_and_nothing_more() {
    let mut s = snapshot();
    s.upsert(decision("MOH", "open", None));
    let moh = user(Role::Entity, Some("MOH"));
    let mof = user(Role::Entity, Some("MOF"));
    let mut done = decision("MOH", "done", Some("2026-06-01"));
    if let Entity::Decision(d) = &mut done {
        d.follow_up = Some("Published in the gazette".into());
    }
    assert!(upsert(&moh, &s, done.clone()).is_ok());
    // Another organisation may not, nor take the decision over.
    assert!(
        upsert(&mof, &s, done)
            .unwrap_err()
            .0
            .contains("another organisation")
    );
    assert!(upsert(&mof, &s, decision("MOF", "open", None)).is_err());
    // The acting organisation may not move its due date, or hand the decision on.
    let mut later = decision("MOH", "open", None);
    if let Entity::Decision(d) = &mut later {
        d.due = Some(Date::parse("2027-06-30").unwrap());
    }
    let refused = upsert(&moh, &s, later).unwrap_err();
    assert!(refused.0.contains("only the follow-up"), "{refused}");
    assert!(upsert(&moh, &s, decision("MOF", "open", None)).is_err());
    // Nor record or remove decisions.
    let refused = may_apply(&moh, &s, &[Change::Delete(Kind::Decision, "DEC-1".into())]);
    assert!(refused.unwrap_err().0.contains("secretariat"));
    let mut new = decision("MOH", "open", None);
    if let Entity::Decision(d) = &mut new {
        d.code = Code::parse("DEC-2").unwrap();
    }
    assert!(upsert(&moh, &s, new).is_err());
    // Tokens report figures only.
    let token = Actor::Token {
        organisation: Code::parse("MOH").unwrap(),
    };
    assert!(upsert(&token, &s, decision("MOH", "in_progress", None)).is_err());
}

#[test]
fn a_person_adds_a_contribution_in_their_own_name_while_open_and_nothing_else() {
    let s = consultation_snapshot();
    let mut own = contribution("CONS-1-C9", "UNI", "2026-10-10", &[]);
    if let Entity::Contribution(c) = &mut own {
        c.author_org = None;
        c.sector = Sector::Citizen;
    }
    let person = Actor::Participant;
    assert!(upsert_on(&person, &s, "2026-10-10", own.clone()).is_ok());
    // Not after the consultation closed, not back-dated.
    assert!(upsert_on(&person, &s, "2026-11-10", own.clone()).is_err());
    assert!(upsert_on(&person, &s, "2026-10-11", own.clone()).is_err());
    // Not in an organisation's name, nor changing or endorsing what exists.
    let refused = upsert_on(
        &person,
        &s,
        "2026-10-10",
        contribution("CONS-1-C9", "UNI", "2026-10-10", &[]),
    )
    .unwrap_err();
    assert!(refused.0.contains("own name"), "{refused}");
    let mut hidden = own.clone();
    if let Entity::Contribution(c) = &mut hidden {
        c.hidden = true;
        c.hidden_reason = Some("spam".into());
    }
    assert!(upsert_on(&person, &s, "2026-10-10", hidden).is_err());
    let mut s2 = s.clone();
    s2.upsert(own.clone());
    assert!(upsert_on(&person, &s2, "2026-10-10", own).is_err());
    assert!(upsert(&person, &s, service("SVC-9", "MOH")).is_err());
}

fn budget(al: &str, status: &str, planned: &str) -> Entity {
    Entity::Budget(parse(json!({
        "action_line": al, "year": 2026, "source": "treasury", "partner": null,
        "planned": planned, "committed": "0", "spent": "0", "status": status, "note": null
    })))
}

#[test]
fn a_budget_line_is_the_action_line_leads_to_submit_and_an_editors_to_validate() {
    let mut s = snapshot();
    let moh = user(Role::Entity, Some("MOH"));
    let mof = user(Role::Entity, Some("MOF"));
    assert_eq!(
        owner_of(&s, &budget("AL-1", "draft", "1")),
        Some(Code::parse("MOH").unwrap())
    );
    // The lead drafts and submits its own lines, creating or changing them.
    assert!(upsert(&moh, &s, budget("AL-1", "draft", "1")).is_ok());
    assert!(upsert(&moh, &s, budget("AL-1", "submitted", "1")).is_ok());
    s.upsert(budget("AL-1", "submitted", "1"));
    assert!(upsert(&moh, &s, budget("AL-1", "submitted", "2.5")).is_ok());
    // Another organisation touches neither MOH's lines nor makes its own on MOH's line.
    assert!(upsert(&mof, &s, budget("AL-1", "submitted", "3")).is_err());
    assert!(
        may_apply(
            &mof,
            &s,
            &[Change::Delete(Kind::Budget, "AL-1:2026:treasury".into())]
        )
        .is_err()
    );
    assert!(upsert(&mof, &s, budget("AL-2", "submitted", "3")).is_ok());
    // A line on an action line that does not exist belongs to nobody.
    assert!(upsert(&moh, &s, budget("AL-9", "draft", "1")).is_err());
    // Only a reviewer validates, and a validated line is no longer the lead's to change.
    let refused = upsert(&moh, &s, budget("AL-1", "validated", "1")).unwrap_err();
    assert!(refused.0.contains("only a reviewer"), "{refused}");
    let editor = user(Role::Editor, None);
    assert!(upsert(&editor, &s, budget("AL-1", "validated", "1")).is_ok());
    s.upsert(budget("AL-1", "validated", "1"));
    assert!(upsert(&moh, &s, budget("AL-1", "submitted", "1")).is_err());
    assert!(
        may_apply(
            &moh,
            &s,
            &[Change::Delete(Kind::Budget, "AL-1:2026:treasury".into())]
        )
        .is_err()
    );
    // Tokens send figures, not budgets; stakeholders and legal advisors touch none.
    let token = Actor::Token {
        organisation: Code::parse("MOH").unwrap(),
    };
    assert!(upsert(&token, &s, budget("AL-1", "submitted", "1")).is_err());
    assert!(
        upsert(
            &user(Role::Stakeholder, Some("MOH")),
            &s,
            budget("AL-1", "draft", "1")
        )
        .is_err()
    );
    assert!(upsert(&user(Role::Legal, None), &s, budget("AL-1", "draft", "1")).is_err());
}
