-- Background work (one organisation's reminder message, one subscriber's digest) held by one
-- server while it sends it, so that any number of servers on one database send each message
-- once. A claim is deleted when its work is recorded as done or given up (the mail server
-- refused it: another run, on any server, tries again); one left by a server that stopped
-- mid-way may be taken over once `expires_at` has passed. Transient: not in backups.
CREATE TABLE job_claims (
    -- reminders | digest
    job         TEXT NOT NULL,
    -- What is claimed: the organisation's code, or the subscription's identifier.
    item        TEXT NOT NULL,
    -- Random token of the holder: only it can complete or release the claim.
    holder      TEXT NOT NULL,
    -- RFC 3339, UTC, fixed width: compared as text.
    expires_at  TEXT NOT NULL,
    PRIMARY KEY (job, item)
);
