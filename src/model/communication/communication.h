/* The communication domain (docs/communication.md): announcements to the site, a course or an
 * audience, shown on the dashboard, the course page and an archive, urgent ones as a banner,
 * optionally emailed once to each person; maintenance windows, read-only mode and the site's
 * status; requests to the administrators and their queue; process documents with revisions.
 * It uses planning, courses, people and platform. */
#ifndef LECTERN_MODEL_COMMUNICATION_H
#define LECTERN_MODEL_COMMUNICATION_H

#include "../planning/planning.h"

/* ---- Announcements (announcement.c, announcement_read.c, announcement_email.c) ---- */
#define ANNOUNCEMENT_TITLE_MAX 200
#define ANNOUNCEMENT_BODY_MAX 20000
#define ANNOUNCEMENT_EMAIL_BATCH 500  /* people one 'announcement.email' job queues */

/* Who an announcement is for: audience "site", "course" (course_code), "department"
 * (department_id and its whole subtree), "job_role" (job_role_id), "role" (site role names,
 * "learner" or "instructor, manager") or "team" (the author's reporting line). */
struct announcement_input {
    const char *title, *body;     /* body: Markdown, shown through the safe renderer */
    const char *audience;
    const char *course_code, *role;
    int64_t department_id, job_role_id;
    const char *importance;       /* "information" (NULL), "important" or "urgent" */
    bool pinned, email;
    int64_t publish_at;           /* 0 = now */
    int64_t expire_at;            /* 0 = none */
};
/* Administrators announce to any audience; instructors to the courses they teach; managers
 * to their team. An audience without anybody in it, an end not after the start, a missing
 * title or body is an error naming the field, and nothing is written. With email, the
 * 'announcement.email' job is queued for the publish time. Audited. */
lerr announcement_create(struct db *db, struct arena *a, const struct announcement_input *in, int64_t actor_id,
                         unsigned actor_roles, int64_t *id_out, struct problem *p);
/* Shown at now: published and not yet expired. */
bool announcement_live(int64_t publish_at, int64_t expire_at, int64_t now);
/* The importance name as stored, or NULL when unknown (NULL or "" is "information"). */
const char *announcement_importance(const char *name);
/* How many people the announcement reaches now (active accounts only). */
/* The audience kinds ("site", "course", ...) the roles may announce to, in the form's order;
 * at most max of them into kinds. */
size_t announcement_audience_kinds(unsigned roles, const char **kinds, size_t max);
lerr announcement_audience_count(struct db *db, int64_t id, int64_t *n_out);
/* Ends it now (expire_at = now) for its author or an administrator: LE_FORBIDDEN otherwise,
 * LE_NOTFOUND when there is none. Audited. */
lerr announcement_expire(struct db *db, int64_t id, int64_t actor_id, unsigned actor_roles, struct problem *p);

/* Whether any announcement may be showing now, from a summary kept in memory while
 * auth_version.shown_version (read with the session) is still `version` (migration 0038's
 * triggers change it with every change to an announcement; announcement_summary.c): false means none is live for anybody, so the
 * dashboard, a course page and the banner need not ask; with urgent, the same of the urgent
 * ones (the banner). version 0 (unknown) answers true. One query when the summary is stale. */
bool announcements_may_be_live(struct db *db, int64_t version, bool urgent);
/* Reads the summary now (serve calls it at start through the web domain's warm). */
void announcements_summary_warm(struct db *db);
/* What a person sees now, in one query: pinned first, then newest. course_id 0 = all they may
 * see (the dashboard and the archive); else only that course's. expired adds those expired
 * (the archive). Items: {id, title, body_html, importance, pinned, audience, course, publish_at,
 * expire_at, author, dismissed}. The first time one is shown, it is recorded as seen (one
 * statement for all of them, only when something is new). */
json_t *announcements_for_user(struct db *db, struct arena *a, int64_t user_id, int64_t course_id, bool expired,
                               int limit);
/* The live urgent announcements the person has not dismissed: [{id, title, body_html}]. */
json_t *announcement_banners(struct db *db, struct arena *a, int64_t user_id);
/* Closes the banner for the person (and counts it seen). LE_NOTFOUND when they cannot see it. */
lerr announcement_dismiss(struct db *db, int64_t id, int64_t user_id, struct problem *p);
/* One announcement: for its author and administrators with {audience_size, seen} (and for
 * administrators per person: seen_by [{username, name, seen_at}]); for the people it is
 * shown to, without. LE_NOTFOUND for anyone else. */
