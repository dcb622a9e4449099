//! The entities of a National Digital Agenda and its services catalogue.
//!
//! Field names are the column names of the native data format (`docs/data-format.md`), so an
//! integrity problem found here can be pointed at the exact cell of an import.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::values::{Code, Date, Maturity, Money, Percent, Period, Priority, Text, vocabulary};

vocabulary!(
    /// Where the agenda is in its life.
    AgendaStatus { Draft = "draft", Consultation = "consultation", Adopted = "adopted", Launched = "launched", Archived = "archived" }
);
vocabulary!(
    /// Execution status of an action line.
    ActionLineStatus { NotStarted = "not_started", InProgress = "in_progress", Completed = "completed", Delayed = "delayed", Cancelled = "cancelled" }
);
vocabulary!(
    /// Status of a milestone.
    MilestoneStatus { Planned = "planned", Done = "done", Late = "late", Cancelled = "cancelled" }
);
vocabulary!(
    /// Kind of legal instrument in the regulatory plan.
    LegalKind { Law = "law", Decree = "decree", Regulation = "regulation", Policy = "policy" }
);
vocabulary!(
    /// Where a legal instrument is in the law-making process.
    LegalStatus { Drafting = "drafting", Consultation = "consultation", Parliament = "parliament", Adopted = "adopted" }
);
vocabulary!(
    /// Which way of a KPI is good.
    Direction { Increase = "increase", Decrease = "decrease" }
);
vocabulary!(
    /// Validation state of a KPI observation.
    ObservationStatus { Draft = "draft", Submitted = "submitted", Validated = "validated" }
);
vocabulary!(
    /// A data-quality flag of a figure, after SDMX's observation status as Eurostat and Open
    /// SDG use it.
    ObservationFlag {
        /// An estimate rather than a measurement.
        Estimated = "estimated",
        /// Provisional: may still be revised.
        Provisional = "provisional",
        /// The first figure after a change of method or source: not comparable with earlier
        /// ones.
        Break = "break"
    }
);
vocabulary!(
    /// Where the money of a budget line comes from.
    FundingSource {
        /// The state budget.
        Treasury = "treasury",
        /// A grant of a development partner.
        DonorGrant = "donor_grant",
        /// A loan, from a development bank or another lender.
        Loan = "loan",
        /// A public-private partnership.
        PublicPrivatePartnership = "public_private_partnership",
        /// Anything else.
        Other = "other"
    }
);

impl FundingSource {
    /// Whether the line must name the partner the money comes from: a grant or a loan always
    /// has one.
    pub fn needs_partner(self) -> bool {
        matches!(self, Self::DonorGrant | Self::Loan)
    }
}
vocabulary!(
    /// Review state of a progress report.
    ReportStatus { Draft = "draft", Submitted = "submitted", Returned = "returned", Approved = "approved", Published = "published" }
);
vocabulary!(
    /// Kind of organisation.
    OrgKind { Authority = "authority", Ministry = "ministry", Agency = "agency", Municipality = "municipality", Academia = "academia", Private = "private", CivilSociety = "civil_society", International = "international" }
);
vocabulary!(
    /// Who a service is for: people, businesses or other government agencies (the three
    /// recipients of GovStack's RFI-2 template: G2C, G2B and G2G).
    Audience { Citizen = "citizen", Business = "business", Government = "government" }
);
vocabulary!(
    /// Whom a life event happens to: a person (a life event) or a business (a business event),
    /// the two kinds of event CPSV-AP knows.
    EventAudience { Citizen = "citizen", Business = "business" }
);
vocabulary!(
    /// A channel through which a service is delivered.
    Channel { Web = "web", MobileApp = "mobile_app", Chatbot = "chatbot", Voice = "voice", Ussd = "ussd", Phone = "phone", InPerson = "in_person", Post = "post", Email = "email" }
);
vocabulary!(
    /// Deployment status of a building block.
    BuildingBlockStatus { Planned = "planned", Pilot = "pilot", Production = "production", Retired = "retired" }
);
vocabulary!(
    /// Where a system runs: in a cloud, in the organisation's own data centre, or both.
    Hosting { Cloud = "cloud", OnPremise = "on_premise", Hybrid = "hybrid" }
);
vocabulary!(
    /// Status of a roadmap release.
    ReleaseStatus { Planned = "planned", Released = "released", Cancelled = "cancelled" }
);
vocabulary!(
    /// Outcome of a service-standard assessment against one criterion.
    AssessmentResult { Met = "met", PartlyMet = "partly_met", NotMet = "not_met" }
);
vocabulary!(
    /// Kind of governance body.
    BodyKind { AdvisoryBoard = "advisory_board", SteeringCommittee = "steering_committee", WorkingGroup = "working_group" }
);
vocabulary!(
    /// What an organisation's seat on a governance body is.
    SeatRole { Chair = "chair", ViceChair = "vice_chair", Member = "member", Secretariat = "secretariat", Observer = "observer" }
);
vocabulary!(
    /// Where the follow-up of a decision stands, as the acting organisation reports it. Whether
    /// it is overdue follows from its due date (`crate::governance::state`), never typed.
    DecisionStatus { Open = "open", InProgress = "in_progress", Done = "done" }
);

