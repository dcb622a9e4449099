//! The subscribers' mails: the confirmation of a request to subscribe, and the digests of what
//! changed in each subscription's scope since the previous one.
//!
//! A digest is claimed in the database before it is sent and recorded as sent once the mail
//! server accepted it, in the transaction that ends the claim: every server runs the digests
//! and each goes out once; a refused one is tried again at the next run. Addresses never reach
//! the logs.

use std::collections::HashMap;
use std::time::Duration;

use agenda_core::Snapshot;
use agenda_core::languages::{known, url_prefix};
use agenda_store::Store;
use agenda_store::feedback::FormKey;
use agenda_store::subscriptions::Requested;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, Message};

use crate::changes::{Entry, Scope, changes};
use crate::i18n::{t, t_args};
use crate::mail::{MailError, Mailer, SmtpSettings};

/// Entries a digest lists at most; beyond, it says how to see the rest.
pub const DIGEST_MAX_ENTRIES: usize = 100;

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

/// One message to a subscriber, with the unsubscribe link of subscription `id` in its headers
/// (RFC 8058: one click, by POST to that link) and at the end of its text.
struct SubscriberMail<'a> {
    id: &'a str,
    lang: &'a str,
    to: &'a str,
    subject: String,
    text: String,
}

async fn send(
    mailer: &mut Mailer,
    settings: &SubscriptionSettings,
    key: &FormKey,
    mail: SubscriberMail<'_>,
) -> Result<(), MailError> {
    let SubscriberMail {
        id,
        lang,
        to,
        subject,
        text,
    } = mail;
    let to: Mailbox = to
        .parse()
        .map_err(|_| MailError::Settings("the subscriber's address is not usable".into()))?;
    let token = link_token(key, id);
    let base = &settings.base_url;
    let p = url_prefix(lang);
    let unsubscribe = format!("{base}{p}/subscriptions/unsubscribe?token={token}");
    let manage = format!("{base}{p}/subscriptions/manage?token={token}");
    let text = format!(
        "{text}\n\n--\n{}\n{unsubscribe}\n\n{}\n{manage}\n",
        t(lang, "sub-mail-unsubscribe"),
        t(lang, "sub-mail-manage"),
    );
    let message = Message::builder()
        .from(mailer.from().clone())
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
    mailer.send(message).await
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
    let lang = known(lang);
    let name = scope.name(s, lang);
    let p = url_prefix(lang);
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
    let mut mailer = Mailer::new(&settings.smtp)?;
    let mail = SubscriberMail {
        id,
        lang,
        to: email,
        subject,
        text,
    };
    send(&mut mailer, settings, &key, mail).await?;
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
    /// Subscriptions another server was telling at the time.
    pub claimed_elsewhere: usize,
}

/// Sends each confirmed subscriber the changes of their scope since their last digest (one
/// message each, not one per change): claims each digest, sends it, and records it as sent.
/// Unconfirmed requests get nothing; expired ones are deleted.
///
/// `s` is the public snapshot changes are judged on: only what it holds is told, so a server
/// whose snapshot is behind the database tells changes up to its snapshot's version and
/// leaves the rest to a later run.
pub async fn send_digests(
    store: &Store,
    s: &Snapshot,
    settings: &SubscriptionSettings,
) -> Result<DigestOutcome, MailError> {
    let now = chrono::Utc::now();
    store.expire_unconfirmed(now).await?;
    let key = store.form_key().await?;
    let head = store.audit_head_seq().await?.min(s.version);
    let mut mailer = Mailer::new(&settings.smtp)?;
    let mut outcome = DigestOutcome::default();
    // Subscribers told up to the same point about the same scope share one selection.
    let mut selected: HashMap<(String, u64), (Vec<Entry>, bool)> = HashMap::new();
    for listed in store.subscriptions_behind(head).await? {
        let Some(scope) = Scope::parse(&listed.scope) else {
            continue;
        };
        let Some(claim) = store
            .claim_digest(&listed.id, head, now, crate::CLAIM_LEASE)
            .await?
        else {
            outcome.claimed_elsewhere += 1;
            continue;
        };
        // As stored once claimed: another server may have told it meanwhile.
        let sub = &claim.subscription;
        let k = (scope.key(), sub.last_seq);
        if !selected.contains_key(&k) {
            let found = match changes(
                store,
                s,
                &scope,
                sub.last_seq,
                head,
                DIGEST_MAX_ENTRIES,
                None,
            )
            .await
            {
                Ok(found) => found,
                Err(e) => {
                    store.release(claim.claim).await?;
                    return Err(e.into());
                }
            };
            selected.insert(k.clone(), found);
        }
        let (entries, more) = &selected[&k];
        if entries.is_empty() {
            store.record_digest_sent(claim, head, None).await?;
            outcome.nothing_new += 1;
            continue;
        }
        let lang = known(&sub.lang);
        let (subject, text) = digest_text(s, settings, &scope, entries, *more, lang);
        let mail = SubscriberMail {
            id: &sub.id,
            lang,
            to: &sub.email,
            subject,
            text,
        };
        match send(&mut mailer, settings, &key, mail).await {
            Ok(()) => {
                let id = sub.id.clone();
                if !store.record_digest_sent(claim, head, Some(now)).await? {
                    tracing::warn!(subscription = %id, "subscriptions: the claim ran out while sending; another server may have sent it too");
                }
                tracing::info!(subscription = %id, changes = entries.len(), "subscriptions: digest sent");
                outcome.sent += 1;
            }
            Err(e) => {
                tracing::warn!(subscription = %sub.id, error = %e, "subscriptions: digest not sent; trying again next run");
                store.release(claim.claim).await?;
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
    let p = url_prefix(lang);
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
/// after start-up (a restart does not send an extra digest), each on the public view of the
/// store's current snapshot. Errors are logged and the next run goes ahead.
pub fn spawn(store: Store, settings: SubscriptionSettings) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let start = tokio::time::Instant::now() + settings.digest_interval;
        let mut ticks = tokio::time::interval_at(start, settings.digest_interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(e) = store.catch_up().await {
                tracing::warn!(error = %e, "digests: could not catch up with the database");
            }
            let public = agenda_core::visibility::public_view(&store.snapshot());
            match send_digests(&store, &public, &settings).await {
                Ok(o) => tracing::debug!(
                    sent = o.sent,
                    failed = o.failed,
                    elsewhere = o.claimed_elsewhere,
                    "subscriptions: digest run done"
                ),
                Err(e) => tracing::error!(error = %e, "subscriptions: digest run failed"),
            }
        }
    })
}
