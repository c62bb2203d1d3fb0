-- The reads that several statements share, as SQL functions instead of string fragments glued
-- into statements at run time (docs/architecture.md, "Checked SQL"): a statement that uses one
-- is a literal that `sqlx::query!` checks when the crate compiles.
--
-- Each function is LANGUAGE sql, STABLE, not STRICT and one SELECT returning a set: PostgreSQL
-- then inlines it into the statement that calls it, so a `WHERE` on its result is planned as
-- if the statement had been written out (the index on `trainings.id` serves
-- `training_rows() t WHERE t.id = $1`). A function's columns all read as nullable to the
-- checker; the statements say which are not (`AS "id!"`).
--
-- When a later migration changes a table one of them reads, it replaces the function too.

-- One training with the names its pages show (src/trainings/training.rs).
CREATE FUNCTION training_rows()
RETURNS TABLE (
    id uuid,
    trainee_id uuid,
    trainee_name text,
    specialty_id uuid,
    specialty_name text,
    institute_name text,
    supervisor_id uuid,
    supervisor_name text,
    supervisor_email text,
    invoicing text,
    status text,
    submitted_at timestamptz,
    created_at timestamptz,
    trainee_diploma_date date
)
LANGUAGE sql STABLE
AS $$
    SELECT t.id, t.trainee_id, a.full_name, t.specialty_id, s.name, inst.name, t.supervisor_id,
           o.full_name, o.email, t.invoicing, t.status, t.submitted_at, t.created_at,
           tpd.diploma_date
    FROM trainings t
    JOIN users a ON a.id = t.trainee_id
    JOIN users o ON o.id = t.supervisor_id
    JOIN specialties s ON s.id = t.specialty_id
    LEFT JOIN institutes inst ON inst.id = t.institute_id
    LEFT JOIN personal_details tpd ON tpd.user_id = t.trainee_id
$$;

-- A specialty with everything the rules engine needs of it (src/reference_data/lookup.rs): its
-- parts and the interruption types as JSON arrays in list order, the institutions recognised
-- for it and its active opleiders as arrays. No row for an unknown specialty.
CREATE FUNCTION specialty_rules(of_specialty uuid)
RETURNS TABLE (
    name text,
    eu_minimum_months integer,
    parts json,
    institutions uuid[],
    supervisors uuid[],
    interruption_types json
)
LANGUAGE sql STABLE
AS $$
    SELECT s.name, s.eu_minimum_months,
           COALESCE((SELECT json_agg(x ORDER BY x.position)
                     FROM (SELECT name, required_months, expected_periods, position
                           FROM specialty_parts WHERE specialty_id = s.id) x), '[]'),
           ARRAY(SELECT institution_id FROM recognitions WHERE specialty_id = s.id),
           ARRAY(SELECT DISTINCT user_id FROM role_assignments
                 WHERE role = 'opleider' AND specialty_id = s.id AND revoked_at IS NULL),
           COALESCE((SELECT json_agg(x ORDER BY x.position)
                     FROM (SELECT code, name, counts_towards_limit, position
                           FROM interruption_types) x), '[]')
    FROM specialties s
    WHERE s.id = of_specialty
$$;

-- The trainings of one aios, oldest first, as one JSON array of `training_rows` (read by the
-- aios's pages and the back office's page of the account).
CREATE FUNCTION trainings_of_trainee(of_trainee uuid)
RETURNS TABLE (trainings json)
LANGUAGE sql STABLE
AS $$
    SELECT COALESCE(json_agg(t ORDER BY t.created_at, t.id), '[]')
    FROM training_rows() t
    WHERE t.trainee_id = of_trainee
$$;

