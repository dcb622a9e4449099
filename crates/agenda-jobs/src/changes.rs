//! What changed in the agenda, per scope — the whole agenda, a pillar, an action line, a KPI or
//! an organisation — for the public site's Atom feeds and the subscribers' digests.
//!
//! Changes are read from the audit chain: approved progress reports, milestones reached, legal
//! instruments adopted, changes of an action line's status, new validated KPI figures, and
//! launches — a service going live at a higher maturity level, a shared building block going
//! live — credited to the organisation that owns them. One
//! function, [`changes`], selects those of a scope after an audit sequence number: the feeds
//! call it from the start of the chain, the digests from where each subscriber was last told.

use agenda_core::model::{
    ActionLine, BuildingBlock, BuildingBlockStatus, Decision, DecisionStatus, LegalInstrument,
    Milestone, MilestoneStatus, Observation, ProgressReport, Service,
};
use agenda_core::visibility::{observation_is_public, report_is_public};
use agenda_core::{Kind, Snapshot, Text};
use agenda_store::{AuditRecord, Store, StoreError};

use crate::i18n::{t, t_args};

/// Audit records a feed looks through at most, newest first.
pub const FEED_SCAN_MAX: usize = 50_000;
/// Audit records read at once.
const PAGE: u32 = 2_000;
/// The kinds of record whose changes are told.
const KINDS: &[Kind] = &[
    Kind::ActionLine,
    Kind::ProgressReport,
    Kind::Milestone,
    Kind::LegalInstrument,
    Kind::Observation,
    Kind::Decision,
];
/// The kinds whose updates (only) are told: launches.
const UPDATED: &[Kind] = &[Kind::Service, Kind::BuildingBlock];

/// What a subscription or a feed follows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Everything.
    Agenda,
    /// A pillar and its action lines.
    Pillar(String),
    /// An action line, its milestones, KPIs and reports.
    ActionLine(String),
    /// A KPI's figures.
    Kpi(String),
    /// What an organisation leads or owns.
    Organisation(String),
    /// Launches: services going live at a higher level, building blocks going live.
    Launches,
    /// The decision register: decisions recorded and done.
    Decisions,
}

impl Scope {
    /// Parses `agenda`, `pillar:P1`, `action-line:AL-1.1`, `kpi:KPI-01` or
    /// `organisation:DGA` (the form [`Scope::key`] writes).
    pub fn parse(s: &str) -> Option<Scope> {
        let s = s.trim();
        if s == "agenda" || s.is_empty() {
            return Some(Scope::Agenda);
        }
        if s == "launches" {
            return Some(Scope::Launches);
        }
        if s == "decisions" {
            return Some(Scope::Decisions);
        }
        let (kind, code) = s.split_once(':')?;
        let code = agenda_core::Code::parse(code).ok()?.to_string();
        match kind {
            "pillar" => Some(Scope::Pillar(code)),
            "action-line" => Some(Scope::ActionLine(code)),
            "kpi" => Some(Scope::Kpi(code)),
            "organisation" => Some(Scope::Organisation(code)),
            _ => None,
        }
    }

    /// `agenda`, `pillar:P1`, ….
    pub fn key(&self) -> String {
        match self {
            Scope::Agenda => "agenda".to_owned(),
            Scope::Launches => "launches".to_owned(),
            Scope::Decisions => "decisions".to_owned(),
            Scope::Pillar(c) => format!("pillar:{c}"),
            Scope::ActionLine(c) => format!("action-line:{c}"),
            Scope::Kpi(c) => format!("kpi:{c}"),
            Scope::Organisation(c) => format!("organisation:{c}"),
        }
    }

    /// Whether what it names is public in `s`.
    pub fn exists(&self, s: &Snapshot) -> bool {
        match self {
            Scope::Agenda | Scope::Launches | Scope::Decisions => true,
            Scope::Pillar(c) => s.pillars.contains_key(c),
            Scope::ActionLine(c) => s.action_lines.contains_key(c),
            Scope::Kpi(c) => s.kpis.contains_key(c),
            Scope::Organisation(c) => s.organisations.contains_key(c),
        }
    }

