/* CSV reading (libcsv) and the bulk upload's mapping: delimiters, BOM, quoted fields with
 * delimiters and newlines, malformed files located by line (unbalanced and stray quotes,
 * invalid UTF-8, UTF-16, NUL bytes, ragged lines), Moodle and Canvas headers, unknown and
 * missing columns, modes, duplicates, managers and loops, renames, suspensions, deletions,
 * idempotency, all-or-nothing commits and reporting lines. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../../../src/model/people/people.h"

#include "../../fixture.h"

/* ---- CSV reading ---- */

static lerr read_csv(struct fx *f, const char *text, struct csv_doc *d, struct problem *p)
{
    memset(p, 0, sizeof *p);
    return csv_doc_read(f->a, text, strlen(text), d, p);
}

static void test_csv_delimiters_bom_quotes(void **state)
{
    struct fx *f = *state;
    struct csv_doc d;
    struct problem p;
    assert_int_equal(read_csv(f, "a,b,c\n1,2,3\n", &d, &p), LE_OK);
    assert_int_equal(d.delimiter, ',');
    assert_int_equal(d.n_records, 2);
    assert_string_equal(d.records[1].fields[2], "3");

    assert_int_equal(read_csv(f, "\xEF\xBB\xBF" "a;b\r\n\"x;y\";\"say \"\"hi\"\"\"\r\n", &d, &p), LE_OK);
    assert_true(d.bom);
    assert_int_equal(d.delimiter, ';');
    assert_string_equal(d.records[0].fields[0], "a"); /* no BOM left in the first name */
    assert_string_equal(d.records[1].fields[0], "x;y");
    assert_string_equal(d.records[1].fields[1], "say \"hi\"");

    /* Tabs, empty fields kept, a quoted field over two lines, line numbers after it. */
    assert_int_equal(read_csv(f, "a\tb\tc\n1\t\t3\n\"multi\nline\"\tx\t\n\nlast\t1\t2\n", &d, &p), LE_OK);
    assert_int_equal(d.delimiter, '\t');
    assert_int_equal(d.n_records, 4);
    assert_int_equal(d.records[1].n, 3);
    assert_string_equal(d.records[1].fields[1], "");
    assert_string_equal(d.records[2].fields[0], "multi\nline");
    assert_int_equal(d.records[2].line, 3);
    assert_int_equal(d.records[3].line, 6); /* the blank line 5 is skipped */
}

/* After a broken quote the records before it are kept for the importers to check; a blank
 * line of delimiters is blank; a record's width against the header names its line. */
static void test_csv_partial_blank_width(void **state)
{
    struct fx *f = *state;
    struct csv_doc d;
    struct problem p;
    assert_int_equal(read_csv(f, "a;b;c\n1;2;3\n;;\n1;2\n1;2;3;4\n\"open;5;6\n", &d, &p), LE_INVALID);
    assert_int_equal(d.error_line, 6);
    assert_true(d.partial);
    assert_int_equal(d.n_records, 5);
    assert_false(csv_record_blank(&d.records[1]));
    assert_true(csv_record_blank(&d.records[2]));
    assert_null(csv_record_width_error(f->a, &d.records[1], 3, d.delimiter));
    assert_non_null(strstr(csv_record_width_error(f->a, &d.records[3], 3, d.delimiter), "Line 4 has 2 fields"));
    assert_non_null(strstr(csv_record_width_error(f->a, &d.records[4], 3, d.delimiter), "delimiter ';' without quotes"));
    /* Invalid UTF-8 keeps nothing: the whole file is in another encoding. */
    assert_int_equal(read_csv(f, "a,b\n1,2\nRen\xe9,3\n", &d, &p), LE_INVALID);
    assert_false(d.partial);
    assert_int_equal(d.n_records, 0);
}

/* csv_each hands the records over one at a time, in order, with their lines; the header's
 * fields outlive the reading, the others' are the reader's own (only the callback sees them). */
struct each_seen {
    const char *header0;
    int n, lines[8];
    char first_cells[8][16];
};

static void on_each(void *ctx, const struct csv_record *rec)
{
    struct each_seen *s = ctx;
    if (s->n == 0) s->header0 = rec->fields[0];
    s->lines[s->n] = rec->line;
    snprintf(s->first_cells[s->n], sizeof s->first_cells[0], "%s", rec->n ? rec->fields[0] : "");
    s->n++;
}

