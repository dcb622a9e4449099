//! What the background jobs keep: the reminders sent, the digests told, and the claims that
//! let every server on one database run the jobs while each message still goes out once.
//!
//! Before sending, a server claims one unit of work — an organisation's reminder message, a
//! subscriber's digest — with one atomic statement: it inserts the claim, or takes over one
//! whose lease has expired, and learns from `RETURNING` whether it won. PostgreSQL serialises
//! concurrent claimers on the row (the loser waits, then sees the winner's lease and gets
//! nothing); SQLite does it through its write lock. Only then does the holder read what is left
//! to send; it records what the mail server accepted in the same transaction that deletes the
//! claim, and deletes the claim alone when the server refused, so that the next run, on any
//! server, tries again. A lease is longer than a send may take (the mail transport gives up
//! after a minute): a claim is only taken over from a server that stopped while holding it.

use std::collections::HashSet;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use sqlx::Row;

use crate::accounts::random_hex;
use crate::subscriptions::Subscription;
use crate::{Store, StoreError};

/// The kinds of background work claimed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Job {
    /// The reminder message of one organisation (the item is its code).
    Reminders,
    /// The digest of one subscription (the item is its identifier).
    Digest,
}

impl Job {
    /// Its name in `job_claims.job`.
    pub fn as_str(self) -> &'static str {
        match self {
            Job::Reminders => "reminders",
            Job::Digest => "digest",
        }
    }
}

/// A unit of work held by this server until it is recorded as done or released.
#[derive(Debug, PartialEq, Eq)]
#[must_use = "a claim left alone blocks its work until the lease expires: complete or release it"]
pub struct Claim {
    job: Job,
    item: String,
    holder: String,
}

impl Claim {
    /// What is claimed.
    pub fn job(&self) -> Job {
        self.job
    }

    /// The organisation or subscription claimed.
    pub fn item(&self) -> &str {
        &self.item
    }
}

/// One reminder as recorded: what is owed, for which period, before or after its deadline.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReminderKey {
    /// The action line or KPI.
    pub item: String,
    /// The period, e.g. `2026-Q3`.
    pub period: String,
    /// `before` or `after` (the deadline).
    pub kind: String,
}

/// An address reminders of an organisation go to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderAddress {
    /// The account.
    pub username: String,
    /// Its address, as entered (the jobs check it).
    pub email: String,
}

/// An organisation's reminders, claimed: what was already sent to it, read after the claim
/// was taken, so that nothing another server sent meanwhile is sent again.
#[derive(Debug)]
pub struct ReminderClaim {
    /// The claim.
    pub claim: Claim,
    /// The reminders already recorded as sent to the organisation.
    pub sent: HashSet<ReminderKey>,
}

