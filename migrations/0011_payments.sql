-- Payments of invoices through a payment provider (SPEC §7, SECURITY.md §4).
--
-- Our own row and its idempotency key are stored and committed before the provider is
-- called (SEC-PAY-01); the provider's id is filled in afterwards. At most one payment per
-- invoice is alive or paid at a time (SEC-PAY-02), and a status only moves forward: creating
-- → open → pending → paid / failed / canceled / expired.
CREATE TABLE payments (
    id              uuid PRIMARY KEY,
    invoice_id      uuid NOT NULL REFERENCES invoices (id),
    user_id         uuid NOT NULL REFERENCES users (id),
    provider        text NOT NULL CHECK (provider IN ('test', 'mollie')),
    provider_id     text UNIQUE,
    idempotency_key uuid NOT NULL UNIQUE,
    amount_cents    integer NOT NULL CHECK (amount_cents > 0),
    currency        text NOT NULL DEFAULT 'EUR' CHECK (currency = 'EUR'),
    status          text NOT NULL DEFAULT 'creating' CHECK (status IN (
                        'creating', 'open', 'pending', 'paid', 'failed', 'canceled', 'expired')),
    checkout_url    text,
    paid_at         timestamptz,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'paid') = (paid_at IS NOT NULL))
);
CREATE UNIQUE INDEX payments_one_alive_per_invoice ON payments (invoice_id)
    WHERE status IN ('creating', 'open', 'pending', 'paid');
CREATE INDEX payments_unsettled_idx ON payments (created_at)
    WHERE status IN ('creating', 'open', 'pending');
CREATE TRIGGER payments_updated_at BEFORE UPDATE ON payments
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE OR REPLACE FUNCTION payment_status_moves_forward() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status <> OLD.status AND NOT (
        (OLD.status = 'creating' AND NEW.status IN ('open', 'pending', 'paid', 'failed', 'canceled', 'expired'))
        OR (OLD.status = 'open' AND NEW.status IN ('pending', 'paid', 'failed', 'canceled', 'expired'))
        OR (OLD.status = 'pending' AND NEW.status IN ('paid', 'failed', 'canceled', 'expired'))
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
CREATE TRIGGER payments_forward_only BEFORE UPDATE ON payments
    FOR EACH ROW EXECUTE FUNCTION payment_status_moves_forward();

-- Every status change we applied, with where we learnt it: one row per (payment, status).
CREATE TABLE payment_events (
    id          uuid PRIMARY KEY,
    payment_id  uuid NOT NULL REFERENCES payments (id),
    status      text NOT NULL,
    source      text NOT NULL CHECK (source IN ('creation', 'webhook', 'return', 'reconciliation', 'checkout')),
    received_at timestamptz NOT NULL,
    UNIQUE (payment_id, status)
);

-- The built-in test provider's own bookkeeping: what a provider would keep on its side. Used
-- in development and demos only (PAYMENT_PROVIDER=test).
CREATE TABLE test_provider_payments (
    id               text PRIMARY KEY,
    idempotency_key  uuid NOT NULL UNIQUE,
    local_payment_id uuid NOT NULL,
    amount_cents     integer NOT NULL,
    description      text NOT NULL,
    redirect_url     text NOT NULL,
    status           text NOT NULL DEFAULT 'open'
                         CHECK (status IN ('open', 'paid', 'failed', 'canceled', 'expired')),
    bank             text,
    created_at       timestamptz NOT NULL,
    expires_at       timestamptz NOT NULL
);

-- Attachments of outgoing mail (an invoice PDF), stored with the mail in its transaction.
CREATE TABLE outbox_email_attachments (
    email_id     uuid NOT NULL REFERENCES outbox_emails (id) ON DELETE CASCADE,
    position     smallint NOT NULL,
    filename     text NOT NULL,
    content_type text NOT NULL,
    content      bytea NOT NULL,
    PRIMARY KEY (email_id, position)
);