lerr announcement_json(struct db *db, struct arena *a, int64_t id, int64_t viewer_id, unsigned viewer_roles,
                       json_t **out, struct problem *p);
/* The announcements viewer_id wrote (administrators: everyone's), newest first, with seen
 * counts: the author's view of the archive. */
json_t *announcements_written(struct db *db, struct arena *a, int64_t viewer_id, unsigned viewer_roles, int limit);

/* Queues the email of up to batch people of the audience not yet emailed: each person's
 * record in announcement_emails and their outbox row go in one transaction, and the record's
 * key refuses a second, so running it twice (or at once on two nodes) emails nobody twice.
 * *more is true when people remain. An announcement not live (expired, or deleted) sends
 * nothing more. */
lerr announcement_email_batch(struct db *db, struct arena *a, int64_t id, int batch, int *queued_out, bool *more,
                              struct problem *p);

/* ---- Maintenance windows (maintenance.c) ---- */
struct maintenance_input {
    const char *starts_at, *ends_at; /* as planning_parse_time reads them, in zone */
    const char *message, *affected;
    bool read_only;                  /* the site reads only during the window */
};
#define MAINTENANCE_TEXT_MAX 2000
/* Schedules a window: an end after its start, no overlap with another window (the refusal
 * names it), a message. Queues the notices job. */
lerr maintenance_create(struct db *db, struct arena *a, const struct maintenance_input *in, const struct tz *zone,
                        int64_t actor_id, int64_t *id_out, struct problem *p);
/* Checks a window's times alone: the field to fix when the end is not after the start or when
 * [starts_at, ends_at) meets another window. */
lerr maintenance_check_times(struct db *db, int64_t starts_at, int64_t ends_at, int64_t except_id, struct problem *p);
lerr maintenance_delete(struct db *db, struct arena *a, int64_t id, int64_t actor_id, struct problem *p);
/* One window as JSON {id, starts_at, ends_at, message, affected, read_only}; NULL + problem. */
json_t *maintenance_json(struct db *db, int64_t id, struct problem *p);
/* Windows that have not ended, soonest first, and the last few that have. */
json_t *maintenance_list_json(struct db *db);

/* ---- What a window overlaps (maintenance_overlaps.c) ----
 * Each provider appends to out items {kind, title, at, ends_at?, path} of things that happen
 * during [from, to): so an administrator can move them first. */
struct maintenance_overlap_provider {
    const char *name;
    lerr (*list)(struct db *db, struct arena *a, int64_t from, int64_t to, json_t *out);
};
extern const struct maintenance_overlap_provider maintenance_overlap_providers[];
extern const size_t maintenance_n_overlap_providers;
/* Every provider's items, in time order. */
json_t *maintenance_overlaps_json(struct db *db, struct arena *a, int64_t from, int64_t to);

/* ---- The site's maintenance state (maintenance_mode.c) ---- */
struct maintenance_state {
    bool read_only;                  /* read-only mode is on now */
    int64_t until_at;                /* when it ends by itself; 0 = when turned off */
    const char *message;             /* the administrator's words, or "" */
    int lead_hours;                  /* how long before a window its banner shows */
    /* The window now or next (within the lead time), or id 0. */
    int64_t window_id, window_starts_at, window_ends_at;
    const char *window_message, *window_affected;
    bool window_read_only;           /* the site reads only while the window lasts */
};
/* The state at time now, copied into a: read from the database at most once a second per
 * process (nodes obey a change within a second), and at once after a change made here. */
lerr maintenance_state_get(struct db *db, struct arena *a, int64_t now, struct maintenance_state *out);
/* Forgets the copy kept in memory (a change made by this process). */
void maintenance_state_changed(void);
/* Turns read-only mode on (until_at 0 = until turned off; message may be NULL) or off. */
lerr maintenance_read_only_set(struct db *db, struct arena *a, bool on, int64_t until_at, const char *message,
                               int64_t actor_id, struct problem *p);
lerr maintenance_lead_hours_set(struct db *db, struct arena *a, int hours, int64_t actor_id, struct problem *p);
/* {"status": "ok" | "maintenance" | "read_only", ...} for GET /api/v1/status. */
json_t *maintenance_status_json(const struct maintenance_state *s, int64_t now);

