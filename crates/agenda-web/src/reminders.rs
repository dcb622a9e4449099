//! E-mail reminders: each organisation is told, once, what progress reports and KPI figures it
//! owes that are due soon or overdue (the rule is `agenda_core::reporting::reminders_due`).
//!
//! Recipients are the e-mail addresses of the organisation's enabled `entity` accounts. What was
//! sent is kept in `reminders_sent`, shared by every server on the database, and written only
//! after the mail server accepted the message: a failed send is retried at the next run, an
//! accepted one is never sent again.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use agenda_core::reporting::{Owed, Reminder, ReminderKind, ReportingCycle, reminders_due};
use agenda_core::{Code, Date, Snapshot};
use agenda_store::Store;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use sqlx::Row;

/// How the connection to the mail server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain SMTP, for a relay on the same machine or network (and tests).
    None,
    /// Plain connection upgraded with STARTTLS (usually port 587); refused if not offered.
    StartTls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

impl SmtpSecurity {
    /// Parses `none`, `starttls` or `tls`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "none" => Some(Self::None),
            "starttls" => Some(Self::StartTls),
            "tls" => Some(Self::Tls),
            _ => None,
        }
    }

    /// The usual port for this kind of connection.
    pub fn default_port(self) -> u16 {
        match self {
            Self::None => 25,
            Self::StartTls => 587,
            Self::Tls => 465,
        }
    }
}

/// The mail server reminders are sent through.
#[derive(Clone)]
pub struct SmtpSettings {
    /// Host name (also the name checked in its TLS certificate).
    pub host: String,
    /// Port.
    pub port: u16,
    /// The sender, e.g. `Digital Agenda <agenda@gov.example>`.
    pub from: String,
    /// Connection protection.
    pub security: SmtpSecurity,
    /// User name, when the server asks for one.
    pub username: Option<String>,
    /// Password for `username`.
    pub password: Option<String>,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("from", &self.from)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "…"))
            .finish()
    }
}

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

/// Checks an e-mail address or `Name <address>` as written in the settings.
pub fn check_mailbox(s: &str) -> Result<(), String> {
    s.parse::<Mailbox>()
        .map(|_| ())
        .map_err(|e| format!("{s:?} is not an e-mail address ({e})"))
}

/// Why a run stopped.
#[derive(Debug, thiserror::Error)]
pub enum ReminderError {
    /// The database could not be read or written.
    #[error("reminders: database: {0}")]
    Database(#[from] sqlx::Error),
    /// The settings cannot make a mail transport or message.
    #[error("reminders: {0}")]
    Settings(String),
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
}

pub(crate) fn transport(
    s: &SmtpSettings,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, ReminderError> {
    let builder = match s.security {
        SmtpSecurity::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host),
        SmtpSecurity::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.host)
            .map_err(|e| ReminderError::Settings(format!("smtp.host: {e}")))?,
        SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&s.host)
            .map_err(|e| ReminderError::Settings(format!("smtp.host: {e}")))?,
    };
    let builder = builder.port(s.port).timeout(Some(Duration::from_secs(60)));
    Ok(match (&s.username, &s.password) {
        (Some(u), Some(p)) => builder
            .credentials(Credentials::new(u.clone(), p.clone()))
            .build(),
        _ => builder.build(),
    })
}

/// The enabled `entity` accounts' addresses of `org`; invalid ones are logged and left out.
async fn recipients(store: &Store, org: &Code) -> Result<Vec<Mailbox>, ReminderError> {
    let rows = sqlx::query(
        "SELECT username, email FROM users WHERE role = 'entity' AND organisation = $1 \
         AND disabled = 0 AND email IS NOT NULL AND email <> '' ORDER BY username",
    )
    .bind(org.to_string())
    .fetch_all(store.pool())
    .await?;
    let mut out = Vec::new();
    for row in rows {
        let username: String = row.try_get("username")?;
        let email: String = row.try_get("email")?;
        match email.trim().parse::<Mailbox>() {
            Ok(m) => out.push(m),
            Err(e) => {
                tracing::warn!(%username, %email, error = %e, "reminders: not an e-mail address")
            }
        }
    }
    Ok(out)
}

