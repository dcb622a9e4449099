-- Feedback tickets: each answer left on a service sheet is a ticket the service's organisation
-- handles (new, in_progress, answered, closed; see `agenda_core::ticket`), and the person who
-- left it follows through a private link. `feedback.status` and `feedback.answer` hold where it
-- stands; this table holds every move, with who made it and when.

-- One move of a ticket. `actor` is the account's user name: shown to the organisation and the
-- editors, never to the person or publicly.
CREATE TABLE feedback_events (
    feedback_id TEXT    NOT NULL,
    -- Orders the moves of one ticket (1, 2, …).
    seq         INTEGER NOT NULL,
    at          TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    status_from TEXT    NOT NULL,
    status_to   TEXT    NOT NULL,
    -- The answer given with this move, if any.
    answer      TEXT    NULL,
    PRIMARY KEY (feedback_id, seq)
);

-- The queue filters by status.
CREATE INDEX feedback_status ON feedback (status, created_at);
