/* Connection limits (docs/deploy.md): idle connections must not take the service away.
 *
 * libmicrohttpd's default is about a thousand connections in all, with a 30 s timeout, so a
 * thousand idle sockets from one address stopped Lectern for everyone. Here:
 * - each address may hold at most max_per_ip connections (reverse proxies named in
 *   --trusted-proxies are exempt: every client comes through them);
 * - the total is raised to max_connections, with the open-file limit raised to match;
 * - a connection that has not sent a complete request within first_request_s is closed; once
 *   it has, the usual idle timeout applies.
 * Addresses are counted in buckets of a keyed hash (a random key per process), so two
 * addresses rarely share a count and nobody can choose to share another's. The counts are
 * atomics: the accept check and the open/close notices need no lock. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sodium.h>
#include "internal.h"

#define BUCKETS 65536u

static atomic_uint per_bucket[BUCKETS];
static uint64_t hash_key;
static unsigned max_per_ip;
static const char *trusted;     /* comma-separated proxy addresses (exempt) */
static unsigned first_request_s;

static uint64_t mix(uint64_t h, const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 1099511628211ull;
    return h ^ (h >> 29);
}

/* The address's bucket, and its text for the trusted-proxy check (text may be NULL). */
static unsigned bucket_of(const struct sockaddr *sa, char *text, size_t text_size)
{
    const void *addr = NULL;
    size_t n = 0;
    int family = sa->sa_family;
    if (family == AF_INET) {
        addr = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
        n = 4;
    } else if (family == AF_INET6) {
        addr = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
        n = 16;
    }
    if (text && (!addr || !inet_ntop(family, addr, text, (socklen_t)text_size))) text[0] = '\0';
    if (!addr) return 0;
    return (unsigned)(mix(hash_key, addr, n) % BUCKETS);
}

static bool is_trusted(const char *text)
{
    return trusted && *text && http_addr_in_list(trusted, text, strlen(text));
}

unsigned conn_limits_init(const struct server_config *cfg)
{
    randombytes_buf(&hash_key, sizeof hash_key);
    max_per_ip = cfg->max_connections_per_ip ? cfg->max_connections_per_ip : 256;
    first_request_s = cfg->first_request_timeout_s ? cfg->first_request_timeout_s : 10;
    trusted = cfg->trusted_proxies;
    unsigned total = cfg->max_connections ? cfg->max_connections : 10000;
    /* Each connection is a file descriptor; keep room for the database, files and logs. */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rlim_t want = (rlim_t)total + 256;
        if (rl.rlim_cur < want) {
            rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
            setrlimit(RLIMIT_NOFILE, &rl);
            getrlimit(RLIMIT_NOFILE, &rl);
        }
        if (rl.rlim_cur < want) {
            unsigned fit = rl.rlim_cur > 512 ? (unsigned)(rl.rlim_cur - 256) : 256;
            log_info("http: the open-file limit is %llu; serving at most %u connections (raise the limit, "
                     "e.g. LimitNOFILE in systemd, for %u)",
                     (unsigned long long)rl.rlim_cur, fit, total);
            total = fit;
        }
    }
    return total;
}

enum MHD_Result conn_limits_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
    (void)cls;
    (void)addrlen;
    char text[INET6_ADDRSTRLEN];
    unsigned b = bucket_of(addr, text, sizeof text);
    if (atomic_load_explicit(&per_bucket[b], memory_order_relaxed) < max_per_ip || is_trusted(text)) return MHD_YES;
    return MHD_NO;
}

/* What a connection holds of the limits, in its socket context. */
struct conn_slot {
    unsigned bucket;
    bool requested;               /* a complete request came: the usual idle timeout applies */
};

void conn_limits_opened(struct MHD_Connection *conn, void **socket_context)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    struct conn_slot *slot = malloc(sizeof *slot);
    if (!ci || !ci->client_addr || !slot) {
        free(slot);
        return;
    }
    slot->bucket = bucket_of(ci->client_addr, NULL, 0);
    slot->requested = false;
    atomic_fetch_add_explicit(&per_bucket[slot->bucket], 1, memory_order_relaxed);
    *socket_context = slot;
    MHD_set_connection_option(conn, MHD_CONNECTION_OPTION_TIMEOUT, first_request_s);
}

void conn_limits_closed(void **socket_context)
{
    struct conn_slot *slot = *socket_context;
    if (!slot) return;
    atomic_fetch_sub_explicit(&per_bucket[slot->bucket], 1, memory_order_relaxed);
    free(slot);
    *socket_context = NULL;
}

void conn_limits_request_started(struct MHD_Connection *conn, unsigned idle_timeout_s)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    struct conn_slot *slot = ci ? ci->socket_context : NULL;
    if (!slot || slot->requested) return;
    slot->requested = true;
    MHD_set_connection_option(conn, MHD_CONNECTION_OPTION_TIMEOUT, idle_timeout_s);
}
