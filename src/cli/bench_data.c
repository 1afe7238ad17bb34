/* lectern bench-data: fills an empty database with generated people and sessions for the
 * load scenarios of `make bench` (bench/bench.mjs, docs/bench.md).
 *
 * Reproducible: every name, role and token comes from the seed (a splitmix64 stream, and
 * SHA-256 of the seed and an index for tokens), so a size and seed always give the same
 * data and the same token files. Quick: one argon2id hash shared by every generated user,
 * multi-row prepared INSERTs (src/model/benchdata/bulk.c) in large transactions, one audit entry for the
 * whole load. A database already holding this size and seed is reused: only the token files
 * are written again.
 *
 * What is generated is a table of steps; a step that needs a table another issue brings runs
 * only once that table exists. Later issues add their rows (issue 6 added quizzes, attempts
 * and the burst course: gen_quizzes) and bump DATASET_FORMAT so cached datasets are made
 * again. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "../model/platform/platform.h"
#include "../model/people/people.h"
#include "../model/assessments/assessments.h"
#include "../model/benchdata/benchdata.h"

/* Bump when the generated data changes: cached datasets of another format are refused. */
#define DATASET_FORMAT 7        /* 2: courses, enrolments and progress (issue 5); 3: quizzes,
                                 * attempts and the burst course (issue 6); 4: rooms, sessions,
                                 * events and the sign-up course; 5: the calendar course; 6:
                                 * programmes and certifications (issue 18); 7: certificates */
#define DATASET_KEY "bench.dataset"
#define TX_ROWS 10000            /* rows per transaction */
#define BASE_TIME 1767225600     /* 2026-01-01T00:00:00Z: generated times are relative to it */
#define SESSION_LIFETIME_S (10LL * 365 * 86400)
#define BURST_CODE "BURST"       /* the quiz burst scenario's course (gen_quizzes) */
#define SIGNUP_CODE "SIGNUP"     /* the sign-up burst scenario's course (gen_planning) */
#define CALENDAR_CODE "CALENDAR" /* the calendar scenarios' course (gen_planning) */
#define MONTH_EVENTS 20          /* its events, each learner of it booked on all */
#define BENCH_PROGRAMMES 20      /* the schedules scenarios' programmes (gen_schedules) ... */
#define BENCH_CERTIFICATIONS 10  /* ... and certifications */

static const char usage[] =
    "usage: lectern bench-data --size S|M|L [--seed N] [--out DIR]\n"
    "\n"
    "Fills an empty database with generated data for the load scenarios of 'make bench': the\n"
    "same size and seed always give the same data. Sizes:\n"
    "  S   1,000 users,   200 learner sessions, departments  4 levels deep (15),\n"
    "              50 courses,    10,000 enrolments\n"
    "  M  10,000 users, 1,000 learner sessions, departments  6 levels deep (63),\n"
    "             200 courses,   100,000 enrolments\n"
    "  L 100,000 users, 5,000 learner sessions, departments 10 levels deep (1,023),\n"
    "           1,000 courses, 1,000,000 enrolments\n"
    "Users are learners, with some managers, instructors and administrators, spread over the\n"
    "departments; each department has a head who is its members' line manager. They share one\n"
    "password (written to DIR/password). Sessions are made for a pool of learners and for the\n"
    "administrators; their tokens go to DIR/learner.tokens and DIR/admin.tokens, one a line,\n"
    "for the load scripts, and the courses each of those learners is enrolled in to\n"
    "DIR/learner.courses, a line 'TOKEN CODE' each. The sessions last ten years, so serve the data with a long\n"
    "--session-idle. A database that already holds this size and seed is reused (the token\n"
    "files are written again); one holding anything else is refused.\n"
    "Once the assessment tables exist, every course also gets a question bank of 20 questions\n"
    "and a quiz of 10 that some learners attempted (passed, failed, in progress), and a course\n"
    "BURST has a 16-question quiz and 200 (S) or 3,000 (M, L) learners with sessions, whose\n"
    "tokens go to DIR/burst.tokens and the course code and quiz id to DIR/burst.quiz.\n"
    "Once the planning tables exist, there are 20 (S), 60 (M) or 200 (L) rooms over four sites,\n"
    "every classroom and blended course has a session of four events with some learners booked\n"
    "(the pooled learners' session pages go to DIR/learner.sessions, 'TOKEN CODE/sessions/ID'),\n"
    "and a course SIGNUP has a session without events and 1,000 learners with sessions, whose\n"
    "tokens go to DIR/signup.tokens and the course code and session id to DIR/signup.course.\n"
    "A course CALENDAR has 20 evening events in the month after today, 100 (S), 200 (M) or 500\n"
    "(L) learners booked on each, whose tokens go to DIR/calendar.tokens and, with the day of\n"
    "their month, to DIR/calendar.month ('TOKEN YYYY-MM-DD').\n"
    "Once the programme tables exist, there are 20 programmes (BENCH-P01...) and 10\n"
    "certifications (BENCH-C01...), each of three courses, assigned to a department's subtree,\n"
    "with due dates from 20 days ago to a year ahead and most certifications held.\n"
    "\n"
    "  --size S|M|L   how much to generate\n"
    "  --seed N       the random seed (default 1)\n"
    "  --out DIR      where the token and password files go (default: the data directory)\n";

static const struct bench_size {
    const char *name;
    int users;
    int admins;              /* administrators among the users */
    int learner_sessions;    /* sessions for this many randomly chosen learners */
    int admin_sessions;      /* spread over the administrators */
    int department_depth;    /* levels of the department tree, once departments exist */
    int courses;             /* once the courses tables exist (issue 5) */
    int enrolments;          /* learner enrolments, spread over the learners */
    int burst_learners;      /* enrolled in the burst course, each with a session (issue 6) */
    int rooms;               /* once the planning tables exist */
    int signup_learners;     /* enrolled in the sign-up course, each with a session */
    int calendar_learners;   /* booked on the calendar course's every event, each with a session */
} sizes[] = {
    {"S", 1000, 5, 200, 5, 4, 50, 10000, 200, 20, 1000, 100},
    {"M", 10000, 10, 1000, 10, 6, 200, 100000, 3000, 60, 1000, 200},
    {"L", 100000, 20, 5000, 20, 10, 1000, 1000000, 3000, 200, 1000, 500},
};