-- Every shortening of one training, oldest first, as one JSON array, with the names of who
-- proposed it (and for whom) and who decided (src/supervision/shortenings.rs).
CREATE FUNCTION shortenings_of_training(of_training uuid)
RETURNS TABLE (shortenings json)
LANGUAGE sql STABLE
AS $$
    SELECT COALESCE(json_agg(x ORDER BY x.proposed_at, x.id), '[]')
    FROM (SELECT s.id, s.part, s.months, s.ground, s.gained_where, s.gained_when, s.status,
                 p.full_name AS proposed_by_name, o.full_name AS proposed_on_behalf_of_name,
                 s.proposed_at, d.full_name AS decided_by_name, s.decided_at,
                 s.decision_reason, s.withdrawn_at
          FROM shortenings s
          JOIN users p ON p.id = s.proposed_by
          LEFT JOIN users o ON o.id = s.proposed_on_behalf_of
          LEFT JOIN users d ON d.id = s.decided_by
          WHERE s.training_id = of_training) x
$$;

-- How and why the RGS closed the registration of one training, as one JSON object; no row when
-- it did not (src/trainings/interventions.rs).
CREATE FUNCTION closure_of_training(of_training uuid)
RETURNS TABLE (closure json)
LANGUAGE sql STABLE
AS $$
    SELECT row_to_json(x)
    FROM (SELECT c.kind, c.reason, u.full_name AS decided_by_name, c.decided_at
          FROM registration_closures c JOIN users u ON u.id = c.decided_by
          WHERE c.training_id = of_training) x
$$;

-- An invoice as its pages show it, with the number of the invoice a credit invoice credits
-- (src/billing/invoices.rs).
CREATE FUNCTION invoice_rows()
RETURNS TABLE (
    id uuid,
    number text,
    user_id uuid,
    training_id uuid,
    product text,
    description text,
    recipient_name text,
    recipient_address text,
    amount_cents integer,
    vat_cents integer,
    vat_percent smallint,
    issued_on date,
    due_on date,
    status text,
    paid_at timestamptz,
    credit_for uuid,
    credit_for_number text
)
LANGUAGE sql STABLE
AS $$
    SELECT i.id, i.number, i.user_id, i.training_id, i.product, i.description,
           i.recipient_name, i.recipient_address, i.amount_cents, i.vat_cents, i.vat_percent,
           i.issued_on, i.due_on, i.status, i.paid_at, i.credit_for, c.number
    FROM invoices i LEFT JOIN invoices c ON c.id = i.credit_for
$$;

-- The invoices of one user, newest first, as one JSON array of `invoice_rows`.
CREATE FUNCTION invoices_of_user(of_user uuid)
RETURNS TABLE (invoices json)
LANGUAGE sql STABLE
AS $$
    SELECT COALESCE(json_agg(i ORDER BY i.issued_on DESC, i.number DESC), '[]')
    FROM invoice_rows() i
    WHERE i.user_id = of_user
$$;

-- The registration invoice of one training (never a credit invoice) as one JSON object of
-- `invoice_rows`; no row before it was issued.
CREATE FUNCTION registration_invoice_of_training(of_training uuid)
RETURNS TABLE (invoice json)
LANGUAGE sql STABLE
AS $$
    SELECT to_json(i)
    FROM invoice_rows() i
    WHERE i.training_id = of_training AND i.product = 'opleidingsregistratie'
      AND i.credit_for IS NULL
$$;

-- An entry in a register with the names its pages show (src/registers/entries.rs).
CREATE FUNCTION register_entry_rows()
RETURNS TABLE (
    id uuid,
    user_id uuid,
    user_name text,
    specialty_id uuid,
    specialty_name text,
    specialty_cluster smallint,
    register text,
    registered_on date,
    ends_on date,
    status text,
    struck_off_at timestamptz,
    struck_off_reason text,
    evaluation_shortened boolean
)
LANGUAGE sql STABLE
AS $$
    SELECT e.id, e.user_id, u.full_name, e.specialty_id, s.name, s.cluster, s.register,
           e.registered_on, e.ends_on, e.status, e.struck_off_at, e.struck_off_reason,
           e.evaluation_shortened
    FROM register_entries e
    JOIN users u ON u.id = e.user_id
    JOIN specialties s ON s.id = e.specialty_id
$$;

