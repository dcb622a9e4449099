-- "Was this page useful?" answers left on the public service information sheets, the key the
-- anonymous form's tokens are signed with, and the recent posts per client for rate limiting.
-- None of these is domain data: they stay out of `records`, the snapshot, the API and exports.

-- One answer. Comments may hold personal data: they are shown only to the service's owning
-- organisation and to editors, never publicly.
CREATE TABLE feedback (
    id          TEXT    PRIMARY KEY,
    -- The service's code (no foreign key: services live in `records`).
    service     TEXT    NOT NULL,
    -- 1 useful, 0 not useful.
    useful      BIGINT  NOT NULL,
    comment     TEXT    NULL,
    -- The interface language the visitor used.
    lang        TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    -- new | answered
    status      TEXT    NOT NULL DEFAULT 'new',
    answer      TEXT    NULL,
    answered_at TEXT    NULL
);
CREATE INDEX feedback_service ON feedback (service, created_at);

-- Secrets of this database, each created once and shared by every server on it.
CREATE TABLE secrets (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Anonymous posts within the rate-limit window. `client` is a keyed hash of the address, so
-- the table holds no address; rows older than the window are deleted as posts come.
CREATE TABLE form_posts (
    client TEXT NOT NULL,
    at     TEXT NOT NULL
);
CREATE INDEX form_posts_client ON form_posts (client, at);
