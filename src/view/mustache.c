/* The Mustache engine: templates compile once into a tree of nodes; rendering walks the tree
 * against a stack of jansson values and writes to a bounded buffer.
 *
 * Compilation runs in four passes over one template:
 *   1. tokenize: split the source into text, newline and tag tokens, following set-delimiter
 *      tags as they come;
 *   2. match: pair every section, inverted section, parent and block with its closing tag;
 *   3. lines: apply the spec's whitespace rules line by line (standalone tags, indentation
 *      of partials and parents, block reindentation);
 *   4. build: turn the tokens into the node tree, which lives in the template's arena.
 *
 * Rendering never writes to the tree or to the set, so any number of threads may render
 * from one set at once (adding templates while others render is not supported).
 *
 * Indentation. The spec defines the indentation of a standalone partial as text prepended to
 * every line of the partial's source before it is rendered. Rather than re-compiling a
 * partial for every indentation, the compiler records every line start of the source as an
 * INDENT node, and the renderer passes the current indentation down; an INDENT node writes
 * it. A standalone tag's line produces no output at all, so its line start is dropped.
 *
 * Blocks ({{$name}}) follow the inheritance spec's reindentation rules: the indentation a
 * block's content has where it is written (its intrinsic indentation) is removed at compile
 * time, and the indentation of the place where it is expanded is added at render time. The
 * first line of a block's content is marked INDENT_FIRST, because whether it gets the
 * indentation depends on where it is expanded (at the start of a line, or inline). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "view.h"

/* How deep partials, parents and block substitutions may nest while rendering. Deep enough
 * for any real page; shallow enough that a runaway recursion stops long before the C stack. */
#define TPL_MAX_DEPTH 100
/* Longest delimiter a set-delimiter tag may choose. */
#define DELIM_MAX 16

/* ------------------------------------------------------------------------------------------
 * Compiled form
 * ------------------------------------------------------------------------------------------ */

enum node_kind {
    N_TEXT,         /* literal text */
    N_INDENT,       /* a line starts here: write the current indentation */
    N_INDENT_FIRST, /* the first line of a block's content: indent only if expanded at a line start */
    N_VAR,          /* {{name}} (escaped) or {{{name}}} / {{&name}} (raw) */
    N_SECTION,      /* {{#name}}...{{/name}} */
    N_INVERTED,     /* {{^name}}...{{/name}} */
    N_PARTIAL,      /* {{>name}} */
    N_PARENT,       /* {{<name}}...{{/name}}: kids are the block arguments */
    N_BLOCK,        /* {{$name}}...{{/name}}: kids are the default content */
};

struct node {
    enum node_kind kind;
    bool escape;      /* N_VAR: HTML-escape the value */
    bool standalone;  /* N_PARTIAL, N_PARENT: the tag stood alone, so ind indents its lines */
    bool first_line;  /* N_BLOCK: the block starts a line, so its first line is indented too */
    const char *s;    /* N_TEXT: the text; N_PARTIAL, N_PARENT, N_BLOCK: NUL-terminated name */
    size_t n;
    const char *ind;  /* N_PARTIAL, N_PARENT, N_BLOCK: indentation added for the content */
    size_t ind_n;
    const char *const *path; /* N_VAR, N_SECTION, N_INVERTED: the dotted name split at dots */
    const size_t *path_len;  /* their lengths, so lookups need no strlen */
    size_t npath;            /* 0 means the implicit iterator "." */
    const struct node *kids;
    size_t nkids;
};

struct tpl {
    char *name;
    struct arena *arena; /* the source copy, the nodes, the names */
    const struct node *nodes;
    size_t n;
};

/* Sorted by name, so lookups at render time are a binary search. */
struct tpl_set {
    struct tpl **v;
    size_t n, cap;
    int real_decimals; /* reals rounded to at most this many decimals; 0 = in full */
};

/* ------------------------------------------------------------------------------------------
 * Pass 1: tokens
 * ------------------------------------------------------------------------------------------ */

enum tok_kind {
    T_TEXT,     /* text without line ends */
    T_NL,       /* "\n" or "\r\n" */
    T_VAR,
    T_RAW,
    T_SECTION,
    T_INVERTED,
    T_CLOSE,
    T_COMMENT,
    T_DELIM,
    T_PARTIAL,
    T_PARENT,
    T_BLOCK,
};

struct tok {
    enum tok_kind kind;
    const char *s; /* T_TEXT, T_NL: the text; tags: the trimmed name */
    size_t n;
    int line;
    size_t match;        /* openers and T_CLOSE: the index of the other tag of the pair */
    bool in_parent;      /* T_BLOCK: an argument directly inside a parent tag pair */
    bool drop;           /* T_TEXT, T_NL: whitespace that belongs to a standalone tag */
    unsigned char bol;   /* a line starts at this token: 1 = INDENT, 2 = INDENT_FIRST */
    bool standalone;     /* tags: alone on their line by the spec's rules */
    bool first_line;     /* T_BLOCK: the block starts its line (see struct node) */
    bool content_at_bol; /* T_BLOCK: the tag owns its line end, so the content starts a line */
    const char *ws;      /* T_PARTIAL, T_PARENT: indentation; T_BLOCK: indentation at expansion */
    size_t ws_n;
};

