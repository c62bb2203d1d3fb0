-- Reference data for the schedule rules: specialties with their parts and durations,
-- institutes, recognitions, interruption types and fees. Kept as data that the back office
-- can edit; the values below are the starting catalogue. Durations follow DOMAIN-NOTES §4.3;
-- EU minimum durations follow Richtlijn 2005/36/EG, bijlage V.5.1.3 (NULL where the directive
-- does not cover the training, as for most profiles).

-- Opleidingsinstituten: institutes that run an institute-based training.
CREATE TABLE institutes (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code       text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9-]{2,40}$'),
    name       text NOT NULL UNIQUE CHECK (length(name) BETWEEN 2 AND 200),
    city       text NOT NULL CHECK (length(city) BETWEEN 2 AND 100),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER institutes_updated_at BEFORE UPDATE ON institutes
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

ALTER TABLE specialties
    ADD COLUMN eu_minimum_months integer CHECK (eu_minimum_months IS NULL OR eu_minimum_months BETWEEN 1 AND 240),
    ADD COLUMN institute_based boolean NOT NULL DEFAULT false;

-- Which institutes run which institute-based training.
CREATE TABLE specialty_institutes (
    specialty_id uuid NOT NULL REFERENCES specialties (id) ON DELETE CASCADE,
    institute_id uuid NOT NULL REFERENCES institutes (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (specialty_id, institute_id)
);

-- Opleidingsonderdelen: the parts of a training, each with its required full-time duration
-- and, where the training prescribes them, the periods it expects.
CREATE TABLE specialty_parts (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    specialty_id     uuid NOT NULL REFERENCES specialties (id) ON DELETE CASCADE,
    position         smallint NOT NULL CHECK (position >= 0),
    name             text NOT NULL CHECK (length(name) BETWEEN 2 AND 200),
    required_months  integer NOT NULL CHECK (required_months BETWEEN 1 AND 240),
    expected_periods text[] NOT NULL DEFAULT '{}',
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (specialty_id, position)
);
CREATE TRIGGER specialty_parts_updated_at BEFORE UPDATE ON specialty_parts
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Institutions recognised for a specialty. Opleiders are recognised through their role
-- assignment (role 'opleider' with specialty and institution).
CREATE TABLE recognitions (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    specialty_id   uuid NOT NULL REFERENCES specialties (id) ON DELETE CASCADE,
    institution_id uuid NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (specialty_id, institution_id)
);
CREATE INDEX recognitions_institution_idx ON recognitions (institution_id);

-- Kinds of interruption (onderbreking), and whether each counts towards the 10 working days
-- per training year that need not be made up. Pregnancy leave does not count (HOVUmc, see
-- DOMAIN-NOTES §1.3); work as anios, research and travel lie outside the training.
CREATE TABLE interruption_types (
    code                 text PRIMARY KEY CHECK (code ~ '^[a-z_]{2,40}$'),
    name                 text NOT NULL UNIQUE,
    counts_towards_limit boolean NOT NULL,
    position             smallint NOT NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER interruption_types_updated_at BEFORE UPDATE ON interruption_types
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

INSERT INTO interruption_types (code, name, counts_towards_limit, position) VALUES
    ('ziekte', 'Ziekte', true, 1),
    ('zwangerschapsverlof', 'Zwangerschaps- en bevallingsverlof', false, 2),
    ('ouderschapsverlof', 'Ouderschapsverlof', true, 3),
    ('betaald_verlof', 'Betaald verlof', true, 4),
    ('onbetaald_verlof', 'Onbetaald verlof', true, 5),
    ('anios', 'Werkzaam als anios', false, 6),
    ('onderzoek', 'Onderzoek', false, 7),
    ('reis', 'Reis', false, 8),
    ('overig', 'Overig', true, 9);

-- Fees including 21 % VAT, in euro cents, by year, product and cluster (NULL: every
-- cluster). The 2021 registration fees are the published ones (SPEC §7). The herregistratie
-- fee and the 2026 row are assumptions (2021 indexed by 14.1 %) that the back office replaces
-- with the RGS's published tariff; they are data, not code.
CREATE TABLE fees (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    year         smallint NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    product      text NOT NULL CHECK (product IN ('opleidingsregistratie', 'eerste_registratie', 'herregistratie')),
    cluster      smallint CHECK (cluster IN (1, 2, 3)),
    amount_cents integer NOT NULL CHECK (amount_cents > 0),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX fees_year_product_cluster_key ON fees (year, product, COALESCE(cluster, 0));
CREATE TRIGGER fees_updated_at BEFORE UPDATE ON fees
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

INSERT INTO fees (year, product, cluster, amount_cents) VALUES
    (2021, 'opleidingsregistratie', 1, 43311),
    (2021, 'opleidingsregistratie', 2, 68709),
    (2021, 'opleidingsregistratie', 3, 68709),
    (2021, 'eerste_registratie', NULL, 17791),
    (2021, 'herregistratie', NULL, 14520),
    (2026, 'opleidingsregistratie', 1, 49415),
    (2026, 'opleidingsregistratie', 2, 78392),
    (2026, 'opleidingsregistratie', 3, 78392),
    (2026, 'eerste_registratie', NULL, 20298),
    (2026, 'herregistratie', NULL, 16566);

-- The catalogue of specialties and profiles: (code, name, register, cluster, EU minimum,
-- institute-based). Existing rows (from earlier demo data) are brought up to date.
INSERT INTO specialties (code, name, register, cluster, eu_minimum_months, institute_based) VALUES
    ('huisartsgeneeskunde', 'Huisartsgeneeskunde', 'specialist', 1, 36, true),
    ('ouderengeneeskunde', 'Specialisme ouderengeneeskunde', 'specialist', 1, NULL, true),
    ('avg', 'Geneeskunde voor verstandelijk gehandicapten', 'specialist', 1, NULL, true),
    ('igt', 'Internationale gezondheidszorg en tropengeneeskunde (IGT)', 'profiel', 1, NULL, true),
    ('verslavingsgeneeskunde', 'Verslavingsgeneeskunde', 'profiel', 1, NULL, true),
    ('anesthesiologie', 'Anesthesiologie', 'specialist', 2, 36, false),
    ('kindergeneeskunde', 'Kindergeneeskunde', 'specialist', 2, 48, false),
    ('interne-geneeskunde', 'Interne geneeskunde', 'specialist', 2, 60, false),
    ('heelkunde', 'Heelkunde', 'specialist', 2, 60, false),
    ('psychiatrie', 'Psychiatrie', 'specialist', 2, 48, false),
    ('cardiologie', 'Cardiologie', 'specialist', 2, 48, false),
    ('neurologie', 'Neurologie', 'specialist', 2, 48, false),
    ('longziekten', 'Longziekten en tuberculose', 'specialist', 2, 48, false),
    ('mdl', 'Maag-darm-leverziekten', 'specialist', 2, 48, false),
    ('orthopedie', 'Orthopedie', 'specialist', 2, 60, false),
    ('urologie', 'Urologie', 'specialist', 2, 60, false),
    ('obstetrie-gynaecologie', 'Obstetrie en gynaecologie', 'specialist', 2, 48, false),
    ('oogheelkunde', 'Oogheelkunde', 'specialist', 2, 36, false),
    ('kno', 'Keel-, neus- en oorheelkunde', 'specialist', 2, 36, false),
    ('radiologie', 'Radiologie', 'specialist', 2, 48, false),
    ('pathologie', 'Pathologie', 'specialist', 2, 48, false),
    ('dermatologie', 'Dermatologie en venereologie', 'specialist', 2, 48, false),
    ('reumatologie', 'Reumatologie', 'specialist', 2, 48, false),
    ('klinische-geriatrie', 'Klinische geriatrie', 'specialist', 2, 48, false),
    ('spoedeisende-geneeskunde', 'Spoedeisende geneeskunde', 'profiel', 2, NULL, false),
    ('bedrijfsgeneeskunde', 'Arbeid en gezondheid – bedrijfsgeneeskunde', 'specialist', 3, 48, true),
    ('maatschappij-gezondheid', 'Maatschappij en gezondheid', 'specialist', 3, NULL, true)
ON CONFLICT (code) DO UPDATE SET
    name = EXCLUDED.name,
    register = EXCLUDED.register,
    cluster = EXCLUDED.cluster,
    eu_minimum_months = EXCLUDED.eu_minimum_months,
    institute_based = EXCLUDED.institute_based;

-- Parts: (specialty code, position, name, required months, expected periods).
INSERT INTO specialty_parts (specialty_id, position, name, required_months, expected_periods)
SELECT s.id, p.position, p.name, p.required_months, p.expected_periods
FROM (VALUES
    ('huisartsgeneeskunde', 0, 'Eerste opleidingsjaar: huisartspraktijk', 12, '{}'::text[]),
    ('huisartsgeneeskunde', 1, 'Tweede opleidingsjaar: klinische stages', 12, '{Ziekenhuis,GGZ,Ouderengeneeskunde}'::text[]),
    ('huisartsgeneeskunde', 2, 'Derde opleidingsjaar: huisartspraktijk', 12, '{}'::text[]),
    ('ouderengeneeskunde', 0, 'Opleiding tot specialist ouderengeneeskunde', 36, '{}'::text[]),
    ('avg', 0, 'Opleiding tot arts voor verstandelijk gehandicapten', 36, '{}'::text[]),
    ('igt', 0, 'Opleiding tot AIGT', 33, '{Ziekenhuis 1,Ziekenhuis 2,NTC,Buitenland}'::text[]),
    ('verslavingsgeneeskunde', 0, 'Opleiding tot verslavingsarts', 24, '{}'::text[]),
    ('anesthesiologie', 0, 'Opleiding tot anesthesioloog', 60, '{}'::text[]),
    ('kindergeneeskunde', 0, 'Opleiding tot kinderarts', 60, '{}'::text[]),
    ('interne-geneeskunde', 0, 'Algemene interne geneeskunde', 48, '{}'::text[]),
    ('interne-geneeskunde', 1, 'Differentiatie', 24, '{}'::text[]),
    ('heelkunde', 0, 'Algemene heelkunde', 48, '{}'::text[]),
    ('heelkunde', 1, 'Differentiatie', 24, '{}'::text[]),
    ('psychiatrie', 0, 'Opleiding tot psychiater', 54, '{}'::text[]),
    ('cardiologie', 0, 'Vooropleiding interne geneeskunde', 24, '{}'::text[]),
    ('cardiologie', 1, 'Cardiologie', 48, '{}'::text[]),
    ('neurologie', 0, 'Opleiding tot neuroloog', 72, '{}'::text[]),
    ('longziekten', 0, 'Vooropleiding interne geneeskunde', 24, '{}'::text[]),
    ('longziekten', 1, 'Longziekten', 48, '{}'::text[]),
    ('mdl', 0, 'Vooropleiding interne geneeskunde', 24, '{}'::text[]),
    ('mdl', 1, 'Maag-darm-leverziekten', 48, '{}'::text[]),
    ('orthopedie', 0, 'Vooropleiding heelkunde', 24, '{}'::text[]),
    ('orthopedie', 1, 'Orthopedie', 48, '{}'::text[]),
    ('urologie', 0, 'Vooropleiding heelkunde', 24, '{}'::text[]),
    ('urologie', 1, 'Urologie', 48, '{}'::text[]),
    ('obstetrie-gynaecologie', 0, 'Opleiding tot gynaecoloog', 72, '{}'::text[]),
    ('oogheelkunde', 0, 'Opleiding tot oogarts', 60, '{}'::text[]),
    ('kno', 0, 'Opleiding tot KNO-arts', 60, '{}'::text[]),
    ('radiologie', 0, 'Opleiding tot radioloog', 60, '{}'::text[]),
    ('pathologie', 0, 'Opleiding tot patholoog', 60, '{}'::text[]),
    ('dermatologie', 0, 'Opleiding tot dermatoloog', 48, '{}'::text[]),
    ('reumatologie', 0, 'Vooropleiding interne geneeskunde', 24, '{}'::text[]),
    ('reumatologie', 1, 'Reumatologie', 36, '{}'::text[]),
    ('klinische-geriatrie', 0, 'Opleiding tot klinisch geriater', 60, '{}'::text[]),
    ('spoedeisende-geneeskunde', 0, 'Opleiding tot SEH-arts', 36, '{}'::text[]),
    ('bedrijfsgeneeskunde', 0, 'Opleiding tot bedrijfsarts', 48, '{}'::text[]),
    ('maatschappij-gezondheid', 0, 'Opleiding tot arts maatschappij en gezondheid', 48, '{}'::text[])
) AS p (code, position, name, required_months, expected_periods)
JOIN specialties s ON s.code = p.code
ON CONFLICT (specialty_id, position) DO NOTHING;

INSERT INTO institutes (code, name, city) VALUES
    ('oigt', 'Opleidingsinstituut IGT', 'Amsterdam'),
    ('ha-amsterdam', 'Huisartsopleiding Amsterdam UMC', 'Amsterdam'),
    ('ha-rotterdam', 'Huisartsopleiding Erasmus MC', 'Rotterdam'),
    ('ha-leiden', 'Huisartsopleiding LUMC', 'Leiden'),
    ('ha-maastricht', 'Huisartsopleiding Maastricht UMC+', 'Maastricht'),
    ('ha-nijmegen', 'Huisartsopleiding Radboudumc', 'Nijmegen'),
    ('ha-groningen', 'Huisartsopleiding UMCG', 'Groningen'),
    ('ha-utrecht', 'Huisartsopleiding UMC Utrecht', 'Utrecht'),
    ('so-nijmegen', 'Opleiding specialisme ouderengeneeskunde Radboudumc', 'Nijmegen'),
    ('so-leiden', 'Opleiding specialisme ouderengeneeskunde LUMC', 'Leiden'),
    ('avg-rotterdam', 'Opleiding AVG Erasmus MC', 'Rotterdam'),
    ('verslaving', 'Opleiding verslavingsgeneeskunde', 'Amersfoort'),
    ('nspoh', 'Netherlands School of Public and Occupational Health', 'Utrecht');

INSERT INTO specialty_institutes (specialty_id, institute_id)
SELECT s.id, i.id FROM (VALUES
    ('igt', 'oigt'),
    ('huisartsgeneeskunde', 'ha-amsterdam'), ('huisartsgeneeskunde', 'ha-rotterdam'),
    ('huisartsgeneeskunde', 'ha-leiden'), ('huisartsgeneeskunde', 'ha-maastricht'),
    ('huisartsgeneeskunde', 'ha-nijmegen'), ('huisartsgeneeskunde', 'ha-groningen'),
    ('huisartsgeneeskunde', 'ha-utrecht'),
    ('ouderengeneeskunde', 'so-nijmegen'), ('ouderengeneeskunde', 'so-leiden'),
    ('avg', 'avg-rotterdam'),
    ('verslavingsgeneeskunde', 'verslaving'),
    ('bedrijfsgeneeskunde', 'nspoh'), ('maatschappij-gezondheid', 'nspoh')
) AS x (specialty, institute)
JOIN specialties s ON s.code = x.specialty
JOIN institutes i ON i.code = x.institute;
