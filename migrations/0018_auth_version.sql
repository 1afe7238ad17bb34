-- 0018_auth_version: every signed-in request looks up its session and the session's user.
-- Lectern keeps recent lookups in memory (src/model/session_cache.c) and needs to know, from one
-- small read, whether its copies are still what the database says: auth_version.version
-- changes with every change that could alter a lookup (a session ended or deleted; a user
-- renamed, suspended, given other roles, told to change password, or deleted), made by
-- triggers so that no write path (the web, the command line, imports, another node) can forget
-- it. The new value is random rather than counted, so a database restored from a backup never
-- repeats a version that a running server has seen with other contents.
CREATE TABLE auth_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO auth_version (id, version) VALUES (1, random());

CREATE TRIGGER sessions_auth_update
AFTER UPDATE OF token_hash, csrf, user_id, expires_at, ended_at, impersonator_id ON sessions
BEGIN
    UPDATE auth_version SET version = random() WHERE id = 1;
END;
CREATE TRIGGER sessions_auth_delete AFTER DELETE ON sessions
BEGIN
    UPDATE auth_version SET version = random() WHERE id = 1;
END;

CREATE TRIGGER users_auth_update
AFTER UPDATE OF username, first_name, last_name, roles, must_change_password, status ON users
BEGIN
    UPDATE auth_version SET version = random() WHERE id = 1;
END;
CREATE TRIGGER users_auth_delete AFTER DELETE ON users
BEGIN
    UPDATE auth_version SET version = random() WHERE id = 1;
END;