/* ---- The notices (maintenance_notices.c): everyone active in the last 90 days is emailed
 * once per window, with the window as an iCalendar event, by the job kind below. ---- */
#define MAINTENANCE_NOTICE_JOB "maintenance.notices"
#define MAINTENANCE_NOTICE_BATCH 200
/* Queues the next batch of notices for window id; *more is true when people are left. */
lerr maintenance_notices_batch(struct db *db, struct arena *a, int64_t window_id, int *queued, bool *more,
                               struct problem *p);

/* ---- Requests to the administrators (request.c, request_state.c, request_read.c) ----
 * An instructor or a manager asks the administrators to host a new course, enrol people or
 * schedule a class, by a date; the administrators work the queue in that order. */
#define REQUEST_TEXT_MAX 2000
#define REQUEST_USERNAMES_MAX 500   /* people one enrolment request names */
#define REQUEST_LIST_MAX 200
#define REQUEST_MAIL_TEMPLATE "admin_request"
struct request_input {
    const char *kind;             /* "course", "enrol" or "class" */
    const char *needed_by;        /* YYYY-MM-DD: the day it is needed by */
    const char *title, *course_kind;  /* course: the title and elearning, classroom or blended */
    const char *course_code;      /* enrol and class */
    const char *usernames;        /* enrol: usernames a line (or separated by commas or spaces), or a
                                   * CSV whose header has a username column */
    const char *due_date;         /* enrol: YYYY-MM-DD or empty */
    const char *wanted_dates;     /* class: the dates wanted, in words */
    int64_t seats;                /* class: 0 = not said */
    const char *notes;
};
/* Files a request (state new) and tells the requester it arrived. Every problem names its field
 * (an unknown username is named too) and nothing is written. Audited. */
lerr admin_request_create(struct db *db, struct arena *a, const struct request_input *in, int64_t actor_id,
                          int64_t *id_out, struct problem *p);
/* The usernames of a list or a CSV, one a line without repeats, into *out; the number in *n.
 * A CSV (first line with a "username" column) gives that column. LE_INVALID naming
 * "usernames" when there are none or more than REQUEST_USERNAMES_MAX. */
lerr request_usernames_parse(struct arena *a, const char *text, const char **out, int *n, struct problem *p);
/* Whether state is one a request may move to from `from`: new and in progress move to in
 * progress, done or declined; done and declined are final. */
bool request_state_allowed(const char *from, const char *to);
/* An administrator moves a request to state ("in_progress", "done", "declined"; declined needs a
 * reason) and the requester is told, in one transaction. LE_CONFLICT from a final state. Audited. */
lerr admin_request_set_state(struct db *db, struct arena *a, int64_t id, const char *state, const char *reason,
                             int64_t actor_id, struct problem *p);
/* One request {id, kind, state, needed_by, overdue, title, course_kind, course {code, title},
 * usernames, due_date, wanted_dates, seats, notes, reason, requester {username, name},
 * handled_by, created_at, updated_at, session_id}: for its requester and administrators;
 * LE_NOTFOUND for anyone else. One query. */
lerr admin_request_json(struct db *db, struct arena *a, int64_t id, int64_t viewer_id, unsigned viewer_roles,
                        json_t **out, struct problem *p);
/* The administrators' queue: requests in state ("open" = new and in progress, "done",
 * "declined", "all"), soonest needed first, at most limit. One query. */
json_t *admin_requests_queue(struct db *db, struct arena *a, const char *state, int limit);
/* The requests user_id filed, newest first. One query. */
json_t *admin_requests_mine(struct db *db, struct arena *a, int64_t user_id, int limit);
/* Whether an open request may be overdue at now, from a summary kept in memory while
 * auth_version.shown_version is still `version` (migration 0044's triggers change it with every
 * change to a request; request_summary.c): false means none is, so the dashboard need not count.
 * version 0 (unknown) answers true. One query when the summary is stale. */
bool admin_requests_may_be_overdue(struct db *db, int64_t version, int64_t now);
/* Reads the summary now (serve calls it at start through the web domain's warm). */
void admin_requests_summary_warm(struct db *db);
/* Open requests whose day has passed at now: the administrators' dashboard flags them. */
lerr admin_requests_overdue_count(struct db *db, int64_t now, int64_t *n_out);
/* The courses a request may name for user_id: published ones and those they are in, by title. */
#define REQUEST_COURSE_CHOICES 500
json_t *request_course_choices(struct db *db, struct arena *a, int64_t user_id);
/* ---- Process documents (doc_page.c, doc_read.c, doc_diff.c, doc_review.c) ----
 * The training department's documentation space: Markdown pages in a hierarchy at /docs/SLUG,
 * each with an owner, a review date, the audience that may read it and every revision kept. */
