-- 0018_auth_version: every signed-in request looks up its session and the session's user.
-- Lectern keeps recent lookups in memory (src/model/session_cache.c) and needs to know, from one
-- small read, whether its copies are still what the database says: auth_version.version
-- changes with every change that could alter a lookup (a session ended or deleted; a user
-- renamed, suspended, given other roles, told to change password, or deleted), made by
-- triggers so that no write path (the web, the command line, imports, another node) can forget
-- it. The new value is random rather than counted, so a database restored from a backup never
-- repeats a version that a running server has seen with other contents.
--
-- The triggers fire once per statement, so an import that renames thousands of people writes
-- the row once per statement rather than once per person. The row stays locked until the
-- writing transaction commits, so a node that reads the new version also sees the change; the
-- lock adds no waiting, as Lectern's writers already take turns (pg.c's writer lock).
CREATE TABLE auth_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO auth_version (id, version) VALUES (1, floor(random() * 9.2e18)::bigint);

CREATE FUNCTION auth_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE auth_version SET version = floor(random() * 9.2e18)::bigint WHERE id = 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER sessions_auth
AFTER DELETE OR TRUNCATE OR UPDATE OF token_hash, csrf, user_id, expires_at, ended_at, impersonator_id ON sessions
FOR EACH STATEMENT EXECUTE FUNCTION auth_changed();

CREATE TRIGGER users_auth
AFTER DELETE OR TRUNCATE OR UPDATE OF username, first_name, last_name, roles, must_change_password, status ON users
FOR EACH STATEMENT EXECUTE FUNCTION auth_changed();
