//! The store: opening a database, loading the snapshot, applying changes atomically with
//! their audit records, and reading the audit trail back.

use std::collections::{BTreeMap, HashMap, hash_map};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Instant;

use agenda_core::integrity::problems_after;
use agenda_core::policy::{Actor, may_apply_on};
use agenda_core::sdg::SdgFramework;
use agenda_core::values::Date;
use agenda_core::{Change, Entity, Kind, Snapshot};
use futures_util::TryStreamExt;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};

use crate::audit::{AuditAction, AuditCheck, AuditRecord, audit_hash_raw, check_chain};
use crate::backend::{Backend, create_sqlite_file, redact_url, sqlite_path};
use crate::sql::Sql;
use crate::{StoreError, migrate, snapfile};

/// Rows per multi-row statement, keeping bound parameters under ~30,000 (PostgreSQL allows
/// 65,535 per statement, SQLite as built by sqlx 32,766).
const UPSERT_ROWS: usize = 30_000 / 4;
const DELETE_ROWS: usize = 20_000;
const AUDIT_ROWS: usize = 30_000 / 10;
/// Rows handed at once from the database reader to the parser when loading.
const LOAD_CHUNK: usize = 8_192;
/// Up to how many records a write answers the new versions of.
const VERSIONS_ANSWERED: usize = 1_000;
/// Changed entities checked at once.
const CHECK_CHUNK: usize = 10_000;

const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; \
     PRAGMA busy_timeout=5000; PRAGMA synchronous=NORMAL";

/// The current time as stored: RFC 3339 in UTC with microseconds.
pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

async fn version_in<'e, E>(executor: E, kind: Kind, key: &str) -> Result<Option<u64>, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row = sqlx::query("SELECT version FROM records WHERE kind = $1 AND code = $2")
        .bind(kind.as_str())
        .bind(key)
        .fetch_optional(executor)
        .await?;
    Ok(row
        .map(|r| r.try_get::<i64, _>(0))
        .transpose()?
        .map(|v| v as u64))
}

async fn check_versions(
    conn: &mut sqlx::AnyConnection,
    expected: &[(Kind, String, u64)],
) -> Result<(), StoreError> {
    for (kind, key, want) in expected {
        let current = version_in(&mut *conn, *kind, key).await?.unwrap_or(0);
        if current != *want {
            return Err(StoreError::Conflict {
                kind: kind.as_str().to_owned(),
                code: key.clone(),
                expected: *want,
                current,
            });
        }
    }
    Ok(())
}

/// The committed audit head as `conn` sees it.
pub(crate) async fn head_seq(conn: &mut sqlx::AnyConnection) -> Result<u64, StoreError> {
    let seq: i64 = sqlx::query("SELECT seq FROM audit_head WHERE id = 1")
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    Ok(seq as u64)
}

/// The channel on which PostgreSQL tells every listening server of a commit.
const CHANGES_CHANNEL: &str = "agenda_changes";

/// On PostgreSQL, queues a notification of the new head, delivered when `conn`'s transaction
/// commits (and never if it rolls back); nothing on SQLite, whose servers poll.
async fn notify(conn: &mut sqlx::AnyConnection, head: u64) -> Result<(), StoreError> {
    if conn.backend_name() == "PostgreSQL" {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANGES_CHANNEL)
            .bind(head.to_string())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// A listener of [`CHANGES_CHANNEL`], or `None` (logged) when it cannot be had now.
async fn listen(url: &str) -> Option<sqlx::postgres::PgListener> {
    let attempt = async {
        let mut l = sqlx::postgres::PgListener::connect(url).await?;
        l.listen(CHANGES_CHANNEL).await?;
        Ok::<_, sqlx::Error>(l)
    };
    match attempt.await {
        Ok(l) => Some(l),
        Err(e) => {
            tracing::warn!(error = %e, "cannot listen for changes; following the audit log by polling");
            None
        }
    }
}

/// Applies audit records `(kind, code, after)` in order to `snapshot`. Records of what is
/// not an entity (accounts, tokens, published versions) change no entity.
fn replay(
    mut snapshot: Snapshot,
    records: Vec<(String, String, Option<String>)>,
) -> Result<Snapshot, StoreError> {
    for (kind, code, after) in records {
        let Some(k) = Kind::parse(&kind) else {
            continue;
        };
        match after {
            Some(body) => {
                let entity = Entity::from_json(k, &body).map_err(|e| StoreError::Corrupt {
                    kind: kind.clone(),
                    code: code.clone(),
                    reason: format!("bad JSON in the audit log: {e}"),
                })?;
                snapshot.upsert(entity);
            }
            None => {
                snapshot.remove(k, &code);
            }
        }
    }
    Ok(snapshot)
}

/// Appends one audit record in `tx`, after the head; for changes of accounts (`account`) and
/// API tokens (`api_token`), committed with them. They are chained like every change, so
/// `audit verify` covers them, but they are not entities: [`Store::audit_records`] leaves
/// them out.
pub(crate) async fn append_audit(
    tx: &mut sqlx::AnyConnection,
    actor: &str,
    kind: &str,
    code: &str,
    action: AuditAction,
    before: Option<&str>,
    after: Option<&str>,
) -> Result<(), StoreError> {
    let row = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut *tx)
        .await?;
    let seq: i64 = row.try_get(0)?;
    let prev: String = row.try_get(1)?;
    let at = now();
    let hash = audit_hash_raw(
        &prev,
        seq as u64,
        &at,
        actor,
        kind,
        code,
        action.as_str(),
        before,
        after,
    )
    .to_hex()
    .to_string();
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor, kind, code, action, before, after, prev_hash, \
         hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(seq)
    .bind(&at)
    .bind(actor)
    .bind(kind)
    .bind(code)
    .bind(action.as_str())
    .bind(before)
    .bind(after)
    .bind(&prev)
    .bind(&hash)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&hash)
        .execute(&mut *tx)
        .await?;
    notify(tx, seq as u64).await?;
    Ok(())
}