impl Default for DecisionStatus {
    /// A decision is open until the acting organisation starts on it.
    fn default() -> Self {
        Self::Open
    }
}
vocabulary!(
    /// A user's role (from the GovStack playbook).
    Role { Admin = "admin", Editor = "editor", Legal = "legal", Entity = "entity", Stakeholder = "stakeholder" }
);

/// The unit a KPI is measured in. `%` values are limited to 0–100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub enum Unit {
    /// Percentage, 0–100.
    #[serde(rename = "%")]
    Percent,
    /// A count of things.
    #[serde(rename = "count")]
    Count,
    /// A number of days.
    #[serde(rename = "days")]
    Days,
    /// Money in the national currency.
    #[serde(rename = "currency")]
    Currency,
}

impl Unit {
    /// The unit as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Percent => "%",
            Self::Count => "count",
            Self::Days => "days",
            Self::Currency => "currency",
        }
    }

    /// Parses `%` (or `percent`), `count`, `days` or `currency`.
    pub fn parse(s: &str) -> Result<Self, crate::Expected> {
        match s.trim().to_ascii_lowercase().as_str() {
            "%" | "percent" | "pct" => Ok(Self::Percent),
            "count" => Ok(Self::Count),
            "days" => Ok(Self::Days),
            "currency" => Ok(Self::Currency),
            _ => Err(crate::Expected::new(crate::ExpectedKind::OneOf(&[
                "%", "count", "days", "currency",
            ]))),
        }
    }
}

/// The National Digital Agenda itself (one per deployment).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Agenda {
    /// Natural key, e.g. `NDA-2028`.
    pub code: Code,
    /// Title.
    pub title: Text,
    /// Vision statement.
    pub vision: Option<Text>,
    /// First day of the agenda period.
    pub start: Date,
    /// Last day of the agenda period.
    pub end: Date,
    /// Life-cycle status.
    pub status: AgendaStatus,
    /// Public launch date.
    pub launched_on: Option<Date>,
}

/// A pillar grouping action lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Pillar {
    /// Natural key, e.g. `P1`.
    pub code: Code,
    /// Title.
    pub title: Text,
    /// What the pillar is about.
    pub description: Option<Text>,
}

/// An action line of the agenda.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ActionLine {
    /// Natural key, e.g. `AL-1.2`.
    pub code: Code,
    /// The pillar it belongs to.
    pub pillar_code: Code,
    /// Title.
    pub title: Text,
    /// What it delivers.
    pub description: Option<Text>,
    /// The responsible (lead) organisation.
    pub lead_org: Code,
    /// Contributing organisations.
    pub contributing_orgs: Vec<Code>,
    /// Start of the time frame.
    pub start: Date,
    /// End of the time frame.
    pub end: Date,
    /// 1 (highest) to 3.
    pub priority: Priority,
    /// Execution status.
    pub status: ActionLineStatus,
    /// UN SDG targets it contributes to, e.g. `16.9`.
    pub sdg_targets: Vec<String>,
    /// It cannot be carried out without a law, decree or regulation (a legal instrument of the
    /// regulatory plan naming it): when none does, it is a regulatory gap.
    #[serde(default)]
    pub needs_legal_instrument: bool,
}

/// A short measurable objective of an action line, tied to the KPIs that measure it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Objective {
    /// Natural key, e.g. `AL-1.1-O1`.
    pub code: Code,
    /// The action line it belongs to.
    pub action_line: Code,
    /// The objective.
    pub title: Text,
    /// KPIs that measure it.
    pub kpis: Vec<Code>,
}

/// A milestone of an action line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Milestone {
    /// Natural key, e.g. `AL-2.3-M3`.
    pub code: Code,
    /// The action line it belongs to.
    pub action_line: Code,
    /// What is reached.
    pub title: Text,
    /// Planned date.
    pub due: Date,
    /// Date it was reached.
    pub completed_on: Option<Date>,
    /// Status.
    pub status: MilestoneStatus,
}