#define DOC_TITLE_MAX 200
#define DOC_BODY_MAX 100000
#define DOC_SLUG_MAX 80
#define DOC_NOTE_MAX 500
#define DOC_DEPTH_MAX 12            /* levels of the hierarchy */
#define DOC_REVIEW_TEMPLATE "doc_review"
struct doc_input {
    const char *slug;             /* on create: lower-case letters, digits and '-'; empty = from the title */
    const char *title, *body;     /* body: Markdown, shown through the safe renderer */
    const char *parent;           /* the parent page's slug; empty = at the top */
    const char *audience;         /* who may read it: "admin", "instructor", "manager" or "everyone" */
    const char *owner;            /* a username; empty = the author */
    const char *review_on;        /* YYYY-MM-DD; empty = no review date */
    const char *note;             /* what this revision changes */
};
/* Whether a person with roles may read a page for audience: administrators read every page;
 * instructors those for instructors, managers those for managers; everyone those for everyone. */
bool doc_audience_allows(const char *audience, unsigned roles);
/* A slug from a title ("Enrolment checklist" -> "enrolment-checklist"), into out (DOC_SLUG_MAX + 1). */
void doc_slug_from_title(const char *title, char *out);
/* Writes a page and its revision 1. Every problem names its field and nothing is written. The
 * slug made or given in *slug_out. Audited. */
lerr doc_create(struct db *db, struct arena *a, const struct doc_input *in, int64_t actor_id, const char **slug_out,
                struct problem *p);
/* Writes the next revision of the page (its title, text, parent, audience, owner and review
 * date as given; the slug stays; a parent, review date, owner or audience left out (NULL) stays
 * as it was). A parent under the page itself is refused. Audited. */
lerr doc_update(struct db *db, struct arena *a, const char *slug, const struct doc_input *in, int64_t actor_id,
                struct problem *p);
/* Writes revision `number`'s title and text again as the next revision. Audited. */
lerr doc_restore(struct db *db, struct arena *a, const char *slug, int number, int64_t actor_id, struct problem *p);
/* One page for a reader: {slug, title, body, body_html, audience, owner {username, name},
 * review_on, review_due, revision, updated_at, parent {slug, title} | null, path [{slug, title}]
 * (its ancestors, top first), children [{slug, title}], attachments [...]}. LE_NOTFOUND when
 * there is none or the reader's roles may not read it. Three queries, four for a page with a
 * grandparent. */
lerr doc_json(struct db *db, struct arena *a, const char *slug, unsigned viewer_roles, json_t **out,
              struct problem *p);
/* Every page the roles may read, each after its parent: [{slug, title, depth, audience,
 * review_on, review_due}]. A page under one the reader may not read is left out with it. One query. */
json_t *doc_tree(struct db *db, struct arena *a, unsigned viewer_roles, int64_t now);
/* The revisions of a page, newest first: [{number, title, note, author, created_at}]. */
lerr doc_revisions_json(struct db *db, struct arena *a, const char *slug, unsigned viewer_roles, json_t **out,
                        struct problem *p);
/* The line diff of revisions from and to of a page: {from, to, lines: [{op, text}]}. */
lerr doc_diff_json(struct db *db, struct arena *a, const char *slug, int from, int to, unsigned viewer_roles,
                   json_t **out, struct problem *p);
/* The lines of a and b compared: [{op: "same" | "del" | "add", text}], the fewest lines marked
 * (a longest common subsequence of lines, after the common head and tail); a middle part too
 * long to compare is given as all deleted then all added. */
json_t *line_diff(struct arena *a, const char *old_text, const char *new_text);
/* Reminds each owner whose page's review date has come, once per page and review date (the
 * key of doc_review_reminders, written in the message's transaction): safe twice or on two
 * nodes at once. *sent_out: messages queued. */
lerr doc_review_scan(struct db *db, struct arena *a, int64_t now, int *sent_out, struct problem *p);
/* A file to attach, as uploaded (its type is checked against its bytes). */
struct doc_file {
    const char *name, *mime;
    const unsigned char *data;
    size_t len;
};
/* A stored attachment: where to read it and how to name it. */
struct doc_file_ref {
    const char *sha256, *name, *mime;
    int64_t size;
};
/* Attaches a file to the page: at most content_file_max bytes, a type course files accept
 * (detected from the bytes), stored in the content store under data_dir. Audited. */
