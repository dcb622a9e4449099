//! The columns of every table of the native format, in the order they are written. The
//! meanings are those printed in `docs/data-format.md` after each column's type.

use super::*;

record! { Organisation, "organisations", entity;
    code: Key = "e.g. `MOI`";
    name: Tr = "name";
    kind: Vocab<OrgKind> = "";
    parent_code: OptRef => Organisation = "parent organisation";
    website: OptLink = "its home page";
}

record! { Agenda, "agenda", entity;
    code: Key = "e.g. `NDA-2028`";
    title: Tr = "title";
    vision: OptTr, multiline = "vision statement";
    start: Day = "first day of the agenda";
    end: Day = "last day of the agenda (on or after start)";
    status: Vocab<AgendaStatus> = "";
    launched_on: OptDay = "public launch date";
}

record! { Pillar, "pillars", entity;
    code: Key = "e.g. `P1`";
    title: Tr = "title";
    description: OptTr, multiline = "what the pillar is about";
}

record! { ActionLine, "action_lines", entity;
    code: Key = "e.g. `AL-1.2`";
    pillar_code: Ref => Pillar = "";
    title: Tr = "title";
    description: OptTr, multiline = "what it delivers";
    lead_org: Ref => Organisation = "responsible organisation";
    contributing_orgs: Refs => Organisation = "";
    start: Day = "start of its time frame";
    end: Day = "end of its time frame";
    priority: PriorityLevel = "1 is the highest";
    status: Vocab<ActionLineStatus> = "";
    sdg_targets: Sdgs = "UN SDG target codes (`16.9;10.2`), checked against the SDG framework";
    needs_legal_instrument: YesNoOrNo = "it needs a law, decree or regulation (default `no`); without an instrument naming it, a regulatory gap";
}

record! { Milestone, "milestones", entity;
    code: Key = "e.g. `AL-2.3-M3`";
    action_line: Ref => ActionLine = "";
    title: Tr = "what is reached";
    due: Day = "planned date";
    completed_on: OptDay = "date reached; required when the status is `done`, empty otherwise";
    status: Vocab<MilestoneStatus> = "";
}

record! { LegalInstrument, "legal_instruments", entity;
    code: Key = "e.g. `LEG-01`";
    title: Tr = "title";
    kind: Vocab<LegalKind> = "";
    status: Vocab<LegalStatus> = "";
    action_lines: Refs => ActionLine = "";
    responsible_org: Ref => Organisation = "";
    target_date: OptDay = "planned adoption";
    adopted_on: OptDay = "required when `adopted`, empty otherwise";
    url: OptLink = "where its text is published: the draft while it is prepared, the official gazette once adopted";
}

record! { Kpi, "kpis", entity;
    code: Key = "e.g. `KPI-07`";
    action_line: OptRef => ActionLine = "empty for an agenda-level KPI";
    title: Tr = "name";
    unit: Vocab<Unit> = "`%` values are 0–100, `days` values ≥ 0";
    direction: Vocab<Direction> = "which way is good";
    baseline_value: Num = "starting point";
    baseline_date: Day = "date of the starting point";
    target_value: Num = "final target";
    target_date: Day = "date of the final target (on or after the baseline date)";
    frequency: Vocab<Frequency> = "the period shape of its observations";
    owner_org: Ref => Organisation = "organisation that reports it";
    method: OptTr, multiline = "how it is calculated";
    sdg_indicator: OptSdg = "UN SDG indicator code (`9.c.1`), checked against the SDG framework";
    framework_indicators: FrameworkCodes = "indicators of other frameworks it serves, each `<framework>:<code>` (`eu-digital-decade-2030:dd_bds;wb-gtmi-2022:I-26`), checked against the frameworks in `data/frameworks/`";
    progress_measure: OptVocab<ProgressMeasure> = "`path` (the default: the latest figure against the path to the target) or `growth_rate` (Open SDG's growth-rate measure)";
    computed: OptVocab<Formula> = "a formula over the catalogue that computes its figures (`services_fully_online`, `digital_transactions`, `life_events_fully_online`, `once_only_requests_asked`, `once_only_coverage`, `services_passing_standard`, `services_reviewed`); empty for typed figures";
    decimals: OptCount = "decimals its figures are shown with, 0–4; empty for the unit's default (whole numbers, one decimal for `%`)";
    fixed targets = Vec::new();
    revision_note: OptFree, multiline = "why the baseline or targets were last changed (required by the edit form for such a change; earlier reasons are in the audit trail)";
}

