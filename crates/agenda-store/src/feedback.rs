//! "Was this page useful?": visitors' answers on the service information sheets, the key the
//! anonymous form's tokens are signed with, and a rate limit per client.
//!
//! The sheet is cached and shared by every visitor, so its form cannot carry a per-visitor
//! token. It carries instead a time-stamped token signed with a key of this database (keyed
//! BLAKE3, a MAC), which any server on the database verifies without keeping state.
//!
//! Answers are kept in a table of their own, outside the domain records: comments may hold
//! personal data, so they never reach the snapshot, the public API or an export.
//!
//! Each answer is a ticket the service's organisation handles (see `agenda_core::ticket` for
//! its statuses); every move is recorded in `feedback_events` with who made it. The person who
//! left it follows it through a private link whose key is derived from the ticket's identifier
//! with the form key, so no key is stored and none can be listed.

use std::net::IpAddr;

use agenda_core::Code;
use agenda_core::ticket::{MoveRefused, TicketStatus, check_move};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::accounts::{random_hex, same_secret};
use crate::sql::Sql;
use crate::{Store, StoreError};

/// Longest comment accepted, in characters.
pub const COMMENT_MAX_CHARS: usize = 2000;
/// Oldest form token accepted: a cached sheet is served until the day changes, so its token
/// may already be a day old when shown; the visitor then has another day to answer.
pub const TOKEN_MAX_AGE_SECONDS: i64 = 2 * 24 * 3600;
/// How far ahead of this server's clock a token may be dated (another server's clock).
const TOKEN_CLOCK_SKEW_SECONDS: i64 = 300;
/// Posts of one client accepted within [`RATE_WINDOW_MINUTES`].
pub const RATE_LIMIT_POSTS: i64 = 10;
/// The rate-limit window.
pub const RATE_WINDOW_MINUTES: i64 = 60;

/// The name, in `secrets`, of the key anonymous forms are signed with.
const FORM_KEY: &str = "form-key";

/// The key of this database's anonymous forms.
#[derive(Clone)]
pub struct FormKey([u8; 32]);

impl std::fmt::Debug for FormKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FormKey(…)")
    }
}

/// What a presented form token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenCheck {
    /// Signed by this database, for this form, and recent enough.
    Valid,
    /// Signed by this database for this form, but too old (or dated too far ahead).
    Expired,
    /// Missing, malformed, for another form, or not signed with this database's key.
    Invalid,
}

impl FormKey {
    /// The key from its hex form (64 digits).
    pub fn from_hex(hex: &str) -> Option<FormKey> {
        if hex.len() != 64 {
            return None;
        }
        let mut key = [0u8; 32];
        for (i, b) in key.iter_mut().enumerate() {
            *b = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(FormKey(key))
    }

    fn mac(&self, form: &str, issued: i64) -> String {
        let tag = blake3::keyed_hash(&self.0, format!("{form}\n{issued}").as_bytes());
        // 128 bits are plenty for a token that lives two days.
        tag.to_hex()[..32].to_owned()
    }

    /// The token of `form` (e.g. `feedback:SVC-001`) issued at `issued` (Unix seconds):
    /// `<issued>.<MAC>`.
    pub fn token(&self, form: &str, issued: i64) -> String {
        format!("{issued}.{}", self.mac(form, issued))
    }

    /// A lasting signature of `what` (e.g. `subscription:<id>`): the links in mails, which must
    /// keep working as long as what they name exists.
    pub fn sign(&self, what: &str) -> String {
        let tag = blake3::keyed_hash(&self.0, format!("link\n{what}").as_bytes());
        tag.to_hex()[..32].to_owned()
    }

    /// Whether `mac` is [`FormKey::sign`] of `what`.
    pub fn verify(&self, what: &str, mac: &str) -> bool {
        same_secret(mac, &self.sign(what))
    }

    /// Checks a presented token for `form` at `now` (Unix seconds).
    pub fn check(&self, form: &str, presented: &str, now: i64) -> TokenCheck {
        let Some((issued, mac)) = presented.split_once('.') else {
            return TokenCheck::Invalid;
        };
        let Ok(issued) = issued.parse::<i64>() else {
            return TokenCheck::Invalid;
        };
        if !same_secret(mac, &self.mac(form, issued)) {
            return TokenCheck::Invalid;
        }
        let age = now.saturating_sub(issued);
        if !(-TOKEN_CLOCK_SKEW_SECONDS..=TOKEN_MAX_AGE_SECONDS).contains(&age) {
            return TokenCheck::Expired;
        }
        TokenCheck::Valid
    }

    /// The client an address counts as for the rate limit, as a keyed hash (the address
    /// itself is never stored). IPv6 addresses count by their /64 network, which one
    /// household or machine usually holds whole.
    pub fn client(&self, addr: Option<IpAddr>) -> String {
        let what = match addr {
            Some(IpAddr::V4(a)) => a.to_string(),
            Some(IpAddr::V6(a)) => match a.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => {
                    let s = a.segments();
                    format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
                }
            },
            None => "unknown".to_owned(),
        };
        let tag = blake3::keyed_hash(&self.0, format!("client\n{what}").as_bytes());
        tag.to_hex()[..32].to_owned()
    }

