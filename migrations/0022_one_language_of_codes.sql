-- One language of stored codes (docs/architecture.md, "Typed states"): every status and kind
-- the portal stores is a Dutch word, as the registration, version, shortening, invoice and
-- register codes always were. The outbox, the job queue, the account requests and the
-- payments still stored English words; they are renamed here, in place, with the constraints,
-- partial indexes, trigger and functions that name them. The words of the payment provider
-- (Mollie's, kept by the test provider in test_provider_payments) stay the provider's.
--
-- Landed migrations are not edited: what they created with the English words is replaced.

-- The outbox: in_wachtrij → verzonden, or opgegeven after the last attempt.
ALTER TABLE outbox_emails DROP CONSTRAINT outbox_emails_status_check;
DROP INDEX outbox_emails_due_idx;
UPDATE outbox_emails SET status = CASE status
    WHEN 'pending' THEN 'in_wachtrij' WHEN 'sent' THEN 'verzonden' WHEN 'failed' THEN 'opgegeven'
    ELSE status END;
ALTER TABLE outbox_emails ALTER COLUMN status SET DEFAULT 'in_wachtrij',
    ADD CONSTRAINT outbox_emails_status_check
        CHECK (status IN ('in_wachtrij', 'verzonden', 'opgegeven'));
CREATE INDEX outbox_emails_due_idx ON outbox_emails (next_attempt_at) WHERE status = 'in_wachtrij';

-- The job queue: gepland → uitgevoerd, or opgegeven after the last attempt; and its kinds (a
-- job's key is its own word and stays).
ALTER TABLE jobs DROP CONSTRAINT jobs_status_check;
DROP INDEX jobs_due_idx;
UPDATE jobs SET status = CASE status
    WHEN 'pending' THEN 'gepland' WHEN 'done' THEN 'uitgevoerd' WHEN 'failed' THEN 'opgegeven'
    ELSE status END;
ALTER TABLE jobs ALTER COLUMN status SET DEFAULT 'gepland',
    ADD CONSTRAINT jobs_status_check CHECK (status IN ('gepland', 'uitgevoerd', 'opgegeven'));
CREATE INDEX jobs_due_idx ON jobs (run_at) WHERE status = 'gepland';
UPDATE jobs SET kind = CASE kind
    WHEN 'concept_reminder' THEN 'herinnering_concept'
    WHEN 'payment_reminder' THEN 'herinnering_betaling'
    WHEN 'start_date_invoice' THEN 'factuur_op_startdatum'
    WHEN 'reconciliation' THEN 'afstemming_betalingen'
    WHEN 'reregistration_notice' THEN 'bericht_herregistratie'
    WHEN 'strike_off' THEN 'doorhaling'
    ELSE kind END;

-- Account requests: ingediend → goedgekeurd → aanvaard, or afgewezen; and the answers of the
-- opleiders named on a request.
ALTER TABLE account_requests
    DROP CONSTRAINT account_requests_status_check,
    DROP CONSTRAINT account_requests_check1;
DROP INDEX account_requests_pending_idx;
UPDATE account_requests SET status = CASE status
    WHEN 'pending' THEN 'ingediend' WHEN 'approved' THEN 'goedgekeurd'
    WHEN 'rejected' THEN 'afgewezen' WHEN 'accepted' THEN 'aanvaard'
    ELSE status END;
ALTER TABLE account_requests ALTER COLUMN status SET DEFAULT 'ingediend',
    ADD CONSTRAINT account_requests_status_check
        CHECK (status IN ('ingediend', 'goedgekeurd', 'afgewezen', 'aanvaard')),
    ADD CONSTRAINT account_requests_rejection_has_reason
        CHECK (status <> 'afgewezen' OR rejection_reason IS NOT NULL);
CREATE INDEX account_requests_pending_idx ON account_requests (created_at)
    WHERE status = 'ingediend';

ALTER TABLE account_request_supervisors
    DROP CONSTRAINT account_request_supervisors_decision_check;
UPDATE account_request_supervisors SET decision = CASE decision
    WHEN 'confirmed' THEN 'bevestigd' WHEN 'rejected' THEN 'afgewezen' ELSE decision END;
ALTER TABLE account_request_supervisors
    ADD CONSTRAINT account_request_supervisors_decision_check
        CHECK (decision IN ('bevestigd', 'afgewezen'));

-- Payments: wordt_aangemaakt → open → in_behandeling → betaald / mislukt / geannuleerd /
-- verlopen, with the events that moved them and where each was learnt.
ALTER TABLE payments
    DROP CONSTRAINT payments_status_check,
    DROP CONSTRAINT payments_check;
DROP INDEX payments_one_alive_per_invoice;
DROP INDEX payments_unsettled_idx;
ALTER TABLE payments DISABLE TRIGGER payments_forward_only;
UPDATE payments SET status = CASE status
    WHEN 'creating' THEN 'wordt_aangemaakt' WHEN 'pending' THEN 'in_behandeling'
    WHEN 'paid' THEN 'betaald' WHEN 'failed' THEN 'mislukt' WHEN 'canceled' THEN 'geannuleerd'
    WHEN 'expired' THEN 'verlopen' ELSE status END;
ALTER TABLE payments ENABLE TRIGGER payments_forward_only;
ALTER TABLE payments ALTER COLUMN status SET DEFAULT 'wordt_aangemaakt',
    ADD CONSTRAINT payments_status_check CHECK (status IN (
        'wordt_aangemaakt', 'open', 'in_behandeling', 'betaald', 'mislukt', 'geannuleerd',
        'verlopen')),
    ADD CONSTRAINT payments_paid_has_date CHECK ((status = 'betaald') = (paid_at IS NOT NULL));
CREATE UNIQUE INDEX payments_one_alive_per_invoice ON payments (invoice_id)
    WHERE status IN ('wordt_aangemaakt', 'open', 'in_behandeling', 'betaald');
CREATE INDEX payments_unsettled_idx ON payments (created_at)
    WHERE status IN ('wordt_aangemaakt', 'open', 'in_behandeling');

CREATE OR REPLACE FUNCTION payment_status_moves_forward() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status <> OLD.status AND NOT (
        (OLD.status = 'wordt_aangemaakt' AND NEW.status IN (
            'open', 'in_behandeling', 'betaald', 'mislukt', 'geannuleerd', 'verlopen'))
        OR (OLD.status = 'open' AND NEW.status IN (
            'in_behandeling', 'betaald', 'mislukt', 'geannuleerd', 'verlopen'))
        OR (OLD.status = 'in_behandeling' AND NEW.status IN (
            'betaald', 'mislukt', 'geannuleerd', 'verlopen'))
    ) THEN
        RAISE EXCEPTION 'payment % cannot move from % to %', OLD.id, OLD.status, NEW.status;
    END IF;
    IF (NEW.invoice_id, NEW.amount_cents, NEW.idempotency_key, NEW.provider)
       IS DISTINCT FROM (OLD.invoice_id, OLD.amount_cents, OLD.idempotency_key, OLD.provider)
       OR (OLD.provider_id IS NOT NULL AND NEW.provider_id IS DISTINCT FROM OLD.provider_id) THEN
        RAISE EXCEPTION 'payment % cannot be changed', OLD.id;
    END IF;
    RETURN NEW;
END;
$$;

ALTER TABLE payment_events DROP CONSTRAINT payment_events_source_check;
UPDATE payment_events SET
    status = CASE status
        WHEN 'creating' THEN 'wordt_aangemaakt' WHEN 'pending' THEN 'in_behandeling'
        WHEN 'paid' THEN 'betaald' WHEN 'failed' THEN 'mislukt'
        WHEN 'canceled' THEN 'geannuleerd' WHEN 'expired' THEN 'verlopen' ELSE status END,
    source = CASE source
        WHEN 'creation' THEN 'aanmaak' WHEN 'return' THEN 'terugkeer'
        WHEN 'reconciliation' THEN 'afstemming' WHEN 'checkout' THEN 'betaalpagina'
        ELSE source END;
ALTER TABLE payment_events ADD CONSTRAINT payment_events_source_check
    CHECK (source IN ('aanmaak', 'webhook', 'terugkeer', 'afstemming', 'betaalpagina'));

-- The back office's lists of what was given up (migration 0021), with the new word.
CREATE OR REPLACE FUNCTION failed_mails()
RETURNS TABLE (mails json)
LANGUAGE sql STABLE
AS $$
    SELECT COALESCE(json_agg(x ORDER BY x.created_at DESC, x.id), '[]')
    FROM (SELECT id, to_address, subject, attempts, last_error,
                 to_char(created_at AT TIME ZONE 'Europe/Amsterdam', 'DD-MM-YYYY HH24:MI')
                     AS created,
                 created_at
          FROM outbox_emails WHERE status = 'opgegeven'
          ORDER BY created_at DESC, id LIMIT 200) x
$$;

CREATE OR REPLACE FUNCTION failed_jobs()
RETURNS TABLE (jobs json)
LANGUAGE sql STABLE
AS $$
    SELECT COALESCE(json_agg(x ORDER BY x.run_at DESC, x.id), '[]')
    FROM (SELECT kind, key, attempts, last_error, run_at, id FROM jobs
          WHERE status = 'opgegeven' ORDER BY run_at DESC, id LIMIT 200) x
$$;
