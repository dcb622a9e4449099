//! E-mail subscriptions, with double opt-in.
//!
//! A request stores the address with the hash of a random confirmation token that is mailed to
//! it; nothing else is ever sent until that token comes back. Unconfirmed requests expire. A
//! confirmed subscription remembers the audit sequence number up to which it has been told of
//! changes, so that each digest lists what happened since the previous one.
//!
//! Addresses are personal data: they live in this table only (never in `records`, the audit
//! chain or the logs), and [`Store::subscriptions_of_address`] / [`Store::forget_address`] give
//! a subscriber everything held about them and delete it.

use agenda_core::Kind;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::accounts::random_hex;
use crate::sql::Sql;
use crate::{AuditRecord, Store, StoreError};

/// How long a confirmation link works.
pub const CONFIRM_MAX_AGE_HOURS: i64 = 72;
/// Requests for the same address and scope within this many minutes of the last mail about it
/// send nothing: the form cannot be used to flood someone's mailbox.
pub const RESEND_AFTER_MINUTES: i64 = 10;
/// The longest address accepted (RFC 5321's limit on a path).
pub const EMAIL_MAX_CHARS: usize = 254;

/// A subscription as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// Random identifier.
    pub id: String,
    /// The address.
    pub email: String,
    /// What it follows, e.g. `agenda` or `action-line:AL-1.1`.
    pub scope: String,
    /// The subscriber's language.
    pub lang: String,
    /// When it was asked for (RFC 3339, UTC).
    pub created_at: String,
    /// When it was confirmed, if it was.
    pub confirmed_at: Option<String>,
    /// The audit sequence number up to which the subscriber has been told of changes.
    pub last_seq: u64,
    /// When the last digest was sent, if one was.
    pub last_digest_at: Option<String>,
}

/// What a request to subscribe calls for. The visitor is given the same answer in every case,
/// so that the form does not tell whether an address is subscribed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requested {
    /// Mail this confirmation token to the address (a new or still unconfirmed request).
    Confirm {
        /// The subscription.
        id: String,
        /// The token (only its hash is kept).
        token: String,
    },
    /// The address already follows this scope: remind it how to manage its subscriptions.
    AlreadyConfirmed {
        /// The subscription.
        id: String,
    },
    /// The address was written to about this a moment ago: send nothing.
    Throttled,
}

