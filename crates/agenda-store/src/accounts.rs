//! Accounts, sessions and API tokens.
//!
//! Kept in tables of their own, outside the domain records: they never reach the snapshot,
//! the public API or an export. Passwords are stored as argon2id PHC strings; session cookies
//! and token secrets only as BLAKE3 hashes (they are random 256-bit values, so a fast hash is
//! enough and a stolen table opens nothing).

use agenda_core::{Code, Role};
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

use crate::store::append_audit;
use crate::{AuditAction, Store, StoreError};

/// Failures of one account from one client that are answered at once; after them each further
/// attempt from that client on that account waits (see [`throttle_wait`]).
pub const FREE_FAILURES_PER_ACCOUNT_AND_CLIENT: i64 = 3;
/// Failures of one client, whatever the accounts, answered at once: beyond them a client trying
/// many accounts (password spraying) waits too.
pub const FREE_FAILURES_PER_CLIENT: i64 = 10;
/// Failures of one account, from all clients together, beyond which the account is taken to be
/// under a distributed attack: each client then has one free failure before it waits. A client
/// that has not failed is never made to wait, so the owner still signs in.
pub const ACCOUNT_UNDER_ATTACK: i64 = 20;
/// The longest wait imposed.
pub const THROTTLE_MAX_WAIT_SECONDS: i64 = 15 * 60;
/// How long a failure counts.
pub const THROTTLE_WINDOW_MINUTES: i64 = 60;
/// How long a session lasts.
pub const SESSION_HOURS: i64 = 12;
/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// A person who signs in, as the store keeps them (without credentials).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Login name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Where reminders are sent.
    pub email: Option<String>,
    /// Role.
    pub role: Role,
    /// The organisation an `entity` user acts for.
    pub organisation: Option<Code>,
    /// Whether the account may no longer sign in.
    pub disabled: bool,
}

/// A new account.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// Login name: letters, digits, `.`, `_`, `-`, `@`.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Where reminders are sent.
    pub email: Option<String>,
    /// Role.
    pub role: Role,
    /// Required for, and only for, `entity` users.
    pub organisation: Option<Code>,
}

/// A session just opened: the cookie value (given to the browser, never stored) and the
/// token its forms carry.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The cookie value.
    pub cookie: String,
    /// The anti-forgery token of the session.
    pub csrf: String,
}

/// A signed-in session.
#[derive(Debug, Clone)]
pub struct Session {
    /// Who.
    pub account: Account,
    /// The anti-forgery token every form of the session must carry back.
    pub csrf: String,
}

/// Why a sign-in was refused. Unknown user and wrong password are deliberately the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginRefused {
    /// Unknown user, wrong password or disabled account.
    Invalid,
    /// Too many failures recently from this client: try again after this many seconds.
    Throttled {
        /// Seconds to wait.
        retry_after: i64,
    },
}

/// How long after its last failure a scope (an account from a client, or a client) that has
/// failed `failures` times must wait before its next attempt is checked, when the first `free`
/// failures cost nothing: one second, then doubling with each failure, up to
/// [`THROTTLE_MAX_WAIT_SECONDS`].
pub fn throttle_wait(failures: i64, free: i64) -> Duration {
    if failures < free {
        return Duration::zero();
    }
    let doublings = (failures - free).min(20);
    Duration::seconds((1i64 << doublings).min(THROTTLE_MAX_WAIT_SECONDS))
}

/// An API token as listed (the secret is never kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    /// The public part, shown in lists and logs.
    pub id: String,
    /// The organisation the token acts for.
    pub organisation: Code,
    /// What it is for.
    pub name: String,
    /// Who created it.
    pub created_by: String,
    /// When (RFC 3339).
    pub created_at: String,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
}

/// `n` random bytes as lower-case hex.
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    // The operating system's generator failing is not something to carry on from.
    getrandom::fill(&mut bytes).expect("the operating system's random generator failed");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn digest(secret: &str) -> String {
    blake3::hash(secret.as_bytes()).to_hex().to_string()
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Compares two strings in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn valid_username(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
}

async fn hash_password(password: String) -> Result<String, StoreError> {
    // argon2id is deliberately slow: keep it off the async workers.
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| StoreError::Internal(format!("password hashing failed: {e}")))
    })
    .await
    .map_err(|e| StoreError::Internal(e.to_string()))?
}

async fn check_password(password: String, phc: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&phc).is_ok_and(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false)
}