-- The entries of one user, by specialty, as one JSON array of `register_entry_rows`.
CREATE FUNCTION register_entries_of_user(of_user uuid)
RETURNS TABLE (entries json)
LANGUAGE sql STABLE
AS $$
    SELECT COALESCE(json_agg(e ORDER BY e.specialty_name, e.id), '[]')
    FROM register_entry_rows() e
    WHERE e.user_id = of_user
$$;

-- A registratie or herregistratie request with the names and the invoice its pages show
-- (src/registers/entries.rs).
CREATE FUNCTION application_rows()
RETURNS TABLE (
    id uuid,
    kind text,
    user_id uuid,
    user_name text,
    specialty_id uuid,
    specialty_name text,
    register text,
    training_id uuid,
    entry_id uuid,
    extends_from date,
    invoice_id uuid,
    invoice_number text,
    invoice_status text,
    declaration jsonb,
    proposed_months smallint,
    proposal_reasons text[],
    status text,
    submitted_at timestamptz,
    decided_at timestamptz,
    decided_by_name text,
    granted_months smallint,
    decision_note text
)
LANGUAGE sql STABLE
AS $$
    SELECT a.id, a.kind, a.user_id, u.full_name, a.specialty_id, s.name, s.register,
           a.training_id, a.entry_id, a.extends_from, a.invoice_id, i.number, i.status,
           a.declaration, a.proposed_months, a.proposal_reasons, a.status, a.submitted_at,
           a.decided_at, d.full_name, a.granted_months, a.decision_note
    FROM register_applications a
    JOIN users u ON u.id = a.user_id
    JOIN specialties s ON s.id = a.specialty_id
    JOIN invoices i ON i.id = a.invoice_id
    LEFT JOIN users d ON d.id = a.decided_by
$$;

-- The requests of one user, newest first, as one JSON array of `application_rows`.
CREATE FUNCTION applications_of_user(of_user uuid)
RETURNS TABLE (applications json)
LANGUAGE sql STABLE
AS $$
    SELECT COALESCE(json_agg(a ORDER BY a.submitted_at DESC, a.id), '[]')
    FROM application_rows() a
    WHERE a.user_id = of_user
$$;

