//! Backups: a consistent copy of every lasting table in a file that either backend restores,
//! and the restore of such a file into an empty database.
//!
//! The file is JSON lines:
//!
//! 1. a header: `{"format": "agenda-backup", "version": 1, "schema": …, "tables": [{"name":
//!    …, "columns": […]}, …], …}`;
//! 2. one line per row: `{"table": "records", "row": [values in column order]}`, each value a
//!    string, an integer or `null`;
//! 3. an end marker: `{"end": {"rows": {table: count, …}, "blake3": …}}`, the hash being that
//!    of every byte before the marker, so a truncated or damaged file is refused.
//!
//! Sessions and failed sign-ins are left out: they are transient, and a restored copy of them
//! would only sign people in again. So are the anonymous forms' key and rate-limit log: the
//! restored database makes a key of its own, and a backup file holds no secret that signs.
//! Claims of background work are left out too: they only last while a message is sent.

use std::path::{Path, PathBuf};

use futures_util::TryStreamExt;
use serde_json::{Value, json};
use sqlx::{AssertSqlSafe, Row};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt};

use crate::audit::check_chain;
use crate::sql::Sql;
use crate::{AuditFault, Store, StoreError};

/// The header's `format`.
const FORMAT: &str = "agenda-backup";
/// The header's `version`: changes when the layout of the file changes.
const VERSION: u64 = 1;
/// Bound values per insert statement on restore (see the store's own limits).
const RESTORE_VALUES: usize = 30_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Type {
    Text,
    Int,
}

/// A table a backup holds, its columns and the order its rows are written in.
struct Table {
    name: &'static str,
    columns: &'static [(&'static str, Type)],
    order_by: &'static str,
}

use Type::{Int, Text};

/// Every table a backup holds, in the order they are written and restored.
const TABLES: &[Table] = &[
    Table {
        name: "records",
        columns: &[
            ("kind", Text),
            ("code", Text),
            ("body", Text),
            ("version", Int),
            ("updated_at", Text),
        ],
        order_by: "kind, code",
    },
    Table {
        name: "audit_log",
        columns: &[
            ("seq", Int),
            ("at", Text),
            ("actor", Text),
            ("kind", Text),
            ("code", Text),
            ("action", Text),
            ("before", Text),
            ("after", Text),
            ("prev_hash", Text),
            ("hash", Text),
        ],
        order_by: "seq",
    },
    Table {
        name: "audit_head",
        columns: &[("id", Int), ("seq", Int), ("hash", Text)],
        order_by: "id",
    },
    Table {
        name: "users",
        columns: &[
            ("username", Text),
            ("display_name", Text),
            ("email", Text),
            ("role", Text),
            ("organisation", Text),
            ("password_hash", Text),
            ("disabled", Int),
            ("created_at", Text),
        ],
        order_by: "username",
    },
    Table {
        name: "api_tokens",
        columns: &[
            ("id", Text),
            ("organisation", Text),
            ("name", Text),
            ("secret_hash", Text),
            ("created_by", Text),
            ("created_at", Text),
            ("revoked_at", Text),
        ],
        order_by: "id",
    },
    Table {
        name: "reminders_sent",
        columns: &[
            ("organisation", Text),
            ("item", Text),
            ("period", Text),
            ("kind", Text),
            ("sent_at", Text),
        ],
        order_by: "organisation, item, period, kind",
    },
    Table {
        name: "feedback",
        columns: &[
            ("id", Text),
            ("service", Text),
            ("useful", Int),
            ("comment", Text),
            ("lang", Text),
            ("created_at", Text),
            ("status", Text),
            ("answer", Text),
            ("answered_at", Text),
        ],
        order_by: "id",
    },
    Table {
        name: "agenda_versions",
        columns: &[
            ("major", Int),
            ("minor", Int),
            ("published_on", Text),
            ("published_at", Text),
            ("note", Text),
            ("snapshot_version", Int),
            ("content", Text),
        ],
        order_by: "major, minor",
    },
    Table {
        name: "subscriptions",
        columns: &[
            ("id", Text),
            ("email", Text),
            ("email_key", Text),
            ("scope", Text),
            ("lang", Text),
            ("created_at", Text),
            ("confirm_hash", Text),
            ("notice_sent_at", Text),
            ("confirmed_at", Text),
            ("last_seq", Int),
            ("last_digest_at", Text),
        ],
        order_by: "id",
    },
    Table {
        name: "participants",
        columns: &[
            ("id", Text),
            ("email", Text),
            ("email_key", Text),
            ("display_name", Text),
            ("sector", Text),
            ("lang", Text),
            ("created_at", Text),
            ("confirmed_at", Text),
            ("link_hash", Text),
            ("link_expires_at", Text),
            ("link_sent_at", Text),
        ],
        order_by: "id",
    },
    Table {
        name: "participant_sessions",
        columns: &[("hash", Text), ("participant", Text), ("expires_at", Text)],
        order_by: "hash",
    },
    Table {
        name: "participant_contributions",
        columns: &[("contribution", Text), ("participant", Text)],
        order_by: "contribution",
    },
    Table {
        name: "feedback_events",
        columns: &[
            ("feedback_id", Text),
            ("seq", Int),
            ("at", Text),
            ("actor", Text),
            ("status_from", Text),
            ("status_to", Text),
            ("answer", Text),
        ],
        order_by: "feedback_id, seq",
    },
];