lerr doc_attach(struct db *db, struct arena *a, const char *data_dir, const char *slug, const struct doc_file *f,
                int64_t actor_id, int64_t *id_out, struct problem *p);
/* Attachment id of the page, for a reader with roles: LE_NOTFOUND when either is not there for them. */
lerr doc_attachment_get(struct db *db, struct arena *a, const char *slug, int64_t id, unsigned roles,
                        struct doc_file_ref *out, struct problem *p);
/* Removes the attachment from the page (the stored file stays for whoever shares it). Audited. */
lerr doc_detach(struct db *db, struct arena *a, const char *slug, int64_t id, int64_t actor_id, struct problem *p);
/* A page's attachments by name: [{id, name, mime, size}]. One query. */
json_t *doc_attachments_json(struct db *db, struct arena *a, int64_t page_id);
/* The owners the form offers: administrators, managers and instructors [{username, name}]. */
json_t *doc_owner_choices(struct db *db, struct arena *a);
/* ---- Discussions (forum.c, forum_read.c, forum_moderate.c) ----
 * A forum per course (made when its first thread is started) and one for the site; threads
 * of posts, the first post opening the thread and the rest replying to it (one level). */
#define FORUM_TITLE_MAX 200
#define FORUM_BODY_MAX 20000
#define FORUM_EDIT_SECONDS 1800   /* an author may edit a post for 30 minutes */
#define FORUM_PAGE_POSTS 50       /* posts on a page of a thread */
#define FORUM_LIST_MAX 200        /* threads on a forum's page */

/* Where a viewer stands in a forum. */
struct forum_access {
    int64_t forum_id;             /* 0 while no thread has been started in it */
    int64_t course_id;            /* 0 = the site forum */
    const char *course_code, *course_title; /* NULL for the site forum */
    bool moderator;               /* the course's instructors and administrators */
    int64_t viewer_id;
    /* From a thread (forum_open_thread): the newest post the viewer has been shown (0 = never
     * opened) and how many posts up to it they may see, which places the first unread one. */
    int64_t last_read_post_id, n_read_shown;
    /* From a thread: its own fields, read with the viewer's standing in the one query. */
    const char *thread_title, *thread_author;
    bool thread_pinned, thread_locked;
    int64_t thread_created_at;
    bool qa;                      /* a questions-and-answers forum */
    int64_t first_post_id;        /* from a thread: its opening post */
    bool has_posted;              /* from a thread: the viewer has a post in it */
    bool following;               /* the viewer follows the forum (forum_open) or the thread */
};
/* course_code NULL = the site forum (every signed-in person reads and posts; administrators
 * moderate). A course's forum is for its people (a live enrolment) and its moderators; anyone
 * else gets LE_FORBIDDEN, an unknown course LE_NOTFOUND. */
lerr forum_open(struct db *db, struct arena *a, const char *course_code, int64_t viewer_id, unsigned viewer_roles,
                struct forum_access *out, struct problem *p);
/* The same from a thread: also whether it is locked. LE_NOTFOUND for no such thread. */
lerr forum_open_thread(struct db *db, struct arena *a, int64_t thread_id, int64_t viewer_id, unsigned viewer_roles,
                       struct forum_access *out, bool *locked, struct problem *p);

/* The posting rules, without the database. A locked thread refuses every post (LE_CONFLICT,
 * field "body"); an author may edit their own post until FORUM_EDIT_SECONDS after writing it;
 * a hidden post is shown to moderators only. */
lerr forum_check_open(bool locked, struct problem *p);
bool forum_may_edit(int64_t author_id, int64_t actor_id, int64_t created_at, int64_t now);
bool forum_post_shown(bool hidden, bool moderator);
/* In a questions-and-answers forum a learner who has not posted in the thread yet sees only
 * its opening post (and nothing of the others' replies); moderators see everything. */
bool forum_qa_waiting(const struct forum_access *fa);
/* Whether fa's viewer may see a post of fa's thread: hidden ones for moderators, and the
 * questions-and-answers rule. */
