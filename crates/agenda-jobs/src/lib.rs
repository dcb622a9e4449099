//! `agenda-jobs`: the work `agenda` does in the background — e-mail reminders of what each
//! organisation owes, the subscribers' digests of what changed, the figures of computed KPIs —
//! and the mailer they share.
//!
//! The jobs take the store and their settings, nothing of the web interface. Every server of a
//! deployment runs them: each unit of work is claimed in the database before its message is
//! sent (see [`agenda_store::jobs`]), so each message goes out once whatever the number of
//! servers, and a message the mail server refused is sent by a later run.

pub mod changes;
pub mod computed;
pub mod digests;
mod i18n;
pub mod mail;
pub mod participation;
pub mod reminders;

#[cfg(feature = "testing")]
pub mod testing;

pub use changes::{Entry, Event, FEED_SCAN_MAX, Scope, changes, classify};
pub use digests::{DigestOutcome, SubscriptionSettings, link_token, token_subscription};
pub use mail::{MailError, SmtpSecurity, SmtpSettings, check_mailbox};
pub use reminders::{ReminderError, ReminderSettings, RunOutcome};

/// How long a claimed unit of work stays with the server that claimed it before another may
/// take it over: far longer than sending one message may take (the transport gives up after
/// [`mail::SEND_TIMEOUT`]), so only the work of a server that stopped mid-way is taken over.
pub const CLAIM_LEASE: chrono::Duration = chrono::Duration::minutes(10);