impl Table {
    fn column_list(&self) -> String {
        self.columns
            .iter()
            .map(|(c, _)| *c)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The names of the tables a backup holds, in file order.
pub fn backup_tables() -> impl Iterator<Item = &'static str> {
    TABLES.iter().map(|t| t.name)
}

/// What a backup wrote or a restore read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    /// Rows per table, in file order.
    pub rows: Vec<(&'static str, u64)>,
    /// The sequence number of the audit chain's head.
    pub audit_seq: u64,
}

impl BackupSummary {
    /// Rows of `table` (0 for a table the backup does not hold).
    pub fn rows_of(&self, table: &str) -> u64 {
        self.rows
            .iter()
            .find(|(t, _)| *t == table)
            .map_or(0, |(_, n)| *n)
    }
}

/// Why a backup or a restore failed. A failed backup leaves no file; a failed restore leaves
/// the database as it was.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The backup file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The backup file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not a backup this version reads, or it is truncated or damaged.
    #[error("{path}, line {line}: {reason}; nothing was restored")]
    Format {
        /// The file.
        path: PathBuf,
        /// The line at fault, from 1.
        line: u64,
        /// What is wrong with it.
        reason: String,
    },
    /// The target database already holds data.
    #[error(
        "the database is not empty ({0}): a backup is restored only into a new, empty \
         database; nothing was restored"
    )]
    NotEmpty(String),
    /// The restored audit chain does not verify.
    #[error("the backup's audit chain does not verify: {0}; nothing was restored")]
    Chain(AuditFault),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for BackupError {
    fn from(e: sqlx::Error) -> BackupError {
        BackupError::Store(StoreError::Database(e))
    }
}

/// The file being written, removed when dropped unless it was moved into place.
struct Partial {
    path: PathBuf,
    kept: bool,
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Writes lines and hashes them.
struct Writer {
    out: tokio::io::BufWriter<tokio::fs::File>,
    hash: blake3::Hasher,
}

impl Writer {
    async fn line(&mut self, value: &impl serde::Serialize, hashed: bool) -> std::io::Result<()> {
        let mut bytes = serde_json::to_vec(value)?;
        bytes.push(b'\n');
        if hashed {
            self.hash.update(&bytes);
        }
        self.out.write_all(&bytes).await
    }
}

/// The first line. Fields are written in this order, the format first.
#[derive(serde::Serialize)]
struct Header<'a> {
    format: &'a str,
    version: u64,
    schema: i64,
    source: &'a str,
    created_at: String,
    audit_seq: u64,
    tables: Vec<TableHeader>,
}

