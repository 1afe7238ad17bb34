-- 0012_user_search: an index for the administrators' users search, which matches a substring
-- of username, email and name ("ann" finds "Joanna"). A scan of every account took up to a
-- second at 100,000 accounts. SQLite keeps a trigram FTS5 table (users_fts) in step by
-- triggers; migrations/postgres/0012_user_search.sql has a pg_trgm GIN index over the same
-- text instead. Both index exactly the text USER_SEARCH_TEXT in src/model/user.c builds.
CREATE VIRTUAL TABLE users_fts USING fts5(body, tokenize = 'trigram');
INSERT INTO users_fts (rowid, body)
    SELECT id, lower(username || ' ' || email || ' ' || first_name || ' ' || last_name || ' ' || last_name || ', ' || first_name) FROM users;
CREATE TRIGGER users_fts_insert AFTER INSERT ON users BEGIN
    INSERT INTO users_fts (rowid, body) VALUES (new.id, lower(new.username || ' ' || new.email || ' ' || new.first_name || ' ' || new.last_name || ' ' || new.last_name || ', ' || new.first_name));
END;
CREATE TRIGGER users_fts_delete AFTER DELETE ON users BEGIN
    DELETE FROM users_fts WHERE rowid = old.id;
END;
CREATE TRIGGER users_fts_update AFTER UPDATE OF username, email, first_name, last_name ON users BEGIN
    UPDATE users_fts SET body = lower(new.username || ' ' || new.email || ' ' || new.first_name || ' ' || new.last_name || ' ' || new.last_name || ', ' || new.first_name) WHERE rowid = new.id;
END;
