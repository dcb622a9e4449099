//! What changed in the agenda, per scope — the whole agenda, a pillar, an action line, a KPI or
//! an organisation — for the Atom feeds and the subscribers' e-mail digests, and the mails
//! themselves.
//!
//! Changes are read from the audit chain: approved progress reports, milestones reached, legal
//! instruments adopted, changes of an action line's status and new validated KPI figures. One
//! function, [`changes`], selects those of a scope after an audit sequence number: the feeds
//! call it from the start of the chain, the digests from where each subscriber was last told.
//!
//! A digest is recorded as sent only once the mail server accepted it: a failed send is tried
//! again at the next run. Addresses never reach the logs.

use std::collections::HashMap;
use std::time::Duration;

use agenda_core::model::{
    ActionLine, LegalInstrument, Milestone, MilestoneStatus, Observation, ObservationStatus,
    ProgressReport,
};
use agenda_core::visibility::report_is_public;
use agenda_core::{Kind, Snapshot, Text};
use agenda_store::feedback::FormKey;
use agenda_store::subscriptions::{Requested, Subscription};
use agenda_store::{AuditRecord, Store, StoreError};
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, Message};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::reminders::SmtpSettings;
use crate::site::{t, t_args};

/// Entries a digest lists at most; beyond, it says how to see the rest.
pub const DIGEST_MAX_ENTRIES: usize = 100;
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
];

/// What the subscription mails need.
#[derive(Debug, Clone)]
pub struct SubscriptionSettings {
    /// The mail server.
    pub smtp: SmtpSettings,
    /// The public address of the platform, without a trailing `/`, e.g.
    /// `https://agenda.gov.example`: the links in mails start with it.
    pub base_url: String,
    /// Time between two digest runs.
    pub digest_interval: Duration,
}

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
}

impl Scope {
    /// Parses `agenda`, `pillar:P1`, `action-line:AL-1.1`, `kpi:KPI-01` or
    /// `organisation:DGA` (the form [`Scope::key`] writes).
    pub fn parse(s: &str) -> Option<Scope> {
        let s = s.trim();
        if s == "agenda" || s.is_empty() {
            return Some(Scope::Agenda);
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
            Scope::Pillar(c) => format!("pillar:{c}"),
            Scope::ActionLine(c) => format!("action-line:{c}"),
            Scope::Kpi(c) => format!("kpi:{c}"),
            Scope::Organisation(c) => format!("organisation:{c}"),
        }
    }

    /// Whether what it names is public in `s`.
    pub fn exists(&self, s: &Snapshot) -> bool {
        match self {
            Scope::Agenda => true,
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
            let before = parse::<Observation>(&r.before)
                .filter(|b| b.status == ObservationStatus::Validated);
            let new = before.is_none_or(|b| b.value != after.value);
            (after.status == ObservationStatus::Validated
                && after.disaggregation.is_none()
                && new
                && s.observations.contains_key(&r.code))
            .then(|| Event::Figure {
                kpi: after.kpi.to_string(),
                period: after.period.to_string(),
                value: after.value,
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
            Scope::Kpi(_) => false,
        };
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
                    ("value", crate::site::fmt_num(lang, *value)),
                ],
            ),
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
            .audit_changes(KINDS, after, upper, PAGE, false)
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

/// Why mail could not be sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The database could not be read or written.
    #[error("subscriptions: database: {0}")]
    Store(#[from] StoreError),
    /// The settings cannot make a transport or a message.
    #[error("subscriptions: {0}")]
    Settings(String),
    /// The mail server did not accept the message.
    #[error("subscriptions: the mail server did not take the message: {0}")]
    Refused(String),
}

/// The token of the links that manage subscription `id`: its identifier signed with the
/// database's key, so that it needs no storing and stays valid as long as the subscription.
pub fn link_token(key: &FormKey, id: &str) -> String {
    format!("{id}.{}", key.sign(&format!("subscription:{id}")))
}

/// The subscription a link token names, if the signature is right.
pub fn token_subscription(key: &FormKey, token: &str) -> Option<String> {
    let (id, mac) = token.split_once('.')?;
    (!id.is_empty() && key.verify(&format!("subscription:{id}"), mac)).then(|| id.to_owned())
}

fn lang_of(sub: &Subscription) -> &'static str {
    crate::site::LANGS
        .iter()
        .find(|l| **l == sub.lang)
        .copied()
        .unwrap_or("en")
}

fn prefix(lang: &str) -> &'static str {
    crate::site::Lang(
        crate::site::LANGS
            .iter()
            .find(|l| **l == lang)
            .copied()
            .unwrap_or("en"),
    )
    .prefix()
}

