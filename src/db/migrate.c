/* Versioned migrations: the embedded files migrations/NNNN_name.sql, applied in version order,
 * each in its own transaction, recorded in schema_migrations. A database whose version is newer
 * than the binary is refused, so an old binary never writes to a schema it does not know. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../core/asset.h"
#include "db.h"

#define MIGRATIONS_DIR "migrations/"

struct migration {
    int version;
    char name[96];         /* "0001_init" */
    const char *sql;
    bool dialect;          /* from migrations/<engine>/ */
};

struct mlist {
    const char *engine;    /* NULL: collect every file (for db_known_version) */
    struct migration *items;
    int n, cap;
    bool failed;
};

/* "0001_init.sql" -> version 1, name "0001_init". At least four digits, then '_'. */
static bool parse_name(const char *file, int *version, char *name, size_t name_len)
{
    size_t len = strlen(file);
    if (len < 10 || strcmp(file + len - 4, ".sql") != 0) return false;
    int v = 0;
    size_t i = 0;
    for (; file[i] >= '0' && file[i] <= '9'; i++) {
        if (v > 9999999) return false;
        v = v * 10 + (file[i] - '0');
    }
    if (i < 4 || file[i] != '_' || i + 1 >= len - 4 || v == 0) return false;
    for (size_t k = i + 1; k < len - 4; k++) {
        char c = file[k];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    }
    if (len - 4 >= name_len) return false;
    *version = v;
    memcpy(name, file, len - 4);
    name[len - 4] = '\0';
    return true;
}

static void collect(const struct asset *a, void *ctx)
{
    struct mlist *l = ctx;
    const char *rest = a->path + strlen(MIGRATIONS_DIR);
    const char *slash = strchr(rest, '/');
    bool dialect = false;
    if (slash) {
        size_t dlen = (size_t)(slash - rest);
        /* Another engine's dialect file: not ours (but it counts towards the known version). */
        if (l->engine && (strlen(l->engine) != dlen || strncmp(rest, l->engine, dlen) != 0)) return;
        if (strchr(slash + 1, '/')) return;
        rest = slash + 1;
        dialect = true;
    }
    size_t rlen = strlen(rest);
    if (rlen < 4 || strcmp(rest + rlen - 4, ".sql") != 0) return; /* README and the like */
    struct migration m = {0};
    if (!parse_name(rest, &m.version, m.name, sizeof m.name)) {
        log_error("migrate: %s is not named NNNN_name.sql (lowercase, digits, '_')", a->path);
        l->failed = true;
        return;
    }
    m.sql = (const char *)a->data; /* assets are NUL-terminated */
    m.dialect = dialect;
    for (int i = 0; i < l->n; i++) {
        struct migration *o = &l->items[i];
        if (o->version != m.version) continue;
        if (!l->engine) return; /* only the highest version is wanted */
        if (o->dialect == m.dialect) {
            log_error("migrate: two migrations share version %d (%s, %s)", m.version, o->name, m.name);
            l->failed = true;
        } else if (m.dialect) {
            *o = m; /* the engine's own file wins */
        }
        return;
    }
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 16;
        struct migration *items = realloc(l->items, (size_t)cap * sizeof *items);
        if (!items) {
            l->failed = true;
            return;
        }
        l->items = items;
        l->cap = cap;
    }
    l->items[l->n++] = m;
}

static int by_version(const void *a, const void *b)
{
    const struct migration *x = a, *y = b;
    return (x->version > y->version) - (x->version < y->version);
}

static void list_load(struct mlist *l, const char *engine)
{
    memset(l, 0, sizeof *l);
    l->engine = engine;
    asset_each(MIGRATIONS_DIR, collect, l);
    if (l->n > 1) qsort(l->items, (size_t)l->n, sizeof l->items[0], by_version);
}

int db_known_version(void)
{
    struct mlist l;
    list_load(&l, NULL);
    int v = l.n ? l.items[l.n - 1].version : 0;
    free(l.items);
    return v;
}

int db_known_above(int version)
{
    struct mlist l;
    list_load(&l, NULL);
    int n = 0;
    for (int i = 0; i < l.n; i++) n += l.items[i].version > version;
    free(l.items);
    return n;
}

int db_schema_version(struct db *db)
{
    if (!db_table_exists(db, "schema_migrations")) return 0;
    int64_t v = 0;
    lerr e = db_query_int(db, &v, "SELECT MAX(version) FROM schema_migrations", "");
    if (e == LE_NOTFOUND) return 0;
    return e ? -1 : (int)v;
}