/// What [`Store::apply`] did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApplyOutcome {
    /// Entities created.
    pub created: usize,
    /// Entities whose body changed.
    pub updated: usize,
    /// Entities removed.
    pub deleted: usize,
    /// The snapshot version after the call (unchanged when nothing changed).
    pub version: u64,
    /// The stored version of every record this call created or updated, as its own write
    /// left it: what a client must send back to change it again.
    pub records: Vec<(Kind, String, u64)>,
}

impl ApplyOutcome {
    /// How many entities changed in all.
    pub fn changed(&self) -> usize {
        self.created + self.updated + self.deleted
    }

    /// The version this call gave the record of `kind` and `key`, if it wrote it.
    pub fn record_version(&self, kind: Kind, key: &str) -> Option<u64> {
        self.records
            .iter()
            .find(|(k, c, _)| *k == kind && c == key)
            .map(|(_, _, v)| *v)
    }
}

/// Who asks for a write, as the policy sees them: every write through [`Store::apply_as`] is
/// decided against the latest committed state, inside the database's write lock.
#[derive(Debug, Clone)]
pub struct Writer {
    /// The name recorded in the audit trail.
    pub name: String,
    /// The actor the policy decides for; `None` for the platform's own tools (import, the
    /// command line), which act as the administrator.
    pub actor: Option<Actor>,
    /// The day the policy is told, for rules that depend on it (open consultations).
    pub today: Option<Date>,
}

impl Writer {
    /// A person or token, decided by the policy.
    pub fn actor(name: &str, actor: Actor, today: Option<Date>) -> Writer {
        Writer {
            name: name.to_owned(),
            actor: Some(actor),
            today,
        }
    }

    /// The platform's own tools.
    pub fn system(name: &str) -> Writer {
        Writer {
            name: name.to_owned(),
            actor: None,
            today: None,
        }
    }
}

/// The persistent domain: a database plus the snapshot of its current content.
///
/// Cloning is cheap and every clone shares the same database and snapshot.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    pool: AnyPool,
    backend: Backend,
    url: String,
    /// The URL with its credentials, for the change listener's own connection.
    connect_url: String,
    snapshot: RwLock<Arc<Snapshot>>,
    /// Serialises writers, so each builds on the snapshot the previous one published.
    writer: tokio::sync::Mutex<()>,
    /// The snapshot file, when the store keeps one.
    file: Option<SnapshotFile>,
}

struct SnapshotFile {
    path: PathBuf,
    /// The version the file holds (0: none usable).
    saved: std::sync::atomic::AtomicU64,
    /// One write of the file at a time.
    saving: tokio::sync::Mutex<()>,
}

/// A file further behind than this is not caught up from the audit log: reading every record
/// is faster than replaying so many changes.
const FILE_CATCH_UP_LIMIT: u64 = 50_000;
/// A server that follows the database rewrites its snapshot file once it is this many changes
/// behind, so that a start after a crash has little to catch up.
const FILE_SAVE_EVERY: u64 = 10_000;

/// The stamp of the state at `version`: the audit hash there and the schema.
async fn stamp_at(
    conn: &mut sqlx::AnyConnection,
    version: u64,
) -> Result<snapfile::Stamp, StoreError> {
    let hash: String = if version == 0 {
        crate::GENESIS_HASH.to_owned()
    } else {
        sqlx::query("SELECT hash FROM audit_log WHERE seq = $1")
            .bind(version as i64)
            .fetch_optional(&mut *conn)
            .await?
            .map(|r| r.try_get(0))
            .transpose()?
            .unwrap_or_default()
    };
    let schema: Option<i64> = sqlx::query("SELECT MAX(version) FROM schema_migrations")
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    Ok(snapfile::Stamp {
        version,
        hash,
        schema: schema.unwrap_or(0),
    })
}

/// The snapshot in the file at `path`, if it is usable with the database of `pool`: written
/// by this binary for the same schema, at an audit head the database's chain still holds with
/// the same hash, and not too far behind. It may be behind: the caller catches up.
async fn from_file(
    pool: &AnyPool,
    path: &std::path::Path,
    sdg: Arc<SdgFramework>,
) -> Result<Snapshot, String> {
    let p = path.to_owned();
    let loaded = tokio::task::spawn_blocking(move || snapfile::Loaded::read(&p))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    let stamp = loaded.stamp().clone();
    let mut conn = pool.acquire().await.map_err(|e| e.to_string())?;
    let head = head_seq(&mut conn).await.map_err(|e| e.to_string())?;
    if stamp.version > head {
        return Err(format!(
            "it is ahead of the database ({} > {head})",
            stamp.version
        ));
    }
    if head - stamp.version > FILE_CATCH_UP_LIMIT {
        return Err(format!("it is {} changes behind", head - stamp.version));
    }
    let here = stamp_at(&mut conn, stamp.version)
        .await
        .map_err(|e| e.to_string())?;
    drop(conn);
    if here != stamp {
        return Err("the database's audit chain or schema differs from the file's".into());
    }
    tokio::task::spawn_blocking(move || loaded.decode(sdg))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.inner.backend)
            .field("url", &self.inner.url)
            .field("version", &self.snapshot().version)
            .finish_non_exhaustive()
    }
}

