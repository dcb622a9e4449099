//! E-mail reminders: each organisation is told, once, what progress reports and KPI figures it
//! owes that are due soon or overdue (the rule is `agenda_core::reporting::reminders_due`).
//!
//! Recipients are the e-mail addresses of the organisation's enabled `entity` accounts. An
//! organisation's message is claimed in the database before it is sent, and its reminders are
//! recorded as sent only after the mail server accepted it: a refused message is tried again
//! at the next run, on this server or another, and an accepted one is never sent again.

use std::collections::BTreeMap;
use std::time::Duration;

use agenda_core::reporting::{Owed, Reminder, ReminderKind, ReportingCycle, reminders_due};
use agenda_core::{Code, Date, Snapshot};
use agenda_store::{ReminderKey, Store, StoreError};
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};

use crate::mail::{MailError, Mailer, SmtpSettings};

/// Everything the reminder task needs.
#[derive(Debug, Clone)]
pub struct ReminderSettings {
    /// The mail server.
    pub smtp: SmtpSettings,
    /// The reporting cycle deadlines are computed in.
    pub cycle: ReportingCycle,
    /// How many days before a deadline the first reminder goes out.
    pub days_before: u32,
    /// Time between two runs.
    pub interval: Duration,
}

/// Why a run stopped.
#[derive(Debug, thiserror::Error)]
pub enum ReminderError {
    /// The database could not be read or written.
    #[error("reminders: database: {0}")]
    Database(#[from] StoreError),
    /// The settings cannot make a mail transport or message.
    #[error("reminders: {0}")]
    Settings(String),
}

impl From<MailError> for ReminderError {
    fn from(e: MailError) -> Self {
        match e {
            MailError::Store(e) => ReminderError::Database(e),
            other => ReminderError::Settings(other.to_string()),
        }
    }
}

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunOutcome {
    /// Messages the mail server accepted.
    pub messages: usize,
    /// Reminders in those messages (now recorded as sent).
    pub reminders: usize,
    /// Organisations with reminders due but no address to send them to.
    pub without_address: Vec<Code>,
    /// Organisations whose message the mail server did not accept (tried again next run).
    pub failed: Vec<Code>,
    /// Organisations whose message another server was sending at the time.
    pub claimed_elsewhere: Vec<Code>,
}

fn key(r: &Reminder) -> ReminderKey {
    ReminderKey {
        item: r.item.to_string(),
        period: r.period.to_string(),
        kind: r.kind.as_str().to_owned(),
    }
}

/// The enabled `entity` accounts' addresses of `org`; invalid ones are logged and left out.
async fn recipients(store: &Store, org: &Code) -> Result<Vec<Mailbox>, StoreError> {
    let mut out = Vec::new();
    for a in store.reminder_addresses(org.as_str()).await? {
        match a.email.trim().parse::<Mailbox>() {
            Ok(m) => out.push(m),
            Err(e) => {
                tracing::warn!(username = %a.username, email = %a.email, error = %e, "reminders: not an e-mail address")
            }
        }
    }
    Ok(out)
}

/// The plain-text message listing what `org` owes.
fn body(s: &Snapshot, org: &Code, reminders: &[Reminder], today: Date) -> (String, String) {
    let name = s
        .organisations
        .get(org.as_str())
        .map(|o| o.name.get("en").to_owned())
        .unwrap_or_else(|| org.to_string());
    let line = |r: &Reminder| {
        let what = match r.owed {
            Owed::ProgressReport => {
                let title = s
                    .action_lines
                    .get(r.item.as_str())
                    .map(|a| format!(" ({})", a.title.get("en")))
                    .unwrap_or_default();
                format!("progress report of action line {}{title}", r.item)
            }
            Owed::Observation => {
                let title = s
                    .kpis
                    .get(r.item.as_str())
                    .map(|k| format!(" ({})", k.title.get("en")))
                    .unwrap_or_default();
                format!("figure of indicator {}{title}", r.item)
            }
            Owed::Decision => {
                let (title, body) = s.decisions.get(r.item.as_str()).map_or_else(
                    || (String::new(), String::new()),
                    |d| {
                        let body = s
                            .governance_bodies
                            .get(d.body.as_str())
                            .map(|b| b.name.get("en").to_owned())
                            .unwrap_or_else(|| d.body.to_string());
                        (format!(" ({})", d.title.get("en")), body)
                    },
                );
                format!("follow-up of decision {}{title} of the {body}", r.item)
            }
        };
        match r.owed {
            Owed::Decision => format!("  - {what}: due on {}\n", r.deadline),
            _ => format!("  - {what}, for {}: due on {}\n", r.period, r.deadline),
        }
    };
    let overdue: String = reminders
        .iter()
        .filter(|r| r.kind == ReminderKind::After)
        .map(line)
        .collect();
    let soon: String = reminders
        .iter()
        .filter(|r| r.kind == ReminderKind::Before)
        .map(line)
        .collect();
    let mut text = format!("Dear colleagues of {name},\n\nAs of {today}:\n");
    if !overdue.is_empty() {
        text.push_str("\nOverdue (the deadline has passed):\n");
        text.push_str(&overdue);
    }
    if !soon.is_empty() {
        text.push_str("\nDue soon:\n");
        text.push_str(&soon);
    }
    text.push_str(if reminders.iter().any(|r| r.owed == Owed::Decision) {
        "\nPlease submit them, and report where the decisions stand, on the National Digital \
         Agenda platform (your task list). You receive this message because your account \
         reports for this organisation.\n"
    } else {
        "\nPlease submit them on the National Digital Agenda platform. \
         You receive this message because your account reports for this organisation.\n"
    });
    let subject = format!(
        "National Digital Agenda: {} item(s) to report for {name}",
        reminders.len()
    );
    (subject, text)
}

/// Sends the reminders due on `today` for `snapshot`: for each organisation, claims its
/// message, sends everything not reminded of yet in one message, then records each reminder
/// the server accepted and ends the claim.
pub async fn send_reminders(
    store: &Store,
    snapshot: &Snapshot,
    settings: &ReminderSettings,
    today: Date,
) -> Result<RunOutcome, ReminderError> {
    let mut mailer = Mailer::new(&settings.smtp)?;
    let mut by_org: BTreeMap<Code, Vec<Reminder>> = BTreeMap::new();
    for r in reminders_due(snapshot, &settings.cycle, today, settings.days_before) {
        by_org.entry(r.organisation.clone()).or_default().push(r);
    }
    let mut outcome = RunOutcome::default();
    for (org, due) in by_org {
        // Read without a claim first: most runs find everything sent and claim nothing.
        let sent = store.reminders_sent_to(org.as_str()).await?;
        if due.iter().all(|r| sent.contains(&key(r))) {
            continue;
        }
        let to = recipients(store, &org).await?;
        if to.is_empty() {
            tracing::warn!(organisation = %org, "reminders: the organisation has no e-mail address to write to");
            outcome.without_address.push(org);
            continue;
        }
        let now = chrono::Utc::now();
        let Some(claim) = store
            .claim_reminders(org.as_str(), now, crate::CLAIM_LEASE)
            .await?
        else {
            tracing::debug!(organisation = %org, "reminders: being sent by another server");
            outcome.claimed_elsewhere.push(org);
            continue;
        };
        // What is left once claimed: another server may have sent some meanwhile.
        let todo: Vec<Reminder> = due
            .into_iter()
            .filter(|r| !claim.sent.contains(&key(r)))
            .collect();
        if todo.is_empty() {
            store.release(claim.claim).await?;
            continue;
        }
        let (subject, text) = body(snapshot, &org, &todo, today);
        let mut message = Message::builder()
            .from(mailer.from().clone())
            .subject(subject)
            .header(ContentType::TEXT_PLAIN);
        for m in to {
            message = message.to(m);
        }
        let message = match message.body(text) {
            Ok(m) => m,
            Err(e) => {
                store.release(claim.claim).await?;
                return Err(ReminderError::Settings(format!("message: {e}")));
            }
        };
        if let Err(e) = mailer.send(message).await {
            tracing::warn!(organisation = %org, error = %e, "reminders: the mail server did not take the message; trying again next run");
            store.release(claim.claim).await?;
            outcome.failed.push(org);
            continue;
        }
        let keys: Vec<ReminderKey> = todo.iter().map(key).collect();
        if !store.record_reminders_sent(claim, &keys, now).await? {
            tracing::warn!(organisation = %org, "reminders: the claim ran out while sending; another server may have sent them too");
        }
        tracing::info!(organisation = %org, reminders = todo.len(), "reminders: sent");
        outcome.messages += 1;
        outcome.reminders += todo.len();
    }
    Ok(outcome)
}

/// Starts the reminder task: one run at once, then one every `settings.interval`, each on the
/// store's current snapshot and on `today` (when given) or the real date (UTC). Errors are
/// logged and the next run goes ahead.
pub fn spawn(
    store: Store,
    settings: ReminderSettings,
    today: Option<Date>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(settings.interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let day = today.unwrap_or_else(|| Date::from_naive(chrono::Utc::now().date_naive()));
            // What is owed is decided on everything committed, by any server.
            if let Err(e) = store.catch_up().await {
                tracing::warn!(error = %e, "reminders: could not catch up with the database");
            }
            match send_reminders(&store, &store.snapshot(), &settings, day).await {
                Ok(o) => tracing::debug!(
                    messages = o.messages,
                    reminders = o.reminders,
                    elsewhere = o.claimed_elsewhere.len(),
                    "reminders: run done"
                ),
                Err(e) => tracing::error!(error = %e, "reminders: run failed"),
            }
        }
    })
}
