/* Time, randomness, hashing and logging. */
#include <stdio.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <sodium.h>
#include "core.h"

static _Atomic int64_t fake_now;

int64_t time_now(void)
{
    int64_t f = atomic_load(&fake_now);
    return f ? f : (int64_t)time(NULL) + time_clock_offset();
}

void time_set_fake(int64_t t)
{
    atomic_store(&fake_now, t);
}

static void put_digits(char *at, int64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--, v /= 10) at[i] = (char)('0' + v % 10);
}

/* By hand rather than gmtime_r and strftime, which showed in page profiles (a dashboard writes
 * twenty of these): the civil date from days since 1970-01-01 (H. Hinnant's algorithm, exact
 * for the proleptic Gregorian calendar). Years 0 to 9999; others are clamped to them. */
void time_iso8601(int64_t t, char out[static 21])
{
    const int64_t min = -62167219200, max = 253402300799; /* 0000-01-01, 9999-12-31T23:59:59 */
    if (t < min) t = min;
    if (t > max) t = max;
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400), secs = t - days * 86400;
    int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;                                    /* [0, 146096] */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);              /* [0, 365] */
    int64_t mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
    int64_t y = yoe + era * 400 + (m <= 2);
    memcpy(out, "0000-00-00T00:00:00Z", 21);
    put_digits(out, y, 4);
    put_digits(out + 5, m, 2);
    put_digits(out + 8, d, 2);
    put_digits(out + 11, secs / 3600, 2);
    put_digits(out + 14, secs / 60 % 60, 2);
    put_digits(out + 17, secs % 60, 2);
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

void random_code(char *out, size_t n, const char *alphabet)
{
    /* randombytes_uniform has no modulo bias, so every letter is as likely as any other. */
    size_t k = strlen(alphabet);
    for (size_t i = 0; i < n; i++) out[i] = alphabet[randombytes_uniform((uint32_t)k)];
    out[n] = '\0';
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