/// The reminders already recorded as sent to `org`.
async fn already_sent(
    store: &Store,
    org: &Code,
) -> Result<HashSet<(String, String, String)>, ReminderError> {
    let rows = sqlx::query("SELECT item, period, kind FROM reminders_sent WHERE organisation = $1")
        .bind(org.to_string())
        .fetch_all(store.pool())
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("item")?, r.try_get("period")?, r.try_get("kind")?)))
        .collect()
}

fn key(r: &Reminder) -> (String, String, String) {
    (
        r.item.to_string(),
        r.period.to_string(),
        r.kind.as_str().to_owned(),
    )
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
        };
        format!("  - {what}, for {}: due on {}\n", r.period, r.deadline)
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
    text.push_str(
        "\nPlease submit them on the National Digital Agenda platform. \
         You receive this message because your account reports for this organisation.\n",
    );
    let subject = format!(
        "National Digital Agenda: {} item(s) to report for {name}",
        reminders.len()
    );
    (subject, text)
}

/// Sends the reminders due on `today` for `snapshot`: one message per organisation listing
/// everything not reminded of yet, then records each reminder the server accepted.
pub async fn send_reminders(
    store: &Store,
    snapshot: &Snapshot,
    settings: &ReminderSettings,
    today: Date,
) -> Result<RunOutcome, ReminderError> {
    let from: Mailbox = settings
        .smtp
        .from
        .parse()
        .map_err(|e| ReminderError::Settings(format!("smtp.from: {e}")))?;
    let mut by_org: BTreeMap<Code, Vec<Reminder>> = BTreeMap::new();
    for r in reminders_due(snapshot, &settings.cycle, today, settings.days_before) {
        by_org.entry(r.organisation.clone()).or_default().push(r);
    }
    let mut outcome = RunOutcome::default();
    let mut mailer = None;
    for (org, due) in by_org {
        let sent = already_sent(store, &org).await?;
        let todo: Vec<Reminder> = due
            .into_iter()
            .filter(|r| !sent.contains(&key(r)))
            .collect();
        if todo.is_empty() {
            continue;
        }
        let to = recipients(store, &org).await?;
        if to.is_empty() {
            tracing::warn!(organisation = %org, reminders = todo.len(), "reminders: the organisation has no e-mail address to write to");
            outcome.without_address.push(org);
            continue;
        }
        let (subject, text) = body(snapshot, &org, &todo, today);
        let mut message = Message::builder()
            .from(from.clone())
            .subject(subject)
            .header(ContentType::TEXT_PLAIN);
        for m in to {
            message = message.to(m);
        }
        let message = message
            .body(text)
            .map_err(|e| ReminderError::Settings(format!("message: {e}")))?;
        let mailer = match &mut mailer {
            Some(m) => m,
            None => mailer.insert(transport(&settings.smtp)?),
        };
        if let Err(e) = mailer.send(message).await {
            tracing::warn!(organisation = %org, error = %e, "reminders: the mail server did not take the message; trying again next run");
            outcome.failed.push(org);
            continue;
        }
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        for r in &todo {
            sqlx::query(
                "INSERT INTO reminders_sent (organisation, item, period, kind, sent_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            )
            .bind(org.to_string())
            .bind(r.item.to_string())
            .bind(r.period.to_string())
            .bind(r.kind.as_str())
            .bind(&now)
            .execute(store.pool())
            .await?;
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
            match send_reminders(&store, &store.snapshot(), &settings, day).await {
                Ok(o) => tracing::debug!(
                    messages = o.messages,
                    reminders = o.reminders,
                    "reminders: run done"
                ),
                Err(e) => tracing::error!(error = %e, "reminders: run failed"),
            }
        }
    })
}
