//! "Was this page useful?": visitors' answers on the service information sheets, the key the
//! anonymous form's tokens are signed with, and a rate limit per client.
//!
//! The sheet is cached and shared by every visitor, so its form cannot carry a per-visitor
//! token. It carries instead a time-stamped token signed with a key of this database (keyed
//! BLAKE3, a MAC), which any server on the database verifies without keeping state.
//!
//! Answers are kept in a table of their own, outside the domain records: comments may hold
//! personal data, so they never reach the snapshot, the public API or an export.

use std::net::IpAddr;

use agenda_core::Code;
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
    /// `new` or `answered`.
    pub status: String,
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

fn feedback_from_row(row: &AnyRow) -> Result<Feedback, StoreError> {
    Ok(Feedback {
        id: row.try_get(0)?,
        service: row.try_get(1)?,
        useful: row.try_get::<i64, _>(2)? != 0,
        comment: row.try_get(3)?,
        lang: row.try_get(4)?,
        created_at: row.try_get(5)?,
        status: row.try_get(6)?,
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

    /// The latest `limit` answers on `services` (all services for `None`), newest first.
    pub async fn feedback(
        &self,
        services: Option<&[Code]>,
        limit: usize,
    ) -> Result<Vec<Feedback>, StoreError> {
        if services.is_some_and(<[Code]>::is_empty) {
            return Ok(Vec::new());
        }
        let mut q = Sql::new(
            self.backend(),
            "SELECT id, service, useful, comment, lang, created_at, status FROM feedback",
        );
        where_services(&mut q, services);
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
}