/// One entity changed by an apply, on its way to the database.
struct Op {
    kind: Kind,
    code: String,
    before: Option<String>,
    after: Option<String>,
    hash: blake3::Hash,
}

impl Op {
    fn action(&self) -> AuditAction {
        match (&self.before, &self.after) {
            (None, _) => AuditAction::Create,
            (Some(_), Some(_)) => AuditAction::Update,
            (Some(_), None) => AuditAction::Delete,
        }
    }
}

impl Store {
    /// Connects to `url` (see [`Backend::from_url`]), applies pending migrations and loads
    /// every stored entity into the snapshot. A missing SQLite file is created, with its
    /// directory.
    pub async fn open(url: &str, sdg: Arc<SdgFramework>) -> Result<Store, StoreError> {
        Store::open_with_file(url, sdg, None).await
    }

    /// Like [`Store::open`], starting from the snapshot file at `file` when it is usable (see
    /// [`Store::save_snapshot_file`]) and from the database otherwise.
    pub async fn open_with_file(
        url: &str,
        sdg: Arc<SdgFramework>,
        file: Option<PathBuf>,
    ) -> Result<Store, StoreError> {
        let backend = Backend::from_url(url)?;
        sqlx::any::install_default_drivers();
        // A database that is down must fail requests quickly and cleanly, not hold them for
        // sqlx's default 30 s; connections are made again by themselves once it is back.
        let mut options = AnyPoolOptions::new().acquire_timeout(std::time::Duration::from_secs(3));
        if backend == Backend::Sqlite {
            match sqlite_path(url) {
                Some(path) => create_sqlite_file(path)?,
                // Every connection to `:memory:` is a database of its own: keep exactly one.
                None => {
                    options = options
                        .max_connections(1)
                        .min_connections(1)
                        .idle_timeout(None)
                        .max_lifetime(None);
                }
            }
            options = options.after_connect(|conn, _| {
                Box::pin(async move {
                    sqlx::raw_sql(SQLITE_PRAGMAS).execute(&mut *conn).await?;
                    Ok(())
                })
            });
        }
        let pool = options.connect(url).await?;
        migrate::run(&pool, backend).await?;
        let started = Instant::now();
        let from_file = match &file {
            Some(path) => match from_file(&pool, path, sdg.clone()).await {
                Ok(s) => Some(s),
                Err(why) => {
                    tracing::info!(file = %path.display(), reason = %why, "snapshot file not used");
                    None
                }
            },
            None => None,
        };
        let saved = from_file.as_ref().map_or(0, |s| s.version);
        let source = if from_file.is_some() {
            "file"
        } else {
            "database"
        };
        let snapshot = match from_file {
            Some(s) => s,
            None => load(&pool, sdg).await?,
        };
        let store = Store {
            inner: Arc::new(Inner {
                pool,
                backend,
                url: redact_url(url),
                connect_url: url.to_owned(),
                snapshot: RwLock::new(Arc::new(snapshot)),
                writer: tokio::sync::Mutex::new(()),
                file: file.map(|path| SnapshotFile {
                    path,
                    saved: std::sync::atomic::AtomicU64::new(saved),
                    saving: tokio::sync::Mutex::new(()),
                }),
            }),
        };
        // A file a little behind is brought up to date from the audit log.
        store.catch_up().await?;
        tracing::info!(
            db.backend = backend.as_str(),
            snapshot.version = store.snapshot().version,
            snapshot.source = source,
            duration_ms = started.elapsed().as_millis() as u64,
            "snapshot loaded"
        );
        Ok(store)
    }

    /// Writes the current snapshot to the store's snapshot file (given to
    /// [`Store::open_with_file`]), so that the next start reads it instead of every record.
    /// Returns the version written, or `None` when there is no file or it is already at this
    /// version. Runs on a blocking thread; the file is replaced atomically.
    pub async fn save_snapshot_file(&self) -> Result<Option<u64>, StoreError> {
        let Some(file) = &self.inner.file else {
            return Ok(None);
        };
        let _saving = file.saving.lock().await;
        self.save_locked(file).await
    }

    async fn save_locked(&self, file: &SnapshotFile) -> Result<Option<u64>, StoreError> {
        let snapshot = self.snapshot();
        if file.saved.load(Ordering::SeqCst) == snapshot.version {
            return Ok(None);
        }
        let stamp = self.stamp_at(snapshot.version).await?;
        let path = file.path.clone();
        let started = Instant::now();
        let written = snapshot.clone();
        tokio::task::spawn_blocking(move || snapfile::write(&path, &written, stamp))
            .await
            .map_err(|e| StoreError::Internal(e.to_string()))?
            .map_err(|e| StoreError::Internal(format!("cannot write the snapshot file: {e}")))?;
        file.saved.store(snapshot.version, Ordering::SeqCst);
        tracing::info!(
            file = %file.path.display(),
            snapshot.version = snapshot.version,
            duration_ms = started.elapsed().as_millis() as u64,
            "snapshot file written"
        );
        Ok(Some(snapshot.version))
    }

