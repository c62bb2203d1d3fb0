-- The logged-in user of each session, next to its data, so one statement loads a session
-- together with its user and roles (src/auth/session_store.rs). NULL for a session without a
-- login (a visitor, a login waiting for its code) and for sessions saved before this column
-- existed: those still work, their user is then read with a statement of its own.
ALTER TABLE tower_sessions.session
    ADD COLUMN user_id uuid REFERENCES users (id) ON DELETE CASCADE;