/* ---- the seed's random stream (splitmix64: small, fast, and the same everywhere) ---- */
struct rng {
    uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint32_t rng_below(struct rng *r, uint32_t n)
{
    return (uint32_t)(rng_next(r) % n);
}

static const char *const first_names[] = {
    "Olivia", "Liam", "Emma", "Noah", "Amelia", "Oliver", "Ava", "Elijah", "Sophia", "Lucas",
    "Mia", "Levi", "Isabella", "Mateo", "Charlotte", "Ethan", "Harper", "Aiden", "Evelyn",
    "Kenji", "Aisha", "Omar", "Fatima", "Ravi", "Priya", "Chen", "Mei", "Sven", "Ingrid",
    "Jose", "Lucia", "Tomasz", "Zofia", "Kwame", "Ama", "Dmitri", "Anya", "Hiroshi", "Yuki",
    "Pedro", "Ana", "Lars", "Freja", "Mohammed", "Layla", "Arjun", "Divya", "Seo-yeon",
    "Min-jun", "Zoe",
};
static const char *const last_names[] = {
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
    "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Kowalski", "Novak", "Tanaka",
    "Sato", "Kim", "Park", "Singh", "Patel", "Okafor", "Mensah", "Larsen", "Berg", "Rossi",
    "Bianchi", "Dubois", "Moreau", "Schmidt", "Fischer", "Ivanova", "Petrov",
};
#define N_FIRST (sizeof first_names / sizeof first_names[0])
#define N_LAST (sizeof last_names / sizeof last_names[0])

/* ---- the generator ---- */
struct gen {
    struct db *db;
    const struct bench_size *size;
    uint64_t seed;
    const char *out_dir;
    char password[64];
    int64_t now;
    bool org;                /* the organisation tables exist (migration 0003) */
    int64_t *dept_ids;       /* departments in heap order: the parent of k is (k - 1) / 2 */
    size_t n_depts;
    bool courses;            /* courses and enrolments were generated (or are in the database) */
};

static void lower_ascii(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z') *s = (char)(*s - 'A' + 'a');
}

/* A token that only the seed and index decide: SHA-256("lectern-bench/<what>/<seed>/<i>"). */
static void derived_hex(const char *what, uint64_t seed, size_t i, char out[65])
{
    char in[96];
    int n = snprintf(in, sizeof in, "lectern-bench/%s/%llu/%zu", what, (unsigned long long)seed, i);
    sha256_hex(in, (size_t)n, out);
}

static double elapsed_s(double t0)
{
    return (time_monotonic_ms() - t0) / 1000.0;
}

static lerr gen_users(struct gen *g, struct problem *p)
{
    double t0 = time_monotonic_ms();
    char hash[128];
    /* One argon2id hash for everyone: it is the slow part of making a user. */
    if (password_hash(g->password, hash, sizeof hash))
        return problem_set(p, LE_NOMEM, "", "cannot hash the password (out of memory)");
    struct rng r = {g->seed * 0x100000001B3ull + 1};
    size_t n = (size_t)g->size->users;
    struct bulk_user *rows = calloc(TX_ROWS, sizeof *rows);
    char(*text)[5][112] = calloc(TX_ROWS, sizeof *text);
    if (!rows || !text) {
        free(rows);
        free(text);
        return problem_set(p, LE_NOMEM, "", "out of memory");
    }
    lerr e = LE_OK;
    for (size_t off = 0; off < n && !e; off += TX_ROWS) {
        size_t k = n - off < TX_ROWS ? n - off : TX_ROWS;
        for (size_t j = 0; j < k; j++) {
            size_t i = off + j;
            const char *first = first_names[rng_below(&r, N_FIRST)];
            const char *last = last_names[rng_below(&r, N_LAST)];
            uint32_t dice = rng_below(&r, 100);
            unsigned roles;
            size_t admins = (size_t)g->size->admins;
            int64_t dept = 0;
            bool head = i >= admins && i < admins + g->n_depts;
            if (g->n_depts && i >= admins) {
                /* One head per department, the rest spread over the leaves. */
                size_t first_leaf = g->n_depts / 2;
                size_t d = head ? i - admins
                                : first_leaf + rng_below(&r, (uint32_t)(g->n_depts - first_leaf));
                dept = g->dept_ids[d];
            }
            if (i < admins)
                roles = ROLE_ADMIN;
            else if (head)
                roles = ROLE_MANAGER | ROLE_LEARNER;
            else if (dice < 3)
                roles = ROLE_INSTRUCTOR | ROLE_LEARNER;
            else if (dice < 8)
                roles = ROLE_MANAGER | ROLE_LEARNER;
            else
                roles = ROLE_LEARNER;
            char *username = text[j][0], *email = text[j][1], *idnumber = text[j][4];
            snprintf(idnumber, 112, "bench-u%zu", i + 1);
            if (roles == ROLE_ADMIN)
                snprintf(username, 112, "bench.admin%zu", i + 1);
            else
                snprintf(username, 112, "%s.%s%zu", first, last, i + 1);
            lower_ascii(username);
            for (char *c = username; *c; c++)
                if (*c == ' ') *c = '-';
            snprintf(email, 112, "%s@example.org", username);
            snprintf(text[j][2], 112, "%s", first);
            snprintf(text[j][3], 112, "%s", last);
            rows[j] = (struct bulk_user){
                .username = username,
                .email = email,
                .first_name = text[j][2],
                .last_name = text[j][3],
                .roles = roles,
                .password_hash = hash,
                .created_at = BASE_TIME - (int64_t)rng_below(&r, 2 * 365 * 86400),
                .idnumber = idnumber,
                .department_id = dept,
            };
        }
        if (db_tx_begin(g->db)) {
            e = LE_DB;
            break;
        }
        e = bulk_insert_users(g->db, rows, k, g->org);
        e = db_tx_end(g->db, e);
    }
    free(rows);
    free(text);
    if (e)
        return problem_set(p, e, "", "inserting users failed: %s", db_errmsg(g->db));
    printf("  users: %zu in %.1f s\n", n, elapsed_s(t0));
    return LE_OK;
}

/* Departments ten levels deep at L: a binary tree of 2^depth - 1 departments in heap order,
 * named by their path ("Department 1.2.1"). Users are spread over the leaves; each department
 * gets a head (a manager) who is every member's line manager and reports to the head above. */
static lerr gen_departments(struct gen *g, struct problem *p)
{
    double t0 = time_monotonic_ms();
    size_t n = ((size_t)1 << g->size->department_depth) - 1;
    char(*paths)[64] = calloc(n, sizeof *paths);
    g->dept_ids = calloc(n, sizeof *g->dept_ids);
    if (!paths || !g->dept_ids) {
        free(paths);
        return problem_set(p, LE_NOMEM, "", "out of memory");
    }
    lerr e = db_tx_begin(g->db);
    for (size_t k = 0; k < n && !e; k++) {
        if (k == 0)
            snprintf(paths[k], sizeof paths[k], "1");
        else
            snprintf(paths[k], sizeof paths[k], "%s.%zu", paths[(k - 1) / 2], (k - 1) % 2 + 1);
        char name[96], idnumber[32];
        snprintf(name, sizeof name, "Department %s", paths[k]);
        snprintf(idnumber, sizeof idnumber, "bench-d%zu", k + 1);
        e = bulk_insert_department(g->db, name, idnumber, k ? g->dept_ids[(k - 1) / 2] : 0,
                                   g->now, &g->dept_ids[k]);
    }
    free(paths);
    if (!e || g->db->in_tx) e = db_tx_end(g->db, e);
    if (e) return problem_set(p, e, "", "inserting departments failed: %s", db_errmsg(g->db));
    g->n_depts = n;
    g->org = true;
    printf("  departments: %zu, %d levels deep, in %.1f s\n", n, g->size->department_depth,
           elapsed_s(t0));
    return LE_OK;
}

static lerr gen_managers(struct gen *g, struct problem *p)
{
    double t0 = time_monotonic_ms();
    if (!g->n_depts) return LE_OK;
    int64_t *heads = calloc(g->n_depts, sizeof *heads);
    if (!heads) return problem_set(p, LE_NOMEM, "", "out of memory");
    lerr e = db_tx_begin(g->db);
    for (size_t k = 0; k < g->n_depts && !e; k++) {
        char idnumber[32];
        snprintf(idnumber, sizeof idnumber, "bench-u%zu", (size_t)g->size->admins + k + 1);
        e = bulk_user_id_by_idnumber(g->db, idnumber, &heads[k]);
        if (!e) e = bulk_set_managers(g->db, g->dept_ids[k], heads[k], k ? heads[(k - 1) / 2] : 0);
    }
    if (!e || g->db->in_tx) e = db_tx_end(g->db, e);
    free(heads);
    if (e) return problem_set(p, e, "", "setting line managers failed: %s", db_errmsg(g->db));
    printf("  line managers: one head per department, in %.1f s\n", elapsed_s(t0));
    return LE_OK;
}

static lerr write_tokens(const char *dir, const char *name, const char (*tokens)[65], size_t n,
                         struct problem *p)
{
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    /* Tokens sign people in: readable by the owner only. */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    FILE *f = fd >= 0 && fchmod(fd, 0600) == 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0) close(fd);
        return problem_set(p, LE_IO, "out", "cannot write %s: %s", tmp, strerror(errno));
    }
    for (size_t i = 0; i < n; i++) fprintf(f, "%s\n", tokens[i]);
    bool ok = fflush(f) == 0;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0)
        return problem_set(p, LE_IO, "out", "cannot write %s: %s", path, strerror(errno));
    return LE_OK;
}

/* DIR/learner.courses: "TOKEN CODE" for every course each pooled learner is enrolled in, so
 * that the course page scenario asks for courses the learner may open; DIR/learner.sessions
 * the same for the session pages of those courses ("TOKEN CODE/sessions/ID"). */
