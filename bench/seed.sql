-- The benchmark's data: :n registrants (60 % aios with a training and an approved schedule of
-- two periods, 40 % specialists with a register entry; 1 % of the specialists are opleiders),
-- on top of the demo data, in set-based statements. demo.opleider supervises 50 of the aios,
-- and one in eight periods is at Radboudumc, the demo contactpersoon's institution, so its
-- report is the largest. Triggers and foreign-key checks are off while loading (the rows are
-- built consistent), so the name of each register entry is filled here and the trainings'
-- summaries are built at the end.
\set ON_ERROR_STOP on
SET session_replication_role = replica;
SET synchronous_commit = off;

CREATE TEMP TABLE bench_people AS
SELECT i,
       ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid AS id,
       (ARRAY['Anna','Pieter','Sanne','Daan','Fatima','Tom','Lotte','Karim','Noor','Sem',
              'Eva','Lucas','Julia','Milan','Sara','Bram','Iris','Thijs','Yara','Jesse',
              'Lisa','Ruben','Emma','Mohamed','Fleur','Stijn','Nina','Joris','Lieke','Ayoub'])
           [1 + (i * 31) % 30] || ' ' ||
       (ARRAY['de Jong','Jansen','de Vries','van den Berg','van Dijk','Bakker','Janssen',
              'Visser','Smit','Meijer','de Boer','Mulder','de Groot','Bos','Vos','Peters',
              'Hendriks','van Leeuwen','Dekker','Brouwer','de Wit','Dijkstra','Smits',
              'de Graaf','van der Meer','van der Linden','Kok','Jacobs','de Haan','Vermeulen',
              'van den Heuvel','van der Veen','van den Broek','de Bruijn','de Bruin',
              'van der Heijden','Schouten','van Beek','Willems','van Vliet'])
           [1 + (i * 17) % 40] || '-' || i AS full_name,
       CASE WHEN i % 5 < 3 THEN 'aios' ELSE 'specialist' END AS role
FROM generate_series(1, :n) AS i;
CREATE INDEX ON bench_people (i);
ANALYZE bench_people;

INSERT INTO users (id, username, email, full_name, email_verified_at, created_at, updated_at)
SELECT id, 'bench' || i, 'bench' || i || '@example.nl', full_name, now(), now(), now()
FROM bench_people;

INSERT INTO personal_details (user_id, date_of_birth, big_number, phone, street, postcode, city)
SELECT id, date '1970-01-01' + (i % 9000), '3' || lpad(i::text, 10, '0'), '06 12345678',
       'Dorpsstraat ' || (i % 200 + 1), '1234 AB', 'Utrecht'
FROM bench_people;

CREATE TEMP TABLE bench_ref AS
SELECT (SELECT array_agg(id ORDER BY code) FROM specialties) AS specialties,
       (SELECT array_agg(id ORDER BY name) FROM institutions
         WHERE name <> 'Radboudumc') AS institutions,
       (SELECT id FROM institutions WHERE name = 'Radboudumc') AS radboud,
       (SELECT id FROM users WHERE username = 'demo.opleider') AS demo_opleider;

INSERT INTO role_assignments (user_id, role, specialty_id, institution_id)
SELECT p.id, p.role,
       CASE WHEN p.role = 'specialist' THEN r.specialties[1 + p.i % cardinality(r.specialties)] END,
       NULL
FROM bench_people p, bench_ref r;

-- Every hundredth person (a specialist) is also an opleider.
INSERT INTO role_assignments (user_id, role, specialty_id, institution_id)
SELECT p.id, 'opleider', r.specialties[1 + p.i % cardinality(r.specialties)],
       r.institutions[1 + p.i % cardinality(r.institutions)]
FROM bench_people p, bench_ref r
WHERE p.i % 100 = 4;

CREATE TEMP TABLE bench_trainings AS
SELECT p.i, p.id AS trainee_id,
       ('00000000-0000-4000-9000-' || lpad(to_hex(p.i), 12, '0'))::uuid AS id,
       ('00000000-0000-4000-a000-' || lpad(to_hex(p.i), 12, '0'))::uuid AS version_id,
       r.specialties[1 + p.i % cardinality(r.specialties)] AS specialty_id,
       CASE WHEN p.i <= 85 THEN r.demo_opleider
            ELSE ('00000000-0000-4000-8000-' ||
                  lpad(to_hex(((p.i::bigint * 7919) % (:n / 100)) * 100 + 4), 12, '0'))::uuid
       END AS supervisor_id,
       date '2022-01-01' + (p.i * 13) % 1800 AS starts_on
FROM bench_people p, bench_ref r
WHERE p.role = 'aios';

INSERT INTO trainings (id, trainee_id, specialty_id, supervisor_id, invoicing, status,
                       submitted_at, created_at, updated_at)
SELECT id, trainee_id, specialty_id, supervisor_id, 'bij_indienen', 'ingeschreven',
       starts_on - 60, starts_on - 90, starts_on - 30
FROM bench_trainings;

INSERT INTO schedule_versions (id, training_id, number, status, revision, created_by,
                               submitted_at, submitted_by, decided_at, decided_by)
SELECT version_id, id, 1, 'goedgekeurd', 3, trainee_id, starts_on - 60, trainee_id,
       starts_on - 30, supervisor_id
FROM bench_trainings;

INSERT INTO schedule_periods (id, version_id, origin_id, part, label, institution_id,
                              start_date, end_date, part_time_pct)
SELECT gen_random_uuid(), t.version_id, gen_random_uuid(), half, 'Deel ' || (half + 1),
       CASE WHEN (t.i + half) % 8 = 0 THEN r.radboud
            ELSE r.institutions[1 + (t.i + half) % cardinality(r.institutions)] END,
       t.starts_on + half * 730, t.starts_on + (half + 1) * 730,
       CASE WHEN t.i % 4 = 0 THEN 80 ELSE 100 END
FROM bench_trainings t, bench_ref r, generate_series(0, 1) AS half;

INSERT INTO register_entries (id, user_id, specialty_id, name, registered_on, ends_on, status)
SELECT ('00000000-0000-4000-b000-' || lpad(to_hex(p.i), 12, '0'))::uuid, p.id,
       r.specialties[1 + p.i % cardinality(r.specialties)], p.full_name,
       date '2022-01-01' + (p.i * 11) % 1800, date '2027-01-01' + (p.i * 11) % 1800,
       'ingeschreven'
FROM bench_people p, bench_ref r
WHERE p.role = 'specialist';

INSERT INTO register_periods (entry_id, starts_on, ends_on)
SELECT id, registered_on, ends_on FROM register_entries
WHERE id::text LIKE '00000000-0000-4000-b000-%';

-- Sessions of people logged in elsewhere: one for every tenth registrant.
INSERT INTO tower_sessions.session (id, data, expiry_date)
SELECT md5('bench-session-' || i), decode(repeat(md5(i::text), 6), 'hex'),
       now() + interval '1 day'
FROM generate_series(1, :n / 10) AS i;

SET session_replication_role = DEFAULT;

-- The trainings' summaries (migration 0015), which the triggers keep while the portal runs,
-- built here in one statement since the triggers were off.
TRUNCATE training_summaries;
INSERT INTO training_summaries SELECT * FROM training_summary_source;

VACUUM ANALYZE;
