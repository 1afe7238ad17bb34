/* The notification types: every message Lectern sends to a person, in one declared table
 * (docs/notifications.md). A type's key is also its mail template
 * (templates/mail/KEY.txt.mustache: "Subject: ..." and the body, rewritable by administrators
 * on /admin/messages); the row adds who receives it, the in-app line and the link it shows in
 * the notification centre, the channels a person may choose from, and the sample data the
 * message editor previews with.
 *
 * Adding a type is one row here, a mail template and its words in locale/en.json; the sender
 * then calls notify_send (notification.c) with the key. Sign-in messages allow e-mail only:
 * a link that sits unread in Lectern cannot help someone who cannot sign in. */
#include "../internal.h"
#include "platform.h"

#define ALL_CHANNELS (NOTIFY_EMAIL | NOTIFY_INAPP | NOTIFY_DIGEST | NOTIFY_OFF)

#define EVENT_SAMPLE                                                                                                  \
    "{\"username\": \"sam.sample\", \"first_name\": \"Sam\", \"event_title\": \"First aid, morning group\", "         \
    "\"course_title\": \"First aid\", \"course_code\": \"FA-1\", \"starts_at\": \"2027-01-31 09:00 Europe/London\", " \
    "\"activity_id\": 1, \"learner_username\": \"lee.learner\", \"learner_name\": \"Lee Learner\", \"reason\": "       \
    "\"The event is for the sales team.\"}"
#define PROGRAMME_SAMPLE                                                                                         \
    "{\"username\": \"sam.sample\", \"first_name\": \"Sam\", \"learner_username\": \"lee.learner\", "           \
    "\"learner_name\": \"Lee Learner\", \"programme_code\": \"IND\", \"programme_title\": \"Induction\", \"due\": "  \
    "\"2027-01-31\", \"days\": 7, \"days_overdue\": 8}"
#define LINK_SAMPLE                                                                                                \
    "{\"username\": \"sam.sample\", \"first_name\": \"Sam\", \"link\": \"https://lectern.example.org/reset/sample\", " \
    "\"valid_minutes\": 60, \"valid_days\": 7}"
#define EVENT_LINK "/courses/{{{course_code}}}/activities/{{{activity_id}}}"
#define EVENT_LINE(what) "{{{t.mail_msg.event_" what "_subject}}}: {{{event_title}}}"
#define EVENT_ABOUT_LINE(what) "{{{t.mail_msg.event_" what "_subject}}}: {{{learner_name}}}, {{{event_title}}}"

/* words: notify.type_{password_reset,signin_link,announcement,maintenance_notice,notification_digest}
 * words: notify.type_event_{booked,confirmed,changed,cancelled,booking_cancelled,approved,waitlisted,declined}
 * words: notify.type_event_{approval_request,approval_reminder,reminder,reminder_trainer,no_show}
 * words: notify.to_{person,manager,trainer,audience,active,owner}
 * words: messages.programme_{due_soon,overdue,escalation,expiring}
 * words: mail_msg.{admin_request_line,doc_review_line,forum_post_line}, notify.{type_forum_post,to_followers} */