static void test_csv_each(void **state)
{
    struct fx *f = *state;
    const char *text = "name;city\nAna;\"Lis\nbon\"\n\nBen;Porto\n\"open;x\n";
    struct each_seen s = {0};
    struct csv_doc d;
    struct problem p = {0};
    assert_int_equal(csv_each(f->a, text, strlen(text), on_each, &s, &d, &p), LE_INVALID);
    assert_true(d.partial);
    assert_int_equal(d.error_line, 6);
    assert_int_equal(d.delimiter, ';');
    assert_null(d.records);
    assert_int_equal(d.n_records, 3);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.lines[0], 1);
    assert_int_equal(s.lines[1], 2);
    assert_int_equal(s.lines[2], 5);
    assert_string_equal(s.first_cells[2], "Ben");
    assert_string_equal(s.header0, "name"); /* still readable after the reading */
}

static void test_csv_malformed(void **state)
{
    struct fx *f = *state;
    struct csv_doc d;
    struct problem p;
    assert_int_equal(read_csv(f, "a,b\n1,2\n\"open,3\n4,5\n", &d, &p), LE_INVALID);
    assert_int_equal(d.error_line, 3);
    assert_non_null(strstr(p.message, "Line 3"));
    assert_non_null(strstr(p.message, "unbalanced"));

    assert_int_equal(read_csv(f, "a,b\n1,2\nO\"Brien,3\n", &d, &p), LE_INVALID);
    assert_int_equal(d.error_line, 3);
    assert_non_null(strstr(p.message, "quote"));

    assert_int_equal(read_csv(f, "a,b\n\"x\"y,2\n", &d, &p), LE_INVALID);
    assert_int_equal(d.error_line, 2);

    /* Latin-1 "é" on line 3. */
    assert_int_equal(read_csv(f, "a,b\n1,2\nRen\xe9,3\n", &d, &p), LE_INVALID);
    assert_int_equal(d.error_line, 3);
    assert_non_null(strstr(p.message, "UTF-8"));

    assert_int_equal(read_csv(f, "\xFF\xFE" "a\0,\0", &d, &p), LE_INVALID);
    assert_non_null(strstr(p.message, "UTF-16"));

    const char nul[] = "a,b\n1,\0\n";
    memset(&p, 0, sizeof p);
    assert_int_equal(csv_doc_read(f->a, nul, sizeof nul - 1, &d, &p), LE_INVALID);
    assert_int_equal(d.error_line, 2);

    assert_int_equal(read_csv(f, "", &d, &p), LE_INVALID);
    assert_int_equal(read_csv(f, "\n\r\n", &d, &p), LE_INVALID);
}

static void test_csv_write_field(void **state)
{
    struct fx *f = *state;
    struct buf b;
    buf_init(&b, 1000);
    assert_int_equal(csv_write_field(&b, "plain", ','), LE_OK);
    buf_addc(&b, ',');
    assert_int_equal(csv_write_field(&b, "a,b \"c\"\nd", ','), LE_OK);
    assert_string_equal(b.data, "plain,\"a,b \"\"c\"\"\nd\"");
    struct csv_doc d;
    struct problem p = {0};
    assert_int_equal(csv_doc_read(f->a, b.data, b.len, &d, &p), LE_OK);
    assert_string_equal(d.records[0].fields[1], "a,b \"c\"\nd");
    buf_release(&b);

    /* Formula-like cells leave as text for spreadsheets (a leading apostrophe) and read back
     * as they were; numbers stay numbers. */
    static const char *const cells[] = {"=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "-2.5", "+7", "-", "a=b"};
    static const char *const written[] = {"'=HYPERLINK(\"http://x\")", "'+1+1", "'-2+3", "'@SUM(A1)", "'\tx", "-2.5", "+7", "'-", "a=b"};
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
        buf_init(&b, 1000);
        assert_int_equal(csv_write_field(&b, "h", ','), LE_OK);
        buf_addc(&b, '\n');
        assert_int_equal(csv_write_field(&b, cells[i], ','), LE_OK);
        buf_addc(&b, '\n');
        const char *line = strchr(b.data, '\n') + 1;
        char expect[100];
        snprintf(expect, sizeof expect, "%s\n", written[i]);
        if (strchr(written[i], '"')) /* quoted, the quotes inside doubled */
            assert_string_equal(line, "\"'=HYPERLINK(\"\"http://x\"\")\"\n");
        else
            assert_string_equal(line, expect);
        assert_int_equal(csv_doc_read(f->a, b.data, b.len, &d, &p), LE_OK);
        assert_string_equal(d.records[1].fields[0], cells[i]);
        buf_release(&b);
    }
}