/// A row of `kpi_targets`: a yearly interim target of a KPI.
#[derive(Debug, Clone, PartialEq)]
pub struct KpiTarget {
    /// The KPI.
    pub kpi: Code,
    /// The year.
    pub year: i32,
    /// The target, in the KPI's unit.
    pub target_value: f64,
}

fn target(x: KpiTarget, _: &mut Row<'_>) -> Option<Vec<Item>> {
    Some(vec![Item::Target(
        x.kpi,
        InterimTarget {
            year: x.year,
            target_value: x.target_value,
        },
    )])
}

record! { KpiTarget, "kpi_targets", target;
    kpi: Ref => Kpi = "";
    year: YearOf = "from the baseline year on (may continue past the target date) — one row per KPI and year";
    target_value: Num = "in the KPI's unit";
}

record! { Objective, "objectives", entity;
    code: Key = "e.g. `AL-1.1-O1`";
    action_line: Ref => ActionLine = "";
    title: Tr = "the measurable statement";
    kpis: Refs => Kpi = "the KPIs that measure it";
}

record! { Observation, "observations", entity;
    kpi: Ref => Kpi = "";
    period: PeriodOf = "matching the KPI's frequency";
    value: Num = "in the KPI's unit";
    status: Vocab<ObservationStatus> = "";
    disaggregation: OptDisaggregation = "empty for the total, else `dimension=value` (`sex=female`, `region=north`), or several dimensions joined by `;` for a combined breakdown (`region=north;sex=female`)";
    note: OptFree, multiline = "evidence or caveat";
    flag: OptVocab<ObservationFlag> = "data-quality flag: `estimated`, `provisional` or `break` (in series); empty for none";
}

record! { ProgressReport, "progress_reports", entity;
    action_line: Ref => ActionLine = "";
    period: PeriodOf = "period covered";
    submitted_by_org: Ref => Organisation = "";
    status: Vocab<ReportStatus> = "";
    narrative: OptTr, multiline = "the narrative";
    submitted_on: OptDay = "date received; required unless `draft`";
    review_comment: OptFree, multiline = "the reviewer's comments when the report was last returned";
}

record! { Budget, "budgets", entity;
    action_line: Ref => ActionLine = "";
    year: YearOf = "the budget year, 2000–2100";
    source: Vocab<FundingSource> = "where the money comes from — one row per action line, year, source and partner";
    partner: OptRef => Organisation = "the organisation of kind `international` that grants or lends it: required for `donor_grant` and `loan`, empty for `treasury`";
    planned: Amount = "planned for the year, in the country's currency (`currency` setting), ≥ 0";
    committed: AmountOrZero = "committed (contracted) so far, ≥ 0, may exceed planned; empty for 0";
    spent: AmountOrZero = "spent (paid out) so far, ≥ 0; empty for 0";
    status: Vocab<ObservationStatus> = "as for KPI figures: only `validated` lines are public";
    note: OptFree, multiline = "source of the figures, or a caveat";
}

record! { LifeEvent, "life_events", entity;
    code: Key = "`LE-…` citizen life events, `BE-…` business events";
    title: Tr = "title";
    audience: Vocab<EventAudience> = "a person's life event or a business event";
}

record! { DataItem, "data_items", entity;
    code: Key = "e.g. `DI-ADDR`";
    name: Tr = "the information or evidence";
    aliases: Texts = "other ways catalogues write it, separated by `;` (an import links them to this item)";
}