struct compiler {
    const char *name;  /* the template's name, for error messages */
    struct problem *p;
    struct arena *a;
    const char *src;   /* the arena's copy of the source */
    size_t len;
    struct tok *t;
    size_t nt, cap;
};

static lerr compile_error(struct compiler *c, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static lerr compile_error(struct compiler *c, int line, const char *fmt, ...)
{
    char what[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return problem_set(c->p, LE_INVALID, "template", "template '%s' line %d: %s", c->name, line,
                       what);
}

static lerr push_tok(struct compiler *c, struct tok t)
{
    if (c->nt == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        struct tok *v = realloc(c->t, cap * sizeof *v);
        if (!v) return LE_NOMEM;
        c->t = v;
        c->cap = cap;
    }
    c->t[c->nt++] = t;
    return LE_OK;
}

static bool is_blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

static bool is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}

static lerr push_text(struct compiler *c, enum tok_kind kind, size_t from, size_t to, int line)
{
    return push_tok(c, (struct tok){.kind = kind, .s = c->src + from, .n = to - from, .line = line});
}

/* Splits text into T_TEXT and T_NL tokens, counting lines. */
static lerr add_text(struct compiler *c, size_t from, size_t to, int *line)
{
    size_t start = from;
    for (size_t i = from; i < to; i++) {
        if (c->src[i] != '\n') continue;
        size_t nl = (i > start && c->src[i - 1] == '\r') ? i - 1 : i;
        lerr e = LE_OK;
        if (nl > start) e = push_text(c, T_TEXT, start, nl, *line);
        if (!e) e = push_text(c, T_NL, nl, i + 1, *line);
        if (e) return e;
        (*line)++;
        start = i + 1;
    }
    return to > start ? push_text(c, T_TEXT, start, to, *line) : LE_OK;
}

/* Parses the inside of {{=<% %>=}}: two delimiters, neither empty nor containing '=' or
 * whitespace. */
static bool parse_delims(const char *s, size_t n, char *open, size_t *olen, char *close, size_t *clen)
{
    size_t i = 0;
    while (i < n && is_space(s[i])) i++;
    size_t a = i;
    while (i < n && !is_space(s[i])) i++;
    size_t alen = i - a;
    while (i < n && is_space(s[i])) i++;
    size_t b = i;
    while (i < n && !is_space(s[i])) i++;
    size_t blen = i - b;
    while (i < n && is_space(s[i])) i++;
    if (i != n || alen == 0 || blen == 0 || alen > DELIM_MAX || blen > DELIM_MAX) return false;
    if (memchr(s + a, '=', alen) || memchr(s + b, '=', blen)) return false;
    memcpy(open, s + a, alen);
    open[alen] = '\0';
    *olen = alen;
    memcpy(close, s + b, blen);
    close[blen] = '\0';
    *clen = blen;
    return true;
}

static lerr tokenize(struct compiler *c)
{
    char otag[DELIM_MAX + 1] = "{{", ctag[DELIM_MAX + 1] = "}}";
    size_t olen = 2, clen = 2;
    size_t pos = 0;
    int line = 1;
    while (pos < c->len) {
        const char *open = memmem(c->src + pos, c->len - pos, otag, olen);
        size_t tag_at = open ? (size_t)(open - c->src) : c->len;
        lerr e = add_text(c, pos, tag_at, &line);
        if (e) return e;
        if (!open) break;

        int tag_line = line;
        size_t p = tag_at + olen;
        /* Triple mustaches and set-delimiter tags end with their own character before the
         * closing delimiter: "}}}" and "=}}". */
        char needle[DELIM_MAX + 2];
        size_t nlen = 0;
        enum tok_kind kind = T_VAR;
        bool sigil_done = false;
        if (p < c->len && (c->src[p] == '{' || c->src[p] == '=')) {
            kind = c->src[p] == '{' ? T_RAW : T_DELIM;
            needle[nlen++] = c->src[p] == '{' ? '}' : '=';
            p++;
            sigil_done = true;
        }
        memcpy(needle + nlen, ctag, clen);
        nlen += clen;
        const char *close = memmem(c->src + p, c->len - p, needle, nlen);
        if (!close)
            return compile_error(c, tag_line, "the tag '%s' is never closed (expected '%.*s')", otag,
                                 (int)nlen, needle);
        size_t end = (size_t)(close - c->src);
        for (size_t i = tag_at; i < end; i++)
            if (c->src[i] == '\n') line++;
        pos = end + nlen;

        const char *s = c->src + p;
        size_t n = end - p;
        if (kind == T_DELIM) {
            if (!parse_delims(s, n, otag, &olen, ctag, &clen))
                return compile_error(c, tag_line,
                                     "bad set-delimiter tag: write two delimiters separated by a "
                                     "space, without '=' or spaces inside, e.g. {{=<%% %%>=}}");
            e = push_tok(c, (struct tok){.kind = T_DELIM, .line = tag_line});
            if (e) return e;
            continue;
        }
        while (n && is_space(*s)) s++, n--;
        if (!sigil_done && n) {
            sigil_done = true;
            switch (*s) {
            case '&': kind = T_RAW; break;
            case '#': kind = T_SECTION; break;
            case '^': kind = T_INVERTED; break;
            case '/': kind = T_CLOSE; break;
            case '!': kind = T_COMMENT; break;
            case '>': kind = T_PARTIAL; break;
            case '<': kind = T_PARENT; break;
            case '$': kind = T_BLOCK; break;
            default: sigil_done = false; break;
            }
            if (sigil_done) s++, n--;
        }
        if (kind == T_COMMENT) {
            e = push_tok(c, (struct tok){.kind = T_COMMENT, .line = tag_line});
            if (e) return e;
            continue;
        }
        while (n && is_space(*s)) s++, n--;
        while (n && is_space(s[n - 1])) n--;
        if (n == 0) return compile_error(c, tag_line, "empty tag: a name is missing");
        for (size_t i = 0; i < n; i++)
            if (is_space(s[i]))
                return compile_error(c, tag_line, "the tag name '%.*s' contains a space", (int)n, s);
        e = push_tok(c, (struct tok){.kind = kind, .s = s, .n = n, .line = tag_line});
        if (e) return e;
    }
    return LE_OK;
}

/* ------------------------------------------------------------------------------------------
 * Pass 2: pairs
 * ------------------------------------------------------------------------------------------ */

static bool is_opener(enum tok_kind k)
{
    return k == T_SECTION || k == T_INVERTED || k == T_PARENT || k == T_BLOCK;
}

static const char *tag_sigil(enum tok_kind k)
{
    switch (k) {
    case T_SECTION: return "#";
    case T_INVERTED: return "^";
    case T_PARENT: return "<";
    case T_BLOCK: return "$";
    default: return "";
    }
}

static lerr match_tags(struct compiler *c)
{
    size_t *stack = malloc((c->nt + 1) * sizeof *stack);
    if (!stack) return LE_NOMEM;
    size_t sp = 0;
    lerr e = LE_OK;
    for (size_t i = 0; i < c->nt && !e; i++) {
        struct tok *t = &c->t[i];
        if (is_opener(t->kind)) {
            if (t->kind == T_BLOCK) t->in_parent = sp && c->t[stack[sp - 1]].kind == T_PARENT;
            stack[sp++] = i;
        } else if (t->kind == T_CLOSE) {
            if (sp == 0) {
                e = compile_error(c, t->line, "'{{/%.*s}}' closes nothing: there is no open section",
                                  (int)t->n, t->s);
                break;
            }
            struct tok *o = &c->t[stack[--sp]];
            if (o->n != t->n || memcmp(o->s, t->s, t->n) != 0) {
                e = compile_error(c, t->line,
                                  "'{{/%.*s}}' does not match '{{%s%.*s}}' opened on line %d",
                                  (int)t->n, t->s, tag_sigil(o->kind), (int)o->n, o->s, o->line);
                break;
            }
            o->match = i;
            t->match = (size_t)(o - c->t);
            t->in_parent = o->in_parent;
        }
    }
    if (!e && sp) {
        const struct tok *o = &c->t[stack[sp - 1]];
        e = compile_error(c, o->line, "'{{%s%.*s}}' is never closed: add '{{/%.*s}}'",
                          tag_sigil(o->kind), (int)o->n, o->s, (int)o->n, o->s);
    }
    free(stack);
    return e;
}

/* ------------------------------------------------------------------------------------------
 * Pass 3: whitespace rules
 * ------------------------------------------------------------------------------------------ */

static bool ws_only(const struct tok *t)
{
    if (t->kind != T_TEXT) return false;
    for (size_t i = 0; i < t->n; i++)
        if (!is_blank(t->s[i])) return false;
    return true;
}

/* Where a line's content is: the first token that is not blank text (le if none), and one
 * past the last (ls if none). A token is then alone on its side of the line when the first
 * or last non-blank token is the token itself, which keeps a line of many tags linear. */
struct line {
    size_t first_nb, end_nb;
};

static struct line line_content(const struct compiler *c, size_t ls, size_t le)
{
    struct line ln = {le, ls};
    for (size_t i = ls; i < le; i++)
        if (!ws_only(&c->t[i])) {
            if (ln.first_nb == le) ln.first_nb = i;
            ln.end_nb = i + 1;
        }
    return ln;
}

/* Only blanks between the line's start and token i? */
static bool clear_left(const struct line *ln, size_t i)
{
    return ln->first_nb >= i;
}

/* Only blanks between token i and the line's end? */
static bool clear_right(const struct line *ln, size_t i)
{
    return ln->end_nb <= i + 1;
}

static size_t line_end(const struct compiler *c, size_t i)
{
    while (i < c->nt && c->t[i].kind != T_NL) i++;
    return i;
}

static bool can_stand_alone(enum tok_kind k)
{
    return k != T_TEXT && k != T_NL && k != T_VAR && k != T_RAW;
}

/* A block whose opening tag owns its line end removes the indentation its content has where
 * it is written. dedent entries stack up for nested blocks; total is the sum of them all. */
struct dedent {
    size_t close; /* the block's closing tag */
    const char *total;
    size_t n;
};

static size_t common_prefix(const char *a, size_t an, const char *b, size_t bn)
{
    size_t i = 0;
    while (i < an && i < bn && a[i] == b[i]) i++;
    return i;
}

/* Decides, line by line, which tags are standalone, drops the whitespace they own, records
 * indentation, and marks the line starts that become INDENT nodes.
 *
 * A tag is standalone when nothing but blanks shares its line. Inheritance adds rules
 * (mustache/spec #131): text inside a parent tag pair and outside its blocks is ignored, so
 * - a parent's opening and closing tags on one line act as one tag ("  {{<p}}{{/p}}");
 * - a block argument's opening tag only needs its right side clear, its closing tag only its
 *   left side;
 * - a block at an expansion site whose opening tag starts a line indents the content put
 *   there by that line's leading blanks or, when the tag stands alone on its line, by the
 *   indentation of the first line of its own content (its intrinsic indentation). */
static lerr apply_lines(struct compiler *c)
{
    struct dedent *dd = NULL;
    size_t ndd = 0, cap = 0;
    bool next_is_first = false; /* the next line is the first line of a block's content */

    for (size_t ls = 0; ls < c->nt;) {
        size_t le = line_end(c, ls);
        while (ndd && dd[ndd - 1].close < ls) ndd--;
        /* Strip the intrinsic indentation of the blocks this line is inside. */
        if (ndd && c->t[ls].kind == T_TEXT) {
            struct tok *t = &c->t[ls];
            size_t k = common_prefix(t->s, t->n, dd[ndd - 1].total, dd[ndd - 1].n);
            t->s += k;
            t->n -= k;
            if (t->n == 0) t->drop = true;
        }

        struct line ln = line_content(c, ls, le);
        bool consumed = false;       /* a tag took over this line's start */
        size_t opened = SIZE_MAX;    /* a block whose content starts on the next line */
        for (size_t i = ls; i < le; i++) {
            struct tok *t = &c->t[i];
            if (!can_stand_alone(t->kind)) continue;
            bool ll = clear_left(&ln, i), rl = clear_right(&ln, i);
            bool left = ll, right = rl;
            enum tok_kind role = t->kind == T_CLOSE ? c->t[t->match].kind : t->kind;
            if (t->kind == T_PARENT) {
                right = t->match > le || clear_right(&ln, t->match);
            } else if (t->kind == T_CLOSE && role == T_PARENT) {
                left = t->match < ls || clear_left(&ln, t->match);
            } else if (t->kind == T_BLOCK && t->in_parent) {
                left = true;
            } else if (t->kind == T_CLOSE && role == T_BLOCK && t->in_parent) {
                right = true;
            }
            bool leading = false; /* take this line's leading blanks */
            if (left && right) {
                t->standalone = true;
                leading = ll;
                if (rl)
                    for (size_t j = i + 1; j <= le && j < c->nt; j++) c->t[j].drop = true;
                if (t->kind == T_BLOCK) {
                    t->content_at_bol = true;
                    t->first_line = true;
                    opened = i;
                }
            } else if (t->kind == T_BLOCK && !t->in_parent && ll) {
                /* "  {{$b}}...": the content takes the place of the blanks. */
                leading = true;
                t->first_line = true;
            }
            if (leading) {
                consumed = true;
                if (i > ls && !c->t[ls].drop) {
                    t->ws = c->t[ls].s;
                    t->ws_n = c->t[ls].n;
                }
                for (size_t j = ls; j < i; j++) c->t[j].drop = true;
            }
        }

        size_t f = ls;
        while (f < le && c->t[f].drop) f++;
        if (!consumed && f < le) c->t[f].bol = next_is_first ? 2 : 1;
        next_is_first = false;

        if (opened != SIZE_MAX) {
            /* The intrinsic indentation is that of the content's first line, measured after
             * the enclosing blocks' indentation is gone. */
            const char *outer = ndd ? dd[ndd - 1].total : "";
            size_t outer_n = ndd ? dd[ndd - 1].n : 0;
            const char *d = "";
            size_t dn = 0;
            size_t next = le + 1;
            if (next < c->nt && c->t[next].kind == T_TEXT) {
                const struct tok *t = &c->t[next];
                size_t k = common_prefix(t->s, t->n, outer, outer_n);
                d = t->s + k;
                while (k + dn < t->n && is_blank(d[dn])) dn++;
            }
            if (!c->t[opened].in_parent) {
                c->t[opened].ws = d;
                c->t[opened].ws_n = dn;
            }
            if (ndd == cap) {
                cap = cap ? cap * 2 : 8;
                struct dedent *v = realloc(dd, cap * sizeof *v);
                if (!v) {
                    free(dd);
                    return LE_NOMEM;
                }
                dd = v;
            }
            char *total = arena_alloc(c->a, outer_n + dn + 1);
            memcpy(total, outer, outer_n);
            memcpy(total + outer_n, d, dn);
            dd[ndd++] = (struct dedent){c->t[opened].match, total, outer_n + dn};
            next_is_first = true;
        }
        ls = le + 1;
    }
    free(dd);
    return LE_OK;
}

/* ------------------------------------------------------------------------------------------
 * Pass 4: the node tree
 * ------------------------------------------------------------------------------------------ */

struct nodevec {
    struct node *v;
    size_t n, cap;
};

static lerr nv_push(struct nodevec *nv, struct node nd)
{
    /* Adjacent pieces of the source become one text node. */
    if (nd.kind == N_TEXT && nv->n && nv->v[nv->n - 1].kind == N_TEXT &&
        nv->v[nv->n - 1].s + nv->v[nv->n - 1].n == nd.s) {
        nv->v[nv->n - 1].n += nd.n;
        return LE_OK;
    }
    if (nv->n == nv->cap) {
        size_t cap = nv->cap ? nv->cap * 2 : 16;
        struct node *v = realloc(nv->v, cap * sizeof *v);
        if (!v) return LE_NOMEM;
        nv->v = v;
        nv->cap = cap;
    }
    nv->v[nv->n++] = nd;
    return LE_OK;
}

static lerr parse_path(struct compiler *c, const struct tok *t, struct node *nd)
{
    if (t->n == 1 && t->s[0] == '.') return LE_OK; /* the implicit iterator */
    size_t parts = 1;
    for (size_t i = 0; i < t->n; i++) parts += t->s[i] == '.';
    const char **path = arena_alloc(c->a, parts * sizeof *path);
    size_t *len = arena_alloc(c->a, parts * sizeof *len);
    size_t start = 0, k = 0;
    for (size_t i = 0; i <= t->n; i++) {
        if (i < t->n && t->s[i] != '.') continue;
        if (i == start)
            return compile_error(c, t->line, "bad name '%.*s': a dot must sit between two names",
                                 (int)t->n, t->s);
        len[k] = i - start;
        path[k++] = arena_strndup(c->a, t->s + start, i - start);
        start = i + 1;
    }
    nd->path = path;
    nd->path_len = len;
    nd->npath = parts;
    return LE_OK;
}

static lerr build(struct compiler *c, size_t from, size_t to, bool lead_first,
                  const struct node **out, size_t *nout);

static lerr build_block(struct compiler *c, size_t i, struct node *nd)
{
    const struct tok *t = &c->t[i];
    *nd = (struct node){.kind = N_BLOCK, .s = arena_strndup(c->a, t->s, t->n), .n = t->n,
                        .first_line = t->first_line, .ind = t->ws, .ind_n = t->ws_n};
    /* Content that starts mid-line gets an INDENT_FIRST here; content that starts on a line
     * of its own got one from apply_lines. */
    return build(c, i + 1, t->match, !t->content_at_bol, &nd->kids, &nd->nkids);
}

static lerr build(struct compiler *c, size_t from, size_t to, bool lead_first,
                  const struct node **out, size_t *nout)
{
    struct nodevec nv = {0};
    lerr e = LE_OK;
    if (lead_first) e = nv_push(&nv, (struct node){.kind = N_INDENT_FIRST});
    for (size_t i = from; i < to && !e; i++) {
        const struct tok *t = &c->t[i];
        if (t->drop) continue;
        if (t->bol) e = nv_push(&nv, (struct node){.kind = t->bol == 2 ? N_INDENT_FIRST : N_INDENT});
        if (e) break;
        struct node nd = {0};
        switch (t->kind) {
        case T_TEXT:
        case T_NL:
            e = nv_push(&nv, (struct node){.kind = N_TEXT, .s = t->s, .n = t->n});
            break;
        case T_VAR:
        case T_RAW:
            nd.kind = N_VAR;
            nd.escape = t->kind == T_VAR;
            e = parse_path(c, t, &nd);
            if (!e) e = nv_push(&nv, nd);
            break;
        case T_SECTION:
        case T_INVERTED:
            nd.kind = t->kind == T_SECTION ? N_SECTION : N_INVERTED;
            e = parse_path(c, t, &nd);
            if (!e) e = build(c, i + 1, t->match, false, &nd.kids, &nd.nkids);
            if (!e) e = nv_push(&nv, nd);
            i = t->match;
            break;
        case T_PARTIAL:
            nd = (struct node){.kind = N_PARTIAL, .s = arena_strndup(c->a, t->s, t->n), .n = t->n,
                               .standalone = t->standalone, .ind = t->ws, .ind_n = t->ws_n};
            e = nv_push(&nv, nd);
            break;
        case T_PARENT: {
            /* Only the blocks directly inside a parent matter; all else there is ignored. */
            struct nodevec args = {0};
            for (size_t j = i + 1; j < t->match && !e; j++) {
                if (c->t[j].kind == T_BLOCK) {
                    struct node blk;
                    e = build_block(c, j, &blk);
                    if (!e) e = nv_push(&args, blk);
                }
                if (is_opener(c->t[j].kind)) j = c->t[j].match;
            }
            nd = (struct node){.kind = N_PARENT, .s = arena_strndup(c->a, t->s, t->n), .n = t->n,
                               .standalone = t->standalone, .ind = t->ws, .ind_n = t->ws_n};
            if (!e && args.n) {
                struct node *kids = arena_alloc(c->a, args.n * sizeof *kids);
                memcpy(kids, args.v, args.n * sizeof *kids);
                nd.kids = kids;
                nd.nkids = args.n;
            }
            free(args.v);
            if (!e) e = nv_push(&nv, nd);
            i = t->match;
            break;
        }
        case T_BLOCK:
            e = build_block(c, i, &nd);
            if (!e) e = nv_push(&nv, nd);
            i = t->match;
            break;
        case T_CLOSE:   /* consumed with its opener */
        case T_COMMENT:
        case T_DELIM:
            break;
        }
    }
    /* A closing tag that starts a line without standing alone ("{{/s}} more"): the line
     * starts inside the section, so its indentation belongs to the section's content. */
    if (!e && to < c->nt && c->t[to].kind == T_CLOSE && c->t[to].bol)
        e = nv_push(&nv, (struct node){.kind = c->t[to].bol == 2 ? N_INDENT_FIRST : N_INDENT});
    if (!e && nv.n) {
        struct node *v = arena_alloc(c->a, nv.n * sizeof *v);
        memcpy(v, nv.v, nv.n * sizeof *v);
        *out = v;
        *nout = nv.n;
    } else {
        *out = NULL;
        *nout = 0;
    }
    free(nv.v);
    return e;
}

static lerr compile(struct compiler *c, struct tpl *t)
{
    lerr e = tokenize(c);
    if (!e) e = match_tags(c);
    if (!e) e = apply_lines(c);
    if (!e) e = build(c, 0, c->nt, false, &t->nodes, &t->n);
    return e;
}

/* ------------------------------------------------------------------------------------------
 * The set
 * ------------------------------------------------------------------------------------------ */

struct tpl_set *tpl_set_new(void)
{
    return calloc(1, sizeof(struct tpl_set));
}

void tpl_set_round_reals(struct tpl_set *set, int decimals)
{
    set->real_decimals = decimals > 0 && decimals < 10 ? decimals : 0;
}

/* d with at most n decimals and no trailing zeros: 60.7142857 -> "60.71", 0.5 -> "0.5". */
static void round_real(char *num, size_t size, double d, int n)
{
    snprintf(num, size, "%.*f", n, d);
    char *dot = strchr(num, '.');
    if (!dot) return;
    char *end = num + strlen(num);
    while (end > dot + 1 && end[-1] == '0') end--;
    if (end == dot + 1) end = dot;
    *end = '\0';
    if (strcmp(num, "-0") == 0) strcpy(num, "0");
}

static void tpl_free(struct tpl *t)
{
    if (!t) return;
    arena_free(t->arena);
    free(t->name);
    free(t);
}

void tpl_set_free(struct tpl_set *set)
{
    if (!set) return;
    for (size_t i = 0; i < set->n; i++) tpl_free(set->v[i]);
    free(set->v);
    free(set);
}

/* The index of name, or where it would go (with *found false). */
static size_t set_search(const struct tpl_set *set, const char *name, bool *found)
{
    size_t lo = 0, hi = set->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(name, set->v[mid]->name);
        if (cmp == 0) {
            *found = true;
            return mid;
        }
        if (cmp < 0) hi = mid;
        else lo = mid + 1;
    }
    *found = false;
    return lo;
}

