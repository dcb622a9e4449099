//! Integrity rules: what makes one entity, or the whole snapshot, consistent. Each problem
//! names the entity, the column (as in the native data format), the bad value and what was
//! expected, so an import can point at the cell and an editor at the field.

use std::collections::HashSet;

use serde::Serialize;

use crate::model::*;
use crate::snapshot::{Entity, Kind, Snapshot};
use crate::values::{Code, Expected, Percent, parse_email, parse_link, parse_phone};

/// One integrity problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Kind of the entity at fault.
    pub kind: Kind,
    /// Its key.
    pub key: String,
    /// The column (field) at fault.
    pub column: &'static str,
    /// The offending value.
    pub value: String,
    /// What was expected.
    pub expected: String,
}

impl Serialize for Kind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}, {}: {:?} — expected {}",
            self.kind.as_str(),
            self.key,
            self.column,
            self.value,
            self.expected
        )
    }
}

struct Checker<'a> {
    s: &'a Snapshot,
    kind: Kind,
    key: String,
    out: Vec<Problem>,
}

impl Checker<'_> {
    fn push(&mut self, column: &'static str, value: impl ToString, expected: impl Into<String>) {
        self.out.push(Problem {
            kind: self.kind,
            key: self.key.clone(),
            column,
            value: value.to_string(),
            expected: expected.into(),
        });
    }

    /// A text that `parse` must accept as it is.
    fn valid(
        &mut self,
        column: &'static str,
        value: Option<&String>,
        parse: fn(&str) -> Result<String, Expected>,
    ) {
        if let Some(v) = value
            && let Err(e) = parse(v)
        {
            self.push(column, v, e.phrase());
        }
    }

    fn reference(&mut self, column: &'static str, target: Kind, code: &Code) {
        if self.s.get_ref(target, code.as_str()).is_none() {
            self.push(
                column,
                code,
                format!(
                    "the code of an existing {}",
                    target.as_str().replace('_', " ")
                ),
            );
        }
    }

    fn references<'c>(
        &mut self,
        column: &'static str,
        target: Kind,
        codes: impl IntoIterator<Item = &'c Code>,
    ) {
        let mut seen = HashSet::new();
        for c in codes {
            if !seen.insert(c) {
                self.push(column, c, "each code listed once");
            }
            self.reference(column, target, c);
        }
    }

    fn order(&mut self, column: &'static str, earlier: Date, later: Date, what: &str) {
        if later < earlier {
            self.push(
                column,
                later,
                format!("a date on or after {what} {earlier}"),
            );
        }
    }

    fn percent(&mut self, column: &'static str, unit: Unit, v: f64) {
        if unit == Unit::Percent && Percent::new(v).is_err() {
            self.push(
                column,
                fmt_num(v),
                "a percentage from 0 to 100 (the unit is %)",
            );
        } else if matches!(unit, Unit::Count | Unit::Days) && v < 0.0 {
            self.push(column, fmt_num(v), "a value of 0 or more");
        }
    }
}

use crate::values::Date;

/// The years a budget line may be for: anything else is a typing error.
pub const BUDGET_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// Formats a number the way files write it (shortest form, no trailing `.0`).
pub fn fmt_num(v: f64) -> String {
    format!("{v}")
}