record! { Registry, "registries", entity;
    code: Key = "e.g. `REG-POP`";
    name: Tr = "name";
    owner_code: Ref => Organisation = "";
    data_items: Refs => DataItem = "what it holds";
    exposed_via_interop: YesNo = "reachable through the interoperability layer today";
}

record! { BuildingBlock, "building_blocks", entity;
    code: Key = "e.g. `BB-ID`";
    name: Tr = "name";
    govstack_bb: TokenOf = "the GovStack building block implemented (`identity`, `payments`, `esignature`, `information-mediator`, …)";
    owner_code: Ref => Organisation = "";
    status: Vocab<BuildingBlockStatus> = "";
    go_live: OptDay = "date live (required when `production`)";
    product: OptFree = "product used";
    maintenance_org: OptRef => Organisation = "organisation that maintains it, when not its owner";
    product_version: OptFree = "version of the product in production";
    availability_target_pct: OptPct = "availability promised to the services that use it";
    support_hours: OptFree = "when its support answers, e.g. `24/7`";
    onboarding: OptTr, multiline = "how a service onboards: the steps, one per line";
    policy_instrument: OptRef => LegalInstrument = "the law, decree or policy that governs it";
}

/// A service row; its `target_maturity` and `target_date` plan its next release.
fn service(x: Service, r: &mut Row<'_>) -> Option<Vec<Item>> {
    // Both were read (and checked) as columns; a row with a problem yields nothing anyway.
    let tm = Maturity::parse(r.raw("target_maturity")).ok();
    let td = Date::parse(r.raw("target_date")).ok();
    if tm.is_some() != td.is_some() && !r.failed {
        let col = if tm.is_some() {
            "target_date"
        } else {
            "target_maturity"
        };
        r.fail(col, "", "both target_maturity and target_date, or neither");
    }
    let mut items = Vec::new();
    // The demo layout plans a service's next release in two service columns; it becomes a
    // release of its own, `<service>-R1`, owned by the service's owner.
    if let (Some(tm), Some(td)) = (tm, td)
        && let Ok(rc) = Code::parse(&format!("{}-R1", x.code))
    {
        items.push(Item::Entity(
            Release {
                code: rc,
                service: x.code.clone(),
                target_maturity: tm,
                target_date: td,
                responsible_org: x.owner_code.clone(),
                status: ReleaseStatus::Planned,
            }
            .into(),
        ));
    }
    items.insert(0, Item::Entity(x.into()));
    Some(items)
}

record! { ContactPoint, "contact_points", entity;
    code: Key = "e.g. `CP-CAP-CENTRE`";
    name: Tr = "name of the office or contact centre";
    organisation: Ref => Organisation = "the organisation that runs it";
    address: OptTr, multiline = "street address";
    opening_hours: OptTr = "when it is open, as people read it";
    phone: OptPhone = "";
    email: OptEmail = "";
    latitude: OptNum = "WGS 84 degrees, -90 to 90, with longitude";
    longitude: OptNum = "WGS 84 degrees, -180 to 180, with latitude";
}

