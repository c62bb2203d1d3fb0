-- The aios's side: basisgegevens, trainings with their registration status, and schedules
-- kept as numbered versions (SPEC §5.1–5.3).

-- Basisgegevens of a person (the name lives in users.full_name). Everything is optional here:
-- the portal checks completeness before a training can be created (SPEC §4).
CREATE TABLE personal_details (
    user_id       uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    date_of_birth date CHECK (date_of_birth BETWEEN DATE '1900-01-01' AND DATE '2100-01-01'),
    big_number    text CHECK (big_number ~ '^[0-9]{11}$'),
    diploma_date  date CHECK (diploma_date BETWEEN DATE '1900-01-01' AND DATE '2100-01-01'),
    faculty_code  text REFERENCES faculties (code),
    phone         text CHECK (length(phone) <= 40),
    street        text CHECK (length(street) <= 200),
    postcode      text CHECK (length(postcode) <= 20),
    city          text CHECK (length(city) <= 100),
    -- Raised by every save; a form based on an older value is refused (SPEC §5.2).
    revision      integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
-- A BIG-nummer belongs to one person.
CREATE UNIQUE INDEX personal_details_big_number_key ON personal_details (big_number);
CREATE TRIGGER personal_details_updated_at BEFORE UPDATE ON personal_details
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- One aios's training towards one specialty, with the status of its registration in the
-- opleidingsregister.
CREATE TABLE trainings (
    id            uuid PRIMARY KEY,
    trainee_id    uuid NOT NULL REFERENCES users (id),
    specialty_id  uuid NOT NULL REFERENCES specialties (id),
    institute_id  uuid REFERENCES institutes (id),
    -- The oordelend opleider, who decides on the schedule.
    supervisor_id uuid NOT NULL REFERENCES users (id),
    invoicing     text NOT NULL CHECK (invoicing IN ('bij_indienen', 'op_startdatum')),
    status        text NOT NULL DEFAULT 'concept' CHECK (status IN (
                      'concept', 'ingediend', 'afgekeurd', 'goedgekeurd', 'ingeschreven',
                      'voorwaardelijk', 'voltooid', 'beeindigd', 'doorgehaald')),
    submitted_at  timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (supervisor_id <> trainee_id)
);
CREATE INDEX trainings_trainee_idx ON trainings (trainee_id, created_at);
CREATE INDEX trainings_supervisor_idx ON trainings (supervisor_id, status);
CREATE TRIGGER trainings_updated_at BEFORE UPDATE ON trainings
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Versions of a training's schedule. The current version is the last approved one; at most
-- one concept and at most one submitted version exist at a time.
CREATE TABLE schedule_versions (
    id                   uuid PRIMARY KEY,
    training_id          uuid NOT NULL REFERENCES trainings (id) ON DELETE CASCADE,
    number               integer NOT NULL CHECK (number >= 1),
    status               text NOT NULL CHECK (status IN (
                             'concept', 'ingediend', 'goedgekeurd', 'afgekeurd', 'ingetrokken')),
    -- Raised by every edit of a concept: an edit based on an older revision is refused.
    revision             integer NOT NULL DEFAULT 1,
    based_on_id          uuid REFERENCES schedule_versions (id),
    created_by           uuid NOT NULL REFERENCES users (id),
    submitted_at         timestamptz,
    submitted_by         uuid REFERENCES users (id),
    decided_at           timestamptz,
    decided_by           uuid REFERENCES users (id),
    decided_on_behalf_of uuid REFERENCES users (id),
    decision_reason      text CHECK (length(decision_reason) <= 2000),
    withdrawn_at         timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    UNIQUE (training_id, number)
);
CREATE UNIQUE INDEX schedule_versions_one_concept
    ON schedule_versions (training_id) WHERE status = 'concept';
CREATE UNIQUE INDEX schedule_versions_one_submitted
    ON schedule_versions (training_id) WHERE status = 'ingediend';
CREATE TRIGGER schedule_versions_updated_at BEFORE UPDATE ON schedule_versions
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- The items of a version. `origin_id` is the identity of an item across versions: a copy
-- keeps the origin of the item it was copied from, so the differences between two versions
-- can be shown item by item.
CREATE TABLE schedule_periods (
    id             uuid PRIMARY KEY,
    version_id     uuid NOT NULL REFERENCES schedule_versions (id) ON DELETE CASCADE,
    origin_id      uuid NOT NULL,
    part           smallint NOT NULL CHECK (part >= 0),
    label          text NOT NULL CHECK (length(label) BETWEEN 1 AND 100),
    institution_id uuid NOT NULL REFERENCES institutions (id),
    supervisor_id  uuid REFERENCES users (id),
    start_date     date NOT NULL,
    end_date       date NOT NULL,
    -- 1–100 may be stored in a concept; the rules engine reports anything outside 50–100.
    part_time_pct  smallint NOT NULL CHECK (part_time_pct BETWEEN 1 AND 100),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX schedule_periods_version_idx ON schedule_periods (version_id, start_date);
CREATE INDEX schedule_periods_institution_idx ON schedule_periods (institution_id, start_date);
CREATE TRIGGER schedule_periods_updated_at BEFORE UPDATE ON schedule_periods
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE schedule_interruptions (
    id             uuid PRIMARY KEY,
    version_id     uuid NOT NULL REFERENCES schedule_versions (id) ON DELETE CASCADE,
    origin_id      uuid NOT NULL,
    kind           text NOT NULL REFERENCES interruption_types (code),
    start_date     date NOT NULL,
    end_date       date NOT NULL,
    institution_id uuid NOT NULL REFERENCES institutions (id),
    note           text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    -- Entered by the RGS (SPEC §5.3): shown to the aios, not editable by them.
    entered_by_rgs boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX schedule_interruptions_version_idx ON schedule_interruptions (version_id, start_date);
CREATE TRIGGER schedule_interruptions_updated_at BEFORE UPDATE ON schedule_interruptions
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Approved shortenings (verkorting) of a part, carried by each version.
CREATE TABLE schedule_shortenings (
    id           uuid PRIMARY KEY,
    version_id   uuid NOT NULL REFERENCES schedule_versions (id) ON DELETE CASCADE,
    part         smallint NOT NULL CHECK (part >= 0),
    months       integer NOT NULL CHECK (months BETWEEN 1 AND 120),
    ground       text NOT NULL CHECK (ground IN ('evc', 'svc', 'schakeljaar')),
    gained_where text NOT NULL DEFAULT '' CHECK (length(gained_where) <= 200),
    gained_when  text NOT NULL DEFAULT '' CHECK (length(gained_when) <= 200),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX schedule_shortenings_version_idx ON schedule_shortenings (version_id);
CREATE TRIGGER schedule_shortenings_updated_at BEFORE UPDATE ON schedule_shortenings
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Extensions for an intensief begeleidingstraject, entered by the RGS only.
CREATE TABLE schedule_extensions (
    id         uuid PRIMARY KEY,
    version_id uuid NOT NULL REFERENCES schedule_versions (id) ON DELETE CASCADE,
    part       smallint NOT NULL CHECK (part >= 0),
    months     integer NOT NULL CHECK (months BETWEEN 1 AND 24),
    reason     text NOT NULL DEFAULT '' CHECK (length(reason) <= 1000),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX schedule_extensions_version_idx ON schedule_extensions (version_id);
CREATE TRIGGER schedule_extensions_updated_at BEFORE UPDATE ON schedule_extensions
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Old versions are never changed (SPEC §5.2): the items of a version that is no longer a
-- concept cannot be inserted, updated or deleted, whatever code path tries.
CREATE OR REPLACE FUNCTION schedule_items_only_in_concepts() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    version_status text;
BEGIN
    -- Both the version an item leaves and the one it enters must be concepts. A version
    -- being deleted with its training (cascade) is no longer found.
    IF TG_OP <> 'INSERT' THEN
        SELECT status INTO version_status FROM schedule_versions WHERE id = OLD.version_id;
        IF version_status IS NOT NULL AND version_status <> 'concept' THEN
            RAISE EXCEPTION 'schedule version % is % and cannot be changed',
                OLD.version_id, version_status;
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        SELECT status INTO version_status FROM schedule_versions WHERE id = NEW.version_id;
        IF version_status IS NOT NULL AND version_status <> 'concept' THEN
            RAISE EXCEPTION 'schedule version % is % and cannot be changed',
                NEW.version_id, version_status;
        END IF;
        RETURN NEW;
    END IF;
    RETURN OLD;
END;
$$;
CREATE TRIGGER schedule_periods_only_in_concepts
    BEFORE INSERT OR UPDATE OR DELETE ON schedule_periods
    FOR EACH ROW EXECUTE FUNCTION schedule_items_only_in_concepts();
CREATE TRIGGER schedule_interruptions_only_in_concepts
    BEFORE INSERT OR UPDATE OR DELETE ON schedule_interruptions
    FOR EACH ROW EXECUTE FUNCTION schedule_items_only_in_concepts();
CREATE TRIGGER schedule_shortenings_only_in_concepts
    BEFORE INSERT OR UPDATE OR DELETE ON schedule_shortenings
    FOR EACH ROW EXECUTE FUNCTION schedule_items_only_in_concepts();
CREATE TRIGGER schedule_extensions_only_in_concepts
    BEFORE INSERT OR UPDATE OR DELETE ON schedule_extensions
    FOR EACH ROW EXECUTE FUNCTION schedule_items_only_in_concepts();

-- A version's status only moves forward: concept → ingediend or ingetrokken; ingediend →
-- goedgekeurd or afgekeurd. Decided and withdrawn versions stay as they are.
CREATE OR REPLACE FUNCTION schedule_version_status_moves_forward() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = OLD.status THEN
        RETURN NEW;
    END IF;
    IF (OLD.status = 'concept' AND NEW.status IN ('ingediend', 'ingetrokken'))
       OR (OLD.status = 'ingediend' AND NEW.status IN ('goedgekeurd', 'afgekeurd')) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'schedule version % cannot go from % to %', OLD.id, OLD.status, NEW.status;
END;
$$;
CREATE TRIGGER schedule_versions_status_moves_forward
    BEFORE UPDATE OF status ON schedule_versions
    FOR EACH ROW EXECUTE FUNCTION schedule_version_status_moves_forward();
