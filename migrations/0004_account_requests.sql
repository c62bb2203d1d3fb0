-- Account requests by opleidingsondersteuners and contactpersonen, decided by the RGS (and, for
-- an ondersteuner, confirmed by every opleider named). An approved request carries a
-- single-use invitation link with which the person chooses a username and password.
CREATE TABLE account_requests (
    id                    uuid PRIMARY KEY,
    kind                  text NOT NULL CHECK (kind IN ('ondersteuner', 'contactpersoon')),
    full_name             text NOT NULL CHECK (length(full_name) BETWEEN 2 AND 200),
    email                 text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    phone                 text NOT NULL CHECK (length(phone) BETWEEN 6 AND 30),
    institution_id        uuid REFERENCES institutions (id),
    job_title             text CHECK (job_title IS NULL OR length(job_title) <= 200),
    motivation            text CHECK (motivation IS NULL OR length(motivation) <= 2000),
    status                text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'accepted')),
    decided_by            uuid REFERENCES users (id),
    decided_at            timestamptz,
    rejection_reason      text,
    invitation_hash       bytea UNIQUE,
    invitation_expires_at timestamptz,
    user_id               uuid REFERENCES users (id),
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CHECK (kind <> 'contactpersoon' OR (institution_id IS NOT NULL AND job_title IS NOT NULL)),
    CHECK (status <> 'rejected' OR rejection_reason IS NOT NULL)
);
CREATE INDEX account_requests_pending_idx ON account_requests (created_at) WHERE status = 'pending';
CREATE TRIGGER account_requests_updated_at BEFORE UPDATE ON account_requests
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- The opleiders an ondersteuner will work for; each confirms or rejects.
CREATE TABLE account_request_supervisors (
    request_id    uuid NOT NULL REFERENCES account_requests (id) ON DELETE CASCADE,
    supervisor_id uuid NOT NULL REFERENCES users (id),
    decision      text CHECK (decision IN ('confirmed', 'rejected')),
    decided_at    timestamptz,
    reason        text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (request_id, supervisor_id)
);
CREATE INDEX account_request_supervisors_supervisor_idx ON account_request_supervisors (supervisor_id);
CREATE TRIGGER account_request_supervisors_updated_at BEFORE UPDATE ON account_request_supervisors
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