/* ---- The mapping ---- */

static struct import_options opts(enum import_mode mode)
{
    return (struct import_options){.mode = mode, .threads = 2};
}

static void preview(struct fx *f, const char *csv, const struct import_options *o, struct import_result *r)
{
    struct problem p = {0};
    lerr e = user_import_preview(f->db, f->a, csv, strlen(csv), o, r, &p);
    if (e) fprintf(stderr, "preview: %s\n", p.message);
    assert_int_equal(e, LE_OK);
}

static lerr commit(struct fx *f, const char *csv, const struct import_options *o, struct import_result *r)
{
    struct problem p = {0};
    lerr e = user_import_commit(f->db, f->a, csv, strlen(csv), o, r, &p);
    if (e && e != LE_INVALID) fprintf(stderr, "commit: %s\n", p.message);
    return e;
}

static const struct import_issue *error_of(const struct import_result *r, int row)
{
    assert_true(row < r->n_rows);
    assert_int_equal(r->rows[row].outcome, IO_ERROR);
    assert_true(r->rows[row].n_errors > 0);
    return &r->rows[row].errors[0];
}

static int64_t users(struct fx *f)
{
    int64_t n = -1;
    assert_int_equal(db_query_int(f->db, &n, "SELECT COUNT(*) FROM users", ""), LE_OK);
    return n;
}

static void get(struct fx *f, const char *username, struct user *u)
{
    struct problem p = {0};
    assert_int_equal(user_get_by_username(f->db, f->a, username, u, &p), LE_OK);
}

static void test_header_columns(void **state)
{
    struct fx *f = *state;
    struct import_result r;
    struct import_options o = opts(IMPORT_UPSERT);
    /* Canvas users.csv: login_id, user_id, first_name, last_name, email, status; the rest is reported. */
    preview(f, "user_id,login_id,first_name,last_name,email,status,integration_id\n"
               "S1,cara,Cara,Cole,cara@example.org,active,x\n", &o, &r);
    assert_int_equal(r.n_file_errors, 0);
    assert_int_equal(r.n_unknown, 1);
    assert_string_equal(r.unknown_columns[0], "integration_id");
    assert_int_equal(r.rows[0].outcome, IO_CREATE);
    assert_string_equal(r.rows[0].username, "cara");

    /* Two columns for one field, a duplicate name, and missing required columns. */
    preview(f, "username,login_id,firstname,lastname,email\nx,y,a,b,c@d.e\n", &o, &r);
    assert_true(r.n_file_errors >= 1);
    assert_int_equal(r.n_rows, 0);
    preview(f, "username,username,firstname,lastname,email\n", &o, &r);
    assert_true(r.n_file_errors >= 1);
    preview(f, "username,email\nx,x@y.z\n", &o, &r);
    assert_int_equal(r.n_file_errors, 2); /* firstname and lastname */
    assert_non_null(strstr(r.file_errors[0].message, "firstname"));
    assert_int_equal(r.file_errors[0].line, 1);
    /* In mode update only an identifying column is needed. */
    o = opts(IMPORT_UPDATE);
    preview(f, "username,city\ncara.new,Oslo\n", &o, &r);
    assert_int_equal(r.n_file_errors, 0);
    assert_int_equal(r.rows[0].outcome, IO_SKIP); /* no such account in mode update */
    /* An administrator is never changed by an upload: skipped, with a note. */
    preview(f, "username,city\nroot.admin,Oslo\n", &o, &r);
    assert_int_equal(r.n_file_errors, 0);
    assert_int_equal(r.rows[0].outcome, IO_SKIP);
    assert_non_null(strstr(r.rows[0].note, "administrator"));
    preview(f, "city\nOslo\n", &o, &r);
    assert_int_equal(r.n_file_errors, 1);
    /* A profile field that does not exist. */
    preview(f, "username,profile_field_shoe\nroot.admin,42\n", &o, &r);
    assert_int_equal(r.n_file_errors, 1);
    assert_non_null(strstr(r.file_errors[0].message, "shoe"));
    /* A malformed file is a file error with its line. */
    preview(f, "username,firstname\n\"x,y\n", &o, &r);
    assert_int_equal(r.n_file_errors, 1);
    assert_int_equal(r.file_errors[0].line, 2);
}