-- The herregistratie requests waiting for the RGS's decision, oldest first (at most 200), as
-- one JSON array of `application_rows` (the back office's work queue).
CREATE FUNCTION open_reregistrations()
RETURNS TABLE (applications json)
LANGUAGE sql STABLE
AS $$
    SELECT COALESCE(json_agg(a ORDER BY a.submitted_at, a.id), '[]')
    FROM (SELECT * FROM application_rows() r
          WHERE r.status = 'ingediend' AND r.kind = 'herregistratie'
          ORDER BY r.submitted_at, r.id LIMIT 200) a
$$;

-- The mails the outbox gave up on, newest first (at most 200), as one JSON array (the back
-- office's work queue; src/platform/mail.rs).
CREATE FUNCTION failed_mails()
RETURNS TABLE (mails json)
LANGUAGE sql STABLE
AS $$
    SELECT COALESCE(json_agg(x ORDER BY x.created_at DESC, x.id), '[]')
    FROM (SELECT id, to_address, subject, attempts, last_error,
                 to_char(created_at AT TIME ZONE 'Europe/Amsterdam', 'DD-MM-YYYY HH24:MI')
                     AS created,
                 created_at
          FROM outbox_emails WHERE status = 'failed' ORDER BY created_at DESC, id LIMIT 200) x
$$;

-- The jobs the queue gave up on, newest first (at most 200), as one JSON array (the back
-- office's work queue; src/platform/jobs.rs).
CREATE FUNCTION failed_jobs()
RETURNS TABLE (jobs json)
LANGUAGE sql STABLE
AS $$
    SELECT COALESCE(json_agg(x ORDER BY x.run_at DESC, x.id), '[]')
    FROM (SELECT kind, key, attempts, last_error, run_at, id FROM jobs WHERE status = 'failed'
          ORDER BY run_at DESC, id LIMIT 200) x
$$;

-- Every active opleider with where they train ("name, city; …"), for choosing an opleider on
-- the ondersteuner's request form and in the back office (src/accounts/account_requests.rs).
-- Grouped by the name too, so that a search on it is planned below the grouping.
CREATE FUNCTION active_opleiders()
RETURNS TABLE (id uuid, name text, institutions text)
LANGUAGE sql STABLE
AS $$
    SELECT u.id, u.full_name, string_agg(DISTINCT i.name || ', ' || i.city, '; ')
    FROM users u
    JOIN role_assignments r ON r.user_id = u.id AND r.role = 'opleider' AND r.revoked_at IS NULL
    JOIN institutions i ON i.id = r.institution_id
    GROUP BY u.id, u.full_name
$$;

-- The user with an id if their account is active (second factor enrolled, not blocked), with
-- their current roles: what every request reads of the person logged in, with the session
-- (src/platform/auth/user.rs and session_store.rs). No row otherwise.
CREATE FUNCTION active_user(of_user uuid)
RETURNS TABLE (
    id uuid,
    username text,
    full_name text,
    email text,
    session_version integer,
    roles text[]
)
LANGUAGE sql STABLE
AS $$
    SELECT u.id, u.username, u.full_name, u.email, u.session_version,
           COALESCE(array_agg(DISTINCT r.role) FILTER (WHERE r.role IS NOT NULL), '{}')
    FROM users u
    LEFT JOIN role_assignments r ON r.user_id = u.id AND r.revoked_at IS NULL
    WHERE u.id = of_user AND u.totp_enrolled_at IS NOT NULL AND u.blocked_at IS NULL
    GROUP BY u.id
$$;

-- The items of one schedule version, in four JSON arrays, each in its own order: its periods
-- and interruptions with the names they show, the training's approved shortenings (they
-- belong to the training and count in every version) and the version's extensions
-- (src/trainings/schedule.rs).
CREATE FUNCTION version_items(of_version uuid)
RETURNS TABLE (periods json, interruptions json, shortenings json, extensions json)
LANGUAGE sql STABLE
AS $$
    SELECT
        COALESCE((SELECT json_agg(x ORDER BY x.start_date, x.end_date, x.created_at, x.id)
                  FROM (SELECT p.id, p.origin_id, p.part, p.label, p.institution_id,
                               i.name AS institution_name, p.supervisor_id,
                               u.full_name AS supervisor_name, p.start_date,
                               p.end_date, p.part_time_pct, p.created_at
                        FROM schedule_periods p
                        JOIN institutions i ON i.id = p.institution_id
                        LEFT JOIN users u ON u.id = p.supervisor_id
                        WHERE p.version_id = of_version) x), '[]'),
        COALESCE((SELECT json_agg(x ORDER BY x.start_date, x.end_date, x.created_at, x.id)
                  FROM (SELECT s.id, s.origin_id, s.kind, t.name AS kind_name,
                               s.start_date, s.end_date, s.institution_id,
                               i.name AS institution_name, s.note, s.entered_by_rgs,
                               s.created_at
                        FROM schedule_interruptions s
                        JOIN interruption_types t ON t.code = s.kind
                        JOIN institutions i ON i.id = s.institution_id
                        WHERE s.version_id = of_version) x), '[]'),
        COALESCE((SELECT json_agg(x ORDER BY x.proposed_at, x.id)
                  FROM (SELECT s.id, s.part, s.months, s.ground, s.gained_where,
                               s.gained_when, s.proposed_at
                        FROM shortenings s JOIN schedule_versions w
                            ON w.training_id = s.training_id
                        WHERE w.id = of_version AND s.status = 'goedgekeurd') x), '[]'),
        COALESCE((SELECT json_agg(x ORDER BY x.created_at, x.id)
                  FROM (SELECT e.id, e.part, e.months, e.reason, e.created_at
                        FROM schedule_extensions e
                        WHERE e.version_id = of_version) x), '[]')
$$;