record! { Service, "services", service;
    code: Key = "e.g. `SVC-042`";
    title: Tr = "title";
    summary: OptTr, multiline = "what it gives and to whom";
    audience: SomeVocabs<Audience> = "one or more: `citizen`, `business`, `government` (services for other government agencies)";
    life_event: Refs => LifeEvent = "";
    owner_code: Ref => Organisation = "responsible organisation";
    maturity: MaturityLevel = "GovStack level 1 Informative, 2 Downloadable forms, 3 Webform, 4 100 % online (also read: `Level 3: …`)";
    channels: Vocabs<Channel> = "";
    annual_transactions: OptCount = "";
    digital_share_pct: OptPct = "";
    satisfaction_pct: OptPct = "";
    completion_rate_pct: OptPct = "";
    cost_per_transaction: OptNum = "≥ 0, national currency";
    evidence: Refs => DataItem = "data items the person must provide";
    evidence_fetched: Refs => DataItem = "data items obtained from a connected registry instead";
    building_blocks: Refs => BuildingBlock = "building blocks needed";
    read_only target_maturity: OptMaturityLevel = "*read only*: with target_date, a shorthand for the service's next release; becomes the release `<code>-R1` (responsible: the owner, status `planned`). Export writes releases to `releases` instead. Both or neither.";
    read_only target_date: OptDay = "*read only*: see target_maturity";
    cross_border: YesNoOrNo = "default `no`";
    last_reviewed: OptDay = "date the information sheet was last reviewed";
    fee: OptNum = "what the person pays, national currency, ≥ 0 (0 = free; empty = not known)";
    processing_days: OptDays = "usual processing time in calendar days (0 = at once)";
    steps: OptTr, multiline = "what the person does, one step per line (a quoted cell with line breaks)";
    outcome: OptTr, multiline = "what the person gets in the end";
    online_link: OptLink = "where the service is done online (the sheet's \"Start now\")";
    contact_points: Refs => ContactPoint = "offices and contact centres that serve it";
    transactions_estimated: YesNoOrNo = "`yes` when annual_transactions is an estimate (from the requests per week or month given), not a count; default `no`";
    customers_per_year: OptFree = "customers per year, as written (`approx. 12,000`)";
    request_volume: OptFree = "requests per week or month, as written (`2,000/month`)";
    iterations: OptCount = "how many times a person usually comes back or sends something before it is done";
    prerequisites: OptTr, multiline = "what the person must have or have done before applying";
    eligibility: OptTr, multiline = "the checks made on who may use it";
    contributing_orgs: Refs => Organisation = "other organisations that take part in delivering it";
    in_operation: OptFree = "how long it has been in operation, as written (`5-10 years`)";
    public_private_partnership: OptYesNo = "delivered through a public-private partnership (empty: not known)";
    fdi_potential: OptYesNo = "potential to attract foreign direct investment (empty: not known)";
    regional_harmonisation: OptYesNo = "potential for harmonisation across the region (empty: not known)";
    key_metrics: OptTr, multiline = "the figures that say how it is working";
    satisfaction_metrics: OptTr, multiline = "how its users' satisfaction is, or should be, measured";
    languages: OptFree = "languages it is offered in, as written (`Hindi, English, French`)";
    challenges: OptTr, multiline = "the main challenges in providing it digitally";
}

record! { ServiceFigure, "service_figures", entity;
    service: Ref => Service = "";
    period: PeriodOf = "the period the figures describe: `2026`, `2026-Q3` or `2026-09`";
    transactions: OptCount = "transactions in the period";
    digital_share_pct: OptPct = "share completed digitally";
    satisfaction_pct: OptPct = "users satisfied";
    completion_rate_pct: OptPct = "transactions started online and completed";
    cost_per_transaction: OptNum = "≥ 0, national currency";
    note: OptFree = "source or caveat";
}

record! { System, "systems", entity;
    code: Key = "e.g. `SYS-CRVS`";
    name: Tr = "name";
    owner_code: OptRef => Organisation = "the organisation that runs it";
    hosting: OptVocab<Hosting> = "";
    database: OptFree = "database it uses, as written";
    monitoring: OptFree = "monitoring tools in place, as written";
    govstack_bb: OptTokenOf = "the GovStack building block whose work it does (`identity`, `payments`, …)";
    building_block: OptRef => BuildingBlock = "the shared building block it is, when it already is one";
    services: Refs => Service = "services that use it";
}

record! { Release, "releases", entity;
    code: Key = "e.g. `SVC-001-R1`";
    service: Ref => Service = "";
    target_maturity: MaturityLevel = "";
    target_date: Day = "planned date";
    responsible_org: Ref => Organisation = "";
    status: Vocab<ReleaseStatus> = "";
}

record! { StandardCriterion, "standard_criteria", entity;
    code: Key = "e.g. `STD-01`";
    title: Tr = "the criterion";
    description: OptTr, multiline = "what meeting it means";
}