static void test_row_errors_located(void **state)
{
    struct fx *f = *state;
    struct import_result r;
    struct import_options o = opts(IMPORT_UPSERT);
    preview(f,
            "username,firstname,lastname,email,country,timezone,password,manager,department\n"
            "ok1,A,B,ok1@example.org,GB,Europe/London,,,\n"
            "bad email,A,B,not-an-email,,,,,\n"
            "ok2,A,,ok2@example.org,,,,,\n"
            "ok3,A,B,ok3@example.org,Britain,Mars/Base,,,\n"
            "ok4,A,B,ok1@example.org,,,,,\n"
            "ok5,A,B,,,,,,\n"
            "ok6,A,B,ok6@example.org,,,short,,\n"
            "ok7,A,B,ok7@example.org,,,,nobody,\n"
            "ok8,A,B,ok8@example.org,,,,,Nowhere\n"
            "root.admin,A,B,ROOT@example.org,,,,,\n"
            "ok1,A,B,x@example.org,,,,,\n"
            "ok9,A,B,ok9@example.org,,,,,,extra\n",
            &o, &r);
    assert_int_equal(r.n_rows, 12);
    assert_int_equal(r.rows[0].outcome, IO_CREATE);
    /* Every mistake of a row, each on its column, with the line. */
    assert_int_equal(r.rows[1].n_errors, 2);
    assert_int_equal(r.rows[1].errors[0].line, 3);
    assert_string_equal(r.rows[1].errors[0].column, "username");
    assert_string_equal(r.rows[1].errors[1].column, "email");
    assert_string_equal(error_of(&r, 2)->column, "lastname");
    assert_int_equal(r.rows[3].n_errors, 2);
    assert_string_equal(r.rows[3].errors[0].column, "country");
    assert_string_equal(r.rows[3].errors[1].column, "timezone");
    assert_string_equal(error_of(&r, 4)->column, "email"); /* the same email as line 2 */
    assert_non_null(strstr(error_of(&r, 4)->message, "line 2"));
    assert_string_equal(error_of(&r, 5)->column, "email"); /* no password: an email is needed */
    assert_string_equal(error_of(&r, 6)->column, "password");
    assert_string_equal(error_of(&r, 7)->column, "manager");
    assert_string_equal(error_of(&r, 8)->column, "department");
    assert_int_equal(r.rows[9].outcome, IO_SKIP); /* root.admin is an administrator: left alone */
    assert_string_equal(error_of(&r, 10)->column, "username"); /* ok1 twice */
    assert_non_null(strstr(error_of(&r, 10)->message, "line 2"));
    assert_non_null(strstr(error_of(&r, 11)->message, "fields"));
    assert_int_equal(r.counts[IO_ERROR], 10);
}