/// An account as the audit trail records it: no password, no e-mail address.
fn account_json(
    username: &str,
    display_name: &str,
    role: Role,
    organisation: Option<&str>,
    disabled: bool,
) -> String {
    serde_json::json!({
        "username": username,
        "display_name": display_name,
        "role": role.as_str(),
        "organisation": organisation,
        "disabled": disabled,
    })
    .to_string()
}

/// A token as the audit trail records it (never its secret).
fn token_json(t: &TokenInfo) -> String {
    serde_json::json!({
        "id": t.id,
        "organisation": t.organisation.as_str(),
        "name": t.name,
        "created_by": t.created_by,
        "revoked_at": t.revoked_at,
    })
    .to_string()
}

const ACCOUNT_COLUMNS: &str = "username, display_name, email, role, organisation, disabled";

fn account_from_row(row: &AnyRow) -> Result<Account, StoreError> {
    let username: String = row.try_get(0)?;
    let corrupt = |reason: String| StoreError::Corrupt {
        kind: "user".into(),
        code: username.clone(),
        reason,
    };
    let role: String = row.try_get(3)?;
    let organisation: Option<String> = row.try_get(4)?;
    Ok(Account {
        display_name: row.try_get(1)?,
        email: row.try_get(2)?,
        role: Role::parse(&role).map_err(|e| corrupt(e.phrase()))?,
        organisation: organisation
            .map(|o| Code::parse(&o).map_err(|e| corrupt(e.phrase())))
            .transpose()?,
        disabled: row.try_get::<i64, _>(5)? != 0,
        username,
    })
}

impl Store {
    /// Creates an account. Refuses an invalid or taken username, a short password, and an
    /// `entity` user without an organisation (or a role other than `entity` and `stakeholder`
    /// with one).
    pub async fn add_account(
        &self,
        actor: &str,
        new: &NewAccount,
        password: &str,
    ) -> Result<(), StoreError> {
        if !valid_username(&new.username) {
            return Err(StoreError::Account(format!(
                "username {:?}: expected 1 to 64 letters, digits, '.', '_', '-' or '@'",
                new.username
            )));
        }
        if password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(StoreError::Account(format!(
                "password: expected at least {MIN_PASSWORD_CHARS} characters"
            )));
        }
        match (new.role, &new.organisation) {
            (Role::Entity, None) => {
                return Err(StoreError::Account(
                    "organisation: a user with the entity role acts for one organisation".into(),
                ));
            }
            // Stakeholders speak for their organisation in consultations.
            (Role::Entity | Role::Stakeholder, Some(org))
                if !self.snapshot().organisations.contains_key(org.as_str()) =>
            {
                return Err(StoreError::Account(format!(
                    "organisation {org}: no such organisation"
                )));
            }
            (Role::Entity | Role::Stakeholder, Some(_)) | (_, None) => {}
            (_, Some(_)) => {
                return Err(StoreError::Account(
                    "organisation: only entity and stakeholder users are bound to an organisation"
                        .into(),
                ));
            }
        }
        let hash = hash_password(password.to_owned()).await?;
        let taken = sqlx::query("SELECT COUNT(*) FROM users WHERE username = $1")
            .bind(&new.username)
            .fetch_one(self.pool())
            .await?
            .try_get::<i64, _>(0)?;
        if taken > 0 {
            return Err(StoreError::Account(format!(
                "username {:?} is already taken",
                new.username
            )));
        }
        let mut tx = self.pool().begin_with(self.backend().begin_write()).await?;
        sqlx::query(
            "INSERT INTO users (username, display_name, email, role, organisation, \
             password_hash, disabled, created_at) VALUES ($1, $2, $3, $4, $5, $6, 0, $7)",
        )
        .bind(&new.username)
        .bind(&new.display_name)
        .bind(new.email.as_deref())
        .bind(new.role.as_str())
        .bind(new.organisation.as_ref().map(|o| o.to_string()))
        .bind(hash)
        .bind(crate::store::now())
        .execute(&mut *tx)
        .await?;
        let after = account_json(
            &new.username,
            &new.display_name,
            new.role,
            new.organisation.as_ref().map(|o| o.as_str()),
            false,
        );
        append_audit(
            &mut tx,
            actor,
            "account",
            &new.username,
            AuditAction::Create,
            None,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        self.audited().await;
        tracing::info!(
            user = new.username,
            role = new.role.as_str(),
            "account created"
        );
        Ok(())
    }