static const struct tpl *set_find(const struct tpl_set *set, const char *name)
{
    bool found;
    size_t i = set_search(set, name, &found);
    return found ? set->v[i] : NULL;
}

bool tpl_set_has(const struct tpl_set *set, const char *name)
{
    return set && name && set_find(set, name) != NULL;
}

lerr tpl_set_add(struct tpl_set *set, const char *name, const char *src, size_t len,
                 struct problem *p)
{
    if (!set || !name || (!src && len))
        return problem_set(p, LE_INVALID, "template", "no template given");
    struct tpl *t = calloc(1, sizeof *t);
    if (!t || !(t->name = strdup(name))) {
        free(t);
        return problem_set(p, LE_NOMEM, "template", "out of memory compiling template '%s'", name);
    }
    t->arena = arena_new(len < 4096 ? 4096 : 16384);
    char *copy = arena_alloc(t->arena, len + 1);
    if (len) memcpy(copy, src, len);

    struct compiler c = {.name = name, .p = p, .a = t->arena, .src = copy, .len = len};
    lerr e = compile(&c, t);
    free(c.t);
    if (e) {
        tpl_free(t);
        if (e == LE_NOMEM)
            problem_set(p, e, "template", "out of memory compiling template '%s'", name);
        return e;
    }

    bool found;
    size_t i = set_search(set, name, &found);
    if (found) {
        tpl_free(set->v[i]);
        set->v[i] = t;
        return LE_OK;
    }
    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 32;
        struct tpl **v = realloc(set->v, cap * sizeof *v);
        if (!v) {
            tpl_free(t);
            return problem_set(p, LE_NOMEM, "template", "out of memory adding template '%s'", name);
        }
        set->v = v;
        set->cap = cap;
    }
    memmove(set->v + i + 1, set->v + i, (set->n - i) * sizeof *set->v);
    set->v[i] = t;
    set->n++;
    return LE_OK;
}