static void test_modes_and_idempotency(void **state)
{
    struct fx *f = *state;
    struct import_result r;
    const char *csv = "username,firstname,lastname,email,idnumber,city\n"
                      "amy,Amy,Ames,amy@example.org,E1,Rome\n"
                      "ben,Ben,Bell,ben@example.org,E2,Oslo\n";
    struct import_options o = opts(IMPORT_UPDATE);
    assert_int_equal(commit(f, csv, &o, &r), LE_OK);
    assert_int_equal(r.counts[IO_SKIP], 2); /* update never creates */
    assert_int_equal(users(f), 1);
    o = opts(IMPORT_ADD);
    assert_int_equal(commit(f, csv, &o, &r), LE_OK);
    assert_int_equal(r.n_created, 2);
    assert_int_equal(r.n_signin_links, 2);
    struct user u;
    get(f, "amy", &u);
    assert_true(u.needs_signin_link);
    assert_true(user_needs_signin_link(f->db, u.id));
    assert_false(u.must_change_password);
    assert_string_equal(u.idnumber, "E1");
    assert_string_equal(u.city, "Rome");
    /* The same file again changes nothing, in every mode. */
    int64_t audit_before = 0, audit_after = 0;
    db_query_int(f->db, &audit_before, "SELECT COUNT(*) FROM audit_log WHERE action <> 'user.import'", "");
    for (int m = IMPORT_ADD; m <= IMPORT_UPDATE; m++) {
        o = opts((enum import_mode)m);
        assert_int_equal(commit(f, csv, &o, &r), LE_OK);
        assert_int_equal(r.counts[IO_CREATE] + r.counts[IO_UPDATE], 0);
    }
    db_query_int(f->db, &audit_after, "SELECT COUNT(*) FROM audit_log WHERE action <> 'user.import'", "");
    assert_int_equal(audit_after, audit_before);
    /* The entries a commit appends in batches keep the chain intact. */
    int64_t bad = 0, checked = 0;
    struct problem vp = {0};
    assert_int_equal(audit_verify(f->db, &bad, &checked, &vp), LE_OK);
    assert_true(checked >= audit_after);
    /* add skips existing accounts; upsert updates them; an empty cell keeps the value. */
    const char *changed = "username,firstname,lastname,email,idnumber,city\n"
                          "amy,Amy,Ames,amy@example.org,E1,\n"
                          "ben,Ben,Bell,ben@example.org,E2,Paris\n";
    o = opts(IMPORT_ADD);
    assert_int_equal(commit(f, changed, &o, &r), LE_OK);
    assert_int_equal(r.counts[IO_SKIP], 2);
    o = opts(IMPORT_UPSERT);
    assert_int_equal(commit(f, changed, &o, &r), LE_OK);
    assert_int_equal(r.rows[0].outcome, IO_UNCHANGED);
    assert_int_equal(r.rows[1].outcome, IO_UPDATE);
    get(f, "ben", &u);
    assert_string_equal(u.city, "Paris");
    get(f, "amy", &u);
    assert_string_equal(u.city, "Rome");
    /* Rows are found by idnumber when the file has no username column. */
    o = opts(IMPORT_UPDATE);
    assert_int_equal(commit(f, "idnumber,city\nE1,Turin\n", &o, &r), LE_OK);
    get(f, "amy", &u);
    assert_string_equal(u.city, "Turin");
}

static void test_all_or_nothing(void **state)
{
    struct fx *f = *state;
    struct import_result r;
    struct import_options o = opts(IMPORT_UPSERT);
    const char *csv = "username,firstname,lastname,email\n"
                      "cat,Cat,Cole,cat@example.org\n"
                      "dog,Dog,,dog@example.org\n";
    int64_t before = users(f);
    assert_int_equal(commit(f, csv, &o, &r), LE_INVALID);
    assert_false(r.committed);
    assert_int_equal(users(f), before);
    assert_int_equal(r.n_created, 0);
    /* Valid rows only, when asked. */
    o.valid_only = true;
    assert_int_equal(commit(f, csv, &o, &r), LE_OK);
    assert_int_equal(r.n_created, 1);
    assert_int_equal(users(f), before + 1);
    /* A file error refuses even valid-only commits. */
    assert_int_equal(commit(f, "username,firstname\n\"open\n", &o, &r), LE_INVALID);
    /* Inside a caller's transaction that rolls back, nothing stays either. */
    o.valid_only = false;
    assert_int_equal(db_tx_begin(f->db), LE_OK);
    assert_int_equal(commit(f, "username,firstname,lastname,email\neel,Eel,Ely,eel@example.org\n", &o, &r), LE_OK);
    assert_int_equal(db_tx_end(f->db, LE_INVALID), LE_INVALID);
    assert_int_equal(users(f), before + 1);
}

