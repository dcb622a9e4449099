//! Databases to run storage tests on: always a fresh SQLite file, plus a fresh PostgreSQL
//! database when `AGENDA_TEST_POSTGRES_URL` is set. Each is removed when dropped.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use agenda_core::sdg::SdgFramework;
use sqlx::{AnyConnection, AssertSqlSafe, Connection, Executor};

use crate::{Backend, Store, StoreError};

/// The variable naming the PostgreSQL server to test on, e.g.
/// `postgres://postgres@127.0.0.1:5432/test`. Tests create and drop databases there.
pub const POSTGRES_ENV: &str = "AGENDA_TEST_POSTGRES_URL";

/// A throw-away database for one test.
#[derive(Debug)]
pub struct TestDb {
    backend: Backend,
    url: String,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<DropDatabase>,
}

#[derive(Debug)]
struct DropDatabase {
    admin_url: String,
    name: String,
}

impl TestDb {
    /// Its backend.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Its URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Opens a store on it with an empty SDG framework.
    pub async fn open(&self) -> Result<Store, StoreError> {
        Store::open(&self.url, Arc::new(SdgFramework::default())).await
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(DropDatabase { admin_url, name }) = self.postgres.take() else {
            return;
        };
        // Drop may run inside a runtime, which cannot be blocked on: use a thread of its own.
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            rt.block_on(async {
                let mut conn = AnyConnection::connect(&admin_url).await?;
                conn.execute(AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .await?;
                conn.close().await
            })
            .map_err(|e| e.to_string())
        })
        .join();
        if let Ok(Err(e)) | Err(e) = dropped.map_err(|_| "panicked".to_owned()) {
            eprintln!("could not drop the test database: {e}");
        }
    }
}

/// Adds an account as stored, without the cost of hashing a password (it cannot sign in):
/// for tests of what reads accounts, such as whom reminders are written to.
pub async fn insert_account(
    store: &Store,
    username: &str,
    email: Option<&str>,
    role: &str,
    organisation: Option<&str>,
    disabled: bool,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO users (username, display_name, email, role, organisation, password_hash, \
         disabled, created_at) VALUES ($1, $1, $2, $3, $4, 'none', $5, '2026-01-01T00:00:00Z')",
    )
    .bind(username)
    .bind(email)
    .bind(role)
    .bind(organisation)
    .bind(i64::from(disabled))
    .execute(store.pool())
    .await?;
    Ok(())
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// The databases a storage test should run on: a fresh SQLite file, and a fresh PostgreSQL
/// database when [`POSTGRES_ENV`] is set. Says on stderr when PostgreSQL is skipped.
///
/// # Panics
///
/// When the PostgreSQL server named by [`POSTGRES_ENV`] cannot be reached: a test run that
/// asks for PostgreSQL must not pass without it.
pub async fn test_databases() -> Vec<TestDb> {
    sqlx::any::install_default_drivers();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}", dir.path().join("agenda.db").display());
    let mut dbs = vec![TestDb {
        backend: Backend::Sqlite,
        url,
        _dir: Some(dir),
        postgres: None,
    }];
    match std::env::var(POSTGRES_ENV) {
        Ok(admin_url) if !admin_url.trim().is_empty() => {
            dbs.push(postgres_database(admin_url.trim()).await);
        }
        _ => {
            // Written to the real stderr, past the test harness's capture, so a run that
            // silently covers only SQLite is visible.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED on PostgreSQL: {POSTGRES_ENV} is not set"
            );
        }
    }
    dbs
}

async fn postgres_database(admin_url: &str) -> TestDb {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    let name = format!(
        "agenda_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        nanos
    );
    let mut conn = AnyConnection::connect(admin_url)
        .await
        .unwrap_or_else(|e| panic!("{POSTGRES_ENV}: cannot connect: {e}"));
    conn.execute(AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await
        .unwrap_or_else(|e| panic!("{POSTGRES_ENV}: cannot create database {name}: {e}"));
    let _ = conn.close().await;
    TestDb {
        backend: Backend::Postgres,
        url: with_database(admin_url, &name),
        _dir: None,
        postgres: Some(DropDatabase {
            admin_url: admin_url.to_owned(),
            name,
        }),
    }
}

/// `url` with its database name (the path) replaced by `name`, keeping any query.
fn with_database(url: &str, name: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
    let (before_query, query) = match rest.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (rest, None),
    };
    let authority = before_query.split('/').next().unwrap_or(before_query);
    match query {
        Some(q) => format!("{scheme}://{authority}/{name}?{q}"),
        None => format!("{scheme}://{authority}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_name_is_replaced() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgresql://u:p@h?sslmode=disable", "x"),
            "postgresql://u:p@h/x?sslmode=disable"
        );
    }
}