/// A law, decree, regulation or policy of the regulatory plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LegalInstrument {
    /// Natural key, e.g. `LEG-01`.
    pub code: Code,
    /// Title.
    pub title: Text,
    /// Kind of instrument.
    pub kind: LegalKind,
    /// Stage in the law-making process.
    pub status: LegalStatus,
    /// Action lines it enables.
    pub action_lines: Vec<Code>,
    /// Organisation whose legal advisors carry it.
    pub responsible_org: Code,
    /// Planned adoption.
    pub target_date: Option<Date>,
    /// Date adopted.
    pub adopted_on: Option<Date>,
    /// Where its text is published: the draft while it is prepared, the official gazette once
    /// adopted.
    #[serde(default)]
    pub url: Option<String>,
}

/// A yearly interim target of a KPI, for 31 December of `year`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InterimTarget {
    /// The year.
    pub year: i32,
    /// The value expected at the end of that year.
    pub target_value: f64,
}

/// A key performance indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Kpi {
    /// Natural key, e.g. `KPI-07`.
    pub code: Code,
    /// The action line it measures; `None` for agenda-level KPIs.
    pub action_line: Option<Code>,
    /// Name.
    pub title: Text,
    /// Unit.
    pub unit: Unit,
    /// Which way is good.
    pub direction: Direction,
    /// Starting value.
    pub baseline_value: f64,
    /// Date of the starting value.
    pub baseline_date: Date,
    /// Final target.
    pub target_value: f64,
    /// Date of the final target.
    pub target_date: Date,
    /// How often it is measured.
    pub frequency: crate::Frequency,
    /// Organisation that reports it.
    pub owner_org: Code,
    /// How it is calculated.
    pub method: Option<Text>,
    /// UN SDG indicator, e.g. `9.c.1`.
    pub sdg_indicator: Option<String>,
    /// The indicators of other frameworks it serves, as `<framework>:<code>`
    /// (`wb-gtmi-2022:I-26`); see [`crate::frameworks`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub framework_indicators: Vec<String>,
    /// Yearly interim targets, ordered by year.
    pub targets: Vec<InterimTarget>,
    /// Why the baseline or targets were last changed. Required with every such change; the
    /// history of revisions is the audit trail of the KPI, each version carrying its reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision_note: Option<String>,
    /// Decimals its figures are shown with; `None` for the unit's default (whole numbers,
    /// one decimal for a percentage).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimals: Option<u64>,
    /// Which measure rates its progress; `None` for the path rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress_measure: Option<crate::growth::ProgressMeasure>,
    /// The formula that computes its figures from the catalogue; `None` for typed figures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub computed: Option<crate::computed::Formula>,
}

/// A further dimension of a combined breakdown, e.g. `sex=female` in
/// `region=north;sex=female`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
pub struct Category {
    /// Dimension, e.g. `sex`.
    pub dimension: String,
    /// Category, e.g. `female`.
    pub value: String,
}

/// The breakdown of a disaggregated observation: one dimension (`sex=female`) or several
/// combined (`region=north;sex=female`). Dimensions are kept in name order, the first in
/// `dimension`/`value` and the others in `and`, so one breakdown has one written form.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
pub struct Disaggregation {
    /// Dimension, e.g. `sex`.
    pub dimension: String,
    /// Category, e.g. `female`.
    pub value: String,
    /// The other dimensions of a combined breakdown, in name order; empty for one dimension.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub and: Vec<Category>,
}