static void test_passwords_and_templates(void **state)
{
    struct fx *f = *state;
    struct import_result r;
    struct import_options o = opts(IMPORT_UPSERT);
    o.force_password_change = true;
    const char *csv = "firstname,lastname,email,password\n"
                      "José,Müller,jose@example.org,Amber-Falcon-Ridge-24\n"
                      "Jane,Muller,jane@example.org,changeme\n"
                      "John,Muller,john@example.org,\n";
    assert_int_equal(commit(f, csv, &o, &r), LE_OK);
    assert_string_equal(r.rows[0].username, "jmuller");
    assert_string_equal(r.rows[1].username, "jmuller2");
    assert_string_equal(r.rows[2].username, "jmuller3");
    assert_int_equal(r.n_passwords, 1);
    assert_int_equal(r.n_signin_links, 2); /* "changeme" means no password, as in Moodle */
    struct user u;
    get(f, "jmuller", &u);
    assert_true(u.must_change_password);
    assert_false(u.needs_signin_link);
    assert_true(user_check_password(f->db, u.id, "Amber-Falcon-Ridge-24"));
    /* Matched by email the second time: no new accounts. */
    assert_int_equal(commit(f, csv, &o, &r), LE_OK);
    assert_int_equal(r.counts[IO_UNCHANGED], 3);
    o.username_template = "{first}.{last}";
    preview(f, "firstname,lastname,email\nAnn,O'Neil,ann@example.org\n", &o, &r);
    assert_string_equal(r.rows[0].username, "ann.oneil");
    /* The sign-in link hook. */
    int64_t *ids;
    int n;
    assert_int_equal(user_list_needing_signin_link(f->db, f->a, 10, &ids, &n), LE_OK);
    assert_int_equal(n, 2);
    assert_int_equal(user_signin_link_sent(f->db, ids[0]), LE_OK);
    assert_false(user_needs_signin_link(f->db, ids[0]));
}

static void test_managers_and_loops(void **state)
{
    struct fx *f = *state;
    struct import_result r;
    struct import_options o = opts(IMPORT_UPSERT);
    /* A manager further down the file, by username and by idnumber. */
    const char *csv = "username,firstname,lastname,email,idnumber,manager\n"
                      "kim,Kim,Kay,kim@example.org,K1,lee\n"
                      "lee,Lee,Lo,lee@example.org,L1,\n"
                      "max,Max,Moe,max@example.org,M1,K1\n";
    assert_int_equal(commit(f, csv, &o, &r), LE_OK);
    struct user kim, lee, max;
    get(f, "kim", &kim);
    get(f, "lee", &lee);
    get(f, "max", &max);
    assert_int_equal(kim.manager_id, lee.id);
    assert_int_equal(max.manager_id, kim.id);
    assert_string_equal(max.manager_username, "kim");
    /* A manages B manages A: inside the file, and through the site's current line. */
    preview(f, "username,manager\nnan,oli\noli,nan\n", &(struct import_options){.mode = IMPORT_UPDATE}, &r);
    assert_int_equal(r.rows[0].outcome, IO_SKIP); /* neither exists in mode update */
    preview(f, "username,firstname,lastname,email,manager\nnan,N,N,nan@example.org,oli\noli,O,O,oli@example.org,nan\n", &o, &r);
    assert_non_null(strstr(error_of(&r, 0)->message, "loop"));
    assert_non_null(strstr(error_of(&r, 1)->message, "loop"));
    struct import_options upd = opts(IMPORT_UPDATE);
    preview(f, "username,manager\nlee,max\n", &upd, &r);
    assert_non_null(strstr(error_of(&r, 0)->message, "lee → max → kim → lee"));
    preview(f, "username,manager\nlee,lee\n", &upd, &r);
    assert_non_null(strstr(error_of(&r, 0)->message, "own manager"));
    /* Valid rows only: a row whose manager's row has an error fails too. */
    o.valid_only = true;
    assert_int_equal(commit(f,
                            "username,firstname,lastname,email,manager\n"
                            "pia,Pia,,pia@example.org,\n"
                            "quin,Quin,Q,quin@example.org,pia\n"
                            "ray,Ray,R,ray@example.org,lee\n",
                            &o, &r),
                     LE_OK);
    assert_int_equal(r.rows[1].outcome, IO_ERROR);
    assert_non_null(strstr(r.rows[1].errors[0].message, "line 2"));
    assert_int_equal(r.n_created, 1);
    /* Reporting lines: lee sees kim and max (indirect), not ray's peers outside. */
    int64_t n = 0;
    assert_int_equal(user_reporting_line_count(f->db, lee.id, &n), LE_OK);
    assert_int_equal(n, 3); /* kim, max, ray */
    struct user *list;
    int count, total;
    assert_int_equal(user_list_visible(f->db, f->a, lee.id, ROLE_MANAGER, NULL, 1, 50, &list, &count, &total), LE_OK);
    assert_int_equal(total, 3);
    assert_true(user_visible_to(f->db, lee.id, ROLE_MANAGER, max.id));
    assert_false(user_visible_to(f->db, kim.id, ROLE_MANAGER, lee.id));
    assert_true(user_visible_to(f->db, kim.id, ROLE_MANAGER, kim.id));
    assert_true(user_visible_to(f->db, kim.id, ROLE_ADMIN, lee.id));
    assert_int_equal(user_list_visible(f->db, f->a, kim.id, ROLE_MANAGER, "lee", 1, 50, &list, &count, &total), LE_OK);
    assert_int_equal(total, 0);
}