/// Checks an address the way the form does: one `@`, something on each side, no spaces or
/// angle brackets, at most [`EMAIL_MAX_CHARS`]. Returns it trimmed.
pub fn check_email(s: &str) -> Option<String> {
    let s = s.trim();
    let (local, domain) = s.split_once('@')?;
    let ok = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && s.chars().count() <= EMAIL_MAX_CHARS
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'));
    ok.then(|| s.to_owned())
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn digest(token: &str) -> String {
    blake3::hash(token.as_bytes()).to_hex().to_string()
}

/// `SELECT` of every column of a [`Subscription`], in [`from_row`]'s order.
macro_rules! select {
    ($rest:literal) => {
        concat!(
            "SELECT id, email, scope, lang, created_at, confirmed_at, last_seq, last_digest_at \
             FROM subscriptions ",
            $rest
        )
    };
}

fn from_row(row: &AnyRow) -> Result<Subscription, StoreError> {
    Ok(Subscription {
        id: row.try_get(0)?,
        email: row.try_get(1)?,
        scope: row.try_get(2)?,
        lang: row.try_get(3)?,
        created_at: row.try_get(4)?,
        confirmed_at: row.try_get(5)?,
        last_seq: row.try_get::<i64, _>(6)?.max(0) as u64,
        last_digest_at: row.try_get(7)?,
    })
}

impl Store {
    /// Records a request of `email` (checked with [`check_email`]) to follow `scope` in
    /// `lang`, at `now`; says what to mail.
    pub async fn request_subscription(
        &self,
        email: &str,
        scope: &str,
        lang: &str,
        now: DateTime<Utc>,
    ) -> Result<Requested, StoreError> {
        self.expire_unconfirmed(now).await?;
        let key = email.to_lowercase();
        let lang: String = lang.chars().take(16).collect();
        let recent = stamp(now - Duration::minutes(RESEND_AFTER_MINUTES));
        let token = random_hex(32);
        let id = random_hex(16);
        let inserted = sqlx::query(
            "INSERT INTO subscriptions (id, email, email_key, scope, lang, created_at, \
             confirm_hash, notice_sent_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (email_key, scope) DO NOTHING",
        )
        .bind(&id)
        .bind(email)
        .bind(&key)
        .bind(scope)
        .bind(&lang)
        .bind(stamp(now))
        .bind(digest(&token))
        .bind(stamp(now))
        .execute(self.pool())
        .await?
        .rows_affected();
        if inserted == 1 {
            return Ok(Requested::Confirm { id, token });
        }
        // Claimed with a conditional update, so that concurrent requests mail at most once.
        let row = sqlx::query(
            "UPDATE subscriptions SET notice_sent_at = $1 \
             WHERE email_key = $2 AND scope = $3 AND notice_sent_at < $4 \
             RETURNING id, confirmed_at",
        )
        .bind(stamp(now))
        .bind(&key)
        .bind(scope)
        .bind(&recent)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else {
            return Ok(Requested::Throttled);
        };
        let id: String = row.try_get(0)?;
        if row.try_get::<Option<String>, _>(1)?.is_some() {
            return Ok(Requested::AlreadyConfirmed { id });
        }
        // Still unconfirmed: a new link replaces the old one, in the language asked last.
        sqlx::query("UPDATE subscriptions SET confirm_hash = $1, lang = $2 WHERE id = $3")
            .bind(digest(&token))
            .bind(&lang)
            .bind(&id)
            .execute(self.pool())
            .await?;
        Ok(Requested::Confirm { id, token })
    }

    /// Confirms the request whose mailed token is `token`, if it has not expired: from now on
    /// the subscriber is told of changes made after this moment. `None` for an unknown, used
    /// or expired token.
    pub async fn confirm_subscription(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Subscription>, StoreError> {
        self.expire_unconfirmed(now).await?;
        let head = self.audit_head_seq().await?;
        let row = sqlx::query(
            "UPDATE subscriptions SET confirm_hash = NULL, confirmed_at = $1, last_seq = $2 \
             WHERE confirm_hash = $3 AND confirmed_at IS NULL RETURNING id",
        )
        .bind(stamp(now))
        .bind(i64::try_from(head).unwrap_or(i64::MAX))
        .bind(digest(token))
        .fetch_optional(self.pool())
        .await?;
        match row {
            Some(row) => self.subscription(&row.try_get::<String, _>(0)?).await,
            None => Ok(None),
        }
    }

    /// Deletes the requests never confirmed within [`CONFIRM_MAX_AGE_HOURS`] of their last
    /// confirmation mail; returns how many.
    pub async fn expire_unconfirmed(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let oldest = stamp(now - Duration::hours(CONFIRM_MAX_AGE_HOURS));
        Ok(sqlx::query(
            "DELETE FROM subscriptions WHERE confirmed_at IS NULL AND notice_sent_at < $1",
        )
        .bind(oldest)
        .execute(self.pool())
        .await?
        .rows_affected())
    }

    /// One subscription.
    pub async fn subscription(&self, id: &str) -> Result<Option<Subscription>, StoreError> {
        let row = sqlx::query(select!("WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Every subscription (confirmed or not) of the address of subscription `id`: all that is
    /// held about that person. Empty when `id` is unknown.
    pub async fn subscriptions_of_address(
        &self,
        id: &str,
    ) -> Result<Vec<Subscription>, StoreError> {
        let rows = sqlx::query(select!(
            "WHERE email_key = (SELECT email_key FROM subscriptions WHERE id = $1) \
             ORDER BY created_at, id"
        ))
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// Ends subscription `id` (its row is deleted); says whether there was one.
    pub async fn unsubscribe(&self, id: &str) -> Result<bool, StoreError> {
        Ok(sqlx::query("DELETE FROM subscriptions WHERE id = $1")
            .bind(id)
            .execute(self.pool())
            .await?
            .rows_affected()
            > 0)
    }

    /// Deletes everything held about the address of subscription `id`; returns how many
    /// subscriptions that was.
    pub async fn forget_address(&self, id: &str) -> Result<u64, StoreError> {
        // The key is read first: a subquery on the table being deleted from is refused by
        // some databases.
        let key: Option<String> =
            sqlx::query_scalar("SELECT email_key FROM subscriptions WHERE id = $1")
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        let Some(key) = key else { return Ok(0) };
        Ok(
            sqlx::query("DELETE FROM subscriptions WHERE email_key = $1")
                .bind(key)
                .execute(self.pool())
                .await?
                .rows_affected(),
        )
    }

    /// The confirmed subscriptions not yet told of changes up to audit sequence number `head`.
    pub async fn subscriptions_behind(&self, head: u64) -> Result<Vec<Subscription>, StoreError> {
        let rows = sqlx::query(select!(
            "WHERE confirmed_at IS NOT NULL AND last_seq < $1 ORDER BY id"
        ))
        .bind(i64::try_from(head).unwrap_or(i64::MAX))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// Records that subscription `id` has been told of changes up to `seq`; `digest_at` when a
    /// digest was sent (rather than there being nothing to tell).
    pub async fn subscription_told(
        &self,
        id: &str,
        seq: u64,
        digest_at: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE subscriptions SET last_seq = $1, \
             last_digest_at = COALESCE($2, last_digest_at) WHERE id = $3 AND last_seq < $1",
        )
        .bind(i64::try_from(seq).unwrap_or(i64::MAX))
        .bind(digest_at.map(stamp))
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The sequence number of the last audit record committed (0 for none), read from the
    /// database so that changes made by other servers count.
    pub async fn audit_head_seq(&self) -> Result<u64, StoreError> {
        let seq: Option<i64> = sqlx::query_scalar("SELECT seq FROM audit_head WHERE id = 1")
            .fetch_optional(self.pool())
            .await?;
        Ok(seq.unwrap_or(0).max(0) as u64)
    }

    /// Up to `limit` audit records of `kinds` with a sequence number in `(after, up_to]`,
    /// oldest first when `oldest_first`, else newest first.
    pub async fn audit_changes(
        &self,
        kinds: &[Kind],
        after: u64,
        up_to: u64,
        limit: u32,
        oldest_first: bool,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        self.audit_changes_and_updates(kinds, &[], after, up_to, limit, oldest_first)
            .await
    }

    /// Like [`Store::audit_changes`], also with the updates (not the creations or deletions) of
    /// `updated`: a national import creates a hundred thousand records whose creation tells
    /// nothing, and they are left in the database rather than read and parsed.
    pub async fn audit_changes_and_updates(
        &self,
        kinds: &[Kind],
        updated: &[Kind],
        after: u64,
        up_to: u64,
        limit: u32,
        oldest_first: bool,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        if kinds.is_empty() && updated.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = Sql::new(
            self.backend(),
            "SELECT seq, at, actor, kind, code, action, before, after, prev_hash, hash \
             FROM audit_log WHERE seq > ",
        );
        q.bind(i64::try_from(after).unwrap_or(i64::MAX))
            .push(" AND seq <= ")
            .bind(i64::try_from(up_to).unwrap_or(i64::MAX))
            .push(" AND (kind IN ('', ");
        for (i, k) in kinds.iter().enumerate() {
            q.push(if i == 0 { "" } else { ", " }).bind(k.as_str());
        }
        if kinds.is_empty() {
            q.push("''");
        }
        q.push(") OR (action = ")
            .bind(crate::audit::AuditAction::Update.as_str())
            .push(" AND kind IN ('', ");
        for (i, k) in updated.iter().enumerate() {
            q.push(if i == 0 { "" } else { ", " }).bind(k.as_str());
        }
        if updated.is_empty() {
            q.push("''");
        }
        q.push(if oldest_first {
            "))) ORDER BY seq LIMIT "
        } else {
            "))) ORDER BY seq DESC LIMIT "
        })
        .bind(i64::from(limit));
        let rows = q.fetch_all(self.pool()).await?;
        rows.iter().map(crate::store::audit_from_row).collect()
    }
}