impl Disaggregation {
    /// One dimension and its category.
    pub fn one(dimension: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            dimension: dimension.into(),
            value: value.into(),
            and: Vec::new(),
        }
    }

    /// Parses `dimension=value`, or several joined by `;` (`region=north;sex=female`), each
    /// dimension at most once.
    pub fn parse(s: &str) -> Result<Self, crate::Expected> {
        let ok = |p: &str| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '+'))
        };
        let bad = || crate::Expected::new(crate::ExpectedKind::Disaggregation);
        let mut pairs: Vec<Category> = Vec::new();
        for part in s.trim().split(';') {
            match part.trim().split_once('=') {
                Some((d, v)) if ok(d.trim()) && ok(v.trim()) => pairs.push(Category {
                    dimension: d.trim().to_owned(),
                    value: v.trim().to_owned(),
                }),
                _ => return Err(bad()),
            }
        }
        pairs.sort();
        if pairs.windows(2).any(|w| w[0].dimension == w[1].dimension) {
            return Err(bad());
        }
        let mut pairs = pairs.into_iter();
        let first = pairs.next().ok_or_else(bad)?;
        Ok(Self {
            dimension: first.dimension,
            value: first.value,
            and: pairs.collect(),
        })
    }

    /// Every (dimension, category), in dimension name order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        std::iter::once((self.dimension.as_str(), self.value.as_str())).chain(
            self.and
                .iter()
                .map(|c| (c.dimension.as_str(), c.value.as_str())),
        )
    }

    /// The dimensions, in name order.
    pub fn dimensions(&self) -> Vec<&str> {
        self.pairs().map(|(d, _)| d).collect()
    }

    /// The category of `dimension`, if the breakdown has that dimension.
    pub fn value_of(&self, dimension: &str) -> Option<&str> {
        self.pairs().find(|(d, _)| *d == dimension).map(|(_, v)| v)
    }

    /// Whether it breaks the figure down by exactly one dimension, `dimension`.
    pub fn is_only(&self, dimension: &str) -> bool {
        self.and.is_empty() && self.dimension == dimension
    }
}

impl std::fmt::Display for Disaggregation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, (d, v)) in self.pairs().enumerate() {
            if i > 0 {
                f.write_str(";")?;
            }
            write!(f, "{d}={v}")?;
        }
        Ok(())
    }
}

/// A measured value of a KPI for a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Observation {
    /// The KPI measured.
    pub kpi: Code,
    /// The period it describes.
    pub period: Period,
    /// The value, in the KPI's unit.
    pub value: f64,
    /// Validation state.
    pub status: ObservationStatus,
    /// `None` for the total, else one dimension and category.
    pub disaggregation: Option<Disaggregation>,
    /// Evidence or caveat.
    pub note: Option<String>,
    /// Data-quality flag, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<ObservationFlag>,
}

/// A progress report of an action line for a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProgressReport {
    /// The action line reported on.
    pub action_line: Code,
    /// The period covered.
    pub period: Period,
    /// Organisation that reports.
    pub submitted_by_org: Code,
    /// Review state.
    pub status: ReportStatus,
    /// The narrative.
    pub narrative: Option<Text>,
    /// Date received.
    pub submitted_on: Option<Date>,
    /// The reviewer's comments when the report was last returned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_comment: Option<String>,
}

/// One line of an action line's budget for a year: what is planned, committed and spent from
/// one funding source (and partner). An action line has as many lines a year as it has
/// sources: the treasury's share, a donor's grant, a loan. Amounts are in the country's
/// currency (the `currency` setting). Like a KPI figure, a line is drafted and submitted by
/// the lead organisation and public only once an editor has validated it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Budget {
    /// The action line funded.
    pub action_line: Code,
    /// The budget year.
    pub year: i32,
    /// Where the money comes from.
    pub source: FundingSource,
    /// The organisation (of kind `international`) that grants or lends it; required for a
    /// donor grant or a loan.
    pub partner: Option<Code>,
    /// Planned for the year.
    pub planned: Money,
    /// Committed (contracted) so far; may exceed the plan.
    pub committed: Money,
    /// Spent (paid out) so far.
    pub spent: Money,
    /// Validation state: only validated lines are public.
    pub status: ObservationStatus,
    /// Source of the figures, or a caveat.
    pub note: Option<String>,
}

/// A public body or other stakeholder organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Organisation {
    /// Natural key, e.g. `MOI`.
    pub code: Code,
    /// Name.
    pub name: Text,
    /// Kind.
    pub kind: OrgKind,
    /// Parent organisation.
    pub parent_code: Option<Code>,
    /// Web site.
    pub website: Option<String>,
}

/// Where people are served in person or by telephone: an office, a one-stop shop, a contact
/// centre. One contact point serves many services, and a service may have several.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ContactPoint {
    /// Natural key, e.g. `CP-CAP-CENTRE`.
    pub code: Code,
    /// Name, e.g. "Capital City one-stop shop".
    pub name: Text,
    /// The organisation that runs it.
    pub organisation: Code,
    /// Street address.
    pub address: Option<Text>,
    /// When it is open, as people read it ("Monday to Friday, 8:00–16:00").
    pub opening_hours: Option<Text>,
    /// Telephone number as written (`+999 20 100 100`).
    pub phone: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Latitude, WGS 84 degrees (with `longitude`, or neither).
    pub latitude: Option<f64>,
    /// Longitude, WGS 84 degrees.
    pub longitude: Option<f64>,
}