record! { Assessment, "assessments", entity;
    service: Ref => Service = "";
    criterion: Ref => StandardCriterion = "";
    assessed_on: Day = "";
    result: Vocab<AssessmentResult> = "";
    assessor_org: OptRef => Organisation = "";
    note: OptFree, multiline = "remarks";
}

record! { GovernanceBody, "governance_bodies", entity;
    code: Key = "e.g. `GOV-BOARD`";
    name: Tr = "name";
    kind: Vocab<BodyKind> = "";
    chair_org: Ref => Organisation = "";
    members: Refs => Organisation = "";
    mandate: OptTr, multiline = "what it is mandated to do";
}

record! { Seat, "seats", entity;
    body: Ref => GovernanceBody = "";
    organisation: Ref => Organisation = "the chair or a member of the body";
    role: Vocab<SeatRole> = "";
    position: Tr = "the position that sits for the organisation, e.g. Permanent Secretary";
}

record! { Meeting, "meetings", entity;
    code: Key = "e.g. `GOV-BOARD-2026-03`";
    body: Ref => GovernanceBody = "";
    held_on: Day = "";
    summary: OptTr, multiline = "what was discussed";
    minutes_url: OptLink = "where its minutes are published";
}

record! { Decision, "decisions", entity;
    code: Key = "e.g. `DEC-2026-04`";
    body: Ref => GovernanceBody = "";
    decided_on: Day = "the day of its meeting";
    title: Tr = "what was decided";
    action_lines: Refs => ActionLine = "the action lines concerned";
    url: OptLink = "where the decision, or the minutes of the meeting, is published";
    meeting: OptRef => Meeting = "the meeting it was taken at";
    acting_org: OptRef => Organisation = "the organisation that must act on it";
    due: OptDay = "the day it must be done by (with `acting_org`)";
    status: VocabOrDefault<DecisionStatus> = "`open` (default), `in_progress` or `done`; overdue is computed from `due`";
    done_on: OptDay = "required when `done`, empty otherwise";
    follow_up: OptFree, multiline = "what the acting organisation reports having done";
}

record! { Consultation, "consultations", entity;
    code: Key = "e.g. `CONS-NDA-2023`";
    title: Tr = "title";
    subject_kind: Vocab<Subject> = "what is consulted on (`standard`: the digital service standard)";
    subject_code: SubjectRef = "the agenda, action line or legal instrument (required for those); for `standard`, empty (the whole standard) or a criterion (standard_criteria)";
    opens: Day = "first day contributions are taken";
    closes: Day = "last day contributions are taken (on or after opens)";
}

record! { Contribution, "contributions", entity;
    code: Key = "e.g. `CONS-NDA-2023-C1` (contributions made on the site are numbered `<consultation>-C<n>`)";
    consultation: Ref => Consultation = "";
    kind: Vocab<ContributionKind> = "";
    text: Free, multiline = "what was said, in the contributor's language";
    author_org: OptRef => Organisation = "the organisation that contributed; empty for a person in their own name";
    sector: Vocab<Sector> = "";
    author_name: OptFree = "the person's name, only if they agreed to be named publicly";
    submitted_on: Day = "date received, while the consultation was open";
    endorsements: Refs => Organisation = "the other organisations that endorse it (not the author)";
    hidden: YesNoOrNo = "hidden by the moderators (default `no`)";
    hidden_reason: OptFree, multiline = "why it was hidden; required when hidden, empty otherwise. The public sees only \"hidden by the moderators: <reason>\" (also in open-data downloads)";
}

record! { ContributionResponse, "responses", entity;
    contribution: Ref => Contribution = "the key: one response per contribution";
    outcome: Vocab<ResponseOutcome> = "";
    reason: Tr, multiline = "why";
    changed_kind: OptVocab<Subject> = "kind of the record that changed because of it; required with changed_code";
    changed_code: SubjectRef = "that record (for `standard`, a criterion or empty)";
}

