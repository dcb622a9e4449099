//! People who take part in consultations in their own name.
//!
//! There is no password: a person gives their address and receives a sign-in link, which
//! works once and for [`LINK_MAX_AGE_MINUTES`]; the first link that comes back confirms the
//! address. A signed-in browser holds a session cookie (only its hash is kept). The address and
//! the name are personal data: they live in these tables only, and
//! [`Store::participant_data`] / [`Store::forget_participant`] give a person everything held
//! about them and delete it.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::accounts::random_hex;
use crate::{Store, StoreError};

/// How long a sign-in link works.
pub const LINK_MAX_AGE_MINUTES: i64 = 60;
/// Requests for the same address within this many minutes of the last link mail nothing more.
pub const RESEND_AFTER_MINUTES: i64 = 2;
/// How long a participant stays signed in.
pub const SESSION_DAYS: i64 = 30;
/// The longest name shown with contributions.
pub const NAME_MAX_CHARS: usize = 80;

/// A participant as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Participant {
    /// Random identifier.
    pub id: String,
    /// Their address.
    pub email: String,
    /// The name shown with their contributions; `None`: anonymous to the public.
    pub display_name: Option<String>,
    /// The sector they speak for.
    pub sector: String,
    /// The language they use.
    pub lang: String,
    /// When they first asked to take part.
    pub created_at: String,
    /// When their address was confirmed by a link coming back.
    pub confirmed_at: Option<String>,
}

/// What a request for a sign-in link calls for. The visitor gets the same answer in every case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkRequested {
    /// Mail this token to the address.
    Mail {
        /// The participant.
        id: String,
        /// The token (only its hash is kept).
        token: String,
    },
    /// A link was mailed a moment ago: send nothing.
    Throttled,
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn digest(token: &str) -> String {
    blake3::hash(token.as_bytes()).to_hex().to_string()
}

fn from_row(row: &AnyRow) -> Result<Participant, StoreError> {
    Ok(Participant {
        id: row.try_get(0)?,
        email: row.try_get(1)?,
        display_name: row.try_get(2)?,
        sector: row.try_get(3)?,
        lang: row.try_get(4)?,
        created_at: row.try_get(5)?,
        confirmed_at: row.try_get(6)?,
    })
}

/// `SELECT` of every column of a [`Participant`], in [`from_row`]'s order.
macro_rules! select {
    ($rest:literal) => {
        concat!(
            "SELECT id, email, display_name, sector, lang, created_at, confirmed_at \
             FROM participants ",
            $rest
        )
    };
}

impl Store {
    /// Records that `email` (checked with `subscriptions::check_email`) asks to take part, as
    /// `display_name` (`None`: anonymous) for `sector`, in `lang`, at `now`; says what to mail.
    /// An address already known keeps its identity and takes the name and sector given now.
    pub async fn request_participation(
        &self,
        email: &str,
        display_name: Option<&str>,
        sector: &str,
        lang: &str,
        now: DateTime<Utc>,
    ) -> Result<LinkRequested, StoreError> {
        let key = email.to_lowercase();
        let name: Option<String> = display_name
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(|n| n.chars().take(NAME_MAX_CHARS).collect());
        let lang: String = lang.chars().take(16).collect();
        let token = random_hex(32);
        let expires = stamp(now + Duration::minutes(LINK_MAX_AGE_MINUTES));
        let id = random_hex(16);
        let inserted = sqlx::query(
            "INSERT INTO participants (id, email, email_key, display_name, sector, lang, \
             created_at, link_hash, link_expires_at, link_sent_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (email_key) DO NOTHING",
        )
        .bind(&id)
        .bind(email)
        .bind(&key)
        .bind(&name)
        .bind(sector)
        .bind(&lang)
        .bind(stamp(now))
        .bind(digest(&token))
        .bind(&expires)
        .bind(stamp(now))
        .execute(self.pool())
        .await?
        .rows_affected();
        if inserted == 1 {
            return Ok(LinkRequested::Mail { id, token });
        }
        // A conditional update claims the mail, so that concurrent requests send at most one.
        let recent = stamp(now - Duration::minutes(RESEND_AFTER_MINUTES));
        let row = sqlx::query(
            "UPDATE participants SET link_hash = $1, link_expires_at = $2, link_sent_at = $3, \
             display_name = $4, sector = $5, lang = $6 \
             WHERE email_key = $7 AND link_sent_at < $8 RETURNING id",
        )
        .bind(digest(&token))
        .bind(&expires)
        .bind(stamp(now))
        .bind(&name)
        .bind(sector)
        .bind(&lang)
        .bind(&key)
        .bind(&recent)
        .fetch_optional(self.pool())
        .await?;
        Ok(match row {
            Some(row) => LinkRequested::Mail {
                id: row.try_get(0)?,
                token,
            },
            None => LinkRequested::Throttled,
        })
    }