/* ------------------------------------------------------------------------------------------
 * Rendering
 * ------------------------------------------------------------------------------------------ */

/* The context stack above the caller's array: one frame per section level, on the C stack. */
struct ctx {
    json_t *v;
    const struct ctx *up;
};

/* Indentation is a chain of pieces (partial inside partial inside block...). */
struct indent {
    const char *s;
    size_t n;
    const struct indent *up;
};

/* One frame per parent being rendered: its block arguments, and the frames that were in
 * force where the parent tag was written. */
struct frame {
    const struct node *parent;
    const struct frame *up;
};

/* Names resolved in the caller's frames, by the node that names them: those frames do not
 * change during a render, and a page's loops name the same ones on every pass ("t.courses.due"
 * in a list of courses), each costing a hash lookup per part and per frame. */
#define MEMO_SLOTS 64
struct memo {
    const struct node *nd;
    json_t *v;
};

struct render {
    const struct tpl_set *set;
    struct buf *out;
    json_t *const *base;
    size_t nbase;
    struct memo *memo; /* MEMO_SLOTS entries */
};

struct scope {
    const struct ctx *cx;
    const struct indent *ind;
    const struct frame *fr;
    int depth;
};

static lerr render_nodes(const struct render *r, const struct node *nodes, size_t n,
                         const struct scope *sc, bool first);