    /// The key of the private link to ticket `id`: 128 bits only this database can make.
    pub fn ticket_key(&self, id: &str) -> String {
        let tag = blake3::keyed_hash(&self.0, format!("ticket\n{id}").as_bytes());
        tag.to_hex()[..32].to_owned()
    }

    /// Whether `presented` is the key of ticket `id` (compared in constant time).
    pub fn opens_ticket(&self, id: &str, presented: &str) -> bool {
        same_secret(presented, &self.ticket_key(id))
    }
}

/// An answer to store, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFeedback {
    service: Code,
    useful: bool,
    comment: Option<String>,
    lang: String,
}

impl NewFeedback {
    /// An answer on `service`; the comment is trimmed (empty: none) and at most
    /// [`COMMENT_MAX_CHARS`] characters, else the error says how long it is.
    pub fn new(
        service: Code,
        useful: bool,
        comment: Option<&str>,
        lang: &str,
    ) -> Result<NewFeedback, usize> {
        let comment = comment.map(str::trim).filter(|c| !c.is_empty());
        if let Some(c) = comment {
            let n = c.chars().count();
            if n > COMMENT_MAX_CHARS {
                return Err(n);
            }
        }
        Ok(NewFeedback {
            service,
            useful,
            comment: comment.map(str::to_owned),
            lang: lang.chars().take(16).collect(),
        })
    }
}

/// An answer as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feedback {
    /// Random identifier.
    pub id: String,
    /// The service's code.
    pub service: String,
    /// Whether the visitor found the page useful.
    pub useful: bool,
    /// What they wrote, if anything.
    pub comment: Option<String>,
    /// The interface language they used.
    pub lang: String,
    /// When (RFC 3339, UTC).
    pub created_at: String,
    /// Where the ticket stands.
    pub status: TicketStatus,
    /// The organisation's answer, which the person sees.
    pub answer: Option<String>,
    /// When the answer was last written (RFC 3339, UTC).
    pub answered_at: Option<String>,
}

/// One move of a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketEvent {
    /// When (RFC 3339, UTC).
    pub at: String,
    /// The account that made it (never shown publicly).
    pub actor: String,
    /// The status before.
    pub from: TicketStatus,
    /// The status after.
    pub to: TicketStatus,
    /// The answer written with this move, when it changed.
    pub answer: Option<String>,
}

/// Why a ticket was not moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketRefusal {
    /// There is no such ticket.
    NotFound,
    /// Someone moved it meanwhile: it is now in this status.
    Stale(TicketStatus),
    /// The move is not allowed.
    Refused(MoveRefused),
}

/// The answers on one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackCount {
    /// The service's code.
    pub service: String,
    /// Answers.
    pub total: u64,
    /// Of which "useful".
    pub useful: u64,
    /// When the latest came (RFC 3339, UTC).
    pub latest: String,
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Appends ` WHERE service IN (…)` for `services` (callers handle the empty set), and
/// ` AND status = …` for `status`.
fn where_services_status(q: &mut Sql, services: Option<&[Code]>, status: Option<TicketStatus>) {
    where_services(q, services);
    if let Some(st) = status {
        q.push(if services.is_some() {
            " AND status = "
        } else {
            " WHERE status = "
        })
        .bind(st.as_str().to_owned());
    }
}

/// Appends ` WHERE service IN (…)` for `services` (callers handle the empty set).
fn where_services(q: &mut Sql, services: Option<&[Code]>) {
    if let Some(list) = services {
        q.push(" WHERE service IN (");
        for (i, code) in list.iter().enumerate() {
            q.push(if i == 0 { "" } else { ", " })
                .bind(code.as_str().to_owned());
        }
        q.push(")");
    }
}

const FEEDBACK_COLUMNS: &str =
    "id, service, useful, comment, lang, created_at, status, answer, answered_at";

fn status_of(stored: &str, id: &str) -> Result<TicketStatus, StoreError> {
    TicketStatus::parse(stored).ok_or_else(|| StoreError::Corrupt {
        kind: "feedback".into(),
        code: id.into(),
        reason: format!("unknown ticket status {stored:?}"),
    })
}