/// Sends one message to `to`, with the unsubscribe link of subscription `id` in its headers
/// (RFC 8058: one click, by POST to that link) and at the end of its text.
async fn send(
    settings: &SubscriptionSettings,
    key: &FormKey,
    id: &str,
    lang: &str,
    to: &str,
    subject: String,
    text: String,
) -> Result<(), MailError> {
    let from: Mailbox = settings
        .smtp
        .from
        .parse()
        .map_err(|e| MailError::Settings(format!("smtp.from: {e}")))?;
    let to: Mailbox = to
        .parse()
        .map_err(|_| MailError::Settings("the subscriber's address is not usable".into()))?;
    let token = link_token(key, id);
    let base = &settings.base_url;
    let p = prefix(lang);
    let unsubscribe = format!("{base}{p}/subscriptions/unsubscribe?token={token}");
    let manage = format!("{base}{p}/subscriptions/manage?token={token}");
    let text = format!(
        "{text}\n\n--\n{}\n{unsubscribe}\n\n{}\n{manage}\n",
        t(lang, "sub-mail-unsubscribe"),
        t(lang, "sub-mail-manage"),
    );
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe"),
            format!("<{unsubscribe}>"),
        ))
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
            "List-Unsubscribe=One-Click".to_owned(),
        ))
        .body(text)
        .map_err(|e| MailError::Settings(format!("message: {e}")))?;
    transport(&settings.smtp)?
        .send(message)
        .await
        .map_err(|e| MailError::Refused(e.to_string()))?;
    Ok(())
}

fn transport(s: &SmtpSettings) -> Result<AsyncSmtpTransport<Tokio1Executor>, MailError> {
    crate::reminders::transport(s).map_err(|e| MailError::Settings(e.to_string()))
}

/// Mails what a request to subscribe calls for: the confirmation link, or, to an address that
/// already follows the scope, how to manage it. Nothing for a throttled request.
pub async fn send_request_mail(
    store: &Store,
    settings: &SubscriptionSettings,
    s: &Snapshot,
    requested: &Requested,
    email: &str,
    scope: &Scope,
    lang: &str,
) -> Result<(), MailError> {
    let key = store.form_key().await?;
    let name = scope.name(s, lang);
    let p = prefix(lang);
    let (id, subject, text) = match requested {
        Requested::Throttled => return Ok(()),
        Requested::Confirm { id, token } => (
            id,
            t_args(lang, "sub-mail-confirm-subject", &[("scope", name.clone())]),
            format!(
                "{}\n\n{}{p}/subscriptions/confirm?token={token}\n\n{}",
                t_args(lang, "sub-mail-confirm-text", &[("scope", name)]),
                settings.base_url,
                t_args(
                    lang,
                    "sub-mail-confirm-ignore",
                    &[(
                        "hours",
                        agenda_store::subscriptions::CONFIRM_MAX_AGE_HOURS.to_string(),
                    )],
                ),
            ),
        ),
        Requested::AlreadyConfirmed { id } => (
            id,
            t_args(lang, "sub-mail-already-subject", &[("scope", name.clone())]),
            t_args(lang, "sub-mail-already-text", &[("scope", name)]),
        ),
    };
    send(settings, &key, id, lang, email, subject, text).await?;
    tracing::info!(subscription = %id, "subscriptions: request mail sent");
    Ok(())
}

/// What one digest run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DigestOutcome {
    /// Digests the mail server accepted.
    pub sent: usize,
    /// Subscriptions with nothing new to tell.
    pub nothing_new: usize,
    /// Digests not accepted (tried again next run).
    pub failed: usize,
}