bool forum_post_visible(const struct forum_access *fa, int64_t post_id, int64_t author_id, bool hidden);
/* Makes the forum of fa a general one or a questions-and-answers one (kind "general" or "qa",
 * else 422 at "kind"), for its moderators; audited (forum.settings). */
lerr forum_set_kind(struct db *db, struct arena *a, const struct forum_access *fa, const char *kind, int64_t actor_id,
                    struct problem *p);
/* A title (threads) and a body: present and within their caps, else the field to fix. */
lerr forum_check_text(const char *title, bool needs_title, const char *body, struct problem *p);

/* A file to attach to a post, as uploaded; stored under data_dir/files. */
struct forum_file {
    const char *data_dir, *name, *mime;
    const unsigned char *data;
    size_t len;
};
/* Starts a thread with its first post in the forum of fa (making the forum on first use),
 * with file attached to it (NULL = none). */
lerr forum_thread_create(struct db *db, struct arena *a, const struct forum_access *fa, const char *title,
                         const char *body, const struct forum_file *file, int64_t actor_id, int64_t *thread_id_out,
                         struct problem *p);
/* Replies in a thread the viewer may read, with file attached (NULL = none); a locked thread
 * refuses it. */
lerr forum_reply(struct db *db, struct arena *a, int64_t thread_id, const char *body, const struct forum_file *file,
                 int64_t actor_id, unsigned actor_roles, int64_t *post_id_out, struct problem *p);

/* Following (forum_follow.c): the viewer of fa follows its forum (thread_id 0) or one of its
 * threads, or stops (on false). Writing a post follows its thread and queues the job that tells
 * the followers (forum_post_written, inside the post's transaction); forum_notify_batch tells
 * up to batch of them who may read the post and were not told yet, each once per post, through
 * the notification type forum_post; *more when others remain. */
#define FORUM_NOTIFY_BATCH 200
lerr forum_follow(struct db *db, const struct forum_access *fa, int64_t thread_id, bool on, struct problem *p);
lerr forum_post_written(struct db *db, int64_t thread_id, int64_t post_id, int64_t author_id, struct problem *p);
lerr forum_notify_batch(struct db *db, struct arena *a, int64_t post_id, int batch, int *told_out, bool *more,
                        struct problem *p);
/* Attachments (forum_attachment.c). The checks of course files (size, and the type from the
 * bytes matching the name; LE_INVALID/LE_TOOBIG at "file"), before any write; *mime is the type
 * to serve. */
lerr forum_file_check(const struct forum_file *f, const char **mime, struct problem *p);
/* Stores the bytes and attaches them to post_id: inside the post's transaction. */
lerr forum_file_attach(struct db *db, int64_t post_id, const struct forum_file *f, const char *mime,
                       struct problem *p);
struct forum_attachment {
    char sha256[65];
    const char *file_name, *mime;
    int64_t size;
};
/* An attachment for someone who may see its post (LE_FORBIDDEN outside the forum, LE_NOTFOUND
 * for none or a hidden post they may not see). */
lerr forum_attachment_find(struct db *db, struct arena *a, int64_t id, int64_t viewer_id, unsigned viewer_roles,
                           struct forum_attachment *out, struct problem *p);
/* The author's edit within the window (LE_FORBIDDEN after it, or for anyone else). *thread_out
 * receives the post's thread. */
lerr forum_post_edit(struct db *db, struct arena *a, int64_t post_id, const char *body, int64_t actor_id,
                     unsigned actor_roles, int64_t *thread_out, struct problem *p);

/* Moderation (forum_moderate.c), for the course's instructors and administrators, audited:
 * action "pin", "unpin", "lock" or "unlock" on a thread; hiding or showing a post. */
lerr forum_thread_moderate(struct db *db, struct arena *a, int64_t thread_id, const char *action, int64_t actor_id,
                           unsigned actor_roles, struct problem *p);
lerr forum_post_hide(struct db *db, struct arena *a, int64_t post_id, bool hidden, int64_t actor_id,
                     unsigned actor_roles, int64_t *thread_out, struct problem *p);
/* Deleting a post empties it (text and file gone, its open reports settled) and hides it; its
 * place stays, marked for moderators. Audited (forum.delete). */
lerr forum_post_delete(struct db *db, struct arena *a, int64_t post_id, int64_t actor_id, unsigned actor_roles,
                       int64_t *thread_out, struct problem *p);
/* Deleting a thread takes it out of its forum for everyone (forum.delete_thread); *fa_out says
 * which forum it was in. */