fn feedback_from_row(row: &AnyRow) -> Result<Feedback, StoreError> {
    let id: String = row.try_get(0)?;
    let status: String = row.try_get(6)?;
    Ok(Feedback {
        status: status_of(&status, &id)?,
        answer: row.try_get(7)?,
        answered_at: row.try_get(8)?,
        id,
        service: row.try_get(1)?,
        useful: row.try_get::<i64, _>(2)? != 0,
        comment: row.try_get(3)?,
        lang: row.try_get(4)?,
        created_at: row.try_get(5)?,
    })
}

impl Store {
    /// The key of this database's anonymous forms, created (once, whatever the number of
    /// servers) on first use.
    pub async fn form_key(&self) -> Result<FormKey, StoreError> {
        let read = || {
            sqlx::query("SELECT value FROM secrets WHERE name = $1")
                .bind(FORM_KEY)
                .fetch_optional(self.pool())
        };
        let row = match read().await? {
            Some(row) => row,
            None => {
                sqlx::query(
                    "INSERT INTO secrets (name, value, created_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (name) DO NOTHING",
                )
                .bind(FORM_KEY)
                .bind(random_hex(32))
                .bind(crate::store::now())
                .execute(self.pool())
                .await?;
                read()
                    .await?
                    .ok_or_else(|| StoreError::Internal("the form key was not kept".into()))?
            }
        };
        let hex: String = row.try_get(0)?;
        FormKey::from_hex(&hex).ok_or_else(|| StoreError::Corrupt {
            kind: "secret".into(),
            code: FORM_KEY.into(),
            reason: "expected 64 hexadecimal digits".into(),
        })
    }

    /// Counts a post of `client` (see [`FormKey::client`]) and says whether it is within
    /// [`RATE_LIMIT_POSTS`] in the last [`RATE_WINDOW_MINUTES`]. Every post counts, refused
    /// ones too, so that hammering the form keeps a client refused.
    pub async fn note_form_post(&self, client: &str) -> Result<bool, StoreError> {
        let now = Utc::now();
        let window_start = stamp(now - Duration::minutes(RATE_WINDOW_MINUTES));
        sqlx::query("DELETE FROM form_posts WHERE at < $1")
            .bind(&window_start)
            .execute(self.pool())
            .await?;
        // Counted after its own insert: concurrent posts can only be refused more, not less.
        sqlx::query("INSERT INTO form_posts (client, at) VALUES ($1, $2)")
            .bind(client)
            .bind(stamp(now))
            .execute(self.pool())
            .await?;
        let posts = sqlx::query("SELECT COUNT(*) FROM form_posts WHERE client = $1 AND at >= $2")
            .bind(client)
            .bind(&window_start)
            .fetch_one(self.pool())
            .await?
            .try_get::<i64, _>(0)?;
        Ok(posts <= RATE_LIMIT_POSTS)
    }

    /// Stores an answer; returns its identifier.
    pub async fn add_feedback(&self, new: &NewFeedback) -> Result<String, StoreError> {
        let id = random_hex(16);
        sqlx::query(
            "INSERT INTO feedback (id, service, useful, comment, lang, created_at, status) \
             VALUES ($1, $2, $3, $4, $5, $6, 'new')",
        )
        .bind(&id)
        .bind(new.service.as_str())
        .bind(i64::from(new.useful))
        .bind(new.comment.as_deref())
        .bind(&new.lang)
        .bind(crate::store::now())
        .execute(self.pool())
        .await?;
        Ok(id)
    }

    /// The latest `limit` answers on `services` (all services for `None`) in `status` (any
    /// for `None`), newest first.
    pub async fn feedback(
        &self,
        services: Option<&[Code]>,
        status: Option<TicketStatus>,
        limit: usize,
    ) -> Result<Vec<Feedback>, StoreError> {
        if services.is_some_and(<[Code]>::is_empty) {
            return Ok(Vec::new());
        }
        let mut q = Sql::new(
            self.backend(),
            &format!("SELECT {FEEDBACK_COLUMNS} FROM feedback"),
        );
        where_services_status(&mut q, services, status);
        q.push(" ORDER BY created_at DESC, id LIMIT ")
            .bind(i64::try_from(limit).unwrap_or(i64::MAX));
        let rows = q.fetch_all(self.pool()).await?;
        rows.iter().map(feedback_from_row).collect()
    }

    /// The answers per service on `services` (all for `None`), the latest answered first;
    /// services without answers are left out.
    pub async fn feedback_counts(
        &self,
        services: Option<&[Code]>,
    ) -> Result<Vec<FeedbackCount>, StoreError> {
        if services.is_some_and(<[Code]>::is_empty) {
            return Ok(Vec::new());
        }
        let mut q = Sql::new(
            self.backend(),
            "SELECT service, COUNT(*), COUNT(CASE WHEN useful = 1 THEN 1 END), \
             MAX(created_at) FROM feedback",
        );
        where_services(&mut q, services);
        q.push(" GROUP BY service ORDER BY MAX(created_at) DESC, service");
        let rows = q.fetch_all(self.pool()).await?;
        rows.iter()
            .map(|row| {
                Ok(FeedbackCount {
                    service: row.try_get(0)?,
                    total: row.try_get::<i64, _>(1)?.max(0) as u64,
                    useful: row.try_get::<i64, _>(2)?.max(0) as u64,
                    latest: row.try_get(3)?,
                })
            })
            .collect()
    }

