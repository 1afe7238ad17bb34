/* Discussions' routes (forum_pages.c): a course's forum and the site's, starting a thread, a
 * thread's pages, replying, editing within the window, and moderation; the same for the API
 * (docs/communication.md, docs/api.md). Every route is for signed-in people: the model checks
 * who belongs to the forum and who moderates it. */
#include "internal.h"

#define COURSE_PARAM {"course", P_STR, PARAM_REQUIRED, 1, 100}
/* An attachment: the cap of course files (content_file_max checks it again). */
#define FILE_PARAM {"file", P_FILE, 0, 0, 64 * 1024 * 1024}
static const struct param_spec p_site[] = {
    PARAMS_END,
};
static const struct param_spec p_course[] = {
    COURSE_PARAM,
    PARAMS_END,
};
static const struct param_spec p_site_thread[] = {
    {"title", P_STR, 0, 0, FORUM_TITLE_MAX},
    {"body", P_TEXT, 0, 0, FORUM_BODY_MAX},
    FILE_PARAM,
    PARAMS_END,
};
static const struct param_spec p_course_thread[] = {
    COURSE_PARAM,
    {"title", P_STR, 0, 0, FORUM_TITLE_MAX},
    {"body", P_TEXT, 0, 0, FORUM_BODY_MAX},
    FILE_PARAM,
    PARAMS_END,
};
static const struct param_spec p_thread[] = {
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    {"page", P_INT, 0, 1, 1000000},
    {"quote", P_INT, 0, 1, 0},
    PARAMS_END,
};
static const struct param_spec p_body[] = {
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    {"body", P_TEXT, 0, 0, FORUM_BODY_MAX},
    PARAMS_END,
};
static const struct param_spec p_reply[] = {
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    {"body", P_TEXT, 0, 0, FORUM_BODY_MAX},
    FILE_PARAM,
    PARAMS_END,
};
static const struct param_spec p_id[] = {
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    PARAMS_END,
};
static const struct param_spec p_site_settings[] = {
    {"kind", P_STR, 0, 0, 20},
    PARAMS_END,
};
static const struct param_spec p_course_settings[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"kind", P_STR, 0, 0, 20},
    PARAMS_END,
};
static const struct param_spec p_site_follow[] = {
    {"follow", P_BOOL, 0, 0, 0},
    PARAMS_END,
};
static const struct param_spec p_course_follow[] = {
    {"course", P_STR, PARAM_REQUIRED, 1, 100},
    {"follow", P_BOOL, 0, 0, 0},
    PARAMS_END,
};
static const struct param_spec p_thread_follow[] = {
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    {"follow", P_BOOL, 0, 0, 0},
    PARAMS_END,
};
static const struct param_spec p_search[] = {
    {"q", P_STR, 0, 0, 200},
    {"in", P_STR, 0, 0, 100},
    {"page", P_INT, 0, 1, 10000},
    PARAMS_END,
};
static const struct param_spec p_move[] = {
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    {"to", P_STR, 0, 0, 100},
    PARAMS_END,
};
static const struct param_spec p_report[] = {
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    {"reason", P_TEXT, 0, 0, FORUM_REASON_MAX * 4},
    PARAMS_END,
};
#undef COURSE_PARAM
#undef FILE_PARAM
static const struct param_spec p_moderate[] = {
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    {"action", P_STR, 0, 0, 20},
    PARAMS_END,
};
static const struct param_spec p_hide[] = {
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    {"hidden", P_BOOL, 0, 0, 0},
    PARAMS_END,
};

