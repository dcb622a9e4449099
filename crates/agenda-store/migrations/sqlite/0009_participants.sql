-- People who take part in consultations in their own name, signed in by links mailed to them
-- (no password). Personal data (the address, the name) lives only here: never in `records`,
-- the audit chain, the snapshot, the API or exports. The public sees a contribution's text,
-- its sector and, only when the person chose one, the name they gave.

CREATE TABLE participants (
    id              TEXT    PRIMARY KEY,
    email           TEXT    NOT NULL,
    -- The address in lower case: one participant per address.
    email_key       TEXT    NOT NULL,
    -- The name shown with their contributions; NULL: anonymous to the public.
    display_name    TEXT    NULL,
    -- citizen | private | academia | civil_society | …, for the statistics.
    sector          TEXT    NOT NULL,
    lang            TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    -- Set the first time a mailed link came back: the address is theirs.
    confirmed_at    TEXT    NULL,
    -- BLAKE3 of the sign-in link's token (never the token); NULL once used.
    link_hash       TEXT    NULL,
    link_expires_at TEXT    NULL,
    -- When a link was last mailed: repeated requests within minutes mail nothing more.
    link_sent_at    TEXT    NOT NULL
);
CREATE UNIQUE INDEX participants_address ON participants (email_key);
CREATE INDEX participants_link ON participants (link_hash);

-- A participant's signed-in browser: BLAKE3 of the cookie.
CREATE TABLE participant_sessions (
    hash            TEXT    PRIMARY KEY,
    participant     TEXT    NOT NULL,
    expires_at      TEXT    NOT NULL
);
CREATE INDEX participant_sessions_of ON participant_sessions (participant);

-- Which contributions a participant made: the only link between a person and their words.
CREATE TABLE participant_contributions (
    contribution    TEXT    PRIMARY KEY,
    participant     TEXT    NOT NULL
);
CREATE INDEX participant_contributions_of ON participant_contributions (participant);
