//! The audit trail: one record per changed entity, each sealed by a hash over its content and
//! the previous record's hash, so that editing, removing or reordering past records breaks
//! the chain at a sequence number that [`crate::Store::verify_audit`] reports.

use agenda_core::Kind;

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