static lerr put_indent(const struct render *r, const struct indent *ind)
{
    if (!ind) return LE_OK;
    lerr e = put_indent(r, ind->up);
    return e ? e : buf_add(r->out, ind->s, ind->n);
}

static json_t *ctx_top(const struct render *r, const struct scope *sc)
{
    if (sc->cx) return sc->cx->v;
    return r->nbase ? r->base[r->nbase - 1] : NULL;
}

/* A path part that is a decimal number indexes an array ("items.0"), as in JavaScript. */
static json_t *get_member(json_t *v, const char *key, size_t len)
{
    if (json_is_object(v)) return json_object_getn(v, key, len);
    if (json_is_array(v) && key[0] >= '0' && key[0] <= '9') {
        char *end;
        unsigned long idx = strtoul(key, &end, 10);
        if (*end == '\0') return json_array_get(v, idx);
    }
    return NULL;
}

/* The spec's name resolution: the first part is looked up through the whole stack, top down,
 * in the first context that has it; the other parts only inside what the part before found. */
static json_t *lookup(const struct render *r, const struct scope *sc, const struct node *nd)
{
    if (nd->npath == 0) return ctx_top(r, sc);
    const char *first = nd->path[0];
    size_t first_len = nd->path_len[0];
    json_t *v = NULL;
    for (const struct ctx *c = sc->cx; c && !v; c = c->up)
        if (json_is_object(c->v)) v = json_object_getn(c->v, first, first_len);
    if (v) {
        for (size_t i = 1; i < nd->npath && v; i++) v = get_member(v, nd->path[i], nd->path_len[i]);
        return v;
    }
    struct memo *m = &r->memo[((uintptr_t)nd / sizeof *nd) % MEMO_SLOTS];
    if (m->nd == nd) return m->v;
    for (size_t i = r->nbase; i > 0 && !v; i--)
        if (json_is_object(r->base[i - 1])) v = json_object_getn(r->base[i - 1], first, first_len);
    for (size_t i = 1; i < nd->npath && v; i++) v = get_member(v, nd->path[i], nd->path_len[i]);
    m->nd = nd;
    m->v = v;
    return v;
}

