-- Published versions of the agenda (1.0, 1.1 …): what the plan said when it was published,
-- kept whole so that any two versions can be compared after the records have moved on.
-- Each publication is also chained in the audit log (kind `agenda_version`) with the hash
-- of its content.
CREATE TABLE agenda_versions (
    major            BIGINT NOT NULL,
    minor            BIGINT NOT NULL,
    -- The day the version counts from (the launch date for the first one).
    published_on     TEXT   NOT NULL,
    -- When it was recorded.
    published_at     TEXT   NOT NULL,
    -- What the publication is about, as a JSON text by language; NULL for none.
    note             TEXT   NULL,
    -- The snapshot version the content was taken from.
    snapshot_version BIGINT NOT NULL,
    -- `agenda_core::versions::VersionContent` as JSON.
    content          TEXT   NOT NULL,
    PRIMARY KEY (major, minor)
);
