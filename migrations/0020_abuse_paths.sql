-- Closing the abuse paths of docs/security.md.

-- Failed logins for usernames that have no account are counted like those of a real account,
-- so that the lockout message tells nobody which usernames exist. Rows whose window has passed
-- are removed when the next unknown username fails.
CREATE TABLE unknown_login_failures (
    username     text PRIMARY KEY CHECK (length(username) <= 100),
    failed_count integer NOT NULL DEFAULT 0,
    failed_since timestamptz,
    locked_until timestamptz
);
CREATE INDEX unknown_login_failures_since_idx ON unknown_login_failures (failed_since);

-- An account request is shown to opleiders and the RGS (and mailed about) only after the
-- person asking confirmed their own email address. Requests made before this existed count
-- as confirmed.
ALTER TABLE account_requests
    ADD COLUMN email_confirmed_at      timestamptz,
    ADD COLUMN confirmation_hash       bytea UNIQUE,
    ADD COLUMN confirmation_expires_at timestamptz;
UPDATE account_requests SET email_confirmed_at = created_at;
CREATE INDEX account_requests_unconfirmed_idx ON account_requests (created_at)
    WHERE email_confirmed_at IS NULL;

-- Mails to one address in a recent window are counted for the per-address limits.
CREATE INDEX outbox_emails_recipient_idx ON outbox_emails (lower(to_address), created_at);
