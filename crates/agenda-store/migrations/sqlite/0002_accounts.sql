-- Accounts, sessions, API tokens and the reminder log. None of these is domain data: they are
-- kept out of `records` (and so out of the snapshot, the API and exports).

-- People who sign in. Passwords are kept only as argon2id PHC strings.
CREATE TABLE users (
    username      TEXT    PRIMARY KEY,
    display_name  TEXT    NOT NULL,
    email         TEXT    NULL,
    -- admin | editor | legal | entity | stakeholder
    role          TEXT    NOT NULL,
    -- The organisation code an `entity` user acts for.
    organisation  TEXT    NULL,
    password_hash TEXT    NOT NULL,
    -- 1 when the account may no longer sign in.
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT    NOT NULL
);

-- Signed-in sessions, shared by every server on the database. The cookie value itself is
-- never stored: only its BLAKE3 hash, so a copy of this table opens no session.
CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,
    username   TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
    -- The token every form of this session must carry back.
    csrf       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_username ON sessions (username);

-- Failed sign-ins, for throttling (kept for the throttling window only).
CREATE TABLE login_failures (
    username TEXT NOT NULL,
    at       TEXT NOT NULL
);
CREATE INDEX login_failures_username ON login_failures (username, at);

-- Machine access for an organisation. `id` is the public part of the token, shown in lists;
-- the secret part is kept only as its BLAKE3 hash and shown once, when created.
CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    organisation TEXT NOT NULL,
    name         TEXT NOT NULL,
    secret_hash  TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    revoked_at   TEXT NULL
);

-- Reminders already e-mailed, so that each is sent once whatever the number of servers.
CREATE TABLE reminders_sent (
    organisation TEXT NOT NULL,
    -- What is owed: an action line's report or a KPI's observation.
    item         TEXT NOT NULL,
    period       TEXT NOT NULL,
    -- before | after (the deadline)
    kind         TEXT NOT NULL,
    sent_at      TEXT NOT NULL,
    PRIMARY KEY (organisation, item, period, kind)
);