    /// Its name for people, e.g. "Action line AL-1.1: Digital identity".
    pub fn name(&self, s: &Snapshot, lang: &str) -> String {
        let named = |key: &str, code: &str, title: Option<&Text>| {
            t_args(
                lang,
                key,
                &[
                    ("code", code.to_owned()),
                    (
                        "title",
                        title.map(|t| t.get(lang).to_owned()).unwrap_or_default(),
                    ),
                ],
            )
        };
        match self {
            Scope::Agenda => s
                .the_agenda()
                .map(|a| a.title.get(lang).to_owned())
                .unwrap_or_else(|| t(lang, "sub-scope-agenda")),
            Scope::Launches => t(lang, "sub-scope-launches"),
            Scope::Decisions => t(lang, "sub-scope-decisions"),
            Scope::Pillar(c) => named("sub-scope-pillar", c, s.pillars.get(c).map(|p| &p.title)),
            Scope::ActionLine(c) => named(
                "sub-scope-action-line",
                c,
                s.action_lines.get(c).map(|a| &a.title),
            ),
            Scope::Kpi(c) => named("sub-scope-kpi", c, s.kpis.get(c).map(|k| &k.title)),
            Scope::Organisation(c) => named(
                "sub-scope-organisation",
                c,
                s.organisations.get(c).map(|o| &o.name),
            ),
        }
    }

    /// The public page of what it names (without the language prefix).
    pub fn page(&self) -> String {
        match self {
            Scope::Agenda => "/".to_owned(),
            Scope::Launches => "/services".to_owned(),
            Scope::Decisions => "/governance/decisions".to_owned(),
            Scope::Pillar(_) => "/pillars".to_owned(),
            Scope::ActionLine(c) => format!("/action-lines/{c}"),
            Scope::Kpi(c) => format!("/kpis/{c}"),
            Scope::Organisation(c) => format!("/organisations/{c}"),
        }
    }

    /// Its Atom feed.
    pub fn feed(&self) -> String {
        match self {
            Scope::Agenda => "/feed.atom".to_owned(),
            other => format!("/feed.atom?scope={}", other.key()),
        }
    }

    /// Its Atom feed's permanent identifier (`urn:agenda:feed`, `urn:agenda:feed:kpi:KPI-01`).
    pub fn feed_id(&self) -> String {
        match self {
            Scope::Agenda => "urn:agenda:feed".to_owned(),
            other => format!("urn:agenda:feed:{}", other.key()),
        }
    }
}

/// A change worth telling.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// An action line's status changed.
    Status {
        /// The action line.
        code: String,
        /// Its status before.
        before: String,
        /// And after.
        after: String,
    },
    /// A progress report was approved (made public).
    Report {
        /// The action line.
        code: String,
        /// The period reported on.
        period: String,
        /// What it says.
        narrative: Option<Text>,
    },
    /// A milestone was reached.
    Milestone {
        /// The milestone.
        code: String,
        /// Its action line.
        action_line: String,
    },
    /// A legal instrument was adopted.
    Adopted {
        /// The instrument.
        code: String,
    },
    /// A KPI has a new validated figure (for the total).
    Figure {
        /// The KPI.
        kpi: String,
        /// The period.
        period: String,
        /// The value.
        value: f64,
    },
    /// A service went live at a higher maturity level.
    Launch {
        /// The service.
        code: String,
        /// Its level now.
        level: u8,
        /// The organisation that owns it.
        owner: String,
    },
    /// A shared building block went live (into production).
    BlockLive {
        /// The building block.
        code: String,
        /// The organisation that runs it.
        owner: String,
    },
    /// A governance body recorded a decision.
    Decided {
        /// The decision.
        code: String,
        /// The organisation that must act on it, if any.
        acting: Option<String>,
        /// The action lines it concerns.
        action_lines: Vec<String>,
    },
    /// The organisation that had to act on a decision reported it done.
    DecisionDone {
        /// The decision.
        code: String,
        /// The organisation that acted.
        acting: Option<String>,
        /// The action lines it concerns.
        action_lines: Vec<String>,
    },
}

/// A change and when it was committed.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Its audit sequence number.
    pub seq: u64,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// What happened.
    pub event: Event,
}

