-- E-mail subscriptions to the agenda, a pillar, an action line, a KPI or an organisation.
-- Personal data (the address) lives only here: never in `records`, the audit chain, the
-- snapshot, the API or exports, and a subscriber can export and delete every row about them.

CREATE TABLE subscriptions (
    id              TEXT    PRIMARY KEY,
    -- The address as given (trimmed), to write to.
    email           TEXT    NOT NULL,
    -- The address in lower case: one subscription per address and scope.
    email_key       TEXT    NOT NULL,
    -- agenda | pillar:<code> | action-line:<code> | kpi:<code> | organisation:<code>
    scope           TEXT    NOT NULL,
    -- The language the subscriber used; their mails are written in it.
    lang            TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    -- BLAKE3 of the confirmation token mailed to the address (never the token itself);
    -- NULL once confirmed.
    confirm_hash    TEXT    NULL,
    -- When the address was last written to about this request (confirmation, or "already
    -- subscribed"): repeated requests within a few minutes send nothing more.
    notice_sent_at  TEXT    NOT NULL,
    confirmed_at    TEXT    NULL,
    -- The audit sequence number up to which the subscriber has been told of changes.
    last_seq        INTEGER    NOT NULL DEFAULT 0,
    last_digest_at  TEXT    NULL
);
CREATE UNIQUE INDEX subscriptions_address_scope ON subscriptions (email_key, scope);
CREATE INDEX subscriptions_confirm ON subscriptions (confirm_hash);
