-- The expected end of a schedule version as the rules engine computes it (every part's required
-- months reached, plus the working days that make up interruptions: docs/domain/schedule-rules.md),
-- kept with the version from the moment it is no longer a concept. The portal writes it in the
-- transaction that submits the version, or that records a change the RGS decided; the items of
-- such a version never change again (migration 0006), so neither does its end. A version
-- written before this column, or seeded set-based for the benchmark, has none: then the end of
-- its last period stands in for it.
--
-- The summaries carry it, so that the opleider's overview says an eindverklaring is due by the
-- same date as the aios's page and the eindverklaring form, instead of by the end of the last
-- period: a schedule that still misses months in a part, or whose interruptions must be made
-- up, ends later than its last period.
--
-- Otherwise the same definition as in 0017 (landed migrations are not edited).

ALTER TABLE schedule_versions ADD COLUMN expected_end date;

DROP VIEW training_summary_source;

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
       COALESCE(periods.list, '[]'::json) AS periods,
       shown.expected_end
FROM trainings t
JOIN users a ON a.id = t.trainee_id
LEFT JOIN personal_details pd ON pd.user_id = t.trainee_id
JOIN specialties s ON s.id = t.specialty_id
JOIN users o ON o.id = t.supervisor_id
LEFT JOIN LATERAL (
    SELECT v.id, v.expected_end FROM schedule_versions v
    WHERE v.training_id = t.id AND v.status IN ('goedgekeurd', 'ingediend')
    ORDER BY (v.status = 'goedgekeurd') DESC, v.number DESC
    LIMIT 1
) shown ON true
LEFT JOIN LATERAL (
    SELECT max(p.end_date) AS planned_end,
           json_agg(json_build_array(p.start_date, p.end_date, p.label, i.name)
                    ORDER BY p.start_date, p.id) AS list
    FROM schedule_periods p JOIN institutions i ON i.id = p.institution_id
    WHERE p.version_id = shown.id
) periods ON true;

ALTER TABLE training_summaries ADD COLUMN expected_end date;

-- Every summary again, from the new definition.
TRUNCATE training_summaries;
INSERT INTO training_summaries SELECT * FROM training_summary_source;