fn parse<T: serde::de::DeserializeOwned>(json: &Option<String>) -> Option<T> {
    json.as_deref().and_then(|j| serde_json::from_str(j).ok())
}

/// The change an audit record tells of, if any, and if what it is about is public in `s`.
pub fn classify(r: &AuditRecord, s: &Snapshot) -> Option<Event> {
    match r.kind {
        Kind::ActionLine => {
            let before: ActionLine = parse(&r.before)?;
            let after: ActionLine = parse(&r.after)?;
            (before.status != after.status && s.action_lines.contains_key(&r.code)).then(|| {
                Event::Status {
                    code: r.code.clone(),
                    before: before.status.as_str().to_owned(),
                    after: after.status.as_str().to_owned(),
                }
            })
        }
        Kind::ProgressReport => {
            let after: ProgressReport = parse(&r.after)?;
            let was =
                parse::<ProgressReport>(&r.before).is_some_and(|b| report_is_public(b.status));
            (report_is_public(after.status) && !was && s.progress_reports.contains_key(&r.code))
                .then(|| Event::Report {
                    code: after.action_line.to_string(),
                    period: after.period.to_string(),
                    narrative: after.narrative,
                })
        }
        Kind::Milestone => {
            let after: Milestone = parse(&r.after)?;
            let was =
                parse::<Milestone>(&r.before).is_some_and(|b| b.status == MilestoneStatus::Done);
            (after.status == MilestoneStatus::Done && !was && s.milestones.contains_key(&r.code))
                .then(|| Event::Milestone {
                    code: r.code.clone(),
                    action_line: after.action_line.to_string(),
                })
        }
        Kind::LegalInstrument => {
            let after: LegalInstrument = parse(&r.after)?;
            let was = parse::<LegalInstrument>(&r.before).is_some_and(|b| b.adopted_on.is_some());
            (after.adopted_on.is_some() && !was && s.legal_instruments.contains_key(&r.code)).then(
                || Event::Adopted {
                    code: r.code.clone(),
                },
            )
        }
        Kind::Observation => {
            let after: Observation = parse(&r.after)?;
            let before =
                parse::<Observation>(&r.before).filter(|b| observation_is_public(b.status));
            let new = before.is_none_or(|b| b.value != after.value);
            (observation_is_public(after.status)
                && after.disaggregation.is_none()
                && new
                && s.observations.contains_key(&r.code))
            .then(|| Event::Figure {
                kpi: after.kpi.to_string(),
                period: after.period.to_string(),
                value: after.value,
            })
        }
        Kind::Service => {
            let before: Service = parse(&r.before)?;
            let after: Service = parse(&r.after)?;
            (after.maturity > before.maturity && s.services.contains_key(&r.code)).then(|| {
                Event::Launch {
                    code: r.code.clone(),
                    level: after.maturity.level(),
                    owner: after.owner_code.to_string(),
                }
            })
        }
        Kind::Decision => {
            let after: Decision = parse(&r.after)?;
            if !s.decisions.contains_key(&r.code) {
                return None;
            }
            let acting = after.acting_org.as_ref().map(ToString::to_string);
            let action_lines = after.action_lines.iter().map(ToString::to_string).collect();
            match parse::<Decision>(&r.before) {
                None => Some(Event::Decided {
                    code: r.code.clone(),
                    acting,
                    action_lines,
                }),
                Some(b)
                    if b.status != DecisionStatus::Done && after.status == DecisionStatus::Done =>
                {
                    Some(Event::DecisionDone {
                        code: r.code.clone(),
                        acting,
                        action_lines,
                    })
                }
                Some(_) => None,
            }
        }
        Kind::BuildingBlock => {
            let before: BuildingBlock = parse(&r.before)?;
            let after: BuildingBlock = parse(&r.after)?;
            let live = |b: &BuildingBlock| b.status == BuildingBlockStatus::Production;
            (live(&after) && !live(&before) && s.building_blocks.contains_key(&r.code)).then(|| {
                Event::BlockLive {
                    code: r.code.clone(),
                    owner: after.owner_code.to_string(),
                }
            })
        }
        _ => None,
    }
}