/* Falsey as in JavaScript (`!!data`, which the spec cites): missing, null, false, "", 0, and
 * the empty list. Objects, even empty ones, are truthy. */
static bool truthy(json_t *v)
{
    if (!v) return false;
    switch (json_typeof(v)) {
    case JSON_NULL:
    case JSON_FALSE: return false;
    case JSON_STRING: return json_string_length(v) > 0;
    case JSON_INTEGER: return json_integer_value(v) != 0;
    case JSON_REAL: return json_real_value(v) != 0.0;
    case JSON_ARRAY: return json_array_size(v) > 0;
    default: return true;
    }
}

/* Scalars as text: integers in full, reals in the fewest digits that read back as the same
 * number (1.21 stays "1.21", not "1.2099999999999999"), booleans as true/false. Objects,
 * arrays and null render as nothing. */
static lerr put_value(const struct render *r, json_t *v, bool escape)
{
    char num[40];
    switch (v ? json_typeof(v) : JSON_NULL) {
    case JSON_STRING:
        if (escape) return html_escape(r->out, json_string_value(v), json_string_length(v));
        return buf_add(r->out, json_string_value(v), json_string_length(v));
    case JSON_INTEGER: { /* digits by hand: pages print many (percentages, ids), printf was slow */
        json_int_t x = json_integer_value(v);
        uint64_t u = x < 0 ? 0 - (uint64_t)x : (uint64_t)x;
        char *end = num + sizeof num, *p = end;
        do *--p = (char)('0' + u % 10);
        while (u /= 10);
        if (x < 0) *--p = '-';
        return buf_add(r->out, p, (size_t)(end - p));
    }
    case JSON_REAL: {
        double d = json_real_value(v);
        if (r->set->real_decimals && d > -1e15 && d < 1e15) {
            round_real(num, sizeof num, d, r->set->real_decimals);
            return buf_adds(r->out, num);
        }
        for (int prec = 15; prec <= 17; prec++) {
            snprintf(num, sizeof num, "%.*g", prec, d);
            if (strtod(num, NULL) == d) break;
        }
        return buf_adds(r->out, num);
    }
    case JSON_TRUE: return buf_adds(r->out, "true");
    case JSON_FALSE: return buf_adds(r->out, "false");
    default: return LE_OK;
    }
}

