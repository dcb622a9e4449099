//! The error type of the store.

use agenda_core::integrity::Problem;

/// Everything that can go wrong when opening, reading or writing the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL has a scheme the store does not support. Nothing was created.
    #[error(
        "unsupported database URL scheme {scheme:?}: expected sqlite://PATH, sqlite:PATH, \
         postgres://… or postgresql://…"
    )]
    UnknownScheme {
        /// The scheme found (the text before the first `:`, empty when there is none).
        scheme: String,
    },
    /// The changes would leave the domain inconsistent; nothing was written.
    #[error("the change was refused: {} integrity problem(s), first: {}", .0.len(), .0.first().map(ToString::to_string).unwrap_or_default())]
    Invalid(Vec<Problem>),
    /// A stored row cannot be read back as an entity.
    #[error("stored {kind} {code:?} is unreadable: {reason}")]
    Corrupt {
        /// The stored kind name.
        kind: String,
        /// The stored code (key).
        code: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A migration failed; the database is left at the previous version.
    #[error("migration {version} ({name}) failed: {source}")]
    Migrate {
        /// Version of the failing migration.
        version: i64,
        /// Its name.
        name: &'static str,
        /// The database error.
        source: sqlx::Error,
    },
    /// The SQLite file or its directory could not be created.
    #[error("cannot create the SQLite database {path}: {source}")]
    Io {
        /// The file path.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// An edit started from a version of a record that is no longer the current one (or a
    /// create of a record that exists meanwhile); nothing was written.
    #[error(
        "{kind} {code:?} was changed by someone else: it is at version {current}, the edit started from {expected}"
    )]
    Conflict {
        /// The stored kind name.
        kind: String,
        /// The record's key.
        code: String,
        /// The version the edit started from (0: the record did not exist).
        expected: u64,
        /// The version stored now (0: the record does not exist).
        current: u64,
    },
    /// The policy does not allow the writer this change (in words for them); nothing was
    /// written.
    #[error("{0}")]
    Denied(String),
    /// An account, session or token operation was refused (unknown user, duplicate name…).
    #[error("{0}")]
    Account(String),
    /// Any other database error.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A background task failed (a bug, or a panic in the task).
    #[error("internal error: {0}")]
    Internal(String),
}