    /// How many versions the snapshot file is behind the snapshot (0 without a file).
    pub fn snapshot_file_lag(&self) -> u64 {
        self.inner.file.as_ref().map_or(0, |f| {
            self.snapshot()
                .version
                .saturating_sub(f.saved.load(Ordering::SeqCst))
        })
    }

    /// What a snapshot at `version` of this database is stamped with.
    async fn stamp_at(&self, version: u64) -> Result<snapfile::Stamp, StoreError> {
        let mut conn = self.inner.pool.acquire().await?;
        stamp_at(&mut conn, version).await
    }

    /// The current snapshot. Never touches the database.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.inner
            .snapshot
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The database behind the store.
    pub fn backend(&self) -> Backend {
        self.inner.backend
    }

    /// The connection pool: every table is read and written through the store's own methods.
    pub(crate) fn pool(&self) -> &AnyPool {
        &self.inner.pool
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.inner.pool).await?;
        Ok(())
    }

    /// Closes every connection; later database calls fail.
    pub async fn close(&self) {
        self.inner.pool.close().await;
    }

    /// Applies `changes` made by the platform's tool `actor` (an import, the command line)
    /// as one atomic write; see [`Store::apply_as`].
    pub async fn apply(
        &self,
        actor: &str,
        changes: Vec<Change>,
    ) -> Result<ApplyOutcome, StoreError> {
        self.apply_as(Writer::system(actor), changes, Vec::new())
            .await
    }

    /// Like [`Store::apply`], but only when each `(kind, key, version)` of `expected` is still
    /// at that version (0: the record must not exist); otherwise returns
    /// [`StoreError::Conflict`] and writes nothing. This is how an edit that started from an
    /// older version is refused instead of silently overwriting someone else's.
    pub async fn apply_checked(
        &self,
        actor: &str,
        changes: Vec<Change>,
        expected: Vec<(Kind, String, u64)>,
    ) -> Result<ApplyOutcome, StoreError> {
        self.apply_as(Writer::system(actor), changes, expected)
            .await
    }

    /// Applies `changes` asked for by `writer` as one atomic write, decided on the latest
    /// committed state.
    ///
    /// The write takes the database's write lock (one for every server sharing the
    /// database), brings this server's snapshot up to the committed audit head, and only then
    /// checks, in this order: that each `(kind, key, version)` of `expected` is still at that
    /// version (0: the record must not exist), else [`StoreError::Conflict`]; that the policy
    /// allows the writer's actor every change, else [`StoreError::Denied`]; that the result
    /// breaks no integrity rule, else [`StoreError::Invalid`]. Nothing is written when a check
    /// fails. Upserts that leave an entity's JSON as it is, and deletes of entities that do
    /// not exist, are no-ops; several changes of one entity in the same call count as one
    /// change from its current state to its last. The records and one audit record per changed
    /// entity are committed in one transaction, then the new snapshot is published.
    pub async fn apply_as(
        &self,
        writer: Writer,
        changes: Vec<Change>,
        expected: Vec<(Kind, String, u64)>,
    ) -> Result<ApplyOutcome, StoreError> {
        // The write runs as a task of its own: a caller that gives up (a closed HTTP
        // connection) must not cancel it between the commit and the publication of the
        // snapshot, which would leave the snapshot behind the database.
        let store = self.clone();
        tokio::spawn(async move { store.apply_now(&writer, changes, expected).await })
            .await
            .map_err(|e| StoreError::Internal(e.to_string()))?
    }

    /// The stored version of a record: 1 when created, +1 per update; `None` when absent.
    pub async fn version_of(&self, kind: Kind, key: &str) -> Result<Option<u64>, StoreError> {
        version_in(&self.inner.pool, kind, key).await
    }

    /// A record as the database holds it now, with the version of exactly that content: an
    /// edit form must show the one and carry the other. The snapshot is first brought up to
    /// the committed head, under the writer lock, since another server may have written.
    pub async fn versioned(
        &self,
        kind: Kind,
        key: &str,
    ) -> Result<(Option<agenda_core::Entity>, u64), StoreError> {
        let _writer = self.inner.writer.lock().await;
        let mut tx = self
            .inner
            .pool
            .begin_with(self.inner.backend.begin_read())
            .await?;
        let head = head_seq(&mut tx).await?;
        let snapshot = self.catch_up_in(&mut tx, head).await?;
        let version = version_in(&mut *tx, kind, key).await?.unwrap_or(0);
        tx.rollback().await?;
        Ok((snapshot.get(kind, key), version))
    }

    /// Brings this server's snapshot up to the database's committed audit head, replaying the
    /// audit records it has not seen (written by another server sharing the database).
    /// Returns the version reached. Cheap when nothing changed: one read of the head.
    pub async fn catch_up(&self) -> Result<u64, StoreError> {
        let head = head_seq(&mut *self.inner.pool.acquire().await?).await?;
        if head <= self.snapshot().version {
            return Ok(self.snapshot().version);
        }
        let _writer = self.inner.writer.lock().await;
        let mut conn = self.inner.pool.acquire().await?;
        let head = head_seq(&mut conn).await?;
        Ok(self.catch_up_in(&mut conn, head).await?.version)
    }

    /// Replays the audit records after the snapshot's version up to `head`, read through
    /// `conn`, and publishes the result. Every record up to a visible head is committed: the
    /// head moves in the same transaction as the records, under the write lock.
    pub(crate) async fn catch_up_in(
        &self,
        conn: &mut sqlx::AnyConnection,
        head: u64,
    ) -> Result<Arc<Snapshot>, StoreError> {
        let current = self.snapshot();
        if head <= current.version {
            return Ok(current);
        }
        let started = Instant::now();
        let mut next = (*current).clone();
        let mut from = current.version;
        while from < head {
            let rows = sqlx::query(
                "SELECT seq, kind, code, after FROM audit_log WHERE seq > $1 AND seq <= $2 \
                 ORDER BY seq LIMIT 10000",
            )
            .bind(from as i64)
            .bind(head as i64)
            .fetch_all(&mut *conn)
            .await?;
            if rows.is_empty() {
                break;
            }
            let mut batch = Vec::with_capacity(rows.len());
            for row in &rows {
                let seq: i64 = row.try_get(0)?;
                let kind: String = row.try_get(1)?;
                let code: String = row.try_get(2)?;
                let after: Option<String> = row.try_get(3)?;
                from = seq as u64;
                batch.push((kind, code, after));
            }
            next = tokio::task::spawn_blocking(move || replay(next, batch))
                .await
                .map_err(|e| StoreError::Internal(e.to_string()))??;
        }
        next.version = head;
        let next = Arc::new(next);
        self.publish(next.clone());
        tracing::info!(
            snapshot.from = current.version,
            snapshot.version = head,
            duration_ms = started.elapsed().as_millis() as u64,
            "caught up with the database"
        );
        Ok(next)
    }

    /// After this server committed an audit record that is not an entity (an account, a
    /// token): moves the snapshot to the new head at once, as every other commit does, so
    /// that a version read afterwards already counts it.
    pub(crate) async fn audited(&self) {
        if let Err(e) = self.catch_up().await {
            tracing::warn!(error = %e, "could not catch up after an account change");
        }
    }

    /// Publishes `snapshot` unless a newer one is already out.
    fn publish(&self, snapshot: Arc<Snapshot>) {
        let mut guard = self
            .inner
            .snapshot
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if snapshot.version >= guard.version {
            *guard = snapshot;
        }
    }

    /// Follows the writes of other servers sharing the database, for as long as the store
    /// lives: on PostgreSQL each commit notifies the channel `agenda_changes` with its audit
    /// head and every server listening catches up at once; on both databases the head is
    /// also read every `poll`, so a server that missed notifications (a dropped listener
    /// connection, a restart of the database) catches up from the audit log all the same.
    /// A snapshot file that falls far behind is rewritten along the way.
    pub fn follow(&self, poll: std::time::Duration) -> tokio::task::JoinHandle<()> {
        let weak = Arc::downgrade(&self.inner);
        let backend = self.inner.backend;
        let url = self.inner.connect_url.clone();
        tokio::spawn(async move {
            let mut listener = None;
            let mut next_listen = Instant::now();
            let mut tick = tokio::time::interval(poll);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                if backend == Backend::Postgres
                    && listener.is_none()
                    && Instant::now() >= next_listen
                {
                    listener = listen(&url).await;
                    next_listen = Instant::now() + std::time::Duration::from_secs(5);
                }
                match listener.as_mut() {
                    Some(l) => {
                        tokio::select! {
                            n = l.try_recv() => match n {
                                Ok(Some(_)) => {}
                                // The connection was lost and made again: what was notified
                                // meanwhile is caught up below, from the audit log.
                                Ok(None) => tracing::warn!("the change notifications were interrupted"),
                                Err(e) => {
                                    tracing::warn!(error = %e, "lost the change notifications; following the audit log by polling");
                                    listener = None;
                                }
                            },
                            _ = tick.tick() => {}
                        }
                    }
                    None => {
                        tick.tick().await;
                    }
                }
                let Some(inner) = weak.upgrade() else { return };
                let store = Store { inner };
                if let Err(e) = store.catch_up().await {
                    tracing::warn!(error = %e, "could not catch up with the database");
                }
                if store.snapshot_file_lag() >= FILE_SAVE_EVERY {
                    tokio::spawn(async move {
                        let Some(file) = &store.inner.file else {
                            return;
                        };
                        // A write already under way will do.
                        let Ok(_saving) = file.saving.try_lock() else {
                            return;
                        };
                        if let Err(e) = store.save_locked(file).await {
                            tracing::warn!(error = %e, "could not write the snapshot file");
                        }
                    });
                }
            }
        })
    }

    async fn apply_now(
        &self,
        writer: &Writer,
        changes: Vec<Change>,
        expected: Vec<(Kind, String, u64)>,
    ) -> Result<ApplyOutcome, StoreError> {
        let _writer = self.inner.writer.lock().await;
        let started = Instant::now();
        let mut tx = self
            .inner
            .pool
            .begin_with(self.inner.backend.begin_write())
            .await?;
        // Touching the head takes the write lock every writer of every server takes, on both
        // backends; its hash is where the chain continues.
        let row = sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash")
            .fetch_one(&mut *tx)
            .await?;
        let head = row.try_get::<i64, _>(0)? as u64;
        let prev: String = row.try_get(1)?;
        // Decide on the latest committed state, whoever wrote it.
        let current = self.catch_up_in(&mut tx, head).await?;
        check_versions(&mut tx, &expected).await?;
        if let Some(actor) = &writer.actor {
            may_apply_on(actor, &current, writer.today, &changes)
                .map_err(|d| StoreError::Denied(d.0))?;
        }
        let base = current.clone();
        // Building and checking the candidate is CPU work proportional to the changes.
        let (mut candidate, ops) = tokio::task::spawn_blocking(move || prepare(&base, changes))
            .await
            .map_err(|e| StoreError::Internal(e.to_string()))??;
        let mut outcome = ApplyOutcome {
            version: current.version,
            ..ApplyOutcome::default()
        };
        for op in &ops {
            match op.action() {
                AuditAction::Create => outcome.created += 1,
                AuditAction::Update => outcome.updated += 1,
                AuditAction::Delete => outcome.deleted += 1,
            }
        }
        if ops.is_empty() {
            tx.rollback().await?;
            // A no-op leaves each expected record at the version it had.
            outcome.records = expected;
            return Ok(outcome);
        }
        let (version, records) = self.write(&mut tx, &writer.name, ops, head, prev).await?;
        tx.commit().await?;
        candidate.version = version;
        outcome.version = version;
        outcome.records = records;
        self.publish(Arc::new(candidate));
        tracing::info!(
            actor = writer.name,
            changes.created = outcome.created,
            changes.updated = outcome.updated,
            changes.deleted = outcome.deleted,
            snapshot.version = version,
            duration_ms = started.elapsed().as_millis() as u64,
            "changes committed"
        );
        Ok(outcome)
    }

    /// Writes `ops` and their audit records after the head `head` (hash `prev`) in `tx`, which
    /// holds the write lock; returns the new head and the version of each record written.
    async fn write(
        &self,
        tx: &mut sqlx::AnyConnection,
        actor: &str,
        mut ops: Vec<Op>,
        head: u64,
        prev: String,
    ) -> Result<(u64, Vec<(Kind, String, u64)>), StoreError> {
        let first = head + 1;
        let head = head + ops.len() as u64;
        let at = now();

        let chain_at = at.clone();
        let chain_actor = actor.to_owned();
        let chain_prev = prev.clone();
        ops = tokio::task::spawn_blocking(move || {
            let mut prev = blake3::Hash::from_hex(&chain_prev).ok();
            for (i, op) in ops.iter_mut().enumerate() {
                let prev_hex = prev.map(|h| h.to_hex());
                op.hash = audit_hash_raw(
                    prev_hex.as_ref().map(|h| h.as_str()).unwrap_or(&chain_prev),
                    first + i as u64,
                    &chain_at,
                    &chain_actor,
                    op.kind.as_str(),
                    &op.code,
                    op.action().as_str(),
                    op.before.as_deref(),
                    op.after.as_deref(),
                );
                prev = Some(op.hash);
            }
            ops
        })
        .await
        .map_err(|e| StoreError::Internal(e.to_string()))?;

        let mut versions = Vec::new();
        let upserts: Vec<&Op> = ops.iter().filter(|o| o.after.is_some()).collect();
        // Versions are answered to people and clients editing a few records; an import of a
        // whole catalogue has no use for a million of them.
        let answer_versions = upserts.len() <= VERSIONS_ANSWERED;
        for chunk in upserts.chunks(UPSERT_ROWS) {
            let mut q = Sql::new(
                self.inner.backend,
                "INSERT INTO records (kind, code, body, version, updated_at) VALUES ",
            );
            for (i, op) in chunk.iter().enumerate() {
                q.push(if i == 0 { "(" } else { ", (" })
                    .bind(op.kind.as_str())
                    .push(", ")
                    .bind(op.code.as_str())
                    .push(", ")
                    .bind(op.after.as_deref().unwrap_or_default())
                    .push(", 1, ")
                    .bind(at.as_str())
                    .push(")");
            }
            q.push(
                " ON CONFLICT (kind, code) DO UPDATE SET body = excluded.body, \
                 version = records.version + 1, updated_at = excluded.updated_at",
            );
            if !answer_versions {
                q.execute(&mut *tx).await?;
                continue;
            }
            q.push(" RETURNING kind, code, version");
            for row in q.fetch_all(&mut *tx).await? {
                let kind: String = row.try_get(0)?;
                let Some(kind) = Kind::parse(&kind) else {
                    continue;
                };
                versions.push((kind, row.try_get(1)?, row.try_get::<i64, _>(2)? as u64));
            }
        }

        let mut deletes: BTreeMap<Kind, Vec<&str>> = BTreeMap::new();
        for op in ops.iter().filter(|o| o.after.is_none()) {
            deletes.entry(op.kind).or_default().push(&op.code);
        }
        for (kind, codes) in deletes {
            for chunk in codes.chunks(DELETE_ROWS) {
                let mut q = Sql::new(self.inner.backend, "DELETE FROM records WHERE kind = ");
                q.bind(kind.as_str()).push(" AND code IN (");
                for (i, code) in chunk.iter().enumerate() {
                    q.push(if i == 0 { "" } else { ", " }).bind(*code);
                }
                q.push(")");
                q.execute(&mut *tx).await?;
            }
        }

        let mut offset = 0;
        for chunk in ops.chunks(AUDIT_ROWS) {
            let mut q = Sql::new(
                self.inner.backend,
                "INSERT INTO audit_log \
                 (seq, at, actor, kind, code, action, before, after, prev_hash, hash) VALUES ",
            );
            for (i, op) in chunk.iter().enumerate() {
                let index = offset + i;
                let prev_hash = match index {
                    0 => prev.clone(),
                    _ => ops[index - 1].hash.to_hex().to_string(),
                };
                q.push(if i == 0 { "(" } else { ", (" })
                    .bind((first + index as u64) as i64)
                    .push(", ")
                    .bind(at.as_str())
                    .push(", ")
                    .bind(actor)
                    .push(", ")
                    .bind(op.kind.as_str())
                    .push(", ")
                    .bind(op.code.as_str())
                    .push(", ")
                    .bind(op.action().as_str())
                    .push(", ")
                    .bind(op.before.as_deref())
                    .push(", ")
                    .bind(op.after.as_deref())
                    .push(", ")
                    .bind(prev_hash)
                    .push(", ")
                    .bind(op.hash.to_hex().as_str())
                    .push(")");
            }
            q.execute(&mut *tx).await?;
            offset += chunk.len();
        }

        let last = ops
            .last()
            .map(|o| o.hash.to_hex().to_string())
            .unwrap_or(prev);
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(head as i64)
            .bind(last)
            .execute(&mut *tx)
            .await?;
        notify(&mut *tx, head).await?;
        Ok((head, versions))
    }

    /// How many records the audit log holds.
    pub async fn audit_len(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query("SELECT COUNT(*) FROM audit_log")
            .fetch_one(&self.inner.pool)
            .await?
            .try_get(0)?;
        Ok(n as u64)
    }

    /// The latest `limit` audit records, newest first, optionally only those of one kind
    /// and/or one code.
    pub async fn audit_records(
        &self,
        kind: Option<Kind>,
        code: Option<&str>,
        limit: u32,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let mut q = Sql::new(
            self.inner.backend,
            "SELECT seq, at, actor, kind, code, action, before, after, prev_hash, hash \
             FROM audit_log WHERE kind NOT IN ('account', 'api_token', 'agenda_version')",
        );
        if let Some(kind) = kind {
            q.push(" AND kind = ").bind(kind.as_str());
        }
        if let Some(code) = code {
            q.push(" AND code = ").bind(code);
        }
        q.push(" ORDER BY seq DESC LIMIT ").bind(i64::from(limit));
        let rows = q.fetch_all(&self.inner.pool).await?;
        rows.iter().map(audit_from_row).collect()
    }

    /// Walks the whole audit chain, recomputing every hash and checking that sequence numbers
    /// follow each other from 1, that each record names its predecessor's hash and that the
    /// head names the last record. Returns the first sequence number at fault, or `None` when
    /// the chain is intact; [`Store::check_audit`] says what is wrong.
    pub async fn verify_audit(&self) -> Result<Option<u64>, StoreError> {
        Ok(self.check_audit().await?.fault.map(|f| f.seq))
    }

    /// Walks the whole audit chain in one read transaction (see [`Store::verify_audit`]) and
    /// describes the first fault.
    pub async fn check_audit(&self) -> Result<AuditCheck, StoreError> {
        let mut tx = self
            .inner
            .pool
            .begin_with(self.inner.backend.begin_read())
            .await?;
        let check = check_chain(&mut tx).await?;
        tx.rollback().await?;
        Ok(check)
    }

    /// The store with these indicator frameworks in its snapshot, as reference data beside the
    /// SDG framework: writes are then checked against them. Call it once, after opening.
    pub fn with_frameworks(self, frameworks: Arc<agenda_core::frameworks::Frameworks>) -> Self {
        self.replace_snapshot(|s| s.frameworks = frameworks);
        self
    }

    /// The store with the country's content languages in its snapshot: writes then require the
    /// default language. Call it once, after opening.
    pub fn with_languages(self, languages: Arc<agenda_core::languages::ContentLanguages>) -> Self {
        self.replace_snapshot(|s| s.languages = languages);
        self
    }

    /// Moves the snapshot to `version` without changing its content: for a committed change
    /// that is not a record (a published version) but that pages and caches must see.
    pub(crate) fn set_snapshot_version(&self, version: u64) {
        self.replace_snapshot(|s| s.version = version);
    }

    /// Publishes a copy of the current snapshot changed by `change`, under the lock.
    fn replace_snapshot(&self, change: impl FnOnce(&mut Snapshot)) {
        let mut guard = self
            .inner
            .snapshot
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let mut s = (**guard).clone();
        change(&mut s);
        *guard = Arc::new(s);
    }

    /// Waits for the writer lock, so that nothing else in this process writes meanwhile.
    pub(crate) async fn lock_writer(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.inner.writer.lock().await
    }

    /// Reloads the snapshot from the database, after it was filled behind the store's back.
    pub(crate) async fn reload(&self) -> Result<(), StoreError> {
        let current = self.snapshot();
        let snapshot = load(&self.inner.pool, current.sdg.clone())
            .await?
            .with_frameworks(current.frameworks.clone())
            .with_languages(current.languages.clone());
        *self
            .inner
            .snapshot
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Arc::new(snapshot);
        Ok(())
    }
}

