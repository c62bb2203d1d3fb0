-- What a member of each specialty or profile is called, so that mails and pages say
-- "uw herregistratie als internist" rather than "als Interne geneeskunde"
-- (docs/domain/registers.md). Empty for a specialty added without one: the portal then names
-- the specialty itself ("voor Interne geneeskunde").
ALTER TABLE specialties ADD COLUMN practitioner text NOT NULL DEFAULT ''
    CHECK (length(practitioner) <= 200);

UPDATE specialties s SET practitioner = v.practitioner
FROM (VALUES
    ('anesthesiologie', 'anesthesioloog'),
    ('bedrijfsgeneeskunde', 'bedrijfsarts'),
    ('cardiologie', 'cardioloog'),
    ('dermatologie', 'dermatoloog'),
    ('avg', 'arts voor verstandelijk gehandicapten'),
    ('heelkunde', 'chirurg'),
    ('huisartsgeneeskunde', 'huisarts'),
    ('igt', 'arts internationale gezondheidszorg en tropengeneeskunde'),
    ('interne-geneeskunde', 'internist'),
    ('kno', 'KNO-arts'),
    ('kindergeneeskunde', 'kinderarts'),
    ('klinische-geriatrie', 'klinisch geriater'),
    ('longziekten', 'longarts'),
    ('mdl', 'maag-darm-leverarts'),
    ('maatschappij-gezondheid', 'arts maatschappij en gezondheid'),
    ('neurologie', 'neuroloog'),
    ('obstetrie-gynaecologie', 'gynaecoloog'),
    ('oogheelkunde', 'oogarts'),
    ('orthopedie', 'orthopedisch chirurg'),
    ('pathologie', 'patholoog'),
    ('psychiatrie', 'psychiater'),
    ('radiologie', 'radioloog'),
    ('reumatologie', 'reumatoloog'),
    ('ouderengeneeskunde', 'specialist ouderengeneeskunde'),
    ('spoedeisende-geneeskunde', 'SEH-arts'),
    ('urologie', 'uroloog'),
    ('verslavingsgeneeskunde', 'verslavingsarts')
) AS v (code, practitioner)
WHERE s.code = v.code;

-- The entry rows carry it. The function's columns change, so it is made anew; the functions
-- that read it name it by name and pick the new column up.
DROP FUNCTION register_entry_rows();
CREATE FUNCTION register_entry_rows()
RETURNS TABLE (
    id uuid,
    user_id uuid,
    user_name text,
    specialty_id uuid,
    specialty_name text,
    specialty_practitioner text,
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
    SELECT e.id, e.user_id, u.full_name, e.specialty_id, s.name, s.practitioner, s.cluster,
           s.register, e.registered_on, e.ends_on, e.status, e.struck_off_at,
           e.struck_off_reason, e.evaluation_shortened
    FROM register_entries e
    JOIN users u ON u.id = e.user_id
    JOIN specialties s ON s.id = e.specialty_id
$$;
