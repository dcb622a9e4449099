//! The audit trail: one record per changed entity, each sealed by a hash over its content and
//! the previous record's hash, so that editing, removing or reordering past records breaks
//! the chain at a sequence number that [`crate::Store::verify_audit`] reports.

use agenda_core::Kind;
use futures_util::TryStreamExt;
use sqlx::{AnyConnection, Row};

use crate::StoreError;

/// The `prev_hash` of the first record: 64 zeros.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What a change did to an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    /// The entity did not exist before.
    Create,
    /// The entity's body changed.
    Update,
    /// The entity was removed.
    Delete,
}

impl AuditAction {
    /// As stored: `create`, `update` or `delete`.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Create => "create",
            AuditAction::Update => "update",
            AuditAction::Delete => "delete",
        }
    }

    /// Parses a stored action.
    pub fn parse(s: &str) -> Option<AuditAction> {
        match s {
            "create" => Some(AuditAction::Create),
            "update" => Some(AuditAction::Update),
            "delete" => Some(AuditAction::Delete),
            _ => None,
        }
    }
}

/// One row of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// Position in the chain, from 1, without gaps.
    pub seq: u64,
    /// When the change was committed, RFC 3339 in UTC.
    pub at: String,
    /// Who made it (a user name, or a tool such as `import`).
    pub actor: String,
    /// Kind of the entity changed.
    pub kind: Kind,
    /// Its key.
    pub code: String,
    /// What happened to it.
    pub action: AuditAction,
    /// JSON body before; `None` for a create.
    pub before: Option<String>,
    /// JSON body after; `None` for a delete.
    pub after: Option<String>,
    /// Hash of the previous record ([`GENESIS_HASH`] for the first).
    pub prev_hash: String,
    /// This record's hash, see [`audit_hash`].
    pub hash: String,
}

impl AuditRecord {
    /// Recomputes this record's hash from its other fields.
    pub fn compute_hash(&self) -> String {
        audit_hash(
            &self.prev_hash,
            self.seq,
            &self.at,
            &self.actor,
            self.kind.as_str(),
            &self.code,
            self.action.as_str(),
            self.before.as_deref(),
            self.after.as_deref(),
        )
    }
}

/// The hash of an audit record: BLAKE3, as 64 lowercase hex digits, over a canonical
/// serialisation of its fields in this order. Each text field is written as its length in
/// bytes (u64, little-endian) followed by its UTF-8 bytes; `seq` as a u64 little-endian; an
/// absent `before`/`after` as the length `u64::MAX` with no bytes, so `None` and `""` differ.
/// The serialisation starts with the tag `agenda-audit-v1`.
#[expect(
    clippy::too_many_arguments,
    reason = "the arguments are exactly the hashed columns, named at every call"
)]
pub fn audit_hash(
    prev_hash: &str,
    seq: u64,
    at: &str,
    actor: &str,
    kind: &str,
    code: &str,
    action: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> String {
    audit_hash_raw(prev_hash, seq, at, actor, kind, code, action, before, after)
        .to_hex()
        .to_string()
}

/// [`audit_hash`] as bytes.
#[expect(
    clippy::too_many_arguments,
    reason = "the arguments are exactly the hashed columns, named at every call"
)]
pub(crate) fn audit_hash_raw(
    prev_hash: &str,
    seq: u64,
    at: &str,
    actor: &str,
    kind: &str,
    code: &str,
    action: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> blake3::Hash {
    fn text(h: &mut blake3::Hasher, s: Option<&str>) {
        match s {
            Some(s) => {
                h.update(&(s.len() as u64).to_le_bytes());
                h.update(s.as_bytes());
            }
            None => {
                h.update(&u64::MAX.to_le_bytes());
            }
        }
    }
    let mut h = blake3::Hasher::new();
    text(&mut h, Some("agenda-audit-v1"));
    text(&mut h, Some(prev_hash));
    h.update(&seq.to_le_bytes());
    for s in [at, actor, kind, code, action] {
        text(&mut h, Some(s));
    }
    text(&mut h, before);
    text(&mut h, after);
    h.finalize()
}

/// What is wrong with the audit chain at its first faulty record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditProblem {
    /// The record's content no longer matches its hash: one of its columns was edited.
    Altered,
    /// The record's `prev_hash` is not its predecessor's hash.
    Unlinked,
    /// No record has this sequence number although later ones (or the head) do: it was removed.
    Missing,
    /// A column holds a value of the wrong type (named here).
    Unreadable(String),
    /// The chain head names a sequence number or hash that the last record does not have.
    HeadMismatch,
    /// A record lies beyond the chain head.
    BeyondHead,
}

/// The first record at fault in the audit chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditFault {
    /// Its sequence number.
    pub seq: u64,
    /// What is wrong.
    pub problem: AuditProblem,
    /// The kind, code and time stored in the row at `seq`, when the row still exists.
    pub row: Option<AuditRowId>,
}

/// What identifies an audit row to a reader: its kind, code and time, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRowId {
    /// Kind of the entity changed.
    pub kind: String,
    /// Its key.
    pub code: String,
    /// When the change was committed.
    pub at: String,
}

