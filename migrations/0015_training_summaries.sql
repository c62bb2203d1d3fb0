-- A training as the lists show it, one row per training: the opleider's overview of their
-- aios and the contactpersoon's report read this one row instead of joining six tables and
-- finding "the version that counts" among all versions on every request.
--
-- One definition: the view `training_summary_source` says what a summary is, from the tables
-- that hold the facts. The table `training_summaries` keeps its rows, and the triggers below
-- rewrite a training's row in the same statement that changes any of those facts (so in the
-- same transaction). A test compares the table with the view after every kind of change.

-- What a training's summary is. The shown version is the one that counts: the last approved
-- version, else the submitted one (a training has at most one submitted version). Its
-- periods are listed in the order of their start (then id), with their institution's name.
CREATE VIEW training_summary_source AS
SELECT t.id AS training_id,
       t.trainee_id,
       a.full_name AS trainee_name,
       pd.big_number AS trainee_big_number,
       t.specialty_id,
       s.name AS specialty_name,
       t.supervisor_id,
       o.full_name AS supervisor_name,
       t.status,
       shown.id AS shown_version_id,
       periods.planned_end,
       COALESCE(periods.starts, '{}') AS period_starts,
       COALESCE(periods.ends, '{}') AS period_ends,
       COALESCE(periods.labels, '{}') AS period_labels,
       COALESCE(periods.institutions, '{}') AS period_institutions,
       EXISTS (SELECT 1 FROM schedule_versions w
               WHERE w.training_id = t.id AND w.status = 'ingediend') AS schedule_waiting,
       EXISTS (SELECT 1 FROM shortenings k
               WHERE k.training_id = t.id AND k.status = 'voorgesteld') AS shortening_waiting,
       EXISTS (SELECT 1 FROM final_declarations f WHERE f.training_id = t.id) AS declared
FROM trainings t
JOIN users a ON a.id = t.trainee_id
LEFT JOIN personal_details pd ON pd.user_id = t.trainee_id
JOIN specialties s ON s.id = t.specialty_id
JOIN users o ON o.id = t.supervisor_id
LEFT JOIN LATERAL (
    SELECT v.id FROM schedule_versions v
    WHERE v.training_id = t.id AND v.status IN ('goedgekeurd', 'ingediend')
    ORDER BY (v.status = 'goedgekeurd') DESC, v.number DESC
    LIMIT 1
) shown ON true
LEFT JOIN LATERAL (
    SELECT max(p.end_date) AS planned_end,
           array_agg(p.start_date ORDER BY p.start_date, p.id) AS starts,
           array_agg(p.end_date ORDER BY p.start_date, p.id) AS ends,
           array_agg(p.label ORDER BY p.start_date, p.id) AS labels,
           array_agg(i.name ORDER BY p.start_date, p.id) AS institutions
    FROM schedule_periods p JOIN institutions i ON i.id = p.institution_id
    WHERE p.version_id = shown.id
) periods ON true;

CREATE TABLE training_summaries (
    training_id         uuid PRIMARY KEY REFERENCES trainings (id) ON DELETE CASCADE,
    trainee_id          uuid NOT NULL,
    trainee_name        text NOT NULL,
    trainee_big_number  text,
    specialty_id        uuid NOT NULL,
    specialty_name      text NOT NULL,
    supervisor_id       uuid NOT NULL,
    supervisor_name     text NOT NULL,
    status              text NOT NULL,
    shown_version_id    uuid,
    planned_end         date,
    period_starts       date[] NOT NULL,
    period_ends         date[] NOT NULL,
    period_labels       text[] NOT NULL,
    period_institutions text[] NOT NULL,
    schedule_waiting    boolean NOT NULL,
    shortening_waiting  boolean NOT NULL,
    declared            boolean NOT NULL
);
-- The overview: an opleider's aios by name, or by status and name.
CREATE INDEX training_summaries_supervisor_name_idx
    ON training_summaries (supervisor_id, trainee_name, training_id);
CREATE INDEX training_summaries_supervisor_status_idx
    ON training_summaries (supervisor_id, status, trainee_name, training_id);
-- The report: the periods of an institution, each with the training whose shown version it
-- belongs to.
CREATE UNIQUE INDEX training_summaries_shown_version_idx
    ON training_summaries (shown_version_id);