/// Builds the candidate snapshot and the list of effective changes, and checks integrity.
fn prepare(current: &Snapshot, changes: Vec<Change>) -> Result<(Snapshot, Vec<Op>), StoreError> {
    let mut candidate = current.clone();
    let mut index: HashMap<(Kind, String), usize> = HashMap::new();
    let mut ops: Vec<Op> = Vec::new();
    let zero = blake3::Hash::from_bytes([0; 32]);

    for change in changes {
        match change {
            Change::Upsert(entity) => {
                let kind = entity.kind();
                let key = entity.key();
                let json = entity.to_json();
                let prior = candidate.get(kind, &key).map(|e| e.to_json());
                if prior.as_deref() == Some(json.as_str()) {
                    continue;
                }
                candidate.upsert(entity);
                let slot = match index.entry((kind, key)) {
                    hash_map::Entry::Occupied(o) => *o.get(),
                    hash_map::Entry::Vacant(v) => {
                        // First touch in this call: the candidate still holds the stored state.
                        ops.push(Op {
                            kind,
                            code: v.key().1.clone(),
                            before: prior,
                            after: None,
                            hash: zero,
                        });
                        *v.insert(ops.len() - 1)
                    }
                };
                ops[slot].after = Some(json);
            }
            Change::Delete(kind, key) => {
                let Some(prior) = candidate.remove(kind, &key) else {
                    continue;
                };
                let slot = match index.entry((kind, key)) {
                    hash_map::Entry::Occupied(o) => *o.get(),
                    hash_map::Entry::Vacant(v) => {
                        ops.push(Op {
                            kind,
                            code: v.key().1.clone(),
                            before: Some(prior.to_json()),
                            after: None,
                            hash: zero,
                        });
                        *v.insert(ops.len() - 1)
                    }
                };
                ops[slot].after = None;
            }
        }
    }
    drop(index);

    // An entity changed and changed back within the call is no change at all.
    ops.retain(|op| op.before != op.after);
    let problems = if ops.iter().any(|op| op.after.is_none()) {
        // A removal can break any reference: check everything.
        problems_after(&[], true, &candidate)
    } else {
        // Check the changed entities a slice at a time, so a national import does not hold
        // a second copy of every entity.
        let mut problems = Vec::new();
        for chunk in ops.chunks(CHECK_CHUNK) {
            let changed: Vec<Entity> = chunk
                .iter()
                .filter_map(|op| candidate.get(op.kind, &op.code))
                .collect();
            problems.extend(problems_after(&changed, false, &candidate));
        }
        problems
    };
    if !problems.is_empty() {
        return Err(StoreError::Invalid(problems));
    }
    Ok((candidate, ops))
}