impl Snapshot {
    /// Whether an entity of `kind` with `key` exists (without cloning it).
    pub fn get_ref(&self, kind: Kind, key: &str) -> Option<()> {
        let present = match kind {
            Kind::Organisation => self.organisations.contains_key(key),
            Kind::Agenda => self.agenda.contains_key(key),
            Kind::Pillar => self.pillars.contains_key(key),
            Kind::ActionLine => self.action_lines.contains_key(key),
            Kind::Milestone => self.milestones.contains_key(key),
            Kind::LegalInstrument => self.legal_instruments.contains_key(key),
            Kind::Kpi => self.kpis.contains_key(key),
            Kind::Objective => self.objectives.contains_key(key),
            Kind::Observation => self.observations.contains_key(key),
            Kind::ProgressReport => self.progress_reports.contains_key(key),
            Kind::Budget => self.budgets.contains_key(key),
            Kind::LifeEvent => self.life_events.contains_key(key),
            Kind::DataItem => self.data_items.contains_key(key),
            Kind::Registry => self.registries.contains_key(key),
            Kind::BuildingBlock => self.building_blocks.contains_key(key),
            Kind::ContactPoint => self.contact_points.contains_key(key),
            Kind::Service => self.services.contains_key(key),
            Kind::System => self.systems.contains_key(key),
            Kind::ServiceFigure => self.service_figures.contains_key(key),
            Kind::Release => self.releases.contains_key(key),
            Kind::StandardCriterion => self.standard_criteria.contains_key(key),
            Kind::Assessment => self.assessments.contains_key(key),
            Kind::GovernanceBody => self.governance_bodies.contains_key(key),
            Kind::Seat => self.seats.contains_key(key),
            Kind::Meeting => self.meetings.contains_key(key),
            Kind::Decision => self.decisions.contains_key(key),
            Kind::Consultation => self.consultations.contains_key(key),
            Kind::Contribution => self.contributions.contains_key(key),
            Kind::ContributionResponse => self.responses.contains_key(key),
            Kind::CoDesignEvent => self.codesign_events.contains_key(key),
        };
        present.then_some(())
    }
}