    /// Signs in with the mailed `token` if it has not been used and has not expired: the link
    /// is spent, the address confirmed, and a new session's cookie returned with the
    /// participant. `None` for an unknown, used or expired link.
    pub async fn use_participation_link(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(Participant, String)>, StoreError> {
        let row = sqlx::query(
            "UPDATE participants SET link_hash = NULL, link_expires_at = NULL, \
             confirmed_at = COALESCE(confirmed_at, $1) \
             WHERE link_hash = $2 AND link_expires_at > $1 RETURNING id",
        )
        .bind(stamp(now))
        .bind(digest(token))
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let id: String = row.try_get(0)?;
        let cookie = random_hex(32);
        sqlx::query("DELETE FROM participant_sessions WHERE expires_at < $1")
            .bind(stamp(now))
            .execute(self.pool())
            .await?;
        sqlx::query(
            "INSERT INTO participant_sessions (hash, participant, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(digest(&cookie))
        .bind(&id)
        .bind(stamp(now + Duration::days(SESSION_DAYS)))
        .execute(self.pool())
        .await?;
        Ok(self.participant(&id).await?.map(|p| (p, cookie)))
    }

    /// The participant signed in with session `cookie` at `now`, if any.
    pub async fn participant_session(
        &self,
        cookie: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Participant>, StoreError> {
        let id: Option<String> = sqlx::query_scalar(
            "SELECT participant FROM participant_sessions WHERE hash = $1 AND expires_at > $2",
        )
        .bind(digest(cookie))
        .bind(stamp(now))
        .fetch_optional(self.pool())
        .await?;
        match id {
            Some(id) => self.participant(&id).await,
            None => Ok(None),
        }
    }

    /// Ends the session of `cookie`.
    pub async fn end_participant_session(&self, cookie: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM participant_sessions WHERE hash = $1")
            .bind(digest(cookie))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// One participant.
    pub async fn participant(&self, id: &str) -> Result<Option<Participant>, StoreError> {
        let row = sqlx::query(select!("WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Notes that `participant` made `contribution`.
    pub async fn link_contribution(
        &self,
        participant: &str,
        contribution: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO participant_contributions (contribution, participant) VALUES ($1, $2)",
        )
        .bind(contribution)
        .bind(participant)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Forgets that a contribution was anyone's (a write that did not happen after all).
    pub async fn unlink_contribution(&self, contribution: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM participant_contributions WHERE contribution = $1")
            .bind(contribution)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The codes of the contributions `participant` made, in order.
    pub async fn contributions_of_participant(
        &self,
        participant: &str,
    ) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT contribution FROM participant_contributions WHERE participant = $1 \
             ORDER BY contribution",
        )
        .bind(participant)
        .fetch_all(self.pool())
        .await?)
    }

    /// Everything held about `participant` outside the public record: who they are, and which
    /// contributions are theirs.
    pub async fn participant_data(
        &self,
        participant: &str,
    ) -> Result<Option<(Participant, Vec<String>)>, StoreError> {
        let Some(p) = self.participant(participant).await? else {
            return Ok(None);
        };
        let mine = self.contributions_of_participant(participant).await?;
        Ok(Some((p, mine)))
    }

    /// Deletes everything held about `participant` (address, name, sessions, the link to their
    /// contributions); returns the codes of the contributions that were theirs, for the caller
    /// to withdraw from the public record.
    pub async fn forget_participant(&self, participant: &str) -> Result<Vec<String>, StoreError> {
        let mine = self.contributions_of_participant(participant).await?;
        let mut tx = self.pool().begin().await?;
        for sql in [
            "DELETE FROM participant_contributions WHERE participant = $1",
            "DELETE FROM participant_sessions WHERE participant = $1",
            "DELETE FROM participants WHERE id = $1",
        ] {
            sqlx::query(sql).bind(participant).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(mine)
    }

    /// The person who made `contribution` in their own name, if one did.
    pub async fn participant_of_contribution(
        &self,
        contribution: &str,
    ) -> Result<Option<Participant>, StoreError> {
        let id: Option<String> = sqlx::query_scalar(
            "SELECT participant FROM participant_contributions WHERE contribution = $1",
        )
        .bind(contribution)
        .fetch_optional(self.pool())
        .await?;
        match id {
            Some(id) => self.participant(&id).await,
            None => Ok(None),
        }
    }

    /// Every contribution made by a person in their own name: its code, the person, and the
    /// name they chose to be shown (`None`: anonymous), in code order. For the public pages,
    /// which show the names and count the people, never the addresses.
    pub async fn contributors(&self) -> Result<Vec<(String, String, Option<String>)>, StoreError> {
        let rows = sqlx::query(
            "SELECT c.contribution, c.participant, p.display_name \
             FROM participant_contributions c JOIN participants p ON p.id = c.participant \
             ORDER BY c.contribution",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect()
    }
}