impl Event {
    /// Whether someone following `scope` is told of this change.
    pub fn concerns(&self, scope: &Scope, s: &Snapshot) -> bool {
        let line = |al: &str| match scope {
            Scope::Agenda => true,
            Scope::ActionLine(c) => c == al,
            Scope::Pillar(p) => s
                .action_lines
                .get(al)
                .is_some_and(|a| a.pillar_code.as_str() == p),
            Scope::Organisation(o) => s
                .action_lines
                .get(al)
                .is_some_and(|a| a.lead_org.as_str() == o),
            Scope::Kpi(_) | Scope::Launches | Scope::Decisions => false,
        };
        match self {
            Event::Launch { owner, .. } | Event::BlockLive { owner, .. } => {
                return match scope {
                    Scope::Agenda | Scope::Launches => true,
                    Scope::Organisation(o) => o == owner,
                    _ => false,
                };
            }
            Event::Decided {
                acting,
                action_lines,
                ..
            }
            | Event::DecisionDone {
                acting,
                action_lines,
                ..
            } => {
                return match scope {
                    Scope::Decisions => true,
                    Scope::Organisation(o) => acting.as_ref() == Some(o),
                    _ => action_lines.iter().any(|al| line(al)),
                };
            }
            _ if matches!(scope, Scope::Launches | Scope::Decisions) => return false,
            _ => {}
        }
        match self {
            Event::Status { code, .. } | Event::Report { code, .. } => line(code),
            Event::Milestone { action_line, .. } => line(action_line),
            Event::Adopted { code } => {
                let Some(l) = s.legal_instruments.get(code) else {
                    return false;
                };
                match scope {
                    Scope::Organisation(o) => l.responsible_org.as_str() == o,
                    _ => l.action_lines.iter().any(|al| line(al.as_str())),
                }
            }
            Event::Figure { kpi, .. } => {
                let Some(k) = s.kpis.get(kpi) else {
                    return false;
                };
                match scope {
                    Scope::Kpi(c) => c == kpi,
                    Scope::Organisation(o) => k.owner_org.as_str() == o,
                    Scope::Agenda => true,
                    _ => k.action_line.as_ref().is_some_and(|al| line(al.as_str())),
                }
            }
            Event::Launch { .. }
            | Event::BlockLive { .. }
            | Event::Decided { .. }
            | Event::DecisionDone { .. } => false,
        }
    }

    /// Its title in `lang`.
    pub fn title(&self, s: &Snapshot, lang: &str) -> String {
        let title = |t: Option<&Text>| t.map(|t| t.get(lang).to_owned()).unwrap_or_default();
        match self {
            Event::Status {
                code,
                before,
                after,
            } => t_args(
                lang,
                "feed-entry-status",
                &[
                    ("code", code.clone()),
                    ("before", before.clone()),
                    ("after", after.clone()),
                ],
            ),
            Event::Report { code, period, .. } => t_args(
                lang,
                "feed-entry-report",
                &[("code", code.clone()), ("period", period.clone())],
            ),
            Event::Milestone { code, .. } => t_args(
                lang,
                "feed-entry-milestone",
                &[
                    ("code", code.clone()),
                    ("title", title(s.milestones.get(code).map(|m| &m.title))),
                ],
            ),
            Event::Adopted { code } => t_args(
                lang,
                "feed-entry-adopted",
                &[
                    ("code", code.clone()),
                    (
                        "title",
                        title(s.legal_instruments.get(code).map(|l| &l.title)),
                    ),
                ],
            ),
            Event::Figure { kpi, period, value } => t_args(
                lang,
                "feed-entry-figure",
                &[
                    ("code", kpi.clone()),
                    ("title", title(s.kpis.get(kpi).map(|k| &k.title))),
                    ("period", period.clone()),
                    ("value", agenda_core::numbers::fmt_num(lang, *value)),
                ],
            ),
            Event::Launch { code, level, owner } => t_args(
                lang,
                "feed-entry-launch",
                &[
                    ("code", code.clone()),
                    ("title", title(s.services.get(code).map(|v| &v.title))),
                    ("level", level.to_string()),
                    ("org", title(s.organisations.get(owner).map(|o| &o.name))),
                ],
            ),
            Event::BlockLive { code, owner } => t_args(
                lang,
                "feed-entry-block-live",
                &[
                    ("code", code.clone()),
                    ("title", title(s.building_blocks.get(code).map(|b| &b.name))),
                    ("org", title(s.organisations.get(owner).map(|o| &o.name))),
                ],
            ),
            Event::Decided { code, acting, .. } | Event::DecisionDone { code, acting, .. } => {
                let key = match (self, acting) {
                    (Event::DecisionDone { .. }, _) => "feed-entry-decision-done",
                    (_, Some(_)) => "feed-entry-decision-acting",
                    (_, None) => "feed-entry-decision",
                };
                let d = s.decisions.get(code);
                t_args(
                    lang,
                    key,
                    &[
                        ("code", code.clone()),
                        ("title", title(d.map(|d| &d.title))),
                        (
                            "body",
                            title(
                                d.and_then(|d| s.governance_bodies.get(d.body.as_str()))
                                    .map(|b| &b.name),
                            ),
                        ),
                        (
                            "org",
                            title(
                                acting
                                    .as_ref()
                                    .and_then(|o| s.organisations.get(o))
                                    .map(|o| &o.name),
                            ),
                        ),
                        (
                            "due",
                            d.and_then(|d| d.due)
                                .map(|d| d.to_string())
                                .unwrap_or_default(),
                        ),
                    ],
                )
            }
        }
    }