    /// How many tickets on `services` (all for `None`) are in each status; statuses without
    /// tickets are left out.
    pub async fn ticket_counts(
        &self,
        services: Option<&[Code]>,
    ) -> Result<Vec<(TicketStatus, u64)>, StoreError> {
        if services.is_some_and(<[Code]>::is_empty) {
            return Ok(Vec::new());
        }
        let mut q = Sql::new(self.backend(), "SELECT status, COUNT(*) FROM feedback");
        where_services(&mut q, services);
        q.push(" GROUP BY status");
        let rows = q.fetch_all(self.pool()).await?;
        let mut counts = rows
            .iter()
            .map(|row| {
                let status: String = row.try_get(0)?;
                Ok((
                    status_of(&status, "")?,
                    row.try_get::<i64, _>(1)?.max(0) as u64,
                ))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        counts.sort();
        Ok(counts)
    }

    /// The ticket `id`, if there is one.
    pub async fn ticket(&self, id: &str) -> Result<Option<Feedback>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {FEEDBACK_COLUMNS} FROM feedback WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(feedback_from_row).transpose()
    }

    /// The moves of ticket `id`, oldest first.
    pub async fn ticket_events(&self, id: &str) -> Result<Vec<TicketEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT at, actor, status_from, status_to, answer FROM feedback_events \
             WHERE feedback_id = $1 ORDER BY seq",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let from: String = row.try_get(2)?;
                let to: String = row.try_get(3)?;
                Ok(TicketEvent {
                    at: row.try_get(0)?,
                    actor: row.try_get(1)?,
                    from: status_of(&from, id)?,
                    to: status_of(&to, id)?,
                    answer: row.try_get(4)?,
                })
            })
            .collect()
    }

    /// Moves ticket `id`, which the form showed in status `seen`, to `to` with `answer` (see
    /// `agenda_core::ticket::check_move`), as `actor` (an account's user name), and records
    /// the move. Refused, with nothing changed, when the move is not allowed or the ticket is
    /// no longer in `seen` (two people handling it at once).
    pub async fn move_ticket(
        &self,
        id: &str,
        seen: TicketStatus,
        to: TicketStatus,
        answer: Option<&str>,
        actor: &str,
    ) -> Result<Result<Feedback, TicketRefusal>, StoreError> {
        let mut tx = self.pool().begin_with(self.backend().begin_write()).await?;
        let row = sqlx::query("SELECT status, answer FROM feedback WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else {
            tx.rollback().await?;
            return Ok(Err(TicketRefusal::NotFound));
        };
        let stored: String = row.try_get(0)?;
        let current = status_of(&stored, id)?;
        let old_answer: Option<String> = row.try_get(1)?;
        if current != seen {
            tx.rollback().await?;
            return Ok(Err(TicketRefusal::Stale(current)));
        }
        let new_answer = match check_move(current, to, answer) {
            Ok(a) => a.filter(|a| old_answer.as_deref() != Some(a.as_str())),
            Err(why) => {
                tx.rollback().await?;
                return Ok(Err(TicketRefusal::Refused(why)));
            }
        };
        let now = crate::store::now();
        // Conditional on the status read, so that a concurrent move on PostgreSQL (where the
        // transaction does not lock the row) makes this one touch nothing.
        let changed = sqlx::query(
            "UPDATE feedback SET status = $1, answer = COALESCE($2, answer), \
             answered_at = CASE WHEN $2 IS NULL THEN answered_at ELSE $3 END \
             WHERE id = $4 AND status = $5",
        )
        .bind(to.as_str())
        .bind(new_answer.as_deref())
        .bind(&now)
        .bind(id)
        .bind(current.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed != 1 {
            tx.rollback().await?;
            let now_in = match self.ticket(id).await? {
                Some(t) => TicketRefusal::Stale(t.status),
                None => TicketRefusal::NotFound,
            };
            return Ok(Err(now_in));
        }
        sqlx::query(
            "INSERT INTO feedback_events (feedback_id, seq, at, actor, status_from, status_to, \
             answer) SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5, $6 \
             FROM feedback_events WHERE feedback_id = $1",
        )
        .bind(id)
        .bind(&now)
        .bind(actor)
        .bind(current.as_str())
        .bind(to.as_str())
        .bind(new_answer.as_deref())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.ticket(id)
            .await?
            .map(Ok)
            .ok_or_else(|| StoreError::Internal("a moved ticket vanished".into()))
    }
}
