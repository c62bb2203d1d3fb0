-- Shortenings (verkorting, SPEC §5.3 and §5.5) belong to the training, not to one schedule
-- version: the aios, the opleider or an ondersteuner proposes one, the opleider alone approves
-- or rejects it, and an approved shortening lowers the required duration in every version.
-- The per-version table of 0006 was never written; it goes.
DROP TABLE schedule_shortenings;

CREATE TABLE shortenings (
    id                   uuid PRIMARY KEY,
    training_id          uuid NOT NULL REFERENCES trainings (id) ON DELETE CASCADE,
    part                 smallint NOT NULL CHECK (part >= 0),
    months               integer NOT NULL CHECK (months BETWEEN 1 AND 120),
    ground               text NOT NULL CHECK (ground IN ('evc', 'svc', 'schakeljaar')),
    gained_where         text NOT NULL CHECK (length(gained_where) BETWEEN 1 AND 200),
    gained_when          text NOT NULL CHECK (length(gained_when) BETWEEN 1 AND 200),
    status               text NOT NULL
        CHECK (status IN ('voorgesteld', 'goedgekeurd', 'afgewezen', 'ingetrokken')),
    proposed_by          uuid NOT NULL REFERENCES users (id),
    -- An ondersteuner proposing for the opleider.
    proposed_on_behalf_of uuid REFERENCES users (id),
    proposed_at          timestamptz NOT NULL,
    decided_by           uuid REFERENCES users (id),
    decided_at           timestamptz,
    decision_reason      text CHECK (length(decision_reason) <= 2000),
    withdrawn_at         timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CHECK ((status IN ('goedgekeurd', 'afgewezen')) = (decided_at IS NOT NULL)),
    CHECK (status <> 'afgewezen' OR decision_reason IS NOT NULL),
    CHECK ((status = 'ingetrokken') = (withdrawn_at IS NOT NULL))
);
CREATE INDEX shortenings_training_idx ON shortenings (training_id, proposed_at);
-- At most one proposal waits for the opleider per training.
CREATE UNIQUE INDEX shortenings_one_open_per_training
    ON shortenings (training_id) WHERE status = 'voorgesteld';
CREATE TRIGGER shortenings_updated_at BEFORE UPDATE ON shortenings
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- A decided or withdrawn shortening stays as it is; what was proposed is never rewritten.
CREATE OR REPLACE FUNCTION shortening_moves_forward() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.part, NEW.months, NEW.ground, NEW.gained_where, NEW.gained_when, NEW.proposed_by)
       IS DISTINCT FROM
       (OLD.part, OLD.months, OLD.ground, OLD.gained_where, OLD.gained_when, OLD.proposed_by) THEN
        RAISE EXCEPTION 'shortening % cannot be rewritten', OLD.id;
    END IF;
    IF NEW.status = OLD.status THEN
        RETURN NEW;
    END IF;
    IF OLD.status = 'voorgesteld' AND NEW.status IN ('goedgekeurd', 'afgewezen', 'ingetrokken') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'shortening % cannot move from % to %', OLD.id, OLD.status, NEW.status;
END;
$$;
CREATE TRIGGER shortenings_move_forward BEFORE UPDATE ON shortenings
    FOR EACH ROW EXECUTE FUNCTION shortening_moves_forward();