static void test_renames_suspensions_deletions(void **state)
{
    struct fx *f = *state;
    struct import_result r;
    struct import_options o = opts(IMPORT_UPSERT);
    assert_int_equal(commit(f,
                            "username,firstname,lastname,email,idnumber\n"
                            "sam,Sam,Sung,sam@example.org,S1\n"
                            "tia,Tia,Tan,tia@example.org,T1\n"
                            "uma,Uma,Urs,uma@example.org,U1\n",
                            &o, &r),
                     LE_OK);
    struct user sam;
    get(f, "sam", &sam);
    /* Renames need the option. */
    const char *rename = "username,oldusername\nsamuel,sam\n";
    o = opts(IMPORT_UPDATE);
    preview(f, rename, &o, &r);
    assert_string_equal(error_of(&r, 0)->column, "oldusername");
    o.allow_renames = true;
    assert_int_equal(commit(f, rename, &o, &r), LE_OK);
    assert_int_equal(r.n_renamed, 1);
    struct user u;
    get(f, "samuel", &u);
    assert_int_equal(u.id, sam.id);
    assert_int_equal(commit(f, rename, &o, &r), LE_OK); /* second run: nothing to do */
    assert_int_equal(r.counts[IO_UNCHANGED], 1);
    /* Suspensions (Moodle's column and Canvas's status) need the option. */
    const char *susp = "username,suspended\ntia,1\n";
    o = opts(IMPORT_UPDATE);
    preview(f, susp, &o, &r);
    assert_string_equal(error_of(&r, 0)->column, "suspended");
    o.allow_suspend = true;
    assert_int_equal(commit(f, susp, &o, &r), LE_OK);
    get(f, "tia", &u);
    assert_string_equal(u.status, "suspended");
    assert_int_equal(commit(f, "login_id,status\ntia,active\n", &o, &r), LE_OK);
    get(f, "tia", &u);
    assert_string_equal(u.status, "active");
    preview(f, "username,suspended\nroot.admin,1\n", &(struct import_options){.mode = IMPORT_UPDATE, .allow_suspend = true, .actor_id = f->admin}, &r);
    assert_int_equal(r.rows[0].outcome, IO_SKIP); /* an administrator: an upload never changes one */
    /* Deletion: suspended and anonymised, the row stays (training records keep their user). */
    const char *del = "username,deleted\numa,1\n";
    o = opts(IMPORT_UPDATE);
    preview(f, del, &o, &r);
    assert_string_equal(error_of(&r, 0)->column, "deleted");
    o.allow_delete = true;
    struct user uma;
    get(f, "uma", &uma);
    assert_int_equal(commit(f, del, &o, &r), LE_OK);
    assert_int_equal(r.n_deleted, 1);
    struct problem p = {0};
    assert_int_equal(user_get(f->db, f->a, uma.id, &u, &p), LE_OK);
    assert_string_equal(u.status, "suspended");
    assert_true(u.deleted_at > 0);
    assert_string_equal(u.email, "");
    assert_string_equal(u.idnumber, "");
    assert_non_null(strstr(u.username, "deleted-"));
    assert_int_equal(commit(f, del, &o, &r), LE_OK); /* second run: nobody left to delete */
    assert_int_equal(r.counts[IO_SKIP], 1);
}

static lerr buf_writer(void *ctx, const char *s, size_t n)
{
    return buf_add(ctx, s, n);
}