static lerr too_deep(const struct node *nd)
{
    log_error("template: nesting deeper than %d at '%s' (a partial or parent that includes "
              "itself without end?)", TPL_MAX_DEPTH, nd->s);
    return LE_INTERNAL;
}

/* The argument for block name from the parents being rendered; the outermost wins, so a
 * page's argument beats the defaults its layout passes further up (multi-level
 * inheritance). *def gets the frame the argument came from. */
static const struct node *find_arg(const struct frame *fr, const char *name, const struct frame **def)
{
    const struct node *found = NULL;
    for (; fr; fr = fr->up) {
        for (size_t i = 0; i < fr->parent->nkids; i++) {
            const struct node *b = &fr->parent->kids[i];
            if (strcmp(b->s, name) == 0) {
                found = b;
                *def = fr;
                break;
            }
        }
    }
    return found;
}

static lerr render_section(const struct render *r, const struct node *nd, const struct scope *sc)
{
    json_t *v = lookup(r, sc, nd);
    if (nd->kind == N_INVERTED)
        return truthy(v) ? LE_OK : render_nodes(r, nd->kids, nd->nkids, sc, false);
    if (!truthy(v)) return LE_OK;
    struct ctx cx = {v, sc->cx};
    struct scope inner = *sc;
    inner.cx = &cx;
    if (!json_is_array(v)) return render_nodes(r, nd->kids, nd->nkids, &inner, false);
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
        cx.v = item;
        lerr e = render_nodes(r, nd->kids, nd->nkids, &inner, false);
        if (e) return e;
    }
    return LE_OK;
}

