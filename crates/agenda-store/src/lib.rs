//! `agenda-store`: persistence of the agenda domain on SQLite or PostgreSQL.
//!
//! One code path serves both databases through sqlx's `Any` driver; the few dialect
//! differences live in [`Backend`]. Every entity is a JSON row of `records`; every write
//! appends hash-chained rows to `audit_log`. Reads never touch the database: [`Store`] keeps
//! the whole domain as an immutable [`agenda_core::Snapshot`] and publishes a new one after
//! each commit.

pub mod accounts;
mod audit;
mod backend;
mod backup;
mod error;
pub mod feedback;
pub mod jobs;
mod migrate;
pub mod participants;
mod snapfile;
mod sql;
mod store;
pub mod subscriptions;
pub mod versions;

#[cfg(any(test, feature = "testing"))]
pub mod testing;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod accounts_tests;
#[cfg(test)]
mod audit_tests;
#[cfg(test)]
mod backup_tests;
#[cfg(test)]
mod cluster_tests;
#[cfg(test)]
mod feedback_tests;
#[cfg(test)]
mod jobs_tests;
#[cfg(test)]
mod migrate_tests;
#[cfg(test)]
mod participants_tests;
#[cfg(test)]
mod snapfile_tests;
#[cfg(test)]
mod subscriptions_tests;
#[cfg(test)]
mod versions_tests;

pub use accounts::{Account, LoginRefused, NewAccount, NewSession, Session, TokenInfo};
pub use audit::{
    AuditAction, AuditCheck, AuditFault, AuditProblem, AuditRecord, AuditRowId, GENESIS_HASH,
    audit_hash,
};
pub use backend::{Backend, redact_url};
pub use backup::{BackupError, BackupSummary, backup_tables};
pub use error::StoreError;
pub use jobs::{Claim, DigestClaim, Job, ReminderAddress, ReminderClaim, ReminderKey};
pub use migrate::{MIGRATIONS, Migration};
pub use snapfile::default_path as default_snapshot_file;
pub use store::{ApplyOutcome, Store, Writer};
pub use versions::{Published, VersionInfo};
