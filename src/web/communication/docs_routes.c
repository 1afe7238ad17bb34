/* The process documents' routes (docs.c): the tree at /docs, a page at /docs/SLUG (the address
 * Markdown links to), its form, revisions, diff and restore, its attachments; and the API (docs/communication.md,
 * docs/api.md). Reading is for anyone signed in whom the page's audience includes (the model
 * checks); writing is administrators'. */
#include "internal.h"

#define DOC_FIELDS                                                                                              \
    {"title", P_STR, 0, 0, DOC_TITLE_MAX}, {"body", P_TEXT, 0, 0, DOC_BODY_MAX}, {"parent", P_STR, 0, 0, 100}, \
        {"audience", P_STR, 0, 0, 20}, {"owner", P_STR, 0, 0, 100}, {"review_on", P_STR, 0, 0, 20},          \
        {"note", P_STR, 0, 0, DOC_NOTE_MAX}
static const struct param_spec p_none[] = {
    PARAMS_END,
};
static const struct param_spec p_new[] = {
    {"parent", P_STR, 0, 0, 100},
    PARAMS_END,
};
static const struct param_spec p_create[] = {
    {"slug", P_STR, 0, 0, 100},
    DOC_FIELDS,
    PARAMS_END,
};
static const struct param_spec p_slug[] = {
    {"slug", P_STR, PARAM_REQUIRED, 1, 100},
    PARAMS_END,
};
static const struct param_spec p_update[] = {
    {"slug", P_STR, PARAM_REQUIRED, 1, 100},
    DOC_FIELDS,
    PARAMS_END,
};
#undef DOC_FIELDS
static const struct param_spec p_diff[] = {
    {"slug", P_STR, PARAM_REQUIRED, 1, 100},
    {"from", P_INT, 0, 1, 0},
    {"to", P_INT, 0, 1, 0},
    PARAMS_END,
};
static const struct param_spec p_restore[] = {
    {"slug", P_STR, PARAM_REQUIRED, 1, 100},
    {"number", P_INT, PARAM_REQUIRED, 1, 0},
    PARAMS_END,
};

static const struct param_spec p_attach[] = {
    {"slug", P_STR, PARAM_REQUIRED, 1, 100},
    {"file", P_FILE, 0, 0, 64 * 1024 * 1024},
    PARAMS_END,
};
static const struct param_spec p_file[] = {
    {"slug", P_STR, PARAM_REQUIRED, 1, 100},
    {"id", P_INT, PARAM_REQUIRED, 1, 0},
    PARAMS_END,
};

static const struct route routes[] = {
    {"GET", "/docs", h_docs, CAP_SIGNED_IN, p_none, 0},
    {"GET", "/docs/new", h_doc_new, CAP_DOCS_WRITE, p_new, 0},
    {"POST", "/docs", h_doc_create, CAP_DOCS_WRITE, p_create, 0},
    {"GET", "/docs/{slug:str}", h_doc_show, CAP_SIGNED_IN, p_slug, 0},
    {"POST", "/docs/{slug:str}", h_doc_update, CAP_DOCS_WRITE, p_update, 0},
    {"GET", "/docs/{slug:str}/edit", h_doc_edit, CAP_DOCS_WRITE, p_slug, 0},
    {"GET", "/docs/{slug:str}/revisions", h_doc_revisions, CAP_SIGNED_IN, p_slug, 0},
    {"GET", "/docs/{slug:str}/diff", h_doc_diff, CAP_SIGNED_IN, p_diff, 0},
    {"POST", "/docs/{slug:str}/revisions/{number:int}/restore", h_doc_restore, CAP_DOCS_WRITE, p_restore, 0},
    {"POST", "/docs/{slug:str}/attachments", h_doc_attach, CAP_DOCS_WRITE, p_attach, 0},
    {"GET", "/docs/{slug:str}/attachments/{id:int}", h_doc_file, CAP_SIGNED_IN, p_file, 0},
    {"POST", "/docs/{slug:str}/attachments/{id:int}/delete", h_doc_detach, CAP_DOCS_WRITE, p_file, 0},
    {"GET", "/api/v1/docs", h_docs, CAP_SIGNED_IN, p_none, 0},
    {"POST", "/api/v1/docs", h_doc_create, CAP_DOCS_WRITE, p_create, 0},
    {"GET", "/api/v1/docs/{slug:str}", h_doc_show, CAP_SIGNED_IN, p_slug, 0},
    {"PUT", "/api/v1/docs/{slug:str}", h_doc_update, CAP_DOCS_WRITE, p_update, 0},
    {"GET", "/api/v1/docs/{slug:str}/revisions", h_doc_revisions, CAP_SIGNED_IN, p_slug, 0},
    {"GET", "/api/v1/docs/{slug:str}/diff", h_doc_diff, CAP_SIGNED_IN, p_diff, 0},
    {"POST", "/api/v1/docs/{slug:str}/revisions/{number:int}/restore", h_doc_restore, CAP_DOCS_WRITE, p_restore, 0},
    {"POST", "/api/v1/docs/{slug:str}/attachments", h_doc_attach, CAP_DOCS_WRITE, p_attach, 0},
    {"GET", "/api/v1/docs/{slug:str}/attachments/{id:int}", h_doc_file, CAP_SIGNED_IN, p_file, 0},
    {"DELETE", "/api/v1/docs/{slug:str}/attachments/{id:int}", h_doc_detach, CAP_DOCS_WRITE, p_file, 0},
};

const struct web_domain web_docs = {
    .name = "docs",
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
};
