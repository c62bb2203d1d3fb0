-- Shared conventions for every table that follows:
--   * every table has created_at and updated_at (timestamptz, UTC);
--   * updated_at is kept by the trigger function below, never by application code;
--   * invariants the database can hold are foreign keys and check constraints.

CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

-- Sessions of tower-sessions-sqlx-store. Created here rather than by the store at start-up, so
-- the application's database role needs no DDL rights at run time.
CREATE SCHEMA IF NOT EXISTS tower_sessions;
CREATE TABLE IF NOT EXISTS tower_sessions.session (
    id          text PRIMARY KEY NOT NULL,
    data        bytea NOT NULL,
    expiry_date timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS session_expiry_date_idx ON tower_sessions.session (expiry_date);

-- Records each time the demo data was loaded (development and demo environments only).
CREATE TABLE demo_seed_runs (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER demo_seed_runs_updated_at BEFORE UPDATE ON demo_seed_runs
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