/// Every problem of one entity against the snapshot it lives (or would live) in: its own
/// rules (dates in order, values in range) and its references to other entities.
pub fn problems_of(entity: &Entity, s: &Snapshot) -> Vec<Problem> {
    let mut c = Checker {
        s,
        kind: entity.kind(),
        key: entity.key(),
        out: Vec::new(),
    };
    match entity {
        Entity::Organisation(o) => {
            if let Some(p) = &o.parent_code {
                if p == &o.code {
                    c.push("parent_code", p, "another organisation than itself");
                }
                c.reference("parent_code", Kind::Organisation, p);
            }
            c.valid("website", o.website.as_ref(), parse_link);
        }
        Entity::ContactPoint(p) => {
            c.reference("organisation", Kind::Organisation, &p.organisation);
            c.valid("phone", p.phone.as_ref(), parse_phone);
            c.valid("email", p.email.as_ref(), parse_email);
            match (p.latitude, p.longitude) {
                (Some(lat), _) if !(-90.0..=90.0).contains(&lat) => {
                    c.push("latitude", fmt_num(lat), "a latitude from -90 to 90");
                }
                (_, Some(lon)) if !(-180.0..=180.0).contains(&lon) => {
                    c.push("longitude", fmt_num(lon), "a longitude from -180 to 180");
                }
                (Some(_), None) => c.push("longitude", "", "a longitude with the latitude"),
                (None, Some(_)) => c.push("latitude", "", "a latitude with the longitude"),
                _ => {}
            }
        }
        Entity::Agenda(a) => {
            c.order("end", a.start, a.end, "start");
            if s.agenda.keys().any(|k| k != a.code.as_str()) {
                c.push("code", &a.code, "a single agenda per deployment");
            }
        }
        Entity::Pillar(_) | Entity::LifeEvent(_) | Entity::DataItem(_) => {}
        Entity::StandardCriterion(_) => {}
        Entity::ActionLine(a) => {
            c.reference("pillar_code", Kind::Pillar, &a.pillar_code);
            c.reference("lead_org", Kind::Organisation, &a.lead_org);
            c.references(
                "contributing_orgs",
                Kind::Organisation,
                &a.contributing_orgs,
            );
            c.order("end", a.start, a.end, "start");
            if !s.sdg.is_empty() {
                for t in &a.sdg_targets {
                    if !s.sdg.targets.contains_key(t) {
                        c.push("sdg_targets", t, "a UN SDG target code such as 16.9");
                    }
                }
            }
        }
        Entity::Objective(o) => {
            c.reference("action_line", Kind::ActionLine, &o.action_line);
            c.references("kpis", Kind::Kpi, &o.kpis);
        }
        Entity::Milestone(m) => {
            c.reference("action_line", Kind::ActionLine, &m.action_line);
            match (m.status, m.completed_on) {
                (MilestoneStatus::Done, None) => c.push(
                    "completed_on",
                    "",
                    "the date it was reached (status is done)",
                ),
                (st, Some(d)) if st != MilestoneStatus::Done => {
                    c.push("completed_on", d, "empty unless the status is done")
                }
                _ => {}
            }
        }
        Entity::LegalInstrument(l) => {
            c.references("action_lines", Kind::ActionLine, &l.action_lines);
            c.reference("responsible_org", Kind::Organisation, &l.responsible_org);
            if l.status == LegalStatus::Adopted && l.adopted_on.is_none() {
                c.push("adopted_on", "", "the adoption date (status is adopted)");
            }
            if let (false, Some(d)) = (l.status == LegalStatus::Adopted, l.adopted_on) {
                c.push("adopted_on", d, "empty unless the status is adopted");
            }
        }
        Entity::Kpi(k) => {
            if let Some(al) = &k.action_line {
                c.reference("action_line", Kind::ActionLine, al);
            }
            c.reference("owner_org", Kind::Organisation, &k.owner_org);
            if let Some(f) = k.computed
                && f.unit() != k.unit
            {
                c.push(
                    "computed",
                    f.as_str(),
                    format!(
                        "a formula whose unit is the KPI's ({}); this one counts in {}",
                        k.unit.as_str(),
                        f.unit().as_str()
                    ),
                );
            }
            c.order(
                "target_date",
                k.baseline_date,
                k.target_date,
                "baseline_date",
            );
            if let Some(d) = k.decimals
                && d > u64::from(crate::kpi_status::MAX_DECIMALS)
            {
                c.push(
                    "decimals",
                    d,
                    format!(
                        "a number of decimals from 0 to {}",
                        crate::kpi_status::MAX_DECIMALS
                    ),
                );
            }
            c.percent("baseline_value", k.unit, k.baseline_value);
            c.percent("target_value", k.unit, k.target_value);
            let mut years = HashSet::new();
            for t in &k.targets {
                if !years.insert(t.year) {
                    c.push("year", t.year, "one interim target per KPI and year");
                }
                c.percent("target_value", k.unit, t.target_value);
                // Targets may continue past the final date (the final target then holds),
                // but never start before the baseline.
                if t.year < k.baseline_date.year() {
                    c.push(
                        "year",
                        t.year,
                        format!(
                            "a year from {} on (the baseline year)",
                            k.baseline_date.year()
                        ),
                    );
                }
            }
            if let (Some(ind), false) = (&k.sdg_indicator, s.sdg.is_empty())
                && !s.sdg.indicators.contains_key(ind)
            {
                {
                    c.push(
                        "sdg_indicator",
                        ind,
                        "a UN SDG indicator code such as 16.9.1",
                    );
                }
            }
            let mut seen = HashSet::new();
            for key in &k.framework_indicators {
                if !seen.insert(key) {
                    c.push("framework_indicators", key, "each code listed once");
                }
                if !s.frameworks.is_empty()
                    && let Err(why) = s.frameworks.resolve(key)
                {
                    c.push(
                        "framework_indicators",
                        key,
                        s.frameworks.expected(key, &why),
                    );
                }
            }
        }
        Entity::Observation(o) => match s.kpis.get(o.kpi.as_str()) {
            None => c.reference("kpi", Kind::Kpi, &o.kpi),
            Some(k) => {
                if o.period.frequency() != k.frequency {
                    let shape = match k.frequency {
                        crate::Frequency::Monthly => "YYYY-MM",
                        crate::Frequency::Quarterly => "YYYY-Qn",
                        crate::Frequency::Yearly => "YYYY",
                    };
                    c.push(
                        "period",
                        o.period,
                        format!(
                            "a {} period ({shape}) as {} is {}",
                            k.frequency, k.code, k.frequency
                        ),
                    );
                }
                c.percent("value", k.unit, o.value);
            }
        },
        Entity::ProgressReport(r) => {
            c.reference("action_line", Kind::ActionLine, &r.action_line);
            c.reference("submitted_by_org", Kind::Organisation, &r.submitted_by_org);
            if r.status != ReportStatus::Draft && r.submitted_on.is_none() {
                c.push(
                    "submitted_on",
                    "",
                    "the date received (the report is not a draft)",
                );
            }
        }
        Entity::Budget(b) => {
            c.reference("action_line", Kind::ActionLine, &b.action_line);
            if !BUDGET_YEARS.contains(&b.year) {
                c.push(
                    "year",
                    b.year,
                    format!(
                        "a year from {} to {}",
                        BUDGET_YEARS.start(),
                        BUDGET_YEARS.end()
                    ),
                );
            }
            match &b.partner {
                Some(p) => match s.organisations.get(p.as_str()) {
                    None => c.reference("partner", Kind::Organisation, p),
                    Some(o) if o.kind != OrgKind::International => c.push(
                        "partner",
                        p,
                        "an international organisation (kind international): a development \
                         partner, bank or fund",
                    ),
                    Some(_) if b.source == FundingSource::Treasury => c.push(
                        "partner",
                        p,
                        "no partner for treasury funding (the state's own budget)",
                    ),
                    Some(_) => {}
                },
                None if b.source.needs_partner() => c.push(
                    "partner",
                    "",
                    format!(
                        "the international partner that funds it (the source is {})",
                        b.source
                    ),
                ),
                None => {}
            }
            for (column, amount) in [
                ("planned", b.planned),
                ("committed", b.committed),
                ("spent", b.spent),
            ] {
                if amount.is_negative() {
                    c.push(column, amount, "an amount of 0 or more");
                }
            }
        }
        Entity::Registry(r) => {
            c.reference("owner_code", Kind::Organisation, &r.owner_code);
            c.references("data_items", Kind::DataItem, &r.data_items);
        }
        Entity::BuildingBlock(b) => {
            c.reference("owner_code", Kind::Organisation, &b.owner_code);
            if b.status == BuildingBlockStatus::Production && b.go_live.is_none() {
                c.push("go_live", "", "the go-live date (status is production)");
            }
            if let Some(o) = &b.maintenance_org {
                c.reference("maintenance_org", Kind::Organisation, o);
            }
            if let Some(l) = &b.policy_instrument {
                c.reference("policy_instrument", Kind::LegalInstrument, l);
            }
        }
        Entity::Service(v) => {
            let audiences: Vec<&str> = v.audience.iter().map(|a| a.as_str()).collect();
            if audiences.is_empty() {
                c.push(
                    "audience",
                    "",
                    "whom the service is for: citizen, business or government (one or more)",
                );
            } else if (1..audiences.len()).any(|i| audiences[..i].contains(&audiences[i])) {
                c.push("audience", audiences.join(";"), "each audience once");
            }
            c.references("life_event", Kind::LifeEvent, &v.life_event);
            c.reference("owner_code", Kind::Organisation, &v.owner_code);
            c.references("evidence", Kind::DataItem, &v.evidence);
            c.references("evidence_fetched", Kind::DataItem, &v.evidence_fetched);
            c.references("building_blocks", Kind::BuildingBlock, &v.building_blocks);
            c.references("contact_points", Kind::ContactPoint, &v.contact_points);
            c.valid("online_link", v.online_link.as_ref(), parse_link);
            if let Some(cost) = v.cost_per_transaction.filter(|c| *c < 0.0) {
                c.push("cost_per_transaction", fmt_num(cost), "a cost of 0 or more");
            }
            if let Some(fee) = v.fee.filter(|f| *f < 0.0) {
                c.push("fee", fmt_num(fee), "a fee of 0 or more (0 = free)");
            }
        }
        Entity::ServiceFigure(f) => {
            c.reference("service", Kind::Service, &f.service);
            if let Some(cost) = f.cost_per_transaction.filter(|c| *c < 0.0) {
                c.push("cost_per_transaction", fmt_num(cost), "a cost of 0 or more");
            }
            if f.transactions.is_none()
                && f.digital_share_pct.is_none()
                && f.satisfaction_pct.is_none()
                && f.completion_rate_pct.is_none()
                && f.cost_per_transaction.is_none()
            {
                c.push("transactions", "", "at least one figure for the period");
            }
        }
        Entity::System(y) => {
            if let Some(o) = &y.owner_code {
                c.reference("owner_code", Kind::Organisation, o);
            }
            c.references("services", Kind::Service, &y.services);
            if let Some(b) = &y.building_block {
                c.reference("building_block", Kind::BuildingBlock, b);
                // A system that is a shared block does that block's work.
                if let (Some(bb), Some(block)) = (&y.govstack_bb, s.building_blocks.get(b.as_str()))
                    && *bb != block.govstack_bb
                {
                    c.push(
                        "govstack_bb",
                        bb,
                        format!("the GovStack building block of {b} ({})", block.govstack_bb),
                    );
                }
            }
        }
        Entity::Release(r) => {
            c.reference("service", Kind::Service, &r.service);
            c.reference("responsible_org", Kind::Organisation, &r.responsible_org);
        }
        Entity::Assessment(a) => {
            c.reference("service", Kind::Service, &a.service);
            c.reference("criterion", Kind::StandardCriterion, &a.criterion);
            if let Some(o) = &a.assessor_org {
                c.reference("assessor_org", Kind::Organisation, o);
            }
        }
        Entity::GovernanceBody(b) => {
            c.reference("chair_org", Kind::Organisation, &b.chair_org);
            c.references("members", Kind::Organisation, &b.members);
        }
        Entity::Seat(t) => {
            c.reference("body", Kind::GovernanceBody, &t.body);
            c.reference("organisation", Kind::Organisation, &t.organisation);
            if let Some(b) = s.governance_bodies.get(t.body.as_str())
                && b.chair_org != t.organisation
                && !b.members.contains(&t.organisation)
            {
                c.push(
                    "organisation",
                    &t.organisation,
                    format!("the chair or a member of {}", b.code),
                );
            }
        }
        Entity::Meeting(m) => {
            c.reference("body", Kind::GovernanceBody, &m.body);
            c.valid("minutes_url", m.minutes_url.as_ref(), parse_link);
        }
        Entity::Decision(d) => {
            c.reference("body", Kind::GovernanceBody, &d.body);
            c.references("action_lines", Kind::ActionLine, &d.action_lines);
            if let Some(m) = &d.meeting {
                c.reference("meeting", Kind::Meeting, m);
                if let Some(m) = s.meetings.get(m.as_str()) {
                    if m.body != d.body {
                        c.push("meeting", &m.code, format!("a meeting of {}", d.body));
                    }
                    if m.held_on != d.decided_on {
                        c.push(
                            "decided_on",
                            d.decided_on,
                            format!("the day of meeting {} ({})", m.code, m.held_on),
                        );
                    }
                }
            }
            if let Some(o) = &d.acting_org {
                c.reference("acting_org", Kind::Organisation, o);
            }
            if let Some(due) = d.due {
                if d.acting_org.is_none() {
                    c.push(
                        "acting_org",
                        "",
                        "the organisation that must act by the due date",
                    );
                }
                c.order("due", d.decided_on, due, "decided_on");
            }
            match (d.status, d.done_on) {
                (DecisionStatus::Done, None) => {
                    c.push("done_on", "", "the day it was done (status is done)");
                }
                (DecisionStatus::Open | DecisionStatus::InProgress, Some(day)) => {
                    c.push("done_on", day, "no date until the status is done");
                }
                (DecisionStatus::Done, Some(day)) => {
                    c.order("done_on", d.decided_on, day, "decided_on")
                }
                _ => {}
            }
            if d.status != DecisionStatus::Open && d.acting_org.is_none() {
                c.push(
                    "status",
                    d.status,
                    "open, until an organisation is named to act on it",
                );
            }
        }
        Entity::Consultation(k) => {
            c.order("closes", k.opens, k.closes, "opens");
            if matches!(k.subject_kind, Subject::Kpi | Subject::Milestone) {
                c.push(
                    "subject_kind",
                    k.subject_kind,
                    "one of agenda, action_line, legal_instrument, standard",
                );
            }
            c.subject(
                "subject_kind",
                "subject_code",
                k.subject_kind,
                &k.subject_code,
            );
        }
        Entity::Contribution(k) => {
            match s.consultations.get(k.consultation.as_str()) {
                None => c.reference("consultation", Kind::Consultation, &k.consultation),
                Some(cons) if k.submitted_on < cons.opens || k.submitted_on > cons.closes => {
                    c.push(
                        "submitted_on",
                        k.submitted_on,
                        format!(
                            "a date while {} is open ({} to {})",
                            cons.code, cons.opens, cons.closes
                        ),
                    );
                }
                Some(_) => {}
            }
            if let Some(author) = &k.author_org {
                c.reference("author_org", Kind::Organisation, author);
                if k.endorsements.contains(author) {
                    c.push(
                        "endorsements",
                        author,
                        "other organisations than the author",
                    );
                }
            }
            c.references("endorsements", Kind::Organisation, &k.endorsements);
            if k.text.trim().is_empty() {
                c.push("text", "", "the text of the contribution");
            }
            let reason = k.hidden_reason.as_deref().map(str::trim).unwrap_or("");
            if k.hidden && reason.is_empty() {
                c.push("hidden_reason", "", "why it was hidden (it is hidden)");
            }
            if !k.hidden && !reason.is_empty() {
                c.push("hidden_reason", reason, "empty unless it is hidden");
            }
        }
        Entity::ContributionResponse(r) => {
            c.reference("contribution", Kind::Contribution, &r.contribution);
            match (r.changed_kind, &r.changed_code) {
                (None, Some(code)) => {
                    c.push("changed_kind", "", format!("the kind of record {code} is"))
                }
                (Some(kind), code) => c.subject("changed_kind", "changed_code", kind, code),
                (None, None) => {}
            }
        }
        Entity::CoDesignEvent(e) => {
            c.references("participants", Kind::Organisation, &e.participants);
        }
    }
    c.out
}

