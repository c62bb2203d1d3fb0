-- Invoices (SPEC §7): numbered gaplessly per year through a counter row that the issuing
-- transaction locks (a sequence would leave gaps on rollback), never edited once issued (a
-- correction is a credit invoice), with the recipient and amounts as they were on issue.
CREATE TABLE invoice_counters (
    year        smallint PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
    last_number integer NOT NULL CHECK (last_number >= 0)
);

CREATE TABLE invoices (
    id                uuid PRIMARY KEY,
    year              smallint NOT NULL,
    sequence          integer NOT NULL CHECK (sequence > 0),
    number            text NOT NULL UNIQUE CHECK (number ~ '^[0-9]{4}-[0-9]{6,}$'),
    user_id           uuid NOT NULL REFERENCES users (id),
    training_id       uuid REFERENCES trainings (id),
    product           text NOT NULL
        CHECK (product IN ('opleidingsregistratie', 'eerste_registratie', 'herregistratie')),
    description       text NOT NULL CHECK (length(description) BETWEEN 1 AND 300),
    recipient_name    text NOT NULL,
    recipient_address text NOT NULL DEFAULT '',
    -- Including VAT; negative for a credit invoice.
    amount_cents      integer NOT NULL CHECK (amount_cents <> 0),
    vat_cents         integer NOT NULL,
    vat_percent       smallint NOT NULL CHECK (vat_percent BETWEEN 0 AND 100),
    credit_for        uuid REFERENCES invoices (id),
    issued_on         date NOT NULL,
    due_on            date NOT NULL,
    status            text NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'betaald', 'gecrediteerd')),
    paid_at           timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (year, sequence),
    CHECK ((credit_for IS NULL) = (amount_cents > 0)),
    CHECK ((status = 'betaald') = (paid_at IS NOT NULL))
);
CREATE INDEX invoices_user_idx ON invoices (user_id, issued_on DESC);
-- One registration invoice per training and product (a credit invoice is not one).
CREATE UNIQUE INDEX invoices_one_per_training_product
    ON invoices (training_id, product) WHERE credit_for IS NULL AND training_id IS NOT NULL;
CREATE TRIGGER invoices_updated_at BEFORE UPDATE ON invoices
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- An issued invoice is never edited: only its payment status moves (open → betaald or
-- gecrediteerd), whatever code path tries otherwise.
CREATE OR REPLACE FUNCTION invoice_is_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.year, NEW.sequence, NEW.number, NEW.user_id, NEW.training_id, NEW.product,
        NEW.description, NEW.recipient_name, NEW.recipient_address, NEW.amount_cents,
        NEW.vat_cents, NEW.vat_percent, NEW.credit_for, NEW.issued_on, NEW.due_on)
       IS DISTINCT FROM
       (OLD.year, OLD.sequence, OLD.number, OLD.user_id, OLD.training_id, OLD.product,
        OLD.description, OLD.recipient_name, OLD.recipient_address, OLD.amount_cents,
        OLD.vat_cents, OLD.vat_percent, OLD.credit_for, OLD.issued_on, OLD.due_on) THEN
        RAISE EXCEPTION 'invoice % is issued and cannot be changed', OLD.number;
    END IF;
    IF NEW.status <> OLD.status AND OLD.status <> 'open' THEN
        RAISE EXCEPTION 'invoice % is % and stays so', OLD.number, OLD.status;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER invoices_immutable BEFORE UPDATE ON invoices
    FOR EACH ROW EXECUTE FUNCTION invoice_is_immutable();

CREATE OR REPLACE FUNCTION invoice_is_never_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'invoice % is issued and cannot be deleted', OLD.number;
END;
$$;
CREATE TRIGGER invoices_never_deleted BEFORE DELETE ON invoices
    FOR EACH ROW EXECUTE FUNCTION invoice_is_never_deleted();
