/* Time, randomness, hashing and logging. */
#include <stdio.h>
#include <stdatomic.h>
#include <time.h>
#include <sodium.h>
#include "core.h"

static _Atomic int64_t fake_now;

int64_t time_now(void)
{
    int64_t f = atomic_load(&fake_now);
    return f ? f : (int64_t)time(NULL);
}

void time_set_fake(int64_t t)
{
    atomic_store(&fake_now, t);
}

void time_iso8601(int64_t t, char out[static 21])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

double time_monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

lerr core_init(void)
{
    return sodium_init() < 0 ? LE_INTERNAL : LE_OK;
}

void random_hex(char *out, size_t nbytes)
{
    unsigned char raw[64];
    if (nbytes > sizeof raw) nbytes = sizeof raw;
    randombytes_buf(raw, nbytes);
    sodium_bin2hex(out, nbytes * 2 + 1, raw, nbytes);
}

void sha256_hex(const void *data, size_t n, char out[static 65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, n);
    sodium_bin2hex(out, 65, h, sizeof h);
}

static void log_line(const char *level, const char *fmt, va_list ap)
{
    char ts[21];
    time_iso8601((int64_t)time(NULL), ts);
    char msg[2048];
    vsnprintf(msg, sizeof msg, fmt, ap);
    fprintf(stderr, "%s %s %s\n", ts, level, msg);
}

void log_info(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_line("info", fmt, ap);
    va_end(ap);
}

void log_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_line("error", fmt, ap);
    va_end(ap);
}