impl Checker<'_> {
    /// A reference by kind and code: every kind but the standard needs a code.
    fn subject(
        &mut self,
        kind_column: &'static str,
        code_column: &'static str,
        kind: Subject,
        code: &Option<Code>,
    ) {
        let target = match kind {
            Subject::Agenda => Kind::Agenda,
            Subject::ActionLine => Kind::ActionLine,
            Subject::LegalInstrument => Kind::LegalInstrument,
            Subject::Kpi => Kind::Kpi,
            Subject::Milestone => Kind::Milestone,
            Subject::Standard => Kind::StandardCriterion,
        };
        match code {
            Some(code) => self.reference(code_column, target, code),
            None if kind != Subject::Standard => self.push(
                code_column,
                "",
                format!(
                    "the code of the {} ({kind_column} is {kind})",
                    kind.as_str().replace('_', " ")
                ),
            ),
            None => {}
        }
    }
}

/// Every problem in the snapshot, kind by kind in dependency order.
pub fn integrity(s: &Snapshot) -> Vec<Problem> {
    let mut out = Vec::new();
    for &kind in Kind::ALL {
        for e in s.entities(kind) {
            out.extend(problems_of(&e, s));
        }
    }
    out
}

/// The problems a set of changes would introduce: the changed entities' own problems, and —
/// when something is removed — the references to it that would be left dangling.
pub fn problems_after(changed: &[Entity], removed_any: bool, s: &Snapshot) -> Vec<Problem> {
    if removed_any {
        return integrity(s);
    }
    changed.iter().flat_map(|e| problems_of(e, s)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::*;

    fn org(code: &str) -> Organisation {
        Organisation {
            code: Code::parse(code).unwrap(),
            name: Text::en(code).unwrap(),
            kind: OrgKind::Ministry,
            parent_code: None,
            website: None,
        }
    }

    #[test]
    fn a_dangling_reference_names_the_column_and_the_missing_code() {
        let mut s = Snapshot::default();
        s.upsert(org("MOI").into());
        let mut child = org("CRA");
        child.parent_code = Some(Code::parse("MOX").unwrap());
        let e: Entity = child.into();
        let p = problems_of(&e, &s);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].column, "parent_code");
        assert_eq!(p[0].value, "MOX");
        assert_eq!(p[0].expected, "the code of an existing organisation");
    }

    #[test]
    fn removing_a_referenced_entity_leaves_a_problem() {
        let mut s = Snapshot::default();
        s.upsert(org("MOI").into());
        let mut child = org("CRA");
        child.parent_code = Some(Code::parse("MOI").unwrap());
        s.upsert(child.into());
        assert!(integrity(&s).is_empty());
        s.remove(Kind::Organisation, "MOI");
        let p = problems_after(&[], true, &s);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].key, "CRA");
    }

    #[test]
    fn a_kpi_aligns_only_to_indicators_the_frameworks_have() {
        let mut s = Snapshot::default()
            .with_frameworks(std::sync::Arc::new(crate::frameworks::tests::sample()));
        s.upsert(org("DGA").into());
        let mut k = crate::kpi_status::tests::kpi("KPI-01", Direction::Increase, 0.0, 1.0);
        k.framework_indicators = [
            "wb-gtmi-2022:I-5",
            "wb-gtmi-2022:I-99",
            "gtmi:I-5",
            "I-5",
            "wb-gtmi-2022:I-5",
        ]
        .map(String::from)
        .to_vec();
        let e: Entity = k.into();
        let p = problems_of(&e, &s);
        let got: Vec<(&str, &str)> = p
            .iter()
            .map(|p| (p.value.as_str(), p.expected.as_str()))
            .collect();
        assert_eq!(got.len(), 4, "{got:?}");
        assert!(p.iter().all(|p| p.column == "framework_indicators"));
        assert!(
            got[0].0 == "wb-gtmi-2022:I-99" && got[0].1.contains("indicator code of wb-gtmi-2022")
        );
        assert!(got[1].0 == "gtmi:I-5" && got[1].1.contains("one of wb-gtmi-2022"));
        assert!(got[2].0 == "I-5" && got[2].1.contains("<framework>:<code>"));
        assert_eq!(got[3], ("wb-gtmi-2022:I-5", "each code listed once"));
        // Without frameworks loaded (a test snapshot), only the repetition is a problem.
        let bare = Snapshot {
            frameworks: Default::default(),
            ..s
        };
        assert_eq!(problems_of(&e, &bare).len(), 1);
    }

    #[test]
    fn observations_must_match_the_frequency_and_unit_of_their_kpi() {
        let mut s = Snapshot::default();
        s.upsert(org("DGA").into());
        let kpi = Kpi {
            code: Code::parse("KPI-01").unwrap(),
            action_line: None,
            title: Text::en("Services online").unwrap(),
            unit: Unit::Percent,
            direction: Direction::Increase,
            baseline_value: 10.0,
            baseline_date: Date::parse("2023-12-31").unwrap(),
            target_value: 60.0,
            target_date: Date::parse("2028-12-31").unwrap(),
            frequency: Frequency::Quarterly,
            owner_org: Code::parse("DGA").unwrap(),
            method: None,
            sdg_indicator: None,
            framework_indicators: Vec::new(),
            targets: vec![],
            revision_note: None,
            decimals: None,
            progress_measure: None,
            computed: None,
        };
        s.upsert(kpi.into());
        let obs = Observation {
            kpi: Code::parse("KPI-01").unwrap(),
            period: Period::parse("2026-09").unwrap(),
            value: 120.0,
            status: ObservationStatus::Validated,
            disaggregation: None,
            note: None,
            flag: None,
        };
        let p = problems_of(&obs.into(), &s);
        let cols: Vec<_> = p.iter().map(|p| p.column).collect();
        assert_eq!(cols, ["period", "value"]);
    }

    fn budget(source: FundingSource, partner: Option<&str>, planned: &str) -> Budget {
        Budget {
            action_line: Code::parse("AL-1").unwrap(),
            year: 2026,
            source,
            partner: partner.map(|p| Code::parse(p).unwrap()),
            planned: Money::parse(planned).unwrap(),
            committed: Money::parse("10").unwrap(),
            spent: Money::ZERO,
            status: ObservationStatus::Submitted,
            note: None,
        }
    }

    #[test]
    fn a_budget_line_names_an_international_partner_for_grants_and_loans_only() {
        let mut s = Snapshot::default();
        s.upsert(org("MOF").into());
        let mut bank = org("BANK");
        bank.kind = OrgKind::International;
        s.upsert(bank.into());
        s.upsert(
            ActionLine {
                code: Code::parse("AL-1").unwrap(),
                pillar_code: Code::parse("P1").unwrap(),
                title: Text::en("A line").unwrap(),
                description: None,
                lead_org: Code::parse("MOF").unwrap(),
                contributing_orgs: Vec::new(),
                start: Date::parse("2024-01-01").unwrap(),
                end: Date::parse("2028-12-31").unwrap(),
                priority: Priority::parse("1").unwrap(),
                status: ActionLineStatus::InProgress,
                sdg_targets: Vec::new(),
                needs_legal_instrument: false,
            }
            .into(),
        );
        let problems = |b: Budget| -> Vec<(&'static str, String)> {
            problems_of(&b.into(), &s)
                .into_iter()
                .map(|p| (p.column, p.value))
                .collect()
        };
        // Committed beyond the plan is an overrun, not an error.
        assert_eq!(problems(budget(FundingSource::Treasury, None, "5")), []);
        assert_eq!(
            problems(budget(FundingSource::Loan, Some("BANK"), "100.5")),
            []
        );
        assert_eq!(
            problems(budget(FundingSource::DonorGrant, None, "1")),
            [("partner", String::new())]
        );
        assert_eq!(
            problems(budget(FundingSource::Loan, Some("MOF"), "1")),
            [("partner", "MOF".to_owned())]
        );
        assert_eq!(
            problems(budget(FundingSource::DonorGrant, Some("NOPE"), "1")),
            [("partner", "NOPE".to_owned())]
        );
        assert_eq!(
            problems(budget(FundingSource::Treasury, Some("BANK"), "1")),
            [("partner", "BANK".to_owned())]
        );
        // A partnership or other source may name a partner, or not.
        assert_eq!(
            problems(budget(FundingSource::Other, Some("BANK"), "1")),
            []
        );
        let mut b = budget(FundingSource::Treasury, None, "-1");
        b.spent = Money::parse("-0.01").unwrap();
        b.year = 1999;
        b.action_line = Code::parse("AL-9").unwrap();
        assert_eq!(
            problems(b),
            [
                ("action_line", "AL-9".to_owned()),
                ("year", "1999".to_owned()),
                ("planned", "-1".to_owned()),
                ("spent", "-0.01".to_owned()),
            ]
        );
    }
}