#[derive(serde::Serialize)]
struct TableHeader {
    name: &'static str,
    columns: Vec<&'static str>,
}

/// A row's line, its table first.
#[derive(serde::Serialize)]
struct RowLine<'a> {
    table: &'a str,
    row: &'a [Value],
}

fn header_tables() -> Vec<TableHeader> {
    TABLES
        .iter()
        .map(|t| TableHeader {
            name: t.name,
            columns: t.columns.iter().map(|(c, _)| *c).collect(),
        })
        .collect()
}

impl Store {
    /// Writes a backup of the whole database to `path`, read in one read transaction so that
    /// it is consistent while writers go on. The file appears only once complete.
    pub async fn backup(&self, path: &Path) -> Result<BackupSummary, BackupError> {
        let write_err = |source| BackupError::Write {
            path: path.to_owned(),
            source,
        };
        let name = path.file_name().ok_or_else(|| {
            write_err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "not a file name",
            ))
        })?;
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        // In the same directory, so that the final rename is atomic.
        let mut partial = Partial {
            path: dir.join(format!(
                ".{}.partial-{}",
                name.to_string_lossy(),
                std::process::id()
            )),
            kept: false,
        };
        let file = tokio::fs::File::create(&partial.path)
            .await
            .map_err(write_err)?;
        let mut out = Writer {
            out: tokio::io::BufWriter::new(file),
            hash: blake3::Hasher::new(),
        };

        let mut tx = self.pool().begin_with(self.backend().begin_read()).await?;
        // On SQLite the first read fixes what the transaction sees: every table is read after.
        let audit_seq = sqlx::query("SELECT seq FROM audit_head WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?
            .try_get::<i64, _>(0)? as u64;
        let header = Header {
            format: FORMAT,
            version: VERSION,
            schema: crate::MIGRATIONS.last().map_or(0, |m| m.version),
            source: self.backend().as_str(),
            created_at: crate::store::now(),
            audit_seq,
            tables: header_tables(),
        };
        out.line(&header, true).await.map_err(write_err)?;
        let mut rows = Vec::with_capacity(TABLES.len());
        for table in TABLES {
            let sql = format!(
                "SELECT {} FROM {} ORDER BY {}",
                table.column_list(),
                table.name,
                table.order_by
            );
            let mut stream = sqlx::query(AssertSqlSafe(sql)).fetch(&mut *tx);
            let mut count = 0u64;
            while let Some(row) = stream.try_next().await? {
                let mut values = Vec::with_capacity(table.columns.len());
                for (i, (_, ty)) in table.columns.iter().enumerate() {
                    values.push(match ty {
                        Text => row
                            .try_get::<Option<String>, _>(i)?
                            .map_or(Value::Null, Value::from),
                        Int => row
                            .try_get::<Option<i64>, _>(i)?
                            .map_or(Value::Null, Value::from),
                    });
                }
                out.line(
                    &RowLine {
                        table: table.name,
                        row: &values,
                    },
                    true,
                )
                .await
                .map_err(write_err)?;
                count += 1;
            }
            rows.push((table.name, count));
        }
        drop(tx);

        let counts: serde_json::Map<String, Value> = rows
            .iter()
            .map(|(t, n)| ((*t).to_owned(), Value::from(*n)))
            .collect();
        let checksum = out.hash.finalize().to_hex().to_string();
        out.line(&json!({"end": {"rows": counts, "blake3": checksum}}), false)
            .await
            .map_err(write_err)?;
        out.out.flush().await.map_err(write_err)?;
        let file = out.out.into_inner();
        file.sync_all().await.map_err(write_err)?;
        drop(file);
        tokio::fs::rename(&partial.path, path)
            .await
            .map_err(write_err)?;
        partial.kept = true;
        // Make the rename itself durable; not every platform can open a directory.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(BackupSummary { rows, audit_seq })
    }

    /// Restores the backup at `path` into this database, which must be empty (no entity, no
    /// audit record, no user, no token, no reminder). Everything happens in one transaction
    /// that commits only when the whole file was read, its checksum matches and the restored
    /// audit chain verifies; otherwise the database is left as it was.
    pub async fn restore(&self, path: &Path) -> Result<BackupSummary, BackupError> {
        let file = tokio::fs::File::open(path)
            .await
            .map_err(|source| BackupError::Read {
                path: path.to_owned(),
                source,
            })?;
        let _writer = self.lock_writer().await;
        let mut tx = self.pool().begin_with(self.backend().begin_write()).await?;
        // Touching the head first takes the lock every writer takes, on both backends.
        sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1")
            .execute(&mut *tx)
            .await?;
        for table in TABLES {
            let sql = match table.name {
                "audit_head" => "SELECT COUNT(*) FROM audit_head WHERE seq <> 0".to_owned(),
                name => format!("SELECT COUNT(*) FROM {name}"),
            };
            let n: i64 = sqlx::query(AssertSqlSafe(sql))
                .fetch_one(&mut *tx)
                .await?
                .try_get(0)?;
            if n > 0 {
                return Err(BackupError::NotEmpty(match table.name {
                    "audit_head" => "the audit chain head is not at 0".to_owned(),
                    name => format!("{name} holds {n} row{}", if n == 1 { "" } else { "s" }),
                }));
            }
        }
        // The backup brings its own head.
        sqlx::query("DELETE FROM audit_head")
            .execute(&mut *tx)
            .await?;

        let restored = read_into(self, path, file, &mut tx).await?;
        let check = check_chain(&mut tx).await?;
        if let Some(fault) = check.fault {
            return Err(BackupError::Chain(fault));
        }
        tx.commit().await?;
        self.reload().await?;
        Ok(BackupSummary {
            rows: restored,
            audit_seq: check.head_seq,
        })
    }
}