    /// Every account, by username.
    pub async fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {ACCOUNT_COLUMNS} FROM users ORDER BY username"
        )))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(account_from_row).collect()
    }

    /// One account.
    pub async fn account(&self, username: &str) -> Result<Option<Account>, StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {ACCOUNT_COLUMNS} FROM users WHERE username = $1"
        )))
        .bind(username)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(account_from_row).transpose()
    }

    /// Enables or disables an account; disabling also ends all its sessions.
    pub async fn set_account_disabled(
        &self,
        actor: &str,
        username: &str,
        disabled: bool,
    ) -> Result<(), StoreError> {
        let Some(before) = self.account(username).await? else {
            return Err(StoreError::Account(format!("no user {username:?}")));
        };
        let mut tx = self.pool().begin_with(self.backend().begin_write()).await?;
        sqlx::query("UPDATE users SET disabled = $1 WHERE username = $2")
            .bind(i64::from(disabled))
            .bind(username)
            .execute(&mut *tx)
            .await?;
        let json = |d: bool| {
            account_json(
                username,
                &before.display_name,
                before.role,
                before.organisation.as_ref().map(|o| o.as_str()),
                d,
            )
        };
        append_audit(
            &mut tx,
            actor,
            "account",
            username,
            AuditAction::Update,
            Some(&json(before.disabled)),
            Some(&json(disabled)),
        )
        .await?;
        tx.commit().await?;
        self.audited().await;
        if disabled {
            self.end_all_sessions(username).await?;
        }
        Ok(())
    }

    /// Replaces a password and ends every session of the account.
    pub async fn set_password(
        &self,
        actor: &str,
        username: &str,
        password: &str,
    ) -> Result<(), StoreError> {
        if password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(StoreError::Account(format!(
                "password: expected at least {MIN_PASSWORD_CHARS} characters"
            )));
        }
        let Some(account) = self.account(username).await? else {
            return Err(StoreError::Account(format!("no user {username:?}")));
        };
        let hash = hash_password(password.to_owned()).await?;
        let mut tx = self.pool().begin_with(self.backend().begin_write()).await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE username = $2")
            .bind(hash)
            .bind(username)
            .execute(&mut *tx)
            .await?;
        // The record says that the password changed, never what it is.
        let json = account_json(
            username,
            &account.display_name,
            account.role,
            account.organisation.as_ref().map(|o| o.as_str()),
            account.disabled,
        );
        let after = serde_json::json!({"account": serde_json::from_str::<serde_json::Value>(&json).unwrap_or_default(), "password_changed_at": crate::store::now()}).to_string();
        append_audit(
            &mut tx,
            actor,
            "account",
            username,
            AuditAction::Update,
            Some(&json),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        self.audited().await;
        self.end_all_sessions(username).await
    }

    /// Checks a password and opens a session for a person at `client` (an opaque key of the
    /// client's address, never the address itself). Failures slow the client down, with
    /// delays that double with each failure (see [`throttle_wait`]), counted per account and
    /// client and per client over every account; while it must wait, its attempts are refused
    /// unchecked. The same account from another client is not slowed, so nobody can lock its
    /// owner out. Counted in the database, so it holds whichever server answers.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        client: &str,
    ) -> Result<Result<NewSession, LoginRefused>, StoreError> {
        self.login_at(username, password, client, Utc::now()).await
    }

    /// [`Store::login`] at `now`.
    pub(crate) async fn login_at(
        &self,
        username: &str,
        password: &str,
        client: &str,
        now: DateTime<Utc>,
    ) -> Result<Result<NewSession, LoginRefused>, StoreError> {
        let window_start = stamp(now - Duration::minutes(THROTTLE_WINDOW_MINUTES));
        sqlx::query("DELETE FROM login_failures WHERE at < $1")
            .bind(&window_start)
            .execute(self.pool())
            .await?;
        // Failures and the latest one, of the account from this client, of this client, and
        // of the account from anywhere.
        let row = sqlx::query(
            "SELECT \
               COALESCE(SUM(CASE WHEN username = $1 AND client = $2 THEN 1 ELSE 0 END), 0), \
               MAX(CASE WHEN username = $1 AND client = $2 THEN at END), \
               COALESCE(SUM(CASE WHEN client = $2 THEN 1 ELSE 0 END), 0), \
               MAX(CASE WHEN client = $2 THEN at END), \
               COALESCE(SUM(CASE WHEN username = $1 THEN 1 ELSE 0 END), 0) \
             FROM login_failures WHERE username = $1 OR client = $2",
        )
        .bind(username)
        .bind(client)
        .fetch_one(self.pool())
        .await?;
        let pair: i64 = row.try_get(0)?;
        let pair_last: Option<String> = row.try_get(1)?;
        let from_client: i64 = row.try_get(2)?;
        let client_last: Option<String> = row.try_get(3)?;
        let on_account: i64 = row.try_get(4)?;
        let free = if on_account >= ACCOUNT_UNDER_ATTACK {
            1
        } else {
            FREE_FAILURES_PER_ACCOUNT_AND_CLIENT
        };
        let until = |last: Option<String>, wait: Duration| {
            last.and_then(|l| DateTime::parse_from_rfc3339(&l).ok())
                .map(|l| l.with_timezone(&Utc) + wait)
        };
        let ready_at = [
            until(pair_last, throttle_wait(pair, free)),
            until(
                client_last,
                throttle_wait(from_client, FREE_FAILURES_PER_CLIENT),
            ),
        ]
        .into_iter()
        .flatten()
        .max();
        if let Some(at) = ready_at.filter(|at| *at > now) {
            // Round up, so that a client that waits as told is checked.
            let ms = (at - now).num_milliseconds();
            tracing::warn!(user = username, "sign-in throttled");
            return Ok(Err(LoginRefused::Throttled {
                retry_after: (ms + 999) / 1000,
            }));
        }
        // Counted as a failure before the (slow) check, so that attempts made in parallel see
        // one another; taken back if the password is right.
        sqlx::query("INSERT INTO login_failures (username, at, client) VALUES ($1, $2, $3)")
            .bind(username)
            .bind(stamp(now))
            .bind(client)
            .execute(self.pool())
            .await?;
        let row = sqlx::query("SELECT password_hash, disabled FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(self.pool())
            .await?;
        let ok = match row {
            Some(row) => {
                let phc: String = row.try_get(0)?;
                let disabled = row.try_get::<i64, _>(1)? != 0;
                check_password(password.to_owned(), phc).await && !disabled
            }
            None => {
                // Spend the same time as for a real account, so timing does not tell which
                // usernames exist.
                let _ = hash_password(password.to_owned()).await;
                false
            }
        };
        if !ok {
            tracing::warn!(user = username, "sign-in refused");
            return Ok(Err(LoginRefused::Invalid));
        }
        // The account's failures from this client are forgiven; those of other clients stay.
        sqlx::query("DELETE FROM login_failures WHERE username = $1 AND client = $2")
            .bind(username)
            .bind(client)
            .execute(self.pool())
            .await?;
        let session = NewSession {
            cookie: random_hex(32),
            csrf: random_hex(32),
        };
        sqlx::query(
            "INSERT INTO sessions (id_hash, username, csrf, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(digest(&session.cookie))
        .bind(username)
        .bind(&session.csrf)
        .bind(stamp(now))
        .bind(stamp(now + Duration::hours(SESSION_HOURS)))
        .execute(self.pool())
        .await?;
        tracing::info!(user = username, "signed in");
        Ok(Ok(session))
    }

    /// The live session a cookie value opens, if any (expired sessions and disabled accounts
    /// open none).
    pub async fn session(&self, cookie: &str) -> Result<Option<Session>, StoreError> {
        let row = sqlx::query(
            "SELECT u.username, u.display_name, u.email, u.role, u.organisation, u.disabled, \
             s.csrf, s.expires_at FROM sessions s JOIN users u ON u.username = s.username \
             WHERE s.id_hash = $1",
        )
        .bind(digest(cookie))
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let account = account_from_row(&row)?;
        let csrf: String = row.try_get(6)?;
        let expires_at: String = row.try_get(7)?;
        if account.disabled || expires_at <= stamp(Utc::now()) {
            return Ok(None);
        }
        Ok(Some(Session { account, csrf }))
    }

    /// Ends the session of a cookie.
    pub async fn end_session(&self, cookie: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(digest(cookie))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Ends every session of an account, on every server ("sign out everywhere").
    pub async fn end_all_sessions(&self, username: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE username = $1")
            .bind(username)
            .execute(self.pool())
            .await?;
        tracing::info!(user = username, "all sessions ended");
        Ok(())
    }

    /// Creates an API token acting for `organisation`; returns its listing and the whole
    /// token, which is shown once and never kept.
    pub async fn create_token(
        &self,
        organisation: &Code,
        name: &str,
        created_by: &str,
    ) -> Result<(TokenInfo, String), StoreError> {
        if !self
            .snapshot()
            .organisations
            .contains_key(organisation.as_str())
        {
            return Err(StoreError::Account(format!(
                "organisation {organisation}: no such organisation"
            )));
        }
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::Account(
                "name: expected a few words saying what the token is for".into(),
            ));
        }
        let id = random_hex(8);
        let secret = random_hex(32);
        let info = TokenInfo {
            id: id.clone(),
            organisation: organisation.clone(),
            name: name.to_owned(),
            created_by: created_by.to_owned(),
            created_at: crate::store::now(),
            revoked_at: None,
        };
        let mut tx = self.pool().begin_with(self.backend().begin_write()).await?;
        sqlx::query(
            "INSERT INTO api_tokens (id, organisation, name, secret_hash, created_by, \
             created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, NULL)",
        )
        .bind(&info.id)
        .bind(info.organisation.to_string())
        .bind(&info.name)
        .bind(digest(&secret))
        .bind(&info.created_by)
        .bind(&info.created_at)
        .execute(&mut *tx)
        .await?;
        append_audit(
            &mut tx,
            created_by,
            "api_token",
            &info.id,
            AuditAction::Create,
            None,
            Some(&token_json(&info)),
        )
        .await?;
        tx.commit().await?;
        self.audited().await;
        tracing::info!(token = id, organisation = %organisation, "API token created");
        Ok((info, format!("agt_{id}_{secret}")))
    }

    /// The tokens of one organisation, or of all, newest first.
    pub async fn tokens(&self, organisation: Option<&Code>) -> Result<Vec<TokenInfo>, StoreError> {
        let mut q = String::from(
            "SELECT id, organisation, name, created_by, created_at, revoked_at FROM api_tokens",
        );
        if organisation.is_some() {
            q.push_str(" WHERE organisation = $1");
        }
        q.push_str(" ORDER BY created_at DESC, id");
        // Only fixed text is appended to the statement: values are bound.
        let mut query = sqlx::query(AssertSqlSafe(q));
        if let Some(org) = organisation {
            query = query.bind(org.to_string());
        }
        let rows = query.fetch_all(self.pool()).await?;
        rows.iter().map(token_from_row).collect()
    }

    /// Revokes a token; returns whether one was live.
    pub async fn revoke_token(&self, actor: &str, id: &str) -> Result<bool, StoreError> {
        let Some(before) = self.tokens(None).await?.into_iter().find(|t| t.id == id) else {
            return Ok(false);
        };
        if before.revoked_at.is_some() {
            return Ok(false);
        }
        let mut tx = self.pool().begin_with(self.backend().begin_write()).await?;
        let now = crate::store::now();
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(&now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        let after = TokenInfo {
            revoked_at: Some(now),
            ..before.clone()
        };
        append_audit(
            &mut tx,
            actor,
            "api_token",
            id,
            AuditAction::Update,
            Some(&token_json(&before)),
            Some(&token_json(&after)),
        )
        .await?;
        tx.commit().await?;
        self.audited().await;
        Ok(true)
    }

    /// The live token a presented value (`agt_<id>_<secret>`) is, if any.
    pub async fn token(&self, presented: &str) -> Result<Option<TokenInfo>, StoreError> {
        let Some((id, secret)) = presented
            .strip_prefix("agt_")
            .and_then(|rest| rest.split_once('_'))
        else {
            return Ok(None);
        };
        let row = sqlx::query(
            "SELECT id, organisation, name, created_by, created_at, revoked_at, secret_hash \
             FROM api_tokens WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let stored: String = row.try_get(6)?;
        let info = token_from_row(&row)?;
        Ok((same_secret(&stored, &digest(secret)) && info.revoked_at.is_none()).then_some(info))
    }
}

fn token_from_row(row: &AnyRow) -> Result<TokenInfo, StoreError> {
    let id: String = row.try_get(0)?;
    let org: String = row.try_get(1)?;
    Ok(TokenInfo {
        organisation: Code::parse(&org).map_err(|e| StoreError::Corrupt {
            kind: "api_token".into(),
            code: id.clone(),
            reason: e.phrase(),
        })?,
        name: row.try_get(2)?,
        created_by: row.try_get(3)?,
        created_at: row.try_get(4)?,
        revoked_at: row.try_get(5)?,
        id,
    })
}
