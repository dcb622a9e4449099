//! Published versions of the agenda: recorded whole, numbered in order, chained in the audit
//! log. What a version holds and how two compare is `agenda_core::versions`.

use agenda_core::versions::{VersionContent, VersionNumber};
use agenda_core::{Date, Snapshot, Text};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::store::{append_audit, head_seq, now};
use crate::{AuditAction, Store, StoreError};

/// A published version, without its content.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionInfo {
    /// Its number.
    pub number: VersionNumber,
    /// The day it counts from.
    pub published_on: Date,
    /// When it was recorded (RFC 3339).
    pub published_at: String,
    /// What the publication is about.
    pub note: Option<Text>,
    /// The snapshot version its content was taken from.
    pub snapshot_version: u64,
}

/// What [`Store::publish_version`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum Published {
    /// A new version was recorded.
    New(VersionInfo),
    /// The plan is the same as in the latest version, whose number this is: nothing recorded.
    Unchanged(VersionNumber),
}

const COLUMNS: &str = "major, minor, published_on, published_at, note, snapshot_version";

fn info_from_row(row: &AnyRow) -> Result<VersionInfo, StoreError> {
    let corrupt = |reason: String| StoreError::Corrupt {
        kind: "agenda_version".into(),
        code: format!(
            "{}.{}",
            row.try_get::<i64, _>(0).unwrap_or(-1),
            row.try_get::<i64, _>(1).unwrap_or(-1)
        ),
        reason,
    };
    let major: i64 = row.try_get(0)?;
    let minor: i64 = row.try_get(1)?;
    let number = VersionNumber {
        major: u32::try_from(major).map_err(|e| corrupt(e.to_string()))?,
        minor: u32::try_from(minor).map_err(|e| corrupt(e.to_string()))?,
    };
    let on: String = row.try_get(2)?;
    let note: Option<String> = row.try_get(4)?;
    Ok(VersionInfo {
        number,
        published_on: Date::parse(&on).map_err(|e| corrupt(e.to_string()))?,
        published_at: row.try_get(3)?,
        note: note
            .map(|n| serde_json::from_str(&n))
            .transpose()
            .map_err(|e| corrupt(e.to_string()))?,
        snapshot_version: u64::try_from(row.try_get::<i64, _>(5)?).unwrap_or(0),
    })
}

impl Store {
    /// Every published version, oldest first.
    pub async fn versions(&self) -> Result<Vec<VersionInfo>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM agenda_versions ORDER BY major, minor"
        )))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(info_from_row).collect()
    }

    /// The content of version `number`, `None` when there is no such version.
    pub async fn version_content(
        &self,
        number: VersionNumber,
    ) -> Result<Option<VersionContent>, StoreError> {
        let row =
            sqlx::query("SELECT content FROM agenda_versions WHERE major = $1 AND minor = $2")
                .bind(i64::from(number.major))
                .bind(i64::from(number.minor))
                .fetch_optional(self.pool())
                .await?;
        let Some(row) = row else { return Ok(None) };
        let json: String = row.try_get(0)?;
        serde_json::from_str(&json)
            .map(Some)
            .map_err(|e| StoreError::Corrupt {
                kind: "agenda_version".into(),
                code: number.to_string(),
                reason: e.to_string(),
            })
    }

    /// Publishes the agenda as it stands: `content` is taken from the current snapshot under
    /// the writer lock, so it is exactly the plan of the snapshot version recorded with it.
    /// The number follows the latest (`major`: the next whole number). Nothing is recorded
    /// when the content equals the latest version's. Two servers publishing at once cannot
    /// both take the same number: the second is refused by the primary key.
    pub async fn publish_version(
        &self,
        actor: &str,
        published_on: Date,
        note: Option<&Text>,
        major: bool,
        content: impl FnOnce(&Snapshot) -> VersionContent,
    ) -> Result<Published, StoreError> {
        let _writer = self.lock_writer().await;
        let mut tx = self.pool().begin_with(self.backend().begin_write()).await?;
        // The write lock of every server first, then the plan as committed: another server
        // may have written since this one's snapshot.
        sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1")
            .execute(&mut *tx)
            .await?;
        let head = head_seq(&mut tx).await?;
        let snapshot = self.catch_up_in(&mut tx, head).await?;
        let content = content(&snapshot);
        let json =
            serde_json::to_string(&content).map_err(|e| StoreError::Internal(e.to_string()))?;
        let latest = sqlx::query(
            "SELECT major, minor, content FROM agenda_versions \
             ORDER BY major DESC, minor DESC LIMIT 1",
        )
        .fetch_optional(&mut *tx)
        .await?;
        let latest = match latest {
            Some(row) => {
                let number = VersionNumber {
                    major: u32::try_from(row.try_get::<i64, _>(0)?).unwrap_or(0),
                    minor: u32::try_from(row.try_get::<i64, _>(1)?).unwrap_or(0),
                };
                let stored: String = row.try_get(2)?;
                // Compared as content, not as text, so a different key order is no change.
                if serde_json::from_str::<VersionContent>(&stored)
                    .ok()
                    .as_ref()
                    == Some(&content)
                {
                    return Ok(Published::Unchanged(number));
                }
                Some(number)
            }
            None => None,
        };
        let number = VersionNumber::next(latest, major);
        let note_json = note
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| StoreError::Internal(e.to_string()))?;
        let at = now();
        let info = VersionInfo {
            number,
            published_on,
            published_at: at.clone(),
            note: note.cloned(),
            snapshot_version: snapshot.version,
        };
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO agenda_versions ({COLUMNS}, content) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        )))
        .bind(i64::from(number.major))
        .bind(i64::from(number.minor))
        .bind(published_on.to_string())
        .bind(&at)
        .bind(note_json.as_deref())
        .bind(i64::try_from(snapshot.version).unwrap_or(i64::MAX))
        .bind(&json)
        .execute(&mut *tx)
        .await?;
        // The audit record names the version and the hash of its content, not the content.
        let after = serde_json::json!({
            "published_on": published_on.to_string(),
            "snapshot_version": snapshot.version,
            "content_blake3": blake3::hash(json.as_bytes()).to_hex().to_string(),
        })
        .to_string();
        append_audit(
            &mut tx,
            actor,
            "agenda_version",
            &number.to_string(),
            AuditAction::Create,
            None,
            Some(&after),
        )
        .await?;
        let head: i64 = sqlx::query("SELECT seq FROM audit_head WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        tx.commit().await?;
        // Pages show the versions: their caches must see a new one as a change.
        self.set_snapshot_version(u64::try_from(head).unwrap_or(0));
        tracing::info!(version = %number, snapshot = snapshot.version, "published the agenda");
        Ok(Published::New(info))
    }
}