/* Partials and parents: the named template with the same context. A standalone tag's
 * indentation adds to the current one; an inline one starts without indentation, since the
 * spec indents only standalone partials. */
static lerr render_include(const struct render *r, const struct node *nd, const struct scope *sc)
{
    const struct tpl *t = set_find(r->set, nd->s);
    if (!t) return LE_OK; /* the spec: a missing partial renders as nothing */
    if (sc->depth >= TPL_MAX_DEPTH) return too_deep(nd);
    struct indent ind = {nd->ind, nd->ind_n, sc->ind};
    struct frame fr = {nd, sc->fr};
    struct scope inner = {sc->cx, nd->standalone ? &ind : NULL, sc->fr, sc->depth + 1};
    if (nd->kind == N_PARENT) inner.fr = &fr;
    return render_nodes(r, t->nodes, t->n, &inner, false);
}

/* A block renders the argument passed for it, or else its own default content, indented for
 * this spot. An argument renders with the parents that were in force where it was written,
 * so blocks inside it resolve as they would there. */
static lerr render_block(const struct render *r, const struct node *nd, const struct scope *sc)
{
    const struct frame *def = NULL;
    const struct node *arg = sc->fr ? find_arg(sc->fr, nd->s, &def) : NULL;
    struct indent ind = {nd->ind, nd->ind_n, sc->ind};
    struct scope inner = {sc->cx, &ind, sc->fr, sc->depth};
    if (!arg) return render_nodes(r, nd->kids, nd->nkids, &inner, nd->first_line);
    if (sc->depth >= TPL_MAX_DEPTH) return too_deep(nd);
    inner.fr = def->up;
    inner.depth++;
    return render_nodes(r, arg->kids, arg->nkids, &inner, nd->first_line);
}

static lerr render_nodes(const struct render *r, const struct node *nodes, size_t n,
                         const struct scope *sc, bool first)
{
    lerr e = LE_OK;
    for (size_t i = 0; i < n && !e; i++) {
        const struct node *nd = &nodes[i];
        switch (nd->kind) {
        case N_TEXT: e = buf_add(r->out, nd->s, nd->n); break;
        case N_INDENT: e = put_indent(r, sc->ind); break;
        case N_INDENT_FIRST: e = first ? put_indent(r, sc->ind) : LE_OK; break;
        case N_VAR: e = put_value(r, lookup(r, sc, nd), nd->escape); break;
        case N_SECTION:
        case N_INVERTED: e = render_section(r, nd, sc); break;
        case N_PARTIAL:
        case N_PARENT: e = render_include(r, nd, sc); break;
        case N_BLOCK: e = render_block(r, nd, sc); break;
        }
    }
    return e;
}

lerr tpl_set_render(const struct tpl_set *set, const char *name, json_t *const *stack, size_t n,
                    struct buf *out)
{
    if (!set || !name || !out || (n && !stack)) return LE_INVALID;
    const struct tpl *t = set_find(set, name);
    if (!t) return LE_NOTFOUND;
    struct memo memo[MEMO_SLOTS] = {{0}};
    struct render r = {set, out, stack, n, memo};
    struct scope sc = {0};
    return render_nodes(&r, t->nodes, t->n, &sc, false);
}
