-- A summary's periods in one `json` column instead of four arrays (starts, ends, labels,
-- institutions). The opleider's overview reads 51 summaries per page and needs only the
-- period running today of each: four arrays cost PostgreSQL a binary send per element and the
-- portal a decoded value and an allocation per element, where one `json` text is sent as it is
-- stored and read in one pass, borrowing its strings. Measured on the bench database: the
-- overview's statement ran 8,800 times a second with the arrays and 10,400 with the json
-- column (pgbench, 8 clients); `jsonb` was slower than both (7,700), as it is printed anew on
-- every read.
--
-- The list is [{"start": date, "end": date, "label": text, "institution": text}, ...] in the
-- order of the periods' start (then id), as before.

DROP VIEW training_summary_source;

ALTER TABLE training_summaries
    DROP COLUMN period_starts,
    DROP COLUMN period_ends,
    DROP COLUMN period_labels,
    DROP COLUMN period_institutions,
    ADD COLUMN periods json NOT NULL DEFAULT '[]';
ALTER TABLE training_summaries ALTER COLUMN periods DROP DEFAULT;

-- The same definition as in 0015, with the periods as one json list, last, as in the table
-- (refresh_training_summaries inserts the view's rows into the table column by column).
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
       EXISTS (SELECT 1 FROM schedule_versions w
               WHERE w.training_id = t.id AND w.status = 'ingediend') AS schedule_waiting,
       EXISTS (SELECT 1 FROM shortenings k
               WHERE k.training_id = t.id AND k.status = 'voorgesteld') AS shortening_waiting,
       EXISTS (SELECT 1 FROM final_declarations f WHERE f.training_id = t.id) AS declared,
       COALESCE(periods.list, '[]'::json) AS periods
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
           json_agg(json_build_object('start', p.start_date, 'end', p.end_date,
                                      'label', p.label, 'institution', i.name)
                    ORDER BY p.start_date, p.id) AS list
    FROM schedule_periods p JOIN institutions i ON i.id = p.institution_id
    WHERE p.version_id = shown.id
) periods ON true;

-- Every summary again, from the new definition.
TRUNCATE training_summaries;
INSERT INTO training_summaries SELECT * FROM training_summary_source;
