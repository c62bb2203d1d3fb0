-- The eight Dutch medical faculties: a fixed fact needed in every environment (the university
-- that granted an aios's artsdiploma is chosen from this list).
CREATE TABLE faculties (
    code       text PRIMARY KEY CHECK (code ~ '^[a-z]{2,12}$'),
    name       text NOT NULL UNIQUE CHECK (length(name) BETWEEN 2 AND 200),
    city       text NOT NULL CHECK (length(city) BETWEEN 2 AND 100),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER faculties_updated_at BEFORE UPDATE ON faculties
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

INSERT INTO faculties (code, name, city) VALUES
    ('amc',      'Amsterdam UMC, locatie AMC (Universiteit van Amsterdam)', 'Amsterdam'),
    ('vumc',     'Amsterdam UMC, locatie VUmc (Vrije Universiteit Amsterdam)', 'Amsterdam'),
    ('erasmus',  'Erasmus MC (Erasmus Universiteit Rotterdam)', 'Rotterdam'),
    ('lumc',     'Leids Universitair Medisch Centrum (Universiteit Leiden)', 'Leiden'),
    ('mumc',     'Maastricht UMC+ (Universiteit Maastricht)', 'Maastricht'),
    ('radboud',  'Radboudumc (Radboud Universiteit Nijmegen)', 'Nijmegen'),
    ('umcg',     'Universitair Medisch Centrum Groningen (Rijksuniversiteit Groningen)', 'Groningen'),
    ('umcu',     'UMC Utrecht (Universiteit Utrecht)', 'Utrecht');

-- Opleidingsinrichtingen: hospitals, practices and other places where training happens.
-- Reference data that the back office edits; the demo seed fills a realistic set.
CREATE TABLE institutions (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name       text NOT NULL CHECK (length(name) BETWEEN 2 AND 200),
    city       text NOT NULL CHECK (length(city) BETWEEN 2 AND 100),
    kind       text NOT NULL CHECK (kind IN ('umc', 'ziekenhuis', 'praktijk', 'instelling', 'overig')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (name, city)
);
CREATE TRIGGER institutions_updated_at BEFORE UPDATE ON institutions
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE INDEX institutions_city_idx ON institutions (city);