impl std::fmt::Display for AuditFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.seq == 0 {
            return f.write_str("the chain head was altered: the audit log is empty");
        }
        write!(f, "record {}", self.seq)?;
        if let Some(r) = &self.row {
            write!(f, " ({} {} at {})", r.kind, r.code, r.at)?;
        }
        match &self.problem {
            AuditProblem::Altered => f.write_str(" was altered: its content no longer matches its hash"),
            AuditProblem::Unlinked => f.write_str(" was altered: its previous hash is not the hash of the record before it"),
            AuditProblem::Missing => f.write_str(" was removed"),
            AuditProblem::Unreadable(column) => write!(f, " was altered: its {column} has a value of the wrong type"),
            AuditProblem::HeadMismatch => f.write_str(" does not match the chain head: the head or the last records were altered or removed"),
            AuditProblem::BeyondHead => f.write_str(" lies beyond the chain head: the head was moved back"),
        }
    }
}

/// The result of walking the audit chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditCheck {
    /// Audit rows in the log.
    pub records: u64,
    /// The sequence number the chain head names.
    pub head_seq: u64,
    /// The hash the chain head names: kept elsewhere, it shows later whether the last records
    /// were removed together with a matching move of the head.
    pub head_hash: String,
    /// The first fault, `None` when the chain is intact.
    pub fault: Option<AuditFault>,
}

/// Walks the whole chain as `conn` sees it; run in one read transaction, head and rows are
/// seen at the same instant, so every difference between them is a fault.
pub(crate) async fn check_chain(conn: &mut AnyConnection) -> Result<AuditCheck, StoreError> {
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_optional(&mut *conn)
        .await?;
    let (head_seq, head_hash) = match head {
        Some(row) => (
            row.try_get::<i64, _>(0)? as u64,
            row.try_get::<String, _>(1)?,
        ),
        // An absent head is a head matching no record.
        None => (0, String::new()),
    };
    let records = sqlx::query("SELECT COUNT(*) FROM audit_log")
        .fetch_one(&mut *conn)
        .await?
        .try_get::<i64, _>(0)? as u64;
    let mut rows = sqlx::query(
        "SELECT seq, at, actor, kind, code, action, before, after, prev_hash, hash \
         FROM audit_log ORDER BY seq",
    )
    .fetch(&mut *conn);
    let mut expected = 1u64;
    let mut prev = GENESIS_HASH.to_owned();
    let mut last: Option<AuditRowId> = None;
    let found = |seq: u64, problem: AuditProblem, row: Option<AuditRowId>| {
        Ok(AuditCheck {
            records,
            head_seq,
            head_hash: head_hash.clone(),
            fault: Some(AuditFault { seq, problem, row }),
        })
    };
    while let Some(row) = rows.try_next().await? {
        let seq = row.try_get::<i64, _>(0)? as u64;
        if seq != expected {
            // A gap: the expected record was removed (or renumbered, which is the same).
            return found(expected, AuditProblem::Missing, None);
        }
        let id = AuditRowId {
            kind: row.try_get(3).unwrap_or_default(),
            code: row.try_get(4).unwrap_or_default(),
            at: row.try_get(1).unwrap_or_default(),
        };
        if seq > head_seq {
            return found(seq, AuditProblem::BeyondHead, Some(id));
        }
        const COLUMNS: [&str; 10] = [
            "seq",
            "at",
            "actor",
            "kind",
            "code",
            "action",
            "before",
            "after",
            "prev_hash",
            "hash",
        ];
        let mut text = Vec::with_capacity(10);
        for (i, column) in COLUMNS.iter().enumerate().skip(1) {
            match row.try_get::<Option<String>, _>(i) {
                Ok(v) => text.push(v),
                Err(_) => {
                    return found(
                        seq,
                        AuditProblem::Unreadable((*column).to_owned()),
                        Some(id),
                    );
                }
            }
        }
        let field = |i: usize| text[i - 1].as_deref().unwrap_or_default();
        if field(8) != prev {
            return found(seq, AuditProblem::Unlinked, Some(id));
        }
        let computed = audit_hash(
            &prev,
            seq,
            field(1),
            field(2),
            field(3),
            field(4),
            field(5),
            text[5].as_deref(),
            text[6].as_deref(),
        );
        if computed != field(9) {
            return found(seq, AuditProblem::Altered, Some(id));
        }
        prev = computed;
        last = Some(id);
        expected += 1;
    }
    drop(rows);
    if expected <= head_seq {
        // The head counts records that are no longer there.
        return found(expected, AuditProblem::Missing, None);
    }
    if prev != head_hash {
        return found(head_seq, AuditProblem::HeadMismatch, last);
    }
    Ok(AuditCheck {
        records,
        head_seq,
        head_hash,
        fault: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_covers_every_field_and_tells_none_from_empty() {
        let base = audit_hash(
            GENESIS_HASH,
            1,
            "2026-01-01T00:00:00Z",
            "ana",
            "organisation",
            "MOI",
            "create",
            None,
            Some("{}"),
        );
        assert_eq!(base.len(), 64);
        let with_empty_before = audit_hash(
            GENESIS_HASH,
            1,
            "2026-01-01T00:00:00Z",
            "ana",
            "organisation",
            "MOI",
            "create",
            Some(""),
            Some("{}"),
        );
        assert_ne!(base, with_empty_before);
        // Moving a byte between adjacent fields changes the hash.
        let shifted = audit_hash(
            GENESIS_HASH,
            1,
            "2026-01-01T00:00:00Z",
            "an",
            "aorganisation",
            "MOI",
            "create",
            None,
            Some("{}"),
        );
        assert_ne!(base, shifted);
    }
}
