-- 0020_timezone_auth: a signed-in page shows times in the viewer's time zone, which comes with
-- the session lookup (and so with the copies session_cache.c keeps). Changing a user's time
-- zone therefore changes auth_version too (see 0018), so the next page reads the new zone.
CREATE TRIGGER users_auth_timezone AFTER UPDATE OF timezone ON users
BEGIN
    UPDATE auth_version SET version = random() WHERE id = 1;
END;