/// Reads every stored entity into a snapshot. Rows are parsed on a blocking thread while the
/// next ones are being fetched.
async fn load(pool: &AnyPool, sdg: Arc<SdgFramework>) -> Result<Snapshot, StoreError> {
    let version: i64 = sqlx::query("SELECT seq FROM audit_head WHERE id = 1")
        .fetch_one(pool)
        .await?
        .try_get(0)?;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<(String, String, String)>>(4);
    let builder = tokio::task::spawn_blocking(move || {
        let mut snapshot = Snapshot::empty(sdg);
        snapshot.version = version as u64;
        while let Some(chunk) = rx.blocking_recv() {
            for (kind, code, body) in chunk {
                let corrupt = |reason: String| StoreError::Corrupt {
                    kind: kind.clone(),
                    code: code.clone(),
                    reason,
                };
                let k = Kind::parse(&kind).ok_or_else(|| corrupt("unknown kind".into()))?;
                let entity =
                    Entity::from_json(k, &body).map_err(|e| corrupt(format!("bad JSON: {e}")))?;
                if entity.key() != code {
                    return Err(corrupt(format!("its body has the key {:?}", entity.key())));
                }
                snapshot.upsert(entity);
            }
        }
        Ok(snapshot)
    });

    let mut rows = sqlx::query("SELECT kind, code, body FROM records").fetch(pool);
    let mut chunk = Vec::with_capacity(LOAD_CHUNK);
    let mut fetched: Result<(), StoreError> = Ok(());
    loop {
        match rows.try_next().await {
            Ok(Some(row)) => {
                let parsed = (|| Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?)))();
                match parsed {
                    Ok(t) => chunk.push(t),
                    Err(e) => {
                        fetched = Err(StoreError::Database(e));
                        break;
                    }
                }
                if chunk.len() == LOAD_CHUNK {
                    let full = std::mem::replace(&mut chunk, Vec::with_capacity(LOAD_CHUNK));
                    if tx.send(full).await.is_err() {
                        // The parser stopped at a bad row; its error is reported below.
                        break;
                    }
                }
            }
            Ok(None) => {
                let _ = tx.send(chunk).await;
                break;
            }
            Err(e) => {
                fetched = Err(e.into());
                break;
            }
        }
    }
    drop(rows);
    drop(tx);
    let snapshot = builder
        .await
        .map_err(|e| StoreError::Internal(e.to_string()))??;
    fetched?;
    Ok(snapshot)
}

pub(crate) fn audit_from_row(row: &AnyRow) -> Result<AuditRecord, StoreError> {
    let kind: String = row.try_get(3)?;
    let code: String = row.try_get(4)?;
    let action: String = row.try_get(5)?;
    let corrupt = |reason: String| StoreError::Corrupt {
        kind: kind.clone(),
        code: code.clone(),
        reason,
    };
    Ok(AuditRecord {
        seq: row.try_get::<i64, _>(0)? as u64,
        at: row.try_get(1)?,
        actor: row.try_get(2)?,
        kind: Kind::parse(&kind).ok_or_else(|| corrupt("unknown kind in the audit log".into()))?,
        action: AuditAction::parse(&action)
            .ok_or_else(|| corrupt(format!("unknown audit action {action:?}")))?,
        before: row.try_get(6)?,
        after: row.try_get(7)?,
        prev_hash: row.try_get(8)?,
        hash: row.try_get(9)?,
        code,
    })
}