/// A citizen life event or business event grouping services.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LifeEvent {
    /// Natural key, e.g. `LE-CHILD`.
    pub code: Code,
    /// Title.
    pub title: Text,
    /// A person's life event or a business event.
    pub audience: EventAudience,
}

/// Information or evidence a service asks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DataItem {
    /// Natural key, e.g. `DI-ADDR`.
    pub code: Code,
    /// Name.
    pub name: Text,
    /// Other ways catalogues write it ("National ID card", "Copy of ID card"), so that an
    /// import links them to this item.
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// A base registry and the data items it holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Registry {
    /// Natural key, e.g. `REG-POP`.
    pub code: Code,
    /// Name.
    pub name: Text,
    /// Organisation that keeps it.
    pub owner_code: Code,
    /// Data items it holds.
    pub data_items: Vec<Code>,
    /// Reachable through the interoperability layer today.
    pub exposed_via_interop: bool,
}

/// A shared building block of the government stack.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BuildingBlock {
    /// Natural key, e.g. `BB-ID`.
    pub code: Code,
    /// Name.
    pub name: Text,
    /// The GovStack building block it implements, e.g. `identity`.
    pub govstack_bb: String,
    /// Organisation that runs it.
    pub owner_code: Code,
    /// Deployment status.
    pub status: BuildingBlockStatus,
    /// Date it went (or goes) live.
    pub go_live: Option<Date>,
    /// Product used.
    pub product: Option<String>,
    /// Organisation that maintains it, when not the one that runs it.
    #[serde(default)]
    pub maintenance_org: Option<Code>,
    /// Version of the product in production.
    #[serde(default)]
    pub product_version: Option<String>,
    /// Availability promised to the services that use it, in %.
    #[serde(default)]
    pub availability_target_pct: Option<Percent>,
    /// When its support answers, as written (e.g. `24/7`, `Mon–Fri 8:00–18:00`).
    #[serde(default)]
    pub support_hours: Option<String>,
    /// How a service onboards: the steps, one per line.
    #[serde(default)]
    pub onboarding: Option<Text>,
    /// The legal instrument (law, decree, policy) that governs its use and maintenance.
    #[serde(default)]
    pub policy_instrument: Option<Code>,
}

/// A service's figures for one period: the four service KPIs of the old GOV.UK performance
/// platform plus its transactions, sent by the organisation that owns it (in forms, files or
/// with its API token), so a service's performance is a series, not only its current values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ServiceFigure {
    /// The service.
    pub service: Code,
    /// The period the figures describe.
    pub period: Period,
    /// Transactions in the period.
    pub transactions: Option<u64>,
    /// Share of transactions completed digitally, in %.
    pub digital_share_pct: Option<Percent>,
    /// Users satisfied, in %.
    pub satisfaction_pct: Option<Percent>,
    /// Transactions started online and completed, in %.
    pub completion_rate_pct: Option<Percent>,
    /// Cost per transaction, national currency.
    pub cost_per_transaction: Option<f64>,
    /// Source or caveat.
    pub note: Option<String>,
}

/// A software system a government organisation runs today (the RFI-2 template's
/// Systems-Platforms catalogue): what it does in GovStack's terms and which services use it, so
/// the authority sees which systems could become, or move onto, a shared building block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct System {
    /// Natural key, e.g. `SYS-CRVS`.
    pub code: Code,
    /// Name.
    pub name: Text,
    /// Organisation that runs it, when known.
    pub owner_code: Option<Code>,
    /// Where it runs.
    pub hosting: Option<Hosting>,
    /// Database it uses, as written (`PostgreSQL 14`).
    pub database: Option<String>,
    /// Monitoring tools in place, as written.
    pub monitoring: Option<String>,
    /// The GovStack building block it does the work of (`identity`, `payments`, …).
    pub govstack_bb: Option<String>,
    /// The shared building block it is (or is part of), when it already is one.
    pub building_block: Option<Code>,
    /// Services that use it.
    pub services: Vec<Code>,
}