/// Reads the file line by line into the open transaction; returns the rows per table.
async fn read_into(
    store: &Store,
    path: &Path,
    file: tokio::fs::File,
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
) -> Result<Vec<(&'static str, u64)>, BackupError> {
    let bad = |line: u64, reason: String| BackupError::Format {
        path: path.to_owned(),
        line,
        reason,
    };
    // A row the database refuses (a duplicate key, say) is named by its lines too.
    let refused = |from: u64, to: u64, e: sqlx::Error| {
        bad(
            from,
            format!("the database refused the rows of lines {from} to {to}: {e}"),
        )
    };
    let mut reader = tokio::io::BufReader::new(file);
    let mut hash = blake3::Hasher::new();
    let mut counts = vec![0u64; TABLES.len()];
    // Rows waiting to be inserted, all of one table.
    let mut pending: Vec<Vec<Value>> = Vec::new();
    let mut pending_table = 0usize;
    let mut pending_from = 0u64;
    let mut end: Option<(u64, Value)> = None;
    let mut buf = Vec::new();
    let mut line = 0u64;
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .await
            .map_err(|source| BackupError::Read {
                path: path.to_owned(),
                source,
            })?;
        if n == 0 {
            break;
        }
        line += 1;
        if end.is_some() {
            return Err(bad(line, "text follows the end marker".into()));
        }
        if buf.last() != Some(&b'\n') {
            return Err(bad(
                line,
                "the line is cut short: the file is truncated".into(),
            ));
        }
        let value: Value = serde_json::from_slice(&buf[..buf.len() - 1]).map_err(|e| {
            bad(
                line,
                format!("not a valid backup line ({e}): the file is damaged"),
            )
        })?;
        if line == 1 {
            check_header(&value).map_err(|r| bad(1, r))?;
            hash.update(&buf);
            continue;
        }
        if let Some(marker) = value.get("end") {
            end = Some((line, marker.clone()));
            continue;
        }
        hash.update(&buf);
        let (index, row) = parse_row(&value).map_err(|r| bad(line, r))?;
        if index != pending_table || pending.len() * TABLES[index].columns.len() >= RESTORE_VALUES {
            insert(store, tx, &TABLES[pending_table], &pending)
                .await
                .map_err(|e| refused(pending_from, line - 1, e))?;
            pending.clear();
            pending_table = index;
        }
        if pending.is_empty() {
            pending_from = line;
        }
        pending.push(row);
        counts[index] += 1;
    }
    let last_row = end.as_ref().map_or(line, |(l, _)| l - 1);
    insert(store, tx, &TABLES[pending_table], &pending)
        .await
        .map_err(|e| refused(pending_from, last_row, e))?;
    if line == 0 {
        return Err(bad(1, "the file is empty".into()));
    }
    let Some((end_line, marker)) = end else {
        return Err(bad(
            line + 1,
            "the file ends without its end marker: it is truncated".into(),
        ));
    };
    let checksum = hash.finalize().to_hex().to_string();
    if marker.get("blake3").and_then(Value::as_str) != Some(checksum.as_str()) {
        return Err(bad(
            end_line,
            "the content does not match the checksum of the end marker: the file is damaged".into(),
        ));
    }
    let rows: Vec<(&'static str, u64)> = TABLES.iter().map(|t| t.name).zip(counts).collect();
    for (table, n) in &rows {
        let said = marker
            .get("rows")
            .and_then(|r| r.get(*table))
            .and_then(Value::as_u64);
        if said != Some(*n) {
            return Err(bad(
                end_line,
                format!("the end marker counts {said:?} rows of {table}, the file holds {n}"),
            ));
        }
    }
    Ok(rows)
}