typedef lerr (*pair_lines_fn)(struct db *db, int64_t user_id, const char *prefix, struct buf *out);
static lerr write_course_pairs(struct gen *g, const char *name, pair_lines_fn lines, const char (*tokens)[65],
                               const int64_t *users, size_t n, struct problem *p)
{
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/%s", g->out_dir, name);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    struct buf b;
    buf_init(&b, (size_t)256 << 20);
    lerr e = LE_OK;
    for (size_t i = 0; i < n && !e; i++) e = lines(g->db, users[i], tokens[i], &b);
    if (e) {
        buf_release(&b);
        return problem_set(p, e, "", "cannot read the enrolments: %s", db_errmsg(g->db));
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    bool ok = fd >= 0 && fchmod(fd, 0600) == 0;
    size_t off = 0;
    while (ok && off < b.len) {
        ssize_t w = write(fd, b.data + off, b.len - off);
        if (w < 0 && errno == EINTR) continue;
        ok = w > 0;
        if (ok) off += (size_t)w;
    }
    if (fd >= 0) ok = close(fd) == 0 && ok;
    buf_release(&b);
    if (!ok || rename(tmp, path) != 0)
        return problem_set(p, LE_IO, "out", "cannot write %s: %s", path, strerror(errno));
    return LE_OK;
}

/* A burst scenario's course and the activity its learners rush at: the quiz burst's BURST
 * and its quiz (gen_quizzes), the sign-up burst's SIGNUP and its session (gen_planning). */
struct burst_course {
    const char *code, *kind, *table; /* the activity's kind; table: the dataset has such courses */
    const char *label;                /* tokens derive from "<label>-session", "<label>-csrf" */
    const char *tokens_file, *course_file;
    const char *pairs_file;           /* or NULL: "TOKEN X" lines of pair_lines, for a pairs scenario */
    pair_lines_fn pair_lines;
};
static lerr calendar_month_lines(struct db *db, int64_t user_id, const char *prefix, struct buf *out)
{
    return bulk_user_month_lines(db, user_id, prefix, CALENDAR_CODE, out);
}
static const struct burst_course bursts[] = {
    {BURST_CODE, "quiz", "quiz_attempts", "burst", "burst.tokens", "burst.quiz", NULL, NULL},
    {SIGNUP_CODE, "session", "events", "signup", "signup.tokens", "signup.course", NULL, NULL},
    {CALENDAR_CODE, "session", "events", "calendar", "calendar.tokens", "calendar.course", "calendar.month",
     calendar_month_lines},
};

/* A burst course's learners (enrolled by the generator in a seeded order) get sessions of
 * their own: DIR/<tokens_file>, one token a line in enrolment order, and DIR/<course_file>,
 * a line "CODE ACTIVITY_ID", for the burst scenario. With insert false only the files are
 * written (a reused dataset). Nothing when the dataset has no such course. */
static lerr gen_burst_sessions(struct gen *g, const struct burst_course *bc, bool insert, struct problem *p)
{
    if (!db_table_exists(g->db, bc->table)) return LE_OK;
    int64_t quiz_id = 0, *users = NULL;
    size_t n = 0;
    lerr e = bulk_course_learners(g->db, bc->code, bc->kind, &quiz_id, &users, &n);
    if (e == LE_NOTFOUND) return LE_OK;
    if (e) return problem_set(p, e, "", "cannot read the course %s: %s", bc->code, db_errmsg(g->db));
    char session_what[40], csrf_what[40];
    snprintf(session_what, sizeof session_what, "%s-session", bc->label);
    snprintf(csrf_what, sizeof csrf_what, "%s-csrf", bc->label);
    char(*tokens)[65] = calloc(n ? n : 1, sizeof *tokens);
    char(*hashes)[2][65] = calloc(n ? n : 1, sizeof *hashes);
    struct bulk_session *rows = calloc(n ? n : 1, sizeof *rows);
    if (!tokens || !hashes || !rows) {
        e = problem_set(p, LE_NOMEM, "", "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        derived_hex(session_what, g->seed, i, tokens[i]);
        sha256_hex(tokens[i], 64, hashes[i][0]);
        derived_hex(csrf_what, g->seed, i, hashes[i][1]);
        rows[i] = (struct bulk_session){.token_hash = hashes[i][0], .csrf = hashes[i][1], .user_id = users[i],
                                        .created_at = g->now, .expires_at = g->now + SESSION_LIFETIME_S};
    }
    if (insert) {
        if (db_tx_begin(g->db)) {
            e = problem_set(p, LE_DB, "", "cannot start a transaction: %s", db_errmsg(g->db));
            goto out;
        }
        if ((e = db_tx_end(g->db, bulk_insert_sessions(g->db, rows, n)))) {
            problem_set(p, e, "", "inserting the %s sessions failed: %s", bc->label, db_errmsg(g->db));
            goto out;
        }
    }
    e = write_tokens(g->out_dir, bc->tokens_file, (const char(*)[65])tokens, n, p);
    if (!e) {
        char line[1][65];
        snprintf(line[0], sizeof line[0], "%s %lld", bc->code, (long long)quiz_id);
        e = write_tokens(g->out_dir, bc->course_file, (const char(*)[65])line, 1, p);
    }
    if (!e && bc->pairs_file)
        e = write_course_pairs(g, bc->pairs_file, bc->pair_lines, (const char(*)[65])tokens, users, n, p);
    if (!e) printf("  %s sessions: %zu learners of %s%s\n", bc->label, n, bc->code, insert ? "" : " (tokens only)");
out:
    free(users);
    free(tokens);
    free(hashes);
    free(rows);
    return e;
}

/* Sessions for a pool of learners chosen by the seed, and for the administrators. With
 * insert false only the tokens are derived and written (a reused dataset). */
static lerr gen_sessions(struct gen *g, bool insert, struct problem *p)
{
    double t0 = time_monotonic_ms();
    int64_t *learners = NULL, *admins = NULL;
    size_t n_learners = 0, n_admins = 0;
    lerr e = bulk_user_ids(g->db, ROLE_LEARNER, (size_t)g->size->users, &learners, &n_learners);
    if (!e) e = bulk_user_ids(g->db, ROLE_ADMIN, (size_t)g->size->admins, &admins, &n_admins);
    if (e) {
        free(learners);
        return problem_set(p, e, "", "cannot read the generated users: %s", db_errmsg(g->db));
    }
    size_t n_l = (size_t)g->size->learner_sessions < n_learners ? (size_t)g->size->learner_sessions
                                                                : n_learners;
    size_t n_a = n_admins ? (size_t)g->size->admin_sessions : 0;
    size_t total = n_l + n_a;
    char(*tokens)[65] = calloc(total ? total : 1, sizeof *tokens);
    char(*hashes)[2][65] = calloc(total ? total : 1, sizeof *hashes);
    struct bulk_session *rows = calloc(total ? total : 1, sizeof *rows);
    if (!tokens || !hashes || !rows) {
        e = problem_set(p, LE_NOMEM, "", "out of memory");
        goto out;
    }
    /* Partial Fisher-Yates: the first n_l entries become a random sample of learners. */
    struct rng r = {g->seed * 0x9E3779B97F4A7C15ull + 7};
    for (size_t i = 0; i < n_l; i++) {
        size_t j = i + rng_below(&r, (uint32_t)(n_learners - i));
        int64_t t = learners[i];
        learners[i] = learners[j];
        learners[j] = t;
    }
    for (size_t i = 0; i < total; i++) {
        derived_hex("session", g->seed, i, tokens[i]);
        sha256_hex(tokens[i], 64, hashes[i][0]);
        derived_hex("csrf", g->seed, i, hashes[i][1]);
        rows[i] = (struct bulk_session){
            .token_hash = hashes[i][0],
            .csrf = hashes[i][1],
            .user_id = i < n_l ? learners[i] : admins[(i - n_l) % n_admins],
            .created_at = g->now,
            .expires_at = g->now + SESSION_LIFETIME_S,
        };
    }
    if (insert) {
        if (db_tx_begin(g->db)) {
            e = problem_set(p, LE_DB, "", "cannot start a transaction: %s", db_errmsg(g->db));
            goto out;
        }
        e = db_tx_end(g->db, bulk_insert_sessions(g->db, rows, total));
        if (e) {
            problem_set(p, e, "", "inserting sessions failed: %s", db_errmsg(g->db));
            goto out;
        }
    }
    e = write_tokens(g->out_dir, "learner.tokens", (const char(*)[65])tokens, n_l, p);
    if (!e) e = write_tokens(g->out_dir, "admin.tokens", (const char(*)[65])tokens + n_l, n_a, p);
    if (!e && (g->courses || (!insert && db_table_exists(g->db, "enrolments"))))
        e = write_course_pairs(g, "learner.courses", bulk_user_course_lines, (const char(*)[65])tokens, learners,
                               n_l, p);
    if (!e && db_table_exists(g->db, "events"))
        e = write_course_pairs(g, "learner.sessions", bulk_user_session_lines, (const char(*)[65])tokens, learners,
                               n_l, p);
    if (!e)
        printf("  sessions: %zu learners, %zu administrators%s in %.1f s\n", n_l, n_a,
               insert ? "" : " (tokens only)", elapsed_s(t0));
    for (size_t k = 0; !e && k < sizeof bursts / sizeof bursts[0]; k++) e = gen_burst_sessions(g, &bursts[k], insert, p);
out:
    free(learners);
    free(admins);
    free(tokens);
    free(hashes);
    free(rows);
    return e;
}

/* ---- courses, content, enrolments and progress (issue 5) ---- */

/* Catalogue words: a course is a level of a topic, its summary names the topic's keywords, so
 * that a search for "safety", "data" or "python" finds a realistic share of the catalogue. */
static const struct topic {
    const char *code, *name, *area, *words;
} topics[] = {
    {"DPR", "Data Protection", "Compliance", "privacy, personal data and breach reporting"},
    {"ABC", "Anti-Bribery and Corruption", "Compliance", "gifts, hospitality and conflicts of interest"},
    {"AML", "Anti-Money Laundering", "Compliance", "customer due diligence and suspicious activity"},
    {"COC", "Code of Conduct", "Compliance", "ethics, speaking up and respect at work"},
    {"FIR", "Fire Safety", "Health and Safety", "evacuation, extinguishers and fire wardens"},
    {"FAD", "First Aid", "Health and Safety", "emergencies, CPR and incident reports"},
    {"MHA", "Manual Handling", "Health and Safety", "lifting, posture and safety risk assessment"},
    {"DSE", "Display Screen Equipment", "Health and Safety", "workstation safety and eye strain"},
    {"CYB", "Cyber Security", "Technology", "phishing, passwords and data security"},
    {"PYT", "Python Programming", "Technology", "scripts, data analysis and automation"},
    {"XLS", "Excel", "Technology", "formulas, pivot tables and data charts"},
    {"SQL", "SQL Databases", "Technology", "queries, joins and reporting data"},
    {"CLD", "Cloud Fundamentals", "Technology", "services, security and cost management"},
    {"LDR", "Leadership", "Leadership", "vision, delegation and coaching teams"},
    {"PMG", "Project Management", "Leadership", "planning, risk and stakeholder management"},
    {"FBK", "Giving Feedback", "Leadership", "coaching conversations and performance reviews"},
    {"CHG", "Change Management", "Leadership", "communication, resistance and adoption"},
    {"NEG", "Negotiation", "Sales", "preparation, concessions and closing deals"},
    {"PRS", "Presentation Skills", "Sales", "storytelling, slides and confident delivery"},
    {"CRM", "Customer Relationship Management", "Sales", "accounts, pipelines and customer data"},
    {"CSV", "Customer Service", "Customer Service", "complaints, empathy and first contact resolution"},
    {"TEL", "Telephone Skills", "Customer Service", "call handling, tone and customer complaints"},
    {"DIV", "Diversity and Inclusion", "People", "unconscious bias and inclusive teams"},
    {"WEL", "Wellbeing at Work", "People", "stress, resilience and mental health"},
};
#define N_TOPICS (sizeof topics / sizeof topics[0])
static const char *const levels[] = {"Introduction to", "Essentials of", "Practical",
                                     "Advanced", "Refresher:", "Masterclass:"};
static const char *const kinds[] = {"elearning", "classroom", "blended"};
#define SECTIONS_PER_COURSE 3
#define ACTIVITIES_PER_SECTION 2   /* a page and a link */
#define ACTS (SECTIONS_PER_COURSE * ACTIVITIES_PER_SECTION)

/* Categories three levels deep: an area, a level under it, a region under that. Returns the
 * ids of the leaves (and middles: courses are filed at both) in *cats. */
static lerr gen_categories(struct gen *g, int64_t **cats_out, size_t *n_out)
{
    static const char *const mid[] = {"Foundations", "Professional", "Specialist"};
    static const char *const leaf[] = {"Europe", "Americas"};
    const char *areas[N_TOPICS];
    size_t n_areas = 0;
    for (size_t t = 0; t < N_TOPICS; t++) {
        bool seen = false;
        for (size_t a = 0; a < n_areas; a++) seen = seen || strcmp(areas[a], topics[t].area) == 0;
        if (!seen) areas[n_areas++] = topics[t].area;
    }
    /* Per area: 3 middles, 6 leaves; cats[] holds area-major [middle, leaf, leaf] x 3. */
    int64_t *cats = calloc(n_areas * 9, sizeof *cats);
    if (!cats) return LE_NOMEM;
    size_t n = 0;
    lerr e = LE_OK;
    for (size_t a = 0; a < n_areas && !e; a++) {
        int64_t top;
        e = bulk_insert_category(g->db, areas[a], 0, g->now, &top);
        for (size_t m = 0; m < 3 && !e; m++) {
            int64_t mid_id;
            e = bulk_insert_category(g->db, mid[m], top, g->now, &mid_id);
            if (!e) cats[n++] = mid_id;
            for (size_t l = 0; l < 2 && !e; l++) {
                char name[64];
                snprintf(name, sizeof name, "%s %s", mid[m], leaf[l]);
                e = bulk_insert_category(g->db, name, mid_id, g->now, &cats[n++]);
            }
        }
    }
    if (e) {
        free(cats);
        return e;
    }
    *cats_out = cats;
    *n_out = n_areas;
    return LE_OK;
}

static size_t area_index(const char *area)
{
    size_t n = 0;
    const char *seen[N_TOPICS];
    for (size_t t = 0; t < N_TOPICS; t++) {
        size_t a = 0;
        while (a < n && strcmp(seen[a], topics[t].area) != 0) a++;
        if (a == n) seen[n++] = topics[t].area;
        if (strcmp(topics[t].area, area) == 0) return a;
    }
    return 0;
}

/* One transaction: the enrolments gathered, then their progress. */
static lerr flush_enrolments(struct gen *g, struct bulk_enrolment *enr, size_t *ne,
                             struct bulk_progress *prog, size_t *np, size_t *n_prog_total)
{
    if (db_tx_begin(g->db)) return LE_DB;
    lerr e = bulk_insert_enrolments(g->db, enr, *ne);
    if (!e) e = bulk_insert_progress(g->db, prog, *np);
    e = db_tx_end(g->db, e);
    *n_prog_total += *np;
    *ne = *np = 0;
    return e;
}

/* Courses (published, listed, in the category tree), three sections of a page and a link
 * each, an instructor each, and the enrolments spread over the learners: every learner gets
 * about enrolments / learners courses (distinct: a start and a stride coprime with the course
 * count), some with a due date (a few overdue); progress is a prefix of the course's
 * activities (none, some, or all, then the enrolment is completed). */
static lerr gen_courses(struct gen *g, struct problem *p)
{
    double t0 = time_monotonic_ms();
    size_t n_courses = (size_t)g->size->courses;
    struct rng r = {g->seed * 0xD1B54A32D192ED03ull + 11};
    int64_t *cats = NULL, *course_ids = NULL, *act_ids = NULL, *learners = NULL, *teachers = NULL;
    size_t n_areas = 0, n_learners = 0, n_teachers = 0;
    struct bulk_enrolment *enr = NULL;
    struct bulk_progress *prog = NULL;
    lerr e = bulk_user_ids(g->db, ROLE_LEARNER, (size_t)g->size->users, &learners, &n_learners);
    if (!e)
        e = bulk_user_ids(g->db, ROLE_INSTRUCTOR, (size_t)g->size->users, &teachers, &n_teachers);
    if (e) goto out;
    course_ids = calloc(n_courses, sizeof *course_ids);
    act_ids = calloc(n_courses * ACTS, sizeof *act_ids);
    enr = calloc(TX_ROWS, sizeof *enr);
    prog = calloc((size_t)TX_ROWS * ACTS, sizeof *prog);
    if (!course_ids || !act_ids || !enr || !prog) {
        e = LE_NOMEM;
        goto out;
    }

    /* Categories, courses and content: one transaction. */
    e = db_tx_begin(g->db);
    if (!e) e = gen_categories(g, &cats, &n_areas);
    for (size_t c = 0; c < n_courses && !e; c++) {
        const struct topic *t = &topics[rng_below(&r, N_TOPICS)];
        const char *level = levels[rng_below(&r, sizeof levels / sizeof levels[0])];
        char code[32], title[160], summary[512];
        snprintf(code, sizeof code, "%s-%04zu", t->code, c + 1);
        snprintf(title, sizeof title, "%s %s", level, t->name);
        snprintf(summary, sizeof summary,
                 "%s %s for %s teams: %s. About %d short units with a page to read and a link "
                 "to follow in each.",
                 level, t->name, t->area, t->words, SECTIONS_PER_COURSE);
        size_t m = rng_below(&r, 3);
        size_t slot = area_index(t->area) * 9 + m * 3 + rng_below(&r, 3);
        struct bulk_course bc = {
            .code = code,
            .title = title,
            .summary = summary,
            .kind = kinds[rng_below(&r, 3)],
            .category_id = cats[slot],
            .self_enrol = rng_below(&r, 4) == 0,
            .duration_minutes = 15 * (int)(1 + rng_below(&r, 16)),
            .start_at = BASE_TIME - 86400LL * rng_below(&r, 365),
            .created_at = BASE_TIME - 86400LL * (365 + rng_below(&r, 365)),
        };
        e = bulk_insert_course(g->db, &bc, &course_ids[c]);
        for (int s = 0; s < SECTIONS_PER_COURSE && !e; s++) {
            char stitle[96], atitle[160], body[256];
            int64_t sid;
            snprintf(stitle, sizeof stitle, "Unit %d", s + 1);
            e = bulk_insert_section(g->db, course_ids[c], stitle, s + 1, bc.created_at, &sid);
            int64_t *a = &act_ids[c * ACTS + (size_t)s * ACTIVITIES_PER_SECTION];
            snprintf(atitle, sizeof atitle, "%s: reading %d", t->name, s + 1);
            snprintf(body, sizeof body,
                     "## %s, unit %d\n\nThis unit covers %s.\n\n- Read the notes\n- Follow the "
                     "link\n",
                     t->name, s + 1, t->words);
            if (!e)
                e = bulk_insert_activity(g->db, course_ids[c], sid, "page", atitle, 1, body, "",
                                         bc.created_at, &a[0]);
            snprintf(atitle, sizeof atitle, "%s: further reading %d", t->name, s + 1);
            if (!e)
                e = bulk_insert_activity(g->db, course_ids[c], sid, "link", atitle, 2, "",
                                         "https://example.org/learning", bc.created_at, &a[1]);
        }
    }
    /* An instructor per course (not counted in the enrolments of the size table). */
    for (size_t c = 0; c < n_courses && !e && n_teachers; c += TX_ROWS) {
        size_t k = 0;
        for (size_t j = c; j < n_courses && k < TX_ROWS; j++, k++)
            enr[k] = (struct bulk_enrolment){.course_id = course_ids[j],
                                             .user_id = teachers[j % n_teachers],
                                             .instructor = true,
                                             .enrolled_at = BASE_TIME - 86400LL * 400};
        e = bulk_insert_enrolments(g->db, enr, k);
    }
    if (!e || g->db->in_tx) e = db_tx_end(g->db, e);
    if (e) goto out;
    double t_content = elapsed_s(t0);

    /* Enrolments and progress, TX_ROWS enrolments a transaction. */
    static const uint32_t strides[] = {3, 7, 11, 13, 17, 19, 23, 29};
    size_t total = (size_t)g->size->enrolments;
    size_t per = n_learners ? (total + n_learners - 1) / n_learners : 0;
    if (per > n_courses) per = n_courses;
    size_t made = 0, n_prog_total = 0, completed = 0, ne = 0, np = 0;
    for (size_t u = 0; u < n_learners && made < total && !e; u++) {
        uint32_t start = rng_below(&r, (uint32_t)n_courses);
        uint32_t stride = strides[rng_below(&r, sizeof strides / sizeof strides[0])];
        for (size_t j = 0; j < per && made < total && !e; j++, made++) {
            size_t c = (start + j * stride) % n_courses;
            if (n_teachers && learners[u] == teachers[c % n_teachers]) {
                made--;   /* already this course's instructor (the loop counts it back) */
                continue;
            }
            int64_t enrolled = BASE_TIME - 86400LL * (1 + rng_below(&r, 300));
            uint32_t dice = rng_below(&r, 100);
            size_t done = dice < 30 ? 0 : dice < 70 ? 1 + rng_below(&r, ACTS - 1) : ACTS;
            int64_t t = enrolled, last = 0;
            for (size_t a = 0; a < done; a++) {
                t += 600 + rng_below(&r, 3 * 86400);
                prog[np++] = (struct bulk_progress){.activity_id = act_ids[c * ACTS + a],
                                                    .user_id = learners[u],
                                                    .how = a % 2 ? "followed" : "viewed",
                                                    .completed_at = t};
                last = t;
            }
            uint32_t due = rng_below(&r, 10);
            enr[ne++] = (struct bulk_enrolment){
                .course_id = course_ids[c],
                .user_id = learners[u],
                /* 30 % have a due date: 60 days after enrolment (some are overdue by now). */
                .due_at = due < 3 ? enrolled + 60 * 86400LL : 0,
                .enrolled_at = enrolled,
                .completed_at = done == ACTS ? last : 0,
                .last_access_at = last,
            };
            completed += done == ACTS;
            if (ne == TX_ROWS) e = flush_enrolments(g, enr, &ne, prog, &np, &n_prog_total);
        }
    }
    if (!e && ne) e = flush_enrolments(g, enr, &ne, prog, &np, &n_prog_total);
    /* Quizzes and their attempts (issue 6) are the next step, gen_quizzes: it reads back the
     * courses and enrolments made here. */
    if (!e) {
        g->courses = true;
        printf("  courses: %zu in %zu areas (categories 3 levels deep), %zu activities, in %.1f s\n",
               n_courses, n_areas, n_courses * ACTS, t_content);
        printf("  enrolments: %zu (%zu completed), %zu activity completions, in %.1f s\n", made,
               completed, n_prog_total, elapsed_s(t0) - t_content);
    }
out:
    free(cats);
    free(course_ids);
    free(act_ids);
    free(learners);
    free(teachers);
    free(enr);
    free(prog);
    if (e == LE_NOMEM) return problem_set(p, e, "", "out of memory");
    if (e) return problem_set(p, e, "", "inserting courses failed: %s", db_errmsg(g->db));
    return LE_OK;
}

/* ---- question bank, quizzes and attempts (issue 6) ---- */

#define QUESTIONS_PER_COURSE 20
#define QUIZ_QUESTIONS 10         /* the fixed questions of a course's quiz */
#define QUIZ_PASS_PERCENT 70.0
#define BURST_QUESTIONS 16
#define ATTEMPT_BATCH 1000        /* attempts a transaction (with their answers) */

/* What the generator knows about a question it made: its type and three responses in the
 * shapes of assessments.h, graded by question_grade (right, half right, wrong). */
struct genq {
    int64_t id;
    int type;                     /* index into qtypes */
    int n_answers;                /* choices shown (single, multi): the answer order's length */
    char right[48], half[48], wrong[48];
    double f_right, f_half, f_wrong;
};
static const char *const qtypes[] = {"single", "multi", "truefalse", "short", "numerical"};
enum { QT_SINGLE, QT_MULTI, QT_TRUEFALSE, QT_SHORT, QT_NUMERICAL };
/* A course's twenty: 8 single choice, 3 multiple answer, 4 true/false, 3 short, 2 numerical. */
static const int course_qtypes[QUESTIONS_PER_COURSE] = {
    QT_SINGLE, QT_TRUEFALSE, QT_MULTI, QT_SHORT, QT_SINGLE, QT_NUMERICAL, QT_TRUEFALSE,
    QT_SINGLE, QT_MULTI, QT_SINGLE, QT_SHORT, QT_TRUEFALSE, QT_SINGLE, QT_NUMERICAL,
    QT_SINGLE, QT_MULTI, QT_TRUEFALSE, QT_SHORT, QT_SINGLE, QT_SINGLE,
};

static const struct topic *topic_of_code(const char *code)
{
    for (size_t t = 0; t < N_TOPICS; t++)
        if (strncmp(code, topics[t].code, 3) == 0 && code[3] == '-') return &topics[t];
    return NULL;
}

static json_t *answer(const char *text, int fraction, const char *feedback)
{
    return json_pack("{s:s, s:i, s:s}", "text", text, "fraction", fraction, "feedback", feedback);
}

/* The k-th question of a topic's bank (type qt), as a question object of assessments.h. */
static json_t *make_question(const char *name, const char *words, const char *category, int k, int qt,
                             struct rng *r, struct genq *gq)
{
    char title[96], text[512], fb[128];
    snprintf(title, sizeof title, "%s %02d", name, k + 1);
    snprintf(fb, sizeof fb, "Unit %d of the course covers this.", k % SECTIONS_PER_COURSE + 1);
    json_t *answers = json_array();
    gq->type = qt;
    gq->n_answers = 0;
    switch (qt) {
    case QT_SINGLE: {
        static const char *const wrong[] = {
            "It only applies to new starters.", "It can be skipped when a deadline is close.",
            "It is the same in every country without exception.", "It is optional for managers.",
            "It is only needed once a decade.",
        };
        int c = (int)rng_below(r, 4), w0 = (int)rng_below(r, 5);
        snprintf(text, sizeof text, "%s, question %d: which statement is right?", name, k + 1);
        for (int i = 0, w = w0; i < 4; i++) {
            char right[256];
            snprintf(right, sizeof right, "It covers %s.", words);
            json_array_append_new(answers, i == c ? answer(right, 100, "Yes.")
                                                  : answer(wrong[w++ % 5], 0, "Not quite."));
        }
        gq->n_answers = 4;
        snprintf(gq->right, sizeof gq->right, "{\"choice\":%d}", c);
        snprintf(gq->half, sizeof gq->half, "{\"choice\":%d}", (c + 1) % 4);
        snprintf(gq->wrong, sizeof gq->wrong, "{\"choice\":%d}", (c + 2) % 4);
        break;
    }
    case QT_MULTI: {
        /* Two right (50 % each), two wrong (-50 %), one neither, in a seeded order. */
        static const int fr[5] = {50, 50, -50, -50, 0};
        static const char *const opts[5] = {"Knowing the procedure", "Reporting what you see",
                                            "Ignoring the guidance", "Waiting for someone else",
                                            "Checking the intranet first"};
        int perm[5] = {0, 1, 2, 3, 4};
        for (int i = 4; i > 0; i--) {
            int j = (int)rng_below(r, (uint32_t)i + 1), t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int pos[5];
        for (int i = 0; i < 5; i++) {
            pos[perm[i]] = i;
            json_array_append_new(answers, answer(opts[perm[i]], fr[perm[i]], fr[perm[i]] > 0 ? "Yes." : "No."));
        }
        snprintf(text, sizeof text, "%s: which of these help? Choose all that apply.", name);
        gq->n_answers = 5;
        int a = pos[0] < pos[1] ? pos[0] : pos[1], b = pos[0] < pos[1] ? pos[1] : pos[0];
        snprintf(gq->right, sizeof gq->right, "{\"choices\":[%d,%d]}", a, b);
        snprintf(gq->half, sizeof gq->half, "{\"choices\":[%d]}", pos[0]);
        snprintf(gq->wrong, sizeof gq->wrong, "{\"choices\":[%d,%d]}", pos[0], pos[2]);
        break;
    }
    case QT_TRUEFALSE: {
        bool v = rng_below(r, 2) == 0;
        if (v)
            snprintf(text, sizeof text, "This course covers %s. True or false?", words);
        else
            snprintf(text, sizeof text, "%s only matters for the head office. True or false?", name);
        json_array_append_new(answers, json_pack("{s:s, s:i, s:s}", "text", "true", "fraction", v ? 100 : 0,
                                                 "feedback", v ? "Right." : "It matters everywhere."));
        json_array_append_new(answers, json_pack("{s:s, s:i, s:s}", "text", "false", "fraction", v ? 0 : 100,
                                                 "feedback", v ? "It does." : "Right."));
        snprintf(gq->right, sizeof gq->right, "{\"value\":%s}", v ? "true" : "false");
        snprintf(gq->half, sizeof gq->half, "{\"value\":%s}", v ? "false" : "true");
        snprintf(gq->wrong, sizeof gq->wrong, "{\"value\":%s}", v ? "false" : "true");
        break;
    }
    case QT_SHORT: {
        snprintf(text, sizeof text, "In a word or two: what is the topic of this course?");
        json_array_append_new(answers, answer(name, 100, "Right."));
        json_array_append_new(answers, answer("*training*", 50, "That is what it is, but which?"));
        snprintf(gq->right, sizeof gq->right, "{\"text\":\"%.36s\"}", name);
        lower_ascii(gq->right);
        snprintf(gq->half, sizeof gq->half, "{\"text\":\"the training\"}");
        snprintf(gq->wrong, sizeof gq->wrong, "{\"text\":\"not sure\"}");
        break;
    }
    default: {
        if (k % 2) {
            snprintf(text, sizeof text, "A refresher of %s is due every 6 months. How many are due in 3 years?",
                     name);
            json_array_append_new(answers, json_pack("{s:f, s:f, s:i, s:s}", "value", 6.0, "tolerance", 0.0,
                                                     "fraction", 100, "feedback", "Six."));
            snprintf(gq->right, sizeof gq->right, "{\"value\":\"6\"}");
            snprintf(gq->half, sizeof gq->half, "{\"value\":\"3\"}");
            snprintf(gq->wrong, sizeof gq->wrong, "{\"value\":\"12\"}");
        } else {
            snprintf(text, sizeof text, "How many units does this course have?");
            json_array_append_new(answers, json_pack("{s:f, s:f, s:i, s:s}", "min", 2.5, "max", 3.5, "fraction",
                                                     100, "feedback", "Three."));
            snprintf(gq->right, sizeof gq->right, "{\"value\":\"3\"}");
            snprintf(gq->half, sizeof gq->half, "{\"value\":\"2\"}");
            snprintf(gq->wrong, sizeof gq->wrong, "{\"value\":\"7,5\"}");
        }
        break;
    }
    }
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:o}", "type", qtypes[qt], "title", title, "text", text,
                     "format", "markdown", "general_feedback", fb, "category", category, "case_sensitive", 0,
                     "answers", answers);
}

/* Checks a made question (question_check, which also fills its defaults), grades its three
 * responses with question_grade, and stores it. */
static lerr store_question(struct gen *g, int64_t category_id, json_t *q, struct genq *gq, struct problem *p)
{
    if (!q) return problem_set(p, LE_NOMEM, "", "out of memory");
    lerr e = question_check(q, p);
    if (e) {
        char *dump = json_dumps(q, JSON_COMPACT);
        problem_set(p, e, "", "a generated question fails question_check (%s): %s", p->message, dump ? dump : "");
        json_text_free(dump);
        json_decref(q);
        return e;
    }
    const char *resp[3] = {gq->right, gq->half, gq->wrong};
    double *frac[3] = {&gq->f_right, &gq->f_half, &gq->f_wrong};
    for (int i = 0; i < 3 && !e; i++) {
        json_t *rj = json_loads(resp[i], 0, NULL);
        e = rj ? question_response_check(q, rj, p) : problem_set(p, LE_INVALID, "", "bad JSON %s", resp[i]);
        if (!e) *frac[i] = question_grade(q, rj).fraction;
        else problem_set(p, e, "", "a generated response %s fails question_response_check: %s", resp[i], p->message);
        json_decref(rj);
    }
    char *data = e ? NULL : json_dumps(q, JSON_COMPACT);
    if (!e && !data) e = problem_set(p, LE_NOMEM, "", "out of memory");
    if (!e) {
        e = bulk_insert_question(g->db, category_id, json_string_value(json_object_get(q, "type")),
                                 json_string_value(json_object_get(q, "title")), data, g->now, &gq->id);
        if (e) problem_set(p, e, "", "inserting a question failed: %s", db_errmsg(g->db));
    }
    json_text_free(data);
    json_decref(q);
    return e;
}

/* "[2,0,3,1]": a seeded display order of n answers. */
static void answer_order(struct rng *r, int n, char out[24])
{
    int perm[8];
    for (int i = 0; i < n; i++) perm[i] = i;
    for (int i = n - 1; i > 0; i--) {
        int j = (int)rng_below(r, (uint32_t)i + 1), t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    int len = 0;
    out[len++] = '[';
    for (int i = 0; i < n; i++) len += snprintf(out + len, (size_t)(24 - len), i ? ",%d" : "%d", perm[i]);
    snprintf(out + len, (size_t)(24 - len), "]");
}

struct attempt_batch {
    struct bulk_attempt *att;
    struct bulk_attempt_question *aq;
    char (*orders)[24];
    struct bulk_progress *prog;
    size_t n_att, n_aq, n_prog;
};

static lerr flush_attempts(struct gen *g, struct attempt_batch *b)
{
    if (!b->n_att) return LE_OK;
    if (db_tx_begin(g->db)) return LE_DB;
    lerr e = bulk_insert_attempts(g->db, b->att, b->n_att);
    if (!e) e = bulk_insert_attempt_questions(g->db, b->aq, b->n_aq);
    if (!e) e = bulk_insert_progress(g->db, b->prog, b->n_prog);
    e = db_tx_end(g->db, e);
    b->n_att = b->n_aq = b->n_prog = 0;
    return e;
}

/* outcome: 'p' passed (7 to 10 right), 'f' failed (2 to 5 right; a multi-answer question
 * may be half right), 'i' in progress (the first 1 to 9 answered, nothing graded). */
static void make_attempt(struct attempt_batch *b, struct rng *r, int64_t id, int64_t quiz_id, int64_t user_id,
                         int number, char outcome, int64_t started, const struct genq *qs, size_t nq,
                         double *percent_out)
{
    bool right[BURST_QUESTIONS] = {false};
    size_t k = outcome == 'p' ? 7 + rng_below(r, 4) : outcome == 'f' ? 2 + rng_below(r, 4) : 0;
    int idx[BURST_QUESTIONS];
    for (size_t i = 0; i < nq; i++) idx[i] = (int)i;
    for (size_t i = 0; i < k && i < nq; i++) {
        size_t j = i + rng_below(r, (uint32_t)(nq - i));
        int t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
        right[idx[i]] = true;
    }
    size_t answered = outcome == 'i' ? 1 + rng_below(r, (uint32_t)nq - 1) : nq;
    int64_t t = started;
    double score = 0;
    for (size_t s = 0; s < nq; s++) {
        const struct genq *q = &qs[s];
        struct bulk_attempt_question *x = &b->aq[b->n_aq];
        char *order = b->orders[b->n_aq];
        b->n_aq++;
        order[0] = 0;
        if (q->n_answers) answer_order(r, q->n_answers, order);
        const char *resp = NULL;
        double f = 0;
        if (s < answered) {
            t += 20 + rng_below(r, 100);
            bool half = !right[s] && q->type == QT_MULTI && rng_below(r, 2) == 0;
            resp = right[s] ? q->right : half ? q->half : q->wrong;
            f = right[s] ? q->f_right : half ? q->f_half : q->f_wrong;
        }
        *x = (struct bulk_attempt_question){
            .attempt_id = id, .slot = (int)s + 1, .question_id = q->id, .points = 1, .answer_order = order,
            .response = resp, .saved_at = resp ? t : 0, .graded = outcome != 'i', .fraction = f,
        };
        score += f;
    }
    int64_t submitted = t + 30 + rng_below(r, 120);
    for (size_t s = b->n_aq - nq; s < b->n_aq; s++) b->aq[s].graded_at = submitted;
    double percent = score * 100.0 / (double)nq;
    b->att[b->n_att++] = (struct bulk_attempt){
        .id = id, .quiz_id = quiz_id, .user_id = user_id, .number = number, .submitted = outcome != 'i',
        .started_at = started, .submitted_at = submitted, .score = score, .max_score = (double)nq,
        .percent = percent,
    };
    *percent_out = outcome == 'i' ? -1 : percent;
    if (outcome != 'i' && percent >= QUIZ_PASS_PERCENT)
        b->prog[b->n_prog++] = (struct bulk_progress){
            .activity_id = quiz_id, .user_id = user_id, .how = "passed", .completed_at = submitted};
}

/* The burst course: BURST, one section with a 16-question quiz (unlimited attempts, two hours
 * each, questions and answers shuffled) and burst_learners learners sampled by the seed, in
 * enrolment order; gen_burst_sessions signs them in. */
static lerr gen_burst_course(struct gen *g, struct rng *r, int64_t category_id, struct problem *p)
{
    int64_t *learners = NULL, *teachers = NULL, course_id = 0, section_id = 0, quiz_id = 0, qcat = 0;
    size_t n_learners = 0, n_teachers = 0;
    struct bulk_enrolment *enr = NULL;
    lerr e = bulk_user_ids(g->db, ROLE_LEARNER, (size_t)g->size->users, &learners, &n_learners);
    if (!e) e = bulk_user_ids(g->db, ROLE_INSTRUCTOR, 1, &teachers, &n_teachers);
    if (e) {
        problem_set(p, e, "", "cannot read the learners: %s", db_errmsg(g->db));
        goto out;
    }
    size_t n = (size_t)g->size->burst_learners < n_learners ? (size_t)g->size->burst_learners : n_learners;
    enr = calloc(n + 1, sizeof *enr);
    if (!enr) {
        e = problem_set(p, LE_NOMEM, "", "out of memory");
        goto out;
    }
    struct bulk_course bc = {
        .code = BURST_CODE,
        .title = "Quiz Burst Rehearsal",
        .summary = "A timed sixteen-question quiz that thousands of learners start at the same moment: "
                   "the quiz burst scenario of make bench.",
        .kind = "elearning",
        .category_id = category_id,
        .duration_minutes = 30,
        .start_at = BASE_TIME - 86400LL * 30,
        .created_at = BASE_TIME - 86400LL * 60,
    };
    e = bulk_insert_course(g->db, &bc, &course_id);
    if (!e) e = bulk_insert_section(g->db, course_id, "The quiz", 1, bc.created_at, &section_id);
    if (!e)
        e = bulk_insert_quiz_activity(g->db, course_id, section_id, "Burst quiz", 1, true,
                                      "Sixteen questions, two hours, as many attempts as you like.",
                                      bc.created_at, &quiz_id);
    if (!e) e = bulk_insert_qcategory(g->db, course_id, "Burst", bc.created_at, &qcat);
    if (e) {
        problem_set(p, e, "", "inserting the burst course failed: %s", db_errmsg(g->db));
        goto out;
    }
    struct genq qs[BURST_QUESTIONS];
    int64_t qids[BURST_QUESTIONS];
    for (int k = 0; k < BURST_QUESTIONS && !e; k++) {
        json_t *q = make_question("Quiz Burst", "timing, saving and submitting answers", "Burst", k,
                                  k % (int)(sizeof qtypes / sizeof qtypes[0]), r, &qs[k]);
        e = store_question(g, qcat, q, &qs[k], p);
        qids[k] = qs[k].id;
    }
    struct bulk_quiz bq = {.activity_id = quiz_id, .shuffle_questions = 1, .shuffle_answers = 1,
                           .time_limit_seconds = 7200, .attempts_allowed = 0, .grading_method = "highest",
                           .pass_percent = 50, .complete_on = "submit"};
    if (!e && (e = bulk_insert_quiz(g->db, &bq, qids, NULL, BURST_QUESTIONS)))
        problem_set(p, e, "", "inserting the burst quiz failed: %s", db_errmsg(g->db));
    if (e) goto out;
    /* Partial Fisher-Yates: the first n learners are the sample, enrolled in that order. */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = i + rng_below(r, (uint32_t)(n_learners - i));
        int64_t t = learners[i];
        learners[i] = learners[j];
        learners[j] = t;
        enr[k++] = (struct bulk_enrolment){.course_id = course_id, .user_id = learners[i],
                                           .enrolled_at = BASE_TIME - 86400LL * 7};
    }
    if (n_teachers)
        enr[k++] = (struct bulk_enrolment){.course_id = course_id, .user_id = teachers[0], .instructor = true,
                                           .enrolled_at = BASE_TIME - 86400LL * 60};
    /* An instructor who is also sampled as a learner stays a learner. */
    if (n_teachers)
        for (size_t i = 0; i < n; i++)
            if (learners[i] == teachers[0]) k--;
    if ((e = bulk_insert_enrolments(g->db, enr, k)))
        problem_set(p, e, "", "enrolling the burst learners failed: %s", db_errmsg(g->db));
    else
        printf("  burst course: %s, a %d-question quiz (id %lld), %zu learners\n", BURST_CODE, BURST_QUESTIONS,
               (long long)quiz_id, n);
out:
    free(learners);
    free(teachers);
    free(enr);
    return e;
}

/* Each course gets a question category of twenty questions (single choice, multiple answer,
 * true/false, short answer, numerical) and, in its last section, an optional quiz of ten of
 * them (70 % passes, three attempts, answers shuffled). A share of the enrolled learners
 * attempted it: a fifth of those who completed the course passed (a quarter of them after a
 * failed first attempt), a tenth of those part way failed or are in the middle of one. Then
 * the burst course. */
static lerr gen_quizzes(struct gen *g, struct problem *p)
{
    double t0 = time_monotonic_ms();
    struct rng r = {g->seed * 0xA24BAED4963EE407ull + 13};
    struct bulk_course_row *courses = NULL;
    struct bulk_enrolment_row *enr = NULL;
    struct genq *bank = NULL;
    int64_t *quiz_of = NULL;      /* by course id: the quiz activity */
    size_t *index_of = NULL;      /* by course id: the course's index in courses */
    struct attempt_batch b = {0};
    size_t n_courses = 0, n_enr = 0, n_questions = 0;
    int64_t max_course = 0, first_category = 0;
    lerr e = bulk_course_rows(g->db, &courses, &n_courses);
    if (!e) e = bulk_learner_enrolments(g->db, &enr, &n_enr);
    if (e) {
        problem_set(p, e, "", "cannot read the courses and enrolments: %s", db_errmsg(g->db));
        goto out;
    }
    for (size_t c = 0; c < n_courses; c++)
        if (courses[c].id > max_course) max_course = courses[c].id;
    bank = calloc(n_courses * QUIZ_QUESTIONS + 1, sizeof *bank);
    quiz_of = calloc((size_t)max_course + 1, sizeof *quiz_of);
    index_of = calloc((size_t)max_course + 1, sizeof *index_of);
    b.att = calloc(ATTEMPT_BATCH + 2, sizeof *b.att);
    b.aq = calloc((ATTEMPT_BATCH + 2) * QUIZ_QUESTIONS, sizeof *b.aq);
    b.orders = calloc((ATTEMPT_BATCH + 2) * QUIZ_QUESTIONS, sizeof *b.orders);
    b.prog = calloc(ATTEMPT_BATCH + 2, sizeof *b.prog);
    if (!bank || !quiz_of || !index_of || !b.att || !b.aq || !b.orders || !b.prog) {
        e = problem_set(p, LE_NOMEM, "", "out of memory");
        goto out;
    }
    e = db_query_int(g->db, &first_category, "SELECT MIN(id) FROM course_categories", "");
    if (e == LE_NOTFOUND) e = LE_OK;

    /* The banks and quizzes: one transaction. */
    if (!e && db_tx_begin(g->db)) e = problem_set(p, LE_DB, "", "%s", db_errmsg(g->db));
    for (size_t c = 0; c < n_courses && !e; c++) {
        const struct topic *t = topic_of_code(courses[c].code);
        if (!t || !courses[c].last_section_id) continue;
        int64_t cat, quiz;
        int64_t created = BASE_TIME - 86400LL * 365;
        e = bulk_insert_qcategory(g->db, courses[c].id, t->name, created, &cat);
        char title[160], body[256];
        snprintf(title, sizeof title, "%s: check your knowledge", t->name);
        snprintf(body, sizeof body, "Ten questions on %s. 70 %% passes; three attempts.", t->words);
        if (!e)
            e = bulk_insert_quiz_activity(g->db, courses[c].id, courses[c].last_section_id, title,
                                          ACTIVITIES_PER_SECTION + 1, false, body, created, &quiz);
        if (e) {
            problem_set(p, e, "", "inserting a quiz failed: %s", db_errmsg(g->db));
            break;
        }
        /* Twenty questions; the quiz takes ten of them in a seeded choice, in bank order. */
        struct genq all[QUESTIONS_PER_COURSE];
        for (int k = 0; k < QUESTIONS_PER_COURSE && !e; k++)
            e = store_question(g, cat, make_question(t->name, t->words, t->name, k, course_qtypes[k], &r, &all[k]),
                               &all[k], p);
        if (e) break;
        n_questions += QUESTIONS_PER_COURSE;
        bool chosen[QUESTIONS_PER_COURSE] = {false};
        for (int k = 0; k < QUIZ_QUESTIONS;) {
            int j = (int)rng_below(&r, QUESTIONS_PER_COURSE);
            if (!chosen[j]) chosen[j] = true, k++;
        }
        struct genq *qs = &bank[c * QUIZ_QUESTIONS];
        int64_t qids[QUIZ_QUESTIONS];
        for (int k = 0, m = 0; k < QUESTIONS_PER_COURSE; k++)
            if (chosen[k]) qs[m] = all[k], qids[m] = all[k].id, m++;
        struct bulk_quiz bq = {.activity_id = quiz, .shuffle_answers = 1, .attempts_allowed = 3,
                               .grading_method = "highest", .pass_percent = QUIZ_PASS_PERCENT, .complete_on = "pass"};
        if ((e = bulk_insert_quiz(g->db, &bq, qids, NULL, QUIZ_QUESTIONS))) {
            problem_set(p, e, "", "inserting a quiz failed: %s", db_errmsg(g->db));
            break;
        }
        quiz_of[courses[c].id] = quiz;
        index_of[courses[c].id] = c;
    }
    if (!e) e = gen_burst_course(g, &r, first_category, p);
    if (!e || g->db->in_tx) {
        lerr e2 = db_tx_end(g->db, e);
        if (!e && e2) e = problem_set(p, e2, "", "committing the quizzes failed: %s", db_errmsg(g->db));
    }
    if (e) goto out;
    double t_bank = elapsed_s(t0);

    /* Attempts, ATTEMPT_BATCH a transaction with their answers and the passes' completions. */
    int64_t next_id = 0;
    if ((e = bulk_next_attempt_id(g->db, &next_id))) {
        problem_set(p, e, "", "cannot read the attempts: %s", db_errmsg(g->db));
        goto out;
    }
    size_t n_att = 0, n_pass = 0, n_fail = 0, n_open = 0, n_aq = 0;
    for (size_t i = 0; i < n_enr && !e; i++) {
        const struct bulk_enrolment_row *x = &enr[i];
        uint32_t dice = rng_below(&r, 100);
        if (x->course_id > max_course || !quiz_of[x->course_id]) continue;
        int64_t quiz = quiz_of[x->course_id];
        const struct genq *qs = &bank[index_of[x->course_id] * QUIZ_QUESTIONS];
        char plan[2];
        size_t n_plan = 0;
        if (x->completed_at && dice < 20) {
            if (rng_below(&r, 4) == 0) plan[n_plan++] = 'f';
            plan[n_plan++] = 'p';
        } else if (!x->completed_at && x->last_access_at && dice < 10) {
            plan[n_plan++] = rng_below(&r, 5) < 3 ? 'f' : 'i';
        }
        int64_t t = (x->last_access_at ? x->last_access_at : x->enrolled_at) + 600 + rng_below(&r, 86400);
        for (size_t a = 0; a < n_plan; a++) {
            double percent;
            make_attempt(&b, &r, next_id++, quiz, x->user_id, (int)a + 1, plan[a], t, qs, QUIZ_QUESTIONS, &percent);
            n_att++;
            n_aq += QUIZ_QUESTIONS;
            if (percent < 0) n_open++;
            else if (percent >= QUIZ_PASS_PERCENT) n_pass++;
            else n_fail++;
            t += 86400 + rng_below(&r, 3 * 86400);
        }
        if (b.n_att >= ATTEMPT_BATCH && (e = flush_attempts(g, &b)))
            problem_set(p, e, "", "inserting attempts failed: %s", db_errmsg(g->db));
    }
    if (!e && (e = flush_attempts(g, &b))) problem_set(p, e, "", "inserting attempts failed: %s", db_errmsg(g->db));
    if (!e && (e = bulk_sync_attempt_ids(g->db)))
        problem_set(p, e, "", "cannot move the attempt ids on: %s", db_errmsg(g->db));
    if (!e) {
        printf("  question banks and quizzes: %zu questions, %zu quizzes, in %.1f s\n", n_questions + BURST_QUESTIONS,
               n_courses + 1, t_bank);
        printf("  quiz attempts: %zu (%zu passed, %zu failed, %zu in progress), %zu answers, in %.1f s\n", n_att,
               n_pass, n_fail, n_open, n_aq, elapsed_s(t0) - t_bank);
    }
out:
    free(courses);
    free(enr);
    free(bank);
    free(quiz_of);
    free(index_of);
    free(b.att);
    free(b.aq);
    free(b.orders);
    free(b.prog);
    return e;
}

/* ---- planning: rooms, sessions with events, and the sign-up burst's course ---- */

/* A classroom course of the planning scenarios (bc: its code, title, summary and duration) with
 * one session and n learners, the first by id, enrolled in that order. */
static lerr insert_session_course(struct gen *g, struct bulk_course *bc, size_t n_wanted, int64_t *course_id,
                                  int64_t *session_id, size_t *n)
{
    int64_t *learners = NULL, section_id = 0;
    struct bulk_enrolment *enr = NULL;
    *n = 0;
    bc->kind = "classroom";
    bc->start_at = BASE_TIME;
    bc->created_at = BASE_TIME - 86400LL * 60;
    lerr e = bulk_user_ids(g->db, ROLE_LEARNER, n_wanted, &learners, n);
    if (!e) e = bulk_insert_course(g->db, bc, course_id);
    if (!e) e = bulk_insert_section(g->db, *course_id, "The class", 1, bc->created_at, &section_id);
    if (!e)
        e = bulk_insert_activity(g->db, *course_id, section_id, "session", "Classroom day", 1, "", "", bc->created_at,
                                 session_id);
    if (!e && !(enr = calloc(*n ? *n : 1, sizeof *enr))) e = LE_NOMEM;
    for (size_t i = 0; !e && i < *n; i++)
        enr[i] = (struct bulk_enrolment){.course_id = *course_id, .user_id = learners[i],
                                         .enrolled_at = BASE_TIME - 86400LL * 7};
    if (!e) e = bulk_insert_enrolments(g->db, enr, *n);
    free(learners);
    free(enr);
    return e;
}

/* The planning scenarios' own courses: SIGNUP, whose one session has no events yet (the sign-up
 * burst plans its own each round), and CALENDAR, with MONTH_EVENTS evening classes in the month
 * after the dataset is made (so that the personal feed, which looks 90 days back and a year
 * ahead, shows them for a while after) that all its learners are booked on. */
static lerr gen_session_course(struct gen *g, bool calendar, struct problem *p)
{
    int64_t course_id = 0, session_id = 0;
    size_t n = 0;
    struct bulk_course bc = {.code = SIGNUP_CODE, .title = "Sign-up Rush Rehearsal", .duration_minutes = 480,
                             .summary = "A classroom day that a thousand learners try to book in the same five "
                                        "seconds: the sign-up burst scenario of make bench."};
    if (calendar)
        bc = (struct bulk_course){.code = CALENDAR_CODE, .title = "Evening Classes Month", .duration_minutes = 60,
                                  .summary = "Twenty evening classes in one month, every learner booked on each: "
                                             "the calendar and feed scenarios of make bench."};
    int wanted = calendar ? g->size->calendar_learners : g->size->signup_learners;
    lerr e = insert_session_course(g, &bc, (size_t)wanted, &course_id, &session_id, &n);
    if (!e && calendar) {
        time_t now = (time_t)g->now;
        struct tm tm;
        gmtime_r(&now, &tm);
        struct tm next = {.tm_year = tm.tm_year, .tm_mon = tm.tm_mon + 1, .tm_mday = 1};
        e = bulk_plan_month(g->db, course_id, session_id, (int64_t)timegm(&next), MONTH_EVENTS, g->now);
    }
    if (e) problem_set(p, e, "", "inserting the course %s failed: %s", bc.code, db_errmsg(g->db));
    else
        printf("  %s course: a session (id %lld) with %d events, %zu learners\n", bc.code, (long long)session_id,
               calendar ? MONTH_EVENTS : 0, n);
    return e;
}

/* Rooms, a session of four events in every classroom and blended course (a year after the
 * base time, so they stay ahead), about fifteen learners booked on each, then SIGNUP. */
static lerr gen_planning(struct gen *g, struct problem *p)
{
    double t0 = time_monotonic_ms();
    int64_t n_events = 0, per_course = g->size->enrolments / (g->size->courses ? g->size->courses : 1);
    if (db_tx_begin(g->db)) return problem_set(p, LE_DB, "", "%s", db_errmsg(g->db));
    lerr e = bulk_insert_rooms(g->db, g->size->rooms, g->now);
    if (!e) e = bulk_plan_sessions(g->db, BASE_TIME + 86400LL * 365 * 2, per_course / 15, g->now, &n_events);
    if (e) problem_set(p, e, "", "inserting rooms and events failed: %s", db_errmsg(g->db));
    if (!e) e = gen_session_course(g, false, p);
    if (!e) e = gen_session_course(g, true, p);
    if (db_tx_end(g->db, e) && !e) e = problem_set(p, LE_DB, "", "%s", db_errmsg(g->db));
    if (!e) printf("  planning: %d rooms, %lld events in %.1f s\n", g->size->rooms, (long long)n_events, elapsed_s(t0));
    return e;
}

/* The schedules scenarios' programmes: BENCH_PROGRAMMES plain ones and BENCH_CERTIFICATIONS
 * certifications, each of three of the generated courses, assigned to a department's subtree
 * a level down the tree (a sixteenth of the people at size L, an eighth at S), so a learner
 * holds about two and the reminder scan has every kind of assignment to read. */
static lerr gen_schedules(struct gen *g, struct problem *p)
{
    double t0 = time_monotonic_ms();
    struct bulk_course_row *courses = NULL;
    size_t n_courses = 0;
    int64_t n_assigned = 0;
    lerr e = bulk_course_rows(g->db, &courses, &n_courses);
    if (!e && (!n_courses || !g->n_depts)) e = LE_NOTFOUND;
    int depth = g->size->department_depth, level = depth > 4 ? 4 : depth - 1;
    size_t first = ((size_t)1 << level) - 1, width = (size_t)1 << level;
    if (!e) e = db_tx_begin(g->db);
    for (int k = 0; !e && k < BENCH_PROGRAMMES + BENCH_CERTIFICATIONS; k++) {
        bool cert = k >= BENCH_PROGRAMMES;
        int n = cert ? k - BENCH_PROGRAMMES : k;
        struct bulk_programme bp = {.certification = cert, .department_id = g->dept_ids[first + (size_t)k % width]};
        for (int c = 0; c < 3; c++) bp.course_ids[c] = courses[((size_t)k * 3 + (size_t)c) % n_courses].id;
        e = bulk_insert_programme(g->db, &bp, n, g->now, &n_assigned);
    }
    if (e != LE_NOTFOUND && db_tx_end(g->db, e) && !e) e = LE_DB;
    free(courses);
    if (e) return problem_set(p, e, "", "inserting the programmes failed: %s", db_errmsg(g->db));
    printf("  schedules: %d programmes and %d certifications, %lld assignments in %.1f s\n", BENCH_PROGRAMMES,
           BENCH_CERTIFICATIONS, (long long)n_assigned, elapsed_s(t0));
    return LE_OK;
}

/* Certificates of one course's completions, their codes to DIR/certificates.codes ("- CODE"
 * lines, the pairs format the verification and PDF scenarios read their paths from), and the
 * course to DIR/certificate.course for its template page. */
static lerr gen_certificates(struct gen *g, struct problem *p)
{
    char codes[200][17], lines[200][65], course[101], course_line[1][65];
    size_t n = 0;
    if (db_tx_begin(g->db)) return problem_set(p, LE_DB, "", "%s", db_errmsg(g->db));
    lerr e = bulk_certificates(g->db, g->now, 200, codes, &n, course);
    if (e) problem_set(p, e, "", "inserting certificates failed: %s", db_errmsg(g->db));
    if (db_tx_end(g->db, e) && !e) e = problem_set(p, LE_DB, "", "%s", db_errmsg(g->db));
    for (size_t i = 0; i < n; i++) snprintf(lines[i], sizeof lines[i], "- %s", codes[i]);
    if (!e) e = write_tokens(g->out_dir, "certificates.codes", (const char(*)[65])lines, n, p);
    snprintf(course_line[0], sizeof course_line[0], "- %.60s", course);
    if (!e) e = write_tokens(g->out_dir, "certificate.course", (const char(*)[65])course_line, *course ? 1 : 0, p);
    if (!e) printf("  certificates: %zu\n", n);
    return e;
}

static lerr step_users(struct gen *g, struct problem *p)
{
    return gen_users(g, p);
}

static lerr step_sessions(struct gen *g, struct problem *p)
{
    return gen_sessions(g, true, p);
}

/* What a dataset is made of, in order. needs_table: the step runs only when that table exists
 * (it comes with another issue); later issues add their rows here. */
static const struct gen_step {
    const char *name;
    const char *needs_table;
    lerr (*run)(struct gen *g, struct problem *p);
} steps[] = {
    {"departments", "departments", gen_departments},
    {"users", NULL, step_users},
    {"line managers", "departments", gen_managers},
    {"courses and enrolments", "courses", gen_courses},
    {"programmes and certifications", "programme_rules", gen_schedules},
    {"quizzes and attempts", "quiz_attempts", gen_quizzes},
    {"rooms, sessions and events", "events", gen_planning},
    {"certificates", "certificates", gen_certificates},
    {"sessions", NULL, step_sessions},
};

static int write_password(const struct gen *g)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/password", g->out_dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    FILE *f = fd >= 0 && fchmod(fd, 0600) == 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0) close(fd);
        return cli_fail("bench-data", "cannot write %s: %s", path, strerror(errno));
    }
    fprintf(f, "%s\n", g->password);
    return fclose(f) == 0 ? EXIT_OK : cli_fail("bench-data", "cannot write %s", path);
}

