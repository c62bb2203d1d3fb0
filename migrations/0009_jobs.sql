-- Scheduled work (SPEC §8): each row is one logical job with a unique key, so nothing is
-- scheduled twice; workers in any number of app instances claim due rows with
-- FOR UPDATE SKIP LOCKED, so nothing runs twice either.
CREATE TABLE jobs (
    id         uuid PRIMARY KEY,
    kind       text NOT NULL CHECK (length(kind) BETWEEN 1 AND 60),
    -- The logical job, e.g. 'concept_reminder:<version id>'.
    key        text NOT NULL UNIQUE CHECK (length(key) BETWEEN 1 AND 200),
    payload    jsonb NOT NULL DEFAULT '{}',
    run_at     timestamptz NOT NULL,
    status     text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
    attempts   integer NOT NULL DEFAULT 0,
    last_error text,
    done_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_due_idx ON jobs (run_at) WHERE status = 'pending';
CREATE TRIGGER jobs_updated_at BEFORE UPDATE ON jobs
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