static const struct route routes[] = {
    {"GET", "/forum", h_forum_show, CAP_SIGNED_IN, p_site, 0},
    {"POST", "/forum/threads", h_forum_thread_create, CAP_SIGNED_IN, p_site_thread, 0},
    {"POST", "/forum/read", h_forum_mark_read, CAP_SIGNED_IN, p_site, 0},
    {"POST", "/forum/follow", h_forum_follow, CAP_SIGNED_IN, p_site_follow, 0},
    {"POST", "/courses/{course:str}/forum/follow", h_forum_follow, CAP_SIGNED_IN, p_course_follow, 0},
    {"POST", "/threads/{id:int}/follow", h_thread_follow, CAP_SIGNED_IN, p_thread_follow, 0},
    {"POST", "/api/v1/forum/follow", h_forum_follow, CAP_SIGNED_IN, p_site_follow, 0},
    {"POST", "/api/v1/courses/{course:str}/forum/follow", h_forum_follow, CAP_SIGNED_IN, p_course_follow, 0},
    {"POST", "/api/v1/threads/{id:int}/follow", h_thread_follow, CAP_SIGNED_IN, p_thread_follow, 0},
    {"POST", "/forum/settings", h_forum_settings, CAP_SIGNED_IN, p_site_settings, 0},
    {"POST", "/courses/{course:str}/forum/settings", h_forum_settings, CAP_SIGNED_IN, p_course_settings, 0},
    {"GET", "/courses/{course:str}/forum", h_forum_show, CAP_SIGNED_IN, p_course, 0},
    {"POST", "/courses/{course:str}/forum/read", h_forum_mark_read, CAP_SIGNED_IN, p_course, 0},
    {"POST", "/courses/{course:str}/forum/threads", h_forum_thread_create, CAP_SIGNED_IN, p_course_thread, 0},
    {"GET", "/threads/{id:int}", h_thread_show, CAP_SIGNED_IN, p_thread, 0},
    {"POST", "/threads/{id:int}/posts", h_thread_reply, CAP_SIGNED_IN, p_reply, 0},
    {"GET", "/attachments/{id:int}", h_attachment_download, CAP_SIGNED_IN, p_id, 0},
    {"POST", "/threads/{id:int}/moderate", h_thread_moderate, CAP_SIGNED_IN, p_moderate, 0},
    {"POST", "/posts/{id:int}/edit", h_post_edit, CAP_SIGNED_IN, p_body, 0},
    {"POST", "/posts/{id:int}/hide", h_post_hide, CAP_SIGNED_IN, p_hide, 0},
    {"POST", "/posts/{id:int}/delete", h_post_delete, CAP_SIGNED_IN, p_id, 0},
    {"POST", "/threads/{id:int}/delete", h_thread_delete, CAP_SIGNED_IN, p_id, 0},
    {"GET", "/threads/{id:int}/move", h_thread_move_form, CAP_SIGNED_IN, p_id, 0},
    {"POST", "/threads/{id:int}/move", h_thread_move, CAP_SIGNED_IN, p_move, 0},
    {"POST", "/posts/{id:int}/report", h_post_report, CAP_SIGNED_IN, p_report, 0},
    {"GET", "/forum/reports", h_forum_reports, CAP_SIGNED_IN, p_site, 0},
    {"GET", "/forum/search", h_forum_search, CAP_SIGNED_IN, p_search, 0},
    {"GET", "/courses/{course:str}/forum/reports", h_forum_reports, CAP_SIGNED_IN, p_course, 0},
    {"POST", "/post-reports/{id:int}/resolve", h_report_resolve, CAP_SIGNED_IN, p_id, 0},
    {"GET", "/api/v1/forum", h_forum_show, CAP_SIGNED_IN, p_site, 0},
    {"POST", "/api/v1/forum/threads", h_forum_thread_create, CAP_SIGNED_IN, p_site_thread, 0},
    {"POST", "/api/v1/forum/read", h_forum_mark_read, CAP_SIGNED_IN, p_site, 0},
    {"POST", "/api/v1/forum/settings", h_forum_settings, CAP_SIGNED_IN, p_site_settings, 0},
    {"POST", "/api/v1/courses/{course:str}/forum/settings", h_forum_settings, CAP_SIGNED_IN, p_course_settings, 0},
    {"GET", "/api/v1/courses/{course:str}/forum", h_forum_show, CAP_SIGNED_IN, p_course, 0},
    {"POST", "/api/v1/courses/{course:str}/forum/read", h_forum_mark_read, CAP_SIGNED_IN, p_course, 0},
    {"POST", "/api/v1/courses/{course:str}/forum/threads", h_forum_thread_create, CAP_SIGNED_IN, p_course_thread, 0},
    {"GET", "/api/v1/threads/{id:int}", h_thread_show, CAP_SIGNED_IN, p_thread, 0},
    {"POST", "/api/v1/threads/{id:int}/posts", h_thread_reply, CAP_SIGNED_IN, p_reply, 0},
    {"GET", "/api/v1/attachments/{id:int}", h_attachment_download, CAP_SIGNED_IN, p_id, 0},
    {"POST", "/api/v1/threads/{id:int}/moderate", h_thread_moderate, CAP_SIGNED_IN, p_moderate, 0},
    {"PATCH", "/api/v1/posts/{id:int}", h_post_edit, CAP_SIGNED_IN, p_body, 0},
    {"POST", "/api/v1/posts/{id:int}/hide", h_post_hide, CAP_SIGNED_IN, p_hide, 0},
    {"DELETE", "/api/v1/posts/{id:int}", h_post_delete, CAP_SIGNED_IN, p_id, 0},
    {"DELETE", "/api/v1/threads/{id:int}", h_thread_delete, CAP_SIGNED_IN, p_id, 0},
    {"POST", "/api/v1/threads/{id:int}/move", h_thread_move, CAP_SIGNED_IN, p_move, 0},
    {"POST", "/api/v1/posts/{id:int}/report", h_post_report, CAP_SIGNED_IN, p_report, 0},
    {"GET", "/api/v1/forum/reports", h_forum_reports, CAP_SIGNED_IN, p_site, 0},
    {"GET", "/api/v1/forum/search", h_forum_search, CAP_SIGNED_IN, p_search, 0},
    {"GET", "/api/v1/courses/{course:str}/forum/reports", h_forum_reports, CAP_SIGNED_IN, p_course, 0},
    {"POST", "/api/v1/post-reports/{id:int}/resolve", h_report_resolve, CAP_SIGNED_IN, p_id, 0},
};

const struct web_domain web_forums = {
    .name = "forums",
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
};
