-- A summary's periods as a list of arrays, [[start, end, label, institution], ...], instead
-- of a list of objects. The opleider's overview reads the list of each of its 51 rows to find
-- the period running today; with the keys gone there are half as many strings to read and no
-- keys to match: reading the lists of demo.opleider's page on the bench database took the
-- portal 160,000 instructions instead of 240,000 (callgrind), and a list is two fifths shorter
-- (122 characters instead of 206 on average).
--
-- Otherwise the same definition as in 0016 (landed migrations are not edited).

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
           json_agg(json_build_array(p.start_date, p.end_date, p.label, i.name)
                    ORDER BY p.start_date, p.id) AS list
    FROM schedule_periods p JOIN institutions i ON i.id = p.institution_id
    WHERE p.version_id = shown.id
) periods ON true;

-- Every summary again, from the new definition.
TRUNCATE training_summaries;
INSERT INTO training_summaries SELECT * FROM training_summary_source;