static void test_org_and_profile_fields(void **state)
{
    struct fx *f = *state;
    struct problem p = {0};
    int64_t ops, sales, agent, field;
    assert_int_equal(department_create(f->db, "Operations", "OPS", 0, f->admin, &ops, &p), LE_OK);
    assert_int_equal(department_create(f->db, "Sales", "", ops, f->admin, &sales, &p), LE_OK);
    assert_int_equal(department_create(f->db, "Sales", "", ops, f->admin, NULL, &p), LE_CONFLICT);
    assert_int_equal(department_create(f->db, "A/B", "", 0, f->admin, NULL, &p), LE_INVALID);
    assert_int_equal(department_update(f->db, ops, NULL, NULL, sales, f->admin, &p), LE_INVALID); /* under itself */
    assert_int_equal(job_role_create(f->db, "Agent", "AG", f->admin, &agent, &p), LE_OK);
    struct profile_field pf = {.shortname = "Shoe_Size", .name = "Shoe size", .type = "menu", .options = "S\nM\nL", .required = true};
    assert_int_equal(profile_field_create(f->db, f->a, &pf, f->admin, &field, &p), LE_OK);
    struct import_result r;
    struct import_options o = opts(IMPORT_UPSERT);
    const char *csv = "username,firstname,lastname,email,department,job_role,profile_field_shoe_size\n"
                      "vic,Vic,Vo,vic@example.org,Operations / Sales,Agent,m\n"
                      "wes,Wes,Wu,wes@example.org,OPS,AG,XL\n"
                      "xia,Xia,Xu,xia@example.org,sales,,\n";
    preview(f, csv, &o, &r);
    assert_int_equal(r.rows[0].outcome, IO_CREATE);
    assert_string_equal(error_of(&r, 1)->column, "profile_field_shoe_size");
    assert_string_equal(error_of(&r, 2)->column, "profile_field_shoe_size"); /* required */
    o.valid_only = true;
    assert_int_equal(commit(f, csv, &o, &r), LE_OK);
    struct user u;
    get(f, "vic", &u);
    assert_int_equal(u.department_id, sales);
    assert_string_equal(u.department_name, "Sales");
    assert_int_equal(u.job_role_id, agent);
    json_t *vals = user_profile_values(f->db, u.id);
    assert_string_equal(json_string_value(json_object_get(vals, "shoe_size")), "M");
    json_decref(vals);
    /* The export reads back as unchanged. */
    struct buf b;
    buf_init(&b, 1 << 20);
    assert_int_equal(user_export_csv(f->db, f->a, buf_writer, &b, &p), LE_OK);
    assert_non_null(strstr(b.data, "profile_field_shoe_size"));
    assert_non_null(strstr(b.data, "vic,Vic,Vo,vic@example.org,,,Operations / Sales,"));
    o = opts(IMPORT_UPSERT);
    assert_int_equal(user_import_commit(f->db, f->a, b.data, b.len, &o, &r, &p), LE_OK);
    assert_int_equal(r.counts[IO_UNCHANGED], r.n_rows);
    buf_release(&b);
    /* Departments in use cannot go. */
    assert_int_equal(department_delete(f->db, sales, f->admin, &p), LE_CONFLICT);
    assert_int_equal(job_role_delete(f->db, agent, f->admin, &p), LE_CONFLICT);
    /* The user's organisation fields, with the same rules. */
    struct user_org_input in = {.department_id = -1, .job_role_id = -1, .manager = "vic", .country = "de"};
    assert_int_equal(user_org_update(f->db, f->a, f->admin, &in, f->admin, &p), LE_OK);
    struct user admin;
    assert_int_equal(user_get(f->db, f->a, f->admin, &admin, &p), LE_OK);
    assert_string_equal(admin.country, "DE");
    in = (struct user_org_input){.department_id = -1, .job_role_id = -1, .manager = "root.admin"};
    assert_int_equal(user_org_update(f->db, f->a, u.id, &in, f->admin, &p), LE_INVALID); /* a loop */
    assert_non_null(strstr(p.message, "loop"));
}

int main(void)
{
    if (core_init()) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_csv_delimiters_bom_quotes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csv_each, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csv_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csv_partial_blank_width, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csv_write_field, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header_columns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_row_errors_located, setup, teardown),
        cmocka_unit_test_setup_teardown(test_modes_and_idempotency, setup, teardown),
        cmocka_unit_test_setup_teardown(test_all_or_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_passwords_and_templates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_managers_and_loops, setup, teardown),
        cmocka_unit_test_setup_teardown(test_renames_suspensions_deletions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_org_and_profile_fields, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
