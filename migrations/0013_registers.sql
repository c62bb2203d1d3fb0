-- The registers of specialists and profielartsen (SPEC §6): an entry per person and specialty,
-- the periods it was granted for, the requests that led to them (registratie after training,
-- herregistratie every five years), and the index of the public lookup.

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- One person's entry in the register of one specialty or profile. `registered_on` is the first
-- day in the register; `ends_on` the end of the current period (exclusive, as every end date
-- in the portal). An entry whose end passes without a new decision is struck off.
CREATE TABLE register_entries (
    id                   uuid PRIMARY KEY,
    user_id              uuid NOT NULL REFERENCES users (id),
    specialty_id         uuid NOT NULL REFERENCES specialties (id),
    -- The training that led to it (NULL for entries from before the portal).
    training_id          uuid UNIQUE REFERENCES trainings (id),
    -- The person's name, kept equal to users.full_name by the triggers below, so the public
    -- lookup searches and sorts one table of registrants only.
    name                 text NOT NULL,
    registered_on        date NOT NULL,
    ends_on              date NOT NULL,
    status               text NOT NULL DEFAULT 'ingeschreven'
        CHECK (status IN ('ingeschreven', 'doorgehaald')),
    struck_off_at        timestamptz,
    struck_off_reason    text CHECK (length(struck_off_reason) <= 2000),
    -- Whether the current period was shortened for a missing EIF or EKE: that happens once.
    evaluation_shortened boolean NOT NULL DEFAULT false,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, specialty_id),
    CHECK (ends_on > registered_on),
    CHECK ((status = 'doorgehaald') = (struck_off_at IS NOT NULL))
);
CREATE INDEX register_entries_ends_idx ON register_entries (ends_on) WHERE status = 'ingeschreven';
CREATE TRIGGER register_entries_updated_at BEFORE UPDATE ON register_entries
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- A request to enter a register (registratie) or to stay in it (herregistratie), with its fee
-- invoice. A registratie is granted when its invoice is paid; a herregistratie is decided by
-- the RGS, with the portal's proposal.
CREATE TABLE register_applications (
    id               uuid PRIMARY KEY,
    kind             text NOT NULL CHECK (kind IN ('registratie', 'herregistratie')),
    user_id          uuid NOT NULL REFERENCES users (id),
    specialty_id     uuid NOT NULL REFERENCES specialties (id),
    training_id      uuid REFERENCES trainings (id),
    entry_id         uuid REFERENCES register_entries (id),
    -- Herregistratie: the end date of the period it would extend.
    extends_from     date,
    invoice_id       uuid NOT NULL UNIQUE REFERENCES invoices (id),
    -- Herregistratie: what was declared, and the computed proposal (NULL months: refusal).
    declaration      jsonb,
    proposed_months  smallint CHECK (proposed_months BETWEEN 1 AND 60),
    proposal_reasons text[] NOT NULL DEFAULT '{}',
    status           text NOT NULL DEFAULT 'ingediend'
        CHECK (status IN ('ingediend', 'toegekend', 'afgewezen')),
    submitted_at     timestamptz NOT NULL,
    decided_at       timestamptz,
    -- NULL for a registratie granted on payment.
    decided_by       uuid REFERENCES users (id),
    granted_months   smallint CHECK (granted_months BETWEEN 1 AND 60),
    decision_note    text NOT NULL DEFAULT '' CHECK (length(decision_note) <= 2000),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'registratie') = (training_id IS NOT NULL)),
    CHECK ((kind = 'herregistratie') = (entry_id IS NOT NULL AND extends_from IS NOT NULL
                                        AND declaration IS NOT NULL)),
    CHECK ((status = 'ingediend') = (decided_at IS NULL)),
    CHECK ((status = 'toegekend') = (granted_months IS NOT NULL))
);
-- One registratie per training (unless refused), one herregistratie per period.
CREATE UNIQUE INDEX register_applications_one_per_training
    ON register_applications (training_id) WHERE kind = 'registratie' AND status <> 'afgewezen';
CREATE UNIQUE INDEX register_applications_one_per_period
    ON register_applications (entry_id, extends_from) WHERE kind = 'herregistratie';
CREATE INDEX register_applications_open_idx ON register_applications (submitted_at)
    WHERE status = 'ingediend';
CREATE INDEX register_applications_user_idx ON register_applications (user_id);
CREATE TRIGGER register_applications_updated_at BEFORE UPDATE ON register_applications
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Every period an entry was granted for, with the request that granted it: no two overlap,
-- and each one after the first starts where the one before ended (never a gap).
CREATE TABLE register_periods (
    entry_id       uuid NOT NULL REFERENCES register_entries (id),
    starts_on      date NOT NULL,
    ends_on        date NOT NULL,
    -- The request that granted it (NULL for a period from before the portal).
    application_id uuid UNIQUE REFERENCES register_applications (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (entry_id, starts_on),
    CHECK (ends_on > starts_on),
    EXCLUDE USING gist (entry_id WITH =, daterange(starts_on, ends_on) WITH &&)
);
CREATE TRIGGER register_periods_updated_at BEFORE UPDATE ON register_periods
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE OR REPLACE FUNCTION register_period_follows_on() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    last_end date;
BEGIN
    SELECT max(ends_on) INTO last_end FROM register_periods
     WHERE entry_id = NEW.entry_id AND starts_on < NEW.starts_on;
    IF last_end IS NOT NULL AND last_end <> NEW.starts_on THEN
        RAISE EXCEPTION 'a register period must start on % (the end of the one before), not %',
            last_end, NEW.starts_on;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER register_periods_no_gap BEFORE INSERT ON register_periods
    FOR EACH ROW EXECUTE FUNCTION register_period_follows_on();

-- The name of an entry is its person's name: filled in on insert, followed on every rename.
CREATE OR REPLACE FUNCTION register_entry_name() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    SELECT full_name INTO NEW.name FROM users WHERE id = NEW.user_id;
    RETURN NEW;
END;
$$;
CREATE TRIGGER register_entries_name BEFORE INSERT OR UPDATE OF user_id, name ON register_entries
    FOR EACH ROW EXECUTE FUNCTION register_entry_name();

CREATE OR REPLACE FUNCTION user_name_to_register() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE register_entries SET name = NEW.full_name WHERE user_id = NEW.id;
    RETURN NEW;
END;
$$;
CREATE TRIGGER users_name_to_register AFTER UPDATE OF full_name ON users
    FOR EACH ROW WHEN (OLD.full_name IS DISTINCT FROM NEW.full_name)
    EXECUTE FUNCTION user_name_to_register();

-- The public lookup searches names by trigram (any part of the name) and BIG-nummers exactly
-- (personal_details_big_number_key). New names go straight into the trigram index (no pending
-- list), so a search never reads an unsorted backlog. There is deliberately no b-tree on the
-- name: the planner would read it in name order to find the first page of a common name, which
-- is slow when the matches cluster (every "Pieter …" sits after every "A…"). The planner needs
-- to know how common a name is, hence statistics on the lower-case name.
CREATE INDEX register_entries_name_trgm_idx ON register_entries
    USING gin (lower(name) gin_trgm_ops) WITH (fastupdate = off);
CREATE STATISTICS register_entries_lower_name_stats ON (lower(name)) FROM register_entries;
