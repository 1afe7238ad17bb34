-- 0012_user_search for PostgreSQL: the users search's index (see migrations/0012_user_search.sql):
-- a trigram GIN index over the same lower-cased text, which LIKE '%...%' uses. pg_trgm ships
-- with PostgreSQL and is a trusted extension, so the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX users_search_trgm ON users USING gin (
    (lower(username || ' ' || email || ' ' || first_name || ' ' || last_name || ' ' || last_name || ', ' || first_name)) gin_trgm_ops);