lerr forum_thread_delete(struct db *db, struct arena *a, int64_t thread_id, int64_t actor_id, unsigned actor_roles,
                         struct forum_access *fa_out, struct problem *p);
/* Moves a thread to the forum of course to_course ("site" = the site's), which the actor must
 * moderate too (403/404 at "to"; 422 for none or the same forum). Audited (forum.move). */
lerr forum_thread_move(struct db *db, struct arena *a, int64_t thread_id, const char *to_course, int64_t actor_id,
                       unsigned actor_roles, struct problem *p);
/* Where the viewer may move threads: [{code, title} | {code: "site", is_site: true}]. One query. */
json_t *forum_move_targets_json(struct db *db, int64_t viewer_id, unsigned viewer_roles);

/* Search (forum_search.c): posts matching q (every word, as a prefix; a thread's title finds
 * its opening post) in the forums the viewer may read, where "" (all of them), "site" or a
 * course code; newest first, FORUM_SEARCH_PAGE a page: {q, where, results: [{post_id,
 * thread_id, thread_title, author, created_at, excerpt, hidden, course_code, course_title,
 * href}], page, per_page, total}. 422 at "q" without a word. One query. */
#define FORUM_SEARCH_PAGE 20
lerr forum_search(struct db *db, struct arena *a, const char *q, const char *where, int page, int64_t viewer_id,
                  unsigned viewer_roles, json_t **out, struct problem *p);

/* Reports (forum_report.c). Any reader of a post reports it with a reason (at most
 * FORUM_REASON_MAX characters; once while their report is open: 409). */
#define FORUM_REASON_MAX 1000
lerr forum_post_report(struct db *db, struct arena *a, int64_t post_id, const char *reason, int64_t actor_id,
                       unsigned actor_roles, int64_t *thread_out, struct problem *p);
/* The open reports of fa's forum, oldest first, for its moderators (LE_FORBIDDEN otherwise):
 * [{id, reason, reporter, created_at, post_id, post_author, excerpt, thread_id, thread_title,
 * href}]. One query. */
lerr forum_reports_json(struct db *db, struct arena *a, const struct forum_access *fa, json_t **out,
                        struct problem *p);
/* Settles a report (forum.report_resolve); *fa_out says which forum it was in. */
lerr forum_report_resolve(struct db *db, struct arena *a, int64_t report_id, int64_t actor_id, unsigned actor_roles,
                          struct forum_access *fa_out, struct problem *p);

/* Reading (forum_read.c). The forum's threads, pinned first, then newest activity:
 * [{id, title, pinned, locked, author, created_at, last_post_at, posts, unread}], unread
 * counting the posts after the newest one the viewer was shown. One query. */
json_t *forum_threads_json(struct db *db, const struct forum_access *fa, int limit);
/* The page (from 1) holding the first post the viewer has not been shown; page 1 when the
 * thread is new to them, the last page when everything is read. */
int forum_first_unread_page(const struct forum_access *fa, int64_t total);
/* Marks every thread of the forum read up to its newest post, for fa's viewer. */
lerr forum_mark_read(struct db *db, const struct forum_access *fa, struct problem *p);
/* A page (from 1; 0 = the page of the first unread post) of a thread: {thread: {id, title,
 * pinned, locked, author, forum_path}, posts: [{id, author, body_html, created_at, edited_at,
 * hidden, editable, unread, body?}], page, per_page, total, first_unread_page}. Hidden posts only
 * for moderators (marked hidden); body (the Markdown) only in the viewer's own posts they may
 * still edit. Records the newest post shown as read for the viewer. Two queries, and a third
 * when the page shows something new to the viewer. LE_NOTFOUND for a page past the end. */
lerr forum_thread_json(struct db *db, struct arena *a, int64_t thread_id, int page, int64_t viewer_id,
                       unsigned viewer_roles, json_t **out, struct problem *p);
/* The same, with "quote": the Markdown of post quote_id quoted for a reply, when that post is
 * on the page and the viewer may see it (no query more: the page's posts carry their text). */
lerr forum_thread_page(struct db *db, struct arena *a, int64_t thread_id, int page, int64_t viewer_id,
                       unsigned viewer_roles, int64_t quote_id, json_t **out, struct problem *p);
/* A post's Markdown as a quotation: "> **Author** wrote:" and each line of it after "> ". */
const char *forum_quote_markdown(struct arena *a, const char *author, const char *body);

#endif