/// A government service (CPSV-AP `PublicService`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Service {
    /// Natural key, e.g. `SVC-042`.
    pub code: Code,
    /// Title.
    pub title: Text,
    /// What it gives and to whom.
    pub summary: Option<Text>,
    /// Whom it is for: one or more of people, businesses and government agencies. Stored
    /// catalogues written before a service could have several read as one.
    #[serde(deserialize_with = "one_or_many")]
    #[schema(min_items = 1)]
    pub audience: Vec<Audience>,
    /// Life or business events it belongs to.
    pub life_event: Vec<Code>,
    /// Responsible organisation.
    pub owner_code: Code,
    /// GovStack maturity level today.
    pub maturity: Maturity,
    /// Channels it is delivered through.
    pub channels: Vec<Channel>,
    /// Transactions per year.
    pub annual_transactions: Option<u64>,
    /// Share of transactions completed digitally.
    pub digital_share_pct: Option<Percent>,
    /// User satisfaction.
    pub satisfaction_pct: Option<Percent>,
    /// Completion rate.
    pub completion_rate_pct: Option<Percent>,
    /// Cost per transaction, in the national currency.
    pub cost_per_transaction: Option<f64>,
    /// Data items the person must provide.
    pub evidence: Vec<Code>,
    /// Data items the service obtains from a connected registry instead of asking.
    pub evidence_fetched: Vec<Code>,
    /// Building blocks it needs.
    pub building_blocks: Vec<Code>,
    /// Usable across borders.
    pub cross_border: bool,
    /// Date its information sheet was last reviewed.
    pub last_reviewed: Option<Date>,
    /// What the person pays, in the national currency (0 = free).
    #[serde(default)]
    pub fee: Option<f64>,
    /// Usual processing time in calendar days (0 = at once).
    #[serde(default)]
    pub processing_days: Option<u32>,
    /// What the person does, one step per line.
    #[serde(default)]
    pub steps: Option<Text>,
    /// What the person gets in the end.
    #[serde(default)]
    pub outcome: Option<Text>,
    /// Where it is done online (`https://` only): the sheet's "Start now".
    #[serde(default)]
    pub online_link: Option<String>,
    /// The offices and contact centres that serve it.
    #[serde(default)]
    pub contact_points: Vec<Code>,
    /// Whether `annual_transactions` is an estimate (from the requests per week or month a
    /// ministry gave) rather than a count.
    #[serde(default)]
    pub transactions_estimated: bool,
    /// Customers per year, as the ministry wrote it ("approx. 12,000").
    #[serde(default)]
    pub customers_per_year: Option<String>,
    /// Requests per week or month, as the ministry wrote it ("2,000/month").
    #[serde(default)]
    pub request_volume: Option<String>,
    /// How many times a person usually comes back or sends something before it is done.
    #[serde(default)]
    pub iterations: Option<u64>,
    /// What the person must have or have done before applying.
    #[serde(default)]
    pub prerequisites: Option<Text>,
    /// The checks made on who may use it.
    #[serde(default)]
    pub eligibility: Option<Text>,
    /// Other organisations that take part in delivering it.
    #[serde(default)]
    pub contributing_orgs: Vec<Code>,
    /// How long it has been in operation, as written ("5-10 years").
    #[serde(default)]
    pub in_operation: Option<String>,
    /// Delivered through a public-private partnership.
    #[serde(default)]
    pub public_private_partnership: Option<bool>,
    /// Potential to attract foreign direct investment.
    #[serde(default)]
    pub fdi_potential: Option<bool>,
    /// Potential for harmonisation across the region.
    #[serde(default)]
    pub regional_harmonisation: Option<bool>,
    /// The figures that say how it is working.
    #[serde(default)]
    pub key_metrics: Option<Text>,
    /// How its users' satisfaction is, or should be, measured.
    #[serde(default)]
    pub satisfaction_metrics: Option<Text>,
    /// The languages it is offered in, as written ("Hindi, English, French").
    #[serde(default)]
    pub languages: Option<String>,
    /// The main challenges in providing it digitally.
    #[serde(default)]
    pub challenges: Option<Text>,
}

impl Service {
    /// Whether people or businesses use it: a service only for government agencies (G2G) is
    /// left out of what the public finder and channels offer.
    pub fn for_the_public(&self) -> bool {
        self.audience
            .iter()
            .any(|a| matches!(a, Audience::Citizen | Audience::Business))
    }

    /// Whether government agencies use it.
    pub fn for_agencies(&self) -> bool {
        self.audience.contains(&Audience::Government)
    }
}

/// One value or a list of them: the audience was a single value before services could have
/// several.
fn one_or_many<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany<T> {
        Many(Vec<T>),
        One(T),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::Many(v) => v,
        OneOrMany::One(x) => vec![x],
    })
}

/// A planned release of a service on the digitalisation roadmap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Release {
    /// Natural key, e.g. `SVC-001-R1`.
    pub code: Code,
    /// The service released.
    pub service: Code,
    /// Maturity level it reaches.
    pub target_maturity: Maturity,
    /// Planned date.
    pub target_date: Date,
    /// Organisation responsible for the release.
    pub responsible_org: Code,
    /// Status.
    pub status: ReleaseStatus,
}

