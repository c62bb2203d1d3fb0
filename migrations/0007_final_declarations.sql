-- The eindverklaring (SPEC §5.5): the opleider's own judgement at the end of a training, once
-- per training.
CREATE TABLE final_declarations (
    id          uuid PRIMARY KEY,
    training_id uuid NOT NULL UNIQUE REFERENCES trainings (id) ON DELETE CASCADE,
    positive    boolean NOT NULL,
    -- The date the training ended (exclusive end of the last day of training, as schedules).
    end_date    date NOT NULL,
    issued_by   uuid NOT NULL REFERENCES users (id),
    issued_at   timestamptz NOT NULL,
    note        text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER final_declarations_updated_at BEFORE UPDATE ON final_declarations
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