int cmd_bench_data(int argc, char **argv, struct cli_ctx *ctx)
{
    if (cli_wants_help(argc, argv)) return cli_help(usage);
    static const struct cli_opt opts[] = {
        {"size", 0, true, 1},
        {"seed", 0, true, 2},
        {"out", 0, true, 3},
        {NULL, 0, false, 0},
    };
    struct cli_parser ps;
    cli_parser_init(&ps, "bench-data", argc, argv, opts);
    const char *size_name = NULL, *out_dir = ctx->data_dir;
    int seed = 1;
    int id;
    while ((id = cli_next(&ps)) != CLI_OPT_END) {
        switch (id) {
        case 1: size_name = ps.value; break;
        case 2:
            if (!cli_parse_int("bench-data", "--seed", ps.value, 0, 2147483647, &seed))
                return EXIT_USAGE;
            break;
        case 3: out_dir = ps.value; break;
        case CLI_OPT_ARG:
            return cli_usage_error("bench-data", "unexpected argument '%s'", ps.value);
        default: return EXIT_USAGE;
        }
    }
    const struct bench_size *size = NULL;
    for (size_t i = 0; size_name && i < sizeof sizes / sizeof sizes[0]; i++)
        if (strcmp(size_name, sizes[i].name) == 0) size = &sizes[i];
    if (!size) return cli_usage_error("bench-data", "--size takes S, M or L");
    struct stat st;
    if (stat(out_dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return cli_fail("bench-data", "--out '%s' is not a directory", out_dir);

    struct gen g = {.db = ctx->db, .size = size, .seed = (uint64_t)seed, .out_dir = out_dir,
                    .now = time_now()};
    snprintf(g.password, sizeof g.password, "Bench-Data-Password-%d", seed);
    char manifest[160];
    snprintf(manifest, sizeof manifest, "{\"format\":%d,\"size\":\"%s\",\"seed\":%d,\"users\":%d}",
             DATASET_FORMAT, size->name, seed, size->users);

    struct arena *a = arena_new(1024);
    const char *have = NULL;
    lerr e = bulk_setting_get(ctx->db, a, DATASET_KEY, &have);
    struct problem p = {0};
    int rc = EXIT_OK;
    if (e == LE_OK && strcmp(have, manifest) == 0) {
        printf("Reusing the %s dataset (seed %d) in this database.\n", size->name, seed);
        if (gen_sessions(&g, false, &p)) rc = cli_fail("bench-data", "%s", p.message);
        if (!rc) rc = write_password(&g);
        goto out;
    }
    if (e != LE_OK && e != LE_NOTFOUND) {
        rc = cli_fail("bench-data", "cannot read the database: %s", db_errmsg(ctx->db));
        goto out;
    }
    int users = user_count(ctx->db);
    if (users != 0) {
        rc = cli_fail("bench-data",
                      "the database already holds %d users%s%s; bench-data fills an empty "
                      "database: point --data (or --db) at a new one",
                      users, have ? " and the dataset " : "", have ? have : "");
        goto out;
    }

    printf("Generating the %s dataset (seed %d) with the %s engine:\n", size->name, seed,
           db_engine_name(ctx->db));
    double t0 = time_monotonic_ms();
    /* SQLite: no fsync while loading and a large page cache for the index inserts. A load cut
     * short leaves no dataset record, so it is refused and made again, never half used. */
    if (strcmp(db_engine_name(ctx->db), "sqlite") == 0 &&
        (db_exec(ctx->db, "PRAGMA synchronous = OFF") || db_exec(ctx->db, "PRAGMA cache_size = -262144")))
        log_error("bench-data: cannot tune SQLite for the load: %s", db_errmsg(ctx->db));
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        if (steps[i].needs_table && !db_table_exists(ctx->db, steps[i].needs_table)) {
            printf("  %s: skipped (no %s table yet)\n", steps[i].name, steps[i].needs_table);
            continue;
        }
        if (steps[i].run(&g, &p)) {
            rc = cli_fail("bench-data", "%s: %s", steps[i].name, p.message);
            goto out;
        }
    }
    /* Fresh statistics, so the planner sees the data as it will be served. */
    if (db_exec(ctx->db, "ANALYZE")) log_error("bench-data: ANALYZE failed: %s", db_errmsg(ctx->db));
    json_t *details = json_loads(manifest, 0, NULL);
    if (audit_append(ctx->db, 0, "bench.generate", "", details) ||
        bulk_setting_set(ctx->db, DATASET_KEY, manifest))
        rc = cli_fail("bench-data", "cannot record the dataset: %s", db_errmsg(ctx->db));
    json_decref(details);
    if (!rc) rc = write_password(&g);
    if (!rc) printf("Done in %.1f s.\n", elapsed_s(t0));
out:
    free(g.dept_ids);
    arena_free(a);
    return rc;
}
