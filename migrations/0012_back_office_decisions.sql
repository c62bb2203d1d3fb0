-- The RGS back office's own decisions (SPEC §3, §5.1): closing a registration with a reason,
-- and blocking an account.

-- Why and by whom a registration was struck off (doorgehaald) or ended (beëindigd). A
-- registration is closed once; the status itself lives in trainings.status.
CREATE TABLE registration_closures (
    training_id uuid PRIMARY KEY REFERENCES trainings (id),
    kind        text NOT NULL CHECK (kind IN ('doorgehaald', 'beeindigd')),
    reason      text NOT NULL CHECK (length(reason) BETWEEN 5 AND 2000),
    decided_by  uuid NOT NULL REFERENCES users (id),
    decided_at  timestamptz NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER registration_closures_updated_at BEFORE UPDATE ON registration_closures
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- An account the RGS blocked: no login and no session until it is unblocked. Unlike the
-- time-boxed locks after failed attempts, a block lasts until the RGS lifts it.
ALTER TABLE users
    ADD COLUMN blocked_at     timestamptz,
    ADD COLUMN blocked_reason text CHECK (length(blocked_reason) <= 2000),
    ADD CONSTRAINT users_blocked_has_reason CHECK ((blocked_at IS NULL) = (blocked_reason IS NULL));

-- The werkvoorraad looks for versions that wait for an opleider.
CREATE INDEX schedule_versions_waiting_idx ON schedule_versions (submitted_at)
    WHERE status = 'ingediend';