    /// More words, when there are any.
    pub fn summary(&self, lang: &str) -> String {
        match self {
            Event::Report {
                narrative: Some(n), ..
            } => n.get(lang).to_owned(),
            _ => String::new(),
        }
    }

    /// The public page about it (without the language prefix).
    pub fn page(&self) -> String {
        match self {
            Event::Status { code, .. } | Event::Report { code, .. } => {
                format!("/action-lines/{code}")
            }
            Event::Milestone { action_line, .. } => format!("/action-lines/{action_line}"),
            Event::Adopted { .. } => "/regulatory-plan".to_owned(),
            Event::Figure { kpi, .. } => format!("/kpis/{kpi}"),
            Event::Launch { code, .. } => format!("/services/{code}"),
            Event::BlockLive { code, .. } => format!("/building-blocks/{code}"),
            Event::Decided { code, .. } | Event::DecisionDone { code, .. } => {
                format!("/governance/decisions#{code}")
            }
        }
    }
}

/// The changes concerning `scope` committed after audit sequence number `after` and up to
/// `up_to`, newest first, at most `limit` of them; the flag says whether there were more.
/// `scan_max` bounds the audit records looked through (`None`: all of them).
pub async fn changes(
    store: &Store,
    s: &Snapshot,
    scope: &Scope,
    after: u64,
    up_to: u64,
    limit: usize,
    scan_max: Option<usize>,
) -> Result<(Vec<Entry>, bool), StoreError> {
    let mut out = Vec::new();
    let mut upper = up_to;
    let mut scanned = 0;
    while upper > after {
        let page = store
            .audit_changes_and_updates(KINDS, UPDATED, after, upper, PAGE, false)
            .await?;
        let Some(last) = page.last() else { break };
        upper = last.seq.saturating_sub(1);
        for r in &page {
            if let Some(event) = classify(r, s).filter(|e| e.concerns(scope, s)) {
                if out.len() == limit {
                    return Ok((out, true));
                }
                out.push(Entry {
                    seq: r.seq,
                    at: r.at.clone(),
                    event,
                });
            }
        }
        scanned += page.len();
        if scan_max.is_some_and(|m| scanned >= m) || page.len() < PAGE as usize {
            break;
        }
    }
    Ok((out, false))
}

#[cfg(test)]
mod tests {
    use super::Scope;

    #[test]
    fn a_scope_names_its_feed_and_the_feeds_permanent_id() {
        let kpi = Scope::parse("kpi:KPI-01").unwrap();
        assert_eq!(kpi.feed(), "/feed.atom?scope=kpi:KPI-01");
        assert_eq!(kpi.feed_id(), "urn:agenda:feed:kpi:KPI-01");
        let all = Scope::parse("agenda").unwrap();
        assert_eq!(all.feed(), "/feed.atom");
        assert_eq!(all.feed_id(), "urn:agenda:feed");
    }
}