/// A subscriber's digest, claimed, with the subscription as stored after the claim was taken.
#[derive(Debug)]
pub struct DigestClaim {
    /// The claim.
    pub claim: Claim,
    /// The subscription.
    pub subscription: Subscription,
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn seq(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Store {
    /// Claims `item` of `job` until `now + lease`, unless another holder's lease runs at
    /// `now`. `None` when someone else holds it.
    pub async fn claim(
        &self,
        job: Job,
        item: &str,
        now: DateTime<Utc>,
        lease: Duration,
    ) -> Result<Option<Claim>, StoreError> {
        let holder = random_hex(16);
        let won = sqlx::query(
            "INSERT INTO job_claims (job, item, holder, expires_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (job, item) DO UPDATE \
             SET holder = excluded.holder, expires_at = excluded.expires_at \
             WHERE job_claims.expires_at <= $5 RETURNING holder",
        )
        .bind(job.as_str())
        .bind(item)
        .bind(&holder)
        .bind(stamp(now + lease))
        .bind(stamp(now))
        .fetch_optional(self.pool())
        .await?;
        Ok(match won {
            Some(row) if row.try_get::<String, _>(0)? == holder => Some(Claim {
                job,
                item: item.to_owned(),
                holder,
            }),
            _ => None,
        })
    }

    /// Gives `claim` up without recording anything, so that the work is done by a later run
    /// here or elsewhere. Says whether it was still held (its lease had not been taken over).
    pub async fn release(&self, claim: Claim) -> Result<bool, StoreError> {
        Ok(
            sqlx::query("DELETE FROM job_claims WHERE job = $1 AND item = $2 AND holder = $3")
                .bind(claim.job.as_str())
                .bind(&claim.item)
                .bind(&claim.holder)
                .execute(self.pool())
                .await?
                .rows_affected()
                == 1,
        )
    }

    /// The addresses of organisation `org`'s enabled `entity` accounts that have one, by
    /// username: whom its reminders are written to.
    pub async fn reminder_addresses(&self, org: &str) -> Result<Vec<ReminderAddress>, StoreError> {
        let rows = sqlx::query(
            "SELECT username, email FROM users WHERE role = 'entity' AND organisation = $1 \
             AND disabled = 0 AND email IS NOT NULL AND email <> '' ORDER BY username",
        )
        .bind(org)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ReminderAddress {
                    username: r.try_get(0)?,
                    email: r.try_get(1)?,
                })
            })
            .collect()
    }

    /// The reminders recorded as sent to organisation `org`.
    pub async fn reminders_sent_to(&self, org: &str) -> Result<HashSet<ReminderKey>, StoreError> {
        let rows =
            sqlx::query("SELECT item, period, kind FROM reminders_sent WHERE organisation = $1")
                .bind(org)
                .fetch_all(self.pool())
                .await?;
        rows.iter()
            .map(|r| {
                Ok(ReminderKey {
                    item: r.try_get(0)?,
                    period: r.try_get(1)?,
                    kind: r.try_get(2)?,
                })
            })
            .collect()
    }

    /// Claims organisation `org`'s reminder message (see [`Store::claim`]) and reads what
    /// was already sent to it.
    pub async fn claim_reminders(
        &self,
        org: &str,
        now: DateTime<Utc>,
        lease: Duration,
    ) -> Result<Option<ReminderClaim>, StoreError> {
        let Some(claim) = self.claim(Job::Reminders, org, now, lease).await? else {
            return Ok(None);
        };
        match self.reminders_sent_to(org).await {
            Ok(sent) => Ok(Some(ReminderClaim { claim, sent })),
            Err(e) => {
                self.release(claim).await?;
                Err(e)
            }
        }
    }

    /// Records `sent` as sent to the claimed organisation at `now` and ends the claim, in one
    /// transaction. Says whether the claim was still held: `false` means its lease expired
    /// and another server took the work over meanwhile.
    pub async fn record_reminders_sent(
        &self,
        claim: ReminderClaim,
        sent: &[ReminderKey],
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let claim = claim.claim;
        let mut tx = self.pool().begin_with(self.backend().begin_write()).await?;
        for r in sent {
            sqlx::query(
                "INSERT INTO reminders_sent (organisation, item, period, kind, sent_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            )
            .bind(&claim.item)
            .bind(&r.item)
            .bind(&r.period)
            .bind(&r.kind)
            .bind(now.to_rfc3339_opts(SecondsFormat::Secs, true))
            .execute(&mut *tx)
            .await?;
        }
        let held =
            sqlx::query("DELETE FROM job_claims WHERE job = $1 AND item = $2 AND holder = $3")
                .bind(claim.job.as_str())
                .bind(&claim.item)
                .bind(&claim.holder)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
        tx.commit().await?;
        Ok(held)
    }

    /// Claims the digest of subscription `id` (see [`Store::claim`]) if, once claimed, it is
    /// still confirmed and not yet told of changes up to `head`.
    pub async fn claim_digest(
        &self,
        id: &str,
        head: u64,
        now: DateTime<Utc>,
        lease: Duration,
    ) -> Result<Option<DigestClaim>, StoreError> {
        let Some(claim) = self.claim(Job::Digest, id, now, lease).await? else {
            return Ok(None);
        };
        match self.subscription(id).await {
            Ok(Some(subscription))
                if subscription.confirmed_at.is_some() && subscription.last_seq < head =>
            {
                Ok(Some(DigestClaim {
                    claim,
                    subscription,
                }))
            }
            Ok(_) => {
                self.release(claim).await?;
                Ok(None)
            }
            Err(e) => {
                self.release(claim).await?;
                Err(e)
            }
        }
    }

    /// Records that the claimed subscriber has been told of changes up to `seq` (`digest_at`
    /// when a digest was sent rather than there being nothing to tell) and ends the claim, in
    /// one transaction. Says whether the claim was still held.
    pub async fn record_digest_sent(
        &self,
        claim: DigestClaim,
        seq_told: u64,
        digest_at: Option<DateTime<Utc>>,
    ) -> Result<bool, StoreError> {
        let claim = claim.claim;
        let mut tx = self.pool().begin_with(self.backend().begin_write()).await?;
        sqlx::query(
            "UPDATE subscriptions SET last_seq = $1, \
             last_digest_at = COALESCE($2, last_digest_at) WHERE id = $3 AND last_seq < $1",
        )
        .bind(seq(seq_told))
        .bind(digest_at.map(stamp))
        .bind(&claim.item)
        .execute(&mut *tx)
        .await?;
        let held =
            sqlx::query("DELETE FROM job_claims WHERE job = $1 AND item = $2 AND holder = $3")
                .bind(claim.job.as_str())
                .bind(&claim.item)
                .bind(&claim.holder)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
        tx.commit().await?;
        Ok(held)
    }
}