/* SQLite can change a table's constraints only by building it again, and dropping the old
 * table while foreign keys are on deletes (or refuses) the rows that refer to it. So, as SQLite
 * documents for schema changes, a migration runs with foreign keys off and is checked with
 * PRAGMA foreign_key_check before it commits: a migration that leaves a dangling reference
 * still fails. (PRAGMA foreign_keys is ignored inside a transaction, hence before BEGIN.) */
static bool is_sqlite(const struct db *db)
{
    return strcmp(db->engine->name, "sqlite") == 0;
}

static lerr foreign_keys_intact(struct db *db)
{
    int64_t any;
    lerr e = db_query_int(db, &any, "PRAGMA foreign_key_check", "");
    return e == LE_NOTFOUND ? LE_OK : e ? e : LE_SCHEMA;
}

static lerr apply_once(struct db *db, const struct migration *m, struct problem *p);

static lerr apply(struct db *db, const struct migration *m, struct problem *p)
{
    if (!is_sqlite(db)) return apply_once(db, m, p);
    if (db_exec(db, "PRAGMA foreign_keys = OFF"))
        return problem_set(p, LE_SCHEMA, "", "cannot prepare migration %s: %s", m->name, db_errmsg(db));
    lerr e = apply_once(db, m, p);
    if (db_exec(db, "PRAGMA foreign_keys = ON") && !e)
        e = problem_set(p, LE_SCHEMA, "", "cannot end migration %s: %s", m->name, db_errmsg(db));
    return e;
}

static lerr apply_once(struct db *db, const struct migration *m, struct problem *p)
{
    lerr e = db_begin(db);
    if (e) return problem_set(p, LE_SCHEMA, "", "cannot start migration %s: %s", m->name, db_errmsg(db));
    /* Another process may have applied it while we waited for the write lock. */
    int64_t one;
    e = db_query_int(db, &one, "SELECT 1 FROM schema_migrations WHERE version = ?1", "i",
                     (int64_t)m->version);
    if (e == LE_OK) {
        db_rollback(db);
        return LE_OK;
    }
    if (e != LE_NOTFOUND) goto fail;
    e = db_exec(db, m->sql);
    if (e) goto fail;
    if (is_sqlite(db) && foreign_keys_intact(db)) {
        problem_set(p, LE_SCHEMA, "", "migration %s leaves rows referring to rows that are gone", m->name);
        db_rollback(db);
        return LE_SCHEMA;
    }
    e = db_run(db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
               "isi", (int64_t)m->version, m->name, time_now());
    if (e) goto fail;
    e = db_commit(db);
    if (e) return problem_set(p, LE_SCHEMA, "", "migration %s failed to commit: %s", m->name, db_errmsg(db));
    log_info("migrate: applied %s", m->name);
    return LE_OK;
fail:
    problem_set(p, LE_SCHEMA, "", "migration %s failed: %s", m->name, db_errmsg(db));
    db_rollback(db);
    return LE_SCHEMA;
}

lerr db_migrate(struct db *db, struct problem *p)
{
    struct mlist l;
    list_load(&l, db->engine->name);
    lerr e = LE_OK;
    bool locked = false;
    if (l.failed) {
        e = problem_set(p, LE_SCHEMA, "", "the embedded migrations are inconsistent (see the log)");
        goto out;
    }
    /* Several nodes may start together: one migrates, the others wait here and then find
     * every migration recorded. The version is read under the lock. */
    if (db->engine->lock_migrations) {
        if (db->engine->lock_migrations(db)) {
            e = problem_set(p, LE_DB, "", "cannot take the migration lock: %s", db_errmsg(db));
            goto out;
        }
        locked = true;
    }
    int known = l.n ? l.items[l.n - 1].version : 0;
    int current = db_schema_version(db);
    if (current < 0) {
        e = problem_set(p, LE_DB, "", "cannot read the database schema version: %s", db_errmsg(db));
        goto out;
    }
    if (current > known) {
        e = problem_set(p, LE_SCHEMA, "",
                        "database schema version %d is newer than this Lectern (knows up to %d); "
                        "upgrade Lectern",
                        current, known);
        goto out;
    }
    if (db_exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                    " version INTEGER PRIMARY KEY,"
                    " name TEXT NOT NULL,"
                    " applied_at BIGINT NOT NULL)")) {
        e = problem_set(p, LE_SCHEMA, "", "cannot create schema_migrations: %s", db_errmsg(db));
        goto out;
    }
    /* Every known migration not yet recorded, in order: this also fills a gap left by a
     * migration that arrived on a branch after a later one was applied. */
    for (int i = 0; i < l.n && !e; i++) e = apply(db, &l.items[i], p);
out:
    if (locked) db->engine->unlock_migrations(db);
    free(l.items);
    return e;
}