fn check_header(value: &Value) -> Result<(), String> {
    if value.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(format!(
            "not an agenda backup (the first line does not name the format {FORMAT:?})"
        ));
    }
    let version = value.get("version").and_then(Value::as_u64);
    if version != Some(VERSION) {
        return Err(format!(
            "backup format version {version:?}; this version of agenda reads version {VERSION}"
        ));
    }
    let expected = serde_json::to_value(header_tables()).unwrap_or_default();
    if value.get("tables") != Some(&expected) {
        return Err(format!(
            "the backup's tables and columns differ from this version's: expected {expected}"
        ));
    }
    Ok(())
}

fn parse_row(value: &Value) -> Result<(usize, Vec<Value>), String> {
    let name = value
        .get("table")
        .and_then(Value::as_str)
        .ok_or("a row without its table name")?;
    let index = TABLES
        .iter()
        .position(|t| t.name == name)
        .ok_or_else(|| format!("unknown table {name:?}"))?;
    let table = &TABLES[index];
    let row = value
        .get("row")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("a row of {name} without its values"))?;
    if row.len() != table.columns.len() {
        return Err(format!(
            "a row of {name} has {} values, expected {}",
            row.len(),
            table.columns.len()
        ));
    }
    for ((column, ty), v) in table.columns.iter().zip(row) {
        let fits = match ty {
            Text => v.is_string() || v.is_null(),
            Int => v.is_i64() || v.is_null(),
        };
        if !fits {
            let expected = match ty {
                Text => "text",
                Int => "an integer",
            };
            return Err(format!("{name}.{column} is {v}, expected {expected}"));
        }
    }
    Ok((index, row.clone()))
}

/// Inserts `rows` of `table` in one statement.
async fn insert(
    store: &Store,
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    table: &Table,
    rows: &[Vec<Value>],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut q = Sql::new(
        store.backend(),
        &format!(
            "INSERT INTO {} ({}) VALUES ",
            table.name,
            table.column_list()
        ),
    );
    for (r, row) in rows.iter().enumerate() {
        q.push(if r == 0 { "(" } else { ", (" });
        for (i, ((_, ty), v)) in table.columns.iter().zip(row).enumerate() {
            if i > 0 {
                q.push(", ");
            }
            match ty {
                Text => q.bind(v.as_str().map(str::to_owned)),
                Int => q.bind(v.as_i64()),
            };
        }
        q.push(")");
    }
    q.execute(tx).await?;
    Ok(())
}