/// A criterion of the digital service standard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StandardCriterion {
    /// Natural key, e.g. `STD-01`.
    pub code: Code,
    /// The criterion.
    pub title: Text,
    /// What meeting it means.
    pub description: Option<Text>,
}

/// The assessment of a service against one criterion of the standard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Assessment {
    /// Service assessed.
    pub service: Code,
    /// Criterion assessed.
    pub criterion: Code,
    /// Date of the assessment.
    pub assessed_on: Date,
    /// Outcome.
    pub result: AssessmentResult,
    /// Organisation that assessed.
    pub assessor_org: Option<Code>,
    /// Remarks.
    pub note: Option<String>,
}

/// A governance body: the high-level advisory board, a steering committee.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GovernanceBody {
    /// Natural key, e.g. `GOV-BOARD`.
    pub code: Code,
    /// Name.
    pub name: Text,
    /// Kind.
    pub kind: BodyKind,
    /// Organisation that chairs it.
    pub chair_org: Code,
    /// Member organisations.
    pub members: Vec<Code>,
    /// What it is mandated to do.
    #[serde(default)]
    pub mandate: Option<Text>,
}

/// An organisation's seat on a governance body: who sits for it and in what role. The seats
/// detail the body's chair and members; an organisation without a seat record sits as a plain
/// member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Seat {
    /// The body.
    pub body: Code,
    /// The organisation that holds the seat.
    pub organisation: Code,
    /// Chair, vice-chair, member, secretariat or observer.
    pub role: SeatRole,
    /// The position that sits for the organisation, e.g. "Permanent Secretary".
    pub position: Text,
}

/// A meeting of a governance body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Meeting {
    /// Natural key, e.g. `GOV-BOARD-2026-03`.
    pub code: Code,
    /// The body that met.
    pub body: Code,
    /// Day held.
    pub held_on: Date,
    /// What was discussed, briefly.
    pub summary: Option<Text>,
    /// Where its minutes are published; none until they are.
    pub minutes_url: Option<String>,
}

/// A decision of a governance body, linked to the action lines it concerns, and its
/// follow-up: the organisation that must act, by when, and how far it has got.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Decision {
    /// Natural key, e.g. `DEC-2026-04`.
    pub code: Code,
    /// Body that decided.
    pub body: Code,
    /// Date of the meeting.
    pub decided_on: Date,
    /// What was decided.
    pub title: Text,
    /// Action lines concerned.
    pub action_lines: Vec<Code>,
    /// Where the decision, or the minutes of its meeting, is published.
    pub url: Option<String>,
    /// The meeting it was taken at.
    #[serde(default)]
    pub meeting: Option<Code>,
    /// The organisation that must act on it.
    #[serde(default)]
    pub acting_org: Option<Code>,
    /// The day it must be done by.
    #[serde(default)]
    pub due: Option<Date>,
    /// Open, in progress or done.
    #[serde(default)]
    pub status: DecisionStatus,
    /// The day it was done.
    #[serde(default)]
    pub done_on: Option<Date>,
    /// What the acting organisation reports having done.
    #[serde(default)]
    pub follow_up: Option<String>,
}

/// A person who signs in. Credentials are kept by the store, never here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct User {
    /// Login name.
    pub username: Code,
    /// Name shown.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// The organisation an `entity` user acts for, or a `stakeholder` speaks for.
    pub organisation: Option<Code>,
}

impl User {
    /// Checks the role/organisation rule: an `entity` user is bound to exactly one organisation.
    pub fn validate(&self) -> Result<(), crate::Expected> {
        match (self.role, &self.organisation) {
            (Role::Entity, None) => Err(crate::Expected::new(
                crate::ExpectedKind::EntityOrganisation,
            )),
            _ => Ok(()),
        }
    }
}

vocabulary!(
    /// What a consultation is about, or what a response changed: a kind of record of the
    /// agenda (`standard` is the digital service standard, as a whole or one criterion).
    Subject { Agenda = "agenda", ActionLine = "action_line", LegalInstrument = "legal_instrument", Standard = "standard", Kpi = "kpi", Milestone = "milestone" }
);
vocabulary!(
    /// Kind of contribution to a consultation.
    ContributionKind { Comment = "comment", Amendment = "amendment", NewActionLine = "new_action_line" }
);
vocabulary!(
    /// The sector a contributor speaks for: a person in their own name is a `citizen`, or
    /// says which sector they belong to.
    Sector { Citizen = "citizen", Private = "private", Academia = "academia", CivilSociety = "civil_society", International = "international", Public = "public" }
);
vocabulary!(
    /// The authority's answer to a contribution.
    ResponseOutcome { Accepted = "accepted", Partly = "partly", NotAccepted = "not_accepted" }
);
vocabulary!(
    /// Kind of co-design event.
    CoDesignKind { Workshop = "workshop", Event = "event", Interview = "interview", Survey = "survey", Hearing = "hearing" }
);

