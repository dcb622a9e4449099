-- Initial schema (PostgreSQL). Only TEXT and BIGINT columns: values travel through sqlx
-- `Any`, which cannot carry timestamptz or jsonb, so dates are ISO-8601 text and JSON is text.

-- Every domain entity, one row each, as its JSON body. `kind` is the stored kind name
-- (`action_line`), `code` its natural key.
CREATE TABLE records (
    kind       TEXT   NOT NULL,
    code       TEXT   NOT NULL,
    body       TEXT   NOT NULL,
    -- 1 when created, incremented by every update.
    version    BIGINT NOT NULL,
    -- RFC 3339, UTC.
    updated_at TEXT   NOT NULL,
    PRIMARY KEY (kind, code)
);

-- The append-only audit trail: one row per changed entity, chained by hashes so that any
-- edit of a past row is detected.
CREATE TABLE audit_log (
    seq       BIGINT PRIMARY KEY,
    at        TEXT   NOT NULL,
    actor     TEXT   NOT NULL,
    kind      TEXT   NOT NULL,
    code      TEXT   NOT NULL,
    -- create | update | delete
    action    TEXT   NOT NULL,
    -- JSON body before and after the change; NULL for a create (before) or delete (after).
    before    TEXT   NULL,
    after     TEXT   NULL,
    prev_hash TEXT   NOT NULL,
    hash      TEXT   NOT NULL
);

-- History of one entity.
CREATE INDEX audit_log_kind_code ON audit_log (kind, code);

-- The head of the chain: the last sequence number and its hash. Writers start by updating
-- this single row, which serialises them and reserves their sequence numbers.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY,
    seq  BIGINT  NOT NULL,
    hash TEXT    NOT NULL
);

-- Empty chain: sequence 0 and the all-zero genesis hash.
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