/// Sends each confirmed subscriber the changes of their scope since their last digest (one
/// message each, not one per change), and records each digest the mail server accepted.
/// Unconfirmed requests get nothing; expired ones are deleted.
pub async fn send_digests(
    store: &Store,
    s: &Snapshot,
    settings: &SubscriptionSettings,
) -> Result<DigestOutcome, MailError> {
    let now = chrono::Utc::now();
    store.expire_unconfirmed(now).await?;
    let key = store.form_key().await?;
    let head = store.audit_head_seq().await?;
    let mut outcome = DigestOutcome::default();
    // Subscribers told up to the same point about the same scope share one selection.
    let mut selected: HashMap<(String, u64), (Vec<Entry>, bool)> = HashMap::new();
    for sub in store.subscriptions_behind(head).await? {
        let Some(scope) = Scope::parse(&sub.scope) else {
            continue;
        };
        let k = (scope.key(), sub.last_seq);
        if !selected.contains_key(&k) {
            let found = changes(
                store,
                s,
                &scope,
                sub.last_seq,
                head,
                DIGEST_MAX_ENTRIES,
                None,
            )
            .await?;
            selected.insert(k.clone(), found);
        }
        let (entries, more) = &selected[&k];
        if entries.is_empty() {
            store.subscription_told(&sub.id, head, None).await?;
            outcome.nothing_new += 1;
            continue;
        }
        let lang = lang_of(&sub);
        let (subject, text) = digest_text(s, settings, &scope, entries, *more, lang);
        match send(settings, &key, &sub.id, lang, &sub.email, subject, text).await {
            Ok(()) => {
                store.subscription_told(&sub.id, head, Some(now)).await?;
                tracing::info!(subscription = %sub.id, changes = entries.len(), "subscriptions: digest sent");
                outcome.sent += 1;
            }
            Err(e) => {
                tracing::warn!(subscription = %sub.id, error = %e, "subscriptions: digest not sent; trying again next run");
                outcome.failed += 1;
            }
        }
    }
    Ok(outcome)
}

fn digest_text(
    s: &Snapshot,
    settings: &SubscriptionSettings,
    scope: &Scope,
    entries: &[Entry],
    more: bool,
    lang: &str,
) -> (String, String) {
    let name = scope.name(s, lang);
    let p = prefix(lang);
    let mut text = t_args(lang, "sub-mail-digest-intro", &[("scope", name.clone())]);
    text.push_str("\n\n");
    // Oldest first reads as a story.
    for e in entries.iter().rev() {
        text.push_str(&format!(
            "- {} ({})\n  {}{p}{}\n",
            e.event.title(s, lang),
            e.at.get(..10).unwrap_or(&e.at),
            settings.base_url,
            e.event.page()
        ));
    }
    if more {
        text.push('\n');
        text.push_str(&t_args(
            lang,
            "sub-mail-digest-more",
            &[
                ("n", DIGEST_MAX_ENTRIES.to_string()),
                ("link", format!("{}{p}{}", settings.base_url, scope.page())),
            ],
        ));
        text.push('\n');
    }
    let subject = t_args(
        lang,
        "sub-mail-digest-subject",
        &[("scope", name), ("n", entries.len().to_string())],
    );
    (subject, text)
}

/// Starts the digest task: a run every `settings.digest_interval`, the first one interval
/// after start-up (a restart does not send an extra digest), each on the current public
/// snapshot. Errors are logged and the next run goes ahead.
pub fn spawn(
    state: crate::AppState,
    settings: SubscriptionSettings,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let start = tokio::time::Instant::now() + settings.digest_interval;
        let mut ticks = tokio::time::interval_at(start, settings.digest_interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match send_digests(&state.store, &state.public_snapshot(), &settings).await {
                Ok(o) => tracing::debug!(
                    sent = o.sent,
                    failed = o.failed,
                    "subscriptions: digest run done"
                ),
                Err(e) => tracing::error!(error = %e, "subscriptions: digest run failed"),
            }
        }
    })
}