static const struct notification_type TYPES[] = {
    {"password_reset", "notify.type_password_reset", "notify.to_person", NOTIFY_EMAIL,
     "{{{t.mail_msg.reset_subject}}}", "/", LINK_SAMPLE},
    {"signin_link", "notify.type_signin_link", "notify.to_person", NOTIFY_EMAIL,
     "{{{t.mail_msg.welcome_subject}}} {{{site.name}}}", "/", LINK_SAMPLE},
    {"event_booked", "notify.type_event_booked", "notify.to_person", ALL_CHANNELS, EVENT_LINE("booked"), EVENT_LINK,
     EVENT_SAMPLE},
    {"event_confirmed", "notify.type_event_confirmed", "notify.to_person", ALL_CHANNELS, EVENT_LINE("confirmed"),
     EVENT_LINK, EVENT_SAMPLE},
    {"event_changed", "notify.type_event_changed", "notify.to_person", ALL_CHANNELS, EVENT_LINE("changed"), EVENT_LINK,
     EVENT_SAMPLE},
    {"event_cancelled", "notify.type_event_cancelled", "notify.to_person", ALL_CHANNELS, EVENT_LINE("cancelled"),
     EVENT_LINK, EVENT_SAMPLE},
    {"event_booking_cancelled", "notify.type_event_booking_cancelled", "notify.to_person", ALL_CHANNELS,
     EVENT_LINE("booking_cancelled"), EVENT_LINK, EVENT_SAMPLE},
    {"event_approved", "notify.type_event_approved", "notify.to_person", ALL_CHANNELS, EVENT_LINE("approved"),
     EVENT_LINK, EVENT_SAMPLE},
    {"event_waitlisted", "notify.type_event_waitlisted", "notify.to_person", ALL_CHANNELS, EVENT_LINE("waitlisted"),
     EVENT_LINK, EVENT_SAMPLE},
    {"event_declined", "notify.type_event_declined", "notify.to_person", ALL_CHANNELS, EVENT_LINE("declined"),
     EVENT_LINK, EVENT_SAMPLE},
    {"event_approval_request", "notify.type_event_approval_request", "notify.to_manager", ALL_CHANNELS,
     EVENT_ABOUT_LINE("approval_request"), "/approvals", EVENT_SAMPLE},
    {"event_approval_reminder", "notify.type_event_approval_reminder", "notify.to_manager", ALL_CHANNELS,
     EVENT_ABOUT_LINE("approval_reminder"), "/approvals", EVENT_SAMPLE},
    {"event_reminder", "notify.type_event_reminder", "notify.to_person", ALL_CHANNELS, EVENT_LINE("reminder"),
     EVENT_LINK, EVENT_SAMPLE},
    {"event_reminder_trainer", "notify.type_event_reminder_trainer", "notify.to_trainer", ALL_CHANNELS,
     EVENT_LINE("reminder_trainer"), EVENT_LINK, EVENT_SAMPLE},
    {"event_no_show", "notify.type_event_no_show", "notify.to_manager", ALL_CHANNELS, EVENT_ABOUT_LINE("no_show"),
     EVENT_LINK, EVENT_SAMPLE},
    {"programme_due_soon", "messages.programme_due_soon", "notify.to_person", ALL_CHANNELS,
     "{{{t.mail_msg.programme_due_soon_subject}}}: {{{programme_title}}}", "/plan", PROGRAMME_SAMPLE},
    {"programme_overdue", "messages.programme_overdue", "notify.to_person", ALL_CHANNELS,
     "{{{t.mail_msg.programme_overdue_subject}}}: {{{programme_title}}}", "/plan", PROGRAMME_SAMPLE},
    {"programme_escalation", "messages.programme_escalation", "notify.to_manager", ALL_CHANNELS,
     "{{{t.mail_msg.programme_escalation_subject}}}: {{{learner_name}}}, {{{programme_title}}}", "/team/plan",
     PROGRAMME_SAMPLE},
    {"programme_expiring", "messages.programme_expiring", "notify.to_person", ALL_CHANNELS,
     "{{{t.mail_msg.programme_expiring_subject}}}: {{{programme_title}}}", "/plan", PROGRAMME_SAMPLE},
    {"announcement", "notify.type_announcement", "notify.to_audience", ALL_CHANNELS,
     "{{{t.mail_msg.announcement_subject}}}: {{{title}}}", "/announcements",
     "{\"username\": \"sam.sample\", \"first_name\": \"Sam\", \"title\": \"New first aid room\", \"body\": \"The first "
     "aid room has moved to the ground floor.\", \"link\": \"https://lectern.example.org/announcements\"}"},
    {"maintenance_notice", "notify.type_maintenance_notice", "notify.to_active", ALL_CHANNELS,
     "{{{t.mail_msg.maintenance_subject}}}: {{{message}}}", "/",
     "{\"username\": \"sam.sample\", \"first_name\": \"Sam\", \"message\": \"Upgrade to the new version\", "
     "\"affected\": \"Everything\", \"starts_at\": \"2027-01-31T18:00:00Z\", \"ends_at\": \"2027-01-31T20:00:00Z\"}"},
    /* A new post in a followed forum or thread (communication's forum_follow.c). */
    {"forum_post", "notify.type_forum_post", "notify.to_followers", ALL_CHANNELS | NOTIFY_LISTED,
     "{{{t.mail_msg.forum_post_line}}} {{{author}}}: {{{thread_title}}}", "/threads/{{{thread_id}}}#post-{{{post_id}}}",
     "{\"username\": \"sam.sample\", \"first_name\": \"Sam\", \"thread_title\": \"Where is the first aid room?\", "
     "\"body\": \"It moved to the ground floor, next to reception.\", \"author\": \"Ivy Instructor\", \"forum\": "
     "\"First aid\", \"thread_id\": 7, \"post_id\": 42, \"link\": \"https://lectern.example.org/threads/7#post-42\", "
     "\"is_reply\": true}"},
    /* Requests to the administrators (communication's request_state.c), to their sender at each step. */
    {"admin_request", "messages.admin_request", "notify.to_person", ALL_CHANNELS,
     "{{{t.mail_msg.admin_request_line}}} {{{what}}}", "/requests/{{{id}}}",
     "{\"username\": \"ivy.instructor\", \"first_name\": \"Ivy\", \"id\": 12, \"what\": \"Enrol 3 people in "
     "SAFE-1\", \"needed_by\": \"2027-01-31\", \"state\": \"declined\", \"is_declined\": true, \"reason\": \"The "
     "course closes in December.\"}"},
    /* A process document due for review (communication's doc_review.c), to its owner. */
    {"doc_review", "messages.doc_review", "notify.to_owner", ALL_CHANNELS,
     "{{{t.mail_msg.doc_review_line}}}: {{{title}}}", "/docs/{{{slug}}}",
     "{\"username\": \"ada.admin\", \"first_name\": \"Ada\", \"slug\": \"enrolment-checklist\", \"title\": "
     "\"Enrolment checklist\", \"review_on\": \"2027-06-30\"}"},
    /* The digest itself (notification_digest.c) goes by e-mail: it is what the others wait for. */
    {"notification_digest", "notify.type_notification_digest", "notify.to_person", NOTIFY_EMAIL,
     "{{{t.mail_msg.digest_subject}}} {{{day}}}", "/notifications",
     "{\"username\": \"sam.sample\", \"first_name\": \"Sam\", \"day\": \"2027-01-30\", \"count\": 2, \"items\": "
     "[{\"line\": \"You are booked: First aid, morning group\", \"link\": \"/courses/FA-1/activities/1\"}, "
     "{\"line\": \"Training due soon: Induction\", \"link\": \"/plan\"}]}"},
};
#define N_TYPES (sizeof TYPES / sizeof TYPES[0])

