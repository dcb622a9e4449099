//! Schema migrations: embedded SQL files, one folder per backend with matching names, applied
//! in order at open and recorded in `schema_migrations`. An applied migration is never
//! edited; a change of schema is a new file in both folders.

use sqlx::{AnyPool, AssertSqlSafe, Row};

use crate::{Backend, StoreError};

/// One migration, with its SQL for each backend.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// Version, increasing from 1.
    pub version: i64,
    /// File name without the version and extension.
    pub name: &'static str,
    /// SQL for SQLite (`migrations/sqlite/`).
    pub sqlite: &'static str,
    /// SQL for PostgreSQL (`migrations/postgres/`).
    pub postgres: &'static str,
}

impl Migration {
    /// The SQL for `backend`.
    pub fn sql(&self, backend: Backend) -> &'static str {
        match backend {
            Backend::Sqlite => self.sqlite,
            Backend::Postgres => self.postgres,
        }
    }
}

/// Every migration, in order.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "init",
        sqlite: include_str!("../migrations/sqlite/0001_init.sql"),
        postgres: include_str!("../migrations/postgres/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "accounts",
        sqlite: include_str!("../migrations/sqlite/0002_accounts.sql"),
        postgres: include_str!("../migrations/postgres/0002_accounts.sql"),
    },
    Migration {
        version: 3,
        name: "feedback",
        sqlite: include_str!("../migrations/sqlite/0003_feedback.sql"),
        postgres: include_str!("../migrations/postgres/0003_feedback.sql"),
    },
    Migration {
        version: 4,
        name: "versions",
        sqlite: include_str!("../migrations/sqlite/0004_versions.sql"),
        postgres: include_str!("../migrations/postgres/0004_versions.sql"),
    },
    Migration {
        version: 5,
        name: "subscriptions",
        sqlite: include_str!("../migrations/sqlite/0005_subscriptions.sql"),
        postgres: include_str!("../migrations/postgres/0005_subscriptions.sql"),
    },
    Migration {
        version: 6,
        name: "tickets",
        sqlite: include_str!("../migrations/sqlite/0006_tickets.sql"),
        postgres: include_str!("../migrations/postgres/0006_tickets.sql"),
    },
    Migration {
        version: 7,
        name: "login_throttle",
        sqlite: include_str!("../migrations/sqlite/0007_login_throttle.sql"),
        postgres: include_str!("../migrations/postgres/0007_login_throttle.sql"),
    },
    Migration {
        version: 8,
        name: "job_claims",
        sqlite: include_str!("../migrations/sqlite/0008_job_claims.sql"),
        postgres: include_str!("../migrations/postgres/0008_job_claims.sql"),
    },
    Migration {
        version: 9,
        name: "participants",
        sqlite: include_str!("../migrations/sqlite/0009_participants.sql"),
        postgres: include_str!("../migrations/postgres/0009_participants.sql"),
    },
];

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (\
     version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";

/// Applies the migrations `pool` has not seen yet; returns how many were applied.
pub(crate) async fn run(pool: &AnyPool, backend: Backend) -> Result<usize, StoreError> {
    run_up_to(pool, backend, i64::MAX).await
}

/// Applies the migrations `pool` has not seen yet, up to version `last`.
pub(crate) async fn run_up_to(
    pool: &AnyPool,
    backend: Backend,
    last: i64,
) -> Result<usize, StoreError> {
    sqlx::query(CREATE_TABLE).execute(pool).await?;
    let mut applied = 0;
    for m in MIGRATIONS.iter().take_while(|m| m.version <= last) {
        let mut tx = pool.begin_with(backend.begin_write()).await?;
        if backend == Backend::Postgres {
            // Two processes starting at once must not both apply the same migration.
            sqlx::query("LOCK TABLE schema_migrations IN EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await?;
        }
        let done = sqlx::query("SELECT COUNT(*) FROM schema_migrations WHERE version = $1")
            .bind(m.version)
            .fetch_one(&mut *tx)
            .await?
            .try_get::<i64, _>(0)?;
        if done > 0 {
            tx.rollback().await?;
            continue;
        }
        let fail = |source| StoreError::Migrate {
            version: m.version,
            name: m.name,
            source,
        };
        sqlx::raw_sql(AssertSqlSafe(m.sql(backend)))
            .execute(&mut *tx)
            .await
            .map_err(fail)?;
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(m.version)
        .bind(m.name)
        .bind(crate::store::now())
        .execute(&mut *tx)
        .await
        .map_err(fail)?;
        tx.commit().await?;
        tracing::info!(
            migration.version = m.version,
            migration.name = m.name,
            "migration applied"
        );
        applied += 1;
    }
    Ok(applied)
}