-- Rewrites the summaries of trainings `ids` from the source.
--
-- Two transactions that change the same training at the same time must not leave the
-- summary as the first of them saw it. So the trainings are locked first (in id order, so two
-- refreshes never wait for each other in a circle): a refresh waits until another transaction
-- that refreshed the same training has committed, and then reads, in a statement of its own,
-- what that one committed too.
CREATE FUNCTION refresh_training_summaries(ids uuid[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF ids IS NULL OR cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    PERFORM 1 FROM trainings WHERE id = ANY (ids) ORDER BY id FOR NO KEY UPDATE;
    DELETE FROM training_summaries WHERE training_id = ANY (ids);
    INSERT INTO training_summaries
    SELECT * FROM training_summary_source WHERE training_id = ANY (ids);
END
$$;

-- The trigger of every table a summary is made from. TG_ARGV[0] is the query that finds the
-- trainings whose summary the changed rows touch, with %1$s for the changed rows (the
-- statement's transition table: `new_rows` after an insert or update, `old_rows` after a
-- delete, both after an update).
CREATE FUNCTION training_summaries_follow() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ids uuid[];
BEGIN
    IF TG_OP = 'UPDATE' THEN
        EXECUTE format('SELECT array_agg(DISTINCT id) FROM (%s UNION %s) AS touched(id)',
                       format(TG_ARGV[0], 'old_rows'), format(TG_ARGV[0], 'new_rows'))
            INTO ids;
    ELSIF TG_OP = 'INSERT' THEN
        EXECUTE format('SELECT array_agg(DISTINCT id) FROM (%s) AS touched(id)',
                       format(TG_ARGV[0], 'new_rows'))
            INTO ids;
    ELSE
        EXECUTE format('SELECT array_agg(DISTINCT id) FROM (%s) AS touched(id)',
                       format(TG_ARGV[0], 'old_rows'))
            INTO ids;
    END IF;
    PERFORM refresh_training_summaries(ids);
    RETURN NULL;
END
$$;

-- Trainings, versions, shortenings and eindverklaringen name their training.
CREATE TRIGGER trainings_summary_insert AFTER INSERT ON trainings
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION training_summaries_follow('SELECT id FROM %1$s');
CREATE TRIGGER trainings_summary_update AFTER UPDATE ON trainings
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION training_summaries_follow('SELECT id FROM %1$s');

CREATE TRIGGER schedule_versions_summary_insert AFTER INSERT ON schedule_versions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION training_summaries_follow('SELECT training_id FROM %1$s');
CREATE TRIGGER schedule_versions_summary_update AFTER UPDATE ON schedule_versions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION training_summaries_follow('SELECT training_id FROM %1$s');
CREATE TRIGGER schedule_versions_summary_delete AFTER DELETE ON schedule_versions
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION training_summaries_follow('SELECT training_id FROM %1$s');

CREATE TRIGGER shortenings_summary_insert AFTER INSERT ON shortenings
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION training_summaries_follow('SELECT training_id FROM %1$s');
CREATE TRIGGER shortenings_summary_update AFTER UPDATE ON shortenings
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION training_summaries_follow('SELECT training_id FROM %1$s');
CREATE TRIGGER shortenings_summary_delete AFTER DELETE ON shortenings
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION training_summaries_follow('SELECT training_id FROM %1$s');

CREATE TRIGGER final_declarations_summary_insert AFTER INSERT ON final_declarations
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION training_summaries_follow('SELECT training_id FROM %1$s');
CREATE TRIGGER final_declarations_summary_update AFTER UPDATE ON final_declarations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION training_summaries_follow('SELECT training_id FROM %1$s');
CREATE TRIGGER final_declarations_summary_delete AFTER DELETE ON final_declarations
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION training_summaries_follow('SELECT training_id FROM %1$s');

-- Periods name their version.
CREATE TRIGGER schedule_periods_summary_insert AFTER INSERT ON schedule_periods
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION training_summaries_follow(
        'SELECT v.training_id FROM %1$s r JOIN schedule_versions v ON v.id = r.version_id');
CREATE TRIGGER schedule_periods_summary_update AFTER UPDATE ON schedule_periods
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION training_summaries_follow(
        'SELECT v.training_id FROM %1$s r JOIN schedule_versions v ON v.id = r.version_id');
CREATE TRIGGER schedule_periods_summary_delete AFTER DELETE ON schedule_periods
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION training_summaries_follow(
        'SELECT v.training_id FROM %1$s r JOIN schedule_versions v ON v.id = r.version_id');

-- The aios's BIG-nummer and the names of the aios, the opleider, the specialty and the
-- institutions. These rows change for other reasons too (a user at every log-in), so these
-- triggers fire per row and only when the value shown changes: PostgreSQL checks the WHEN
-- without calling a function. TG_ARGV[0] finds the trainings, with $1 the changed row.
CREATE FUNCTION training_summaries_follow_row() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ids uuid[];
BEGIN
    EXECUTE format('SELECT array_agg(DISTINCT id) FROM (%s) AS touched(id)', TG_ARGV[0])
        INTO ids USING CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    PERFORM refresh_training_summaries(ids);
    RETURN NULL;
END
$$;

CREATE TRIGGER personal_details_summary_insert AFTER INSERT ON personal_details
    FOR EACH ROW WHEN (NEW.big_number IS NOT NULL)
    EXECUTE FUNCTION training_summaries_follow_row(
        'SELECT t.id FROM trainings t WHERE t.trainee_id = ($1).user_id');
CREATE TRIGGER personal_details_summary_update AFTER UPDATE ON personal_details
    FOR EACH ROW WHEN (OLD.big_number IS DISTINCT FROM NEW.big_number)
    EXECUTE FUNCTION training_summaries_follow_row(
        'SELECT t.id FROM trainings t WHERE t.trainee_id = ($1).user_id');
CREATE TRIGGER personal_details_summary_delete AFTER DELETE ON personal_details
    FOR EACH ROW WHEN (OLD.big_number IS NOT NULL)
    EXECUTE FUNCTION training_summaries_follow_row(
        'SELECT t.id FROM trainings t WHERE t.trainee_id = ($1).user_id');
CREATE TRIGGER users_summary_update AFTER UPDATE OF full_name ON users
    FOR EACH ROW WHEN (OLD.full_name IS DISTINCT FROM NEW.full_name)
    EXECUTE FUNCTION training_summaries_follow_row(
        'SELECT t.id FROM trainings t WHERE t.trainee_id = ($1).id
         UNION ALL
         SELECT t.id FROM trainings t WHERE t.supervisor_id = ($1).id');
CREATE TRIGGER specialties_summary_update AFTER UPDATE OF name ON specialties
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION training_summaries_follow_row(
        'SELECT t.id FROM trainings t WHERE t.specialty_id = ($1).id');
CREATE TRIGGER institutions_summary_update AFTER UPDATE OF name ON institutions
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION training_summaries_follow_row(
        'SELECT v.training_id FROM schedule_periods p
         JOIN schedule_versions v ON v.id = p.version_id
         WHERE p.institution_id = ($1).id');

-- The trainings that exist already.
INSERT INTO training_summaries SELECT * FROM training_summary_source;
