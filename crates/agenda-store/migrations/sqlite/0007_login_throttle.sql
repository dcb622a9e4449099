-- Sign-in throttling per account and client: each failure also records the client it came
-- from, as a keyed hash of its address (the address itself is never stored), so that one
-- client failing on an account is slowed without locking the account's owner out elsewhere.
-- Failures recorded before this column existed count for no client in particular.
ALTER TABLE login_failures ADD COLUMN client TEXT NOT NULL DEFAULT '';
CREATE INDEX login_failures_client ON login_failures (client, at);