record! { CoDesignEvent, "codesign_events", entity;
    code: Key = "e.g. `WS-2023-07`";
    title: Tr = "title";
    date: Day = "day held";
    kind: Vocab<CoDesignKind> = "";
    participants: Refs => Organisation = "the organisations that took part";
}

/// Every table, in the order they are written and checked.
pub(super) const TABLES: &[Table] = &[
    entry::<Organisation>(Some(Kind::Organisation), |s| {
        out(s, s.organisations.values())
    }),
    entry::<Agenda>(Some(Kind::Agenda), |s| out(s, s.agenda.values())),
    entry::<Pillar>(Some(Kind::Pillar), |s| out(s, s.pillars.values())),
    entry::<ActionLine>(Some(Kind::ActionLine), |s| out(s, s.action_lines.values())),
    entry::<Milestone>(Some(Kind::Milestone), |s| out(s, s.milestones.values())),
    entry::<LegalInstrument>(Some(Kind::LegalInstrument), |s| {
        out(s, s.legal_instruments.values())
    }),
    entry::<Kpi>(Some(Kind::Kpi), |s| out(s, s.kpis.values())),
    entry::<KpiTarget>(None, |s| {
        let targets: Vec<KpiTarget> = s
            .kpis
            .values()
            .flat_map(|k| {
                k.targets.iter().map(|t| KpiTarget {
                    kpi: k.code.clone(),
                    year: t.year,
                    target_value: t.target_value,
                })
            })
            .collect();
        out(s, targets.iter())
    }),
    entry::<Objective>(Some(Kind::Objective), |s| out(s, s.objectives.values())),
    entry::<Observation>(Some(Kind::Observation), |s| out(s, s.observations.values())),
    entry::<ProgressReport>(Some(Kind::ProgressReport), |s| {
        out(s, s.progress_reports.values())
    }),
    entry::<Budget>(Some(Kind::Budget), |s| out(s, s.budgets.values())),
    entry::<LifeEvent>(Some(Kind::LifeEvent), |s| out(s, s.life_events.values())),
    entry::<DataItem>(Some(Kind::DataItem), |s| out(s, s.data_items.values())),
    entry::<Registry>(Some(Kind::Registry), |s| out(s, s.registries.values())),
    entry::<BuildingBlock>(Some(Kind::BuildingBlock), |s| {
        out(s, s.building_blocks.values())
    }),
    entry::<ContactPoint>(Some(Kind::ContactPoint), |s| {
        out(s, s.contact_points.values())
    }),
    entry::<Service>(Some(Kind::Service), |s| out(s, s.services.values())),
    entry::<ServiceFigure>(Some(Kind::ServiceFigure), |s| {
        out(s, s.service_figures.values())
    }),
    entry::<System>(Some(Kind::System), |s| out(s, s.systems.values())),
    entry::<Release>(Some(Kind::Release), |s| out(s, s.releases.values())),
    entry::<StandardCriterion>(Some(Kind::StandardCriterion), |s| {
        out(s, s.standard_criteria.values())
    }),
    entry::<Assessment>(Some(Kind::Assessment), |s| out(s, s.assessments.values())),
    entry::<GovernanceBody>(Some(Kind::GovernanceBody), |s| {
        out(s, s.governance_bodies.values())
    }),
    entry::<Seat>(Some(Kind::Seat), |s| out(s, s.seats.values())),
    entry::<Meeting>(Some(Kind::Meeting), |s| out(s, s.meetings.values())),
    entry::<Decision>(Some(Kind::Decision), |s| out(s, s.decisions.values())),
    entry::<Consultation>(Some(Kind::Consultation), |s| {
        out(s, s.consultations.values())
    }),
    entry::<Contribution>(Some(Kind::Contribution), |s| {
        out(s, s.contributions.values())
    }),
    entry::<ContributionResponse>(Some(Kind::ContributionResponse), |s| {
        out(s, s.responses.values())
    }),
    entry::<CoDesignEvent>(Some(Kind::CoDesignEvent), |s| {
        out(s, s.codesign_events.values())
    }),
];