/// A public consultation on the draft agenda, an action line, a legal instrument or the
/// service standard. Whether it is upcoming, open or closed follows from its dates
/// (`crate::consultation::status`), never typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Consultation {
    /// Natural key, e.g. `CONS-2023-NDA`.
    pub code: Code,
    /// Title.
    pub title: Text,
    /// What is consulted on: `agenda`, `action_line`, `legal_instrument` or `standard`.
    pub subject_kind: Subject,
    /// The record consulted on; for `standard`, empty (the whole standard) or a criterion.
    pub subject_code: Option<Code>,
    /// First day contributions are taken.
    pub opens: Date,
    /// Last day contributions are taken.
    pub closes: Date,
}

/// What a stakeholder organisation, or a person in their own name, said in a consultation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Contribution {
    /// Natural key, e.g. `CONS-2023-NDA-C1`.
    pub code: Code,
    /// The consultation it answers.
    pub consultation: Code,
    /// Comment, amendment or proposal of a new action line.
    pub kind: ContributionKind,
    /// What was said, in the contributor's words and language.
    pub text: String,
    /// The organisation that contributed; `None` for a person taking part in their own name
    /// (who they are is kept apart from the public record, see `agenda_store::participants`).
    pub author_org: Option<Code>,
    /// The sector it speaks for.
    pub sector: Sector,
    /// The person's name, kept only when they agreed to be named publicly.
    pub author_name: Option<String>,
    /// Day received.
    pub submitted_on: Date,
    /// Other organisations that endorse it.
    pub endorsements: Vec<Code>,
    /// Hidden by the moderators (the text is then not published).
    pub hidden: bool,
    /// Why it was hidden; required when hidden.
    pub hidden_reason: Option<String>,
}

/// The authority's published response to one contribution: "you said, we did".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ContributionResponse {
    /// The contribution answered (also the key: one response each).
    pub contribution: Code,
    /// Accepted, partly accepted or not accepted.
    pub outcome: ResponseOutcome,
    /// Why.
    pub reason: Text,
    /// Kind of the record that changed because of it.
    pub changed_kind: Option<Subject>,
    /// The record that changed (for `standard`, a criterion or empty).
    pub changed_code: Option<Code>,
}

/// A workshop, event or interview of the co-design of the agenda.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CoDesignEvent {
    /// Natural key, e.g. `WS-2023-07`.
    pub code: Code,
    /// Title.
    pub title: Text,
    /// Day held.
    pub date: Date,
    /// Workshop, event, interview …
    pub kind: CoDesignKind,
    /// Organisations that took part.
    pub participants: Vec<Code>,
}

#[cfg(test)]
mod tests {
    use super::Disaggregation;

    #[test]
    fn a_breakdown_has_one_written_form_whatever_the_order_of_its_dimensions() {
        let one = Disaggregation::parse(" sex = female ").unwrap();
        assert_eq!(one, Disaggregation::one("sex", "female"));
        assert_eq!(one.to_string(), "sex=female");
        assert!(one.is_only("sex"));
        let both = Disaggregation::parse("sex=female;region=north").unwrap();
        assert_eq!(
            both,
            Disaggregation::parse("region=north; sex=female").unwrap()
        );
        assert_eq!(both.to_string(), "region=north;sex=female");
        assert_eq!(both.dimensions(), ["region", "sex"]);
        assert_eq!(both.value_of("sex"), Some("female"));
        assert!(!both.is_only("region"));
        // A single dimension serialises as before; a combined one adds `and`.
        assert_eq!(
            serde_json::to_value(&one).unwrap(),
            serde_json::json!({"dimension": "sex", "value": "female"})
        );
        assert_eq!(
            serde_json::to_value(&both).unwrap()["and"][0]["dimension"],
            "sex"
        );
        for bad in [
            "",
            "sex",
            "sex=female;sex=male",
            "sex=female;",
            "=x",
            "a b=c",
        ] {
            assert!(Disaggregation::parse(bad).is_err(), "{bad:?}");
        }
    }
}
