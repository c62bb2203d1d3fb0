-- Accounts, second factor, single-use tokens, roles, the audit log and the mail outbox.

-- Specialties and profiles, minimal for roles; the schedule-rules work adds parts and durations.
CREATE TABLE specialties (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code          text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9-]{2,40}$'),
    name          text NOT NULL UNIQUE CHECK (length(name) BETWEEN 2 AND 200),
    register      text NOT NULL CHECK (register IN ('specialist', 'profiel')),
    cluster       smallint NOT NULL CHECK (cluster IN (1, 2, 3)),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER specialties_updated_at BEFORE UPDATE ON specialties
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE users (
    id                    uuid PRIMARY KEY,
    username              text NOT NULL CHECK (username ~ '^[a-z0-9._-]{3,40}$'),
    email                 text NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND position('@' IN email) > 1),
    full_name             text NOT NULL CHECK (length(full_name) BETWEEN 2 AND 200),
    -- NULL until an invited person chose a password.
    password_hash         text,
    email_verified_at     timestamptz,
    -- AES-256-GCM: 12-byte nonce followed by the ciphertext. NULL until enrolled.
    totp_secret_enc       bytea,
    totp_enrolled_at      timestamptz,
    -- The last accepted TOTP time step: a code is accepted once (SEC-TOTP-01).
    totp_last_step        bigint,
    -- Failed attempts in the current window, and the time-boxed locks (never permanent).
    failed_password_count integer NOT NULL DEFAULT 0 CHECK (failed_password_count >= 0),
    failed_password_since timestamptz,
    password_locked_until timestamptz,
    failed_code_count     integer NOT NULL DEFAULT 0 CHECK (failed_code_count >= 0),
    code_locked_until     timestamptz,
    -- Raised on a password change or reset and on a second-factor reset: sessions made with an
    -- older value end (axum-login's session auth hash).
    session_version       integer NOT NULL DEFAULT 1,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_username_key ON users (username);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE TRIGGER users_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE recovery_codes (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- HMAC-SHA256 of the code under the server's secret key.
    code_hash  bytea NOT NULL,
    used_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, code_hash)
);
CREATE TRIGGER recovery_codes_updated_at BEFORE UPDATE ON recovery_codes
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Single-use links: email confirmation, password reset, invitation. Only a hash is stored.
CREATE TABLE user_tokens (
    token_hash bytea PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    text NOT NULL CHECK (purpose IN ('email_confirmation', 'password_reset', 'invitation')),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX user_tokens_user_idx ON user_tokens (user_id, purpose);
CREATE TRIGGER user_tokens_updated_at BEFORE UPDATE ON user_tokens
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- What a user may do, and over what.
CREATE TABLE role_assignments (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role           text NOT NULL CHECK (role IN ('aios', 'specialist', 'opleider', 'ondersteuner', 'contactpersoon', 'rgs')),
    -- opleider: recognised for this specialty at this institution.
    specialty_id   uuid REFERENCES specialties (id),
    -- opleider: where; contactpersoon: the one institution.
    institution_id uuid REFERENCES institutions (id),
    -- ondersteuner: the opleider this assignment works for.
    supervisor_id  uuid REFERENCES users (id),
    revoked_at     timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (role <> 'opleider' OR (specialty_id IS NOT NULL AND institution_id IS NOT NULL)),
    CHECK (role <> 'contactpersoon' OR institution_id IS NOT NULL),
    CHECK (role <> 'ondersteuner' OR supervisor_id IS NOT NULL),
    CHECK (supervisor_id IS NULL OR supervisor_id <> user_id)
);
CREATE INDEX role_assignments_user_idx ON role_assignments (user_id) WHERE revoked_at IS NULL;
CREATE INDEX role_assignments_supervisor_idx ON role_assignments (supervisor_id) WHERE revoked_at IS NULL;
-- Exactly one active contactpersoon per institution.
CREATE UNIQUE INDEX role_assignments_one_contact_per_institution
    ON role_assignments (institution_id) WHERE role = 'contactpersoon' AND revoked_at IS NULL;
CREATE TRIGGER role_assignments_updated_at BEFORE UPDATE ON role_assignments
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- The audit trail (SEC-LOG-02): who, on whose behalf, what, on which object, with what result,
-- from where, when. Append-only: no code path updates or deletes it.
CREATE TABLE audit_log (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at     timestamptz NOT NULL,
    actor_user_id   uuid REFERENCES users (id),
    actor_role      text,
    on_behalf_of_id uuid REFERENCES users (id),
    action          text NOT NULL CHECK (action ~ '^[a-z_]+(\.[a-z_]+)+$'),
    object_type     text,
    object_id       text,
    result          text NOT NULL CHECK (result IN ('success', 'failure', 'denied')),
    ip              inet,
    user_agent      text,
    request_id      text,
    details         jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_user_id, occurred_at DESC);
CREATE INDEX audit_log_object_idx ON audit_log (object_type, object_id);
CREATE INDEX audit_log_action_idx ON audit_log (action, occurred_at DESC);

CREATE OR REPLACE FUNCTION audit_log_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();

-- Mail is written here in the same transaction as the change that causes it; a worker sends
-- it, retrying with back-off.
CREATE TABLE outbox_emails (
    id              uuid PRIMARY KEY,
    to_address      text NOT NULL,
    to_name         text,
    subject         text NOT NULL,
    body_text       text NOT NULL,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    sent_at         timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_emails_due_idx ON outbox_emails (next_attempt_at) WHERE status = 'pending';
CREATE TRIGGER outbox_emails_updated_at BEFORE UPDATE ON outbox_emails
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