size_t notification_types(const struct notification_type **out)
{
    *out = TYPES;
    return N_TYPES;
}

const struct notification_type *notification_type_find(const char *key)
{
    for (size_t i = 0; key && i < N_TYPES; i++)
        if (str_eq(TYPES[i].key, key)) return &TYPES[i];
    return NULL;
}

/* words: notify.channel_{email,inapp,digest,off} */
static const struct {
    unsigned bit;
    const char *name;
} CHANNELS[] = {
    {NOTIFY_EMAIL, "email"},
    {NOTIFY_INAPP, "inapp"},
    {NOTIFY_DIGEST, "digest"},
    {NOTIFY_OFF, "off"},
};

const char *notify_channel_name(unsigned channel)
{
    for (size_t i = 0; i < sizeof CHANNELS / sizeof CHANNELS[0]; i++)
        if (CHANNELS[i].bit == channel) return CHANNELS[i].name;
    return NULL;
}

unsigned notify_channel_parse(const char *name)
{
    for (size_t i = 0; name && i < sizeof CHANNELS / sizeof CHANNELS[0]; i++)
        if (str_eq(CHANNELS[i].name, name)) return CHANNELS[i].bit;
    return 0;
}

unsigned notify_channel_resolve(const struct notification_type *t, const char *chosen)
{
    unsigned c = notify_channel_parse(chosen);
    return c && (t->channels & c) ? c : NOTIFY_EMAIL;
}
